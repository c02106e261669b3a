"""Write a dataset's CSV, data dictionary and JSON in one pass over its rows, and check them.

Rows are written as they come (the CSV row by row, the JSON one record a line inside its
array), so a release of 100,000 projects holds one chunk of rows in memory, never the file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import translation

from cooperation.spreadsheets import csv_writer
from opendata.columns import LANGUAGES
from opendata.datasets import Dataset
from opendata.notes import Notes

LIST_SEPARATOR = ";"


@dataclass
class Written:
    path: Path
    records: int
    size: int = 0
    sha256: str = ""


def checksum(path: Path) -> tuple[int, str]:
    """Return the file's size and SHA-256, read a block at a time."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 16):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def write_dataset(
    dataset: Dataset,
    folder: Path,
    *,
    notes: Notes,
    header: dict[str, Any],
    tick: Callable[[], None] = lambda: None,
) -> dict[str, Written]:
    """Write ``<code>.csv``, ``<code>.dictionary.csv`` and ``<code>.json`` in ``folder``."""
    names = dataset.names
    paths = {
        "csv": folder / f"{dataset.code}.csv",
        "dictionary": folder / f"{dataset.code}.dictionary.csv",
        "json": folder / f"{dataset.code}.json",
    }
    records = 0
    with (
        paths["csv"].open("w", encoding="utf-8", newline="") as csv_file,
        paths["json"].open("w", encoding="utf-8") as json_file,
    ):
        table = csv_writer(csv_file)
        table.writerow(names)
        opening = json.dumps({**header, "dataset": dataset.code}, ensure_ascii=False)
        json_file.write(opening[:-1] + ', "records": [\n')
        for row in dataset.rows(notes):
            table.writerow([csv_cell(row.get(name)) for name in names])
            json_file.write(("" if records == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            records += 1
            tick()
        json_file.write("\n]}\n")
    with paths["dictionary"].open("w", encoding="utf-8", newline="") as handle:
        dictionary = csv_writer(handle)
        dictionary.writerow(["column", "type", *(f"description_{lang}" for lang in LANGUAGES)])
        for column in dataset.columns:
            descriptions = []
            for language in LANGUAGES:
                with translation.override(language):
                    descriptions.append(str(column.description))
            dictionary.writerow([column.name, column.type, *descriptions])
    written = {
        "csv": Written(paths["csv"], records),
        "dictionary": Written(paths["dictionary"], len(dataset.columns)),
        "json": Written(paths["json"], records),
    }
    for item in written.values():
        item.size, item.sha256 = checksum(item.path)
    return written


def check_csv(path: Path, *, names: list[str], records: int) -> list[str]:
    """Check a CSV against its dictionary: the header, every row's width, the count."""
    errors: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header != names:
            errors.append(f"header {header!r} is not the dictionary's {names!r}")
        count = 0
        for count, row in enumerate(reader, start=1):
            if len(row) != len(names) and len(errors) < 20:
                errors.append(f"line {count + 1}: {len(row)} cells, {len(names)} expected")
    if count != records:
        errors.append(f"{count} rows read, {records} written")
    return errors


def check_json(path: Path, *, names: Iterable[str], records: int) -> list[str]:
    """Check the JSON file: its frame and each record (one a line) parse, with the columns."""
    errors: list[str] = []
    expected = set(names)
    count = 0
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
        try:
            json.loads(first.rstrip("\n").removesuffix('"records": [') + '"records": []}')
        except ValueError as error:
            errors.append(f"header: {error}")
        for line in handle:
            line = line.rstrip("\n").removesuffix(",")
            if line in {"]}", ""}:
                continue
            count += 1
            try:
                keys = set(json.loads(line))
            except ValueError as error:
                errors.append(f"record {count}: {error}")
                continue
            if keys != expected and len(errors) < 20:
                errors.append(f"record {count}: keys {sorted(keys ^ expected)} differ")
    if count != records:
        errors.append(f"{count} records read, {records} written")
    return errors
