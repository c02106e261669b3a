"""Every write of the stays workflow: one function per action, one transition function.

Each action locks the application row (``select_for_update``) so that two people acting at the
same moment (two officials signing, a researcher withdrawing while the host accepts) are
serialised, checks the state and the actor's right, saves with ``update_fields``, writes the
timeline and queues the e-mails, which leave only after the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cooperation.api.webhooks import emit
from cooperation.models import Party, User
from cooperation.notifications import notify
from cooperation.roles import OFFICIAL_ROLES, Role
from exchanges import permissions
from exchanges.models import (
    ApplicationEvent,
    Attachment,
    Call,
    CallHost,
    ConsentRecord,
    Criterion,
    DocumentKind,
    HostDecision,
    ResearcherProfile,
    ReviewAssignment,
    Score,
    Signature,
    Stay,
    StayApplication,
)
from exchanges.validators import clean_file_name, validate_pdf
from exchanges.workflow import BEFORE_DECISION, HOLDS_PLACE, Actor, allowed

S = StayApplication.Status
CONSENT_TEXT_VERSION = "2026-01"

# Who hears of each new status, besides the researcher (who hears of every change).
NOTIFY_HOST = frozenset({S.HOST_REVIEW, S.WITHDRAWN, S.CANCELLED, S.AWARDED, S.COMPLETED})
NOTIFY_OFFICIALS = frozenset({S.HOST_ACCEPTED, S.APPROVED, S.AWARDED, S.WITHDRAWN})
DECISIONS = frozenset({S.APPROVED, S.WAITLISTED, S.REJECTED})


def _refuse(message: Any, code: str = "refused") -> ValidationError:
    return ValidationError(message, code=code)


def _lock(application_id: int) -> StayApplication:
    try:
        return StayApplication.objects.select_for_update(of=("self",)).get(pk=application_id)
    except StayApplication.DoesNotExist:
        raise _refuse(_("This application does not exist."), "not_found") from None


def _host_coordinators(application: StayApplication) -> list[User]:
    if application.host_id is None:
        return []
    return list(
        User.objects.filter(
            institution_id=application.host_id, groups__name=Role.COORDINATOR, is_active=True
        )
    )


def _officials() -> list[User]:
    return list(User.objects.filter(groups__name__in=OFFICIAL_ROLES, is_active=True).distinct())


def _event(
    application: StayApplication, *, actor: User | None, from_status: str, note: str = ""
) -> None:
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_status=from_status,
        to_status=application.status,
        note=note,
    )


def application_transition(
    *,
    application: StayApplication,
    actor: User | None,
    as_actor: Actor,
    to_status: str,
    note: str = "",
    extra_fields: Iterable[str] = (),
) -> None:
    """Move a locked application to ``to_status`` if the workflow table allows it.

    The only function that writes ``status``; callers lock the row first (``_lock``).
    """
    from_status = application.status
    if not allowed(from_status, to_status, as_actor):
        raise _refuse(
            _("This action is not possible while the application is “%(status)s”.")
            % {"status": application.get_status_display()},
            "wrong_state",
        )
    application.status = to_status
    application.save(update_fields=["status", *extra_fields])
    _event(application, actor=actor, from_status=from_status, note=note)
    recipients: list[User] = [application.researcher]
    if to_status in NOTIFY_HOST and application.host_id:
        recipients += _host_coordinators(application)
    if to_status in NOTIFY_OFFICIALS:
        recipients += _officials()
    notify(
        recipients=[r for r in recipients if r.pk != getattr(actor, "pk", None)]
        or [application.researcher],
        template="exchanges/email/status_changed",
        context={"note": note},
        objects={"application": application},
    )
    if to_status in DECISIONS:
        # Partner systems hear of decisions, without the applicant's personal data.
        emit(
            "application.decided",
            {
                "application": application.pk,
                "call": application.call_id,
                "decision": to_status,
                "host": getattr(application.host, "code", None),
                "decided_at": timezone.now(),
            },
        )


# --- Researchers -------------------------------------------------------------------------------


def profile_save(
    *, actor: User, data: Mapping[str, Any], sensitive_consent: bool
) -> ResearcherProfile:
    """Create or update the researcher's profile; optional data only with explicit consent."""
    if (data.get("gender") or data.get("accessibility_needs")) and not sensitive_consent:
        raise _refuse(
            _(
                "To record your gender or accessibility needs, tick the box that gives your "
                "consent; otherwise leave those fields empty."
            ),
            "consent_required",
        )
    with transaction.atomic():
        names = {k: (data.get(k) or "").strip() for k in ("first_name", "last_name")}
        if names != {"first_name": actor.first_name, "last_name": actor.last_name}:
            actor.first_name, actor.last_name = names["first_name"], names["last_name"]
            actor.save(update_fields=["first_name", "last_name"])
        profile = ResearcherProfile.objects.select_for_update().filter(user=actor).first()
        profile = profile or ResearcherProfile(user=actor)
        for field in ("home_institution", "career_stage", "orcid", "gender", "accessibility_needs"):
            setattr(
                profile, field, data.get(field) or ("" if field != "home_institution" else None)
            )
        if sensitive_consent and not profile.sensitive_consent_at:
            profile.sensitive_consent_at = timezone.now()
            profile.sensitive_consent_version = CONSENT_TEXT_VERSION
            ConsentRecord.objects.create(
                user=actor,
                purpose=ConsentRecord.Purpose.SENSITIVE,
                text_version=CONSENT_TEXT_VERSION,
            )
        elif not sensitive_consent:
            profile.sensitive_consent_at = None
            profile.sensitive_consent_version = ""
        profile.full_clean(exclude=["user"])
        profile.save()
    return profile


def application_start(*, actor: User, call: Call) -> StayApplication:
    """Open a draft application to a call; one per researcher and call."""
    if not call.is_open:
        raise _refuse(_("This call is not open for applications."), "call_closed")
    if StayApplication.objects.filter(call=call, researcher=actor).exists():
        raise _refuse(_("You already have an application for this call."), "duplicate")
    try:
        with transaction.atomic():
            application = StayApplication.objects.create(call=call, researcher=actor)
            _event(application, actor=actor, from_status="")
    except IntegrityError:
        # Two tabs submitting at once: the unique constraint keeps one.
        raise _refuse(_("You already have an application for this call."), "duplicate") from None
    return application


def date_problems(call: Call, start: datetime.date | None, end: datetime.date | None) -> list[str]:
    """Return why planned dates do not fit the call (empty when they do)."""
    if not start or not end:
        return [str(_("Give both the planned start and end dates."))]
    problems = []
    if start < call.stays_from or end > call.stays_until:
        problems.append(
            str(
                _("The stay must take place between %(start)s and %(end)s.")
                % {
                    "start": formats.date_format(call.stays_from),
                    "end": formats.date_format(call.stays_until),
                }
            )
        )
    days = (end - start).days
    if end <= start:
        problems.append(str(_("The end date must be after the start date.")))
    elif not call.min_duration_days <= days <= call.max_duration_days:
        problems.append(
            str(
                _("The stay must last between %(min)s and %(max)s days; these dates give %(days)s.")
                % {"min": call.min_duration_days, "max": call.max_duration_days, "days": days}
            )
        )
    return problems


def _own_draft(actor: User, application_id: int) -> StayApplication:
    application = _lock(application_id)
    if application.researcher_id != actor.pk:
        raise _refuse(_("This is not your application."), "not_yours")
    if application.status != S.DRAFT:
        raise _refuse(_("Only a draft can be changed."), "wrong_state")
    return application


def application_save_draft(
    *, actor: User, application_id: int, data: Mapping[str, Any]
) -> StayApplication:
    """Save one step of the draft (host, dates or project texts)."""
    allowed_fields = {
        "host",
        "start_date",
        "end_date",
        "title",
        "work_plan",
        "impact_statement",
        "joint_project",
    }
    with transaction.atomic():
        application = _own_draft(actor, application_id)
        call = application.call
        if "host" in data:
            host = data["host"]
            if (
                host is not None
                and not CallHost.objects.filter(call=call, institution=host).exists()
            ):
                raise _refuse(_("Choose one of the call's host institutions."), "bad_host")
        if "start_date" in data or "end_date" in data:
            problems = date_problems(call, data.get("start_date"), data.get("end_date"))
            if problems:
                raise ValidationError(problems, code="bad_dates")
        project = data.get("joint_project")
        if project is not None:
            from exchanges.forms import linkable_projects

            if not linkable_projects(application).filter(pk=project.pk).exists():
                raise _refuse(
                    _(
                        "Choose a current joint project that is public or in which the host "
                        "takes part."
                    ),
                    "bad_project",
                )
        fields = [name for name in data if name in allowed_fields]
        for name in fields:
            setattr(application, name, data[name])
        application.save(update_fields=fields)
    return application


def attachment_add(
    *, actor: User, application_id: int, kind: str, upload: UploadedFile
) -> Attachment:
    """Attach a PDF (checked from its content) to the draft, replacing one of the same kind."""
    if kind not in DocumentKind.values or kind == DocumentKind.FINAL_REPORT:
        raise _refuse(_("Unknown kind of document."), "bad_kind")
    name = clean_file_name(upload.name or "")
    validate_pdf(upload, upload.size or 0)
    with transaction.atomic():
        application = _own_draft(actor, application_id)
        return _store(application, kind, name, upload)


def _store(application: StayApplication, kind: str, name: str, upload: UploadedFile) -> Attachment:
    old = Attachment.objects.filter(application=application, kind=kind).first()
    if old:
        old_file = old.file
        old.delete()
        transaction.on_commit(lambda: old_file.delete(save=False))
    attachment = Attachment(
        application=application, kind=kind, original_name=name, size=upload.size or 0
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def submission_problems(application: StayApplication) -> list[str]:
    """Return everything that prevents submitting the application (empty when complete)."""
    call = application.call
    problems: list[str] = []
    if not call.is_open:
        problems.append(
            str(
                _("The call closed on %(deadline)s; applications can no longer be submitted.")
                % {
                    "deadline": formats.date_format(
                        timezone.localtime(call.closes_at), "DATETIME_FORMAT"
                    )
                }
            )
        )
    profile = ResearcherProfile.objects.filter(user_id=application.researcher_id).first()
    if profile is None:
        problems.append(str(_("Complete your researcher profile first.")))
    if application.host is None:
        problems.append(str(_("Choose a host institution.")))
    elif (host := application.host) is not None:
        if host.party.code not in call.host_party_codes():
            problems.append(str(_("This call does not offer stays in that city.")))
        if profile and profile.home_institution.party_id == host.party_id:
            problems.append(
                str(_("The host must be in the other city than your home institution."))
            )
    problems += list(date_problems(call, application.start_date, application.end_date))
    for field, label in (
        ("title", _("project title")),
        ("work_plan", _("work plan")),
        ("impact_statement", _("social and urban impact statement")),
    ):
        if not getattr(application, field).strip():
            problems.append(str(_("Fill in the %(field)s.") % {"field": label}))
    attached = set(application.attachments.values_list("kind", flat=True))
    for kind in call.required_documents:
        if kind not in attached:
            problems.append(
                str(
                    _("Attach the document: %(document)s.") % {"document": DocumentKind(kind).label}
                )
            )
    return problems


def application_submit(*, actor: User, application_id: int, consent: bool) -> StayApplication:
    """Validate everything, record the consent and send the application to the host."""
    if not consent:
        raise _refuse(
            _("You must consent to the processing of your data to submit."), "consent_required"
        )
    with transaction.atomic():
        application = _own_draft(actor, application_id)
        problems = submission_problems(application)
        if problems:
            raise ValidationError(problems, code="incomplete")
        ConsentRecord.objects.create(
            user=actor,
            application=application,
            purpose=ConsentRecord.Purpose.PROCESSING,
            text_version=CONSENT_TEXT_VERSION,
        )
        application.submitted_at = timezone.now()
        application_transition(
            application=application,
            actor=actor,
            as_actor=Actor.RESEARCHER,
            to_status=S.SUBMITTED,
            extra_fields=["submitted_at"],
        )
        application_transition(
            application=application,
            actor=None,
            as_actor=Actor.SYSTEM,
            to_status=S.HOST_REVIEW,
            note=str(_("Sent to the host institution.")),
        )
    return application


def application_withdraw(*, actor: User, application_id: int, note: str = "") -> StayApplication:
    """Withdraw before the decision, or decline an approval or award (the place is freed)."""
    with transaction.atomic():
        application = _lock(application_id)
        if application.researcher_id != actor.pk:
            raise _refuse(_("This is not your application."), "not_yours")
        held_place = application.status in HOLDS_PLACE
        if application.status not in BEFORE_DECISION and not held_place:
            raise _refuse(
                _("This action is not possible while the application is “%(status)s”.")
                % {"status": application.get_status_display()},
                "wrong_state",
            )
        application_transition(
            application=application,
            actor=actor,
            as_actor=Actor.RESEARCHER,
            to_status=S.WITHDRAWN,
            note=note,
        )
        if held_place:
            _give_place_to_waitlist(application)
    return application


def award_confirm(*, actor: User, application_id: int) -> StayApplication:
    """The researcher confirms an approved stay: it becomes an award and a stay record."""
    with transaction.atomic():
        application = _lock(application_id)
        if application.researcher_id != actor.pk:
            raise _refuse(_("This is not your application."), "not_yours")
        application_transition(
            application=application, actor=actor, as_actor=Actor.RESEARCHER, to_status=S.AWARDED
        )
        Stay.objects.get_or_create(application=application)
    return application


def stay_update(*, actor: User, application_id: int, data: Mapping[str, Any]) -> Stay:
    """Record arrival, departure, insurance and visa; an arrival starts the stay."""
    with transaction.atomic():
        application = _lock(application_id)
        if application.researcher_id != actor.pk:
            raise _refuse(_("This is not your application."), "not_yours")
        if application.status not in (S.AWARDED, S.IN_PROGRESS):
            raise _refuse(_("The stay can be updated only once it is awarded."), "wrong_state")
        stay = Stay.objects.select_for_update().get(application=application)
        fields = ["arrived_on", "departed_on", "insurance", "visa_status"]
        for name in fields:
            setattr(stay, name, data.get(name) or (None if name.endswith("_on") else ""))
        if stay.arrived_on and stay.departed_on and stay.departed_on < stay.arrived_on:
            raise _refuse(_("The departure cannot be before the arrival."), "bad_dates")
        stay.save(update_fields=fields)
        if stay.arrived_on and application.status == S.AWARDED:
            application_transition(
                application=application,
                actor=actor,
                as_actor=Actor.RESEARCHER,
                to_status=S.IN_PROGRESS,
            )
    return stay


def final_report_submit(
    *, actor: User, application_id: int, text: str, upload: UploadedFile | None
) -> Stay:
    """Hand in the final report (text on results and impact, and a PDF)."""
    name = ""
    if upload is not None:
        name = clean_file_name(upload.name or "")
        validate_pdf(upload, upload.size or 0)
    if not text.strip():
        raise _refuse(_("Describe the results and the impact of the stay."), "required")
    with transaction.atomic():
        application = _lock(application_id)
        if application.researcher_id != actor.pk:
            raise _refuse(_("This is not your application."), "not_yours")
        if application.status != S.IN_PROGRESS:
            raise _refuse(_("The final report is handed in during the stay."), "wrong_state")
        stay = Stay.objects.select_for_update().get(application=application)
        stay.final_report_text = text
        stay.report_submitted_at = timezone.now()
        stay.save(update_fields=["final_report_text", "report_submitted_at"])
        if upload is not None:
            _store(application, DocumentKind.FINAL_REPORT, name, upload)
        _event(
            application,
            actor=actor,
            from_status=application.status,
            note=str(_("Final report handed in.")),
        )
    return stay


# --- Hosts -------------------------------------------------------------------------------------


def _as_host(actor: User, application_id: int) -> StayApplication:
    application = _lock(application_id)
    if not permissions.is_host_of(actor, application):
        raise _refuse(_("You do not act for the host institution of this application."), "not_host")
    return application


def host_accept(
    *,
    actor: User,
    application_id: int,
    supervisor_name: str,
    supervisor_email: str,
    confirmed_start: datetime.date,
    confirmed_end: datetime.date,
) -> StayApplication:
    """The host accepts: names the supervisor and confirms the dates."""
    with transaction.atomic():
        application = _as_host(actor, application_id)
        if not supervisor_name.strip():
            raise _refuse(_("Name the supervisor."), "required")
        problems = date_problems(application.call, confirmed_start, confirmed_end)
        if problems:
            raise ValidationError(problems, code="bad_dates")
        application_transition(
            application=application, actor=actor, as_actor=Actor.HOST, to_status=S.HOST_ACCEPTED
        )
        HostDecision.objects.create(
            application=application,
            accepted=True,
            decided_by=actor,
            supervisor_name=supervisor_name,
            supervisor_email=supervisor_email,
            confirmed_start=confirmed_start,
            confirmed_end=confirmed_end,
        )
    return application


def host_decline(*, actor: User, application_id: int, reason: str) -> StayApplication:
    """The host declines, giving the reason the researcher will read."""
    with transaction.atomic():
        application = _as_host(actor, application_id)
        if not reason.strip():
            raise _refuse(_("Give the reason for declining."), "required")
        application_transition(
            application=application,
            actor=actor,
            as_actor=Actor.HOST,
            to_status=S.HOST_DECLINED,
            note=reason,
        )
        HostDecision.objects.create(
            application=application, accepted=False, decided_by=actor, reason=reason
        )
    return application


# --- Officials ---------------------------------------------------------------------------------


def _require_decider(actor: User) -> None:
    if not permissions.is_decider(actor):
        raise _refuse(_("Only the programme's officials can do this."), "not_official")


def review_assign(*, actor: User, application_id: int, reviewer: User) -> ReviewAssignment:
    """Assign a reviewer; the first assignment opens the evaluation."""
    _require_decider(actor)
    if not reviewer.has_role(Role.REVIEWER) or not reviewer.is_active:
        raise _refuse(_("This person is not a reviewer."), "not_reviewer")
    with transaction.atomic():
        application = _lock(application_id)
        if reviewer.pk == application.researcher_id:
            raise _refuse(_("Applicants cannot review their own application."), "own")
        if application.status == S.HOST_ACCEPTED:
            application_transition(
                application=application,
                actor=actor,
                as_actor=Actor.OFFICIAL,
                to_status=S.EVALUATION,
            )
        elif application.status != S.EVALUATION:
            raise _refuse(
                _("Reviewers are assigned once the host has accepted the application."),
                "wrong_state",
            )
        assignment, created = ReviewAssignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": actor}
        )
        if created:
            notify(
                recipients=[reviewer],
                template="exchanges/email/review_assigned",
                objects={"application": application},
            )
    return assignment


def _own_assignment(actor: User, assignment_id: int) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None or not permissions.is_reviewer_of(actor, assignment):
        raise _refuse(_("This review is not assigned to you."), "not_yours")
    return assignment


def conflict_declare(
    *, actor: User, assignment_id: int, has_conflict: bool, explanation: str = ""
) -> ReviewAssignment:
    """Declare whether the reviewer has a conflict of interest (once, before scoring)."""
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment_id)
        if assignment.has_conflict is not None:
            raise _refuse(_("You have already made your declaration."), "declared")
        if assignment.application.status != S.EVALUATION:
            raise _refuse(_("This application is no longer in evaluation."), "wrong_state")
        assignment.has_conflict = has_conflict
        assignment.conflict_explanation = explanation
        assignment.conflict_declared_at = timezone.now()
        assignment.save(
            update_fields=["has_conflict", "conflict_explanation", "conflict_declared_at"]
        )
    return assignment


def scores_submit(
    *, actor: User, assignment_id: int, scores: Mapping[int, int], comment: str = ""
) -> ReviewAssignment:
    """Score every criterion of the call (0–10) once the reviewer declared no conflict."""
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment_id)
        if assignment.has_conflict is None:
            raise _refuse(_("Declare first whether you have a conflict of interest."), "undeclared")
        if assignment.has_conflict:
            raise _refuse(
                _("You declared a conflict of interest: you cannot score this application."),
                "conflict",
            )
        if assignment.submitted_at:
            raise _refuse(_("You have already submitted your scores."), "submitted")
        application = _lock(assignment.application_id)
        if application.status != S.EVALUATION:
            raise _refuse(_("This application is no longer in evaluation."), "wrong_state")
        criteria = list(Criterion.objects.filter(call_id=application.call_id))
        if {c.pk for c in criteria} != set(scores) or any(
            not 0 <= int(v) <= 10 for v in scores.values()
        ):
            raise _refuse(_("Give every criterion a score from 0 to 10."), "bad_scores")
        Score.objects.bulk_create(
            Score(assignment=assignment, criterion=c, value=int(scores[c.pk])) for c in criteria
        )
        assignment.comment = comment
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["comment", "submitted_at"])
    return assignment


def _places_left(application: StayApplication) -> int:
    # Lock the host's row of the call: two approvals for the last place are serialised.
    call_host = CallHost.objects.select_for_update().get(
        call_id=application.call_id, institution_id=application.host_id or 0
    )
    taken = (
        StayApplication.objects.filter(
            call_id=application.call_id, host_id=application.host_id, status__in=HOLDS_PLACE
        )
        .exclude(pk=application.pk)
        .count()
    )
    return call_host.places - taken


def application_sign(*, actor: User, application_id: int) -> StayApplication:
    """Sign the approval for the official's city; the second city's signature approves."""
    _require_decider(actor)
    party_id = actor.party_id
    if party_id is None:
        raise _refuse(_("Only an official of one of the two cities can sign."), "no_city")
    with transaction.atomic():
        application = _lock(application_id)
        if application.status not in (S.EVALUATION, S.WAITLISTED):
            raise _refuse(
                _("This action is not possible while the application is “%(status)s”.")
                % {"status": application.get_status_display()},
                "wrong_state",
            )
        if not application.review_assignments.filter(submitted_at__isnull=False).exists():
            raise _refuse(_("At least one reviewer must have scored it first."), "unreviewed")
        signed = {s.party_id: s for s in application.signatures.all()}
        if any(s.official_id == actor.pk for s in signed.values()):
            raise _refuse(_("You have already signed this application."), "signed_twice")
        if party_id in signed:
            raise _refuse(_("Your city has already signed this application."), "city_signed")
        if _places_left(application) < 1:
            raise _refuse(
                _(
                    "The host has no place left in this call: "
                    "put the application on the waiting list."
                ),
                "no_place",
            )
        Signature.objects.create(application=application, party_id=party_id, official=actor)
        signed_parties = {*signed, party_id}
        all_parties = set(Party.objects.values_list("pk", flat=True))
        if signed_parties >= all_parties:
            application_transition(
                application=application, actor=actor, as_actor=Actor.OFFICIAL, to_status=S.APPROVED
            )
        else:
            # One signature alone leaves the decision pending: a timeline row, no new status.
            _event(
                application,
                actor=actor,
                from_status=application.status,
                note=str(_("Approval signed for one city; awaiting the other city's signature.")),
            )
            notify(
                recipients=[o for o in _officials() if o.party_id not in signed_parties],
                template="exchanges/email/signature_needed",
                objects={"application": application},
            )
    return application


def _official_move(
    *, actor: User, application_id: int, to_status: str, note: str = ""
) -> tuple[StayApplication, bool]:
    _require_decider(actor)
    with transaction.atomic():
        application = _lock(application_id)
        held_place = application.status in HOLDS_PLACE
        application_transition(
            application=application,
            actor=actor,
            as_actor=Actor.OFFICIAL,
            to_status=to_status,
            note=note,
        )
        if held_place and to_status not in HOLDS_PLACE:
            _give_place_to_waitlist(application)
    return application, held_place


def application_waitlist(*, actor: User, application_id: int, note: str = "") -> StayApplication:
    return _official_move(
        actor=actor, application_id=application_id, to_status=S.WAITLISTED, note=note
    )[0]


def application_reject(*, actor: User, application_id: int, note: str = "") -> StayApplication:
    return _official_move(
        actor=actor, application_id=application_id, to_status=S.REJECTED, note=note
    )[0]


def application_cancel(*, actor: User, application_id: int, note: str = "") -> StayApplication:
    return _official_move(
        actor=actor, application_id=application_id, to_status=S.CANCELLED, note=note
    )[0]


def final_report_accept(*, actor: User, application_id: int) -> StayApplication:
    """An official accepts the final report, which completes the stay."""
    _require_decider(actor)
    with transaction.atomic():
        application = _lock(application_id)
        stay = Stay.objects.select_for_update().filter(application=application).first()
        if stay is None or not stay.report_submitted_at:
            raise _refuse(_("The final report has not been handed in yet."), "no_report")
        application_transition(
            application=application, actor=actor, as_actor=Actor.OFFICIAL, to_status=S.COMPLETED
        )
        stay.report_accepted_by = actor
        stay.report_accepted_at = timezone.now()
        stay.save(update_fields=["report_accepted_by", "report_accepted_at"])
    return application


def _give_place_to_waitlist(freed: StayApplication) -> StayApplication | None:
    """Give a freed place to the first of the host's waiting list, in ranking order."""
    if _places_left(freed) < 1:
        return None
    ranked = (
        StayApplication.objects.filter(
            call_id=freed.call_id, host_id=freed.host_id, status=S.WAITLISTED
        )
        .ranked()
        .values_list("pk", flat=True)
    )
    for candidate_id in ranked:
        candidate = _lock(candidate_id)
        if candidate.status == S.WAITLISTED:
            application_transition(
                application=candidate,
                actor=None,
                as_actor=Actor.SYSTEM,
                to_status=S.APPROVED,
                note=str(_("A place became free: first on the waiting list.")),
            )
            return candidate
    return None


# --- Personal data -----------------------------------------------------------------------------


def erasure_request(*, actor: User) -> None:
    """Block the account at once, withdraw open applications, then anonymise (after commit)."""
    from exchanges.tasks import anonymise_researcher

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        profile = ResearcherProfile.objects.select_for_update().filter(user=user).first()
        if profile is not None:
            profile.erasure_requested_at = timezone.now()
            profile.save(update_fields=["erasure_requested_at"])
        for application in StayApplication.objects.filter(
            researcher=user, status__in=BEFORE_DECISION
        ):
            application_withdraw(
                actor=user, application_id=application.pk, note=str(_("Erasure requested."))
            )
        user.is_active = False
        user.save(update_fields=["is_active"])
        transaction.on_commit(lambda: anonymise_researcher.delay(user_id=user.pk))


def researcher_anonymise(*, user_id: int) -> bool:
    """Remove what identifies the person; keep statuses, dates, scores and the
    aggregate fields (home institution, career stage, gender) so that counts stay right."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user.is_active:
            return False  # not blocked: no erasure was asked for
        user.email = f"erased-{user.pk}@invalid.example"
        user.first_name = ""
        user.last_name = ""
        user.set_unusable_password()
        user.save(update_fields=["email", "first_name", "last_name", "password"])
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user=user).delete()
        ResearcherProfile.objects.filter(user=user).update(
            orcid="", accessibility_needs="", anonymised_at=timezone.now()
        )
        applications = StayApplication.objects.filter(researcher=user)
        applications.update(title="", work_plan="", impact_statement="")
        Stay.objects.filter(application__researcher=user).update(final_report_text="", insurance="")
        _purge_documents(applications)
    return True


def _purge_documents(applications: Any) -> int:
    attachments = list(Attachment.objects.filter(application__in=applications))
    files = [a.file for a in attachments]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])
    return len(attachments)


def purge_closed_documents(*, now: datetime.datetime | None = None) -> int:
    """Delete the documents of applications closed longer than the retention period."""
    from exchanges.workflow import CLOSED

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.STAY_DOCUMENT_RETENTION_DAYS)
    purged = 0
    candidates = StayApplication.objects.filter(
        status__in=CLOSED, documents_purged_at__isnull=True
    ).exclude(events__at__gt=cutoff)
    for application_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            # Claim the row with a conditional UPDATE: a second run at once purges nothing.
            claimed = StayApplication.objects.filter(
                pk=application_id, documents_purged_at__isnull=True
            ).update(documents_purged_at=now)
            if claimed:
                purged += _purge_documents(StayApplication.objects.filter(pk=application_id))
    return purged


def calls_announce_opened(*, now: datetime.datetime | None = None) -> list[int]:
    """Tell partner systems of each call that has opened since the last run, exactly once.

    The conditional UPDATE claims each call, so two beat ticks or workers never announce twice.
    """
    now = now or timezone.now()
    announced = []
    for call in Call.objects.filter(opens_at__lte=now, opening_announced_at__isnull=True):
        with transaction.atomic():
            claimed = Call.objects.filter(pk=call.pk, opening_announced_at__isnull=True).update(
                opening_announced_at=now
            )
            if not claimed:
                continue
            emit(
                "call.opened",
                {
                    "call": call.pk,
                    "title": {
                        lang: getattr(call, f"title_{lang}") or "" for lang in ("es", "ca", "en")
                    },
                    "direction": call.direction,
                    "opens_at": call.opens_at,
                    "closes_at": call.closes_at,
                },
            )
            announced.append(call.pk)
    return announced
