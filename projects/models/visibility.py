"""The SQL of the visibility rule's row-by-row check (``JointProject.objects.visible_to``)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models


class TakesPart(models.Func):
    """Whether the institution takes part in the row's project, read by the unique index of
    participations: ``(SELECT true FROM participations WHERE project = row AND institution =
    %s)``, null when it does not.

    Written by hand rather than as a ``Subquery`` of a queryset: the API builds it on every
    list and detail call, and that subquery was a third of the statement's Python (building
    and compiling it, with the participations' default ordering it does not need).
    """

    output_field = models.BooleanField()

    def __init__(self, institution_id: int) -> None:
        super().__init__(models.F("pk"), models.Value(institution_id))

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        project_sql, project_params = compiler.compile(self.source_expressions[0])
        institution_sql, institution_params = compiler.compile(self.source_expressions[1])
        table = connection.ops.quote_name(
            apps.get_model("projects", "Participation")._meta.db_table
        )
        # Only the table's quoted name and compiled column references go into the text; the
        # institution is a parameter.
        sql = (
            f"(SELECT true FROM {table} takes_part WHERE takes_part.project_id = {project_sql}"  # noqa: S608
            f" AND takes_part.institution_id = {institution_sql})"
        )
        return sql, [*project_params, *institution_params]
