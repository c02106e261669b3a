"""Counts of applications per call and status, protected by ``cooperation.disclosure``.

One publication holds every count of applications the portal gives out (the API's
``stay-statistics``, the call outcome report): its cells are the applications of each call in
each status; the call's total (the report's "applications submitted"), the counts per
direction and per group of statuses are relations between them. Filters (one call, the calls
of a period) select rows of this one publication, so two answers never disagree about what is
hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Count, Q

from cooperation.disclosure import Publication, protect
from exchanges.models import Call, HostDecision, ReviewAssignment, StayApplication

Status = StayApplication.Status
STATUSES = [s for s in Status.values if s != Status.DRAFT]
# Approved by both cities, whatever happened next (the call outcome report's "approved").
APPROVED = [Status.APPROVED, Status.AWARDED, Status.IN_PROGRESS, Status.COMPLETED]
STAY_STATUSES = [Status.AWARDED, Status.IN_PROGRESS, Status.COMPLETED]


def status_key(call_id: int, status: str) -> tuple[str, int, str]:
    return ("applications", call_id, status)


def call_total_key(call_id: int) -> tuple[str, int, str]:
    return ("applications", call_id, "*")


def direction_key(direction: str) -> tuple[str, str]:
    return ("applications_direction", direction)


# Within ``read_once``: the publication read first, by database alias.
_reading: ContextVar[dict[str, Publication] | None] = ContextVar("applications", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Read the applications' publication once for everything inside: an open-data release's
    files then give the same counts, hidden alike, even if applications change meanwhile."""
    token = _reading.set({})
    try:
        yield
    finally:
        _reading.reset(token)


def applications_publication(*, using: str = "default") -> Publication:
    """Return every call's applications per status (all time), protected.

    Inside ``read_once``, the one read first (nobody changes a protected publication).
    """
    reading = _reading.get()
    if reading is None:
        return _applications_publication(using=using)
    if using not in reading:
        reading[using] = _applications_publication(using=using)
    return reading[using]


def _applications_publication(*, using: str) -> Publication:
    pub = Publication()
    calls = dict(Call.objects.using(using).values_list("pk", "direction"))
    counts: dict[tuple[int, str], int] = {
        (row["call_id"], row["status"]): row["n"]
        for row in StayApplication.objects.using(using)
        .exclude(status=Status.DRAFT)
        .values("call_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    decisions = {
        row["application__call_id"]: row
        for row in HostDecision.objects.using(using)
        .exclude(application__status=Status.DRAFT)
        .values("application__call_id")
        .annotate(
            yes=Count("pk", filter=Q(accepted=True)),
            no=Count("pk", filter=Q(accepted=False)),
        )
        .order_by()
    }
    scored = dict(
        ReviewAssignment.objects.using(using)
        .filter(submitted_at__isnull=False, has_conflict=False, scores__isnull=False)
        .exclude(application__status=Status.DRAFT)
        .values("application__call_id")
        .annotate(n=Count("application", distinct=True))
        .values_list("application__call_id", "n")
        .order_by()
    )
    for call_id in sorted(calls):
        members = [pub.cell(status_key(call_id, s), counts.get((call_id, s), 0)) for s in STATUSES]
        total = pub.cell(call_total_key(call_id), sum(pub.values[m] for m in members))
        pub.relate(total, members)
        # The report's groups and the host's answers: more sums of the same applications.
        approved = pub.cell(
            ("approved", call_id), sum(counts.get((call_id, s), 0) for s in APPROVED)
        )
        pub.relate(approved, [status_key(call_id, s) for s in APPROVED])
        found = decisions.get(call_id, {"yes": 0, "no": 0})
        accepted = pub.cell(("host", call_id, "accepted"), found["yes"])
        declined = pub.cell(("host", call_id, "declined"), found["no"])
        undecided = pub.cell(
            ("host", call_id, "undecided"),
            max(pub.values[total] - found["yes"] - found["no"], 0),
            published=False,
        )
        pub.relate(total, [accepted, declined, undecided], strict=False)
        done = pub.cell(("scored", call_id), scored.get(call_id, 0))
        not_done = pub.cell(
            ("unscored", call_id), max(pub.values[total] - pub.values[done], 0), published=False
        )
        pub.relate(total, [done, not_done], strict=False)
    for direction in sorted(set(calls.values())):
        ids = [pk for pk, d in calls.items() if d == direction]
        key = pub.cell(direction_key(direction), sum(pub.values[call_total_key(i)] for i in ids))
        pub.relate(key, [call_total_key(i) for i in ids])
    return protect(pub)


def shown_count(pub: Publication, key: Any) -> dict[str, Any]:
    """Return a count as the API gives it: the number, or null with why it is hidden."""
    shown = pub.shown(key)
    if isinstance(shown, int):
        return {"count": shown, "suppressed": False}
    return {"count": None, "suppressed": True}


def stay_statistics(*, call_id: int | None = None) -> dict[str, Any]:
    """Return the API's stay statistics (and the open-data file's): one call's or all calls'.

    Per call and status (only the statuses a call has applications in) and per direction,
    every count as ``shown_count`` gives it.
    """
    calls = sorted(Call.objects.values_list("pk", "direction"))
    if call_id is not None:
        calls = [(pk, d) for pk, d in calls if pk == call_id]
    published = applications_publication()
    by_status = [
        {"call": pk, "status": status, **shown_count(published, key)}
        for pk, _direction in calls
        for status in STATUSES
        if published.values[key := status_key(pk, status)]
    ]
    if call_id is None:
        by_direction = [
            {"direction": d, **shown_count(published, direction_key(d))}
            for d in sorted({d for _pk, d in calls})
        ]
    else:  # one call: its direction's count is the call's own total
        by_direction = [
            {"direction": d, **shown_count(published, call_total_key(pk))} for pk, d in calls
        ]
    return {"by_call_and_status": by_status, "by_direction": by_direction}
