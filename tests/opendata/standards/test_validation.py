"""The validators find what is wrong, read the schemas offline, and say when they have none."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from django.conf import settings

from opendata.standards import validation
from opendata.standards.giving360 import write_grants
from opendata.standards.iati import write_activities
from opendata.standards.validation import (
    SchemaUnavailable,
    standards_dir,
    validate_360giving,
    validate_iati,
)
from tests.opendata.standards.conftest import LICENCE_URL, PUBLISHED_ON, SITE_URL, public_projects


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every connection: a validator that fetched a schema would fail."""

    def refuse(*args, **kwargs):
        raise AssertionError("A validator tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _grants(path: Path) -> dict:
    out = io.BytesIO()
    write_grants(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    path.write_bytes(out.getvalue())
    return json.loads(out.getvalue())


def _activities(path: Path) -> bytes:
    out = io.BytesIO()
    write_activities(
        out,
        projects=public_projects(),
        published_on=PUBLISHED_ON,
        site_url=SITE_URL,
        licence_url=LICENCE_URL,
    )
    path.write_bytes(out.getvalue())
    return out.getvalue()


def test_broken_360giving_grants_are_reported(programme, schemas, no_network, tmp_path):
    path = tmp_path / "grants.json"
    package = _grants(path)
    assert validate_360giving(path) == []

    package["grants"][0]["amountAwarded"] = "mucho"
    del package["grants"][1]["fundingOrganization"]
    package["grants"][2]["currency"] = "PESOS"
    package["version"] = "1.4.3"
    path.write_text(json.dumps(package))

    errors = validate_360giving(path)
    assert any(e.startswith("grants/0/amountAwarded:") for e in errors), errors
    assert any(e.startswith("grants/1:") for e in errors), errors  # neither required set
    assert any(e.startswith("grants/2/currency:") for e in errors), errors
    assert any(e.startswith("version:") for e in errors), errors


def test_a_file_that_is_not_json_is_an_error_not_a_crash(db, schemas, tmp_path):
    path = tmp_path / "grants.json"
    path.write_text('{"grants": [')
    [error] = validate_360giving(path)
    assert "JSON" in error


def test_broken_iati_activities_are_reported(programme, schemas, no_network, tmp_path):
    path = tmp_path / "activities.xml"
    text = _activities(path).decode()
    assert validate_iati(path) == []

    # The first activity's title after its description (the schema's order); the second
    # one's status misnamed.
    start, end = text.index("<title>"), text.index("</title>") + len("</title>")
    title = text[start:end]
    broken = text[:start] + text[end:]
    broken = broken.replace("</description>", "</description>" + title, 1)
    second = broken.index("<iati-activity ", broken.index("</iati-activity>"))
    broken = broken[:second] + broken[second:].replace("<activity-status", "<activity-statut", 1)
    path.write_text(broken)

    # Each activity's first error, on the line of the file it is on.
    assert validate_iati(path) == [
        f"line {_line(broken, '<description')}: Element 'description': This element is not "
        "expected. Expected is ( title ).",
        f"line {_line(broken, '<activity-statut')}: Element 'activity-statut': This element "
        "is not expected. Expected is one of ( participating-org, other-identifier, "
        "activity-status ).",
    ]

    # The root's attributes are checked too.
    path.write_text(text.replace('version="2.03"', "", 1))
    # (once, not once for each activity).
    assert validate_iati(path) == [
        f"line {_line(text, '<iati-activities')}: Element 'iati-activities': The attribute "
        "'version' is required but missing."
    ]


def _line(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_a_file_that_is_not_xml_is_an_error_not_a_crash(db, schemas, tmp_path):
    path = tmp_path / "activities.xml"
    path.write_text("<iati-activities version='2.03'><iati-activity>")
    [error] = validate_iati(path)
    assert error.startswith("The file is not readable XML: ")


def test_without_schemas_validation_says_so(db, settings, tmp_path):
    settings.OPEN_DATA_STANDARDS_DIR = str(tmp_path / "nowhere")
    assert standards_dir() is None
    with pytest.raises(SchemaUnavailable):
        validate_360giving(tmp_path / "grants.json")
    with pytest.raises(SchemaUnavailable):
        validate_iati(tmp_path / "activities.xml")

    # A folder that lacks one standard's schemas is just as unavailable for it.
    (tmp_path / "partial" / "iati-2.03").mkdir(parents=True)
    settings.OPEN_DATA_STANDARDS_DIR = str(tmp_path / "partial")
    with pytest.raises(SchemaUnavailable):
        validate_iati(tmp_path / "activities.xml")


def test_standards_dir_is_the_setting_or_the_shared_folder_beside_the_project(settings, tmp_path):
    settings.OPEN_DATA_STANDARDS_DIR = str(tmp_path)
    assert standards_dir() == tmp_path

    del settings.OPEN_DATA_STANDARDS_DIR
    found = standards_dir()
    root = Path(settings.BASE_DIR)
    beside = [root.parent / "shared" / "standards", root.parent.parent / "shared" / "standards"]
    assert found == next((p for p in beside if p.is_dir()), None)


def test_no_schema_file_is_in_the_project():
    root = Path(settings.BASE_DIR)
    names = {validation.GIVING360_PACKAGE, validation.GIVING360_GRANT, validation.IATI_SCHEMA}
    found = [
        p
        for p in root.rglob("*")
        if p.name in names and not {".venv", "var", ".git"} & set(p.relative_to(root).parts)
    ]
    assert found == []


def test_text_xml_cannot_carry_and_bad_addresses_keep_both_files_valid(
    programme, schemas, tmp_path
):
    # Older rows: a control character pasted into a title, a website that is no address.
    from cooperation.models import Institution
    from projects.models import JointProject

    JointProject.objects.filter(pk=programme.full.pk).update(title_es="Agua\x0by\x1fciudad")
    Institution.objects.filter(pk=programme.unam.pk).update(website="www.unam.mx sin esquema")

    grants, activities = tmp_path / "grants.json", tmp_path / "activities.xml"
    package = _grants(grants)
    text = _activities(activities).decode()

    assert validate_360giving(grants) == []
    assert validate_iati(activities) == []
    full = [g for g in package["grants"] if programme.full.code in g["id"]]
    assert {g["title"] for g in full} == {"Agua y ciudad"}
    assert all("url" not in g["recipientOrganization"][0] for g in full)
    assert "<narrative>Agua y ciudad</narrative>" in text


def _whole_package_errors(path: Path) -> set[str]:
    """Validate the whole package at once with the package schema: what it finds, by place."""
    from jsonschema import Draft202012Validator

    base = standards_dir()
    assert base is not None
    folder = base / validation.GIVING360_DIR
    package_schema = json.loads((folder / validation.GIVING360_PACKAGE).read_text())
    grant_schema = json.loads((folder / validation.GIVING360_GRANT).read_text())
    validator = Draft202012Validator(
        package_schema,
        registry=validation._registry(package_schema, grant_schema),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    document = json.loads(path.read_text())
    return {validation._where(e.absolute_path) for e in validator.iter_errors(document)}


def _places(errors: list[str]) -> set[str]:
    return {error.split(": ", 1)[0] for error in errors}


def test_grant_by_grant_validation_agrees_with_the_whole_files(
    programme, stays, schemas, no_network, tmp_path
):
    path = tmp_path / "grants.json"
    package = _grants(path)
    assert any("recipientIndividual" in grant for grant in package["grants"])
    assert validate_360giving(path) == [] and _whole_package_errors(path) == set()

    package["grants"][0]["amountAwarded"] = "mucho"
    del package["grants"][1]["fundingOrganization"]
    package["grants"][-1]["recipientIndividual"] = {"id": 7}
    package["grants"][-2]["awardDate"] = "2026-02"
    package["license"] = 4
    path.write_text(json.dumps(package))
    streamed = validate_360giving(path)
    whole = _whole_package_errors(path)
    assert whole and _places(streamed) == whole, (streamed, whole)

    # Twice the same grant: the whole schema's uniqueItems, and the streamed count of it.
    package = _grants(path)
    package["grants"].append(package["grants"][0])
    path.write_text(json.dumps(package))
    assert _whole_package_errors(path) == {"grants"}
    assert validate_360giving(path) == [
        f"grants/{len(package['grants']) - 1}: the same as an earlier grant"
    ]


def test_activity_by_activity_validation_agrees_with_the_whole_file(
    programme, schemas, no_network, tmp_path
):
    from lxml import etree

    path = tmp_path / "activities.xml"
    text = _activities(path).decode()
    schema = etree.XMLSchema(
        etree.parse(
            str(schemas / validation.IATI_DIR / validation.IATI_SCHEMA),
            etree.XMLParser(no_network=True),
        )
    )

    def whole() -> set[str]:
        schema.validate(etree.parse(str(path)))
        return {f"line {e.line}: {e.message}" for e in schema.error_log}

    assert validate_iati(path) == [] and whole() == set()
    broken = text.replace("<activity-status", "<activity-statut", 2)
    broken = broken.replace('percentage="100.00"', 'percentage="lots"', 1)
    path.write_text(broken)
    assert whole() and set(validate_iati(path)) == whole()
