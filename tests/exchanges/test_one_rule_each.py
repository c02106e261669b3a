"""Rules of the stays written once: the form shows the service's rule, the service holds it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from cooperation.roles import Role
from exchanges import services
from exchanges.forms import ProfileForm
from exchanges.models import ResearcherProfile, ReviewAssignment
from tests.exchanges.conftest import accept

pytestmark = pytest.mark.django_db
CONSENT = "tick the box that gives your consent"


def _profile(institution, **changes):
    return {
        "first_name": "Marta",
        "last_name": "Soler",
        "home_institution": institution,
        "career_stage": "r3",
        "orcid": "",
        "gender": "",
        "accessibility_needs": "",
        "sensitive_consent": False,
        **changes,
    }


def test_the_profile_service_takes_typed_values_and_keeps_sensitive_data_only_with_consent(
    researcher, institution_cdmx
):
    with pytest.raises(ValidationError, match=CONSENT):
        services.profile_save(actor=researcher, **_profile(institution_cdmx, gender="woman"))
    assert not ResearcherProfile.objects.filter(user=researcher).exists()
    profile = services.profile_save(
        actor=researcher,
        **_profile(institution_cdmx, gender="woman", sensitive_consent=True),
    )
    assert (profile.gender, profile.home_institution) == ("woman", institution_cdmx)
    assert profile.sensitive_consent_at is not None


def test_the_profile_form_shows_the_services_consent_rule_by_its_box(researcher, institution_cdmx):
    form = ProfileForm(
        {**_profile(institution_cdmx.pk, accessibility_needs="Silla de ruedas")}, user=researcher
    )
    assert not form.is_valid()
    assert (
        services.sensitive_data_problems(
            gender="", accessibility_needs="Silla de ruedas", sensitive_consent=False
        )
        == form.errors["sensitive_consent"]
    )


def test_an_applicant_reviewing_their_own_application_is_refused_by_the_admin_and_the_service(
    login, submitted, coordinator, official_cdmx
):
    accept(submitted, coordinator)
    applicant = submitted.researcher
    applicant.groups.add(Group.objects.get(name=Role.REVIEWER))
    response = login(official_cdmx).post(
        "/admin/exchanges/reviewassignment/add/",
        {"application": submitted.pk, "reviewer": applicant.pk},
    )
    assert response.status_code == 200
    assert "Applicants cannot review their own application." in response.content.decode()
    with pytest.raises(ValidationError, match="their own application"):
        services.review_assign(actor=official_cdmx, application_id=submitted.pk, reviewer=applicant)
    assert not ReviewAssignment.objects.exists()
