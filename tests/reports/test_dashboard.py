"""The officials' dashboard in the admin, and the monthly schedule of the programme overview."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape as html_unescape

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from cooperation.roles import Role
from exchanges.models import ResearcherProfile, StayApplication
from projects.models import ExchangeRate, TeamMember
from reports.dashboard import bar_chart
from reports.models import ReportRun
from tests.exchanges.factories import CallFactory
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/admin/reports/dashboard/"


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture
def programme(cdmx, bcn):
    """Two projects (one active) with 100,000 MXN and 2,000 EUR; three stays; six women."""
    u = InstitutionFactory(code="D-CDMX", party=cdmx)
    c = InstitutionFactory(code="D-BCN", party=bcn)
    p1 = ProjectFactory(institutions=[u, c], status="active")
    p2 = ProjectFactory(institutions=[c, u])
    FundingFactory(project=p1, funder_party=cdmx, amount=Decimal("100000"), currency="MXN")
    FundingFactory(project=p2, funder_party=bcn, amount=Decimal("2000"), currency="EUR")
    ExchangeRate.objects.create(date="2026-01-01", base="MXN", quote="EUR", rate=Decimal("0.05"))
    for index in range(11):
        TeamMember.objects.create(
            project_id=p1.pk,
            name=f"P{index}",
            email=f"p{index}@example.org",
            institution_id=u.pk,
            role="Investigación",
            gender="woman" if index < 6 else "man",
        )
    call = CallFactory()
    for host in (c, c, u):
        researcher = UserFactory(roles=[Role.RESEARCHER])
        ResearcherProfile.objects.create(
            user_id=researcher.pk, home_institution_id=u.pk, career_stage="r2"
        )
        StayApplication.objects.create(
            call_id=call.pk, researcher_id=researcher.pk, host_id=host.pk, status="completed"
        )


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [
            html_unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_dashboard_is_linked_from_the_admin_index_for_officials(official_cdmx, login):
    response = login(official_cdmx).get("/admin/")
    assert response.status_code == 200
    assert URL in response.content.decode()


def test_dashboard_shows_figures_charts_and_their_tables(programme, official_bcn, login):
    response = login(official_bcn, language="en").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html.split('id="content-main"', 1)[1]  # no inline script
    assert html.count('<svg class="dashboard-svg"') == 12
    assert _cells(html, "funding-table") == [
        ["BCN 2026", "0.00", "2,000.00", "0.00", "40,000.00", "2,000.00"],
        ["CDMX 2026", "100,000.00", "0.00", "0.00", "100,000.00", "5,000.00"],
    ]
    # Two stays to Barcelona and one to Mexico City: counts of people under five, hidden.
    assert _cells(html, "stays-table") == [
        ["Mexico City → Barcelona", "<5", "<5"],
        ["Barcelona → Mexico City", "<5", "<5"],
    ]
    # 6 women and 5 men in teams: both shown, share 54.5 %; 3 researchers did not say.
    assert _cells(html, "women-table") == [
        ["Applicants", "0", "0", "<5", "—"],
        ["Applicants, axis 3", "0", "0", "0", "—"],
        ["Awardees", "0", "0", "<5", "—"],
        ["Awardees, axis 3", "0", "0", "0", "—"],
        ["Project teams", "6", "5", "0", "54.5 %"],
        ["Project teams, axis 3", "0", "0", "0", "—"],
        ["Researchers on stays", "0", "0", "<5", "—"],
    ]
    assert "Exchange rate: 1 MXN = 0.05 EUR, of 2026-01-01" in html
    # The chart's bars say their currency: the totals in EUR.
    funding_chart = html.split('id="funding-svg-title"', 1)[1].split("</svg>", 1)[0]
    assert ">2,000 EUR<" in funding_chart and ">5,000 EUR<" in funding_chart
    assert "The bars are the totals in EUR." in html


def test_dashboard_runs_a_constant_number_of_queries(
    programme, official_cdmx, login, django_assert_num_queries
):
    client = login(official_cdmx)
    client.get(URL)  # warm the caches of content types and sites
    ProjectFactory.create_batch(3)
    # 1 session, 1 user, 1 the user's groups (roles), 2 permissions for the app list (the
    # user's own and its groups'); the dashboard: 1 key figures, 1 projects by area and by
    # axis, 1 area names, 1 axis names, 2 exchange rates (MXN and USD to EUR), 1 funding by
    # city and year; the stays' publication (reports.kinds.people): 4 stays statements (by city,
    # kind and band with their people; by area; by call; by host, question 7), 4 applications'
    # publication (calls, counts per status, host decisions, scored), 1 calls' directions,
    # 1 applicants and awardees by host city, axis 3 and gender (reports.kinds.participation);
    # 1 team genders; 1 the cities of the period-and-city form; 1 late milestones; 1 practices
    # and transfers (reports.dashboard_knowledge); 1 ECOS institutions in nothing; 3 for the
    # funding in MXN beside EUR (its 2 rates, its statement); 3 indicator progress by area and
    # axis (its statement, area and axis names); 1 events and attendance by city.
    with django_assert_num_queries(35):
        assert client.get(URL).status_code == 200
    FundingFactory.create_batch(5)
    _more_people()
    with django_assert_num_queries(35):
        assert client.get(URL).status_code == 200


def _more_people() -> None:
    """Add applicants to two more calls, with profiles, and team members to a new project."""
    project = ProjectFactory()
    for index in range(4):
        call = CallFactory()
        for _n in range(3):
            researcher = UserFactory(roles=[Role.RESEARCHER])
            ResearcherProfile.objects.create(
                user_id=researcher.pk, home_institution_id=InstitutionFactory().pk,
                career_stage="r2", gender="woman",
            )  # fmt: skip
            StayApplication.objects.create(
                call_id=call.pk, researcher_id=researcher.pk, status="submitted",
                joint_project_id=project.pk,
            )  # fmt: skip
        TeamMember.objects.create(
            project_id=project.pk, name=f"N{index}", email=f"n{index}@example.org",
            institution_id=InstitutionFactory().pk, role="Investigación", gender="woman",
        )  # fmt: skip


@pytest.mark.parametrize("role", ["researcher", "coordinator", "reviewer"])
def test_dashboard_is_for_officials_and_administrators_only(role, request, login):
    person = request.getfixturevalue(role)
    person.is_staff = True
    person.save()
    response = login(person).get(URL)
    assert response.status_code in (302, 403)
    assert "Key figures" not in response.content.decode()


def test_dashboard_needs_the_second_factor(official_cdmx, login):
    response = login(official_cdmx, second_factor=False).get(URL)
    assert response.status_code == 302


def test_administrators_see_the_dashboard(programme_admin, login):
    assert login(programme_admin).get(URL).status_code == 200


def test_bar_chart_escapes_labels_and_scales_bars():
    svg = str(bar_chart("c", "T", [("<b>", 10.0, "10"), ("B", 5.0, "5")]))
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]


# The monthly schedule ----------------------------------------------------------------------


def test_the_monthly_programme_overview_is_scheduled_and_e_mails_both_cities(
    official_cdmx, official_bcn, django_capture_on_commit_callbacks
):
    from django_celery_beat.models import PeriodicTask

    from reports.tasks import scheduled_report

    task = PeriodicTask.objects.get(name="Monthly programme overview")
    assert task.task == "reports.tasks.scheduled_report"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "6", "1")
    kwargs = json.loads(task.kwargs)
    assert kwargs["kind"] == "programme" and kwargs["format"] == "pdf"
    with django_capture_on_commit_callbacks(execute=True):
        run_id = scheduled_report(**kwargs)
    run = ReportRun.objects.get(pk=run_id)
    assert run.state == ReportRun.State.SUCCEEDED and run.file.name.endswith(".pdf")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "oficial.bcn@example.org",
        "oficial.cdmx@example.org",
    ]


def test_the_schedule_migration_reverses_and_applies_again():
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    module = __import__("reports.migrations.0004_monthly_programme_overview", fromlist=["schedule"])
    module.unschedule(apps, None)
    assert not PeriodicTask.objects.filter(name="Monthly programme overview").exists()
    assert not CrontabSchedule.objects.filter(hour="6", day_of_month="1").exists()
    module.schedule(apps, None)
    module.schedule(apps, None)  # twice: still one task
    assert PeriodicTask.objects.filter(name="Monthly programme overview").count() == 1
    assert reverse("admin:reports_dashboard_changelist") == URL


def test_dashboard_charts_count_each_project_once(official_cdmx, login, cdmx, bcn):
    from cooperation.models import Axis, StrategicArea

    u = InstitutionFactory(code="X-CDMX", party=cdmx)
    c = InstitutionFactory(code="X-BCN", party=bcn)
    area1, area2 = StrategicArea.objects.order_by("number")[:2]
    axis1, axis2 = Axis.objects.order_by("number")[:2]
    both = ProjectFactory(institutions=[u, c], primary_area=area1)
    both.axes.add(axis1, axis2)
    both.areas.add(area2)  # a second area: still counted under its primary area only
    one = ProjectFactory(institutions=[c, u], primary_area=area2)
    one.axes.add(axis1)
    html = login(official_cdmx).get(URL).content.decode()
    by_area = {row[0]: row[1] for row in _cells(html, "projects-area-table")}
    assert by_area[str(area1.name)] == "1" and by_area[str(area2.name)] == "1"
    assert sum(int(v) for v in by_area.values()) == 2  # the areas add up to the projects
    by_axis = {row[0]: row[1] for row in _cells(html, "projects-axis-table")}
    assert by_axis[str(axis1.name)] == "2" and by_axis[str(axis2.name)] == "1"
    assert "A project with several axes counts under each of them." in html


@pytest.fixture
def stays_by_year(cdmx, bcn):
    """Six stays to Barcelona in 2025, five to Mexico City in 2026 (all completed)."""
    import datetime

    home = InstitutionFactory(code="Y-HOME", party=cdmx)
    to_bcn = InstitutionFactory(code="Y-BCN", party=bcn)
    to_cdmx = InstitutionFactory(code="Y-CDMX", party=cdmx)
    call = CallFactory()
    for host, year, n in ((to_bcn, 2025, 6), (to_cdmx, 2026, 5)):
        for _index in range(n):
            researcher = UserFactory(roles=[Role.RESEARCHER])
            ResearcherProfile.objects.create(
                user_id=researcher.pk, home_institution_id=home.pk, career_stage="r2"
            )
            StayApplication.objects.create(
                call_id=call.pk,
                researcher_id=researcher.pk,
                host_id=host.pk,
                status="completed",
                start_date=datetime.date(year, 3, 1),
                end_date=datetime.date(year, 6, 1),
            )


def test_dashboard_stays_each_way_honour_the_period_and_name_it(
    stays_by_year, official_cdmx, login
):
    client = login(official_cdmx)
    html = client.get(URL).content.decode()
    assert _cells(html, "stays-table") == [
        ["Mexico City → Barcelona", "6", "6"],
        ["Barcelona → Mexico City", "5", "5"],
    ]
    assert 'id="stays-period">Period: all time' in html
    html = client.get(URL, {"year": 2025}).content.decode()
    assert _cells(html, "stays-table") == [
        ["Mexico City → Barcelona", "6", "6"],
        ["Barcelona → Mexico City", "0", "0"],
    ]
    assert (
        "Period: 01/01/2025 to 12/31/2025" in html
        or "Period: 1/1/2025" in html
        or (
            'id="stays-period">Period:' in html
            and "2025" in html.split('id="stays-period">')[1][:60]
        )
    )
    html = client.get(URL, {"date_from": "2026-01-01", "city": "CDMX"}).content.decode()
    assert _cells(html, "stays-table") == [["Barcelona → Mexico City", "5", "5"]]
    assert "City: CDMX" in html


def test_dashboard_refuses_a_year_and_a_period_together(official_cdmx, login):
    response = login(official_cdmx).get(URL, {"year": 2025, "date_from": "2025-01-01"})
    assert response.status_code == 200
    assert "Choose a year or a period from–to, not both." in response.content.decode()


def test_dashboard_with_a_period_runs_a_constant_number_of_queries(
    programme, stays_by_year, official_cdmx, login, django_assert_num_queries
):
    client = login(official_cdmx)
    query = {"date_from": "2025-01-01", "date_to": "2026-12-31", "city": "BCN"}
    client.get(URL, query)
    # As without a period (see above), and 1 more for the cities: the bound form reads them
    # to check the choice, then to show it.
    with django_assert_num_queries(36):
        assert client.get(URL, query).status_code == 200
    ProjectFactory.create_batch(3)
    FundingFactory.create_batch(4)
    _more_people()
    with django_assert_num_queries(36):
        assert client.get(URL, query).status_code == 200


@pytest.fixture
def late_projects(cdmx, bcn):
    """P-LATE: two milestones not done, 30 and 10 days past due; P-DONE: done late; P-SOON."""
    import datetime

    from django.utils import timezone

    from projects.models import Milestone

    today = timezone.localdate()
    u = InstitutionFactory(code="L-CDMX", party=cdmx)
    c = InstitutionFactory(code="L-BCN", party=bcn)
    late, done, soon = (ProjectFactory(institutions=[u, c]) for _index in range(3))
    for project, days, status in (
        (late, 30, "planned"),
        (late, 10, "in_progress"),
        (done, 40, "done"),
        (soon, -5, "planned"),
    ):
        Milestone.objects.create(
            project=project,
            title=f"M{days}",
            due_date=today - datetime.timedelta(days=days),
            status=status,
            completed_on=today if status == "done" else None,
        )
    return late, done, soon


def test_question_3_late_milestones_panel_and_its_admin_filter(late_projects, official_cdmx, login):
    late, done, soon = late_projects
    client = login(official_cdmx)
    html = client.get(URL).content.decode()
    # One project is late, by 30 days at most, with two late milestones; it links to its page.
    assert _cells(html, "late-table") == [[late.code, "2", "30"]]
    assert f"/admin/projects/jointproject/{late.pk}/change/" in html
    assert "/admin/projects/jointproject/?late=yes" in html
    # The drill-down: the admin list filtered to the late projects shows just that one.
    listing = client.get("/admin/projects/jointproject/?late=yes").content.decode()
    assert late.code in listing and done.code not in listing and soon.code not in listing


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "1 project has milestones not done by their due date"),
        ("es", "1 proyecto tiene hitos no cumplidos en la fecha prevista"),
        ("ca", "1 projecte té fites no complertes en la data prevista"),
    ],
)
def test_question_3_says_one_late_project_in_the_singular(
    late_projects, official_cdmx, login, language, sentence
):
    client = login(official_cdmx)
    client.cookies["django_language"] = language
    html = client.get(URL).content.decode()
    assert sentence in html
