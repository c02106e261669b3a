"""Read settings from the environment, strictly.

Every value that differs between machines comes from an environment variable. A malformed
value stops start-up with an ``ImproperlyConfigured`` error that names the variable, so a typo
in a deployment is caught at boot and not at the first request that needs the value.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value in (None, ""):
        if required:
            raise ImproperlyConfigured(f"{name} must be set (see .env.example).")
        return default or ""
    return value  # type: ignore[return-value]


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)  # type: ignore[arg-type]
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, *, required: bool = True) -> dict[str, Any] | None:
    value = _raw(name)
    if not value:
        if required:
            raise ImproperlyConfigured(
                f"{name} must be set, for example postgres://user:password@host:5432/portal. "
                "`make run` and `make test` set it to an embedded PostgreSQL when it is unset."
            )
        return None
    scheme = urlparse(value).scheme
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name} must be a PostgreSQL URL (postgres://user:password@host:5432/name); "
            f"got the scheme {scheme!r}."
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database (the path after the host).")
    return dict(config)


def env_redis(name: str, *, required: bool = True) -> str:
    value = _raw(name)
    if not value:
        if required:
            raise ImproperlyConfigured(
                f"{name} must be set, for example redis://localhost:6379/0. "
                "`make run` and `make test` set it to an embedded Redis when it is unset."
            )
        return ""
    parsed = urlparse(value)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ImproperlyConfigured(
            f"{name} must be a Redis URL such as redis://host:6379/0; got {value!r}."
        )
    try:
        parsed.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a malformed port: {value!r}.") from None
    return value
