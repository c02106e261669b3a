"""The public home page presents the programme from the database, in three languages."""

from __future__ import annotations

import pytest
from django.test import Client

from cooperation.models import StrategicArea

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "area_name", "ui_text"),
    [
        ("es", "Educación STEAM", "Áreas estratégicas"),
        ("ca", "Educació STEAM", "Àrees estratègiques"),
        ("en", "STEAM education", "Strategic areas"),
    ],
)
def test_home_presents_areas_axes_and_cities_in_each_language(language, area_name, ui_text):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert area_name in html
    assert ui_text in html
    assert html.count("<li>\n        <h3>") == 12  # 8 areas and 4 axes


def test_home_shows_what_officials_changed():
    area = StrategicArea.objects.get(code="EVENTS_CULTURE")
    area.name_en = "International events and science culture"
    area.save()
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert "International events and science culture" in html


def test_inactive_areas_are_not_presented():
    StrategicArea.objects.filter(code="EVENTS_CULTURE").update(active=False)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert "International events and scientific culture" not in html


def test_home_has_landmarks_and_a_skip_link():
    html = Client().get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html


def test_language_switcher_sets_the_language_without_javascript():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "ca", "next": "/"})
    assert response.status_code == 302
    assert "Àrees estratègiques" in client.get("/").content.decode()


def test_home_runs_a_constant_number_of_queries(django_assert_num_queries, institution_cdmx):
    # 1 agreement, 2 parties with institution counts, 3 areas, 4 axes.
    with django_assert_num_queries(4):
        Client().get("/")
