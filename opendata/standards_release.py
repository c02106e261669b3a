"""The files of a release written by the funders' and aggregators' standards (360Giving, IATI).

Until the standards' writers land (``opendata.standards``), a release has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opendata.notes import Notes


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


def write(release: Any, folder: Path, *, notes: Notes, licence_url: str) -> Iterator[StandardFile]:
    """Write the release's standard files in ``folder``, validated; yield each."""
    yield from ()


@dataclass(frozen=True)
class StandardDataset:
    title: Any
    description: Any


STANDARD_DATASETS: dict[str, StandardDataset] = {}
