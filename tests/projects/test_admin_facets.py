"""The projects list in the admin with *Show counts* (Django's facets) on."""

from __future__ import annotations

import pytest

from tests.factories import InstitutionFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "",
        "&status__exact=active",
        "&area=1",
        "&city=1",
        "&year=2026",
        "&institution=1",
        "&q=F",
        "&late=yes",
        "&untranslated=ca",
    ],
)
@pytest.mark.parametrize("who", ["official_cdmx", "programme_admin", "coordinator"])
def test_show_counts_on_the_projects_list_answers(request, login, who, query, cdmx, bcn):
    u = InstitutionFactory(code="F-CDMX", party=cdmx)
    c = InstitutionFactory(code="F-BCN", party=bcn)
    ProjectFactory(institutions=[u, c], status="active")
    ProjectFactory(institutions=[c, u])
    user = request.getfixturevalue(who)
    response = login(user).get(f"/admin/projects/jointproject/?_facets=True{query}")
    if who == "coordinator":  # no admin: sent to the admin's sign-in
        assert response.status_code == 302, response.status_code
    else:  # staff who passed the second factor read the list with its counts
        assert response.status_code == 200, response.status_code
        assert "_facets=True" in response.content.decode() or response.context["cl"].add_facets
