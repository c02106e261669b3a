"""Reports, e-mail and webhooks each have their own Celery queue; the rest the default one."""

from __future__ import annotations

import pytest
from django.conf import settings

from config.celery import app

EXPECTED = {
    "reports.tasks.run_report": "reports",
    "reports.tasks.scheduled_report": "reports",
    "projects.tasks.run_import": "reports",
    "opendata.tasks.build_release": "reports",
    "opendata.tasks.scheduled_release": "reports",
    "cooperation.outbox.tasks.send_email": "email",
    "cooperation.tasks.send_notification": "email",
    "cooperation.api.tasks.deliver_webhook": "webhooks",
    "cooperation.outbox.tasks.sweep_outbox": "celery",
    "cooperation.outbox.tasks.purge_sent_emails": "celery",
    "exchanges.tasks.purge_stay_documents": "celery",
    "exchanges.tasks.announce_opened_calls": "celery",
    "exchanges.tasks.anonymise_researcher": "celery",
    "projects.tasks.purge_unconfirmed_imports": "celery",
}


def _queue_of(name: str) -> str:
    app.loader.import_default_modules()
    assert name in app.tasks, f"{name} is not a registered task"
    route = app.amqp.router.route({}, name, args=(), kwargs={})
    return route["queue"].name


@pytest.mark.parametrize(("task", "queue"), sorted(EXPECTED.items()))
def test_each_task_routes_to_its_queue(task, queue):
    assert _queue_of(task) == queue


def test_every_registered_task_of_the_portal_has_a_known_queue():
    app.loader.import_default_modules()
    ours = [
        n
        for n in app.tasks
        if n.split(".")[0] in {"cooperation", "projects", "exchanges", "reports", "opendata"}
    ]
    assert ours
    for name in ours:
        assert _queue_of(name) in settings.CELERY_QUEUES, name


def test_a_worker_without_q_consumes_every_queue():
    # `make run` and the drills start one worker with no -Q: it must take every queue.
    assert {q.name for q in app.amqp.queues.values()} == set(settings.CELERY_QUEUES)


def test_a_published_delivery_waits_in_the_webhooks_queue_of_the_real_broker(monkeypatch):
    """Publishing to the (embedded, real) Redis puts the message on its queue's list."""
    import redis

    from cooperation.api.tasks import deliver_webhook
    from reports.tasks import run_report

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    before = {queue: client.llen(queue) for queue in settings.CELERY_QUEUES}
    try:
        deliver_webhook.apply_async(args=[0])
        run_report.apply_async(args=[0])
        after = {queue: client.llen(queue) for queue in settings.CELERY_QUEUES}
        assert {q: after[q] - before[q] for q in after} == {
            "celery": 0,
            "email": 0,
            "reports": 1,
            "webhooks": 1,
        }
    finally:
        client.delete("webhooks", "reports")
        client.close()
