"""The stay workflow through its services: the rules of the programme, each one tested."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperation.roles import Role
from exchanges import services
from exchanges.models import (
    ApplicationEvent,
    ConsentRecord,
    Score,
    Signature,
    Stay,
    StayApplication,
)
from exchanges.workflow import TRANSITIONS, Actor, allowed
from tests.exchanges.conftest import accept, fill_draft, score, start_stay, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = StayApplication.Status


def test_submit_records_consent_and_sends_to_host_with_timeline_and_email(
    draft, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft)
    assert draft.status == S.HOST_REVIEW
    assert draft.submitted_at is not None
    steps = list(draft.events.values_list("from_status", "to_status"))
    assert steps == [("", S.DRAFT), (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.HOST_REVIEW)]
    consent = ConsentRecord.objects.get(application=draft)
    assert consent.text_version == services.CONSENT_TEXT_VERSION
    recipients = {m.to[0] for m in mail.outbox}
    assert coordinator.email in recipients


def test_submit_without_consent_is_refused_and_nothing_changes(draft):
    with pytest.raises(ValidationError, match="consent"):
        services.application_submit(actor=draft.researcher, application_id=draft.pk, consent=False)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert not ConsentRecord.objects.exists()


def test_submitting_after_the_deadline_is_refused(draft):
    draft.call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.call.save()
    with pytest.raises(ValidationError) as error:
        services.application_submit(actor=draft.researcher, application_id=draft.pk, consent=True)
    assert any("closed" in m for m in error.value.messages)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert draft.submitted_at is None


def test_incomplete_application_lists_everything_missing(call, profiled_researcher):
    application = services.application_start(actor=profiled_researcher, call=call)
    with pytest.raises(ValidationError) as error:
        services.application_submit(
            actor=profiled_researcher, application_id=application.pk, consent=True
        )
    text = " ".join(error.value.messages)
    assert "host institution" in text
    assert "Curriculum vitae" in text
    assert "work plan" in text


def test_second_application_to_the_same_call_is_refused(draft):
    with pytest.raises(ValidationError, match="already have an application"):
        services.application_start(actor=draft.researcher, call=draft.call)
    assert StayApplication.objects.filter(call=draft.call).count() == 1


def test_dates_outside_the_call_are_refused_and_not_saved(draft):
    before = (draft.start_date, draft.end_date)
    with pytest.raises(ValidationError, match="between"):
        services.application_save_draft(
            actor=draft.researcher,
            application_id=draft.pk,
            data={
                "start_date": draft.call.stays_from - datetime.timedelta(days=10),
                "end_date": draft.call.stays_from + datetime.timedelta(days=40),
            },
        )
    with pytest.raises(ValidationError, match="last between"):
        services.application_save_draft(
            actor=draft.researcher,
            application_id=draft.pk,
            data={"start_date": before[0], "end_date": before[0] + datetime.timedelta(days=3)},
        )
    draft.refresh_from_db()
    assert (draft.start_date, draft.end_date) == before


def test_host_of_another_institution_cannot_act(submitted, institution_cdmx):
    outsider = UserFactory(institution=institution_cdmx, roles=[Role.COORDINATOR])
    with pytest.raises(ValidationError, match="do not act for the host"):
        accept(submitted, outsider)
    with pytest.raises(ValidationError, match="do not act for the host"):
        services.host_decline(actor=outsider, application_id=submitted.pk, reason="no")
    submitted.refresh_from_db()
    assert submitted.status == S.HOST_REVIEW


def test_host_decline_closes_the_application_with_the_reason(submitted, coordinator):
    services.host_decline(actor=coordinator, application_id=submitted.pk, reason="Sin espacio")
    submitted.refresh_from_db()
    assert submitted.status == S.HOST_DECLINED
    assert submitted.host_decision.reason == "Sin espacio"
    assert submitted.events.last().note == "Sin espacio"


def test_nothing_reaches_evaluation_without_host_acceptance(submitted, official_cdmx, reviewer):
    assert [k for k in TRANSITIONS if k[1] == S.EVALUATION] == [(S.HOST_ACCEPTED, S.EVALUATION)]
    with pytest.raises(ValidationError, match="once the host has accepted"):
        services.review_assign(actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer)
    submitted.refresh_from_db()
    assert submitted.status == S.HOST_REVIEW


def test_reviewer_with_declared_conflict_cannot_score(
    submitted, coordinator, official_cdmx, reviewer
):
    accept(submitted, coordinator)
    assignment = services.review_assign(
        actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
    )
    services.conflict_declare(
        actor=reviewer,
        assignment_id=assignment.pk,
        has_conflict=True,
        shown=services.conflict_disclosure_token(assignment),
    )
    criteria = list(submitted.call.criteria.all())
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.scores_submit(
            actor=reviewer, assignment_id=assignment.pk, scores={c.pk: 5 for c in criteria}
        )
    assert not Score.objects.exists()


def test_reviewer_must_declare_before_scoring(submitted, coordinator, official_cdmx, reviewer):
    accept(submitted, coordinator)
    assignment = services.review_assign(
        actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
    )
    with pytest.raises(ValidationError, match="Declare first"):
        services.scores_submit(actor=reviewer, assignment_id=assignment.pk, scores={})


def test_one_signature_leaves_approval_pending_and_both_approve(
    in_evaluation, official_cdmx, official_bcn
):
    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.EVALUATION
    services.application_sign(actor=official_bcn, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.APPROVED
    assert Signature.objects.filter(application=in_evaluation).count() == 2


def test_one_official_cannot_sign_twice(in_evaluation, official_cdmx, cdmx):
    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    with pytest.raises(ValidationError, match="already signed"):
        services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    colleague = UserFactory(party=cdmx, is_staff=True, roles=[Role.OFFICIAL_CDMX])
    with pytest.raises(ValidationError, match="Your city has already signed"):
        services.application_sign(actor=colleague, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.EVALUATION
    assert Signature.objects.count() == 1


def _approve(application, official_cdmx, official_bcn):
    services.application_sign(actor=official_cdmx, application_id=application.pk)
    services.application_sign(actor=official_bcn, application_id=application.pk)
    application.refresh_from_db()
    return application


def test_places_per_host_are_respected_and_a_freed_place_goes_to_the_co_signed_waitlist(
    in_evaluation,
    official_cdmx,
    official_bcn,
    coordinator,
    reviewer,
    new_researcher,
    institution_bcn,
):
    second = services.application_start(
        actor=new_researcher("b@example.org"), call=in_evaluation.call
    )
    second = score(
        accept(submit(fill_draft(second, second.researcher, institution_bcn)), coordinator),
        official_cdmx,
        reviewer,
    )
    _approve(in_evaluation, official_cdmx, official_bcn)
    # Both cities sign the second one: the host has no place left, so it waits on the list.
    assert _approve(second, official_cdmx, official_bcn).status == S.WAITLISTED
    # The approved researcher declines the award: the first on the waiting list gets the place,
    # on the two signatures it already has (the system makes the move, no one signs alone).
    services.application_withdraw(actor=in_evaluation.researcher, application_id=in_evaluation.pk)
    second.refresh_from_db()
    assert second.status == S.APPROVED
    assert second.events.last().actor is None
    assert {s.party.code for s in second.signatures.all()} == {"CDMX", "BCN"}
    assert StayApplication.objects.filter(status__in=[S.APPROVED]).count() == 1


def test_ranking_breaks_ties_by_social_and_urban_impact(
    in_evaluation, official_cdmx, coordinator, reviewer, new_researcher, institution_bcn
):
    # Weights 60/40: (8, 8) and (10, 5) both weigh 8.0; the impact score (8 > 5) decides.
    other = services.application_start(
        actor=new_researcher("c@example.org"), call=in_evaluation.call
    )
    other = score(
        accept(submit(fill_draft(other, other.researcher, institution_bcn)), coordinator),
        official_cdmx,
        reviewer,
        values=(10, 5),
    )
    ranked = list(StayApplication.objects.filter(call=in_evaluation.call).ranked())
    assert [a.weighted_score for a in ranked] == [8, 8]
    assert [(a.pk, a.rank) for a in ranked] == [(in_evaluation.pk, 1), (other.pk, 2)]


def test_any_action_on_a_withdrawn_application_is_refused(
    submitted, coordinator, official_cdmx, official_bcn
):
    services.application_withdraw(actor=submitted.researcher, application_id=submitted.pk)
    attempts = [
        lambda: accept(submitted, coordinator),
        lambda: services.host_decline(actor=coordinator, application_id=submitted.pk, reason="x"),
        lambda: services.application_sign(actor=official_cdmx, application_id=submitted.pk),
        lambda: services.application_reject(actor=official_bcn, application_id=submitted.pk),
        lambda: services.application_cancel(actor=official_bcn, application_id=submitted.pk),
        lambda: services.application_withdraw(
            actor=submitted.researcher, application_id=submitted.pk
        ),
        lambda: services.award_confirm(actor=submitted.researcher, application_id=submitted.pk),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN
    assert submitted.events.count() == 4


def test_award_stay_and_final_report_complete_the_workflow(
    in_evaluation, official_cdmx, official_bcn
):
    application = _approve(in_evaluation, official_cdmx, official_bcn)
    researcher = application.researcher
    application = start_stay(application)
    assert application.status == S.IN_PROGRESS
    with pytest.raises(ValidationError, match="not been handed in"):
        services.final_report_accept(actor=official_bcn, application_id=application.pk)
    services.final_report_submit(
        actor=researcher, application_id=application.pk, text="Resultados", upload=None
    )
    services.final_report_accept(actor=official_bcn, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == S.COMPLETED
    assert Stay.objects.get(application=application).report_accepted_by == official_bcn


def test_transition_table_is_the_only_gate():
    assert allowed(S.DRAFT, S.SUBMITTED, Actor.RESEARCHER)
    assert not allowed(S.DRAFT, S.SUBMITTED, Actor.OFFICIAL)
    assert not allowed(S.HOST_REVIEW, S.EVALUATION, Actor.OFFICIAL)
    assert not any(k[0] in (S.WITHDRAWN, S.CANCELLED, S.COMPLETED) for k in TRANSITIONS)


def test_status_mails_go_out_in_the_recipients_language(
    draft, coordinator, django_capture_on_commit_callbacks
):
    draft.researcher.language = "ca"
    draft.researcher.save()
    coordinator.language = "en"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    # Each in their language and in their terms: the host is asked for its decision.
    assert subjects[draft.researcher.email].endswith("A la institució d'acollida")
    assert subjects[coordinator.email].endswith("Awaiting your decision")
    assert ApplicationEvent.objects.filter(application=draft).count() == 3
