"""Cancelling an event tells its other organisers, once each, in their language, on every path.

The e-mails are rows of the outbox written in the cancellation's transaction (as the
registrants' are): a rolled-back cancellation sends nothing, a redelivered send task sends
nothing more, and a second cancellation is refused under the event's lock, so it queues none.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cooperation.outbox import dispatch
from cooperation.outbox.models import OutgoingEmail
from cooperation.outbox.tasks import send_email
from knowledge import services
from knowledge.models import Event, EventStatus
from tests.factories import UserFactory
from tests.knowledge.factories import coordinator_of, event

pytestmark = pytest.mark.django_db

TEMPLATE = "knowledge/email/event_cancelled_organiser"


@pytest.fixture
def organiser(institution_bcn):
    return coordinator_of(institution_bcn, email="organitza@example.org", language="ca")


@pytest.fixture
def helper(db):
    return UserFactory(email="ajuda@example.org", language="en", first_name="Helen")


def _told() -> list[tuple[str, str]]:
    return list(
        OutgoingEmail.objects.filter(template=TEMPLATE).order_by("to").values_list("to", "language")
    )


def _sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [address]]


def test_an_official_cancelling_a_coordinators_event_tells_the_coordinator_once(
    official_bcn, organiser, django_capture_on_commit_callbacks
):
    seminar = event(actor=organiser, organisers=[official_bcn])
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=official_bcn, event=seminar)
    assert _told() == [(organiser.email, "ca")]
    (message,) = _sent_to(organiser.email)
    assert "Seminari de ciència ciutadana" in message.subject
    assert "cancel·lat" in message.subject
    assert not _sent_to(official_bcn.email)  # the actor, although an organiser, gets none
    # The send task redelivered, and the sweep: the row is sent, nothing more leaves.
    row = OutgoingEmail.objects.get(template=TEMPLATE)
    assert send_email(row.pk) == "skipped"
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.sweep()
    assert len(_sent_to(organiser.email)) == 1
    # A second cancellation (a retried request or action) is refused and queues nothing.
    with pytest.raises(ValidationError, match="already cancelled"):
        services.event_cancel(actor=official_bcn, event=seminar)
    assert _told() == [(organiser.email, "ca")]


def test_every_other_organiser_is_told_in_their_language_and_the_actor_is_not(organiser, helper):
    seminar = event(actor=organiser, organisers=[helper])
    services.event_cancel(actor=organiser, event=seminar)
    assert _told() == [(helper.email, "en")]
    body = OutgoingEmail.objects.get(template=TEMPLATE).body
    assert body.startswith("Hello Helen ")
    assert "“Citizen science seminar” was cancelled by" in body
    assert f"/knowledge/events/{seminar.pk}/" in body


def test_the_organisers_email_says_how_many_registrants_were_told(organiser, helper):
    seminar = event(actor=organiser, organisers=[helper], places=1)
    for n in range(2):
        services.registration_create(actor=UserFactory(email=f"p{n}@example.org"), event=seminar)
    services.event_cancel(actor=organiser, event=seminar)
    body = OutgoingEmail.objects.get(template=TEMPLATE).body
    assert "2 registrations were cancelled" in body, body


def test_a_rolled_back_cancellation_tells_nobody(
    official_bcn, organiser, helper, django_capture_on_commit_callbacks
):
    seminar = event(actor=organiser, organisers=[helper])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.event_cancel(actor=official_bcn, event=seminar)
        raise RuntimeError("rolled back")
    assert not OutgoingEmail.objects.filter(template=TEMPLATE).exists()
    assert mail.outbox == []
    assert Event.objects.get(pk=seminar.pk).status == EventStatus.PUBLISHED


def test_a_refused_cancellation_tells_nobody(organiser, helper, institution_cdmx):
    seminar = event(actor=organiser, organisers=[helper])
    intruder = coordinator_of(institution_cdmx, email="otra@example.org")
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=intruder, event=seminar)
    assert not OutgoingEmail.objects.filter(template=TEMPLATE).exists()


def test_the_admins_cancel_action_tells_the_organisers_once(
    login, official_bcn, organiser, django_capture_on_commit_callbacks
):
    seminar = event(actor=organiser)
    client = login(official_bcn)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/knowledge/event/", {"action": "cancel", "_selected_action": [seminar.pk]}
        )
    assert response.status_code == 302
    assert Event.objects.get(pk=seminar.pk).status == EventStatus.CANCELLED
    assert _told() == [(organiser.email, "ca")]
    assert len(_sent_to(organiser.email)) == 1
    assert not _sent_to(official_bcn.email)
