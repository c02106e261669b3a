"""No personal data in the standards' files: no name, e-mail or ORCID of the fixture's people."""

from __future__ import annotations

import io

import pytest

from opendata.standards.giving360 import write_grants
from opendata.standards.iati import write_activities
from projects.models import JointProject
from tests.opendata.standards.conftest import LICENCE_URL, PEOPLE, PUBLISHED_ON, SITE_URL


@pytest.mark.parametrize("writer", [write_grants, write_activities], ids=["360giving", "iati"])
def test_files_name_none_of_the_people(programme, writer):
    out = io.BytesIO()
    # Every project, the private one too: even then no person is named.
    result = writer(
        out,
        projects=JointProject.objects.all(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    text = out.getvalue().decode().casefold()
    assert result.records > 0
    people = [*PEOPLE["names"], *PEOPLE["emails"], *PEOPLE["orcids"]]
    # Surnames and the ORCID's digits alone too, and no e-mail address of any kind.
    people += [name.split()[-1] for name in PEOPLE["names"]]
    people += [orcid.replace("-", "") for orcid in PEOPLE["orcids"]]
    assert [p for p in people if p.casefold() in text] == []
    assert "@" not in text
    assert [o.record for o in result.omissions if "@" in o.record] == []
