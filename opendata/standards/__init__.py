"""Write the programme's public projects in open-data standards, and check the files.

- ``giving360``: the cities' and institutions' funding of joint projects as 360Giving 1.4.3
  grants (a JSON package);
- ``iati``: each public project as an IATI 2.03 activity (XML);
- ``validation``: both files checked against the standards' own schemas, offline.

Each writer streams to a binary file and returns a ``StandardResult``: how many records it
wrote and which records it left out or completed, and why (``Omission``), so that bad data
never breaks a file and the release's report says what happened to it. What was left out is
counted per reason, with only the first records of each reason kept (``Omissions``): a
programme of 100,000 projects all missing a rate keeps a result of constant size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from opendata.notes import SAMPLE


@dataclass(frozen=True)
class Omission:
    """A record left out of a file, or kept but completed by the standard's rule, and why."""

    record: str  # e.g. "project CDMX-BCN-2026-0003" (never personal data)
    reason: str  # already translated in the active language
    completed: bool = False  # True when the record was kept, completed by the standard's rule


class Omissions:
    """Count omissions per reason and keep the first ``SAMPLE`` of each, in their order.

    Iterating gives the kept omissions; ``len`` is how many were noted in all.
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[str, bool], int] = {}
        self.kept: list[Omission] = []

    def append(self, omission: Omission) -> None:
        key = (omission.reason, omission.completed)
        count = self.counts.get(key, 0)
        self.counts[key] = count + 1
        if count < SAMPLE:
            self.kept.append(omission)

    def extend(self, omissions: Iterable[Omission]) -> None:
        for omission in omissions:
            self.append(omission)

    def __iter__(self) -> Iterator[Omission]:
        return iter(self.kept)

    def __len__(self) -> int:
        return sum(self.counts.values())


@dataclass
class StandardResult:
    """What a writer wrote: its number of records, and what it left out or completed."""

    records: int
    omissions: Omissions = field(default_factory=Omissions)
