"""Roles are groups created by migration; each role sees and changes only what is its own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cooperation.models import Institution, StrategicArea
from cooperation.roles import Role

pytestmark = pytest.mark.django_db


def _codenames(role: str) -> set[str]:
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_administrators_may_change_the_programme_frame():
    perms = _codenames(Role.PROGRAMME_ADMIN)
    assert {"change_strategicarea", "change_axis", "change_agreement", "add_institution"} <= perms
    assert {"change_user", "change_periodictask"} <= perms


def test_officials_read_the_frame_and_keep_institutions():
    for role in (Role.OFFICIAL_CDMX, Role.OFFICIAL_BCN):
        perms = _codenames(role)
        assert {"view_strategicarea", "view_axis", "view_agreement", "view_party"} <= perms
        assert {"add_institution", "change_institution"} <= perms
        assert not {"change_strategicarea", "change_axis", "delete_institution"} & perms
        assert "change_user" not in perms


def test_portal_roles_have_no_admin_permissions():
    for role in (Role.COORDINATOR, Role.REVIEWER, Role.RESEARCHER):
        assert _codenames(role) == set()


def test_official_edits_an_institution_of_their_city(login, official_cdmx, institution_cdmx):
    client = login(official_cdmx)
    url = f"/admin/cooperation/institution/{institution_cdmx.pk}/change/"
    response = client.post(
        url,
        {
            "code": institution_cdmx.code,
            "acronym": "TU",
            "kind": "research_centre",
            "party": official_cdmx.party_id,
            "name_es": "Nombre nuevo",
            "name_ca": "",
            "name_en": "",
            "website": "https://example.org",
            "ror_id": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    institution_cdmx.refresh_from_db()
    assert institution_cdmx.name_es == "Nombre nuevo"
    assert institution_cdmx.kind == "research_centre"


def test_official_cannot_change_the_other_citys_institution(login, official_cdmx, institution_bcn):
    client = login(official_cdmx)
    url = f"/admin/cooperation/institution/{institution_bcn.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200  # they may read it…
    assert b'name="name_es"' not in page.content  # …read-only
    response = client.post(
        url, {"code": "HACK", "name_es": "Hack", "party": institution_bcn.party_id}
    )
    assert response.status_code == 403
    institution_bcn.refresh_from_db()
    assert institution_bcn.code == "TEST-UPC"


def test_official_cannot_create_an_institution_for_the_other_city(login, official_cdmx, bcn):
    client = login(official_cdmx)
    response = client.post(
        "/admin/cooperation/institution/add/",
        {"code": "NEW-BCN", "kind": "university", "party": bcn.pk, "name_es": "Nueva"},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert b"party" in response.content
    assert not Institution.objects.filter(code="NEW-BCN").exists()


def test_official_cannot_edit_a_strategic_area(login, official_bcn):
    area = StrategicArea.objects.get(number=1)
    client = login(official_bcn)
    response = client.post(
        f"/admin/cooperation/strategicarea/{area.pk}/change/",
        {"number": 1, "code": "X", "name_es": "X", "name_ca": "X", "name_en": "X"},
    )
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.code == "ECOS_RD"


def test_administrator_edits_a_strategic_area_in_three_languages(login, programme_admin):
    area = StrategicArea.objects.get(number=5)
    client = login(programme_admin)
    page = client.get(f"/admin/cooperation/strategicarea/{area.pk}/change/")
    assert page.status_code == 200
    for field in (
        "name_es",
        "name_ca",
        "name_en",
        "description_es",
        "description_ca",
        "description_en",
    ):
        assert f'name="{field}"'.encode() in page.content
    response = client.post(
        f"/admin/cooperation/strategicarea/{area.pk}/change/",
        {
            "number": 5,
            "code": "STEAM_EDUCATION",
            "active": "on",
            "name_es": "Educación STEAM y artes",
            "name_ca": "Educació STEAM i arts",
            "name_en": "STEAM and arts education",
            "description_es": "d",
            "description_ca": "d",
            "description_en": "d",
        },
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name_ca == "Educació STEAM i arts"


@pytest.mark.parametrize("role_fixture", ["coordinator", "reviewer", "researcher"])
def test_portal_roles_cannot_open_the_admin(request, login, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = login(user).get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        follow = login(user).get(response["Location"])
        assert follow.status_code == 403


def test_admin_search_and_filters_on_institutions(
    login, programme_admin, institution_cdmx, institution_bcn
):
    client = login(programme_admin)
    found = client.get("/admin/cooperation/institution/", {"q": "Prova"})
    assert b"Universitat de Prova BCN" in found.content
    assert b"Universidad de Prueba CDMX" not in found.content
    filtered = client.get(
        "/admin/cooperation/institution/", {"party__id__exact": institution_cdmx.party_id}
    )
    assert b"Universidad de Prueba CDMX" in filtered.content
    assert b"Universitat de Prova BCN" not in filtered.content
