"""A registrant's personal data: in their export, gone with their erasure (the place going to
the waiting list), and deleted by the retention once the event is long over."""

from __future__ import annotations

import pytest

from exchanges.services.export import personal_data_export
from exchanges.services.personal_data import erasure_request
from knowledge import services
from knowledge.models import Registration, RegistrationStatus
from tests.factories import UserFactory
from tests.knowledge.factories import coordinator_of, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(institution_bcn):
    return coordinator_of(institution_bcn, email="organitza@example.org")


def test_the_export_lists_the_persons_registrations(organiser):
    person = UserFactory(email="persona@example.org", language="en")
    seminar = event(actor=organiser, places=0)
    services.registration_create(actor=person, event=seminar, language="ca")
    data = personal_data_export(user=person)
    [row] = data["Event registrations"]
    values = list(row.values())
    # Labelled and worded in the person's language (English here), the event by its title.
    assert "Citizen science seminar" in values
    assert "On the waiting list" in values
    assert "Catalan" in values


def test_erasure_deletes_registrations_and_the_place_goes_to_the_waiting_list(
    organiser, django_capture_on_commit_callbacks
):
    leaving = UserFactory(email="se-va@example.org")
    waiting = UserFactory(email="espera@example.org")
    seminar = event(actor=organiser, places=1)
    services.registration_create(actor=leaving, event=seminar)
    services.registration_create(actor=waiting, event=seminar)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request(actor=leaving)
    assert not Registration.objects.filter(person=leaving).exists()
    assert Registration.objects.get(person=waiting).status == RegistrationStatus.CONFIRMED
