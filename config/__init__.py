"""The project's wiring: settings, root URLs, the API router, WSGI/ASGI and the Celery app.

It imports the apps; no app imports it (a contract of ``make lint``). Django imports it with
the settings, which loads the Celery app, so that every ``@shared_task`` binds to it.
"""

from config.celery import app as celery_app

__all__ = ["celery_app"]
