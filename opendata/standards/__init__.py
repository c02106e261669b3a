"""Write the programme's public projects in open-data standards, and check the files.

- ``giving360``: the cities' and institutions' funding of joint projects as 360Giving 1.4.3
  grants (a JSON package);
- ``iati``: each public project as an IATI 2.03 activity (XML);
- ``validation``: both files checked against the standards' own schemas, offline.

Each writer streams to a binary file and returns a ``StandardResult``: how many records it
wrote and which records it left out or completed, and why (``Omission``), so that bad data
never breaks a file and the release's report says what happened to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Omission:
    """A record left out of a file, or kept but completed by the standard's rule, and why."""

    record: str  # e.g. "project CDMX-BCN-2026-0003" (never personal data)
    reason: str  # already translated in the active language
    completed: bool = False  # True when the record was kept, completed by the standard's rule


@dataclass
class StandardResult:
    """What a writer wrote: its number of records, and what it left out or completed."""

    records: int
    omissions: list[Omission] = field(default_factory=list)
