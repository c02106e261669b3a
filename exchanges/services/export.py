"""Right of access and portability: everything the portal keeps about a person, readable.

``personal_data_export`` returns the person's data as sections of labelled values in the
person's language (statuses as words, not codes; documents with their download links). The
JSON download and the HTML page both render it. ``EXPORTED`` names, per model, the fields the
export gives; ``NOT_EXPORTED`` says why a field or a relation to the person is left out. A
test walks every relation of every model to the person and to their applications and fails
on one that neither lists, so that a new field cannot be forgotten.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from cooperation.models import User
from exchanges.models import (
    ApplicationEvent,
    Attachment,
    ConsentRecord,
    HostDecision,
    ResearcherProfile,
    Signature,
    Stay,
    StayApplication,
    status_label,
)
from knowledge.models import Registration

# model label -> the fields the export gives, in this order.
EXPORTED: dict[str, tuple[str, ...]] = {
    "cooperation.User": (
        "email",
        "first_name",
        "last_name",
        "language",
        "date_joined",
        "last_login",
        "institution",
        "party",
    ),
    "account.EmailAddress": ("email", "verified", "primary"),
    # Staff who sign in through their city's identity provider (single sign-on).
    "socialaccount.SocialAccount": ("provider", "uid", "date_joined", "last_login", "extra_data"),
    "exchanges.ResearcherProfile": (
        "home_institution",
        "career_stage",
        "orcid",
        "gender",
        "accessibility_needs",
        "sensitive_consent_at",
        "sensitive_consent_version",
        "erasure_requested_at",
        "anonymised_at",
    ),
    "exchanges.ConsentRecord": ("purpose", "text_version", "given_at", "application"),
    "exchanges.StayApplication": (
        "id",
        "call",
        "status",
        "host",
        "start_date",
        "end_date",
        "title",
        "work_plan",
        "impact_statement",
        "joint_project",
        "created_at",
        "submitted_at",
        "documents_purged_at",
    ),
    "exchanges.Attachment": ("kind", "original_name", "size", "uploaded_at", "file"),
    "exchanges.HostDecision": (
        "accepted",
        "decided_at",
        "supervisor_name",
        "supervisor_email",
        "confirmed_start",
        "confirmed_end",
        "reason",
    ),
    "exchanges.Signature": ("party", "signed_at"),
    "exchanges.Stay": (
        "arrived_on",
        "departed_on",
        "insurance",
        "visa_status",
        "final_report_text",
        "report_submitted_at",
        "report_accepted_at",
    ),
    "exchanges.ApplicationEvent": ("at", "from_status", "to_status", "note_key", "note"),
    "knowledge.Registration": (
        "event",
        "language",
        "status",
        "position",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "reminded_at",
    ),
}

# "model.field" (a field of an exported model, or a relation to the person) -> why not given.
NOT_EXPORTED: dict[str, str] = {
    "cooperation.User.id": "internal key",
    "cooperation.User.password": "a one-way hash, never disclosed",
    "cooperation.User.is_superuser": "staff flag; not a datum about a researcher",
    "cooperation.User.is_staff": "staff flag",
    "cooperation.User.is_active": "the account's state, shown by its being usable",
    "cooperation.User.username": "unused: people sign in with their e-mail",
    "cooperation.User.is_partner_account": "partner systems' accounts only",
    "cooperation.User.groups": "the role, internal",
    "cooperation.User.user_permissions": "internal",
    "account.EmailAddress.id": "internal key",
    "account.EmailAddress.user": "the person",
    "socialaccount.SocialAccount.id": "internal key",
    "socialaccount.SocialAccount.user": "the person",
    "exchanges.ResearcherProfile.id": "internal key",
    "exchanges.ResearcherProfile.user": "the person",
    "exchanges.ConsentRecord.id": "internal key",
    "exchanges.ConsentRecord.user": "the person",
    "exchanges.StayApplication.researcher": "the person",
    "exchanges.Attachment.id": "internal key",
    "exchanges.Attachment.application": "the application it is listed under",
    "exchanges.HostDecision.id": "internal key",
    "exchanges.HostDecision.application": "the application it is listed under",
    "exchanges.HostDecision.decided_by": "the host coordinator's identity is theirs",
    "exchanges.Signature.id": "internal key",
    "exchanges.Signature.application": "the application it is listed under",
    "exchanges.Signature.official": "the official's identity is theirs; the city is given",
    "exchanges.Stay.id": "internal key",
    "exchanges.Stay.application": "the application it is listed under",
    "exchanges.Stay.report_accepted_by": "the official's identity is theirs",
    "exchanges.ApplicationEvent.id": "internal key",
    "exchanges.ApplicationEvent.application": "the application it is listed under",
    "exchanges.ApplicationEvent.actor": "who acted is the actor's datum; the step is given",
    "exchanges.ApplicationEvent.note_params": "rendered into the message",
    "exchanges.ApplicationEvent.note_language": "the note is given as written",
    # Relations to the person from models the export does not give, and why.
    "exchanges.ReviewAssignment.application": (
        "reviewers' assessments and conflict declarations are the reviewers' work; the "
        "outcome reaches the person as the application's status and timeline"
    ),
    "exchanges.ReviewAssignment.reviewer": "the person as a reviewer, not as a researcher",
    "exchanges.ReviewAssignment.assigned_by": "an official's act",
    "exchanges.CallChange.actor": "an official's act on a call",
    "projects.ProjectEvent.actor": "a coordinator's or official's act on a project",
    "projects.ProjectImport.requested_by": "officials only",
    "knowledge.Practice.created_by": (
        "a coordinator's work for their institution, published under the institution's name"
    ),
    "knowledge.PracticeEvent.actor": "a coordinator's or official's act on a practice",
    "knowledge.Transfer.created_by": "a coordinator's or official's act for an institution",
    "knowledge.TransferEvent.actor": "a coordinator's or official's act on a transfer",
    "knowledge.Registration.id": "internal key",
    "knowledge.Registration.person": "the person",
    "knowledge.Registration.updated_at": "the last of the dates given",
    "knowledge.Event.created_by": "a coordinator's or official's act for an institution",
    "knowledge.Event.organisers": "the person as an organiser of the programme's events",
    "reports.ReportRun.requested_by": "officials only",
    "reports.Dashboard.requested_by": "officials only",
    "reports.ReportSchedule.owner": "officials only",
    "reports.PeriodStay.researcher": "the officials' list of stays; each stay is given above",
    "reports.PeriodApplication.researcher": (
        "the officials' list of applicants of a period; each application is given above"
    ),
    "exchanges.WaitingApplication.researcher": (
        "the officials' list of applications waiting for the host; each application is given"
    ),
    "exchanges.HostReminder.application": (
        "a reminder to the host's coordinators, not a datum about the person; the host's "
        "answer reaches the person as the application's status and timeline"
    ),
    "opendata.Release.requested_by": "officials only",
    "outbox.OutgoingEmail.recipient": (
        "copies of the e-mails already delivered to the person, deleted after EMAIL_RETENTION_DAYS"
    ),
    "admin.LogEntry.user": "administrators' actions",
    "mfa.Authenticator.user": "second factor of staff; secrets are never disclosed",
    "api.PartnerProfile.account": "partner systems' accounts only",
    "oauth2_provider.Application.user": "partner systems only",
    "oauth2_provider.Grant.user": "partner systems only",
    "oauth2_provider.AccessToken.user": "partner systems only",
    "oauth2_provider.RefreshToken.user": "partner systems only",
    "oauth2_provider.IDToken.user": "partner systems only",
    "oauth2_provider.DeviceGrant.user": "partner systems only",
    "history": (
        "django-simple-history's history_user: the person as an editor of projects and practices"
    ),
}


def _label(model: type[models.Model], name: str) -> str:
    if name == "id":
        return _("Number")
    if (model._meta.label, name) == ("exchanges.Signature", "party"):
        return _("City")  # the model's field has no label of its own
    return str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize()


def _value(obj: models.Model, name: str) -> Any:
    if name == "id":
        return obj.pk
    field = obj._meta.get_field(name)
    # The stays' statuses as the researcher reads them (other records: their choices' labels).
    if name in ("status", "from_status", "to_status") and obj._meta.app_label == "exchanges":
        value = getattr(obj, name)
        return status_label(value, "researcher") if value else ""
    if name == "note_key":
        return getattr(obj, "message", "")
    if isinstance(field, models.FileField):
        return None  # documents carry their download link instead
    if getattr(field, "choices", None):
        return getattr(obj, f"get_{name}_display")()
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        related = getattr(obj, name)
        return str(related) if related is not None else None
    value = getattr(obj, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    names = EXPORTED[obj._meta.label]
    return {
        _label(type(obj), name): _value(obj, name)
        for name in names
        if not isinstance(obj._meta.get_field(name), models.FileField)
    }


def personal_data_export(*, user: User, site_url: str = "") -> dict[str, Any]:
    """Return every personal datum about ``user``, labelled in their language."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    user = User.objects.select_related("institution", "party").get(pk=user.pk)
    with translation.override(user.language or None):
        profile = ResearcherProfile.objects.filter(user=user).select_related("home_institution")
        applications = (
            StayApplication.objects.filter(researcher=user)
            .select_related("call", "host", "joint_project", "host_decision", "stay")
            .prefetch_related("attachments", "signatures__party", "events")
            .order_by("created_at")
        )
        result: dict[str, Any] = {
            _("Account"): _row(user),
            _("E-mail addresses"): [_row(e) for e in EmailAddress.objects.filter(user=user)],
            _("Single sign-on accounts"): [
                _row(a) for a in SocialAccount.objects.filter(user=user).order_by("pk")
            ],
            _("Researcher profile"): [_row(p) for p in profile],
            _("Consents"): [_row(c) for c in ConsentRecord.objects.filter(user=user)],
            _("Applications"): [],
            _("Event registrations"): [
                _row(r)
                for r in Registration.objects.filter(person=user)
                .select_related("event")
                .order_by("created_at", "pk")
            ],
        }
        for application in applications:
            entry = _row(application)
            entry[_("Documents")] = [
                {
                    **_row(a),
                    _("Download"): site_url + reverse("exchanges:attachment_download", args=[a.pk]),
                }
                for a in application.attachments.all()
            ]
            decision = _one(application, "host_decision", HostDecision)
            entry[_("Host's decision")] = _row(decision) if decision else None
            entry[_("Approval signed by")] = [_row(s) for s in application.signatures.all()]
            stay = _one(application, "stay", Stay)
            entry[_("The stay")] = _row(stay) if stay else None
            entry[_("Timeline")] = [_row(e) for e in application.events.all()]
            result[_("Applications")].append(entry)
    return result


def _one(application: StayApplication, name: str, model: type[models.Model]) -> Any:
    try:
        return getattr(application, name)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        return None


# Every model the export reads, so the completeness test can check their fields.
EXPORTED_MODELS = (
    User,
    ResearcherProfile,
    ConsentRecord,
    StayApplication,
    Attachment,
    HostDecision,
    Signature,
    Stay,
    ApplicationEvent,
    Registration,
)
