"""Transfers written by coordinators' clients: record, change (If-Match), move through stages."""

from __future__ import annotations

import pytest

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from knowledge.models import Transfer, TransferEvent
from tests.knowledge.factories import coordinator_of, draft

pytestmark = pytest.mark.django_db

WRITE = ["read", "knowledge:write"]
PROBLEM = "application/problem+json"


@pytest.fixture
def bcn_writer(institution_bcn, token_client):
    credentials = partner_client_create(
        name="UPC knowledge", scopes=WRITE, institution=institution_bcn
    )
    return token_client(credentials, WRITE)


def _new(practice, **changes):
    return {
        "practice": practice.pk,
        "started_on": "2026-03-01",
        "origin_contact_name": "Marta Puig",
        "origin_contact_email": "marta@example.org",
        "adopter_contact_name": "Luis Ramírez",
        "adopter_contact_email": "luis@example.org",
        "adaptations": {"es": "Oficina en alcaldías", "en": "An office in each borough"},
        **changes,
    }


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


def test_a_client_records_its_institutions_transfer_and_follows_it_to_adoption(
    cdmx_writer, bcn_practice, institution_cdmx
):
    response = cdmx_writer.post("/api/v1/transfers/", _new(bcn_practice), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    stored = Transfer.objects.get()
    assert response["Location"] == f"/api/v1/transfers/{stored.pk}/"
    assert (stored.institution, stored.stage, stored.adaptations_en) == (
        institution_cdmx,
        "interest",
        "An office in each borough",
    )
    # The contacts are kept, never read back.
    assert stored.adopter_contact_email == "luis@example.org"
    assert "luis@example.org" not in response.content.decode()
    assert (body["stage"], body["city"], body["origin_city"]) == ("interest", "CDMX", "BCN")

    url = f"/api/v1/transfers/{stored.pk}/move/"
    for stage in ("planning", "pilot"):
        moved = cdmx_writer.post(url, {"to_stage": stage}, format="json")
        assert moved.status_code == 200, moved.content
        assert moved.json()["stage"] == stage
    adopted = cdmx_writer.post(url, {"to_stage": "adopted", "on": "2026-11-30"}, format="json")
    assert adopted.status_code == 200, adopted.content
    assert (adopted.json()["stage"], adopted.json()["ended_on"]) == ("adopted", "2026-11-30")
    assert list(
        TransferEvent.objects.filter(transfer=stored).order_by("pk").values_list("to_status")
    ) == [("interest",), ("planning",), ("pilot",), ("adopted",)]


def test_a_transfer_to_the_practices_own_city_is_a_problem_and_nothing_is_saved(
    bcn_writer, bcn_practice
):
    response = bcn_writer.post("/api/v1/transfers/", _new(bcn_practice), format="json")
    body = _problem(response, 400)
    assert "other city" in str(body)
    assert not Transfer.objects.exists()


def test_a_duplicate_transfer_is_a_problem(cdmx_writer, bcn_practice):
    assert (
        cdmx_writer.post("/api/v1/transfers/", _new(bcn_practice), format="json").status_code == 201
    )
    again = cdmx_writer.post(
        "/api/v1/transfers/", _new(bcn_practice, started_on="2026-04-01"), format="json"
    )
    assert "already records a transfer" in str(_problem(again, 400))
    assert Transfer.objects.count() == 1


def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(cdmx_writer, bcn_practice):
    first = cdmx_writer.post(
        "/api/v1/transfers/", _new(bcn_practice), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = cdmx_writer.post(
        "/api/v1/transfers/", _new(bcn_practice), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Transfer.objects.count() == 1


def test_a_draft_or_unknown_practice_is_refused_alike_for_outsiders(
    cdmx_writer, coordinator, institution_cdmx
):
    hidden = draft(actor=coordinator)  # a BCN draft: the CDMX client cannot read it
    for practice_id in (hidden.pk, 999_999):
        body = _problem(
            cdmx_writer.post(
                "/api/v1/transfers/", {**_new(hidden), "practice": practice_id}, format="json"
            ),
            400,
        )
        assert body["errors"]["practice"] == ["No practice with this id."] or "No practice" in str(
            body
        )
    assert not Transfer.objects.exists()


def test_bad_values_name_their_fields_in_the_callers_language(cdmx_writer, bcn_practice):
    response = cdmx_writer.post(
        "/api/v1/transfers/",
        _new(bcn_practice, started_on="yesterday", adopter_contact_email="not-an-address"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    text = str(_problem(response, 400))
    assert "started_on" in text and "adopter_contact_email" in text
    assert "Introduzca una dirección de correo electrónico válida." in text
    assert not Transfer.objects.exists()


def test_a_skipped_stage_is_a_problem_and_the_stage_stays(cdmx_writer, made):
    response = cdmx_writer.post(
        f"/api/v1/transfers/{made.pk}/move/", {"to_stage": "adopted"}, format="json"
    )
    assert "cannot go from" in str(_problem(response, 400))
    assert Transfer.objects.get().stage == "interest"


def test_discontinuing_needs_the_lessons_learned(cdmx_writer, made):
    url = f"/api/v1/transfers/{made.pk}/move/"
    refused = cdmx_writer.post(url, {"to_stage": "discontinued"}, format="json")
    assert "lessons" in _problem(refused, 400)["errors"]
    assert Transfer.objects.get().stage == "interest"
    stopped = cdmx_writer.post(
        url,
        {"to_stage": "discontinued", "lessons": {"es": "Faltó presupuesto municipal."}},
        format="json",
    )
    assert stopped.status_code == 200, stopped.content
    assert stopped.json()["lessons"]["es"] == "Faltó presupuesto municipal."
    assert Transfer.objects.get().stage == "discontinued"


def test_changing_a_transfer_needs_if_match_and_a_stale_one_loses(cdmx_writer, made):
    url = f"/api/v1/transfers/{made.pk}/"
    change = {"adaptations": {"es": "Una oficina por alcaldía"}, "adopter_contact_name": "Ana"}
    _problem(cdmx_writer.patch(url, change, format="json"), 428)
    etag = cdmx_writer.get(url)["ETag"]
    response = cdmx_writer.patch(url, change, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    _problem(cdmx_writer.patch(url, {"public": True}, format="json", HTTP_IF_MATCH=etag), 412)
    stored = Transfer.objects.get()
    assert (stored.adaptations_es, stored.adopter_contact_name, stored.public) == (
        "Una oficina por alcaldía",
        "Ana",
        False,
    )


def test_a_transfer_cannot_end_before_it_started(cdmx_writer, made):
    url = f"/api/v1/transfers/{made.pk}/move/"
    response = cdmx_writer.post(
        url,
        {"to_stage": "discontinued", "on": "2025-01-01", "lessons": {"es": "Sin apoyo."}},
        format="json",
    )
    _problem(response, 400)
    assert Transfer.objects.get().stage == "interest"


def test_the_offering_institution_reads_the_transfer_but_may_not_change_it(bcn_writer, made):
    url = f"/api/v1/transfers/{made.pk}/"
    assert bcn_writer.get(url).status_code == 200
    _problem(bcn_writer.patch(url, {"public": True}, format="json", HTTP_IF_MATCH="*"), 403)
    _problem(bcn_writer.post(f"{url}move/", {"to_stage": "planning"}, format="json"), 403)
    assert Transfer.objects.filter(stage="interest", public=False).count() == 1


def test_another_institutions_private_transfer_is_not_found(token_client, made, cdmx):
    from tests.factories import InstitutionFactory

    other = partner_client_create(
        name="IPN", scopes=WRITE, institution=InstitutionFactory(party=cdmx)
    )
    client = token_client(other, WRITE)
    url = f"/api/v1/transfers/{made.pk}/"
    _problem(client.patch(url, {"public": True}, format="json", HTTP_IF_MATCH="*"), 404)
    _problem(client.post(f"{url}move/", {"to_stage": "planning"}, format="json"), 404)
    assert Transfer.objects.get().stage == "interest"


def test_a_client_without_the_write_scope_may_not_record(partner, token_client, made):
    client = token_client(partner, ["read"])
    _problem(
        client.post(f"/api/v1/transfers/{made.pk}/move/", {"to_stage": "planning"}, format="json"),
        403,
    )


def test_moving_a_public_transfer_fires_the_webhook_with_its_stage(
    cdmx_writer, bcn_practice, institution_cdmx
):
    partner = partner_client_create(
        name="Hooks", scopes=["read", "webhooks"], institution=institution_cdmx
    )
    WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["transfer.updated"],
        secret="whsec_AAAA",
    )
    created = cdmx_writer.post("/api/v1/transfers/", _new(bcn_practice, public=True), format="json")
    assert created.status_code == 201, created.content
    cdmx_writer.post(
        f"/api/v1/transfers/{created.json()['id']}/move/", {"to_stage": "planning"}, format="json"
    )
    stages = [d.payload["data"]["stage"] for d in WebhookDelivery.objects.order_by("pk")]
    assert stages == ["interest", "planning"]


def test_people_record_through_the_api_only_as_coordinators(
    login, coordinator, official_cdmx, bcn_practice, institution_cdmx
):
    # An official has no institution whose transfer it would be: the admin is their place.
    response = login(official_cdmx).post(
        "/api/v1/transfers/", _new(bcn_practice), content_type="application/json"
    )
    _problem(response, 403)
    cdmx_coordinator = coordinator_of(institution_cdmx, email="c.unam@example.org")
    response = login(cdmx_coordinator).post(
        "/api/v1/transfers/", _new(bcn_practice), content_type="application/json"
    )
    assert response.status_code == 201, response.content
