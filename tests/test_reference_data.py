"""The programme as data: seeded by migrations, in three languages, editable in the admin."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from cooperation.models import Agreement, Axis, Party, StrategicArea

pytestmark = pytest.mark.django_db

LANGS = ("es", "ca", "en")


def test_exactly_eight_areas_with_names_and_descriptions_in_three_languages():
    areas = list(StrategicArea.objects.order_by("number"))
    assert [a.number for a in areas] == list(range(1, 9))
    assert len({a.code for a in areas}) == 8
    for area in areas:
        for lang in LANGS:
            assert getattr(area, f"name_{lang}"), (area.code, lang)
            assert getattr(area, f"description_{lang}"), (area.code, lang)
        # Catalan and English are real translations, not copies of the Spanish.
        assert area.name_en != area.name_es or area.code == "STEAM_EDUCATION"
    assert areas[0].name_en.startswith("ECOS Network R&D")
    assert areas[5].name_ca == "Educació inclusiva per a estudiants amb discapacitat"


def test_exactly_four_axes_with_names_in_three_languages():
    axes = list(Axis.objects.order_by("number"))
    assert [a.code for a in axes] == [
        "ENDOGENOUS_CAPACITIES",
        "STRATEGIC_SECTORS",
        "GENDER_TRAINING",
        "INCLUSIVE_ECOSYSTEMS",
    ]
    for axis in axes:
        assert len({getattr(axis, f"name_{lang}") for lang in LANGS}) == 3


def test_translated_name_follows_the_active_language():
    area = StrategicArea.objects.get(code="OPEN_SCIENCE")
    with translation.override("ca"):
        assert area.name == "Plataformes de ciència oberta i ciència ciutadana"
    with translation.override("en"):
        assert area.name == "Open science platforms and citizen science"
    with translation.override("es"):
        assert area.name == "Plataformas de ciencia abierta y ciencia ciudadana"


def test_parties_carry_currency_and_time_zone():
    parties = {p.code: p for p in Party.objects.all()}
    assert set(parties) == {"CDMX", "BCN"}
    assert (parties["CDMX"].currency, parties["CDMX"].time_zone) == ("MXN", "America/Mexico_City")
    assert (parties["BCN"].currency, parties["BCN"].time_zone) == ("EUR", "Europe/Madrid")


def test_the_mou_of_4_december_2025_binds_both_parties():
    mou = Agreement.objects.get(code="MOU-2025")
    assert mou.signed_on == datetime.date(2025, 12, 4)
    assert {p.code for p in mou.parties.all()} == {"CDMX", "BCN"}
    assert "Collboni" in mou.signatories


def test_reference_migration_reverses_and_reapplies(django_db_blocker):
    """The data migration's reverse removes exactly its rows; applying it again restores them."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cooperation.migrations.0002_reference_data")
    migration.unseed(apps, None)
    assert StrategicArea.objects.count() == 0
    assert Party.objects.count() == 0
    migration.seed(apps, None)
    migration.seed(apps, None)  # idempotent: update_or_create on codes
    assert StrategicArea.objects.count() == 8
    assert Axis.objects.count() == 4
    assert Party.objects.count() == 2
