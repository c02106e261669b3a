"""Releases in the admin: officials read each file's validation and publish again."""

from __future__ import annotations

import pytest

from opendata.models import Release

pytestmark = pytest.mark.django_db


def test_an_official_reads_the_release_its_files_and_the_report_in_their_language(
    published, official_bcn, login
):
    client = login(official_bcn, language="es")
    page = client.get(f"/admin/opendata/release/{published.pk}/change/").content.decode()
    for item in published.files.all():
        assert item.sha256 in page
    assert "Válido" in page
    assert "Completado" in page
    assert "el texto en español" in page  # the missing translation, said in Spanish


def test_publish_again_queues_a_new_release_through_the_service(
    published, official_cdmx, login, django_capture_on_commit_callbacks, monkeypatch
):
    handed = []
    monkeypatch.setattr(
        "cooperation.outbox.dispatch.publish", lambda name, ids: handed.append((name, ids))
    )
    client = login(official_cdmx, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/opendata/release/",
            {"action": "publish_again", "_selected_action": [published.pk], "index": 0},
        )
    assert response.status_code == 302
    queued = Release.objects.exclude(pk=published.pk).get()
    assert queued.state == Release.State.QUEUED and queued.requested_by == official_cdmx
    assert handed == [("opendata_release", [queued.pk])]
