"""Pages of the stays workflow: calls, applying, the host's and reviewers' pages, decisions.

Views read through querysets that carry their joins and call one service for each write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cooperation.access import sign_in_required
from cooperation.models import Party
from cooperation.roles import Role
from cooperation.spreadsheets import csv_writer
from exchanges import forms, permissions, services
from exchanges.models import (
    ApplicationEvent,
    Attachment,
    Call,
    ConsentRecord,
    DocumentKind,
    ResearcherProfile,
    ReviewAssignment,
    StayApplication,
)
from exchanges.services import rules
from exchanges.validators import clean_file_name, validate_pdf

S = StayApplication.Status
STEPS = [
    ("host", _("Host")),
    ("dates", _("Dates")),
    ("project", _("Project")),
    ("documents", _("Documents")),
    ("submit", _("Consent and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in _messages_of(error):
        messages.error(request, message)


def officials_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Officials decide only after a second factor, as in the admin."""

    @sign_in_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_decider(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- Calls ---------------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    """Open and upcoming calls."""
    # Three queries: calls, their areas, their hosts (with institution and city).
    calls = list(Call.objects.public())
    return render(request, "exchanges/call_list.html", {"calls": calls, "now": timezone.now()})


def _deadlines(call: Call) -> list[tuple[str, Any, str]]:
    """The closing instant in each city's local time (the template converts with |timezone)."""
    return [
        (party.name, timezone.localtime(call.closes_at, ZoneInfo(party.time_zone)), party.time_zone)
        for party in Party.objects.all()
    ]


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call: Call = get_object_or_404(
        Call.objects.with_hosts().prefetch_related("criteria"),
        pk=pk,
    )
    mine = None
    if request.user.is_authenticated:
        mine = StayApplication.objects.filter(call=call, researcher_id=request.user.pk).first()
    context = {
        "call": call,
        "deadlines": _deadlines(call),
        "documents": [DocumentKind(kind).label for kind in call.required_documents],
        "mine": mine,
        "is_decider": permissions.is_decider(request.user),
    }
    return render(request, "exchanges/call_detail.html", context)


# --- Researchers -------------------------------------------------------------------------------


@sign_in_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = ResearcherProfile.objects.filter(user_id=request.user.pk or 0).first()
    form = forms.ProfileForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "sensitive_consent"}
        try:
            services.profile_save(
                actor=request.user,  # type: ignore[arg-type]
                data=data,
                sensitive_consent=form.cleaned_data["sensitive_consent"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            next_url = request.GET.get("next", "")
            if next_url.startswith("/") and not next_url.startswith("//"):
                return redirect(next_url)
            return redirect("exchanges:my_applications")
    return render(request, "exchanges/profile.html", {"form": form})


@sign_in_required
@require_POST
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    if not request.user.has_role(Role.RESEARCHER):  # type: ignore[union-attr]
        raise PermissionDenied
    existing = StayApplication.objects.filter(call=call, researcher_id=request.user.pk).first()
    try:
        application = services.application_start(actor=request.user, call=call)  # type: ignore[arg-type]
    except ValidationError as error:
        _refused(request, error)
        if existing:
            return redirect("exchanges:application_detail", existing.pk)
        return redirect("exchanges:call_detail", call.pk)
    if not ResearcherProfile.objects.filter(user_id=request.user.pk or 0).exists():
        step_url = reverse("exchanges:application_step", args=[application.pk, "host"])
        return redirect(f"{reverse('exchanges:profile')}?{urlencode({'next': step_url})}")
    return redirect("exchanges:application_step", application.pk, "host")


def _own(request: HttpRequest, pk: int) -> StayApplication:
    application = get_object_or_404(StayApplication.objects.select_related("call", "host"), pk=pk)
    if application.researcher_id != request.user.pk:
        raise Http404
    return application


@sign_in_required
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the multi-step form; every step saves the draft."""
    if step not in STEP_NAMES:
        raise Http404
    application = _own(request, pk)
    if application.status != S.DRAFT:
        messages.info(request, _("This application has been submitted and can no longer change."))
        return redirect("exchanges:application_detail", application.pk)
    call = application.call
    post = request.POST if request.method == "POST" else None
    form: Any
    if step == "host":
        form = forms.HostStepForm(post, call=call, initial={"host": application.host_id})
    elif step == "dates":
        form = forms.DatesStepForm(
            post,
            call=call,
            initial={"start_date": application.start_date, "end_date": application.end_date},
        )
    elif step == "project":
        form = forms.ProjectStepForm(post, instance=application)
    elif step == "documents":
        form = forms.DocumentsStepForm(post, request.FILES or None, kinds=call.required_documents)
    else:
        form = forms.SubmitStepForm(post)
    if post is not None and form.is_valid():
        try:
            _save_step(request, application, step, form)
        except ValidationError as error:
            form.add_error(None, _messages_of(error))
        else:
            if step == "submit":
                messages.success(request, _("Your application has been submitted."))
                return redirect("exchanges:application_detail", application.pk)
            messages.success(request, _("Draft saved."))
            if "save" in request.POST:
                return redirect("exchanges:application_step", application.pk, step)
            following = STEP_NAMES[STEP_NAMES.index(step) + 1]
            return redirect("exchanges:application_step", application.pk, following)
    context = {
        "application": application,
        "call": call,
        "form": form,
        "step": step,
        "steps": STEPS,
        "step_number": STEP_NAMES.index(step) + 1,
        "attachments": list(application.attachments.all()),
        "problems": services.submission_problems(application) if step == "submit" else [],
    }
    return render(request, "exchanges/application_step.html", context)


def _save_step(request: HttpRequest, application: StayApplication, step: str, form: Any) -> None:
    actor = request.user
    if step == "documents":
        # Every file is checked before any is stored: one bad file saves nothing.
        uploads = {kind: form.cleaned_data.get(kind) for kind in form.fields}
        errors = False
        for kind, upload in uploads.items():
            if upload is None:
                continue
            try:
                clean_file_name(upload.name or "")
                validate_pdf(upload, upload.size or 0)
            except ValidationError as error:
                form.add_error(kind, error)
                errors = True
        if errors:
            raise ValidationError(_("No file was saved: correct the marked files."))
        for kind, upload in uploads.items():
            if upload is not None:
                services.attachment_add(
                    actor=actor,  # type: ignore[arg-type]
                    application_id=application.pk,
                    kind=kind,
                    upload=upload,
                )
    elif step == "submit":
        services.application_submit(
            actor=actor,  # type: ignore[arg-type]
            application_id=application.pk,
            consent=form.cleaned_data["consent"],
        )
    else:
        services.application_save_draft(
            actor=actor,  # type: ignore[arg-type]
            application_id=application.pk,
            data=form.cleaned_data,
        )


@sign_in_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """The researcher's applications with their status and timeline."""
    # Two queries: the applications (with call and host), their events.
    applications = list(
        StayApplication.objects.filter(researcher_id=request.user.pk)
        .select_related("call", "host")
        .prefetch_related(Prefetch("events", queryset=ApplicationEvent.objects.order_by("at")))
    )
    return render(request, "exchanges/my_applications.html", {"applications": applications})


@sign_in_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        StayApplication.objects.select_related(
            "call",
            "host",
            "researcher",
            "researcher__researcher_profile",
            "host_decision",
            "joint_project",
        ).prefetch_related(
            "events__actor", "attachments", "signatures__party", "review_assignments"
        ),
        pk=pk,
    )
    if not permissions.can_view_application(request.user, application):
        raise Http404
    is_researcher = permissions.is_researcher_of(request.user, application)
    stay = (
        getattr(application, "stay", None)
        if application.status
        in (
            S.AWARDED,
            S.IN_PROGRESS,
            S.COMPLETED,
        )
        else None
    )
    context = {
        "application": application,
        "not_yet": _not_yet(application, stay),
        "report_open": stay is not None and not rules.report_problems(application, stay),
        "is_researcher": is_researcher,
        "is_host": permissions.is_host_of(request.user, application),
        "can_withdraw": is_researcher
        and application.status
        in {S.DRAFT, S.SUBMITTED, S.HOST_REVIEW, S.HOST_ACCEPTED, S.EVALUATION, S.WAITLISTED},
        "withdraw_form": forms.WithdrawForm(),
        "stay": stay,
        "stay_form": forms.StayForm(instance=stay, prefix="stay") if stay else None,
        "report_form": forms.FinalReportForm(prefix="report"),
        "steps": STEPS,
    }
    return render(request, "exchanges/application_detail.html", context)


def _not_yet(application: StayApplication, stay: Any) -> list[str]:
    """Say to the researcher and the host why the stay's next step is not possible yet."""
    if application.status == S.AWARDED:
        return rules.start_problems(application, stay)
    if application.status == S.IN_PROGRESS:
        if stay is not None and stay.report_submitted_at:
            return [str(_("The final report awaits an official's acceptance."))]
        return rules.report_problems(application, stay)
    return []


@sign_in_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The researcher's buttons: withdraw, confirm or decline the award, stay, report."""
    actor: Any = request.user
    try:
        if action == "withdraw":
            form = forms.WithdrawForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.application_withdraw(actor=actor, application_id=pk, note=note)
            messages.success(request, _("The application has been withdrawn."))
        elif action == "confirm":
            services.award_confirm(actor=actor, application_id=pk)
            messages.success(request, _("You have confirmed the stay."))
        elif action == "stay":
            stay_form = forms.StayForm(request.POST, prefix="stay")
            if not stay_form.is_valid():
                raise ValidationError(
                    [str(e) for errors in stay_form.errors.values() for e in errors]
                )
            services.stay_update(actor=actor, application_id=pk, data=stay_form.cleaned_data)
            messages.success(request, _("The stay has been updated."))
        elif action == "report":
            report_form = forms.FinalReportForm(request.POST, request.FILES, prefix="report")
            if not report_form.is_valid():
                raise ValidationError(
                    [str(e) for errors in report_form.errors.values() for e in errors]
                )
            services.final_report_submit(
                actor=actor,
                application_id=pk,
                text=report_form.cleaned_data["text"],
                upload=report_form.cleaned_data["file"],
            )
            messages.success(request, _("Your final report has been handed in."))
        else:
            raise Http404
    except ValidationError as error:
        _refused(request, error)
    return redirect("exchanges:application_detail", pk)


@sign_in_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a private document to the people allowed to see its application, and only them."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("application").prefetch_related(
            "application__review_assignments"
        ),
        pk=pk,
    )
    if not permissions.can_download(request.user, attachment):
        # 404 and not 403: do not reveal that the document exists.
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@sign_in_required
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything the portal keeps about the researcher, as JSON."""
    user: Any = request.user
    profile = ResearcherProfile.objects.filter(user=user).select_related("home_institution").first()
    applications = (
        StayApplication.objects.filter(researcher=user)
        .select_related("call", "host", "host_decision")
        .prefetch_related("events", "attachments", "signatures", "consents")
    )
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": user.date_joined,
        },
        "profile": profile
        and {
            "home_institution": str(profile.home_institution),
            "career_stage": profile.career_stage,
            "orcid": profile.orcid,
            "gender": profile.gender,
            "accessibility_needs": profile.accessibility_needs,
            "sensitive_consent_at": profile.sensitive_consent_at,
            "sensitive_consent_version": profile.sensitive_consent_version,
        },
        "consents": list(
            ConsentRecord.objects.filter(user=user).values(
                "purpose", "text_version", "given_at", "application_id"
            )
        ),
        "applications": [
            {
                "id": a.pk,
                "call": a.call.title,
                "status": a.status,
                "host": str(a.host) if a.host else None,
                "start_date": a.start_date,
                "end_date": a.end_date,
                "title": a.title,
                "work_plan": a.work_plan,
                "impact_statement": a.impact_statement,
                "submitted_at": a.submitted_at,
                "documents": [
                    {"kind": d.kind, "name": d.original_name, "size": d.size}
                    for d in a.attachments.all()
                ],
                "timeline": [
                    {"at": e.at, "from": e.from_status, "to": e.to_status, "note": e.note}
                    for e in a.events.all()
                ],
            }
            for a in applications
        ],
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-stay-data.json"'
    return response


@sign_in_required
def erasure(request: HttpRequest) -> HttpResponse:
    """Ask for erasure: the account is blocked at once, then anonymised."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.erasure_request(actor=request.user)  # type: ignore[arg-type]
        from django.contrib.auth import logout

        logout(request)
        messages.success(
            request, _("Your account is blocked and your personal data are being erased.")
        )
        return redirect("home")
    return render(request, "exchanges/erasure.html")


# --- Hosts -------------------------------------------------------------------------------------


@sign_in_required
def host_list(request: HttpRequest) -> HttpResponse:
    """Applications addressed to the coordinator's institution."""
    user: Any = request.user
    if not user.has_role(Role.COORDINATOR) or not user.institution_id:
        raise PermissionDenied
    # One query: applications with call, researcher and profile joined.
    applications = list(
        StayApplication.objects.filter(host_id=user.institution_id)
        .exclude(status=S.DRAFT)
        .for_lists()
        .order_by("-submitted_at")
    )
    return render(request, "exchanges/host_list.html", {"applications": applications})


@sign_in_required
def host_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        StayApplication.objects.for_lists()
        .select_related("joint_project")
        .prefetch_related("attachments"),
        pk=pk,
    )
    if not permissions.is_host_of(request.user, application):
        raise Http404
    accept = forms.HostAcceptForm(
        request.POST if request.POST.get("decision") == "accept" else None,
        prefix="accept",
        initial={"confirmed_start": application.start_date, "confirmed_end": application.end_date},
    )
    decline = forms.HostDeclineForm(
        request.POST if request.POST.get("decision") == "decline" else None, prefix="decline"
    )
    actor: Any = request.user
    if request.method == "POST":
        try:
            if accept.is_bound and accept.is_valid():
                services.host_accept(actor=actor, application_id=pk, **accept.cleaned_data)
                messages.success(request, _("You have accepted the application."))
                return redirect("exchanges:host_list")
            if decline.is_bound and decline.is_valid():
                services.host_decline(actor=actor, application_id=pk, **decline.cleaned_data)
                messages.success(request, _("You have declined the application."))
                return redirect("exchanges:host_list")
        except ValidationError as error:
            (accept if accept.is_bound else decline).add_error(None, error)
    context = {"application": application, "accept": accept, "decline": decline}
    return render(request, "exchanges/host_decide.html", context)


# --- Reviewers ---------------------------------------------------------------------------------


@sign_in_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.REVIEWER):  # type: ignore[union-attr]
        raise PermissionDenied
    # One query: assignments with their application, call and host.
    assignments = list(
        ReviewAssignment.objects.filter(reviewer_id=request.user.pk).select_related(
            "application__call", "application__host"
        )
    )
    return render(request, "exchanges/review_list.html", {"assignments": assignments})


@sign_in_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related(
            "application__call",
            "application__researcher",
            "application__host",
            "application__host_decision",
            "application__joint_project",
        ).prefetch_related("application__attachments", "scores__criterion"),
        pk=pk,
    )
    if not permissions.is_reviewer_of(request.user, assignment):
        raise Http404
    application = assignment.application
    criteria = list(application.call.criteria.all())
    actor: Any = request.user
    disclosure = services.conflict_disclosure(application)
    conflict_form = forms.ConflictForm(
        request.POST if "declare" in request.POST else None,
        initial={"shown": services.conflict_disclosure_token(assignment)},
    )
    score_form = forms.ScoreForm(
        request.POST if "score" in request.POST else None, criteria=criteria
    )
    if request.method == "POST":
        try:
            if conflict_form.is_bound and conflict_form.is_valid():
                services.conflict_declare(
                    actor=actor,
                    assignment_id=pk,
                    has_conflict=conflict_form.cleaned_data["has_conflict"],
                    explanation=conflict_form.cleaned_data["explanation"],
                    shown=conflict_form.cleaned_data["shown"],
                )
                messages.success(request, _("Your declaration has been recorded."))
                return redirect("exchanges:review_detail", pk)
            if score_form.is_bound and score_form.is_valid():
                services.scores_submit(
                    actor=actor,
                    assignment_id=pk,
                    scores=score_form.scores(),
                    comment=score_form.cleaned_data["comment"],
                )
                messages.success(request, _("Your scores have been submitted."))
                return redirect("exchanges:review_list")
        except ValidationError as error:
            (conflict_form if conflict_form.is_bound else score_form).add_error(None, error)
    context = {
        "assignment": assignment,
        "application": application,
        "conflict_form": conflict_form,
        "score_form": score_form,
        "show_application": assignment.has_conflict is False,
        "disclosure": disclosure,
    }
    return render(request, "exchanges/review_detail.html", context)


# --- Officials ---------------------------------------------------------------------------------


@officials_only
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's applications in evaluation and after, ranked, with the decision buttons."""
    call = get_object_or_404(Call, pk=pk)
    # Two queries: the ranked applications (scores aggregated in SQL), their signatures.
    applications = list(
        StayApplication.objects.filter(call=call)
        .exclude(status__in=[S.DRAFT, S.SUBMITTED, S.HOST_REVIEW])
        .for_lists()
        .select_related("stay")
        .prefetch_related("signatures__party")
        .ranked()
    )
    return render(
        request, "exchanges/call_ranking.html", {"call": call, "applications": applications}
    )


@officials_only
@require_POST
def official_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = get_object_or_404(StayApplication, pk=pk)
    actor: Any = request.user
    note = request.POST.get("note", "")
    actions: dict[str, Callable[[], Any]] = {
        "sign": lambda: services.application_sign(actor=actor, application_id=pk),
        "reject": lambda: services.application_reject(actor=actor, application_id=pk, note=note),
        "accept_report": lambda: services.final_report_accept(actor=actor, application_id=pk),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("exchanges:call_ranking", application.call_id)


def export_csv(queryset: Any) -> StreamingHttpResponse:
    """Stream the applications as CSV (used by the admin's export action)."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv_writer(Echo())  # formula-safe (cooperation.spreadsheets)
    header = [
        "id",
        "call",
        "status",
        "direction",
        "researcher",
        "home_institution",
        "host",
        "start_date",
        "end_date",
        "submitted_at",
        "weighted_score",
        "impact_score",
    ]

    def rows() -> Any:
        yield writer.writerow(header)
        for a in queryset.for_lists().with_scores().iterator(chunk_size=500):
            profile = getattr(a.researcher, "researcher_profile", None)
            yield writer.writerow(
                [
                    a.pk,
                    a.call.title,
                    a.status,
                    a.call.direction,
                    a.researcher.email,
                    profile.home_institution_id if profile else "",
                    a.host.code if a.host else "",
                    a.start_date or "",
                    a.end_date or "",
                    a.submitted_at.isoformat() if a.submitted_at else "",
                    a.weighted_score if a.weighted_score is not None else "",
                    a.impact_score if a.impact_score is not None else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stay-applications.csv"'
    return response
