"""The portfolio's bulk moves: one plain admin action per status the lifecycle table leads to."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.utils import translation

from projects import services
from projects.models import JointProject
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/projects/jointproject/"


def _move_actions() -> dict[str, str]:
    model_admin = admin.site._registry[JointProject]
    return {
        name: str(getattr(model_admin, name).short_description)
        for name in model_admin.actions
        if name.startswith("move_to_")
    }


def test_every_status_a_move_leads_to_has_one_action_and_no_other_status_has_one():
    assert set(_move_actions()) == {f"move_to_{to}" for _frm, to in services.TRANSITIONS}


def test_the_actions_are_labelled_in_the_language_of_the_page():
    with translation.override("en"):
        assert _move_actions()["move_to_approved"] == "Move selected projects to “Approved”"
    with translation.override("es"):
        label = _move_actions()["move_to_approved"]
    assert label == "Pasar los proyectos seleccionados a «Aprobado»"


def test_the_changelist_offers_the_moves_in_the_officials_language(
    login, official_cdmx, institution_cdmx
):
    ProjectFactory(institutions=[institution_cdmx])  # the actions show over a list of rows
    client = login(official_cdmx)
    page = client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="ca").content.decode()
    assert 'value="move_to_suspended"' in page
    with translation.override("ca"):
        label = _move_actions()["move_to_suspended"]
    assert label.startswith("Passar els projectes seleccionats a «")
    assert label in page
