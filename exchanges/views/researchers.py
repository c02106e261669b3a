"""A researcher's pages: profile, the application's steps, the stay, their own data."""

from __future__ import annotations

import json
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cooperation.access import sign_in_required
from cooperation.roles import Role
from exchanges import forms, permissions, services
from exchanges.models import (
    ApplicationEvent,
    Call,
    ResearcherProfile,
    StayApplication,
)
from exchanges.services import rules
from exchanges.validators import check_stay_document
from exchanges.views.common import S, _messages_of, _refused

STEPS = [
    ("host", _("Host")),
    ("dates", _("Dates")),
    ("project", _("Project")),
    ("documents", _("Documents")),
    ("submit", _("Consent and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]


def steps_done(application: StayApplication) -> dict[str, bool]:
    """Tell which steps of the form hold what submitting needs (the attachments prefetched)."""
    kinds = {a.kind for a in application.attachments.all()}
    return {
        "host": application.host_id is not None,
        "dates": bool(application.start_date and application.end_date),
        "project": bool(
            application.title and application.work_plan and application.impact_statement
        ),
        "documents": set(application.call.required_documents) <= kinds,
        "submit": application.status != S.DRAFT,
    }


def first_incomplete_step(application: StayApplication) -> str:
    """Return the first step that still lacks something: where "continue" opens the form."""
    done = steps_done(application)
    return next((name for name in STEP_NAMES if not done[name]), STEP_NAMES[-1])


@sign_in_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = ResearcherProfile.objects.filter(user_id=request.user.pk or 0).first()
    form = forms.ProfileForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_save(
                actor=request.user,  # type: ignore[arg-type]
                first_name=data["first_name"],
                last_name=data["last_name"],
                home_institution=data["home_institution"],
                career_stage=data["career_stage"],
                orcid=data["orcid"],
                gender=data["gender"],
                accessibility_needs=data["accessibility_needs"],
                sensitive_consent=data["sensitive_consent"],
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
    step_url = reverse(
        "exchanges:application_step", args=[application.pk, first_incomplete_step(application)]
    )
    if not ResearcherProfile.objects.filter(user_id=request.user.pk or 0).exists():
        return redirect(f"{reverse('exchanges:profile')}?{urlencode({'next': step_url})}")
    return redirect(step_url)


@sign_in_required
def application_continue(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a draft at its first incomplete step (a submitted one at its page)."""
    application = _own(request, pk)
    if application.status != S.DRAFT:
        return redirect("exchanges:application_detail", application.pk)
    return redirect(
        "exchanges:application_step", application.pk, first_incomplete_step(application)
    )


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
            # On to the first step that still lacks something after this one, so a person
            # resuming a draft skips what is already done.
            application.refresh_from_db()
            done = steps_done(application)
            later = STEP_NAMES[STEP_NAMES.index(step) + 1 :]
            following = next((name for name in later if not done[name]), later[-1])
            return redirect("exchanges:application_step", application.pk, following)
    done = steps_done(application)
    context = {
        "application": application,
        "call": call,
        "form": form,
        "step": step,
        # The step bar: each step done, current or still missing.
        "steps": [
            (name, label, "current" if name == step else "done" if done[name] else "missing")
            for name, label in STEPS
        ],
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
                check_stay_document(upload, upload.name or "", upload.size or 0)
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
        data = form.cleaned_data
        changes: services.DraftChanges
        if step == "host":
            changes = {"host": data["host"]}
        elif step == "dates":
            changes = {"start_date": data["start_date"], "end_date": data["end_date"]}
        else:
            changes = {
                "title": data["title"],
                "work_plan": data["work_plan"],
                "impact_statement": data["impact_statement"],
                "joint_project": data["joint_project"],
            }
        services.application_save_draft(
            actor=actor,  # type: ignore[arg-type]
            application_id=application.pk,
            data=changes,
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
        "audience": permissions.audience_of(request.user, application),
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
            record = stay_form.cleaned_data
            services.stay_update(
                actor=actor,
                application_id=pk,
                data={
                    "arrived_on": record["arrived_on"],
                    "departed_on": record["departed_on"],
                    "insurance": record["insurance"],
                    "visa_status": record["visa_status"],
                },
            )
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
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything the portal keeps about the person, as JSON labelled in their language."""
    from django.conf import settings

    data = services.personal_data_export(user=request.user, site_url=settings.SITE_URL)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-stay-data.json"'
    return response


@sign_in_required
def data_page(request: HttpRequest) -> HttpResponse:
    """The same data as the JSON download, as a page to read."""
    data = services.personal_data_export(user=request.user)  # type: ignore[arg-type]
    return render(request, "exchanges/my_data.html", {"data": data})


@sign_in_required
@reauthentication_required(allow_get=True)
def erasure(request: HttpRequest) -> HttpResponse:
    """Ask for erasure: say what happens, ask for the password again, then block and erase.

    allauth's reauthentication asks for the password (or the second factor) unless the
    person signed in within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``.
    """
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.erasure_request(actor=request.user)  # type: ignore[arg-type]
        from django.contrib.auth import logout

        logout(request)
        messages.success(
            request, _("Your account is blocked and your personal data are being erased.")
        )
        return redirect("home")
    return render(request, "exchanges/erasure.html")
