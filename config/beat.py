"""The portal's housekeeping schedule: what beat runs by itself (settings' CELERY_BEAT_SCHEDULE).

Every schedule is in exactly one place (README, Reports: "Schedules"). The portal's own
housekeeping is this list, and only this list: beat copies it into django-celery-beat's
*Periodic tasks* each time it starts (by name), where the admin shows it read-only. The
schedules that officials receive and may change (the monthly programme overview) are rows
of *Periodic tasks* created by data migrations, and are never listed here.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

HOUSEKEEPING: dict[str, dict[str, Any]] = {
    "announce-opened-calls": {
        "task": "exchanges.tasks.announce_opened_calls",
        "schedule": 300.0,
    },
    # The outbox's sweep: hands over again whatever the broker lost or never got (webhook
    # deliveries, e-mails, report runs, retries whose time has come, work of dead workers).
    "sweep-outbox": {
        "task": "cooperation.outbox.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    "remind-hosts": {"task": "exchanges.tasks.remind_hosts", "schedule": 3600.0},
    "run-report-schedules": {"task": "reports.tasks.run_report_schedules", "schedule": 300.0},
    "purge-sent-emails": {
        "task": "cooperation.outbox.tasks.purge_sent_emails",
        "schedule": 86400.0,
    },
    "purge-idempotency-keys": {
        "task": "cooperation.api.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
    "purge-unconfirmed-project-imports": {
        "task": "projects.tasks.purge_unconfirmed_imports",
        "schedule": 3600.0,
    },
    # Queues the day's open-data release once, however many beats (README, "Open data").
    "publish-open-data": {"task": "opendata.tasks.scheduled_release", "schedule": crontab(0, 4)},
    # Nightly, at 03:30 UTC (STAY_DOCUMENT_RETENTION_DAYS says which documents).
    "purge-stay-documents": {
        "task": "exchanges.tasks.purge_stay_documents",
        "schedule": crontab(minute="30", hour="3"),
    },
    # The reminders of tomorrow's events (each sent once), and the registrations' retention.
    "remind-event-registrations": {
        "task": "knowledge.tasks.remind_registrations",
        "schedule": 900.0,
    },
    "purge-event-registrations": {
        "task": "knowledge.tasks.purge_registrations",
        "schedule": crontab(minute="45", hour="3"),
    },
}
