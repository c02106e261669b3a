"""Practices and transfers for tests, made through the services as people would make them."""

from __future__ import annotations

import datetime
from typing import Any

from cooperation.models import Institution, StrategicArea, User
from cooperation.roles import Role
from knowledge import services
from knowledge.models import Practice, Transfer
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
