#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read only the code: they need no secret, database or Redis, so that a checkout
# can run them bare (the settings refuse to start without those for anything else).
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages"}
# Commands that serve web requests keep the web's short statement timeout; every other
# command (migrate, imports, seeds) may run long statements, as workers do.
WEB_COMMANDS = {"runserver"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS and not os.environ.get("SECRET_KEY"):
        for name, value in (
            ("DEBUG", "1"),
            ("DATABASE_URL", "postgres://code-only@localhost/code-only"),
            ("REDIS_URL", "redis://localhost:6379/0"),
        ):
            if not os.environ.get(name):
                os.environ[name] = value
    from django.core.management import execute_from_command_line

    if len(sys.argv) > 1 and sys.argv[1] not in WEB_COMMANDS | CODE_ONLY_COMMANDS:
        import django

        from cooperation.db import use_worker_timeouts

        django.setup()
        use_worker_timeouts()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
