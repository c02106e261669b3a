"""The files of a release written by the funders' and aggregators' standards (360Giving, IATI).

Each writer (``opendata.standards``) streams its file from the public projects and says what
it left out or completed; the file is then checked against the standard's own schema (offline,
from the standards' folder) and is "not validated" where that folder is absent. Writers run in
English so that their reasons are message ids, shown to each official in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opendata.models import ReleaseFile
from opendata.notes import Notes
from opendata.standards import StandardResult
from opendata.standards.giving360 import write_grants
from opendata.standards.iati import write_activities
from opendata.standards.validation import SchemaUnavailable, validate_360giving, validate_iati
from opendata.writers import checksum


@dataclass
class StandardFile:
    dataset: str
    format: str
    path: Path
    size: int
    sha256: str
    records: int
    validation: str
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StandardDataset:
    title: Any
    description: Any
    format: str
    filename: str
    writer: Callable[..., StandardResult]
    validate: Callable[[Path], list[str]]


STANDARD_DATASETS: dict[str, StandardDataset] = {
    "grants": StandardDataset(
        _("Grants (360Giving)"),
        _(
            "The cities' and institutions' funding of public joint projects as 360Giving 1.4.3 "
            "grants, one per commitment, in its own currency, and the awarded research stays "
            "as anonymous grants to individuals, in aggregate where few."
        ),
        ReleaseFile.Format.GIVING360,
        "grants.360giving.json",
        write_grants,
        validate_360giving,
    ),
    "activities": StandardDataset(
        _("Activities (IATI)"),
        _(
            "Each public joint project as an IATI 2.03 activity with its organisations, status, "
            "dates, sectors, budgets and commitments."
        ),
        ReleaseFile.Format.IATI,
        "activities.iati.xml",
        write_activities,
        validate_iati,
    ),
}


def write(release: Any, folder: Path, *, notes: Notes, licence_url: str) -> Iterator[StandardFile]:
    """Write the release's standard files in ``folder``, validated; yield each."""
    from django.contrib.auth.models import AnonymousUser

    from projects.models import JointProject

    for code, standard in STANDARD_DATASETS.items():
        path = folder / standard.filename
        with translation.override("en"), path.open("wb") as out:
            result = standard.writer(
                out,
                projects=JointProject.objects.visible_to(AnonymousUser()),
                published_on=release.release_date,
                site_url=settings.SITE_URL,
                licence_url=licence_url,
            )
        for (reason, completed), count in result.omissions.counts.items():
            named = [
                o.record
                for o in result.omissions
                if o.reason == reason and o.completed == completed
            ]
            notes.add_counted(code, named, reason, completed=completed, count=count)
        try:
            with translation.override("en"):
                errors = standard.validate(path)
            validation = ReleaseFile.Validation.INVALID if errors else ReleaseFile.Validation.VALID
        except SchemaUnavailable as unavailable:
            errors, validation = [str(unavailable)], ReleaseFile.Validation.NOT_VALIDATED
        size, sha256 = checksum(path)
        yield StandardFile(
            code, standard.format, path, size, sha256, result.records, validation, errors
        )
