"""Events' pages: the lists, an event's page, sign-up and cancellation, "my registrations", the
organisers' page of registrations and attendance, the reminder task and the retention."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cooperation.outbox.models import OutgoingEmail
from knowledge import services, tasks
from knowledge.models import Event, Registration, RegistrationStatus
from tests.factories import UserFactory
from tests.knowledge.factories import coordinator_of, event

R = RegistrationStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _past(seminar: Event, *, days: int = 2) -> None:
    started = timezone.now() - datetime.timedelta(days=days)
    Event.objects.filter(pk=seminar.pk).update(
        starts_at=started,
        registration_closes_at=started,
        ends_at=started + datetime.timedelta(hours=2),
    )


@pytest.mark.parametrize("count", [3, 25])
def test_coming_list_runs_a_constant_number_of_queries(
    english, organiser, django_assert_num_queries, count
):
    for index in range(count):
        event(actor=organiser, texts={"title_en": f"Seminar {index}"})
    event(actor=organiser, publish=False, texts={"title_en": "Hidden draft"})
    # 1 count, 2 the page's rows with city, institution and places taken, 3 their areas,
    # 4 the cities' time zones, 5-6 the filter form's cities and areas.
    with django_assert_num_queries(6):
        response = english.get("/knowledge/events/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)
    assert "Hidden draft" not in response.content.decode()


def test_past_list_shows_past_events_only(english, organiser):
    over = event(actor=organiser, texts={"title_en": "Last year's visit"})
    _past(over)
    event(actor=organiser, texts={"title_en": "Next week's seminar"})
    content = english.get("/knowledge/events/past/").content.decode()
    assert "Last year&#x27;s visit" in content or "Last year's visit" in content
    assert "Next week" not in content


def test_event_page_shows_both_cities_times_and_places_left(
    english, organiser, django_assert_num_queries
):
    starts = datetime.datetime(2030, 1, 15, 17, 0, tzinfo=datetime.UTC)
    seminar = event(
        actor=organiser,
        starts_at=starts,
        registration_closes_at=starts - datetime.timedelta(days=1),
        places=5,
    )
    # 1 the event with its city, institution and places taken, 2 its areas, 3 the cities'
    # time zones (anonymous: no registration to look up).
    with django_assert_num_queries(3):
        response = english.get(f"/knowledge/events/{seminar.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    # 17:00 UTC is 18:00 in Barcelona and 11:00 in Mexico City in January.
    assert "2030-01-15T18:00:00+01:00" in content
    assert "2030-01-15T11:00:00-06:00" in content
    assert "5 places left of 5." in content
    assert "Sign in to register" in content


def test_sign_up_then_cancel_through_the_pages(login, organiser, person):
    seminar = event(actor=organiser, places=1)
    client = login(person)
    response = client.post(f"/knowledge/events/{seminar.pk}/register/", {"language": "ca"})
    assert response.status_code == 302
    registration = Registration.objects.get(person=person)
    assert (registration.status, registration.language) == (R.CONFIRMED, "ca")
    page = client.get(f"/knowledge/events/{seminar.pk}/").content.decode()
    assert "Cancel my registration" in page
    mine = client.get("/knowledge/events/mine/").content.decode()
    assert "Citizen science seminar" in mine
    response = client.post(f"/knowledge/events/registrations/{registration.pk}/cancel/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == R.CANCELLED


def test_full_event_offers_the_waiting_list(login, organiser, person):
    seminar = event(actor=organiser, places=0)
    client = login(person)
    assert (
        "Join the waiting list" in client.get(f"/knowledge/events/{seminar.pk}/").content.decode()
    )
    client.post(f"/knowledge/events/{seminar.pk}/register/", {"language": "en"})
    assert Registration.objects.get(person=person).status == R.WAITING


def test_duplicate_sign_up_through_the_page_shows_the_error(login, organiser, person):
    seminar = event(actor=organiser)
    client = login(person)
    client.post(f"/knowledge/events/{seminar.pk}/register/", {"language": "en"})
    response = client.post(f"/knowledge/events/{seminar.pk}/register/", {"language": "en"})
    assert response.status_code == 302 or response.status_code == 400
    assert Registration.objects.filter(person=person).count() == 1


def test_sign_up_after_the_close_shows_the_error_and_changes_nothing(login, organiser, person):
    seminar = event(actor=organiser)
    Event.objects.filter(pk=seminar.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client = login(person, language="es")
    response = client.post(f"/knowledge/events/{seminar.pk}/register/", {"language": "es"})
    assert response.status_code == 400
    assert "Las inscripciones a este evento se cerraron" in response.content.decode()
    assert not Registration.objects.exists()


def test_someone_elses_registration_is_not_found(login, organiser, person):
    seminar = event(actor=organiser)
    theirs = services.registration_create(actor=person, event=seminar)
    other = login(UserFactory(email="otra@example.org"))
    response = other.post(f"/knowledge/events/registrations/{theirs.pk}/cancel/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == R.CONFIRMED


def test_organiser_sees_registrations_and_records_attendance(
    login, organiser, person, django_assert_num_queries
):
    seminar = event(actor=organiser, places=3)
    came = services.registration_create(actor=person, event=seminar)
    services.registration_create(actor=UserFactory(email="no-vino@example.org"), event=seminar)
    client = login(organiser)
    page = client.get(f"/knowledge/events/{seminar.pk}/registrations/").content.decode()
    assert "persona@example.org" in page and "no-vino@example.org" in page
    assert "once the event has started" in page
    _past(seminar, days=1)
    response = client.post(
        f"/knowledge/events/{seminar.pk}/registrations/",
        {"attended": [came.pk], "attendance": "12", "report_en": "Twelve people came."},
    )
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.attendance == 12
    assert Registration.objects.get(pk=came.pk).status == R.ATTENDED
    public = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/knowledge/events/{seminar.pk}/")
    assert "12 people attended." in public.content.decode()
    assert "Twelve people came." in public.content.decode()
    listed = client.get("/knowledge/events/organised/").content.decode()
    assert "Citizen science seminar" in listed


def test_organiser_of_another_event_finds_no_registrations(login, organiser, institution_cdmx):
    seminar = event(actor=organiser)
    other = login(coordinator_of(institution_cdmx, email="otra@example.org"))
    assert other.get(f"/knowledge/events/{seminar.pk}/registrations/").status_code == 404
    response = other.post(f"/knowledge/events/{seminar.pk}/registrations/", {"attendance": "3"})
    assert response.status_code == 404
    assert Event.objects.get(pk=seminar.pk).attendance is None


def test_reminder_task_sends_each_reminder_once(organiser, person):
    soon = timezone.now() + datetime.timedelta(hours=10)
    seminar = event(
        actor=organiser, starts_at=soon, registration_closes_at=soon - datetime.timedelta(hours=1)
    )
    services.registration_create(actor=person, event=seminar)
    assert tasks.remind_registrations.delay().get() == 1
    assert tasks.remind_registrations.delay().get() == 0
    reminder = OutgoingEmail.objects.get(template="knowledge/email/registration_reminder")
    assert reminder.to == person.email
    assert "starts within a day" in reminder.body


def test_retention_deletes_old_registrations_and_keeps_the_attendance(organiser, person, settings):
    settings.EVENT_REGISTRATION_RETENTION_DAYS = 30
    old = event(actor=organiser)
    recent = event(actor=organiser)
    registration = services.registration_create(actor=person, event=old)
    services.registration_create(actor=person, event=recent)
    _past(old, days=40)
    Registration.objects.filter(pk=registration.pk).update(status=R.ATTENDED)
    assert tasks.purge_registrations.delay().get() == 1
    assert list(Registration.objects.values_list("event_id", flat=True)) == [recent.pk]
    assert Event.objects.get(pk=old.pk).attendance == 1
