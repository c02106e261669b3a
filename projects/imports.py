"""Import historical projects from a CSV or XLSX file: all rows valid, or nothing written.

The file has one header row with exactly the columns of ``COLUMNS`` (any order). Each bad row
is reported with its line number in the file and the reason; ``import_projects`` writes only a
file without a single error, in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperation.models import Axis, Institution, StrategicArea, User
from cooperation.storage import NamedStorage
from projects.models import (
    JointProject,
    Participation,
    ProjectStatus,
    project_code_validator,
    reserve_project_codes,
)
from projects.services.lifecycle import check_new_project, project_create
from projects.services.rules import city_ids

COLUMNS = (
    "code",
    "title_es",
    "title_ca",
    "title_en",
    "summary_es",
    "impact_es",
    "primary_area",
    "other_areas",
    "axes",
    "status",
    "start_date",
    "end_date",
    "public",
    "lead_institution",
    "partner_institutions",
)
REQUIRED = (
    "code",
    "title_es",
    "primary_area",
    "status",
    "start_date",
    "end_date",
    "lead_institution",
)
MAX_ROWS = 20_000


@functools.cache
def max_lengths() -> dict[str, int]:
    """Return the longest value each text column takes (that of the project's column)."""
    limits = {}
    for column in COLUMNS:
        try:
            field = JointProject._meta.get_field(column)
        except FieldDoesNotExist:
            continue
        if column != "code" and isinstance(field, models.CharField) and field.max_length:
            limits[column] = field.max_length  # (codes are checked against their pattern)
    return limits


# Checked files wait in the default storage, under a random name (the "token"), for the
# official's confirmation; ``purge_unconfirmed_files`` deletes those never confirmed.
STORAGE_FOLDER = "project-imports"
# The private "imports" storage of settings.STORAGES (local folder or S3 prefix), shared by the
# web node that took the upload and the worker that imports it.
import_storage = NamedStorage("imports")
STORED_NAME = re.compile(r"[A-Za-z0-9]{24}\.(csv|xlsx)")
UNCONFIRMED_MAX_AGE = datetime.timedelta(days=1)
TRUE = {"1", "true", "yes", "sí", "si", "x"}
FALSE = {"", "0", "false", "no"}

FILE_ERRORS = {
    "format": gettext_lazy("The file must be a CSV (.csv) or Excel (.xlsx) spreadsheet."),
    "unreadable": gettext_lazy(
        "The file could not be read as a spreadsheet: it may be damaged or of another kind."
    ),
    "empty": gettext_lazy("The file has no header row."),
    "too_many": gettext_lazy("The file has more than %(max)s rows."),
}


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]


@dataclass
class ImportResult:
    """The outcome of reading a file: the rows it would create and every problem found."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors and bool(self.rows)


def _read_rows(name: str, stream: IO[bytes]) -> list[list[Any]]:
    lower = name.lower()
    if lower.endswith(".csv"):
        raw = stream.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(FILE_ERRORS["unreadable"]) from error
        if "\x00" in text:
            raise ValueError(FILE_ERRORS["unreadable"])
        return list(csv.reader(io.StringIO(text)))
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
            raise ValueError(FILE_ERRORS["unreadable"]) from error
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    raise ValueError(FILE_ERRORS["format"])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, column: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError as error:
        raise ValidationError(
            _("%(column)s: “%(value)s” is not a date (use YYYY-MM-DD).")
            % {"column": column, "value": _text(value)}
        ) from error


def _codes(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).replace(",", ";").split(";") if part.strip()]


class _Lookup:
    """Reference data by code, read once per file (four queries whatever the file's size)."""

    def __init__(self) -> None:
        self.areas = {a.code: a for a in StrategicArea.objects.all()}
        self.axes = {a.code: a for a in Axis.objects.all()}
        self.institutions = {i.code: i for i in Institution.objects.all()}
        self.cities = city_ids()

    def get(self, table: dict[str, Any], code: str, what: str) -> Any:
        if code not in table:
            raise ValidationError(
                _("Unknown %(what)s code “%(code)s”.") % {"what": what, "code": code}
            )
        return table[code]


def _institutions(lead: Institution, partners: list[Institution]) -> list[tuple[Institution, str]]:
    return [
        (lead, Participation.Role.LEAD),
        *((partner, Participation.Role.PARTNER) for partner in partners),
    ]


def _parse_row(values: dict[str, Any], lookup: _Lookup, actor: User | None) -> dict[str, Any]:
    problems: list[str] = []
    for column in REQUIRED:
        if not _text(values.get(column)):
            problems.append(_("%(column)s is required.") % {"column": column})
    for column, limit in max_lengths().items():
        length = len(_text(values.get(column)))
        if length > limit:
            # Checked here, in the dry run: the column would refuse it when the row is written.
            problems.append(
                _("%(column)s: at most %(limit)s characters (this one has %(length)s).")
                % {"column": column, "limit": limit, "length": length}
            )
    if problems:
        raise ValidationError(problems)
    code = _text(values["code"]).upper()
    try:
        project_code_validator(code)
    except ValidationError as error:
        raise ValidationError(_("code: %(reason)s") % {"reason": error.messages[0]}) from error
    status = _text(values["status"]).lower()
    if status not in ProjectStatus.values:
        raise ValidationError(
            _("status: “%(value)s” is not one of %(choices)s.")
            % {"value": status, "choices": ", ".join(ProjectStatus.values)}
        )
    start = _date(values["start_date"], "start_date")
    end = _date(values["end_date"], "end_date")
    public_text = _text(values.get("public")).lower()
    if public_text not in TRUE | FALSE:
        raise ValidationError(
            _("public: “%(value)s” must be yes or no.") % {"value": _text(values.get("public"))}
        )
    lead = lookup.get(lookup.institutions, _text(values["lead_institution"]), _("institution"))
    partners = [
        lookup.get(lookup.institutions, c, _("institution"))
        for c in _codes(values.get("partner_institutions"))
    ]
    if lead in partners:
        raise ValidationError(_("The lead institution is also listed as a partner."))
    # The same rules as a project added in the admin (both cities past a proposal, one lead,
    # the official's city), from the service that enforces them when the row is written.
    check_new_project(
        actor=actor,
        status=status,
        start_date=start,
        end_date=end,
        institutions=_institutions(lead, partners),
        cities=lookup.cities,
    )
    return {
        "code": code,
        "title_es": _text(values["title_es"]),
        "title_ca": _text(values.get("title_ca")) or None,
        "title_en": _text(values.get("title_en")) or None,
        "summary_es": _text(values.get("summary_es")),
        "impact_es": _text(values.get("impact_es")),
        "primary_area": lookup.get(lookup.areas, _text(values["primary_area"]), _("area")),
        "other_areas": [
            lookup.get(lookup.areas, c, _("area")) for c in _codes(values.get("other_areas"))
        ],
        "axes": [lookup.get(lookup.axes, c, _("axis")) for c in _codes(values.get("axes"))],
        "status": status,
        "start_date": start,
        "end_date": end,
        "public": public_text in TRUE,
        "lead": lead,
        "partners": partners,
    }


def read_projects(name: str, stream: IO[bytes], *, actor: User | None = None) -> ImportResult:
    """Read and check every row of a file for ``actor`` (None: the server's operator); write
    nothing."""
    result = ImportResult()
    try:
        table = _read_rows(name, stream)
    except ValueError as error:
        result.file_error = str(error.args[0])
        return result
    while table and not any(_text(v) for v in table[-1]):
        table.pop()
    if not table:
        result.file_error = str(FILE_ERRORS["empty"])
        return result
    if len(table) > MAX_ROWS + 1:
        result.file_error = str(FILE_ERRORS["too_many"]) % {"max": MAX_ROWS}
        return result
    header = [_text(v).lower() for v in table[0]]
    unknown = [c for c in header if c not in COLUMNS]
    missing = [c for c in COLUMNS if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        parts = []
        if unknown:
            parts.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        if missing:
            parts.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if len(set(header)) != len(header):
            parts.append(_("a column appears twice"))
        result.file_error = _("Line 1 (header): %(problems)s. Expected columns: %(columns)s.") % {
            "problems": "; ".join(parts),
            "columns": ", ".join(COLUMNS),
        }
        return result
    lookup = _Lookup()
    seen: dict[str, int] = {}
    for number, raw in enumerate(table[1:], start=2):
        if not any(_text(v) for v in raw):
            continue
        values = dict(zip(header, list(raw) + [None] * (len(header) - len(raw)), strict=False))
        try:
            parsed = _parse_row(values, lookup, actor)
        except (ValidationError, PermissionDenied) as error:
            result.errors.extend(RowError(number, message) for message in _messages(error))
            continue
        if parsed["code"] in seen:
            result.errors.append(
                RowError(
                    number,
                    _("The code %(code)s is repeated (first on line %(line)s).")
                    % {"code": parsed["code"], "line": seen[parsed["code"]]},
                )
            )
            continue
        seen[parsed["code"]] = number
        result.rows.append(ParsedRow(number, parsed))
    # One query for every code that already exists.
    existing = set(JointProject.objects.filter(code__in=list(seen)).values_list("code", flat=True))
    for row in result.rows:
        if row.values["code"] in existing:
            result.errors.append(
                RowError(
                    row.line,
                    _("A project with the code %(code)s already exists.")
                    % {"code": row.values["code"]},
                )
            )
    result.errors.sort(key=lambda e: e.line)
    return result


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


@transaction.atomic
def import_projects(
    result: ImportResult,
    *,
    actor: User | None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every row of a checked file, each through ``project_create``; all or nothing.

    Refuses a file with any error. ``progress`` is called with the number of rows written so
    far (the import run's heartbeat).
    """
    if not result.ok:
        raise ValidationError(_("The file has errors: nothing was imported."))
    cities = city_ids()
    for done, row in enumerate(result.rows, start=1):
        v = row.values
        project = JointProject(
            code=v["code"],
            title=v["title_es"],
            title_es=v["title_es"],
            title_ca=v["title_ca"],
            title_en=v["title_en"],
            summary=v["summary_es"],
            summary_es=v["summary_es"],
            impact=v["impact_es"],
            impact_es=v["impact_es"],
            primary_area=v["primary_area"],
            status=v["status"],
            start_date=v["start_date"],
            end_date=v["end_date"],
            public=v["public"],
        )
        try:
            project_create(
                actor=actor,
                project=project,
                institutions=_institutions(v["lead"], v["partners"]),
                areas=v["other_areas"],
                axes=v["axes"],
                note_key="imported",
                note_params={"line": row.line},
                cities=cities,
            )
        except (ValidationError, PermissionDenied) as error:
            # Checked in the dry run; the data may have changed since (an institution made
            # inactive, a rule met differently): the whole file is refused, naming the row.
            raise ValidationError(
                _("Line %(line)s: %(reason)s")
                % {"line": row.line, "reason": " ".join(_messages(error))}
            ) from error
        if progress is not None:
            progress(done)
    reserve_project_codes([row.values["code"] for row in result.rows])
    return len(result.rows)


def purge_unconfirmed_files(
    *, max_age: datetime.timedelta = UNCONFIRMED_MAX_AGE, keep: frozenset[str] = frozenset()
) -> int:
    """Delete checked import files older than ``max_age`` that nobody confirmed.

    A file is deleted once it is found bad, or once its import has run; whatever else is left
    in the folder (and is not in ``keep``) was checked and never confirmed.
    """
    try:
        _folders, names = import_storage.listdir(STORAGE_FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - max_age
    deleted = 0
    for name in names:
        if not STORED_NAME.fullmatch(name) or name in keep:
            continue  # (``keep``: files that a queued or running import still needs)
        stored = f"{STORAGE_FOLDER}/{name}"
        try:
            if import_storage.get_modified_time(stored) >= cutoff:
                continue
        except FileNotFoundError:
            continue  # confirmed (and deleted) meanwhile
        import_storage.delete(stored)
        deleted += 1
    return deleted
