"""Institutions: ROR identifiers and websites are checked, in the admin and in the model."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cooperation.models import Institution
from cooperation.validators import validate_ror_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ror", ["01tmp8f25", "https://ror.org/021018s57", "05SD8TV96"])
def test_real_ror_ids_are_accepted(ror):
    validate_ror_id(ror)


@pytest.mark.parametrize(
    ("ror", "code"),
    [
        ("01tmp8f26", "invalid_ror_checksum"),  # one check digit off
        ("11tmp8f25", "invalid_ror"),  # must start with 0
        ("01tmp8f2", "invalid_ror"),  # too short
        ("01tmu8f25", "invalid_ror"),  # u is not Crockford base32
        ("https://example.org/01tmp8f25", "invalid_ror"),
    ],
)
def test_malformed_ror_ids_are_refused(ror, code):
    with pytest.raises(ValidationError) as error:
        validate_ror_id(ror)
    assert error.value.code == code


def _form(party_id: int, **overrides: str) -> dict[str, str]:
    data = {
        "code": "NEWINST",
        "acronym": "NI",
        "kind": "university",
        "party": str(party_id),
        "name_es": "Institución nueva",
        "name_ca": "",
        "name_en": "",
        "website": "https://nueva.example.org",
        "ror_id": "",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_admin_refuses_an_invalid_ror_id_with_a_message(login, programme_admin, cdmx):
    client = login(programme_admin, language="en")
    response = client.post(
        "/admin/cooperation/institution/add/", _form(cdmx.pk, ror_id="01tmp8f26")
    )
    assert response.status_code == 200
    assert b"check digits do not match" in response.content
    assert not Institution.objects.filter(code="NEWINST").exists()


def test_admin_refuses_an_invalid_ror_id_in_spanish(login, programme_admin, cdmx):
    client = login(programme_admin, language="es")
    response = client.post("/admin/cooperation/institution/add/", _form(cdmx.pk, ror_id="nope"))
    assert b"no es un identificador ROR" in response.content
    assert not Institution.objects.filter(code="NEWINST").exists()


@pytest.mark.parametrize("website", ["not a url", "ftp://files.example.org", "javascript:alert(1)"])
def test_admin_refuses_an_invalid_website_with_a_message(login, programme_admin, cdmx, website):
    client = login(programme_admin, language="en")
    response = client.post("/admin/cooperation/institution/add/", _form(cdmx.pk, website=website))
    assert response.status_code == 200
    assert b"Enter a full web address starting with https://" in response.content
    assert not Institution.objects.filter(code="NEWINST").exists()


def test_admin_stores_a_ror_url_as_the_bare_id(login, programme_admin, cdmx):
    client = login(programme_admin)
    response = client.post(
        "/admin/cooperation/institution/add/", _form(cdmx.pk, ror_id="https://ror.org/01TMP8F25")
    )
    assert response.status_code == 302
    institution = Institution.objects.get(code="NEWINST")
    assert institution.ror_id == "01tmp8f25"
    assert institution.ror_url == "https://ror.org/01tmp8f25"


def test_two_institutions_cannot_share_a_ror_id(login, programme_admin, cdmx):
    client = login(programme_admin, language="en")
    client.post("/admin/cooperation/institution/add/", _form(cdmx.pk, ror_id="01tmp8f25"))
    response = client.post(
        "/admin/cooperation/institution/add/", _form(cdmx.pk, code="OTHER", ror_id="01tmp8f25")
    )
    assert response.status_code == 200
    assert Institution.objects.filter(ror_id="01tmp8f25").count() == 1
