"""What a researcher does: profile, draft, documents, submission, withdrawal, the stay."""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, User
from cooperation.notifications import notify
from exchanges.models import (
    Attachment,
    Call,
    CallHost,
    ConsentRecord,
    DocumentKind,
    ResearcherProfile,
    Stay,
    StayApplication,
)
from exchanges.services.common import (
    S,
    _event,
    _lock,
    _officials,
    _refuse,
    application_transition,
    date_problems,
)
from exchanges.services.officials import _give_place_to_waitlist
from exchanges.services.rules import report_problems, start_problems, stay_record_problems
from exchanges.validators import check_stay_document
from exchanges.workflow import BEFORE_DECISION, HOLDS_PLACE, Actor
from projects.models import JointProject

CONSENT_TEXT_VERSION = "2026-01"


class DraftChanges(TypedDict, total=False):
    """What one step of a draft changes (a step gives some of these, by name)."""

    host: Institution | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    title: str
    work_plan: str
    impact_statement: str
    joint_project: JointProject | None


class StayRecord(TypedDict, total=False):
    """What the researcher records of the stay; a value left out is recorded as empty."""

    arrived_on: datetime.date | None
    departed_on: datetime.date | None
    insurance: str
    visa_status: str


def sensitive_data_problems(
    *, gender: str, accessibility_needs: str, sensitive_consent: bool
) -> list[str]:
    """Return why the optional, sensitive data cannot be kept: only with explicit consent."""
    if (gender or accessibility_needs) and not sensitive_consent:
        return [
            str(
                _(
                    "To record your gender or accessibility needs, tick the box that gives your "
                    "consent; otherwise leave those fields empty."
                )
            )
        ]
    return []


def profile_save(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    home_institution: Institution | None,
    career_stage: str,
    orcid: str = "",
    gender: str = "",
    accessibility_needs: str = "",
    sensitive_consent: bool,
) -> ResearcherProfile:
    """Create or update the researcher's profile; optional data only with explicit consent."""
    problems = sensitive_data_problems(
        gender=gender, accessibility_needs=accessibility_needs, sensitive_consent=sensitive_consent
    )
    if problems:
        raise _refuse(problems[0], "consent_required")
    with transaction.atomic():
        names = {"first_name": (first_name or "").strip(), "last_name": (last_name or "").strip()}
        if names != {"first_name": actor.first_name, "last_name": actor.last_name}:
            actor.first_name, actor.last_name = names["first_name"], names["last_name"]
            actor.save(update_fields=["first_name", "last_name"])
        profile = ResearcherProfile.objects.select_for_update().filter(user=actor).first()
        profile = profile or ResearcherProfile(user=actor)
        profile.home_institution = home_institution  # type: ignore[assignment]  # full_clean below
        profile.career_stage = career_stage or ""
        profile.orcid = orcid or ""
        profile.gender = gender or ""
        profile.accessibility_needs = accessibility_needs or ""
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


def _lock_own(actor: User, application_id: int) -> StayApplication:
    """Lock the researcher's own application; anybody else's is refused."""
    application = _lock(application_id)
    if application.researcher_id != actor.pk:
        raise _refuse(_("This is not your application."), "not_yours")
    return application


def _own_draft(actor: User, application_id: int) -> StayApplication:
    application = _lock_own(actor, application_id)
    if application.status != S.DRAFT:
        raise _refuse(_("Only a draft can be changed."), "wrong_state")
    return application


def application_save_draft(
    *, actor: User, application_id: int, data: DraftChanges
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
            linkable = JointProject.objects.linkable_for(
                researcher=application.researcher, host_id=application.host_id
            )
            if not linkable.filter(pk=project.pk).exists():
                raise _refuse(
                    _(
                        "Choose a current joint project that is public or in which the host "
                        "takes part."
                    ),
                    "bad_project",
                )
        fields = [name for name in data if name in allowed_fields]
        for name in fields:
            setattr(application, name, data[name])  # type: ignore[literal-required]
        application.save(update_fields=fields)
    return application


def attachment_add(
    *, actor: User, application_id: int, kind: str, upload: UploadedFile
) -> Attachment:
    """Attach a PDF (checked from its content) to the draft, replacing one of the same kind."""
    if kind not in DocumentKind.values or kind == DocumentKind.FINAL_REPORT:
        raise _refuse(_("Unknown kind of document."), "bad_kind")
    name = check_stay_document(upload, upload.name or "", upload.size or 0)
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
            note_key="sent_to_host",
        )
    return application


def application_withdraw(
    *, actor: User, application_id: int, note: str = "", note_key: str = ""
) -> StayApplication:
    """Withdraw before the decision, or decline an approval or award (the place is freed)."""
    with transaction.atomic():
        application = _lock_own(actor, application_id)
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
            note_key=note_key,
        )
        if held_place:
            _give_place_to_waitlist(application)
    return application


def award_confirm(*, actor: User, application_id: int) -> StayApplication:
    """The researcher confirms an approved stay: it becomes an award and a stay record."""
    with transaction.atomic():
        application = _lock_own(actor, application_id)
        application_transition(
            application=application, actor=actor, as_actor=Actor.RESEARCHER, to_status=S.AWARDED
        )
        Stay.objects.get_or_create(application=application)
    return application


def stay_update(*, actor: User, application_id: int, data: StayRecord) -> Stay:
    """Record arrival, departure, insurance and visa; an arrival on or before today starts it.

    Dates follow time in the host city: no arrival in the future, a departure after the
    arrival; a refused visa blocks the start and is told to the officials.
    """
    with transaction.atomic():
        application = _lock_own(actor, application_id)
        if application.status not in (S.AWARDED, S.IN_PROGRESS):
            raise _refuse(_("The stay can be updated only once it is awarded."), "wrong_state")
        stay = Stay.objects.select_for_update().get(application=application)
        visa_before = stay.visa_status
        fields = ["arrived_on", "departed_on", "insurance", "visa_status"]
        for name in fields:
            setattr(stay, name, data.get(name) or (None if name.endswith("_on") else ""))
        problems = stay_record_problems(application, stay)
        if problems:
            raise ValidationError(problems, code="bad_dates")
        stay.save(update_fields=fields)
        if stay.visa_status == Stay.VisaStatus.REFUSED and visa_before != stay.visa_status:
            _event(
                application,
                actor=actor,
                from_status=application.status,
                note_key="visa_refused",
            )
            notify(
                recipients=_officials(),
                template="exchanges/email/visa_refused",
                objects={"application": application},
            )
        if application.status == S.AWARDED and not start_problems(application, stay):
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
        name = check_stay_document(upload, upload.name or "", upload.size or 0)
    if not text.strip():
        raise _refuse(_("Describe the results and the impact of the stay."), "required")
    with transaction.atomic():
        application = _lock_own(actor, application_id)
        stay = Stay.objects.select_for_update().filter(application=application).first()
        problems = report_problems(application, stay)
        if problems or stay is None:
            raise ValidationError(problems, code="not_yet")
        stay.final_report_text = text
        stay.report_submitted_at = timezone.now()
        stay.save(update_fields=["final_report_text", "report_submitted_at"])
        if upload is not None:
            _store(application, DocumentKind.FINAL_REPORT, name, upload)
        _event(
            application,
            actor=actor,
            from_status=application.status,
            note_key="report_handed_in",
        )
    return stay
