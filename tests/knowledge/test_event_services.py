"""Events and their registrations: the rules of ``knowledge.services.events`` and
``registrations``, each refused case with its message and nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cooperation.outbox.models import OutgoingEmail
from knowledge import services
from knowledge.models import Event, Registration, RegistrationStatus
from tests.factories import UserFactory
from tests.knowledge.factories import coordinator_of, event

R = RegistrationStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(institution_bcn):
    return coordinator_of(institution_bcn, email="organitza@example.org")


@pytest.fixture
def people(db):
    return [
        UserFactory(email=f"persona{n}@example.org", language=lang)
        for n, lang in enumerate(["es", "ca", "en", "es"])
    ]


def emails(template: str) -> list[tuple[str, str]]:
    return list(
        OutgoingEmail.objects.filter(template=f"knowledge/email/{template}")
        .order_by("pk")
        .values_list("to", "language")
    )


def test_sign_ups_confirm_while_places_remain_then_wait_in_order(organiser, people):
    seminar = event(actor=organiser, places=2)
    made = [services.registration_create(actor=person, event=seminar) for person in people]
    assert [r.status for r in made] == [R.CONFIRMED, R.CONFIRMED, R.WAITING, R.WAITING]
    assert [r.position for r in made] == [None, None, 1, 2]
    assert emails("registration_confirmed") == [(people[0].email, "es"), (people[1].email, "ca")]
    assert emails("registration_waiting") == [(people[2].email, "en"), (people[3].email, "es")]
    body = OutgoingEmail.objects.get(to=people[2].email).body
    assert "number 1 on the waiting list" in body
    # Both cities' times: 18:00 in Barcelona is 11:00 in Mexico City (in winter).
    assert "Mexico City" in body or "Ciudad de México" in body


def test_registration_language_chooses_the_emails_language(organiser, people):
    seminar = event(actor=organiser)
    services.registration_create(actor=people[0], event=seminar, language="ca")
    assert emails("registration_confirmed") == [(people[0].email, "ca")]
    assert OutgoingEmail.objects.get().subject.startswith("La vostra plaça")


def test_cancelling_a_place_promotes_the_first_waiting_and_emails_them(organiser, people):
    seminar = event(actor=organiser, places=1)
    first, second, third = (
        services.registration_create(actor=person, event=seminar) for person in people[:3]
    )
    services.registration_cancel(actor=people[0], registration=first)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, second.status, third.status) == (R.CANCELLED, R.CONFIRMED, R.WAITING)
    assert second.position is None and second.confirmed_at is not None
    assert emails("registration_promoted") == [(people[1].email, "ca")]
    assert emails("registration_cancelled") == [(people[0].email, "es")]


def test_more_places_promote_the_waiting_list_fewer_than_confirmed_refused(organiser, people):
    seminar = event(actor=organiser, places=1)
    for person in people[:3]:
        services.registration_create(actor=person, event=seminar)
    seminar.places = 2
    services.event_update(actor=organiser, event=seminar)
    statuses = list(
        Registration.objects.filter(event=seminar).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == [R.CONFIRMED, R.CONFIRMED, R.WAITING]
    seminar.places = 1
    with pytest.raises(ValidationError) as error:
        services.event_update(actor=organiser, event=seminar)
    assert "already hold a place" in str(error.value.message_dict["places"])
    assert Event.objects.get(pk=seminar.pk).places == 2


def test_a_cancelled_registration_may_register_again(organiser, people):
    seminar = event(actor=organiser)
    first = services.registration_create(actor=people[0], event=seminar)
    services.registration_cancel(actor=people[0], registration=first)
    again = services.registration_create(actor=people[0], event=seminar)
    assert again.status == R.CONFIRMED


def test_duplicate_registration_refused(organiser, people):
    seminar = event(actor=organiser)
    services.registration_create(actor=people[0], event=seminar)
    with pytest.raises(ValidationError, match="already registered"):
        services.registration_create(actor=people[0], event=seminar)
    assert Registration.objects.count() == 1


def test_database_refuses_two_active_registrations_of_one_person(organiser, people):
    from django.db import IntegrityError, transaction

    seminar = event(actor=organiser)
    services.registration_create(actor=people[0], event=seminar)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=seminar, person=people[0], language="es", status=R.WAITING, position=1
        )


def test_registration_after_the_close_refused(organiser, people):
    seminar = event(actor=organiser)
    Event.objects.filter(pk=seminar.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="Registration for this event closed on"):
        services.registration_create(actor=people[0], event=seminar)
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("draft", "not open for registration"),
        ("cancelled", "was cancelled"),
        ("past", "is over"),
    ],
)
def test_registration_refused_for_unpublished_cancelled_or_past_event(
    organiser, people, change, message
):
    seminar = event(actor=organiser, publish=change != "draft")
    if change == "cancelled":
        services.event_cancel(actor=organiser, event=seminar)
    if change == "past":
        past = timezone.now() - datetime.timedelta(days=2)
        Event.objects.filter(pk=seminar.pk).update(
            starts_at=past, ends_at=past + datetime.timedelta(hours=1), registration_closes_at=past
        )
    with pytest.raises(ValidationError, match=message):
        services.registration_create(actor=people[0], event=seminar)
    assert not Registration.objects.exists()


def test_someone_elses_registration_cannot_be_cancelled(organiser, people):
    seminar = event(actor=organiser)
    mine = services.registration_create(actor=people[0], event=seminar)
    for intruder in (people[1], organiser):
        with pytest.raises(PermissionDenied, match="your own registrations"):
            services.registration_cancel(actor=intruder, registration=mine)
    mine.refresh_from_db()
    assert mine.status == R.CONFIRMED


def test_event_ending_before_it_starts_refused(organiser):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        event(actor=organiser, starts_at=starts, ends_at=starts - datetime.timedelta(hours=1))
    assert error.value.message_dict["ends_at"] == ["An event cannot end before it starts."]
    assert not Event.objects.exists()


def test_registration_closing_after_the_end_refused(organiser):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        event(
            actor=organiser,
            starts_at=starts,
            registration_closes_at=starts + datetime.timedelta(days=1),
        )
    assert "ends_at" in error.value.message_dict
    assert not Event.objects.exists()


def test_in_person_event_needs_a_venue_online_one_a_link(organiser):
    with pytest.raises(ValidationError) as error:
        event(actor=organiser, mode="in_person", venue="")
    assert "venue" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        event(actor=organiser, mode="online", online_url="")
    assert "online_url" in error.value.message_dict
    assert not Event.objects.exists()


def test_organiser_of_another_event_cannot_change_or_cancel_it(organiser, institution_cdmx):
    seminar = event(actor=organiser)
    other = coordinator_of(institution_cdmx, email="otra@example.org")
    seminar.places = 50
    with pytest.raises(PermissionDenied):
        services.event_update(actor=other, event=seminar)
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=other, event=seminar)
    with pytest.raises(PermissionDenied):
        services.event_record_attendance(actor=other, event=seminar, attended=[])
    assert Event.objects.get(pk=seminar.pk).places == 2


def test_named_organiser_and_city_official_manage_an_event(organiser, official_bcn, people):
    helper = people[3]
    seminar = event(actor=organiser, organisers=[helper])
    seminar.places = 5
    services.event_update(actor=helper, event=seminar)
    seminar.places = 6
    services.event_update(actor=official_bcn, event=seminar)
    assert Event.objects.get(pk=seminar.pk).places == 6


def test_coordinator_cannot_create_an_event_of_another_institution(organiser, institution_cdmx):
    with pytest.raises(PermissionDenied, match="your own institution"):
        event(actor=organiser, institution=institution_cdmx)
    assert not Event.objects.exists()


def test_cancelling_an_event_ends_registrations_and_emails_each(organiser, people):
    seminar = event(actor=organiser, places=1)
    for person in people[:2]:
        services.registration_create(actor=person, event=seminar)
    services.event_cancel(actor=organiser, event=seminar)
    assert set(Registration.objects.values_list("status", flat=True)) == {R.CANCELLED}
    assert emails("event_cancelled") == [(people[0].email, "es"), (people[1].email, "ca")]


def test_attendance_recorded_after_the_start_with_a_report(organiser, people):
    seminar = event(actor=organiser, places=3)
    made = [services.registration_create(actor=p, event=seminar) for p in people[:3]]
    with pytest.raises(ValidationError, match="once the event has started"):
        services.event_record_attendance(actor=organiser, event=seminar, attended=[made[0].pk])
    started = timezone.now() - datetime.timedelta(hours=1)
    Event.objects.filter(pk=seminar.pk).update(
        starts_at=started,
        registration_closes_at=started,
        ends_at=started + datetime.timedelta(hours=3),
    )
    with pytest.raises(ValidationError) as error:
        services.event_record_attendance(
            actor=organiser, event=seminar, attended=[made[0].pk, made[1].pk], attendance=1
        )
    assert "attendance" in error.value.message_dict
    services.event_record_attendance(
        actor=organiser,
        event=seminar,
        attended=[made[0].pk, made[1].pk],
        attendance=40,
        report={"report_es": "Asistieron 40 personas, 38 en línea."},
    )
    seminar.refresh_from_db()
    assert seminar.attendance == 40
    assert seminar.report_es == "Asistieron 40 personas, 38 en línea."
    statuses = list(
        Registration.objects.filter(event=seminar).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == [R.ATTENDED, R.ATTENDED, R.CONFIRMED]
    # Only the event's own registrations with a place can be marked as attended.
    with pytest.raises(ValidationError) as error:
        services.event_record_attendance(actor=organiser, event=seminar, attended=[999999])
    assert "attended" in error.value.message_dict


def test_reminder_sent_once_also_under_a_retry(organiser, people):
    soon = timezone.now() + datetime.timedelta(hours=20)
    seminar = event(
        actor=organiser, starts_at=soon, registration_closes_at=soon - datetime.timedelta(hours=1)
    )
    later = event(actor=organiser)  # in ten days: no reminder yet
    confirmed = services.registration_create(actor=people[0], event=seminar)
    services.registration_create(actor=people[1], event=later)
    assert services.registrations_remind_due() == 1
    assert services.registrations_remind_due() == 0
    assert services.registration_remind(registration_id=confirmed.pk) is False
    assert emails("registration_reminder") == [(people[0].email, "es")]
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None
