"""Question 5: the share of women among applicants, awardees and project teams, overall and
for axis 3, on the dashboard of a period and city, from a hand-counted fixture; the admin
lists behind the figures; and the disclosure control across the API's counts of the calls."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.disclosure import HIDDEN, SMALL, Publication, audit, protect
from cooperation.models import Axis
from exchanges import statistics
from exchanges.models import ResearcherProfile, StayApplication
from exchanges.statistics import stay_statistics
from projects.models import TeamMember
from reports.dashboard import team_publication
from reports.kinds import participation
from reports.kinds.people import stays_publication
from tests.exchanges.factories import CallFactory
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import ProjectFactory
from tests.reports.test_dashboard import _cells
from tests.reports.test_questions import _links

pytestmark = pytest.mark.django_db
URL = "/admin/reports/dashboard/"


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


@pytest.fixture
def participants(cdmx, bcn):
    """Hand-counted.

    Call A (open in 2025), hosts in Barcelona, 25 applications:
      5 women, awarded, through P3 (axis 3); 5 men, awarded, through P3;
      5 women and 5 men rejected, no project; 5 women who gave no consent, rejected.
      Applicants 2025: 10 women, 10 men, 5 not stated (50.0 %); axis 3: 5, 5, 0 (50.0 %).
      Awardees 2025: 5, 5, 0 (50.0 %), all through P3, so axis 3 too. Stays of 2025: the
      10 awarded (dates in 2025): 5, 5, 0.
    Call B (open in 2026), hosts in Mexico City: 6 women and 4 men, submitted.
    Teams: P3 (axis 3, led from CDMX, 2025–2026) 5 women, 5 men; P1 (no axis 3, led from
    BCN, 2025) 7 women. Teams 2025: 12 women, 5 men, 0 (70.6 %); axis 3: 5, 5, 0 (50.0 %).
    """
    axis3 = Axis.objects.get(number=3)
    u, c = InstitutionFactory(party=cdmx), InstitutionFactory(party=bcn)
    p3 = ProjectFactory(
        institutions=[u, c],
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 6, 30),
    )
    p3.axes.add(axis3, Axis.objects.get(number=1))
    p1 = ProjectFactory(
        institutions=[c, u],
        start_date=datetime.date(2025, 2, 1),
        end_date=datetime.date(2025, 11, 30),
    )
    p1.axes.add(Axis.objects.get(number=2))
    index = 0
    for project, women, men in ((p3, 5, 5), (p1, 7, 0)):
        for n in range(women + men):
            index += 1
            TeamMember.objects.create(
                project_id=project.pk,
                name=f"T{index}",
                email=f"t{index}@example.org",
                institution_id=u.pk,
                role="Investigación",
                gender="woman" if n < women else "man",
            )
    call_a = CallFactory(opens_at=_at(2025, 1, 10), closes_at=_at(2025, 3, 10))
    call_b = CallFactory(opens_at=_at(2026, 1, 10), closes_at=_at(2026, 3, 10))
    made: dict[str, list[StayApplication]] = {}

    def apply(name, call, host, count, gender, status, project=None, consent=True):
        for _n in range(count):
            person = UserFactory()
            ResearcherProfile.objects.create(
                user_id=person.pk,
                home_institution_id=u.pk,
                career_stage="r2",
                gender=gender,
                sensitive_consent_at=timezone.now() if consent else None,
            )
            made.setdefault(name, []).append(
                StayApplication.objects.create(
                    call=call,
                    researcher=person,
                    host=host,
                    status=status,
                    joint_project=project,
                    start_date=datetime.date(2025, 6, 1),
                    end_date=datetime.date(2025, 8, 31),
                )
            )

    apply("awarded_women", call_a, c, 5, "woman", "awarded", p3)
    apply("awarded_men", call_a, c, 5, "man", "awarded", p3)
    apply("rejected_women", call_a, c, 5, "woman", "rejected")
    apply("rejected_men", call_a, c, 5, "man", "rejected")
    apply("no_consent", call_a, c, 5, "woman", "rejected", consent=False)
    apply("b_women", call_b, u, 6, "woman", "submitted")
    apply("b_men", call_b, u, 4, "man", "submitted")
    return made


def test_question_5_the_shares_of_women_in_a_year(participants, official_cdmx, login):
    client = login(official_cdmx, language="en")
    html = client.get(URL, {"year": 2025}).content.decode()
    assert _cells(html, "women-table") == [
        ["Applicants", "10", "10", "5", "50.0 %"],
        ["Applicants, axis 3", "5", "5", "0", "50.0 %"],
        ["Awardees", "5", "5", "0", "50.0 %"],
        ["Awardees, axis 3", "5", "5", "0", "50.0 %"],
        ["Project teams", "12", "5", "0", "70.6 %"],
        ["Project teams, axis 3", "5", "5", "0", "50.0 %"],
        ["Researchers on stays", "5", "5", "0", "50.0 %"],
    ]
    assert "the calls open during the period" in html
    # Mexico City in 2025: no applicant hosted there, the CDMX-led team of P3.
    html = client.get(URL, {"year": 2025, "city": "CDMX"}).content.decode()
    assert _cells(html, "women-table") == [
        ["Applicants", "0", "0", "0", "—"],
        ["Applicants, axis 3", "0", "0", "0", "—"],
        ["Awardees", "0", "0", "0", "—"],
        ["Awardees, axis 3", "0", "0", "0", "—"],
        ["Project teams", "5", "5", "0", "50.0 %"],
        ["Project teams, axis 3", "5", "5", "0", "50.0 %"],
        ["Researchers on stays", "0", "0", "0", "—"],
    ]


def test_question_5_drill_down_lists_the_applicants_behind_each_figure(
    participants, official_cdmx, login
):
    client = login(official_cdmx, language="en")
    links = _links(client.get(URL, {"year": 2025}).content.decode(), "women-table")

    def listed(label: str) -> set[int]:
        response = client.get(links[label])
        assert response.status_code == 200, links[label]
        return {a.pk for a in response.context["cl"].result_list}

    def ids(*names: str) -> set[int]:
        return {a.pk for name in names for a in participants[name]}

    call_a = ("awarded_women", "awarded_men", "rejected_women", "rejected_men", "no_consent")
    assert listed("Applicants") == ids(*call_a)
    assert listed("Awardees") == ids("awarded_women", "awarded_men")
    assert listed("Applicants, axis 3") == ids("awarded_women", "awarded_men")
    assert listed("Awardees, axis 3") == ids("awarded_women", "awarded_men")
    # A malformed scope is refused, not half applied.
    for bad in ("date_from=2025-13-45", "host_city=XYZ", "axis=9", "awarded=no"):
        response = client.get("/admin/reports/periodapplication/?" + bad)
        assert response.status_code == 302 and "e=1" in response["Location"]


def test_question_5_a_small_count_cannot_be_worked_out_from_the_calls_counts(
    participants, official_cdmx, login
):
    # 2026: call B's 10 applications are public (the API's count of its status); 4 men
    # are "<5", so the 6 women are hidden too, else 10 − 6 would give the men away.
    api = stay_statistics()
    assert {"count": 10, "suppressed": False}.items() <= next(
        row for row in api["by_call_and_status"] if row["status"] == "submitted"
    ).items()
    client = login(official_cdmx, language="en")
    html = client.get(URL, {"year": 2026}).content.decode()
    assert _cells(html, "women-table")[0] == ["Applicants", "x", "<5", "0", "—"]
    for parameters in ({}, {"date_from": "2025-01-01", "date_to": "2025-12-31"},
                       {"date_from": "2026-01-01", "date_to": "2026-12-31"}):  # fmt: skip
        stays = stays_publication(parameters, using="default")
        assert audit(stays.pub) == set()
        assert audit(team_publication("default", parameters)) == set()


# --- Hypothesis: the applicants', awardees' and teams' cells with counts of 1–4 anywhere ---

small_or_not = st.one_of(st.integers(0, 4), st.integers(0, 30))
cities = st.sampled_from([*participation.CITIES, participation.ELSEWHERE])
groups = st.sampled_from(participation.GROUPS)


@st.composite
def applications(draw):
    """Applications per (call, host city, awarded, axis 3, group), a count of 1–4 somewhere."""
    entries = draw(
        st.lists(
            st.tuples(st.integers(1, 3), cities, st.booleans(), st.booleans(), groups),
            min_size=1,
            max_size=10,
            unique=True,
        )
    )
    counts = {entry: draw(small_or_not) for entry in entries}
    counts[entries[draw(st.integers(0, len(entries) - 1))]] = draw(st.integers(1, 4))
    return counts


def _api_publication(counts: participation.Counts) -> Publication:
    """The calls' counts per status as the API publishes them (``exchanges.statistics``)."""
    pub = Publication()
    for call_id in sorted({entry[0] for entry in counts}):
        by_status = {
            "awarded": sum(n for e, n in counts.items() if e[0] == call_id and e[2]),
            "submitted": sum(n for e, n in counts.items() if e[0] == call_id and not e[2]),
        }
        members = [
            pub.cell(statistics.status_key(call_id, s), by_status.get(s, 0))
            for s in statistics.STATUSES
        ]
        total = pub.cell(statistics.call_total_key(call_id), sum(by_status.values()))
        pub.relate(total, members)
    return protect(pub)


def _safe(pub: Publication) -> None:
    for key, value in pub.values.items():
        if key in pub.unpublished:
            continue
        if 0 < value < 5:
            assert pub.shown(key) in (SMALL, HIDDEN), key
    assert audit(pub) == set()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(applications())
def test_no_applicant_or_awardee_count_under_five_can_be_worked_out(counts):
    api = _api_publication(counts)
    pub = Publication()
    pub.include(api)
    participation.applicant_cells(pub, counts)
    _safe(protect(pub))
    # The API's cells were out first: none of them changes.
    assert all(pub.shown(k) == api.shown(k) for k in api.values if k not in api.unpublished)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(participation.SCOPES), cities, groups), small_or_not,
        min_size=1, max_size=12,
    )
)  # fmt: skip
def test_no_team_count_under_five_can_be_worked_out(counts):
    # Axis 3 is a part of all axes: a count there is one in "all" too.
    for (scope, city, group), n in list(counts.items()):
        if scope == "axis":
            counts[("all", city, group)] = max(counts.get(("all", city, group), 0), n)
    pub = Publication()
    participation._cells(pub, "team", counts, published_totals=True)
    _safe(protect(pub))
