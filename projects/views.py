"""The public catalogue of joint projects, and the coordinators' pages."""

from __future__ import annotations

import functools
import html
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cooperation.access import needs_second_factor, second_factor_redirect, sign_in_required
from cooperation.inputs import bounded_int
from cooperation.templatetags.content_language import translated as translated_html
from projects import services
from projects.catalogue import keep_count, page_ids, public_page_cache, versions
from projects.catalogue import reference as catalogue_reference
from projects.detail import detail_queryset, public_project
from projects.detail import indicators as project_indicators
from projects.detail import milestones as project_milestones
from projects.detail import participations as project_participations
from projects.forms import (
    CatalogueFilterForm,
    MeasurementForm,
    MilestoneForm,
    ProjectProposalForm,
    TeamMemberForm,
)
from projects.models import (
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
    ProjectStatus,
    TeamMember,
)
from projects.permissions import can_coordinate_project, is_coordinator

PAGE_SIZE = 20
# modeltranslation's fallback order (MODELTRANSLATION_FALLBACK_LANGUAGES): an empty text
# in the current language reads the first of these that is not empty.
FALLBACK_LANGUAGES: tuple[str, ...] = tuple(settings.MODELTRANSLATION_FALLBACK_LANGUAGES)


def filter_catalogue(form: CatalogueFilterForm, language: str) -> Any:
    """Return the public projects matching the catalogue's filters, best matches first."""
    projects = JointProject.objects.public()
    if not form.is_valid():
        return projects
    data = form.cleaned_data
    if data["area"]:
        projects = projects.in_area(data["area"])
    if data["axis"]:
        projects = projects.filter(axes=data["axis"])
    if data["city"]:
        projects = projects.in_city(data["city"])
    if data["status"]:
        projects = projects.filter(status=data["status"])
    if data["year"]:
        projects = projects.started_in(data["year"])
    if data["q"].strip():
        projects = projects.search(data["q"].strip(), language)
    return projects


# The catalogue's filters, as the query names them (CatalogueFilterForm).
FILTERS = ("q", "area", "axis", "city", "status", "year")


class CatalogueMatches:
    """The public projects matching a filter set, as the paginator reads them: the count
    (cached per filter set, ``projects.catalogue.cached_count``), then one page at a time."""

    def __init__(self, projects: Any, *, count: int, area_names: dict[int, str]) -> None:
        self.projects = projects
        self._count = count
        self.area_names = area_names

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, bounds: slice) -> list[JointProject]:
        offset = bounds.start or 0
        ids = page_ids(self.projects, offset=offset, size=bounds.stop - offset, count=self._count)
        return catalogue_rows(ids, self.area_names)


@functools.cache
def _rows_sql() -> str:
    """Return the statement of a page's rows: the shown columns and, as an array of arrays,
    each project's institutions (acronym, city, names in the fallback order), in the order
    the page lists them. Written once: only quoted table and column names go in."""
    from cooperation.models import Institution, Party

    project, participation, institution, party = (
        model._meta.db_table for model in (JointProject, Participation, Institution, Party)
    )
    titles = ", ".join(f'p."title_{language}"' for language, _name in settings.LANGUAGES)
    names = ", ".join(f'i."name_{language}"' for language in FALLBACK_LANGUAGES)
    return (
        'SELECT p."id", p."code", p."status", p."start_date", p."end_date", '  # noqa: S608
        f'p."primary_area_id", {titles}, '
        f'ARRAY(SELECT ARRAY[i."acronym", c."code", {names}] FROM "{participation}" pp '
        f'JOIN "{institution}" i ON i."id" = pp."institution_id" '
        f'JOIN "{party}" c ON c."id" = i."party_id" '
        'WHERE pp."project_id" = p."id" ORDER BY pp."role", i."name") AS "institution_rows" '
        f'FROM "{project}" p WHERE p."id" = ANY(%s)'
    )


def catalogue_rows(ids: list[int], area_names: dict[int, str]) -> list[JointProject]:
    """Return the projects of ``ids`` in that order, with what a catalogue row shows.

    One statement (``_rows_sql``): the columns a row shows (its texts in every language, for
    the fallback of the current one) and its institutions with their cities (it was two:
    building and compiling the second cost what reading it did). Each project carries
    ``url``, ``status_label``, ``area_name`` and ``tags``; nothing else is loaded, so the
    template cannot query.
    """
    if not ids:
        return []
    projects = {p.pk: p for p in JointProject.objects.raw(_rows_sql(), [ids])}
    language = (get_language() or "es")[:2]
    order = [language, *(other for other in FALLBACK_LANGUAGES if other != language)]
    positions = [FALLBACK_LANGUAGES.index(other) for other in order]
    base = reverse("projects:catalogue")
    # get_status_display() hashes the translated choices on every call: a fifth of a page.
    statuses = {code: str(label) for code, label in ProjectStatus.choices}
    rows = []
    for pk in ids:
        project = projects[pk]
        tags = []
        for acronym, city, *translated in project.institution_rows:  # type: ignore[attr-defined]
            name = acronym or next((translated[i] for i in positions if translated[i]), "")
            tags.append(f"{name} ({city})")
        project.url = f"{base}{project.code}/"  # type: ignore[attr-defined]
        project.status_label = statuses.get(project.status, project.status)  # type: ignore[attr-defined]
        project.area_name = area_names.get(project.primary_area_id, "")  # type: ignore[attr-defined]
        project.tags = tags  # type: ignore[attr-defined]
        project.row_html = _row_html(project)  # type: ignore[attr-defined]
        rows.append(project)
    return rows


def _year(day: Any) -> str:
    return f"{day.year:04d}" if day else ""  # the date filter's "Y"


def _escape(value: Any) -> str:
    # What django.utils.html.escape writes, without its lazy-string wrapper and SafeString:
    # about 150 values a page, a tenth of a computed catalogue page went to the wrapper.
    return html.escape(str(value))


def _row_html(project: Any) -> SafeString:
    """Return a catalogue row's ``<li>``, as ``projects/catalogue.html`` showed it.

    Written here rather than in the template's loop: the template engine's lookups, filters
    and escaping for twenty rows were two thirds of a computed page's time. Every value is
    escaped; the title goes through ``{% translated %}``'s function (its language marked).
    """
    tags = "".join(f'<span class="tag">{_escape(tag)}</span>' for tag in project.tags)
    return mark_safe(  # noqa: S308 (every value above and below is escaped)
        f'<li>\n      <h2><a href="{_escape(project.url)}">{translated_html(project, "title")}</a>'
        f'</h2>\n      <p class="meta">\n        {_escape(project.code)} · '
        f"{_escape(project.status_label)} ·\n"
        f"        {_year(project.start_date)}–{_year(project.end_date)} ·\n"
        f"        {_escape(project.area_name)}\n      </p>\n"
        f"      <p>\n        {tags}\n      </p>\n    </li>"
    )


@require_GET
@public_page_cache
def catalogue(request: HttpRequest) -> HttpResponse:
    """List the public projects, filtered, searched in the current language and paginated."""
    language = (get_language() or "es")[:2]
    # The filter set's key comes from the raw query (the form needs the reference data first):
    # the same parameters name the same projects. Its count, if cached, comes with the versions.
    raw = {name: request.GET.get(name, "") for name in FILTERS}
    raw["q"] = " ".join(raw["q"].split())
    filters = repr([raw, language if raw["q"] else ""])
    catalogue_version, reference_version, count = versions(filters)
    reference = catalogue_reference(language, reference_version)
    form = CatalogueFilterForm(request.GET or None, reference=reference)
    projects = filter_catalogue(form, language)
    if count is None:
        count = projects.count()
        keep_count(filters, catalogue_version, count)
    matches = CatalogueMatches(projects, count=count, area_names=reference.area_names)
    page: Any = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/catalogue.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _detail_queryset() -> Any:
    return JointProject.objects.select_related("primary_area").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("institution__party").order_by(
                "institution__party__code", "role", "institution__name"
            ),
        ),
        "areas",
        "axes",
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("date", "pk"))
            ),
        ),
    )


def _progress(milestones: list[Milestone]) -> dict[str, Any]:
    today = timezone.localdate()
    done = sum(1 for m in milestones if m.status == Milestone.Status.DONE)
    total = len(milestones)
    return {
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
        "late": {m.pk for m in milestones if m.is_late(today)},
    }


@require_GET
@public_page_cache
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show a project to whoever may read it: its institutions, areas, axes, milestones and
    indicators (no personal data)."""
    _catalogue_version, reference_version, _count = versions()
    reference = catalogue_reference((get_language() or "es")[:2], reference_version)
    if request.user.is_authenticated:
        project = next(iter(detail_queryset().visible_to(request.user).filter(code=code)[:1]), None)
    else:
        project = public_project(code)  # what visible_to gives a visitor: public projects
    if project is None:
        if needs_second_factor(request):
            # An official's or administrator's page, once the second factor is passed.
            return second_factor_redirect(request)
        raise Http404
    # The areas and axes from the reference data, as prefetched rows (the template reads
    # project.areas.all, project.axes.all and project.primary_area as before).
    project.primary_area = reference.area_rows[project.primary_area_id]
    project._prefetched_objects_cache = {
        "areas": sorted(
            (reference.area_rows[pk] for pk in project.area_ids), key=lambda a: a.number
        ),
        "axes": sorted(
            (reference.axis_rows[pk] for pk in project.axis_ids), key=lambda a: a.number
        ),
    }
    milestones = project_milestones(project)
    cities: dict[Any, list[Participation]] = {}
    for participation in project_participations(project):
        cities.setdefault(participation.institution.party, []).append(participation)
    indicators = project_indicators(project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "cities": cities,
            "milestones": milestones,
            "progress": _progress(milestones),
            "indicators": indicators,
        },
    )


class NotYourProject(Exception):
    """The signed-in person may not change this project."""


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/forbidden.html",
        {"message": _("You may only change the projects of your own institution.")},
        status=403,
    )


def _part_or_404(queryset: Any, value: str | None) -> Any:
    """Return the project's part with this id; any other id (or no number) is a 404."""
    pk = bounded_int(value, minimum=1)
    if pk is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


def _coordinator_project(request: HttpRequest, code: str) -> JointProject:
    if not is_coordinator(request.user):
        raise NotYourProject
    project = get_object_or_404(_detail_queryset(), code=code)
    if not can_coordinate_project(request.user, project):
        raise NotYourProject
    return project


@sign_in_required
@require_GET
def my_projects(request: HttpRequest) -> HttpResponse:
    """List the projects of the coordinator's institution."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    projects = (
        JointProject.objects.for_institution(request.user.institution_id)  # type: ignore[union-attr]
        .for_listing()
        .order_by("-start_date", "code")
    )
    return render(request, "projects/mine.html", {"projects": projects})


@sign_in_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """Let a coordinator propose a project led by their institution."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = ProjectProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_propose(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("projects:manage", code=project.code)
    return render(request, "projects/propose.html", {"form": form})


@sign_in_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, code: str) -> HttpResponse:
    """Let a coordinator keep their project's team, milestones and measurements up to date."""
    try:
        project = _coordinator_project(request, code)
    except NotYourProject:
        return _forbidden(request)
    team = TeamMember.objects.filter(project=project)
    member = None
    if "member" in request.GET:
        member = _part_or_404(team, request.GET["member"])
    team_form = TeamMemberForm(prefix="team", project=project, instance=member)
    editing = None
    if "milestone" in request.GET:
        editing = _part_or_404(Milestone.objects.filter(project=project), request.GET["milestone"])
    milestone_form = MilestoneForm(prefix="milestone", instance=editing)
    measurement_form = MeasurementForm(prefix="measurement", project=project)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "team":
                # Another project's member, or no member at all, is a 404: nothing leaks.
                member = None
                if request.POST.get("member_id"):
                    member = _part_or_404(team, request.POST["member_id"])
                team_form = TeamMemberForm(
                    request.POST, prefix="team", project=project, instance=member
                )
                if team_form.is_valid():
                    services.team_member_save(
                        actor=request.user,  # type: ignore[arg-type]
                        project=project,
                        member=member,
                        **team_form.cleaned_data,
                    )
                    return redirect("projects:manage", code=code)
            elif action == "team_remove":
                member = _part_or_404(team, request.POST.get("member_id"))
                services.team_member_remove(
                    actor=request.user,  # type: ignore[arg-type]
                    project=project,
                    member=member,
                )
                messages.success(
                    request, _("%(name)s was removed from the team.") % {"name": member.name}
                )
                return redirect("projects:manage", code=code)
            elif action == "milestone":
                instance = None
                if request.POST.get("milestone_id"):
                    instance = _part_or_404(
                        Milestone.objects.filter(project=project), request.POST["milestone_id"]
                    )
                milestone_form = MilestoneForm(request.POST, prefix="milestone", instance=instance)
                if milestone_form.is_valid():
                    services.milestone_save(
                        actor=request.user,  # type: ignore[arg-type]
                        project=project,
                        milestone=instance,
                        **milestone_form.cleaned_data,
                    )
                    return redirect("projects:manage", code=code)
            elif action == "measurement":
                measurement_form = MeasurementForm(
                    request.POST, prefix="measurement", project=project
                )
                if measurement_form.is_valid():
                    services.measurement_save(
                        actor=request.user,  # type: ignore[arg-type]
                        project=project,
                        **measurement_form.cleaned_data,
                    )
                    return redirect("projects:manage", code=code)
        except ValidationError as error:
            for form in (team_form, milestone_form, measurement_form):
                if form.is_bound:
                    form.add_error(None, error)
    milestones = list(project.milestones.all())
    return render(
        request,
        "projects/manage.html",
        {
            "project": project,
            "team": team.select_related("institution"),
            "milestones": milestones,
            "progress": _progress(milestones),
            "indicators": project.indicators.all(),
            "team_form": team_form,
            "milestone_form": milestone_form,
            "measurement_form": measurement_form,
        },
    )
