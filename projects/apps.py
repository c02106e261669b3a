from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Joint projects")

    def ready(self) -> None:
        from datetime import datetime

        from cooperation.outbox import dispatch

        def due_imports(now: datetime) -> list[int]:
            """Imports whose worker died, or whose task the broker lost (import_runs)."""
            from projects import import_runs

            return import_runs.stale_imports()

        # A confirmed import is a row of the outbox: handed to a worker after commit, and by
        # the minute sweep (sweep-outbox) if the broker lost it or its worker stopped beating.
        dispatch.register("project_import", task="projects.tasks.run_import", due=due_imports)
