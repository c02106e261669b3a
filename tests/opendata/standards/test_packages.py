"""The package reader gives back what ``json.load`` would, a grant at a time, and the validator
counts what a whole-file check would (at least one grant, no grant twice)."""

from __future__ import annotations

import io
import json

import pytest

from opendata.standards import packages
from opendata.standards.packages import PackageError, Streamed, read_package
from opendata.standards.validation import validate_360giving

PACKAGE = {
    "version": "1.4",
    "grants": [
        {"id": "360G-x-1", "amountAwarded": 1234567.25, "title": "Agua · ciutat ✓"},
        {"id": "360G-x-2", "amountAwarded": 10, "nested": {"a": [1, 2, {"b": None}]}},
        {"id": "360G-x-3", "amountAwarded": 100000000000},
    ],
    "publisher": {"name": "Programa"},
}


def _read(data: bytes) -> tuple[list, dict]:
    items = list(read_package(io.BytesIO(data)))
    *grants, (last_index, rest) = items
    assert last_index is None
    return [grant for _index, grant in grants], rest


@pytest.mark.parametrize("read_size", [1, 2, 7, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_reads_every_grant_across_any_chunk_boundary(monkeypatch, read_size, indent):
    # A chunk may end inside a name, a string, a multi-byte character or a number.
    monkeypatch.setattr(packages, "READ_SIZE", read_size)
    data = b"\xef\xbb\xbf" + json.dumps(PACKAGE, indent=indent, ensure_ascii=False).encode()

    grants, rest = _read(data)

    assert grants == PACKAGE["grants"]
    assert isinstance(rest.pop("grants"), Streamed)
    assert rest == {"version": "1.4", "publisher": {"name": "Programa"}}


def test_grants_that_are_not_a_list_are_given_whole():
    grants, rest = _read(b'{"grants": {"id": 1}, "version": "1.4"}')
    assert grants == [] and rest == {"grants": {"id": 1}, "version": "1.4"}


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b'{"grants": [{"id": 1}', b'{"grants": [{"id": 1},]}', b'{"a": 1} x', b"{1: 2}"],
)
def test_what_is_not_one_json_object_is_an_error(data):
    with pytest.raises(PackageError):
        list(read_package(io.BytesIO(data)))


def _grant(number: int) -> dict:
    return {
        "id": f"360G-cdmxbcn-{number}",
        "title": "Agua",
        "description": "Agua",
        "currency": "EUR",
        "amountAwarded": 10,
        "awardDate": "2026-01-01",
        "recipientOrganization": [{"id": "XI-ROR-01tmp8f25", "name": "UNAM"}],
        "fundingOrganization": [{"id": "360G-cdmxbcn-city-BCN", "name": "Barcelona"}],
    }


def test_validator_counts_as_the_whole_schema_would(schemas, tmp_path):
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": [_grant(1), _grant(2)]}))
    assert validate_360giving(path) == []

    # The same grant twice (uniqueItems).
    path.write_text(json.dumps({"grants": [_grant(1), _grant(2), _grant(1)]}))
    assert validate_360giving(path) == ["grants/2: the same grant as grants/0"]

    # No grants member at all, or not a list: the package schema's own messages.
    path.write_text(json.dumps({"version": "1.4"}))
    assert validate_360giving(path) == ["/: 'grants' is a required property"]
    path.write_text(json.dumps({"grants": "none"}))
    assert validate_360giving(path) == ["grants: 'none' is not of type 'array'"]
