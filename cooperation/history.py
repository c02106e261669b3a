"""The history of a model's rows (django-simple-history), named in the reader's language.

simple-history names a history model "historical <name>" in English words fixed when the model
is built, and leaves its own fields (date, user, kind of change) without labels, so that the
admin showed "Historical participations" and "history date" in Spanish and Catalan too. Every
history of the portal is built by ``PortalHistoricalRecords`` instead: its names are
translated when they are shown, as any model's.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

# The fields simple-history adds to every history model, with the labels the admin shows.
HISTORY_FIELD_LABELS = {
    "history_id": _("version"),
    "history_date": _("date of the change"),
    "history_change_reason": _("reason for the change"),
    "history_type": _("operation"),
    "history_user": _("changed by"),
}


class PortalHistoricalRecords(HistoricalRecords):
    """``HistoricalRecords`` whose model and added fields carry translatable names."""

    def get_meta_options(self, model: type[models.Model]) -> dict[str, Any]:
        options: dict[str, Any] = super().get_meta_options(model)
        # The model's name first: a pattern such as "versions of {names}" cannot elide the
        # Catalan "de" before a vowel ("versions d'indicadors").
        options["verbose_name"] = format_lazy(_("{name} (version)"), name=model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy(
            _("{names} (history)"), names=model._meta.verbose_name_plural
        )
        return options

    def get_extra_fields(self, model: type[models.Model], fields: Any) -> dict[str, Any]:
        extra: dict[str, Any] = super().get_extra_fields(model, fields)
        for name, label in HISTORY_FIELD_LABELS.items():
            if isinstance(extra.get(name), models.Field):
                # The label only (``verbose_name``): what the field deconstructs into for the
                # migrations (``_verbose_name``) stays as simple-history made it, so that a label
                # changes no migration of the history tables.
                extra[name].verbose_name = label
        return extra


def register_history(model: type[models.Model], **options: Any) -> None:
    """Keep the history of a model registered after it is built, as ``PortalHistoricalRecords``."""
    register(model, records_class=PortalHistoricalRecords, **options)
