"""Gunicorn's configuration for the portal's web containers (``gunicorn -c config/gunicorn.py``).

Every value has an environment override (README, "Deploying"): ``GUNICORN_WORKERS`` (default
2 × CPUs + 1, the CPUs this process may run on), ``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``,
``GUNICORN_MAX_REQUESTS`` with ``GUNICORN_MAX_REQUESTS_JITTER``, ``GUNICORN_PRELOAD`` and
``GUNICORN_BIND``. The access log is one JSON object per line on stdout, with the request id
that the portal's middleware returns in ``X-Request-ID``.
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import shutil
import tempfile
from typing import Any

from gunicorn.glogging import Logger


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise SystemExit(f"{name}={value} must be at least {minimum}.")
    return value


def cpu_count() -> int:
    """Return the CPUs this process may run on (a container's cpuset, not the host's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # inside the container network
workers = _int("GUNICORN_WORKERS", 2 * cpu_count() + 1, minimum=1)
threads = _int("GUNICORN_THREADS", 1, minimum=1)
# A request longer than this is killed (its worker restarted); the database gives up sooner
# (DATABASE_STATEMENT_TIMEOUT), so this only catches what hangs elsewhere.
timeout = _int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = _int("GUNICORN_KEEPALIVE", 5, minimum=0)
# Recycle each worker after about this many requests (a slow leak never grows for ever); the
# jitter spreads the restarts so the workers never all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100, minimum=0)
# Load the application once in the master, then fork: workers share its memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {"0", "false", "no"}
# The container's filesystem may be read-only except tmpfs: heartbeat files in memory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "config.gunicorn.JsonLogger"
# Gunicorn's own messages (start, worker restarts, timeouts) as JSON lines too; the access
# lines are JSON already (JsonLogger) and go out as they are.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "message": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "message",
            "stream": "ext://sys.stdout",
        },
    },
    # Gunicorn merges this over its defaults key by key: the root logger is named again.
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}


# Prometheus counters of every worker are summed at each scrape (config/metrics.py): each
# worker writes its own files here. Set before the application (and prometheus_client) loads.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"portal-metrics-{os.getpid()}"),
)


def on_starting(server: Any) -> None:
    """Start the metrics of this server from zero (files of an earlier run are stale)."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Keep a recycled worker's counters, drop its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server: Any) -> None:
    """Freeze what the preloaded application allocated before the workers are forked.

    Objects moved to the permanent generation are never scanned by the garbage collector, so
    it does not write to (and copy) the pages the workers share with the master.
    """
    if server.cfg.preload_app:
        gc.freeze()


def post_worker_init(worker: Any) -> None:
    """Without preloading, freeze what the worker's own import of the application allocated."""
    if not worker.cfg.preload_app:
        gc.freeze()


class JsonLogger(Logger):
    """Write each access log line as one JSON object (what log collectors parse)."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.cfg.accesslog:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"] or "",
            "protocol": atoms["H"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "referer": atoms["f"],
            "user_agent": atoms["a"],
            "request_id": atoms.get("{x-request-id}o", ""),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:
            self.exception("Could not write an access log line")
