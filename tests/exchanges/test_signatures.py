"""One signature never awards a stay: every path into an award needs an official of each city.

The MoU: an official of each city signs every award, and a waiting-list promotion is an award.
Design (README, "Researcher stays"): the second city's signature approves the application, or,
when the host has no place left, puts it on the host's waiting list in ranking order; a freed
place goes to the first co-signed application of that list, and the officials of both cities
are told, each in their language.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from exchanges import services
from exchanges.models import Signature, Stay, StayApplication
from exchanges.workflow import CO_SIGNED, TRANSITIONS, Actor
from tests.exchanges.conftest import accept, fill_draft, move, score, submit

pytestmark = pytest.mark.django_db
S = StayApplication.Status
ADMIN_URL = "/admin/exchanges/stayapplication/"


def _second(
    in_evaluation,
    new_researcher,
    institution_bcn,
    coordinator,
    official,
    reviewer,
    *,
    email="b@example.org",
    values=(8, 8),
):
    other = services.application_start(actor=new_researcher(email), call=in_evaluation.call)
    other = fill_draft(other, other.researcher, institution_bcn)
    return score(accept(submit(other), coordinator), official, reviewer, values=values)


def _sign_both(application, official_cdmx, official_bcn):
    services.application_sign(actor=official_cdmx, application_id=application.pk)
    services.application_sign(actor=official_bcn, application_id=application.pk)
    application.refresh_from_db()
    return application


def _snapshot(application):
    application.refresh_from_db()
    return (application.status, application.events.count(), application.signatures.count())


# --- the one transition function ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_status", "to_status", "as_actor"),
    sorted(
        (f, t, actor)
        for (f, t), actors in TRANSITIONS.items()
        if t in CO_SIGNED
        for actor in actors
    ),
)
def test_no_move_into_an_award_without_both_signatures_whatever_the_actor(
    in_evaluation, official_cdmx, from_status, to_status, as_actor
):
    # The row is put in the starting state directly (as older data could be), with everything
    # else that the move needs, so that only the missing second signature stands in the way.
    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    StayApplication.objects.filter(pk=in_evaluation.pk).update(status=from_status)
    yesterday = timezone.localdate() - datetime.timedelta(days=2)
    Stay.objects.create(
        application=in_evaluation,
        arrived_on=yesterday,
        report_submitted_at=timezone.now(),
        report_accepted_at=timezone.now(),
    )
    before = _snapshot(in_evaluation)
    with pytest.raises(ValidationError, match="An official of each city must sign first"):
        move(
            in_evaluation,
            actor=None if as_actor == Actor.SYSTEM else official_cdmx,
            as_actor=as_actor,
            to_status=to_status,
        )
    assert _snapshot(in_evaluation) == before


def test_an_official_alone_cannot_put_an_application_on_the_waiting_list(
    in_evaluation, official_cdmx
):
    before = _snapshot(in_evaluation)
    with pytest.raises(ValidationError, match="must sign first"):
        move(in_evaluation, actor=official_cdmx, as_actor=Actor.OFFICIAL, to_status=S.WAITLISTED)
    assert _snapshot(in_evaluation) == before


def test_a_signature_counts_only_for_the_city_of_the_official_who_gave_it(
    in_evaluation, official_cdmx, bcn
):
    # A signature row naming Barcelona but given by Mexico City's official is not Barcelona's.
    Signature.objects.create(application=in_evaluation, party=bcn, official=official_cdmx)
    with pytest.raises(ValidationError, match="must sign first"):
        move(in_evaluation, actor=official_cdmx, as_actor=Actor.OFFICIAL, to_status=S.APPROVED)


# --- signing and the waiting list --------------------------------------------------------------


def test_both_signatures_with_no_place_left_put_it_on_the_waiting_list(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    second = _second(
        in_evaluation, new_researcher, institution_bcn, coordinator, official_cdmx, reviewer
    )
    _sign_both(in_evaluation, official_cdmx, official_bcn)
    services.application_sign(actor=official_cdmx, application_id=second.pk)
    second.refresh_from_db()
    assert second.status == S.EVALUATION  # one signature: still pending
    _sign_both_rest = services.application_sign(actor=official_bcn, application_id=second.pk)
    second.refresh_from_db()
    assert _sign_both_rest.pk == second.pk
    assert second.status == S.WAITLISTED
    assert second.signatures.count() == 2
    assert "waiting list" in second.events.last().message


def test_a_freed_place_goes_to_the_best_ranked_co_signed_and_both_cities_are_told(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
    django_capture_on_commit_callbacks,
):
    official_cdmx.language = "es"
    official_cdmx.save()
    official_bcn.language = "ca"
    official_bcn.save()
    lower = _second(
        in_evaluation,
        new_researcher,
        institution_bcn,
        coordinator,
        official_cdmx,
        reviewer,
        email="low@example.org",
        values=(5, 5),
    )
    higher = _second(
        in_evaluation,
        new_researcher,
        institution_bcn,
        coordinator,
        official_cdmx,
        reviewer,
        email="high@example.org",
        values=(9, 9),
    )
    _sign_both(in_evaluation, official_cdmx, official_bcn)
    # The lower-ranked one is signed first: the waiting list still follows the ranking.
    assert _sign_both(lower, official_cdmx, official_bcn).status == S.WAITLISTED
    assert _sign_both(higher, official_cdmx, official_bcn).status == S.WAITLISTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(
            actor=in_evaluation.researcher, application_id=in_evaluation.pk
        )
    higher.refresh_from_db()
    lower.refresh_from_db()
    assert (higher.status, lower.status) == (S.APPROVED, S.WAITLISTED)
    assert higher.events.last().actor is None  # the system, on both cities' signatures
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "Se liberó una plaza" in subjects[official_cdmx.email]
    assert "S'ha alliberat una plaça" in subjects[official_bcn.email]
    (freed,) = [m for m in mail.outbox if m.to == [official_bcn.email] and "plaça" in m.subject]
    assert f"núm. {higher.pk}," in freed.body


def test_a_waitlisted_row_missing_a_signature_is_never_promoted(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
    django_capture_on_commit_callbacks,
):
    official_bcn.language = "en"
    official_bcn.save()
    second = _second(
        in_evaluation, new_researcher, institution_bcn, coordinator, official_cdmx, reviewer
    )
    _sign_both(in_evaluation, official_cdmx, official_bcn)
    # Waitlisted by one official alone, as the portal allowed before this rule.
    StayApplication.objects.filter(pk=second.pk).update(status=S.WAITLISTED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(
            actor=in_evaluation.researcher, application_id=in_evaluation.pk
        )
    second.refresh_from_db()
    assert second.status == S.WAITLISTED
    assert not second.signatures.exists()
    (freed,) = [m for m in mail.outbox if m.to == [official_bcn.email] and "place" in m.subject]
    assert "the place stays open" in freed.body
    # The missing signatures can still be given: both cities sign, and it takes the place.
    assert _sign_both(second, official_cdmx, official_bcn).status == S.APPROVED


def test_cancelling_an_award_promotes_the_waiting_list_on_both_signatures(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    second = _second(
        in_evaluation, new_researcher, institution_bcn, coordinator, official_cdmx, reviewer
    )
    _sign_both(in_evaluation, official_cdmx, official_bcn)
    _sign_both(second, official_cdmx, official_bcn)
    services.application_cancel(actor=official_bcn, application_id=in_evaluation.pk, note="x")
    second.refresh_from_db()
    assert second.status == S.APPROVED


# --- the portal and the admin -----------------------------------------------------------------


def test_the_ranking_page_has_no_one_official_waiting_list(login, in_evaluation, official_cdmx):
    client = login(official_cdmx)
    page = client.get(reverse("exchanges:call_ranking", args=[in_evaluation.call_id]))
    assert "/waitlist/" not in page.content.decode()
    response = client.post(
        reverse("exchanges:official_action", args=[in_evaluation.pk, "waitlist"])
    )
    assert response.status_code == 404
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.EVALUATION


def test_one_signature_on_the_ranking_page_awards_nothing(login, in_evaluation, official_cdmx):
    login(official_cdmx).post(reverse("exchanges:official_action", args=[in_evaluation.pk, "sign"]))
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.EVALUATION
    assert in_evaluation.signatures.count() == 1


def test_the_admin_has_no_one_official_waiting_list_action(login, in_evaluation, official_cdmx):
    client = login(official_cdmx)
    page = client.get(ADMIN_URL).content.decode()
    assert 'value="waitlist"' not in page
    client.post(ADMIN_URL, {"action": "waitlist", "_selected_action": [in_evaluation.pk]})
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.EVALUATION


def test_one_signature_in_the_admin_awards_nothing(login, in_evaluation, official_cdmx):
    login(official_cdmx).post(
        ADMIN_URL, {"action": "sign_approval", "_selected_action": [in_evaluation.pk]}
    )
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.EVALUATION
    assert in_evaluation.signatures.count() == 1
