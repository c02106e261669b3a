"""Settings come from the environment; bad values stop start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Jq-production-like-secret-key-with-enough-entropy-9f3kLm2Pq8Rs5Tv1Wz",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_complains_when_debug_is_on():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "DEBUG": "1"}
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://u:p@h/db", "DATABASE_URL must be a PostgreSQL URL"),
        ("DATABASE_URL", "postgres://u:p@h:notaport/db", "DATABASE_URL"),
        ("DATABASE_URL", "", "DATABASE_URL must be set"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a Redis URL"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("SECRET_KEY", "", "SECRET_KEY must be set when DEBUG is off"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS='a year' is not a whole number"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' must be one of"),
        ("API_RATE", "lots", "API_RATE='lots' must look like 600/min"),
        ("API_MAX_PAGE_SIZE", "0", "API_MAX_PAGE_SIZE=0 must be at least 1"),
        ("OAUTH_TOKEN_RATE_CLIENT", "fast", "OAUTH_TOKEN_RATE_CLIENT='fast' must look like"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT=-1 must be at least 0"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(variable, value, message):
    result = _manage("check", env={**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_turns_on_security_headers_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE)"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "DENY",
        "True",
    ]


@pytest.mark.django_db
def test_responses_carry_the_content_security_policy_and_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_migrations_check_runs_in_a_bare_checkout_but_other_commands_still_refuse():
    # makemigrations reads only the code: no secret, database or Redis to give it.
    bare = {"DEBUG": "", "SECRET_KEY": "", "DATABASE_URL": "", "REDIS_URL": ""}
    check = _manage("makemigrations", "--check", "--dry-run", env=bare)
    assert check.returncode == 0, check.stderr + check.stdout
    assert "No changes detected" in check.stdout
    refused = _manage("check", env=bare)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
