"""The Celery application: reporting jobs and e-mail run outside the web request."""

import os
from typing import Any

from celery import Celery, signals

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
