"""The kept database connection's health check: skipped just after a good request, never when
the server has left (cooperation/postgresql/base.py)."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from cooperation.postgresql.base import HEALTH_CHECK_GRACE_SECONDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept() -> Iterator[Any]:
    """A connection of its own, with the portal's settings (kept, health-checked)."""
    wrapper = connections.create_connection("default")
    assert wrapper.settings_dict["CONN_HEALTH_CHECKS"]
    checks: list[bool] = []
    usable = wrapper.is_usable

    def counted() -> bool:
        result = usable()
        checks.append(result)
        return result

    wrapper.is_usable = counted  # type: ignore[method-assign]
    wrapper.checks = checks
    yield wrapper
    wrapper.close()


def serve(wrapper: Any, sql: str = "SELECT pg_backend_pid()") -> int:
    """Run one request's worth of work as Django's request signals frame it."""
    wrapper.close_if_unusable_or_obsolete()  # request_started
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        value = cursor.fetchone()[0]
    wrapper.close_if_unusable_or_obsolete()  # request_finished
    return int(value)


def test_a_connection_that_just_served_a_request_is_not_asked_select_1(kept):
    first = serve(kept)
    second = serve(kept)
    assert second == first  # the same kept connection
    assert kept.checks == []  # no SELECT 1 round trip before the second request


def test_an_idle_connection_is_checked_again_after_the_grace(kept):
    serve(kept)
    kept.answered_at -= HEALTH_CHECK_GRACE_SECONDS + 0.1
    serve(kept)
    assert kept.checks == [True]


def test_a_terminated_backend_is_replaced_without_an_error(kept):
    pid = serve(kept)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    # The server says goodbye on the socket; wait until it is there to read.
    deadline = time.monotonic() + 5
    while not select.select([kept.connection.fileno()], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the terminated backend never wrote"
    new_pid = serve(kept)  # within the grace, yet no error: the full check ran and reconnected
    assert new_pid != pid
    assert kept.checks == [False]


def test_a_request_that_failed_has_the_connection_checked_before_it_is_kept(kept):
    serve(kept)
    kept.close_if_unusable_or_obsolete()  # request_started
    with pytest.raises(Exception, match="syntax error"), kept.cursor() as cursor:
        cursor.execute("SELEC 1")
    assert kept.errors_occurred
    kept.close_if_unusable_or_obsolete()  # request_finished: Django checks it (SELECT 1)
    assert kept.checks == [True]
    serve(kept)  # found good just now: not asked again
    assert kept.checks == [True]
