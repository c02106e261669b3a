"""Releases: every dataset in CSV (with its dictionary) and JSON, checked, and nothing private."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from opendata import datasets, services
from opendata.datasets import DATASETS
from opendata.models import OpenDataSettings, Release, ReleaseFile
from opendata.notes import translated_reason

pytestmark = pytest.mark.django_db


def read(item: ReleaseFile) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()


def csv_rows(item: ReleaseFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read(item).decode("utf-8"))))


def test_release_writes_every_dataset_in_csv_dictionary_and_json_with_checksums(published):
    files = {(f.dataset, f.format): f for f in published.files.all()}
    assert published.state == Release.State.PUBLISHED
    for dataset in DATASETS:
        for format in ("csv", "dictionary", "json"):
            item = files[(dataset.code, format)]
            content = read(item)
            assert item.size == len(content)
            assert item.sha256 == hashlib.sha256(content).hexdigest()
            assert item.validation == ReleaseFile.Validation.VALID, item.errors
        dictionary = csv_rows(files[(dataset.code, "dictionary")])
        assert [row["column"] for row in dictionary] == dataset.names
        assert all(row["description_es"] and row["description_ca"] for row in dictionary)
        assert len(csv_rows(files[(dataset.code, "csv")])) == files[(dataset.code, "csv")].records
        document = json.loads(read(files[(dataset.code, "json")]))
        assert document["dataset"] == dataset.code
        assert len(document["records"]) == files[(dataset.code, "json")].records


def test_release_holds_public_projects_only_with_their_institutions_and_funding(
    published, programme
):
    files = {(f.dataset, f.format): f for f in published.files.all()}
    projects = {row["code"]: row for row in csv_rows(files[("projects", "csv")])}
    assert set(projects) == {p.code for p in programme.public}
    complete = projects[programme.public[0].code]
    assert complete["title_ca"] == "Aigua per a la ciutat"
    assert complete["lead_institution"] == "OD-UNAM"
    assert complete["institutions"] == "OD-UNAM;OD-UPC"
    assert complete["cities"] == "BCN;CDMX"
    funding = csv_rows(files[("funding", "csv")])
    assert {(r["project"], r["funder"], r["amount"], r["currency"]) for r in funding} == {
        (complete["code"], "CDMX", "2500.00", "MXN"),
        (complete["code"], "OD-UPC", "1000.00", "EUR"),
    }
    everything = b"".join(read(f) for f in published.files.all())
    assert programme.private[0].code.encode() not in everything
    assert b"confidencial" not in everything
    assert b"999999" not in everything


def test_no_personal_data_in_any_released_file_nor_in_the_catalogue(published, programme, client):
    contents = [read(f).decode("utf-8") for f in published.files.all()]
    contents.append(client.get("/open-data/catalog.jsonld").content.decode("utf-8"))
    assert programme.people  # names, e-mails and ORCIDs of the fixture's people
    for text in contents:
        for personal in programme.people:
            assert personal.lower() not in text.lower(), personal
        assert "@example.org" not in text


def test_bad_data_is_completed_and_named_in_the_validation_report(published, programme):
    leaderless = programme.public[1]
    files = {(f.dataset, f.format): f for f in published.files.all()}
    row = next(r for r in csv_rows(files[("projects", "csv")]) if r["code"] == leaderless.code)
    assert row["lead_institution"] == ""
    assert row["title_ca"] == row["title_en"] == "Movilidad sin líder"  # completed with Spanish
    notes = published.report["notes"]
    lead = next(n for n in notes if n["source"] == "projects" and "lead" in n["reason"])
    assert lead["completed"] and lead["records"] == [leaderless.code] and lead["count"] == 1
    texts = next(n for n in notes if n["source"] == "projects" and "Spanish" in n["reason"])
    assert leaderless.code in texts["records"]
    with translation.override("es"):
        assert "líder" in translated_reason(lead) or "principal" in translated_reason(lead)


def test_a_dataset_that_fails_leaves_nothing_published_and_no_file(
    programme, monkeypatch, opendata_root
):
    def broken(notes):
        yield {"code": "x"}
        raise RuntimeError("the database went away")

    broken_set = datasets.Dataset("projects", "t", "d", datasets.PROJECT_COLUMNS, broken)
    monkeypatch.setattr(services, "DATASETS", (DATASETS[2], broken_set))
    release = services.release_request(actor=None)
    with pytest.raises(RuntimeError):
        services.release_execute(release.pk)
    release.refresh_from_db()
    assert release.state == Release.State.FAILED
    assert "the database went away" in release.error
    assert not release.files.exists()
    assert [p for p in opendata_root.rglob("*") if p.is_file()] == []
    assert services.latest_release() is None


def test_a_killed_attempt_is_taken_over_and_its_files_deleted(programme, settings, opendata_root):
    release = services.release_request(actor=None)
    first = services.release_claim(release.pk)
    assert first is not None and first.attempts == 1
    # The killed worker wrote part of its files, then stopped beating.
    leftover = opendata_root / first.folder / "1" / "projects.csv"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("half")
    assert services.release_execute(release.pk) == "skipped"  # still alive as far as we know
    assert services.due_releases(timezone.now()) == []
    stale = timezone.now() - datetime.timedelta(seconds=settings.OPENDATA_STALE_SECONDS + 1)
    Release.objects.filter(pk=release.pk).update(heartbeat_at=stale)
    assert services.due_releases(timezone.now()) == [release.pk]
    assert services.release_execute(release.pk) == "published"
    release.refresh_from_db()
    assert release.attempts == 2
    assert not leftover.exists()
    assert all(f.file.name.startswith(f"{release.folder}/2/") for f in release.files.all())


def test_an_attempt_taken_over_meanwhile_publishes_nothing(programme, monkeypatch):
    release = services.release_request(actor=None)
    original = services.write_dataset

    def overtaken(*args, **kwargs):
        # Another worker claims the release while this one writes.
        Release.objects.filter(pk=release.pk).update(attempts=5)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "write_dataset", overtaken)
    assert services.release_execute(release.pk) == "superseded"
    release.refresh_from_db()
    assert release.state == Release.State.BUILDING and not release.files.exists()


def test_the_schedule_queues_one_release_a_day_however_many_beats(db):
    day = datetime.date(2026, 12, 2)
    first = services.release_schedule(today=day)
    assert first is not None and first.scheduled
    assert services.release_schedule(today=day) is None
    assert Release.objects.filter(release_date=day).count() == 1
    assert services.due_releases(timezone.now() + datetime.timedelta(hours=1)) == [first.pk]


def test_a_release_again_the_same_day_replaces_the_current_one(published, programme):
    again = services.release_request(actor=None, release_date=published.release_date)
    assert services.release_execute(again.pk) == "published"
    assert services.latest_release().pk == again.pk
    assert services.release_execute(again.pk) == "skipped"  # a duplicate delivery does nothing


def test_old_releases_are_purged_after_the_retention_the_officials_set(
    published, programme, opendata_root
):
    row = OpenDataSettings.current()
    row.retention_days = 10
    row.save()
    Release.objects.filter(pk=published.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=11)
    )
    assert services.release_purge() == 0  # the latest release is always kept
    newer = services.release_request(actor=None)
    services.release_execute(newer.pk)  # publishing purges what is past its time
    assert not Release.objects.filter(pk=published.pk).exists()
    assert not (opendata_root / published.folder).exists() or not any(
        p.is_file() for p in (opendata_root / published.folder).rglob("*")
    )
    assert Release.objects.get(pk=newer.pk).state == Release.State.PUBLISHED


def test_only_officials_request_a_release(coordinator, official_bcn):
    with pytest.raises(PermissionDenied):
        services.release_request(actor=coordinator)
    assert services.release_request(actor=official_bcn).requested_by == official_bcn


def test_the_licence_officials_choose_goes_into_the_release(programme, official_cdmx):
    services.settings_update(
        actor=official_cdmx,
        licence_title="CC0 1.0",
        licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
        retention_days=30,
    )
    release = services.release_request(actor=None)
    services.release_execute(release.pk)
    release.refresh_from_db()
    assert release.licence_url == "https://creativecommons.org/publicdomain/zero/1.0/"
    projects = release.files.get(dataset="projects", format="json")
    assert json.loads(read(projects))["licence"] == release.licence_url


def test_a_release_holds_the_360giving_and_iati_files_validated_against_their_schemas(
    published, programme
):
    from opendata.standards.validation import standards_dir

    grants = published.files.get(dataset="grants", format="360giving")
    activities = published.files.get(dataset="activities", format="iati")
    assert grants.filename == "grants.360giving.json"
    assert activities.filename == "activities.iati.xml"
    assert json.loads(read(grants))["grants"]  # the complete project's commitments
    assert read(activities).startswith(b"<?xml")
    for item in (grants, activities):
        assert item.sha256 == hashlib.sha256(read(item)).hexdigest()
        if standards_dir() is None:
            assert item.validation == ReleaseFile.Validation.NOT_VALIDATED
        else:
            assert item.validation == ReleaseFile.Validation.VALID, item.errors
    # The leaderless project's funding has no recipient: said in the report.
    sources = {n["source"] for n in published.report["notes"]}
    assert {"grants", "activities"} & sources


def test_without_the_schemas_the_standard_files_are_published_not_validated(
    programme, settings, tmp_path
):
    settings.OPEN_DATA_STANDARDS_DIR = str(tmp_path / "absent")
    release = services.release_request(actor=None)
    assert services.release_execute(release.pk) == "published"
    for format in ("360giving", "iati"):
        item = ReleaseFile.objects.get(release=release, format=format)
        assert item.validation == ReleaseFile.Validation.NOT_VALIDATED
        assert item.errors  # the reason, said


def test_public_events_with_attendance_under_disclosure_and_no_registrant(
    official_bcn, bcn, researcher
):
    from knowledge import services as knowledge_services
    from knowledge.models import Event
    from opendata.services import release_execute, release_request
    from tests.factories import InstitutionFactory
    from tests.knowledge.factories import event

    host = InstitutionFactory(party=bcn)
    small = event(actor=official_bcn, institution=host, texts={"title_es": "Taller pequeño"})
    large = event(actor=official_bcn, institution=host, texts={"title_es": "Congreso grande"})
    draft = event(actor=official_bcn, institution=host, publish=False)
    knowledge_services.registration_create(actor=researcher, event=large)
    past = timezone.now() - datetime.timedelta(days=3)
    Event.objects.filter(pk__in=[small.pk, large.pk]).update(
        starts_at=past, registration_closes_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    for held, attendance in ((small, 3), (large, 40)):
        held.refresh_from_db()
        knowledge_services.event_record_attendance(
            actor=official_bcn, event=held, attended=[], attendance=attendance
        )
    release = release_request(actor=None, release_date=datetime.date(2026, 12, 1))
    assert release_execute(release.pk) == "published"
    files = {(f.dataset, f.format): f for f in release.files.all()}
    rows = {int(row["event"]): row for row in csv_rows(files[("events", "csv")])}
    assert set(rows) == {small.pk, large.pk}  # never a draft
    assert draft.pk not in rows
    assert rows[small.pk]["attendance"] == "<5"  # three people could be named
    assert rows[large.pk]["attendance"] == "40"
    assert rows[large.pk]["title_es"] == "Congreso grande"
    assert rows[large.pk]["city"] == "BCN"
    everything = b"".join(read(f) for f in release.files.all())
    for datum in (researcher.email, researcher.last_name, "meet.example.org"):
        assert datum.encode() not in everything


def test_a_release_reads_the_applications_counts_once_for_all_its_files(programme, monkeypatch):
    """The calls' file, the stay statistics and the 360Giving stays share one reading, so an
    application submitted during the release cannot make two files disagree."""
    from exchanges import statistics

    readings = []
    real = statistics._applications_publication

    def counted(**kwargs):
        readings.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(statistics, "_applications_publication", counted)
    release = services.release_request(actor=None, release_date=datetime.date(2026, 12, 1))
    assert services.release_execute(release.pk) == "published"
    assert readings == [{"using": "default"}]
    # Outside a release each call reads again (the API, the reports: always current).
    statistics.applications_publication()
    statistics.applications_publication()
    assert len(readings) == 3


def test_one_reading_holds_inside_read_once_only():
    from exchanges import statistics

    with statistics.read_once():
        first = statistics.applications_publication()
        assert statistics.applications_publication() is first
    assert statistics.applications_publication() is not first
