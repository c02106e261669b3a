"""Where an event is held stays within its organiser's reach, on every path that writes one.

The rule (``knowledge.permissions.can_organise_in``, enforced by ``event_create`` and
``event_update``): whoever holds an event somewhere must be allowed to organise it there, as
for a new event. An official organises events of their city's institutions, held in their
city; a coordinator those of their institution, in either city; administrators anything. A
named organiser without a role may change an event's details but not move it. A refusal is a
translated error on the city and changes nothing.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cooperation.models import StrategicArea
from cooperation.roles import Role
from knowledge import services
from knowledge.models import Event
from tests.factories import InstitutionFactory, UserFactory
from tests.knowledge.factories import coordinator_of, event
from tests.knowledge.test_event_bad_paths import _admin_body, _change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def unam(institution_cdmx):
    return coordinator_of(institution_cdmx, email="coordinacion.unam@example.org")


def _stored(seminar: Event) -> tuple[str, int]:
    stored = Event.objects.select_related("city").get(pk=seminar.pk)
    return stored.city.code, stored.places


# The service.


def test_an_official_cannot_move_an_event_to_the_other_city(official_cdmx, unam, bcn):
    seminar = event(actor=unam)
    seminar.city, seminar.places = bcn, 9
    with pytest.raises(ValidationError) as refused:
        services.event_update(actor=official_cdmx, event=seminar)
    assert refused.value.message_dict["city"] == ["You may organise events in your own city only."]
    assert _stored(seminar) == ("CDMX", 2)


def test_the_refusal_is_in_the_persons_language(official_cdmx, unam, bcn):
    seminar = event(actor=unam)
    seminar.city = bcn
    with translation.override("es"):
        with pytest.raises(ValidationError) as refused:
            services.event_update(actor=official_cdmx, event=seminar)
        said = refused.value.message_dict["city"]
    assert said == ["Solo puedes organizar eventos en tu propia ciudad."]


def test_an_official_cannot_create_an_event_held_in_the_other_city(
    official_cdmx, institution_cdmx, bcn
):
    with pytest.raises(ValidationError) as refused:
        event(actor=official_cdmx, institution=institution_cdmx, city=bcn)
    assert "city" in refused.value.message_dict
    assert not Event.objects.exists()


def test_a_named_organiser_changes_the_details_but_cannot_move_the_event(unam, bcn):
    helper = UserFactory(email="ayuda@example.org")
    seminar = event(actor=unam, organisers=[helper])
    seminar.places = 5
    services.event_update(actor=helper, event=seminar)
    seminar.city = bcn
    with pytest.raises(ValidationError) as refused:
        services.event_update(actor=helper, event=seminar)
    assert refused.value.message_dict["city"] == [
        "You may not move this event to another city: ask its institution's coordinators or "
        "the programme's administrators."
    ]
    assert _stored(seminar) == ("CDMX", 5)


def test_an_official_who_is_an_organiser_still_cannot_move_it_out_of_their_city(
    official_cdmx, unam, bcn
):
    seminar = event(actor=unam, organisers=[official_cdmx])
    seminar.city = bcn
    with pytest.raises(ValidationError):
        services.event_update(actor=official_cdmx, event=seminar)
    assert _stored(seminar) == ("CDMX", 2)


def test_an_official_keeps_managing_an_event_held_in_their_city_without_moving_it(
    official_cdmx, coordinator, cdmx, bcn
):
    # A Barcelona institution's event held in Mexico City: its officials change its details,
    # but cannot send it to Barcelona, where they would not organise it.
    visit = event(actor=coordinator, city=cdmx)
    visit.places = 7
    services.event_update(actor=official_cdmx, event=visit)
    visit.city = bcn
    with pytest.raises(ValidationError):
        services.event_update(actor=official_cdmx, event=visit)
    assert _stored(visit) == ("CDMX", 7)


def test_a_coordinator_holds_their_institutions_event_in_either_city(unam, bcn):
    seminar = event(actor=unam)
    seminar.city = bcn
    services.event_update(actor=unam, event=seminar)
    assert _stored(seminar) == ("BCN", 2)


def test_the_institution_never_changes_through_an_update(unam, institution_bcn):
    seminar = event(actor=unam)
    seminar.institution = institution_bcn
    services.event_update(actor=unam, event=seminar)
    assert Event.objects.get(pk=seminar.pk).institution_id == unam.institution_id


def test_an_administrator_moves_an_event_anywhere(programme_admin, unam, bcn):
    seminar = event(actor=unam)
    seminar.city = bcn
    services.event_update(actor=programme_admin, event=seminar)
    assert _stored(seminar) == ("BCN", 2)


# The admin: its change and add forms (its actions publish and cancel; its inline of
# registrations is read only: neither writes a city).


def test_the_admin_refuses_an_officials_move_to_the_other_city_and_saves_nothing(
    login, official_cdmx, unam, bcn
):
    seminar = event(actor=unam)
    client = login(official_cdmx)
    url = _change_url(seminar)
    response = client.post(url, _admin_body(client, url, city=str(bcn.pk), places="9"))
    assert response.status_code == 200
    assert "You may organise events in your own city only." in response.content.decode()
    assert _stored(seminar) == ("CDMX", 2)


def test_the_admin_refuses_a_new_event_held_in_the_other_city(
    login, official_cdmx, institution_cdmx, bcn
):
    client = login(official_cdmx)
    url = "/admin/knowledge/event/add/"
    body = {
        "title_es": "Seminario",
        "kind": "seminar",
        "mode": "online",
        "online_url": "https://meet.example.org/x",
        "institution": str(institution_cdmx.pk),
        "city": str(bcn.pk),
        "areas": [str(StrategicArea.objects.get(number=8).pk)],
        "starts_at_0": "2031-03-10",
        "starts_at_1": "18:00:00",
        "ends_at_0": "2031-03-10",
        "ends_at_1": "20:00:00",
        "registration_closes_at_0": "2031-03-09",
        "registration_closes_at_1": "18:00:00",
        "places": "10",
    }
    for inline in client.get(url).context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            body[bound.html_name] = bound.value()
    response = client.post(url, body)
    assert response.status_code == 200
    assert "You may organise events in your own city only." in response.content.decode()
    assert not Event.objects.exists()


def test_the_admin_lets_an_administrator_move_an_event(login, programme_admin, unam, bcn):
    seminar = event(actor=unam)
    client = login(programme_admin)
    url = _change_url(seminar)
    response = client.post(url, _admin_body(client, url, city=str(bcn.pk)))
    assert response.status_code == 302
    assert _stored(seminar) == ("BCN", 2)


# The organisers' page writes attendance and the report only: a city sent with it is ignored.


def test_the_organisers_page_cannot_move_an_event(login, unam, bcn):
    seminar = event(actor=unam)
    response = login(unam).post(
        f"/knowledge/events/{seminar.pk}/registrations/", {"city": str(bcn.pk)}
    )
    assert response.status_code in (200, 302, 400)
    assert _stored(seminar) == ("CDMX", 2)


# The demo data creates its event through ``event_create``, so through the same check.


def test_the_demo_event_is_held_where_its_official_organises_and_passes_the_check(bcn, monkeypatch):
    from demo.events import events_seed

    UserFactory(email="oficial.bcn@demo.cdmx-bcn.org", party=bcn, roles=[Role.OFFICIAL_BCN])
    UserFactory(email="coordinacion.upc@demo.cdmx-bcn.org")
    InstitutionFactory(code="UPC", party=bcn)
    held = []

    def check(user, institution, city_id):
        held.append((user.email, institution.code, city_id))
        return False

    monkeypatch.setattr("knowledge.services.events.can_organise_in", check)
    with pytest.raises(ValidationError) as refused:
        events_seed()
    assert "city" in refused.value.message_dict
    assert held == [("oficial.bcn@demo.cdmx-bcn.org", "UPC", bcn.pk)]
    assert not Event.objects.exists()
