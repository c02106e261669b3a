"""Build, publish and purge open-data releases.

A release is a row of the outbox (``cooperation.outbox.dispatch``, kind ``opendata_release``):
requested by the daily schedule or by an official ("publish again"), handed to a worker after
commit, and by the minute sweep when the broker lost it or its worker stopped beating. A
worker claims it with a conditional UPDATE that raises ``attempts`` (the fencing token, as
report runs do), writes its files under the release's own folder and publishes it, under the
row's lock, only while the release still carries that attempt's number. The page and the
catalogue show published releases only: a worker killed halfway leaves a release that
nobody sees, taken over by the sweep, whose next attempt deletes what the killed one wrote.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.outbox import dispatch
from cooperation.roles import is_official, is_programme_admin
from exchanges import statistics
from opendata import standards_release
from opendata.datasets import DATASETS
from opendata.models import OpenDataSettings, Release, ReleaseFile, opendata_storage
from opendata.notes import Notes
from opendata.writers import check_csv, check_json, write_dataset

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0


def can_manage_releases(user: Any) -> bool:
    """Officials and administrators see releases and publish them again."""
    return is_programme_admin(user) or is_official(user)


def release_request(*, actor: Any, release_date: date | None = None) -> Release:
    """Queue a release (built by a worker once this transaction commits)."""
    if actor is not None and not can_manage_releases(actor):
        raise PermissionDenied(_("Only programme officials may publish open data."))
    release = Release.objects.create(
        release_date=release_date or timezone.localdate(), requested_by=actor
    )
    dispatch.dispatch("opendata_release", [release.pk])
    return release


def release_schedule(*, today: date | None = None) -> Release | None:
    """Queue today's scheduled release, unless one is already there (then return None).

    Two beats, or a beat delivered twice, meet the unique constraint on the scheduled date:
    the second does nothing.
    """
    day = today or timezone.localdate()
    if Release.objects.filter(scheduled=True, release_date=day).exists():
        return None
    try:
        with transaction.atomic():
            release = Release.objects.create(release_date=day, scheduled=True)
            dispatch.dispatch("opendata_release", [release.pk])
    except IntegrityError:
        return None
    return release


def release_claim(release_id: int) -> Release | None:
    """Take a queued release, or a building one whose worker stopped beating; else None."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OPENDATA_STALE_SECONDS)
    claimed = (
        Release.objects.filter(pk=release_id)
        .filter(
            Q(state=Release.State.QUEUED) | Q(state=Release.State.BUILDING, heartbeat_at__lt=stale)
        )
        .update(
            state=Release.State.BUILDING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    return Release.objects.get(pk=release_id) if claimed else None


class Superseded(Exception):
    """Another worker took the release over: this attempt stops and leaves nothing."""


class _Beat(threading.Thread):
    """Write the release's heartbeat every few seconds, on a connection of its own.

    It beats while a long statement or a standard's writer runs, so a live build is never
    taken over; calling it (from the rows' loops) raises ``Superseded`` once the release no
    longer carries this attempt's number.
    """

    def __init__(self, release: Release) -> None:
        super().__init__(name=f"opendata-release-{release.pk}-heartbeat", daemon=True)
        self.release_id = release.pk
        self.mine = Release.objects.filter(
            pk=release.pk, state=Release.State.BUILDING, attempts=release.attempts
        )
        self.interval = min(HEARTBEAT_SECONDS, settings.OPENDATA_STALE_SECONDS / 5)
        self.stopped = threading.Event()
        self.superseded = threading.Event()

    def __call__(self) -> None:
        if self.superseded.is_set():
            raise Superseded

    def beat(self) -> None:
        if self.mine.update(heartbeat_at=timezone.now()):
            return
        # A release this connection cannot see at all is still being created (tests wrap it
        # in a transaction); one it sees with another attempt, or finished, is not ours.
        if Release.objects.filter(pk=self.release_id).exists():
            self.superseded.set()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.beat()
                except DatabaseError:
                    logger.warning("Heartbeat of release %s failed", self.release_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)


def _attempt_folder(release: Release) -> str:
    return f"{release.folder}/{release.attempts}"


def _delete_folder(folder: str) -> None:
    """Delete a folder's files through the storage API (a local folder or a bucket prefix)."""
    try:
        directories, files = opendata_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        opendata_storage.delete(f"{folder}/{name}")
    for directory in directories:
        _delete_folder(f"{folder}/{directory}")


def release_execute(release_id: int) -> str:
    """Claim the release, write and check every file, publish it and purge old releases."""
    release = release_claim(release_id)
    if release is None:
        return "skipped"
    beat = _Beat(release)
    mine = beat.mine
    # What earlier, killed attempts of this release wrote is nobody's: delete it first.
    for attempt in range(1, release.attempts):
        _delete_folder(f"{release.folder}/{attempt}")
    choice = OpenDataSettings.current()
    notes = Notes()
    header = {
        "release_date": release.release_date.isoformat(),
        "publisher": str(settings.OPENDATA_PUBLISHER),
        "licence": choice.licence_url,
    }
    scratch = Path(tempfile.mkdtemp(prefix=f"opendata-{release.pk}-"))
    rows: list[ReleaseFile] = []
    beat.start()
    try:
        # Every file of the release gives the applications' counts of one reading.
        with statistics.read_once():
            for dataset in DATASETS:
                written = write_dataset(dataset, scratch, notes=notes, header=header, tick=beat)
                checks = {
                    "csv": check_csv(
                        written["csv"].path, names=dataset.names, records=written["csv"].records
                    ),
                    "dictionary": [],
                    "json": check_json(
                        written["json"].path, names=dataset.names, records=written["json"].records
                    ),
                }
                for format, item in written.items():
                    rows.append(
                        _store(
                            release,
                            dataset.code,
                            format,
                            item.path,
                            item.size,
                            item.sha256,
                            item.records,
                            checks[format],
                        )
                    )
                beat()
            for extra in standards_release.write(
                release, scratch, notes=notes, licence_url=choice.licence_url
            ):
                rows.append(
                    _store(
                        release,
                        extra.dataset,
                        extra.format,
                        extra.path,
                        extra.size,
                        extra.sha256,
                        extra.records,
                        extra.errors,
                        validation=extra.validation,
                    )
                )
                beat()
        beat.stop()
        beat()
        with transaction.atomic():
            if mine.select_for_update().first() is None:
                raise Superseded
            ReleaseFile.objects.filter(release=release).delete()
            ReleaseFile.objects.bulk_create(rows)
            mine.update(
                state=Release.State.PUBLISHED,
                published_at=timezone.now(),
                heartbeat_at=timezone.now(),
                licence_title=choice.licence_title,
                licence_url=choice.licence_url,
                report={"notes": notes.as_list()},
            )
        release_purge()
        return "published"
    except Superseded:
        logger.warning(
            "Release %s: attempt %s was taken over and stops", release.pk, release.attempts
        )
        _delete_folder(_attempt_folder(release))
        return "superseded"
    except Exception as error:
        logger.exception("Release %s failed", release.pk)
        _delete_folder(_attempt_folder(release))
        mine.update(state=Release.State.FAILED, error=f"{type(error).__name__}: {error}"[:4000])
        raise
    finally:
        if beat.is_alive():
            beat.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def _store(
    release: Release,
    dataset: str,
    format: str,
    path: Path,
    size: int,
    sha256: str,
    records: int,
    errors: list[str],
    *,
    validation: str | None = None,
) -> ReleaseFile:
    """Save a written file into the ``opendata`` storage under this attempt's folder."""
    name = f"{_attempt_folder(release)}/{path.name}"
    with path.open("rb") as handle:
        name = opendata_storage.save(name, File(handle, name=path.name))
    if validation is None:
        validation = ReleaseFile.Validation.INVALID if errors else ReleaseFile.Validation.VALID
    return ReleaseFile(
        release=release,
        dataset=dataset,
        format=format,
        file=name,
        size=size,
        sha256=sha256,
        records=records,
        validation=validation,
        errors=errors[:50],
    )


def release_purge(*, now: Any = None) -> int:
    """Delete published releases older than the retention the officials set, and failed ones.

    The latest published release is always kept; files go through the storage API.
    """
    now = now or timezone.now()
    keep = OpenDataSettings.current().retention_days
    latest = Release.objects.published().order_by("-published_at", "-pk").first()
    old = Release.objects.filter(
        Q(state=Release.State.PUBLISHED, published_at__lt=now - timedelta(days=keep))
        | Q(state=Release.State.FAILED, created_at__lt=now - timedelta(days=keep))
    )
    if latest is not None:
        old = old.exclude(pk=latest.pk)
    purged = 0
    for release in old:
        _delete_folder(release.folder)
        release.delete()
        purged += 1
    return purged


def due_releases(now: Any) -> list[int]:
    """The releases the sweep hands over: queued past the grace period, or whose worker died."""
    stale = now - timedelta(seconds=settings.OPENDATA_STALE_SECONDS)
    return list(
        Release.objects.filter(
            Q(state=Release.State.QUEUED, created_at__lte=now - dispatch.grace())
            | Q(state=Release.State.BUILDING, heartbeat_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_SWEEP_BATCH]
    )


def latest_release() -> Release | None:
    """Return the latest published release with its files (two queries)."""
    return (
        Release.objects.published()
        .prefetch_related("files")
        .order_by("-published_at", "-pk")
        .first()
    )


def settings_update(
    *, actor: Any, licence_title: str, licence_url: str, retention_days: int
) -> OpenDataSettings:
    """Change the programme's open-data choices (the next release uses them)."""
    if not can_manage_releases(actor):
        raise PermissionDenied(_("Only programme officials may change the open-data settings."))
    with transaction.atomic():
        OpenDataSettings.current()
        row = OpenDataSettings.objects.select_for_update().get(pk=1)
        row.licence_title, row.licence_url = licence_title, licence_url
        row.retention_days = retention_days
        row.save(update_fields=["licence_title", "licence_url", "retention_days"])
    return row
