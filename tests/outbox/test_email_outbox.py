"""E-mail through the outbox: a row per recipient, claimed once, swept when due, resent by
officials from the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cooperation.notifications import notify
from cooperation.outbox import dispatch
from cooperation.outbox.mail import email_resend, email_send_once, purge_sent_emails
from cooperation.outbox.models import OutgoingEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(tmp_path, settings) -> str:
    folder = tmp_path / "templates" / "test"
    folder.mkdir(parents=True)
    (folder / "hi_subject.txt").write_text("{% load i18n %}{% translate 'Strategic areas' %}")
    (folder / "hi_body.txt").write_text("Hola {{ user.email }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "test/hi"


def test_each_recipient_gets_a_row_rendered_in_their_language_within_the_transaction(
    template, django_capture_on_commit_callbacks
):
    catalan = UserFactory(email="ca@example.org", language="ca")
    english = UserFactory(email="en@example.org", language="en")
    inactive = UserFactory(email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[catalan, english, inactive, english], template=template)
        rows = {row.to: row for row in OutgoingEmail.objects.all()}
        assert set(rows) == {"ca@example.org", "en@example.org"}  # recorded before the commit
        assert {r.state for r in rows.values()} == {"pending"}
        assert mail.outbox == []
    assert rows["ca@example.org"].subject == "Àrees estratègiques"
    assert rows["en@example.org"].subject == "Strategic areas"
    assert sorted(m.to[0] for m in mail.outbox) == ["ca@example.org", "en@example.org"]
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<outbox-")


def test_a_rolled_back_change_records_no_email(template):
    person = UserFactory(email="x@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[person], template=template)
        raise RuntimeError("rolled back")
    assert not OutgoingEmail.objects.exists()


def test_a_duplicate_or_concurrent_task_sends_nothing_more(template):
    person = UserFactory(email="x@example.org")
    notify(recipients=[person], template=template)
    row = OutgoingEmail.objects.get()
    assert email_send_once(row.pk) == "sent"
    assert email_send_once(row.pk) == "skipped"
    # A row held by a live worker is left to it.
    OutgoingEmail.objects.filter(pk=row.pk).update(
        state="pending", leased_until=timezone.now() + timedelta(minutes=1)
    )
    assert email_send_once(row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_the_sweep_hands_over_only_what_is_due_and_not_held(template, settings):
    person = UserFactory(email="x@example.org")
    now = timezone.now()
    rows = OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(to="a@example.org", subject="due", body=".", next_attempt_at=now),
            OutgoingEmail(
                to="b@example.org", subject="waits", body=".", next_attempt_at=now + timedelta(1)
            ),
            OutgoingEmail(
                to="c@example.org",
                subject="held",
                body=".",
                next_attempt_at=now,
                leased_until=now + timedelta(minutes=2),
            ),
            OutgoingEmail(
                to="d@example.org", subject="sent", body=".", next_attempt_at=now, state="sent"
            ),
        ]
    )
    assert person
    assert dispatch.sweep(["email"]) == {"email": 1}
    assert [m.subject for m in mail.outbox] == ["due"]
    assert OutgoingEmail.objects.get(pk=rows[1].pk).state == "pending"


def test_a_row_handed_over_by_the_sweep_is_not_handed_over_again_at_once(template, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the broker is never reached: publish is spied
    sent: list[int] = []
    OutgoingEmail.objects.create(to="a@example.org", subject="s", body=".")
    from cooperation.outbox import tasks

    original = tasks.send_email.apply_async
    tasks.send_email.apply_async = lambda args, **kwargs: sent.append(args[0])
    try:
        assert dispatch.sweep(["email"]) == {"email": 1}
        assert dispatch.sweep(["email"]) == {"email": 0}  # waits in the queue: not twice
    finally:
        tasks.send_email.apply_async = original
    assert len(sent) == 1


def test_a_broker_outage_at_commit_is_logged_not_raised(
    template, settings, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from cooperation.outbox import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    calls = []

    def down(*args, **kwargs):
        calls.append(args)
        raise OperationalError("Error 111 connecting to redis")

    original = tasks.send_email.apply_async
    tasks.send_email.apply_async = down
    dispatch.breaker.reset()
    try:
        people = [UserFactory(email=f"p{n}@example.org") for n in range(5)]
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=people, template=template)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=people[:1], template=template)
    finally:
        tasks.send_email.apply_async = original
        dispatch.breaker.reset()
    assert OutgoingEmail.objects.filter(state="pending").count() == 6
    assert len(calls) == 1  # the breaker spared the broker the other five, then the sixth
    assert "left for the sweep" in caplog.text


def test_officials_see_failed_emails_and_send_them_again(
    template, login, official_bcn, django_assert_num_queries, django_capture_on_commit_callbacks
):
    person = UserFactory(email="old@example.org")
    for n in range(3):
        OutgoingEmail.objects.create(
            recipient=person,
            to="old@example.org",
            subject=f"failed {n}",
            body=".",
            state="failed",
            attempts=1,
            response="550 5.1.1 No such user",
        )
    OutgoingEmail.objects.create(to="ok@example.org", subject="fine", body=".", state="sent")
    client = login(official_bcn)
    client.get("/admin/")  # warm the session and the second factor's check
    # session, user, user's and groups' permissions, groups (second factor's role check),
    # count (filtered), count (all), rows, date hierarchy (range, days), template and language
    # choices: the same whatever the number of rows
    with django_assert_num_queries(12):
        page = client.get("/admin/outbox/outgoingemail/?state__exact=failed")
    assert page.status_code == 200
    listing = page.content.decode()
    assert listing.count("550 5.1.1 No such user") == 3
    assert "fine" not in listing
    type(person).objects.filter(pk=person.pk).update(email="new@example.org")
    ids = list(OutgoingEmail.objects.filter(state="failed").values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/outbox/outgoingemail/",
            {"action": "resend", "_selected_action": ids},
            follow=True,
        )
    assert "3 e-mails queued again." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org"] * 3
    assert set(OutgoingEmail.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"sent"}


def test_only_officials_and_administrators_open_or_resend_emails(
    login, coordinator, researcher, official_cdmx
):
    row = OutgoingEmail.objects.create(to="a@example.org", subject="s", body=".", state="failed")
    for person in (coordinator, researcher):
        assert login(person).get("/admin/outbox/outgoingemail/").status_code == 302
        with pytest.raises(Exception, match="officials"):
            email_resend(actor=person, email_id=row.pk)
    # An official without the second factor is sent to it, not shown the list.
    assert (
        login(official_cdmx, second_factor=False).get("/admin/outbox/outgoingemail/").status_code
        == 302
    )
    sent = OutgoingEmail.objects.create(to="b@example.org", subject="s", body=".", state="sent")
    with pytest.raises(Exception, match="Only a failed or retrying"):
        email_resend(actor=official_cdmx, email_id=sent.pk)


def test_finished_emails_are_forgotten_after_the_retention_period(settings):
    settings.EMAIL_RETENTION_DAYS = 30
    sent = OutgoingEmail.objects.create(to="a@example.org", subject="s", body=".", state="sent")
    failed = OutgoingEmail.objects.create(to="b@example.org", subject="s", body=".", state="failed")
    waiting = OutgoingEmail.objects.create(
        to="c@example.org", subject="s", body=".", state="retrying"
    )
    recent = OutgoingEmail.objects.create(to="d@example.org", subject="s", body=".", state="sent")
    OutgoingEmail.objects.filter(pk__in=[sent.pk, failed.pk, waiting.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    assert purge_sent_emails() == 2
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
