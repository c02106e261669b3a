"""A coordinator's proposal e-mails the officials of the cities taking part, in their language."""

from __future__ import annotations

import pytest
from django.core import mail

from cooperation.models import StrategicArea
from cooperation.roles import Role
from projects.models import JointProject
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _proposal(**overrides) -> dict:
    data = {
        "title": "Ciudades sin barreras",
        "summary": "Accesibilidad en escuelas.",
        "impact": "Alumnado con discapacidad incluido.",
        "primary_area": StrategicArea.objects.get(code="INCLUSIVE_EDUCATION").pk,
        "start_date": "2026-09-01",
        "end_date": "2027-08-31",
    }
    data.update(overrides)
    return data


def test_officials_of_both_cities_are_emailed_each_in_their_language(
    login,
    coordinator,
    official_cdmx,
    official_bcn,
    programme_admin,
    institution_cdmx,
    django_capture_on_commit_callbacks,
):
    official_cdmx.language = "es"
    official_cdmx.save()
    official_bcn.language = "ca"
    official_bcn.save()
    coordinator.first_name, coordinator.last_name = "Jordi", "Vidal"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(
            "/projects/propose/", _proposal(partners=[institution_cdmx.pk])
        )
    assert response.status_code == 302
    project = JointProject.objects.get()
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {official_cdmx.email, official_bcn.email}
    es, ca = sent[official_cdmx.email], sent[official_bcn.email]
    assert es.subject == f"Nuevo proyecto propuesto: {project.code}"
    assert ca.subject == f"Nou projecte proposat: {project.code}"
    assert es.body.startswith(f"Jordi Vidal ({coordinator.institution}) ha propuesto el proyecto")
    assert "«Ciudades sin barreras»" in es.body
    assert f"/admin/projects/jointproject/{project.pk}/change/" in ca.body


def test_only_the_officials_of_the_cities_taking_part_are_emailed(
    login, coordinator, official_cdmx, official_bcn, bcn, django_capture_on_commit_callbacks
):
    inactive = UserFactory(
        email="baja@example.org", party=bcn, roles=[Role.OFFICIAL_BCN], is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(coordinator).post(
            "/projects/propose/", _proposal(partners=[InstitutionFactory(party=bcn).pk])
        )
    assert JointProject.objects.exists()
    assert [m.to for m in mail.outbox] == [[official_bcn.email]]
    assert all(inactive.email not in m.to for m in mail.outbox)


def test_a_refused_proposal_emails_nobody(
    login,
    coordinator,
    official_cdmx,
    official_bcn,
    institution_cdmx,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(
            "/projects/propose/", _proposal(partners=[institution_cdmx.pk], end_date="2026-01-01")
        )
    assert response.status_code == 200
    assert not JointProject.objects.exists()
    assert mail.outbox == []
