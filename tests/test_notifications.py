"""Notifications go out after the transaction commits, in each recipient's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from cooperation.models import StrategicArea
from cooperation.notifications import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area_template(tmp_path, settings):
    folder = tmp_path / "templates" / "test"
    folder.mkdir(parents=True)
    (folder / "area_subject.txt").write_text(
        "{% load i18n %}{% translate 'Strategic areas' %}: {{ area.name }}"
    )
    (folder / "area_body.txt").write_text("{{ user.email }} {{ note }} {{ site_url }} d'acord")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "test/area"


def test_notification_is_sent_after_commit_in_each_recipients_language(
    area_template, django_capture_on_commit_callbacks
):
    catalan = UserFactory(email="ca@example.org", language="ca")
    english = UserFactory(email="en@example.org", language="en")
    area = StrategicArea.objects.get(code="STEAM_EDUCATION")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[catalan, english],
            template=area_template,
            context={"note": "hola"},
            objects={"area": area},
        )
        assert mail.outbox == []  # nothing leaves before the commit
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "ca@example.org": "Àrees estratègiques: Educació STEAM",
        "en@example.org": "Strategic areas: STEAM education",
    }
    assert "hola" in mail.outbox[0].body
    assert "d'acord" in mail.outbox[0].body  # plain text: nothing HTML-escaped


def test_no_notification_when_the_transaction_rolls_back(
    area_template, django_capture_on_commit_callbacks
):
    person = UserFactory(email="x@example.org")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[person], template=area_template)
        raise RuntimeError("rolled back")
    assert mail.outbox == []
