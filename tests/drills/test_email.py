"""Drill: an SMTP server on loopback that refuses one recipient of a notification."""

from __future__ import annotations

import pytest

from cooperation.notifications import notify
from cooperation.outbox.models import OutgoingEmail
from tests.drills.conftest import wait_until
from tests.factories import UserFactory
from tests.loopback import Mailbox, smtp_server

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    with smtp_server(mailbox) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield mailbox


@pytest.fixture
def template(tmp_path, settings) -> str:
    folder = tmp_path / "templates" / "drill"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Hello {{ user.email }}")
    (folder / "hello_body.txt").write_text("A message for {{ user.email }}.")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "drill/hello"


def _people(count: int) -> list:
    return [UserFactory(email=f"person{n}@example.org", language="en") for n in range(count)]


def _settled() -> bool:
    return not OutgoingEmail.objects.filter(state__in=["pending"]).exists() and not (
        OutgoingEmail.objects.filter(leased_until__isnull=False).exists()
    )


def test_a_refused_recipient_fails_alone_and_everybody_else_gets_one_message(
    smtp, worker, template
):
    people = _people(7)
    smtp.refuse["person3@example.org"] = "550 5.1.1 No such user here"
    with worker(concurrency=3):
        notify(recipients=people, template=template)
        assert wait_until(_settled, timeout=20)
    received = smtp.count()
    assert received == {f"person{n}@example.org": 1 for n in range(7) if n != 3}
    refused = OutgoingEmail.objects.get(to="person3@example.org")
    assert refused.state == OutgoingEmail.State.FAILED  # a 5xx answer is final
    assert refused.response == "550 5.1.1 No such user here"
    assert set(OutgoingEmail.objects.exclude(pk=refused.pk).values_list("state", flat=True)) == {
        "sent"
    }


@pytest.mark.django_db  # no worker thread here: the test's own transaction will do
def test_a_temporary_refusal_is_retried_on_its_own_until_it_is_accepted(
    smtp, template, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from cooperation.outbox import dispatch

    people = _people(3)
    smtp.refuse["person1@example.org"] = "450 4.2.1 Mailbox busy, try later"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people, template=template)  # sent by eager tasks after commit
    busy = OutgoingEmail.objects.get(to="person1@example.org")
    assert busy.state == OutgoingEmail.State.RETRYING
    assert busy.response == "450 4.2.1 Mailbox busy, try later"
    assert busy.next_attempt_at > timezone.now() + timedelta(seconds=30)  # the back-off
    assert dispatch.sweep(["email"]) == {"email": 0}  # not due yet
    del smtp.refuse["person1@example.org"]
    OutgoingEmail.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
    assert dispatch.sweep(["email"]) == {"email": 1}
    assert smtp.count() == {f"person{n}@example.org": 1 for n in range(3)}
    busy.refresh_from_db()
    assert (busy.state, busy.attempts, busy.response) == ("sent", 2, "")
