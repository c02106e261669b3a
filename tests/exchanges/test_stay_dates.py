"""A stay follows time: it starts on its arrival, reports at its departure, completes on an
accepted report; a refused visa blocks the start and is told to the officials."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from exchanges import services
from exchanges.models import Stay, StayApplication
from exchanges.services.rules import host_today
from exchanges.workflow import Actor
from tests.exchanges.conftest import move

pytestmark = pytest.mark.django_db
S = StayApplication.Status
DAY = datetime.timedelta(days=1)


@pytest.fixture
def awarded(in_evaluation, official_cdmx, official_bcn):
    for official in (official_cdmx, official_bcn):
        services.application_sign(actor=official, application_id=in_evaluation.pk)
    services.award_confirm(actor=in_evaluation.researcher, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    return in_evaluation


def _record(application, **data):
    return services.stay_update(
        actor=application.researcher, application_id=application.pk, data=data
    )


def _state(application):
    application.refresh_from_db()
    stay = Stay.objects.get(application=application)
    return (
        application.status,
        application.events.count(),
        stay.arrived_on,
        stay.departed_on,
        stay.visa_status,
    )


def test_an_arrival_in_the_future_is_refused_and_starts_nothing(awarded):
    # The reported case: an arrival months ahead moved the stay to "in progress".
    before = _state(awarded)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        _record(awarded, arrived_on=awarded.start_date, visa_status="granted")
    assert _state(awarded) == before
    assert before[0] == S.AWARDED


def test_an_arrival_today_in_the_host_city_starts_the_stay(awarded):
    _record(awarded, arrived_on=host_today(awarded), visa_status="granted")
    awarded.refresh_from_db()
    assert awarded.status == S.IN_PROGRESS
    assert awarded.events.last().to_status == S.IN_PROGRESS


@pytest.mark.parametrize("offset", [0, -1])
def test_the_departure_must_come_after_the_arrival(awarded, offset):
    arrival = host_today(awarded) - 3 * DAY
    before = _state(awarded)
    with pytest.raises(ValidationError, match="departure must be after the arrival"):
        _record(awarded, arrived_on=arrival, departed_on=arrival + offset * DAY)
    assert _state(awarded) == before


def test_a_departure_without_an_arrival_is_refused(awarded):
    with pytest.raises(ValidationError, match="arrival before the departure"):
        _record(awarded, departed_on=host_today(awarded))


def test_a_started_stay_keeps_its_arrival(awarded):
    _record(awarded, arrived_on=host_today(awarded))
    with pytest.raises(ValidationError, match="must stay recorded"):
        _record(awarded, arrived_on=None)
    awarded.refresh_from_db()
    assert awarded.status == S.IN_PROGRESS


def test_the_final_report_opens_at_the_departure_or_the_days_before_that_the_call_sets(awarded):
    today = host_today(awarded)
    _record(awarded, arrived_on=today - DAY, departed_on=today + 10 * DAY)

    def hand_in():
        return services.final_report_submit(
            actor=awarded.researcher, application_id=awarded.pk, text="Resultados", upload=None
        )

    with pytest.raises(ValidationError, match="The final report opens on"):
        hand_in()
    assert not Stay.objects.get(application=awarded).report_submitted_at
    awarded.call.report_opens_days_before = 10
    awarded.call.save(update_fields=["report_opens_days_before"])
    assert hand_in().report_submitted_at is not None


def test_without_a_recorded_departure_the_report_opens_at_the_confirmed_end(awarded):
    _record(awarded, arrived_on=host_today(awarded))
    with pytest.raises(ValidationError) as error:
        services.final_report_submit(
            actor=awarded.researcher, application_id=awarded.pk, text="x", upload=None
        )
    from django.utils import formats

    assert formats.date_format(awarded.host_decision.confirmed_end) in error.value.messages[0]


def test_completion_needs_an_accepted_report_whatever_the_path(awarded, official_bcn):
    application = start_stay_from_awarded(awarded)
    with pytest.raises(ValidationError, match="final report is accepted"):
        move(application, actor=official_bcn, as_actor=Actor.OFFICIAL, to_status=S.COMPLETED)
    with pytest.raises(ValidationError, match="not been handed in"):
        services.final_report_accept(actor=official_bcn, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == S.IN_PROGRESS
    assert Stay.objects.get(application=application).report_accepted_at is None


def start_stay_from_awarded(application):
    today = host_today(application)
    _record(application, arrived_on=today - DAY, departed_on=today, visa_status="granted")
    application.refresh_from_db()
    return application


def test_an_official_cannot_start_a_stay_before_the_arrival(awarded, official_cdmx):
    with pytest.raises(ValidationError, match="records the arrival"):
        move(awarded, actor=official_cdmx, as_actor=Actor.OFFICIAL, to_status=S.IN_PROGRESS)
    awarded.refresh_from_db()
    assert awarded.status == S.AWARDED


def test_a_refused_visa_blocks_the_start_and_tells_the_officials(
    awarded, official_cdmx, official_bcn, django_capture_on_commit_callbacks
):
    official_bcn.language = "ca"
    official_bcn.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _record(awarded, visa_status="refused")
    assert awarded.events.last().message.startswith("Visa refused")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "Visado denegado" in subjects[official_cdmx.email]
    assert "Visat denegat" in subjects[official_bcn.email]
    before = _state(awarded)
    with pytest.raises(ValidationError, match="refused visa blocks the start"):
        _record(awarded, arrived_on=host_today(awarded), visa_status="refused")
    assert _state(awarded) == before
    with pytest.raises(ValidationError, match="visa was refused"):
        move(awarded, actor=official_cdmx, as_actor=Actor.OFFICIAL, to_status=S.IN_PROGRESS)


def test_saving_the_same_refused_visa_again_tells_no_one_twice(
    awarded, django_capture_on_commit_callbacks
):
    _record(awarded, visa_status="refused")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _record(awarded, visa_status="refused", insurance="Póliza")
    assert mail.outbox == []


# --- the portal pages ---------------------------------------------------------------------------


def test_the_stay_page_refuses_a_future_arrival_with_the_reason(login, awarded):
    client = login(awarded.researcher)
    response = client.post(
        reverse("exchanges:application_action", args=[awarded.pk, "stay"]),
        {"stay-arrived_on": (host_today(awarded) + 30 * DAY).isoformat()},
        follow=True,
    )
    assert "The arrival cannot be in the future" in response.content.decode()
    awarded.refresh_from_db()
    assert awarded.status == S.AWARDED


def test_researcher_and_host_see_why_the_stay_has_not_started(login, awarded, coordinator):
    url = reverse("exchanges:application_detail", args=[awarded.pk])
    for user in (awarded.researcher, coordinator):
        page = login(user).get(url).content.decode()
        assert "Not possible yet" in page
        assert "The stay starts when the researcher records the arrival" in page


def test_researcher_and_host_see_when_the_final_report_opens(login, awarded, coordinator):
    from django.utils import formats

    today = host_today(awarded)
    _record(awarded, arrived_on=today - DAY, departed_on=today + 5 * DAY)
    url = reverse("exchanges:application_detail", args=[awarded.pk])
    opens = formats.date_format(today + 5 * DAY)
    for user in (awarded.researcher, coordinator):
        page = login(user).get(url).content.decode()
        assert f"The final report opens on {opens}." in page
    assert "Hand in the final report" not in login(awarded.researcher).get(url).content.decode()
    response = login(awarded.researcher).post(
        reverse("exchanges:application_action", args=[awarded.pk, "report"]),
        {"report-text": "Resultados"},
        follow=True,
    )
    assert f"The final report opens on {opens}." in response.content.decode()
    assert not Stay.objects.get(application=awarded).report_submitted_at


def test_the_whole_stay_on_time_completes(awarded, official_bcn):
    application = start_stay_from_awarded(awarded)
    assert application.status == S.IN_PROGRESS
    services.final_report_submit(
        actor=application.researcher, application_id=application.pk, text="R", upload=None
    )
    services.final_report_accept(actor=official_bcn, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == S.COMPLETED
