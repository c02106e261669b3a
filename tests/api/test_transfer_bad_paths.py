"""Transfers' API writes, the bad paths: wrong types, fields that are not the client's to write,
stale or repeated moves, dates that cannot be, another's transfer, a missing scope. Each is a
problem naming its field, and the transfer stays as it was."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from knowledge.models import Transfer, TransferEvent

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


def _as_stored(made: Transfer) -> tuple:
    stored = Transfer.objects.get(pk=made.pk)
    return (
        stored.stage,
        stored.started_on,
        stored.ended_on,
        stored.public,
        stored.origin_contact_name,
        stored.adaptations_es,
        stored.practice_id,
        stored.institution_id,
    )


def _patch(client, made: Transfer, body, **headers):
    url = f"/api/v1/transfers/{made.pk}/"
    etag = client.get(url)["ETag"]
    return client.patch(url, body, format="json", HTTP_IF_MATCH=etag, **headers)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"started_on": "yesterday"}, "started_on"),
        ({"started_on": 20260301}, "started_on"),
        ({"public": "maybe"}, "public"),
        ({"adaptations": "an office in each borough"}, "adaptations"),
        ({"adaptations": {"es": ["a", "list"]}}, "adaptations"),
        ({"origin_contact_name": ""}, "origin_contact_name"),
        ({"origin_contact_email": "not-an-address"}, "origin_contact_email"),
        ({"adopter_contact_name": "x" * 201}, "adopter_contact_name"),
        ({"lessons": {"es": "x" * 20_001}}, "lessons"),
    ],
)
def test_a_change_with_a_bad_value_names_its_field_and_changes_nothing(
    cdmx_writer, made, body, field
):
    before = _as_stored(made)
    problem = _problem(_patch(cdmx_writer, made, body), 400)
    assert field in problem["errors"]
    assert _as_stored(made) == before


@pytest.mark.parametrize(
    "body",
    [
        {"stage": "adopted"},
        {"practice": 1},
        {"institution": "UPC"},
        {"ended_on": "2026-06-01"},
        {"public": True, "stage": "pilot"},
    ],
)
def test_a_change_to_a_field_the_client_does_not_write_is_refused_by_name(cdmx_writer, made, body):
    before = _as_stored(made)
    response = _patch(cdmx_writer, made, body, HTTP_ACCEPT_LANGUAGE="es")
    problem = _problem(response, 400)
    refused = [name for name in body if name not in ("public",)]
    assert sorted(problem["errors"]) == sorted(refused)
    for name in refused:
        expected = "acción de mover" if name == "stage" else "no se puede escribir"
        assert expected in str(problem["errors"][name])
    assert _as_stored(made) == before
    assert not TransferEvent.objects.exclude(to_status="interest").exists()


def test_a_change_that_is_not_an_object_is_a_problem(cdmx_writer, made):
    before = _as_stored(made)
    _problem(_patch(cdmx_writer, made, ["public", True]), 400)
    assert _as_stored(made) == before


def test_a_start_after_the_recorded_end_is_refused(cdmx_writer, made):
    response = cdmx_writer.post(
        f"/api/v1/transfers/{made.pk}/move/",
        {"to_stage": "discontinued", "on": "2026-04-01", "lessons": {"es": "Sin apoyo."}},
        format="json",
    )
    assert response.status_code == 200, response.content
    before = _as_stored(made)
    _problem(_patch(cdmx_writer, made, {"started_on": "2026-05-01"}), 400)
    assert _as_stored(made) == before


def test_a_change_without_the_write_scope_is_refused(partner, token_client, made):
    client = token_client(partner, ["read"])
    url = f"/api/v1/transfers/{made.pk}/"
    before = _as_stored(made)
    _problem(client.patch(url, {"public": True}, format="json", HTTP_IF_MATCH="*"), 403)
    assert _as_stored(made) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "to_stage"),
        ({"to_stage": "finished"}, "to_stage"),
        ({"to_stage": 2}, "to_stage"),
        ({"to_stage": "planning", "on": "soon"}, "on"),
        ({"to_stage": "planning", "lessons": "nothing"}, "lessons"),
        ({"to_stage": "planning", "note": "x" * 4001}, "note"),
    ],
)
def test_a_move_with_a_bad_value_names_its_field_and_moves_nothing(cdmx_writer, made, body, field):
    response = cdmx_writer.post(f"/api/v1/transfers/{made.pk}/move/", body, format="json")
    assert field in _problem(response, 400)["errors"]
    assert Transfer.objects.get(pk=made.pk).stage == "interest"
    assert TransferEvent.objects.filter(transfer=made).count() == 1


def test_a_repeated_move_is_refused_the_second_time(cdmx_writer, made):
    url = f"/api/v1/transfers/{made.pk}/move/"
    assert cdmx_writer.post(url, {"to_stage": "planning"}, format="json").status_code == 200
    again = cdmx_writer.post(url, {"to_stage": "planning"}, format="json")
    assert "cannot go from" in str(_problem(again, 400))
    assert TransferEvent.objects.filter(transfer=made).count() == 2


def test_a_final_stage_does_not_move_back(cdmx_writer, made):
    url = f"/api/v1/transfers/{made.pk}/move/"
    for stage in ("planning", "pilot", "adopted"):
        assert cdmx_writer.post(url, {"to_stage": stage}, format="json").status_code == 200
    for stage in ("pilot", "interest", "discontinued"):
        body = {"to_stage": stage, "lessons": {"es": "Lecciones."}}
        _problem(cdmx_writer.post(url, body, format="json"), 400)
    assert Transfer.objects.get(pk=made.pk).stage == "adopted"


def test_an_end_in_the_future_is_refused(cdmx_writer, made):
    url = f"/api/v1/transfers/{made.pk}/move/"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    body = {"to_stage": "discontinued", "on": tomorrow, "lessons": {"es": "Sin apoyo."}}
    problem = _problem(cdmx_writer.post(url, body, format="json"), 400)
    assert "on" in problem["errors"]
    stored = Transfer.objects.get(pk=made.pk)
    assert (stored.stage, stored.ended_on, stored.lessons_es or "") == ("interest", None, "")


@pytest.mark.parametrize("pk", ["999999", "9" * 18])
def test_an_unknown_transfer_is_not_found(cdmx_writer, pk):
    _problem(cdmx_writer.post(f"/api/v1/transfers/{pk}/move/", {"to_stage": "planning"}), 404)
    response = cdmx_writer.patch(
        f"/api/v1/transfers/{pk}/", {"public": True}, format="json", HTTP_IF_MATCH="*"
    )
    _problem(response, 404)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"practice": "abc"}, "practice"),
        ({"practice": 2**63}, "practice"),
        ({"practice": None}, "practice"),
        ({"started_on": None}, "started_on"),
        ({"public": "yes please"}, "public"),
    ],
)
def test_a_record_with_a_bad_value_names_its_field(cdmx_writer, bcn_practice, changes, field):
    body = {
        "practice": bcn_practice.pk,
        "started_on": "2026-03-01",
        "origin_contact_name": "Marta Puig",
        "origin_contact_email": "marta@example.org",
        "adopter_contact_name": "Luis Ramírez",
        "adopter_contact_email": "luis@example.org",
        **changes,
    }
    response = cdmx_writer.post("/api/v1/transfers/", body, format="json")
    assert field in _problem(response, 400)["errors"]
    assert not Transfer.objects.exists()


def test_a_record_missing_its_fields_names_each(cdmx_writer):
    problem = _problem(cdmx_writer.post("/api/v1/transfers/", {}, format="json"), 400)
    assert set(problem["errors"]) >= {
        "practice",
        "started_on",
        "origin_contact_name",
        "origin_contact_email",
        "adopter_contact_name",
        "adopter_contact_email",
    }
    assert not Transfer.objects.exists()
