"""The register of institutions: totals by city and kind, then the full list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution
from reports.kinds.base import Chart, Column, ReportKind, Table
from reports.kinds.common import CityChoiceField


class InstitutionsForm(forms.Form):
    city = CityChoiceField()
    include_inactive = forms.BooleanField(label=_("Include inactive institutions"), required=False)


class InstitutionsReport(ReportKind):
    """The register of institutions: totals by city and kind, then the full list."""

    code = "institutions"
    title = _("Register of institutions")
    description = _("Institutions by city and kind, ECOS Network membership, and the full list.")
    form_class = InstitutionsForm

    def _base(self, parameters: dict[str, Any], using: str) -> Any:
        queryset = Institution.objects.using(using)
        if not parameters.get("include_inactive"):
            queryset = queryset.filter(active=True)
        if parameters.get("city"):
            queryset = queryset.filter(party__code=parameters["city"])
        return queryset

    def tables(self, parameters: dict[str, Any], *, using: str) -> list[Table]:
        kinds = dict(Institution.Kind.choices)
        base = self._base(parameters, using)
        # One GROUP BY in PostgreSQL; the list below streams with a server-side cursor.
        totals = (
            base.values("party__code", "kind")
            .annotate(total=Count("pk"), ecos=Count("pk", filter=Q(ecos_member=True)))
            .order_by("party__code", "kind")
        )

        def total_rows() -> Iterator[dict[str, Any]]:
            for row in totals:
                yield {
                    "city": row["party__code"],
                    "kind": kinds.get(row["kind"], row["kind"]),
                    "institutions": row["total"],
                    "ecos": row["ecos"],
                }

        listing = base.select_related("party").order_by("party__code", "code")

        def list_rows() -> Iterator[dict[str, Any]]:
            for institution in listing.iterator(chunk_size=2000):
                yield {
                    "code": institution.code,
                    "name": institution.name,
                    "acronym": institution.acronym,
                    "kind": kinds.get(institution.kind, institution.kind),
                    "city": institution.party.code,
                    "ecos_member": institution.ecos_member,
                    "website": institution.website,
                    "ror_id": institution.ror_id,
                }

        return [
            Table.named(
                code="by_city_and_kind",
                title=_("Institutions by city and kind"),
                columns=[
                    Column("city", _("City")),
                    Column("kind", _("Kind")),
                    Column("institutions", _("Institutions"), "int"),
                    Column("ecos", _("ECOS Network members"), "int"),
                ],
                rows=total_rows,
                count=totals.count,
                chart=Chart(label="kind", value="institutions", title=_("Institutions by kind")),
            ),
            Table.named(
                code="institutions",
                title=_("Institutions"),
                columns=[
                    Column("code", _("Code")),
                    Column("name", _("Name")),
                    Column("acronym", _("Acronym")),
                    Column("kind", _("Kind")),
                    Column("city", _("City")),
                    Column("ecos_member", _("ECOS Network member"), "bool"),
                    Column("website", _("Website")),
                    Column("ror_id", _("ROR identifier")),
                ],
                rows=list_rows,
                count=listing.count,
            ),
        ]
