"""Events' bad paths on every write path: the portal's pages, the organisers' page, the admin
(its form and its actions on mixed selections), the API (read only) and the erasure.

Each refused case answers with its reason in the person's language and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperation.outbox.models import OutgoingEmail
from exchanges.services.personal_data import erasure_request
from knowledge import services
from knowledge.models import Event, EventStatus, Registration, RegistrationStatus
from tests.factories import UserFactory
from tests.knowledge.factories import event

R = RegistrationStatus
S = EventStatus
pytestmark = pytest.mark.django_db


def _past(seminar: Event, *, days: int = 2) -> None:
    started = timezone.now() - datetime.timedelta(days=days)
    Event.objects.filter(pk=seminar.pk).update(
        starts_at=started,
        registration_closes_at=started,
        ends_at=started + datetime.timedelta(hours=2),
    )


def _closed(seminar: Event) -> None:
    Event.objects.filter(pk=seminar.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# The portal: signing up and cancelling.


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda e: services.event_cancel(actor=e.created_by, event=e), "was cancelled"),
        (_closed, "Registration for this event closed"),
        (_past, "This event is over"),
    ],
    ids=["cancelled", "closed", "past"],
)
def test_the_page_refuses_a_sign_up_for_a_cancelled_closed_or_past_event(
    login, organiser, person, spoil, reason
):
    seminar = event(actor=organiser)
    spoil(seminar)
    response = login(person).post(f"/knowledge/events/{seminar.pk}/register/", {"language": "en"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Registration.objects.filter(person=person).exists()


def test_the_page_answers_a_draft_event_as_not_found_to_people_outside_it(login, organiser, person):
    seminar = event(actor=organiser, publish=False)
    response = login(person).post(f"/knowledge/events/{seminar.pk}/register/", {"language": "en"})
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_an_organiser_signing_up_for_their_own_draft_is_refused(login, organiser):
    seminar = event(actor=organiser, publish=False)
    response = login(organiser).post(
        f"/knowledge/events/{seminar.pk}/register/", {"language": "en"}
    )
    assert response.status_code == 400
    assert "not open for registration" in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("language", ["xx", "", "e" * 300])
def test_an_unknown_language_is_a_field_error(login, organiser, person, language):
    seminar = event(actor=organiser)
    response = login(person).post(
        f"/knowledge/events/{seminar.pk}/register/", {"language": language}
    )
    assert response.status_code == 400
    assert 'id="id_language_error"' in response.content.decode()
    assert not Registration.objects.exists()


def test_signing_up_for_an_unknown_event_is_not_found(login, person):
    assert login(person).post("/knowledge/events/999999/register/", {}).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in_and_nothing_is_made(client, organiser):
    seminar = event(actor=organiser)
    response = client.post(f"/knowledge/events/{seminar.pk}/register/", {"language": "es"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Registration.objects.exists()


def test_cancelling_after_the_event_is_refused_with_the_reason(login, organiser, person):
    seminar = event(actor=organiser)
    mine = services.registration_create(actor=person, event=seminar)
    _past(seminar)
    response = login(person).post(f"/knowledge/events/registrations/{mine.pk}/cancel/")
    assert response.status_code == 302
    assert any("This event is over" in m for m in _messages(response))
    assert Registration.objects.get(pk=mine.pk).status == R.CONFIRMED


def test_cancelling_twice_is_refused_and_promotes_nobody_twice(login, organiser, person):
    seminar = event(actor=organiser, places=1)
    mine = services.registration_create(actor=person, event=seminar)
    waiting = services.registration_create(actor=UserFactory(), event=seminar)
    client = login(person)
    client.post(f"/knowledge/events/registrations/{mine.pk}/cancel/")
    response = client.post(f"/knowledge/events/registrations/{mine.pk}/cancel/")
    assert any("cannot be cancelled any more" in m for m in _messages(response))
    assert Registration.objects.get(pk=waiting.pk).status == R.CONFIRMED
    assert OutgoingEmail.objects.filter(template__endswith="registration_promoted").count() == 1


def test_an_organiser_cannot_cancel_a_registrants_place(login, organiser, person):
    seminar = event(actor=organiser)
    theirs = services.registration_create(actor=person, event=seminar)
    response = login(organiser).post(f"/knowledge/events/registrations/{theirs.pk}/cancel/")
    assert response.status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == R.CONFIRMED


# The organisers' page: attendance and report.


@pytest.mark.parametrize(
    ("attendance", "reason"),
    [("-1", "greater than or equal to 0"), ("99999999999", "less than or equal to"), ("x", "")],
)
def test_a_bad_attendance_is_a_field_error_and_nothing_is_saved(
    login, organiser, person, attendance, reason
):
    seminar = event(actor=organiser)
    services.registration_create(actor=person, event=seminar)
    _past(seminar)
    response = login(organiser).post(
        f"/knowledge/events/{seminar.pk}/registrations/", {"attendance": attendance}
    )
    assert response.status_code == 400
    assert 'id="id_attendance_error"' in response.content.decode()
    assert reason in response.content.decode()
    assert Event.objects.get(pk=seminar.pk).attendance is None


def test_another_events_registration_is_refused_as_attended(login, organiser, person):
    seminar = event(actor=organiser)
    other = event(actor=organiser)
    elsewhere = services.registration_create(actor=person, event=other)
    _past(seminar)
    response = login(organiser).post(
        f"/knowledge/events/{seminar.pk}/registrations/", {"attended": [elsewhere.pk]}
    )
    assert response.status_code == 400
    assert Registration.objects.get(pk=elsewhere.pk).status == R.CONFIRMED
    assert Event.objects.get(pk=seminar.pk).attendance is None


def test_attendance_before_the_start_is_refused_with_the_reason(login, organiser, person):
    seminar = event(actor=organiser)
    response = login(organiser).post(
        f"/knowledge/events/{seminar.pk}/registrations/", {"attendance": "4"}
    )
    assert response.status_code == 400
    assert "once the event has started" in response.content.decode()
    assert Event.objects.get(pk=seminar.pk).attendance is None


def test_a_registrant_is_not_an_organiser(login, organiser, person):
    seminar = event(actor=organiser)
    services.registration_create(actor=person, event=seminar)
    client = login(person)
    assert client.get(f"/knowledge/events/{seminar.pk}/registrations/").status_code == 404


# The services: numbers the database could not hold are refused as errors, not crashes.


def test_the_services_refuse_numbers_beyond_what_is_stored(organiser, person):
    with pytest.raises(ValidationError) as refused:
        event(actor=organiser, places=3_000_000_000)
    assert "places" in refused.value.message_dict
    seminar = event(actor=organiser)
    _past(seminar)
    with pytest.raises(ValidationError) as refused:
        services.event_record_attendance(
            actor=organiser, event=seminar, attended=[], attendance=3_000_000_000
        )
    assert "attendance" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.event_record_attendance(actor=organiser, event=seminar, attended=[], attendance=-1)
    assert Event.objects.get(pk=seminar.pk).attendance is None


# The admin: its page and its actions.


def _admin_body(client, url: str, **changes):
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if bound.field.disabled or value is None:
            continue
        if isinstance(value, list):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{bound.html_name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{bound.html_name}_1"] = local.strftime("%H:%M:%S")
        else:
            data[bound.html_name] = value
    for inline in page.context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            data[bound.html_name] = bound.value()
    data.update(changes)
    return data


def _change_url(seminar: Event) -> str:
    return f"/admin/knowledge/event/{seminar.pk}/change/"


def test_the_admin_saves_an_officials_change_through_the_service(login, official_bcn, organiser):
    seminar = event(actor=organiser)
    client = login(official_bcn)
    response = client.post(_change_url(seminar), _admin_body(client, _change_url(seminar)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = client.post(
        _change_url(seminar), _admin_body(client, _change_url(seminar), places="5")
    )
    assert response.status_code == 302
    assert Event.objects.get(pk=seminar.pk).places == 5


def test_the_admin_refuses_fewer_places_than_confirmed_and_saves_nothing(
    login, official_bcn, organiser, person
):
    seminar = event(actor=organiser, places=2)
    services.registration_create(actor=person, event=seminar)
    services.registration_create(actor=UserFactory(), event=seminar)
    client = login(official_bcn)
    body = _admin_body(client, _change_url(seminar), places="1", title_en="Changed")
    response = client.post(_change_url(seminar), body)
    assert response.status_code == 200
    assert "2 people already hold a place" in response.content.decode()
    stored = Event.objects.get(pk=seminar.pk)
    assert (stored.places, stored.title_en) == (2, "Citizen science seminar")


@pytest.mark.parametrize("places", ["-1", "3000000000", "many"])
def test_the_admin_refuses_bad_places_as_a_field_error(login, official_bcn, organiser, places):
    seminar = event(actor=organiser)
    client = login(official_bcn)
    response = client.post(
        _change_url(seminar), _admin_body(client, _change_url(seminar), places=places)
    )
    assert response.status_code == 200
    assert "places" in response.context["adminform"].form.errors
    assert Event.objects.get(pk=seminar.pk).places == 2


def test_the_admin_refuses_a_change_to_a_cancelled_event(login, official_bcn, organiser):
    seminar = event(actor=organiser)
    services.event_cancel(actor=organiser, event=seminar)
    client = login(official_bcn)
    body = _admin_body(client, _change_url(seminar), places="9")
    response = client.post(_change_url(seminar), body)
    assert response.status_code == 200
    assert "A cancelled event cannot be changed." in response.content.decode()
    assert Event.objects.get(pk=seminar.pk).places == 2


def test_an_official_of_the_other_city_reads_but_may_not_change_an_event(
    login, official_cdmx, official_bcn, organiser
):
    seminar = event(actor=organiser)
    reader = login(official_bcn)
    body = _admin_body(reader, _change_url(seminar), places="9")
    client = login(official_cdmx)
    assert client.get(_change_url(seminar)).status_code == 200  # read only
    assert client.post(_change_url(seminar), body).status_code == 403
    assert Event.objects.get(pk=seminar.pk).places == 2


def test_the_admin_offers_an_official_their_own_citys_institutions_only(
    login, official_cdmx, institution_bcn, institution_cdmx
):
    client = login(official_cdmx)
    page = client.get("/admin/knowledge/event/add/")
    choices = page.context["adminform"].form.fields["institution"].queryset
    assert list(choices) == [institution_cdmx]
    response = client.post("/admin/knowledge/event/add/", {"institution": institution_bcn.pk})
    assert response.status_code == 200
    assert "institution" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def _action(client, action: str, events: list[Event]):
    return client.post(
        "/admin/knowledge/event/",
        {"action": action, "_selected_action": [e.pk for e in events]},
        follow=True,
    )


def test_publishing_a_mixed_selection_publishes_what_it_may_and_says_why_not_the_rest(
    login, official_bcn, organiser, institution_cdmx, official_cdmx
):
    draft = event(actor=organiser, publish=False, texts={"title_en": "Own draft"})
    live = event(actor=organiser, texts={"title_en": "Already published"})
    theirs = event(
        actor=official_cdmx,
        institution=institution_cdmx,
        publish=False,
        texts={"title_en": "Other city's draft"},
    )
    over = event(actor=organiser, publish=False, texts={"title_en": "Over"})
    _past(over)
    response = _action(login(official_bcn), "publish", [draft, live, theirs, over])
    said = _messages(response)
    assert any("1" in m and "event" in m for m in said)
    assert any("Already published" in m and "Only a draft" in m for m in said)
    assert any("Other city's draft" in m and "events you organise" in m for m in said)
    assert any("Over" in m and "is over" in m for m in said)
    statuses = dict(Event.objects.values_list("pk", "status"))
    assert statuses == {
        draft.pk: S.PUBLISHED,
        live.pk: S.PUBLISHED,
        theirs.pk: S.DRAFT,
        over.pk: S.DRAFT,
    }


def test_cancelling_a_mixed_selection_cancels_what_it_may_and_says_why_not_the_rest(
    login, official_bcn, organiser, institution_cdmx, official_cdmx, person
):
    live = event(actor=organiser, texts={"title_en": "Live"})
    services.registration_create(actor=person, event=live)
    gone = event(actor=organiser, texts={"title_en": "Gone"})
    services.event_cancel(actor=organiser, event=gone)
    theirs = event(actor=official_cdmx, institution=institution_cdmx, texts={"title_en": "Theirs"})
    response = _action(login(official_bcn), "cancel", [live, gone, theirs])
    said = _messages(response)
    assert any("Gone" in m and "already cancelled" in m for m in said)
    assert any("Theirs" in m and "events you organise" in m for m in said)
    statuses = dict(Event.objects.values_list("pk", "status"))
    assert statuses == {live.pk: S.CANCELLED, gone.pk: S.CANCELLED, theirs.pk: S.PUBLISHED}
    assert Registration.objects.get(person=person).status == R.CANCELLED


def test_a_coordinator_has_no_events_admin(login, organiser):
    seminar = event(actor=organiser)
    client = login(organiser)
    assert client.get(_change_url(seminar)).status_code in (302, 403)
    response = client.post(
        "/admin/knowledge/event/", {"action": "cancel", "_selected_action": [seminar.pk]}
    )
    assert response.status_code in (302, 403)
    assert Event.objects.get(pk=seminar.pk).status == S.PUBLISHED


# Erasure: through the registrations' cancel service.


def test_erasure_cancels_the_places_at_once_and_the_waiting_list_moves_up(organiser):
    leaving = UserFactory(email="se-va@example.org", language="en")
    waiting = UserFactory(email="espera@example.org")
    seminar = event(actor=organiser, places=1)
    mine = services.registration_create(actor=leaving, event=seminar, language="ca")
    services.registration_create(actor=waiting, event=seminar)
    # Without running the after-commit anonymisation: the place is freed by the request.
    erasure_request(actor=leaving)
    assert Registration.objects.get(pk=mine.pk).status == R.CANCELLED
    assert Registration.objects.get(person=waiting).status == R.CONFIRMED
    promoted = OutgoingEmail.objects.get(template="knowledge/email/registration_promoted")
    assert promoted.to == waiting.email
    told = OutgoingEmail.objects.get(template="knowledge/email/registration_cancelled")
    assert (told.to, told.language) == (leaving.email, "ca")


def test_erasure_leaves_a_past_events_attendance_right(
    organiser, django_capture_on_commit_callbacks
):
    leaving = UserFactory(email="se-va@example.org")
    seminar = event(actor=organiser)
    mine = services.registration_create(actor=leaving, event=seminar)
    _past(seminar)
    Registration.objects.filter(pk=mine.pk).update(status=R.ATTENDED)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request(actor=leaving)
    assert not Registration.objects.filter(person=leaving).exists()
    assert Event.objects.get(pk=seminar.pk).attendance == 1
