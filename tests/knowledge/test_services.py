"""The rules of practices and transfers, each with its refusals (knowledge.services)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfWriter

from cooperation.models import StrategicArea
from knowledge import services
from knowledge.models import Practice, PracticeAttachment, PracticeLink, Transfer
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, draft, published, transfer

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def coordinator_cdmx(institution_cdmx):
    return coordinator_of(institution_cdmx, email="coord.cdmx@example.org")


# --- Proposing ------------------------------------------------------------------------------------


def test_coordinator_proposes_a_draft_of_their_institution_with_its_city(coordinator, bcn):
    practice = draft(actor=coordinator)

    assert practice.status == "draft"
    assert practice.origin == bcn
    assert practice.institution == coordinator.institution
    assert list(practice.timeline.values_list("to_status", flat=True)) == ["draft"]
    assert practice.history.count() == 1


def test_coordinator_may_not_propose_for_another_institution(coordinator, institution_cdmx):
    with pytest.raises(PermissionDenied):
        draft(actor=coordinator, institution=institution_cdmx)
    assert not Practice.objects.exists()


def test_official_proposes_only_for_their_own_city(official_bcn, institution_bcn, institution_cdmx):
    assert draft(actor=official_bcn, institution=institution_bcn).origin_id == official_bcn.party_id
    with pytest.raises(PermissionDenied):
        draft(actor=official_bcn, institution=institution_cdmx)
    assert Practice.objects.count() == 1


def test_researcher_may_not_propose(researcher, institution_bcn):
    with pytest.raises(PermissionDenied):
        draft(actor=researcher, institution=institution_bcn)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "anything"}, "kind"),
        ({"licence": "WTFPL"}, "licence"),
        ({"audiences": ["aliens"]}, "audiences"),
        ({"texts": {"title_es": "  "}}, "title_es"),
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_saved(coordinator, changes, field):
    with pytest.raises(ValidationError) as refused:
        draft(actor=coordinator, **changes)
    assert field in refused.value.message_dict
    assert not Practice.objects.exists()


# --- Editing --------------------------------------------------------------------------------------


def test_coordinator_edits_their_draft_and_another_institution_may_not(
    coordinator, coordinator_cdmx
):
    practice = draft(actor=coordinator)
    practice.title_ca = "Oficina de Ciència Ciutadana"
    services.practice_update(actor=coordinator, practice=practice)
    assert Practice.objects.get().title_ca == "Oficina de Ciència Ciutadana"

    other = Practice.objects.get()
    other.title_es = "Cambiado por otra institución"
    with pytest.raises(PermissionDenied):
        services.practice_update(actor=coordinator_cdmx, practice=other)
    assert Practice.objects.get().title_es == "Oficina de Ciencia Ciudadana"


def test_an_edit_may_not_move_the_practice_to_another_institution(coordinator, institution_cdmx):
    practice = draft(actor=coordinator)
    practice.institution = institution_cdmx
    with pytest.raises(ValidationError):
        services.practice_update(actor=coordinator, practice=practice)
    assert Practice.objects.get().institution_id == coordinator.institution_id


def test_editing_a_published_practice_sends_it_back_to_review(coordinator, official_bcn):
    practice = published(actor=coordinator, reviewer=official_bcn)
    practice.results_es = "Mil personas participaron."
    services.practice_update(actor=coordinator, practice=practice)

    stored = Practice.objects.get()
    assert stored.status == "in_review"
    assert stored.results_es == "Mil personas participaron."
    assert not Practice.objects.published().exists()
    assert list(stored.timeline.values_list("to_status", flat=True)) == [
        "draft",
        "in_review",
        "published",
        "in_review",
    ]
    # Every change is kept in the history, with its texts.
    assert stored.history.first().results_es == "Mil personas participaron."
    # The portal's message is kept as a key and read in each reader's language.
    back = stored.timeline.last()
    assert (back.note_key, back.note) == ("back_to_review", "")
    from django.utils import translation

    with translation.override("ca"):
        catalan = back.message
    with translation.override("en"):
        assert back.message == "Changed after publication: back to review."
    assert catalan and catalan != back.message


def test_an_official_correcting_a_published_practice_also_sends_it_back(coordinator, official_bcn):
    practice = published(actor=coordinator, reviewer=official_bcn)
    services.practice_update(
        actor=official_bcn, practice=practice, areas=[StrategicArea.objects.get(number=5)]
    )
    assert Practice.objects.get().status == "in_review"


def test_saving_without_a_change_keeps_a_published_practice_published(coordinator, official_bcn):
    practice = published(actor=coordinator, reviewer=official_bcn)
    services.practice_update(actor=coordinator, practice=Practice.objects.get(pk=practice.pk))
    assert Practice.objects.get().status == "published"


# --- Review ---------------------------------------------------------------------------------------


def test_official_of_the_city_of_origin_publishes(coordinator, official_bcn):
    practice = draft(actor=coordinator)
    services.practice_submit(actor=coordinator, practice=practice)
    services.practice_publish(actor=official_bcn, practice=practice)

    stored = Practice.objects.get()
    assert stored.status == "published"
    assert stored.published_at is not None
    assert list(Practice.objects.published()) == [stored]


def test_official_of_the_other_city_may_not_publish_or_return(coordinator, official_cdmx):
    practice = draft(actor=coordinator)
    services.practice_submit(actor=coordinator, practice=practice)
    with pytest.raises(PermissionDenied):
        services.practice_publish(actor=official_cdmx, practice=practice)
    with pytest.raises(PermissionDenied):
        services.practice_return(actor=official_cdmx, practice=practice, note="No")
    assert Practice.objects.get().status == "in_review"


def test_coordinator_may_not_publish_their_own_practice(coordinator):
    practice = draft(actor=coordinator)
    services.practice_submit(actor=coordinator, practice=practice)
    with pytest.raises(PermissionDenied):
        services.practice_publish(actor=coordinator, practice=practice)
    assert Practice.objects.get().status == "in_review"


def test_a_draft_is_not_published_without_review(official_bcn, coordinator):
    practice = draft(actor=coordinator)
    with pytest.raises(ValidationError):
        services.practice_publish(actor=official_bcn, practice=practice)
    assert Practice.objects.get().status == "draft"


def test_returning_needs_a_note_which_the_institution_reads_then_resubmits(
    coordinator, official_bcn
):
    practice = draft(actor=coordinator)
    services.practice_submit(actor=coordinator, practice=practice)
    with pytest.raises(ValidationError) as refused:
        services.practice_return(actor=official_bcn, practice=practice, note=" ")
    assert "note" in refused.value.message_dict
    assert Practice.objects.get().status == "in_review"

    services.practice_return(actor=official_bcn, practice=practice, note="Add the evidence.")
    stored = Practice.objects.get()
    assert (stored.status, stored.review_note) == ("returned", "Add the evidence.")
    assert stored.timeline.last().note == "Add the evidence."

    services.practice_submit(actor=coordinator, practice=stored)
    assert Practice.objects.get().status == "in_review"


def test_allowed_moves_follow_the_table(coordinator, official_bcn, official_cdmx):
    practice = draft(actor=coordinator)
    assert services.allowed_practice_moves(coordinator, practice) == ["in_review"]
    practice = services.practice_submit(actor=coordinator, practice=practice)
    assert services.allowed_practice_moves(coordinator, practice) == []
    assert services.allowed_practice_moves(official_bcn, practice) == ["published", "returned"]
    assert services.allowed_practice_moves(official_cdmx, practice) == []


# --- Reading --------------------------------------------------------------------------------------


def test_visibility_public_coordinator_official(
    coordinator, coordinator_cdmx, official_cdmx, official_bcn
):
    public = published(actor=coordinator, reviewer=official_bcn)
    own_draft = draft(actor=coordinator, texts={"title_es": "Borrador"})
    from django.contrib.auth.models import AnonymousUser

    assert list(Practice.objects.visible_to(AnonymousUser())) == [public]
    assert list(Practice.objects.visible_to(coordinator_cdmx)) == [public]
    assert set(Practice.objects.visible_to(coordinator)) == {public, own_draft}
    assert set(Practice.objects.visible_to(official_cdmx)) == {public, own_draft}


def test_search_uses_the_languages_configuration(coordinator, official_bcn):
    published(
        actor=coordinator,
        reviewer=official_bcn,
        texts={"title_en": "Citizen science office", "title_ca": "Oficina de ciència ciutadana"},
    )
    assert Practice.objects.search("oficinas", "es").count() == 1  # Spanish stemming
    assert Practice.objects.search("offices", "en").count() == 1  # English stemming
    assert Practice.objects.search("ciutadana", "ca").count() == 1
    assert Practice.objects.search("robótica", "es").count() == 0


# --- Links and documents --------------------------------------------------------------------------


def test_a_link_is_added_and_a_bad_address_refused(coordinator):
    practice = draft(actor=coordinator)
    services.practice_link_add(
        actor=coordinator,
        practice=practice,
        title="Guía",
        url="https://example.org/guia",
        licence="CC-BY-4.0",
    )
    with pytest.raises(ValidationError) as refused:
        services.practice_link_add(
            actor=coordinator,
            practice=practice,
            title="Mala",
            url="javascript:x",
            licence="CC0-1.0",
        )
    assert "url" in refused.value.message_dict
    assert list(PracticeLink.objects.values_list("title", flat=True)) == ["Guía"]


def test_a_pdf_is_attached_and_kept_privately(coordinator, settings):
    practice = draft(actor=coordinator)
    attachment = services.practice_attachment_add(
        actor=coordinator,
        practice=practice,
        title="Evaluación",
        upload=io.BytesIO(pdf_bytes()),
        name="evaluacion.pdf",
        licence="CC-BY-4.0",
    )
    assert attachment.original_name == "evaluacion.pdf"
    assert attachment.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    with attachment.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("informe.pdf", b"MZ\x90\x00 an executable renamed", "not_pdf"),
        ("informe.pdf", b"%PDF-1.4 but nothing else", "bad_pdf"),
        ("../../etc/informe.pdf", None, "file_name_path"),
        ("informe.docx", None, "not_pdf"),
    ],
)
def test_a_disguised_or_misnamed_document_is_refused_and_nothing_saved(
    coordinator, name, content, code
):
    practice = draft(actor=coordinator)
    with pytest.raises(ValidationError) as refused:
        services.practice_attachment_add(
            actor=coordinator,
            practice=practice,
            title="Informe",
            upload=io.BytesIO(content if content is not None else pdf_bytes()),
            name=name,
            licence="CC-BY-4.0",
        )
    assert "file" in refused.value.message_dict
    assert refused.value.error_dict["file"][0].message  # a message the person reads
    assert not PracticeAttachment.objects.exists()


def test_a_document_over_the_limit_is_refused(coordinator, settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES = 100
    practice = draft(actor=coordinator)
    with pytest.raises(ValidationError):
        services.practice_attachment_add(
            actor=coordinator,
            practice=practice,
            title="Informe",
            upload=io.BytesIO(pdf_bytes()),
            name="informe.pdf",
            licence="CC-BY-4.0",
        )
    assert not PracticeAttachment.objects.exists()


def test_a_document_added_to_a_published_practice_sends_it_back_to_review(
    coordinator, official_bcn
):
    practice = published(actor=coordinator, reviewer=official_bcn)
    services.practice_attachment_add(
        actor=coordinator,
        practice=practice,
        title="Evaluación",
        upload=io.BytesIO(pdf_bytes()),
        name="evaluacion.pdf",
        licence="CC-BY-4.0",
    )
    assert Practice.objects.get().status == "in_review"


def test_another_institution_may_not_add_documents_or_links(coordinator, coordinator_cdmx):
    practice = draft(actor=coordinator)
    with pytest.raises(PermissionDenied):
        services.practice_link_add(
            actor=coordinator_cdmx,
            practice=practice,
            title="Guía",
            url="https://example.org",
            licence="CC0-1.0",
        )
    assert not PracticeLink.objects.exists()


def test_only_a_practice_never_published_may_be_deleted(coordinator, official_bcn):
    practice = draft(actor=coordinator)
    services.practice_delete(actor=coordinator, practice=practice)
    assert not Practice.objects.exists()

    practice = published(actor=coordinator, reviewer=official_bcn)
    with pytest.raises(PermissionDenied):
        services.practice_delete(actor=official_bcn, practice=practice)
    assert Practice.objects.exists()


# --- Transfers ------------------------------------------------------------------------------------


@pytest.fixture
def practice_bcn(coordinator, official_bcn) -> Practice:
    return published(actor=coordinator, reviewer=official_bcn)


def test_an_institution_of_the_other_city_records_a_transfer(practice_bcn, coordinator_cdmx):
    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    assert made.stage == "interest"
    assert list(made.timeline.values_list("to_status", flat=True)) == ["interest"]
    assert made.history.count() == 1


def test_a_transfer_to_the_practices_own_city_is_refused(practice_bcn, official_bcn):
    other_bcn = InstitutionFactory(party=practice_bcn.origin)
    with pytest.raises(ValidationError) as refused:
        transfer(actor=official_bcn, practice=practice_bcn, institution=other_bcn)
    assert "institution" in refused.value.message_dict
    assert not Transfer.objects.exists()


def test_a_draft_practice_cannot_be_transferred(coordinator, coordinator_cdmx):
    practice = draft(actor=coordinator)
    with pytest.raises(ValidationError):
        transfer(
            actor=coordinator_cdmx, practice=practice, institution=coordinator_cdmx.institution
        )
    assert not Transfer.objects.exists()


def test_a_coordinator_records_transfers_only_to_their_institution(
    practice_bcn, coordinator, official_bcn, institution_cdmx
):
    for actor in (coordinator, official_bcn):
        with pytest.raises(PermissionDenied):
            transfer(actor=actor, practice=practice_bcn, institution=institution_cdmx)
    assert not Transfer.objects.exists()


def test_a_duplicate_transfer_is_refused(practice_bcn, coordinator_cdmx):
    transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    with pytest.raises(ValidationError):
        transfer(
            actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
        )
    assert Transfer.objects.count() == 1


def test_missing_contact_or_bad_email_is_refused(practice_bcn, coordinator_cdmx):
    with pytest.raises(ValidationError) as refused:
        transfer(
            actor=coordinator_cdmx,
            practice=practice_bcn,
            institution=coordinator_cdmx.institution,
            origin_contact_name="",
            adopter_contact_email="not an address",
        )
    assert "origin_contact_name" in refused.value.message_dict
    assert not Transfer.objects.exists()


def test_stages_move_forward_to_adoption_with_its_date(practice_bcn, coordinator_cdmx):
    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    for stage in ("planning", "pilot", "adopted"):
        made = services.transfer_move(
            actor=coordinator_cdmx, transfer=made, to_stage=stage, on=datetime.date(2026, 9, 1)
        )
    stored = Transfer.objects.get()
    assert (stored.stage, stored.ended_on) == ("adopted", datetime.date(2026, 9, 1))
    assert list(stored.timeline.values_list("to_status", flat=True)) == [
        "interest",
        "planning",
        "pilot",
        "adopted",
    ]
    with pytest.raises(ValidationError):
        services.transfer_move(actor=coordinator_cdmx, transfer=stored, to_stage="discontinued")


def test_a_stage_cannot_be_skipped(practice_bcn, coordinator_cdmx):
    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    with pytest.raises(ValidationError):
        services.transfer_move(actor=coordinator_cdmx, transfer=made, to_stage="adopted")
    assert Transfer.objects.get().stage == "interest"


def test_discontinuing_needs_lessons_learned(practice_bcn, coordinator_cdmx):
    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    with pytest.raises(ValidationError) as refused:
        services.transfer_move(actor=coordinator_cdmx, transfer=made, to_stage="discontinued")
    assert "lessons" in refused.value.message_dict
    assert Transfer.objects.get().stage == "interest"

    services.transfer_move(
        actor=coordinator_cdmx,
        transfer=made,
        to_stage="discontinued",
        lessons={"lessons_es": "Faltó personal formado."},
    )
    stored = Transfer.objects.get()
    assert (stored.stage, stored.lessons_es) == ("discontinued", "Faltó personal formado.")
    assert stored.ended_on is not None


def test_only_the_adopting_side_moves_or_changes_a_transfer(
    practice_bcn, coordinator_cdmx, coordinator, official_bcn, official_cdmx
):
    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    for actor in (coordinator, official_bcn):
        with pytest.raises(PermissionDenied):
            services.transfer_move(actor=actor, transfer=made, to_stage="planning")
        made.public = True
        with pytest.raises(PermissionDenied):
            services.transfer_update(actor=actor, transfer=made)
    assert Transfer.objects.get().stage == "interest"
    assert Transfer.objects.get().public is False
    services.transfer_move(actor=official_cdmx, transfer=made, to_stage="planning")
    assert Transfer.objects.get().stage == "planning"


def test_an_update_keeps_dates_in_order_and_the_stage_fixed(practice_bcn, coordinator_cdmx):
    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    made.ended_on = datetime.date(2025, 1, 1)
    with pytest.raises(ValidationError) as refused:
        services.transfer_update(actor=coordinator_cdmx, transfer=made)
    assert "ended_on" in refused.value.message_dict
    made = Transfer.objects.get()
    made.stage = "adopted"
    with pytest.raises(ValidationError):
        services.transfer_update(actor=coordinator_cdmx, transfer=made)
    made = Transfer.objects.get()
    made.adaptations_es = "Se tradujo al contexto escolar de la CDMX."
    made.public = True
    services.transfer_update(actor=coordinator_cdmx, transfer=made)
    assert Transfer.objects.get().public is True


def test_transfers_visibility(practice_bcn, coordinator_cdmx, coordinator, official_bcn):
    from django.contrib.auth.models import AnonymousUser

    made = transfer(
        actor=coordinator_cdmx, practice=practice_bcn, institution=coordinator_cdmx.institution
    )
    assert not Transfer.objects.visible_to(AnonymousUser()).exists()
    assert list(Transfer.objects.visible_to(coordinator)) == [made]  # the offering institution
    assert list(Transfer.objects.visible_to(official_bcn)) == [made]
    made.public = True
    services.transfer_update(actor=coordinator_cdmx, transfer=made)
    assert list(Transfer.objects.visible_to(AnonymousUser())) == [made]
