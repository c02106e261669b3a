"""The Celery application: reporting jobs and e-mail run outside the web request."""

import os
from typing import Any

from celery import Celery, bootsteps, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cooperation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _worker_timeouts(**kwargs: Any) -> None:
    """Workers and beat run long statements (reports): give them the workers' timeout."""
    from cooperation.db import use_worker_timeouts

    use_worker_timeouts()


# --- The request id follows the tasks a request queued (cooperation/observability.py) ---------
@signals.before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Write the current request's id into the message of each task it queues."""
    from cooperation.observability import current_request_id

    value = current_request_id()
    if headers is not None and value and "request_id" not in headers:
        headers["request_id"] = value


_tokens: dict[str, Any] = {}


@signals.task_prerun.connect
def _receive_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    """Run the task with the id of the request that queued it (or a new one for beat's)."""
    from cooperation.observability import new_request_id, request_id

    incoming = getattr(task.request, "request_id", None) if task is not None else None
    if not incoming and task is not None:
        incoming = (getattr(task.request, "headers", None) or {}).get("request_id")
    if not incoming and task is not None and task.request.is_eager:
        return  # an eager task runs inside the request: its id is already set
    _tokens[task_id] = request_id.set(new_request_id(incoming))


@signals.task_postrun.connect
def _forget_request_id(task_id: str = "", **kwargs: Any) -> None:
    from cooperation.observability import request_id

    token = _tokens.pop(task_id, None)
    if token is not None:
        request_id.reset(token)


class HeartbeatStep(bootsteps.StartStopStep):
    """Record in Redis, every few seconds, that this worker lives and which queues it takes.

    ``/readyz`` and the metrics read it: a queue that no live worker consumes is visible.
    """

    def start(self, worker: Any) -> None:
        from cooperation.observability import Heartbeat

        queues = sorted(worker.app.amqp.queues.consume_from)
        self.heartbeat = Heartbeat(hostname=worker.hostname, queues=queues)
        self.heartbeat.start()

    def stop(self, worker: Any) -> None:
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            heartbeat.stop()


app.steps["worker"].add(HeartbeatStep)
