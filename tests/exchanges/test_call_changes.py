"""A call does not change under the reviewers' feet.

Once someone submitted an application, the call's criteria, weights and hosts' places change
only through the call services, which refuse what would change a score or a decision already
made and write who changed what; the admin shows the refusals and the change log.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from exchanges import services
from exchanges.models import CallChange, CallHost, Criterion, StayApplication
from tests.admin_forms import admin_form
from tests.exchanges.conftest import accept, fill_draft, score, submit

pytestmark = pytest.mark.django_db
S = StayApplication.Status


def _rows(call, **changes):
    """The call's criteria as rows, with ``changes`` = {criterion name: {field: value}}."""
    rows = []
    for c in Criterion.objects.filter(call=call):
        values = {name: getattr(c, name) for name in services.CRITERION_FIELDS}
        values.update(changes.get(c.name, {}))
        rows.append(services.CriterionRow(pk=c.pk, values=values))
    return rows


def _weights(call):
    return sorted(Criterion.objects.filter(call=call).values_list("weight", flat=True))


def _host_rows(call, places=None):
    return [
        services.HostRow(pk=h.pk, institution=h.institution, places=places or h.places)
        for h in CallHost.objects.filter(call=call).select_related("institution")
    ]


# --- criteria and weights ----------------------------------------------------------------------


def test_weights_cannot_change_once_reviewers_have_scored(in_evaluation, official_cdmx):
    call = in_evaluation.call
    rows = _rows(
        call, **{"Calidad científica": {"weight": 50}, "Impacto social y urbano": {"weight": 50}}
    )
    with pytest.raises(ValidationError, match="cannot change once reviewers have scored"):
        services.call_criteria_set(actor=official_cdmx, call_id=call.pk, rows=rows)
    assert _weights(call) == [40, 60]
    assert not CallChange.objects.filter(call=call).exists()


def test_a_scored_criterion_cannot_be_removed_and_none_can_be_added(in_evaluation, official_cdmx):
    call = in_evaluation.call
    rows = _rows(call)
    removed = [services.CriterionRow(pk=r.pk, values=r.values, delete=True) for r in rows[:1]]
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.call_criteria_set(actor=official_cdmx, call_id=call.pk, rows=removed + rows[1:])
    added = services.CriterionRow(
        pk=None, values={"order": 3, "name_es": "Nuevo", "weight": 1, "is_social_impact": False}
    )
    with pytest.raises(ValidationError, match="No criterion can be added"):
        services.call_criteria_set(actor=official_cdmx, call_id=call.pk, rows=[*rows, added])
    assert Criterion.objects.filter(call=call).count() == 2


def test_before_any_score_a_weight_may_change_and_the_change_is_logged(submitted, official_bcn):
    call = submitted.call
    rows = _rows(
        call, **{"Calidad científica": {"weight": 50}, "Impacto social y urbano": {"weight": 50}}
    )
    services.call_criteria_set(actor=official_bcn, call_id=call.pk, rows=rows)
    assert _weights(call) == [50, 50]
    changes = list(CallChange.objects.filter(call=call))
    assert {(c.actor, c.before, c.after) for c in changes} == {
        (official_bcn, "60", "50"),
        (official_bcn, "40", "50"),
    }


def test_a_name_may_still_be_corrected_after_scoring(in_evaluation, official_cdmx):
    call = in_evaluation.call
    rows = _rows(call, **{"Calidad científica": {"name_ca": "Qualitat científica"}})
    services.call_criteria_set(actor=official_cdmx, call_id=call.pk, rows=rows)
    assert Criterion.objects.filter(call=call, name_ca="Qualitat científica").exists()
    assert CallChange.objects.get(call=call).after == "Qualitat científica"


def test_weights_must_still_sum_to_100(call, official_cdmx):
    rows = _rows(call, **{"Calidad científica": {"weight": 10}})
    with pytest.raises(ValidationError, match="sum to 100"):
        services.call_criteria_set(actor=official_cdmx, call_id=call.pk, rows=rows)


def test_only_officials_change_a_call(call, reviewer):
    with pytest.raises(ValidationError, match="Only the programme's officials"):
        services.call_criteria_set(actor=reviewer, call_id=call.pk, rows=_rows(call))


# --- hosts and places ---------------------------------------------------------------------------


def _two_approved(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    CallHost.objects.filter(call=in_evaluation.call).update(places=2)
    other = services.application_start(
        actor=new_researcher("b@example.org"), call=in_evaluation.call
    )
    other = score(
        accept(submit(fill_draft(other, other.researcher, institution_bcn)), coordinator),
        official_cdmx,
        reviewer,
    )
    for application in (in_evaluation, other):
        for official in (official_cdmx, official_bcn):
            services.application_sign(actor=official, application_id=application.pk)
    return other


def test_places_cannot_go_below_those_already_awarded(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    _two_approved(
        in_evaluation,
        official_cdmx,
        official_bcn,
        coordinator,
        reviewer,
        new_researcher,
        institution_bcn,
    )
    call = in_evaluation.call
    with pytest.raises(ValidationError, match="2 places already awarded"):
        services.call_hosts_set(actor=official_cdmx, call_id=call.pk, rows=_host_rows(call, 1))
    assert CallHost.objects.get(call=call).places == 2


def test_a_host_that_received_applications_cannot_leave_the_call(submitted, official_cdmx):
    call = submitted.call
    rows = [
        services.HostRow(pk=r.pk, institution=r.institution, places=r.places, delete=True)
        for r in _host_rows(call)
    ]
    with pytest.raises(ValidationError, match="cannot leave the call"):
        services.call_hosts_set(actor=official_cdmx, call_id=call.pk, rows=rows)
    assert CallHost.objects.filter(call=call).exists()


def test_raising_places_gives_them_to_the_co_signed_waiting_list(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    other = services.application_start(
        actor=new_researcher("b@example.org"), call=in_evaluation.call
    )
    other = score(
        accept(submit(fill_draft(other, other.researcher, institution_bcn)), coordinator),
        official_cdmx,
        reviewer,
    )
    for application in (in_evaluation, other):
        for official in (official_cdmx, official_bcn):
            services.application_sign(actor=official, application_id=application.pk)
    other.refresh_from_db()
    assert other.status == S.WAITLISTED
    call = in_evaluation.call
    services.call_hosts_set(actor=official_bcn, call_id=call.pk, rows=_host_rows(call, 2))
    other.refresh_from_db()
    assert other.status == S.APPROVED
    change = CallChange.objects.get(call=call)
    assert (change.actor, change.before, change.after) == (official_bcn, "1", "2")


def test_the_direction_cannot_change_once_applications_were_submitted(submitted, official_cdmx):
    call = submitted.call
    call.direction = "bcn_cdmx"
    with pytest.raises(ValidationError, match="direction of a call cannot change"):
        services.call_save(actor=official_cdmx, call=call)
    call.refresh_from_db()
    assert call.direction == "cdmx_bcn"


# --- the admin ----------------------------------------------------------------------------------


def _change_page(client, call):
    from cooperation.models import StrategicArea

    call.areas.add(StrategicArea.objects.first())  # the form requires an eligible area
    url = f"/admin/exchanges/call/{call.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    return url, admin_form(response.content.decode(), "call_form")


def _criterion_index(data, name):
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("criteria-") and key.endswith("-name_es") and value == name
    )


def test_the_admin_refuses_a_weight_change_after_scoring_and_saves_nothing(
    login, in_evaluation, official_cdmx
):
    client = login(official_cdmx)
    call = in_evaluation.call
    url, data = _change_page(client, call)
    data[f"criteria-{_criterion_index(data, 'Calidad científica')}-weight"] = "50"
    data[f"criteria-{_criterion_index(data, 'Impacto social y urbano')}-weight"] = "50"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot change once reviewers have scored" in response.content.decode()
    assert _weights(call) == [40, 60]
    assert not CallChange.objects.filter(call=call).exists()


def test_the_admin_refuses_places_below_those_awarded(
    login,
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    _two_approved(
        in_evaluation,
        official_cdmx,
        official_bcn,
        coordinator,
        reviewer,
        new_researcher,
        institution_bcn,
    )
    client = login(official_cdmx)
    call = in_evaluation.call
    url, data = _change_page(client, call)
    data["call_hosts-0-places"] = "1"
    response = client.post(url, data)
    assert "2 places already awarded" in response.content.decode()
    assert CallHost.objects.get(call=call).places == 2


def test_the_admin_refuses_removing_a_scored_criterion(login, in_evaluation, official_cdmx):
    client = login(official_cdmx)
    call = in_evaluation.call
    url, data = _change_page(client, call)
    data[f"criteria-{_criterion_index(data, 'Calidad científica')}-DELETE"] = "on"
    data[f"criteria-{_criterion_index(data, 'Impacto social y urbano')}-weight"] = "100"
    response = client.post(url, data)
    assert response.status_code == 200
    assert Criterion.objects.filter(call=call).count() == 2


def test_the_admin_saves_an_allowed_change_through_the_service_and_shows_who_made_it(
    login, submitted, official_bcn
):
    client = login(official_bcn)
    call = submitted.call
    url, data = _change_page(client, call)
    assert 'name="direction"' not in client.get(url).content.decode()  # frozen: read-only
    data[f"criteria-{_criterion_index(data, 'Calidad científica')}-weight"] = "50"
    data[f"criteria-{_criterion_index(data, 'Impacto social y urbano')}-weight"] = "50"
    data["closes_at_1"] = "17:00:00"
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S
    )
    assert _weights(call) == [50, 50]
    page = client.get(url).content.decode()
    assert "who changed what" in page.lower()
    assert official_bcn.email in page or str(official_bcn) in page
    logged = set(
        CallChange.objects.filter(call=call, actor=official_bcn).values_list("what", flat=True)
    )
    assert {"closes at", "Calidad científica: weight (%)"} <= logged
    # An empty translation ("" from the form, None in the row) is no change.
    assert not any("description" in what or "name [" in what for what in logged)


def test_the_admin_cannot_delete_a_call_with_applications(login, submitted, official_bcn):
    client = login(official_bcn)
    response = client.post(f"/admin/exchanges/call/{submitted.call_id}/delete/", {"post": "yes"})
    assert response.status_code in (200, 403)
    assert StayApplication.objects.filter(call_id=submitted.call_id).exists()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.call_delete(actor=official_bcn, call_id=submitted.call_id)


def test_the_admin_deletes_a_call_nobody_applied_to_through_the_service(login, call, official_bcn):
    response = login(official_bcn).post(f"/admin/exchanges/call/{call.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not type(call).objects.filter(pk=call.pk).exists()
