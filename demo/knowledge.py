"""The demo's library of practices: the three models the MoU names and one transfer under way.

Made through ``knowledge.services`` as the people of the programme would: the coordinators
propose and send for review, the officials of the city of origin publish, and the UNAM
coordinator records taking up Barcelona's citizen-science office model. Only while the demo
has no practice yet, so that a second ``seed_demo`` adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from cooperation.models import Institution, StrategicArea, User
from knowledge import services
from knowledge.models import Practice, TransferStage

# (coordinator, official, kind, area, audiences, texts)
PRACTICES: list[tuple[str, str, str, str, list[str], dict[str, str]]] = [
    (
        "coordinacion.upc@demo.cdmx-bcn.org",
        "oficial.bcn@demo.cdmx-bcn.org",
        "good_practice",
        "OPEN_SCIENCE",
        ["citizens", "researchers", "officials"],
        {
            "title_es": "Oficina de Ciencia Ciudadana de Barcelona",
            "title_ca": "Oficina de Ciència Ciutadana de Barcelona",
            "title_en": "Barcelona Citizen Science Office",
            "summary_es": "Una oficina municipal que abre la investigación a la ciudadanía.",
            "summary_ca": "Una oficina municipal que obre la recerca a la ciutadania.",
            "summary_en": "A city office that opens research to citizens.",
            "approach_es": "Convocatorias abiertas, laboratorios de barrio y datos abiertos.",
            "results_es": "Decenas de proyectos ciudadanos con universidades y centros.",
            "transferability_es": "Requiere un equipo pequeño y acuerdos con universidades.",
        },
    ),
    (
        "coordinacion.upc@demo.cdmx-bcn.org",
        "oficial.bcn@demo.cdmx-bcn.org",
        "methodology",
        "STEAM_EDUCATION",
        ["teachers", "students"],
        {
            "title_es": "Metodología de educación STEAM por proyectos",
            "title_ca": "Metodologia d'educació STEAM per projectes",
            "title_en": "Project-based STEAM education methodology",
            "summary_es": "Proyectos de ciencia, tecnología, arte y matemáticas en el aula.",
            "summary_ca": "Projectes de ciència, tecnologia, art i matemàtiques a l'aula.",
            "summary_en": "Science, technology, art and mathematics projects in the classroom.",
        },
    ),
    (
        "coordinacion.unam@demo.cdmx-bcn.org",
        "oficial.cdmx@demo.cdmx-bcn.org",
        "methodology",
        "INCLUSIVE_EDUCATION",
        ["students_disabilities", "teachers"],
        {
            "title_es": "Educación inclusiva para estudiantes con discapacidad",
            "title_ca": "Educació inclusiva per a estudiants amb discapacitat",
            "title_en": "Inclusive education for students with disabilities",
            "summary_es": "Materiales accesibles y acompañamiento docente en ciencias.",
            "summary_ca": "Materials accessibles i acompanyament docent en ciències.",
            "summary_en": "Accessible materials and teacher support in the sciences.",
        },
    ),
]


def knowledge_seed() -> list[Practice]:
    """Create the demo's practices and one transfer in progress (only while none exists)."""
    if Practice.objects.exists():
        return []
    made = []
    for coordinator_email, official_email, kind, area, audiences, texts in PRACTICES:
        coordinator = User.objects.get(email=coordinator_email)
        official = User.objects.get(email=official_email)
        practice = services.practice_create(
            actor=coordinator,
            institution=coordinator.institution,  # type: ignore[arg-type]
            kind=kind,
            licence="CC-BY-4.0",
            primary_area=StrategicArea.objects.get(code=area),
            texts=texts,
            audiences=audiences,
        )
        services.practice_submit(actor=coordinator, practice=practice)
        made.append(services.practice_publish(actor=official, practice=practice))
    unam = User.objects.get(email="coordinacion.unam@demo.cdmx-bcn.org")
    values: dict[str, Any] = {
        "started_on": datetime.date(2026, 1, 15),
        "origin_contact_name": "Jordi Vidal",
        "origin_contact_email": "coordinacion.upc@demo.cdmx-bcn.org",
        "adopter_contact_name": "Mariana López",
        "adopter_contact_email": "coordinacion.unam@demo.cdmx-bcn.org",
        "texts": {
            "adaptations_es": "Una oficina por alcaldía, con convocatorias en español y náhuatl.",
            "adaptations_en": "One office per borough, with calls in Spanish and Nahuatl.",
        },
        "public": True,
    }
    # The demo's UNAM coordinator (demo.data.USERS) always has her institution.
    adopter = Institution.objects.get(members=unam)
    transfer = services.transfer_create(actor=unam, practice=made[0], institution=adopter, **values)
    for stage in (TransferStage.PLANNING, TransferStage.PILOT):
        transfer = services.transfer_move(actor=unam, transfer=transfer, to_stage=stage)
    return made
