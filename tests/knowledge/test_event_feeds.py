"""iCalendar feeds of events, read back with the ``icalendar`` library as a calendar would."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from icalendar import Calendar

from knowledge import services
from knowledge.feeds import event_uid
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(institution_bcn):
    return coordinator_of(institution_bcn, email="organitza@example.org")


def _read(path: str) -> list:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_all_events_feed_has_one_vevent_each_with_stable_uid_and_utc_times(organiser):
    starts = datetime.datetime(2030, 3, 10, 16, 0, tzinfo=datetime.UTC)
    seminar = event(
        actor=organiser,
        starts_at=starts,
        registration_closes_at=starts - datetime.timedelta(days=1),
    )
    event(actor=organiser, publish=False, texts={"title_es": "Borrador"})
    (entry,) = _read("/knowledge/events/calendar.ics")
    assert str(entry["UID"]) == event_uid(seminar)
    assert entry.decoded("DTSTART") == starts
    assert entry.decoded("DTEND") == starts + datetime.timedelta(hours=2)
    assert str(entry["SUMMARY"]) == "Citizen science seminar"
    assert str(entry["STATUS"]) == "CONFIRMED"
    # The same UID the next time: calendars update the entry instead of adding one.
    (again,) = _read("/knowledge/events/calendar.ics")
    assert str(again["UID"]) == str(entry["UID"])


def test_cancelled_event_stays_in_the_feed_as_cancelled(organiser):
    seminar = event(actor=organiser)
    services.event_cancel(actor=organiser, event=seminar)
    (entry,) = _read("/knowledge/events/calendar.ics")
    assert str(entry["STATUS"]) == "CANCELLED"


def test_area_and_city_feeds_filter(organiser, official_cdmx, cdmx):
    from cooperation.models import StrategicArea

    international = event(actor=organiser, texts={"title_en": "International day"})
    steam = event(
        actor=organiser,
        areas=[StrategicArea.objects.get(number=5)],
        texts={"title_en": "STEAM workshop"},
    )
    mexican = event(
        actor=official_cdmx,
        institution=InstitutionFactory(party=cdmx),
        texts={"title_en": "Visit to UNAM"},
    )
    area8 = {str(e["UID"]) for e in _read("/knowledge/events/calendar/area-8.ics")}
    assert area8 == {event_uid(international), event_uid(mexican)}
    area5 = {str(e["UID"]) for e in _read("/knowledge/events/calendar/area-5.ics")}
    assert area5 == {event_uid(steam)}
    in_cdmx = {str(e["UID"]) for e in _read("/knowledge/events/calendar/city-CDMX.ics")}
    assert in_cdmx == {event_uid(mexican)}
    assert Client().get("/knowledge/events/calendar/city-XXX.ics").status_code == 404
    assert Client().get("/knowledge/events/calendar/area-99.ics").status_code == 404
