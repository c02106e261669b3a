"""Timeline notes and statuses are written in the reader's language and the reader's terms.

The portal stores its own words as a message key with parameters, and a person's note as
written with its language; each page and e-mail renders them for whoever reads.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cooperation.outbox.models import OutgoingEmail
from exchanges import services
from exchanges.models import ApplicationEvent, Audience, StayApplication, status_label
from tests.exchanges.conftest import accept

pytestmark = pytest.mark.django_db

SIGNED_ONE_CITY_CA = "Signada per una ciutat; a l'espera de la signatura de l'altra ciutat."
SIGNED_ONE_CITY_ES = "Firmada por una ciudad; a la espera de la firma de la otra ciudad."


def test_a_note_by_a_spanish_speaking_official_reads_in_catalan_to_a_catalan_researcher(
    login, in_evaluation, official_cdmx
):
    official_cdmx.language = "es"
    official_cdmx.save(update_fields=["language"])
    researcher = in_evaluation.researcher
    researcher.language = "ca"
    researcher.save(update_fields=["language"])
    # The official works in Spanish: the service runs with Spanish active.
    with translation.override("es"):
        services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    event = ApplicationEvent.objects.filter(application=in_evaluation).last()
    assert event is not None
    assert (event.note_key, event.note) == ("signed_one_city", "")

    page = login(researcher, language="ca").get(
        reverse("exchanges:application_detail", args=[in_evaluation.pk])
    )
    text = page.content.decode()
    assert SIGNED_ONE_CITY_CA in text.replace("&#x27;", "'")
    assert SIGNED_ONE_CITY_ES not in text
    # The same row reads in Spanish to a Spanish reader.
    with translation.override("es"):
        assert event.message == SIGNED_ONE_CITY_ES


def test_a_note_a_person_wrote_is_kept_and_marked_with_its_language(
    login, in_evaluation, official_cdmx
):
    researcher = in_evaluation.researcher
    with translation.override("es"):
        services.application_reject(
            actor=official_cdmx, application_id=in_evaluation.pk, note="Falta la carta de apoyo."
        )
    event = ApplicationEvent.objects.filter(application=in_evaluation).last()
    assert event is not None
    assert (event.note, event.note_language) == ("Falta la carta de apoyo.", "es")
    page = login(researcher, language="ca").get(
        reverse("exchanges:application_detail", args=[in_evaluation.pk])
    )
    text = page.content.decode()
    assert '<span lang="es">Falta la carta de apoyo.</span>' in text
    assert "(en castellà)" in text
    # In a Spanish page the note is in the page's language: no mark.
    page = login(researcher, language="es").get(
        reverse("exchanges:application_detail", args=[in_evaluation.pk])
    )
    assert '<span lang="es">' not in page.content.decode()


def test_the_status_e_mail_gives_the_note_in_each_recipients_language(
    submitted, coordinator, django_capture_on_commit_callbacks
):
    # The submission's second move ("sent to the host") is the portal's: each recipient reads
    # it in their own language, whatever language the researcher used.
    researcher = submitted.researcher
    researcher.language = "ca"
    researcher.save(update_fields=["language"])
    event = ApplicationEvent.objects.get(application=submitted, note_key="sent_to_host")
    assert event.note == ""
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        accept(submitted, coordinator)
    body = OutgoingEmail.objects.filter(to=researcher.email).latest("pk").body
    assert "Acceptada per la institució d'acollida" in body


def test_status_labels_fit_who_reads_them(login, in_evaluation, official_cdmx, official_bcn):
    with translation.override("en"):
        assert (
            status_label("approved", Audience.RESEARCHER) == "Approved, awaiting your confirmation"
        )
        assert (
            status_label("approved", Audience.OFFICIAL)
            == "Approved, awaiting the researcher's confirmation"
        )
        assert status_label("host_review", Audience.HOST) == "Awaiting your decision"
        # The admin and officials' lists read the model's label: the officials' wording.
        assert str(StayApplication.Status.APPROVED.label) == status_label(
            "approved", Audience.OFFICIAL
        )
    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    services.application_sign(actor=official_bcn, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == "approved"
    url = reverse("exchanges:application_detail", args=[in_evaluation.pk])
    researcher_page = login(in_evaluation.researcher).get(url).content.decode()
    official_page = login(official_cdmx).get(url).content.decode()
    assert "Approved, awaiting your confirmation" in researcher_page
    assert "awaiting your confirmation" not in official_page
    assert "Approved, awaiting the researcher&#x27;s confirmation" in official_page


def test_the_host_reads_the_application_in_its_own_terms(login, submitted, coordinator):
    page = login(coordinator).get(reverse("exchanges:host_list")).content.decode()
    assert "Awaiting your decision" in page


def test_existing_sentences_become_keys(in_evaluation):
    """The data migration's mapping: a Spanish sentence of the old portal becomes its key."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("exchanges.migrations.0009_timeline_notes_as_keys")
    ApplicationEvent.objects.create(
        application=in_evaluation,
        from_status="evaluation",
        to_status="evaluation",
        note=SIGNED_ONE_CITY_ES,
    )
    ApplicationEvent.objects.create(
        application=in_evaluation,
        from_status="evaluation",
        to_status="evaluation",
        note="Texto libre de una persona.",
    )
    migration.to_keys(apps, None)
    rows = ApplicationEvent.objects.filter(application=in_evaluation).order_by("-pk")[:2]
    assert [(r.note_key, r.note) for r in rows] == [
        ("", "Texto libre de una persona."),
        ("signed_one_city", ""),
    ]
    # Every sentence the migration knows is one of the model's messages.
    assert set(migration.NOTES) <= set(ApplicationEvent.NOTES)
    with translation.override("es"):
        for key, (_english, spanish, _catalan) in migration.NOTES.items():
            assert str(ApplicationEvent.NOTES[key]) == spanish
        with translation.override("en"):
            assert all(str(ApplicationEvent.NOTES[k]) == v[0] for k, v in migration.NOTES.items())
    with translation.override("ca"):
        assert all(str(ApplicationEvent.NOTES[k]) == v[2] for k, v in migration.NOTES.items())


def test_an_import_note_reads_in_the_readers_language():
    from projects.models import ProjectEvent

    event = ProjectEvent(note_key="imported", note_params={"line": 12})
    with translation.override("ca"):
        assert event.message == "Importat d'un fitxer (línia 12)."
    with translation.override("en"):
        assert event.message == "Imported from a file (line 12)."
