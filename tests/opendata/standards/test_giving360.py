"""The 360Giving package: valid against the standard's schemas, and saying what the data says."""

from __future__ import annotations

import io
import json
from pathlib import Path

from opendata.standards import giving360, sources
from opendata.standards.giving360 import write_grants
from opendata.standards.validation import validate_360giving
from tests.opendata.standards.conftest import LICENCE_URL, PUBLISHED_ON, SITE_URL, public_projects


def _write(path: Path | None = None, projects=None):
    out = io.BytesIO()
    result = write_grants(
        out,
        projects=public_projects() if projects is None else projects,
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    if path is not None:
        path.write_bytes(out.getvalue())
    return json.loads(out.getvalue()), result


def _by_project(package) -> dict[str, list[dict]]:
    grants: dict[str, list[dict]] = {}
    for grant in package["grants"]:
        code = grant["relatedActivity"][0].removeprefix("360G-cdmxbcn-")
        grants.setdefault(code, []).append(grant)
    return grants


def test_package_validates_against_the_package_and_grant_schemas(programme, schemas, tmp_path):
    path = tmp_path / "grants.json"
    package, result = _write(path)

    assert validate_360giving(path) == []
    assert result.records == len(package["grants"]) == 6
    assert package["version"] == "1.4"
    assert package["license"] == LICENCE_URL
    assert package["issued"] == "2026-12-02"
    assert package["publisher"]["website"] == SITE_URL


def test_one_grant_per_cash_commitment_in_its_own_currency(programme):
    package, _result = _write()
    grants = _by_project(package)
    full = programme.full

    got = sorted(
        (
            g["fundingOrganization"][0]["id"],
            g["currency"],
            g["amountAwarded"],
            g["awardDate"],
        )
        for g in grants[full.code]
    )
    assert got == [
        # A commitment for 2027 is dated no later than the file (2 December 2026).
        ("360G-cdmxbcn-city-BCN", "EUR", 30000.5, "2026-01-01"),
        ("360G-cdmxbcn-city-CDMX", "MXN", 500000, "2026-01-01"),
        ("XI-ROR-03mb6wj31", "EUR", 1000, "2026-12-02"),
    ]
    grant = grants[full.code][0]
    assert grant["id"].startswith(f"360G-cdmxbcn-{full.code}-")
    assert grant["title"] == "Agua y ciudad"
    assert grant["description"] == "Gestión del agua urbana."
    # The recipient is the lead institution, by its ROR id.
    assert grant["recipientOrganization"] == [
        {
            "id": "XI-ROR-01tmp8f25",
            "name": "Universidad Nacional Autónoma de México",
            "addressLocality": "Ciudad de México",
            "url": "https://www.unam.mx/",
        }
    ]
    assert grant["plannedDates"] == [
        {"startDate": "2026-03-01", "endDate": "2027-12-31", "duration": 22}
    ]
    assert [(c["vocabulary"], c["code"]) for c in grant["classifications"]] == [
        ("360G-cdmxbcn-area", "URBAN_WATER"),
        ("360G-cdmxbcn-area", "ECOS_RD"),
        ("360G-cdmxbcn-axis", "STRATEGIC_SECTORS"),
        ("360G-cdmxbcn-axis", "GENDER_TRAINING"),
    ]
    assert grant["beneficiaryLocation"] == [
        {"name": "Ciudad de México", "countryCode": "MX"},
        {"name": "Barcelona", "countryCode": "ES"},
    ]
    assert grant["url"] == grant["dataSource"] == f"{SITE_URL}projects/{full.code}/"
    assert grant["dateModified"] == full.updated_at.isoformat()

    gender = sorted((g["currency"], g["amountAwarded"]) for g in grants[programme.gender.code])
    assert gender == [("EUR", 12000), ("USD", 5000)]
    # A programme-scoped id where an institution has no ROR id.
    assert grants[programme.gender.code][0]["recipientOrganization"][0]["id"] == (
        "XI-ROR-03mb6wj31"
    )
    assert grants[programme.untranslated.code][0]["recipientOrganization"][0]["id"] == (
        "360G-cdmxbcn-institution-EURECAT"
    )


def test_only_the_projects_given_are_published(programme):
    package, _result = _write()
    codes = set(_by_project(package))

    assert programme.private.code not in codes
    assert programme.private.code not in json.dumps(package)
    # Given every project, the private one is there: the writer keeps the caller's choice.
    from projects.models import JointProject

    everything, _ = _write(projects=JointProject.objects.all())
    assert programme.private.code in _by_project(everything)


def test_bad_records_are_left_out_or_completed_and_said_why(programme, schemas, tmp_path):
    path = tmp_path / "grants.json"
    package, result = _write(path)
    grants = _by_project(package)
    omissions = {(o.record, o.reason, o.completed) for o in result.omissions}

    assert programme.leaderless.code not in grants
    assert (
        f"project {programme.leaderless.code}",
        "No lead institution: its funding has no recipient, so its grants are left out.",
        False,
    ) in omissions
    assert (
        f"funding commitment {programme.legacy.pk} of project {programme.gender.code}",
        "Its amount is missing or not greater than zero.",
        False,
    ) in omissions
    assert (
        f"funding commitment {programme.in_kind.pk} of project {programme.full.code}",
        "It is support in kind, which the standard publishes only as money committed.",
        False,
    ) in omissions
    # No Spanish title: kept, completed from Catalan, and said so.
    untranslated = grants[programme.untranslated.code][0]
    assert untranslated["title"] == "Ciència ciutadana als barris"
    assert untranslated["description"] == "Projecte de ciència ciutadana."
    assert (
        f"project {programme.untranslated.code}",
        "No Spanish title: the title is given in another language.",
        True,
    ) in omissions
    assert len(result.omissions) == 5  # and the untranslated project's summary
    # Completed records keep the file valid.
    assert validate_360giving(path) == []


def test_omissions_are_in_the_active_language(programme):
    from django.utils import translation

    with translation.override("es"):
        _package, result = _write()
    reasons = {o.reason for o in result.omissions}
    assert any(r.startswith("Sin institución líder") for r in reasons), reasons
    records = {o.record for o in result.omissions}
    assert f"proyecto {programme.leaderless.code}" in records


def test_prefix_is_the_programmes_setting(programme, settings):
    settings.OPEN_DATA_360_PREFIX = "360G-cdmxbcnprog"
    package, _result = _write()

    assert all(g["id"].startswith("360G-cdmxbcnprog-CDMX-BCN-") for g in package["grants"])
    assert package["grants"][0]["classifications"][0]["vocabulary"] == "360G-cdmxbcnprog-area"


def test_queries_are_a_constant_number_per_chunk(programme, django_assert_num_queries, monkeypatch):
    # The projects (one cursor), then per chunk: areas, axes, participations with their
    # institutions and cities, commitments with their funders, the timeline's steps; then
    # the awarded stays counted (there are none here).
    with django_assert_num_queries(6 + 1):
        _write()
    monkeypatch.setattr(sources, "CHUNK_SIZE", 2)
    with django_assert_num_queries(1 + 2 * 5 + 1):  # four public projects in two chunks
        _write()


def test_no_project_gives_an_empty_package_that_the_schema_refuses(db, schemas, tmp_path):
    # The package schema wants at least one grant: the release must not publish this one,
    # and the validation says so.
    path = tmp_path / "grants.json"
    package, result = _write(path)

    assert package["grants"] == [] and result.records == 0
    assert giving360.grant_prefix() == "360G-cdmxbcn"
    assert any("grants" in error for error in validate_360giving(path))


def test_a_queryset_with_its_own_prefetches_and_order_is_read_as_given(programme):
    # The catalogue's listing queryset prefetches participations its own way.
    projects = public_projects().for_listing().order_by("-code")
    package, result = _write(projects=projects.filter(code=programme.full.code))

    assert result.records == 3
    assert set(_by_project(package)) == {programme.full.code}
