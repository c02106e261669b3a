"""Practices, transfers and events for tests, made through the services as people make them."""

from __future__ import annotations

import datetime
from typing import Any

from cooperation.models import Institution, StrategicArea, User
from cooperation.roles import Role
from knowledge import services
from knowledge.models import Event, Practice, Transfer
from tests.factories import UserFactory


def coordinator_of(institution: Institution, **kwargs: Any) -> User:
    return UserFactory(institution=institution, roles=[Role.COORDINATOR], **kwargs)


def draft(*, actor: User, institution: Institution | None = None, **kwargs: Any) -> Practice:
    """Return a draft practice of ``institution`` (the actor's by default)."""
    texts = {
        "title_es": "Oficina de Ciencia Ciudadana",
        "summary_es": "Un modelo de oficina pública de ciencia ciudadana.",
        "problem_es": "La ciudadanía participa poco en la investigación.",
        **kwargs.pop("texts", {}),
    }
    values: dict[str, Any] = {
        "kind": "good_practice",
        "licence": "CC-BY-4.0",
        "primary_area": StrategicArea.objects.get(number=2),
        "audiences": ["citizens", "researchers"],
        **kwargs,
    }
    return services.practice_create(
        actor=actor, institution=institution or actor.institution, texts=texts, **values
    )


def published(*, actor: User, reviewer: User, **kwargs: Any) -> Practice:
    """Return a published practice: drafted by ``actor``, published by ``reviewer``."""
    practice = draft(actor=actor, **kwargs)
    services.practice_submit(actor=actor, practice=practice)
    return services.practice_publish(actor=reviewer, practice=practice)


def transfer(
    *, actor: User, practice: Practice, institution: Institution, **kwargs: Any
) -> Transfer:
    values: dict[str, Any] = {
        "started_on": datetime.date(2026, 2, 1),
        "origin_contact_name": "Marta Puig",
        "origin_contact_email": "marta@example.org",
        "adopter_contact_name": "Luis Ramírez",
        "adopter_contact_email": "luis@example.org",
        **kwargs,
    }
    return services.transfer_create(
        actor=actor, practice=practice, institution=institution, **values
    )


def event(
    *, actor: User, institution: Institution | None = None, publish: bool = True, **kwargs: Any
) -> Event:
    """Return an event of ``institution`` (the actor's by default), published unless asked.

    By default it starts in ten days, lasts two hours, closes registration a day before and
    has two places.
    """
    from django.utils import timezone

    institution = institution or actor.institution
    starts_at = kwargs.pop("starts_at", timezone.now() + datetime.timedelta(days=10))
    values: dict[str, Any] = {
        "kind": "seminar",
        "mode": "hybrid",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "registration_closes_at": starts_at - datetime.timedelta(days=1),
        "places": 2,
        "venue": "Pati Manning, Barcelona",
        "online_url": "https://meet.example.org/ciencia",
        "city": institution.party,
        "areas": [StrategicArea.objects.get(number=8)],
        **kwargs,
    }
    texts = {
        "title_es": "Seminario de ciencia ciudadana",
        "title_en": "Citizen science seminar",
        "title_ca": "Seminari de ciència ciutadana",
        "description_es": "Cómo abrir una oficina pública de ciencia ciudadana.",
        **values.pop("texts", {}),
    }
    made = services.event_create(actor=actor, institution=institution, texts=texts, **values)
    if publish:
        made = services.event_publish(actor=actor, event=made)
    return made
