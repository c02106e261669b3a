"""Call outcome: per call, applications, host acceptance, weighted scores and decisions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from cooperation.disclosure import Publication
from exchanges.models import (
    Call,
    Criterion,
    Direction,
    HostDecision,
    ReviewAssignment,
    Score,
    StayApplication,
)
from exchanges.statistics import applications_publication, call_total_key, status_key
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import PeriodForm, areas_field, call_conditions, where
from reports.sql import Cached, Row, table

Status = StayApplication.Status
# Approved by both cities, whatever happened next.
APPROVED = [Status.APPROVED, Status.AWARDED, Status.IN_PROGRESS, Status.COMPLETED]


class CallsForm(PeriodForm):
    areas = areas_field()


def _statuses(statuses: list[Any]) -> str:
    return "ARRAY[" + ", ".join(f"'{s}'" for s in statuses) + "]"


class CallOutcome(ReportKind):
    """Per call: applications, host acceptance, average weighted score, decisions."""

    code = "calls"
    title = _("Call outcome")
    description = _(
        "Per call: applications, host acceptance, average weighted scores and decisions."
    )
    form_class = CallsForm

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        conditions, params = call_conditions(parameters)
        if parameters.get("areas"):
            conditions.append(
                f"EXISTS (SELECT 1 FROM {table(Call.areas.through)} fa "  # noqa: S608 (names from Meta)
                "WHERE fa.call_id = c.id AND fa.strategicarea_id = ANY(%s))"
            )
            params.append([int(pk) for pk in parameters["areas"]])
        # The weighted score of an application, as the evaluation ranks it
        # (ApplicationQuerySet.with_scores): the weighted sum of the scores of submitted,
        # conflict-free reviews, over 100 per reviewer, on the 0–10 scale.
        outcome = Cached(
            using,
            f"""
            WITH scored AS (
                SELECT ra.application_id,
                       SUM(sc.value * cr.weight)::numeric / (COUNT(DISTINCT ra.id) * 100)
                           AS score
                FROM {table(ReviewAssignment)} ra
                JOIN {table(Score)} sc ON sc.assignment_id = ra.id
                JOIN {table(Criterion)} cr ON cr.id = sc.criterion_id
                WHERE ra.submitted_at IS NOT NULL AND ra.has_conflict = false
                GROUP BY ra.application_id
            )
            SELECT c.id AS call_id, c.direction,
                   COUNT(a.id) FILTER (WHERE a.status <> 'draft') AS applications,
                   COUNT(hd.id) FILTER (WHERE hd.accepted) AS host_accepted,
                   COUNT(hd.id) FILTER (WHERE NOT hd.accepted) AS host_declined,
                   COUNT(scored.score) AS scored,
                   ROUND(AVG(scored.score), 2) AS average_score,
                   COUNT(a.id) FILTER (WHERE a.status = ANY({_statuses(APPROVED)})) AS approved,
                   COUNT(a.id) FILTER (WHERE a.status = 'waitlisted') AS waitlisted,
                   COUNT(a.id) FILTER (WHERE a.status = 'rejected') AS rejected,
                   COUNT(a.id) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
                   COUNT(a.id) FILTER (WHERE a.status = 'cancelled') AS cancelled
            FROM {table(Call)} c
            LEFT JOIN {table(StayApplication)} a ON a.call_id = c.id
            LEFT JOIN {table(HostDecision)} hd ON hd.application_id = a.id
            LEFT JOIN scored ON scored.application_id = a.id
            {where(conditions)}
            GROUP BY c.id
            ORDER BY c.opens_at, c.id
            """,  # noqa: S608
            params,
        )
        directions = dict(Direction.choices)
        found: list[Publication] = []

        def published() -> Publication:
            # The same protected counts as the API's stay-statistics (exchanges.statistics).
            if not found:
                found.append(applications_publication(using=using))
            return found[0]

        def rows() -> Iterator[Row]:
            pub = published()
            calls = Call.objects.using(using).filter(pk__in=[r["call_id"] for r in outcome.rows])
            titles = {call.pk: str(call.title) for call in calls}
            for row in outcome.rows:
                pk = row["call_id"]
                accepted = pub.shown(("host", pk, "accepted"))
                declined = pub.shown(("host", pk, "declined"))
                scored = pub.shown(("scored", pk))
                counts = {
                    "applications": pub.shown(call_total_key(pk)),
                    "host_accepted": accepted,
                    "host_declined": declined,
                    "scored": scored,
                    "approved": pub.shown(("approved", pk)),
                    **{
                        name: pub.shown(status_key(pk, name))
                        for name in ("waitlisted", "rejected", "withdrawn", "cancelled")
                    },
                }
                both = isinstance(accepted, int) and isinstance(declined, int)
                decided = accepted + declined if both else 0  # type: ignore[operator]
                yield {
                    **row,
                    **counts,
                    "call": titles.get(pk, pk),
                    "direction": directions.get(row["direction"], row["direction"]),
                    # A rate or an average over a hidden count would tell it: not shown.
                    "acceptance": round(accepted / decided, 4) if both and decided else None,  # type: ignore[operator]
                    "average_score": row["average_score"] if isinstance(scored, int) else None,
                }

        return [
            Table.named(
                code="calls",
                title=_("Outcome of each call"),
                columns=[
                    Column("call", _("Call")),
                    Column("direction", _("Direction")),
                    Column("applications", _("Applications submitted"), "int"),
                    Column("host_accepted", _("Accepted by hosts"), "int"),
                    Column("host_declined", _("Declined by hosts"), "int"),
                    Column("acceptance", _("Host acceptance rate"), "percent"),
                    Column("scored", _("Applications scored"), "int"),
                    Column("average_score", _("Average weighted score (0–10)"), "decimal"),
                    Column("approved", _("Approved applications"), "int"),
                    Column("waitlisted", _("Waiting list"), "int"),
                    Column("rejected", _("Rejected applications"), "int"),
                    Column("withdrawn", _("Withdrawn applications"), "int"),
                    Column("cancelled", _("Cancelled applications"), "int"),
                ],
                rows=rows,
                count=outcome.count,
                chart=Chart(label="call", value="applications", title=_("Applications per call")),
                notes=[
                    str(
                        _(
                            "Scores count only submitted reviews without a conflict of "
                            "interest; the average is over the applications scored. "
                            "“<5”: fewer than five applications; “x”: hidden so that a count "
                            "under five cannot be worked out from the others."
                        )
                    )
                ],
            )
        ]
