"""Logging, the metrics endpoint's networks and error reports, as settings build them."""

from __future__ import annotations

import ipaddress
from importlib.util import find_spec
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def logging_config(*, level: str, log_format: str) -> dict[str, Any]:
    """Return the LOGGING dictionary: one console handler, every record with its request id.

    ``log_format``: ``json`` (one object per line, what log collectors parse) or ``plain``.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "cooperation.observability.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                # JSON needs python-json-logger (always installed by `make`); a bare
                # interpreter running a management check without it logs plain lines instead
                # of failing to start.
                "formatter": log_format if find_spec("pythonjsonlogger") else "plain",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }


def checked_networks(networks: list[str]) -> list[str]:
    """Return ``networks`` (CIDRs), refusing at start-up one that is not a network."""
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"METRICS_ALLOWED_NETWORKS: {network!r} is not a network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: str) -> None:
    """Send error reports to Sentry (or a compatible service); no personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    try:
        traces = float(traces_sample_rate)
    except ValueError:
        raise ImproperlyConfigured(
            "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1."
        ) from None
    if not 0 <= traces <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1.")
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
