"""Fixtures of the stays workflow: a call, researchers and applications at each stage."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone, translation

from cooperation.roles import Role
from exchanges import services
from exchanges.models import StayApplication
from tests.exchanges.factories import CallFactory, add_host, make_profile, pdf_upload
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _english():
    # Service messages are asserted in English; a previous request may have left another
    # language active in this thread.
    with translation.override("en"):
        yield


@pytest.fixture
def call(institution_bcn):
    call = CallFactory()
    add_host(call, institution_bcn, places=1)
    return call


@pytest.fixture
def profiled_researcher(researcher, institution_cdmx):
    make_profile(researcher, institution_cdmx)
    return researcher


@pytest.fixture
def new_researcher(institution_cdmx) -> Callable[..., object]:
    def _make(email: str):
        user = UserFactory(email=email, roles=[Role.RESEARCHER])
        make_profile(user, institution_cdmx)
        return user

    return _make


def fill_draft(application: StayApplication, actor, host) -> StayApplication:
    start = application.call.stays_from + datetime.timedelta(days=5)
    services.application_save_draft(
        actor=actor,
        application_id=application.pk,
        data={
            "host": host,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=60),
            "title": "Movilidad urbana",
            "work_plan": "Plan de trabajo",
            "impact_statement": "Impacto en los barrios",
        },
    )
    for kind in ("cv", "motivation", "invitation"):
        services.attachment_add(
            actor=actor, application_id=application.pk, kind=kind, upload=pdf_upload(f"{kind}.pdf")
        )
    application.refresh_from_db()
    return application


@pytest.fixture
def draft(call, profiled_researcher, institution_bcn):
    application = services.application_start(actor=profiled_researcher, call=call)
    return fill_draft(application, profiled_researcher, institution_bcn)


def submit(application: StayApplication) -> StayApplication:
    services.application_submit(
        actor=application.researcher, application_id=application.pk, consent=True
    )
    application.refresh_from_db()
    return application


def waiting(new_researcher, call, host, *, days: int, email: str) -> StayApplication:
    """Submit a new researcher's application to ``host``, sent ``days`` days (and an hour) ago."""
    researcher = new_researcher(email)
    application = services.application_start(actor=researcher, call=call)
    application = submit(fill_draft(application, researcher, host))
    StayApplication.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days, hours=1)
    )
    application.refresh_from_db()
    return application


def accept(application: StayApplication, coordinator) -> StayApplication:
    services.host_accept(
        actor=coordinator,
        application_id=application.pk,
        supervisor_name="Dra. Puig",
        supervisor_email="puig@example.org",
        confirmed_start=application.start_date,
        confirmed_end=application.end_date,
    )
    application.refresh_from_db()
    return application


def score(application: StayApplication, official, reviewer, values=(8, 8)) -> StayApplication:
    assignment = services.review_assign(
        actor=official, application_id=application.pk, reviewer=reviewer
    )
    services.conflict_declare(
        actor=reviewer,
        assignment_id=assignment.pk,
        has_conflict=False,
        shown=services.conflict_disclosure_token(assignment),
    )
    criteria = list(application.call.criteria.all())
    services.scores_submit(
        actor=reviewer,
        assignment_id=assignment.pk,
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
    )
    application.refresh_from_db()
    return application


def move(application: StayApplication, *, actor, as_actor, to_status: str) -> None:
    """Call the one transition function directly, as any path ends up doing."""
    from django.db import transaction

    from exchanges.services.common import _lock, application_transition

    with transaction.atomic():
        application_transition(
            application=_lock(application.pk), actor=actor, as_actor=as_actor, to_status=to_status
        )


def start_stay(application: StayApplication) -> StayApplication:
    """Confirm the award and record an arrival yesterday and a departure today (host's city).

    The final report then opens (at the departure), as it would on the researcher's last day.
    """
    from exchanges.services.rules import host_today

    services.award_confirm(actor=application.researcher, application_id=application.pk)
    today = host_today(application)
    services.stay_update(
        actor=application.researcher,
        application_id=application.pk,
        data={
            "arrived_on": today - datetime.timedelta(days=1),
            "departed_on": today,
            "insurance": "Póliza 1",
            "visa_status": "granted",
        },
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def submitted(draft):
    return submit(draft)


@pytest.fixture
def in_evaluation(submitted, coordinator, official_cdmx, reviewer):
    return score(accept(submitted, coordinator), official_cdmx, reviewer)


def erase(client, user=None) -> None:
    """Ask for erasure on the page, giving the password again as allauth's reauthentication
    asks (the tests' callers capture the on-commit callbacks that anonymise)."""
    from django.urls import reverse

    from tests.conftest import PASSWORD

    # The factories give every account PASSWORD.
    asked = client.post(reverse("exchanges:erasure"), {"confirm": "yes"})
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked["Location"], {"password": PASSWORD})
