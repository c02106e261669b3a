"""What a release left out or completed, and why: counted per reason, a few records named.

A reason is an English message id with its parameters, translated when an official reads the
report. Only the first ``SAMPLE`` records of each reason are named, so that a programme with
100,000 projects missing their Catalan title keeps a report (and a worker) of constant size.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

SAMPLE = 20


class Notes:
    """Collect the omissions and completions of one release, per file."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, bool], dict[str, Any]] = {}

    def add(self, source: str, record: str, reason: str, *, completed: bool) -> None:
        """Note that ``record`` of ``source`` was left out (or completed) for ``reason``."""
        self.add_counted(source, [record], reason, completed=completed, count=1)

    def add_counted(
        self, source: str, records: list[str], reason: str, *, completed: bool, count: int
    ) -> None:
        """Note ``count`` records of ``source`` for ``reason``, of which ``records`` are named."""
        entry = self.entries.setdefault(
            (source, reason, completed),
            {
                "source": source,
                "reason": reason,
                "completed": completed,
                "count": 0,
                "records": [],
            },
        )
        entry["count"] += count
        entry["records"].extend(records[: max(0, SAMPLE - len(entry["records"]))])

    def completed(self, source: str, record: str, reason: str) -> None:
        self.add(source, record, reason, completed=True)

    def omitted(self, source: str, record: str, reason: str) -> None:
        self.add(source, record, reason, completed=False)

    def as_list(self) -> list[dict[str, Any]]:
        return sorted(self.entries.values(), key=lambda e: (e["source"], e["reason"]))


def translated_reason(entry: dict[str, Any]) -> str:
    """Return a noted reason in the current language (the message id if it has no entry)."""
    return gettext(entry["reason"])
