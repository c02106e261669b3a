"""Who may change a project's participations and funding, and the rules every caller meets."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.roles import Role
from projects.forms import FundingForm
from projects.models import FundingCommitment, JointProject, Participation
from projects.services import (
    FINAL_STATUSES,
    funding_remove,
    funding_save,
    participation_add,
    participation_remove,
)
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, ProjectFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(institution_bcn, institution_cdmx) -> JointProject:
    """Led by the coordinator's institution (BCN), with a CDMX partner; 2026 to 2027."""
    return ProjectFactory(institutions=[institution_bcn, institution_cdmx])


@pytest.fixture
def partner_coordinator(institution_cdmx):
    return UserFactory(institution=institution_cdmx, roles=[Role.COORDINATOR])


@pytest.fixture
def newcomer(bcn):
    return InstitutionFactory(party=bcn)


@pytest.fixture
def endpoint(institution_bcn) -> WebhookEndpoint:
    partner = partner_client_create(
        name="UPC research office", scopes=["read", "webhooks"], institution=institution_bcn
    )
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["project.updated"],
        secret="whsec_AAAA",
    )


def _participations(project):
    return sorted(Participation.objects.filter(project=project).values_list("institution", "role"))


def _funding(project):
    return list(FundingCommitment.objects.filter(project=project).values().order_by("pk"))


# Participations


def test_the_leads_coordinator_adds_a_partner_and_the_change_is_dated_kept_and_announced(
    project, coordinator, newcomer, endpoint
):
    before = project.updated_at
    participation = participation_add(actor=coordinator, project=project, institution=newcomer)
    assert participation.role == Participation.Role.PARTNER
    project.refresh_from_db()
    assert project.updated_at > before
    history = Participation.history.get(id=participation.pk)
    assert (history.history_type, history.history_user) == ("+", coordinator)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "project.updated"
    assert delivery.payload["data"]["code"] == project.code


@pytest.mark.parametrize("who", ["official_bcn", "official_cdmx", "programme_admin"])
def test_officials_of_a_city_taking_part_and_administrators_add_partners(
    request, project, newcomer, who
):
    actor = request.getfixturevalue(who)
    participation_add(actor=actor, project=project, institution=newcomer)
    assert Participation.objects.filter(project=project, institution=newcomer).exists()


@pytest.mark.parametrize("who", ["partner_coordinator", "researcher", "reviewer"])
def test_a_partners_coordinator_and_other_roles_may_not_add_institutions(
    request, project, newcomer, who
):
    before = _participations(project)
    with pytest.raises(PermissionDenied):
        participation_add(actor=request.getfixturevalue(who), project=project, institution=newcomer)
    assert _participations(project) == before


def test_an_official_of_a_city_not_taking_part_may_not_add(official_bcn, cdmx):
    project = ProjectFactory(institutions=[InstitutionFactory(party=cdmx)])
    with pytest.raises(PermissionDenied):
        participation_add(
            actor=official_bcn, project=project, institution=InstitutionFactory(party=cdmx)
        )
    assert project.participations.count() == 1


def test_an_inactive_institution_cannot_join(project, coordinator, newcomer):
    newcomer.active = False
    newcomer.save()
    with pytest.raises(ValidationError) as refused:
        participation_add(actor=coordinator, project=project, institution=newcomer)
    assert refused.value.message_dict == {
        "institution": ["This institution is no longer active in the programme."]
    }
    assert not Participation.objects.filter(institution=newcomer).exists()


def test_an_institution_taking_part_cannot_join_again(project, coordinator, institution_cdmx):
    before = _participations(project)
    with pytest.raises(ValidationError) as refused:
        participation_add(actor=coordinator, project=project, institution=institution_cdmx)
    assert refused.value.message_dict == {
        "institution": ["This institution already takes part in the project."]
    }
    assert _participations(project) == before


def test_a_project_has_one_lead(project, programme_admin, newcomer):
    with pytest.raises(ValidationError) as refused:
        participation_add(actor=programme_admin, project=project, institution=newcomer, role="lead")
    assert "already has a lead" in refused.value.message_dict["role"][0]
    assert not Participation.objects.filter(institution=newcomer).exists()


def test_the_lead_cannot_be_removed(project, programme_admin, institution_bcn):
    lead = project.participations.get(institution=institution_bcn)
    with pytest.raises(ValidationError, match="lead institution cannot be removed"):
        participation_remove(actor=programme_admin, project=project, participation=lead)
    assert Participation.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize("status", ["approved", "active", "suspended"])
def test_the_last_institution_of_a_city_stays_once_the_project_is_approved(
    project, coordinator, institution_cdmx, status
):
    project.status = status
    project.save()
    partner = project.participations.get(institution=institution_cdmx)
    with pytest.raises(ValidationError, match="last institution of its city"):
        participation_remove(actor=coordinator, project=project, participation=partner)
    assert Participation.objects.filter(pk=partner.pk).exists()


def test_a_partner_is_removed_when_its_city_keeps_another_institution(
    project, coordinator, institution_cdmx, cdmx, endpoint
):
    project.status = "active"
    project.save()
    participation_add(
        actor=coordinator, project=project, institution=InstitutionFactory(party=cdmx)
    )
    WebhookDelivery.objects.all().delete()
    partner = project.participations.get(institution=institution_cdmx)
    participation_remove(actor=coordinator, project=project, participation=partner)
    assert not Participation.objects.filter(pk=partner.pk).exists()
    removal = Participation.history.filter(id=partner.pk).latest()
    assert (removal.history_type, removal.history_user) == ("-", coordinator)
    assert WebhookDelivery.objects.get().event == "project.updated"


@pytest.mark.parametrize("part", ["team member", "commitment"])
def test_an_institution_with_people_or_money_in_the_project_is_not_removed(
    project, coordinator, institution_cdmx, part
):
    if part == "team member":
        TeamMemberFactory(project=project, institution=institution_cdmx)
    else:
        FundingFactory(project=project, funder_party=None, funder_institution=institution_cdmx)
    partner = project.participations.get(institution=institution_cdmx)
    before = project.updated_at
    with pytest.raises(ValidationError) as refused:
        participation_remove(actor=coordinator, project=project, participation=partner)
    assert refused.value.code == "has_parts"
    assert Participation.objects.filter(pk=partner.pk).exists()
    project.refresh_from_db()
    assert project.updated_at == before


def test_a_proposal_may_lose_its_only_partner(project, coordinator, institution_cdmx):
    partner = project.participations.get(institution=institution_cdmx)
    participation_remove(actor=coordinator, project=project, participation=partner)
    assert _participations(project) == [(project.participations.get().institution_id, "lead")]


def test_a_partners_coordinator_may_not_remove_institutions(
    project, partner_coordinator, institution_cdmx
):
    partner = project.participations.get(institution=institution_cdmx)
    with pytest.raises(PermissionDenied):
        participation_remove(actor=partner_coordinator, project=project, participation=partner)
    assert Participation.objects.filter(pk=partner.pk).exists()


def test_a_participation_of_another_project_is_not_removed(project, programme_admin, cdmx):
    other = ProjectFactory(institutions=[InstitutionFactory(party=cdmx), InstitutionFactory()])
    foreign = other.participations.get(role="partner")
    with pytest.raises(ValidationError):
        participation_remove(actor=programme_admin, project=project, participation=foreign)
    assert Participation.objects.filter(pk=foreign.pk).exists()


def test_final_statuses_are_those_no_move_leaves():
    assert frozenset({"completed", "cancelled"}) == FINAL_STATUSES


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_a_closed_project_keeps_its_institutions_and_funding(
    project, programme_admin, newcomer, institution_cdmx, status
):
    project.status = status
    project.save()
    commitment = FundingFactory(project=project)
    before = (_participations(project), _funding(project))
    partner = project.participations.get(institution=institution_cdmx)
    with pytest.raises(ValidationError, match="can no longer change"):
        participation_add(actor=programme_admin, project=project, institution=newcomer)
    with pytest.raises(ValidationError, match="can no longer change"):
        participation_remove(actor=programme_admin, project=project, participation=partner)
    with pytest.raises(ValidationError, match="can no longer change"):
        funding_remove(actor=programme_admin, project=project, commitment=commitment)
    form = _form(project, {"funder_party": commitment.funder_party_id})
    with pytest.raises(ValidationError, match="can no longer change"):
        funding_save(actor=programme_admin, project=project, **form)
    assert (_participations(project), _funding(project)) == before


# Funding


def _form(project, changes=None, instance=None) -> dict:
    """Return the service's arguments for a commitment, as the portal's form cleans them."""
    data = {"amount": "1500.00", "currency": "EUR", "year": 2026, "kind": "cash"}
    data.update(changes or {})
    form = FundingForm(data, instance=instance, project=project)
    assert form.is_valid(), form.errors
    return {"commitment": instance, **form.cleaned_data}


def test_a_coordinator_declares_a_commitment_of_their_own_institution(
    project, coordinator, institution_bcn, endpoint
):
    commitment = funding_save(
        actor=coordinator,
        project=project,
        **_form(project, {"funder_institution": institution_bcn.pk}),
    )
    assert (commitment.project, commitment.amount) == (project, Decimal("1500.00"))
    history = FundingCommitment.history.get(id=commitment.pk)
    assert history.history_user == coordinator
    assert WebhookDelivery.objects.get().event == "project.updated"


@pytest.mark.parametrize("funder", ["institution_cdmx", "bcn"])
def test_a_coordinator_may_not_commit_another_institution_or_a_city(
    request, project, coordinator, funder
):
    value = request.getfixturevalue(funder)
    field = "funder_party" if funder == "bcn" else "funder_institution"
    with pytest.raises(PermissionDenied):
        funding_save(actor=coordinator, project=project, **_form(project, {field: value.pk}))
    assert not FundingCommitment.objects.exists()


def test_a_coordinator_may_not_take_over_a_citys_commitment(
    project, coordinator, bcn, institution_bcn
):
    city = FundingFactory(project=project, funder_party=bcn)
    before = _funding(project)
    form = _form(project, {"funder_institution": institution_bcn.pk}, instance=city)
    with pytest.raises(PermissionDenied):
        funding_save(actor=coordinator, project=project, **form)
    with pytest.raises(PermissionDenied):
        funding_remove(actor=coordinator, project=project, commitment=city)
    assert _funding(project) == before


def test_a_coordinator_changes_and_removes_their_institutions_commitment(
    project, coordinator, institution_bcn
):
    own = FundingFactory(project=project, funder_party=None, funder_institution=institution_bcn)
    form = _form(project, {"funder_institution": institution_bcn.pk, "amount": "99"}, own)
    assert funding_save(actor=coordinator, project=project, **form).amount == Decimal("99")
    funding_remove(actor=coordinator, project=project, commitment=own)
    assert not FundingCommitment.objects.exists()
    assert FundingCommitment.history.filter(id=own.pk).latest().history_user == coordinator


def test_an_official_commits_their_city_and_its_institutions_only(
    project, official_bcn, bcn, cdmx, institution_bcn, institution_cdmx
):
    funding_save(actor=official_bcn, project=project, **_form(project, {"funder_party": bcn.pk}))
    funding_save(
        actor=official_bcn,
        project=project,
        **_form(project, {"funder_institution": institution_bcn.pk}),
    )
    before = _funding(project)
    for changes in ({"funder_party": cdmx.pk}, {"funder_institution": institution_cdmx.pk}):
        with pytest.raises(PermissionDenied):
            funding_save(actor=official_bcn, project=project, **_form(project, changes))
    assert len(before) == 2 and _funding(project) == before


def test_an_official_may_not_fund_a_project_their_city_has_no_part_in(official_bcn, bcn, cdmx):
    project = ProjectFactory(institutions=[InstitutionFactory(party=cdmx)])
    with pytest.raises(PermissionDenied):
        funding_save(
            actor=official_bcn, project=project, **_form(project, {"funder_party": bcn.pk})
        )
    assert not FundingCommitment.objects.exists()


def test_an_administrator_changes_any_commitment(project, programme_admin, cdmx):
    commitment = FundingFactory(project=project, funder_party=cdmx)
    form = _form(project, {"funder_party": cdmx.pk, "currency": "MXN"}, commitment)
    assert funding_save(actor=programme_admin, project=project, **form).currency == "MXN"
    funding_remove(actor=programme_admin, project=project, commitment=commitment)
    assert not FundingCommitment.objects.exists()


def test_a_commitment_of_another_project_is_refused(project, programme_admin, cdmx):
    other = FundingFactory(project=ProjectFactory(), funder_party=cdmx)
    before = _funding(other.project)
    with pytest.raises(PermissionDenied):
        funding_remove(actor=programme_admin, project=project, commitment=other)
    form = _form(project, {"funder_party": cdmx.pk}, other)
    with pytest.raises(PermissionDenied):
        funding_save(actor=programme_admin, project=project, **form)
    assert _funding(other.project) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "greater than zero"),
        ({"amount": "-5"}, "amount", "greater than zero"),
        ({"amount": "lots"}, "amount", "number"),
        ({"currency": "GBP"}, "currency", "valid choice"),
        ({"year": 2025}, "year", "from 2026 to 2027"),
        ({"year": 2028}, "year", "from 2026 to 2027"),
        ({"funder_party": None}, "__all__", "either a funding city or an institution"),
        ({"funder_institution": "BOTH"}, "__all__", "either a funding city or an institution"),
    ],
)
def test_the_funding_form_refuses_bad_commitments(
    project, bcn, institution_bcn, changes, field, message
):
    data = {
        "funder_party": bcn.pk,
        "amount": "10",
        "currency": "EUR",
        "year": 2026,
        "kind": "cash",
    }
    data.update(changes)
    if data.get("funder_institution") == "BOTH":
        data["funder_institution"] = institution_bcn.pk
    form = FundingForm(data, project=project)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_funding_form_keeps_the_models_rule_of_years_from_2000(bcn):
    old = ProjectFactory(start_date=datetime.date(1999, 1, 1), end_date=datetime.date(2000, 12, 31))
    data = {"funder_party": bcn.pk, "amount": "10", "currency": "EUR", "kind": "cash"}
    assert FundingForm({**data, "year": 2000}, project=old).is_valid()
    refused = FundingForm({**data, "year": 1999}, project=old)
    assert refused.errors == {"year": ["Enter a year from 2000 on."]}
