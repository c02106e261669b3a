"""What every dataset's rows are made of: columns with their meaning, texts in each language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from opendata.notes import Notes

CHUNK = 1000
LANGUAGES = [code for code, _name in settings.LANGUAGES]
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    description: Promise
    type: str = "string"  # string, integer, decimal, date, datetime, boolean, list


def _texts(obj: Model, field: str, *, notes: Notes, source: str, record: str) -> dict[str, str]:
    """Return a translated field in each language, completing a missing one with Spanish."""
    texts = {}
    spanish = getattr(obj, f"{field}_es", "") or ""
    for language in LANGUAGES:
        text = getattr(obj, f"{field}_{language}", "") or ""
        if not text and spanish:
            text = spanish
            notes.completed(
                source,
                record,
                gettext_noop("A text was missing in a language: the Spanish one is given"),
            )
        texts[f"{field}_{language}"] = text
    return texts


def _text_columns(field: str, description: Promise) -> tuple[Column, ...]:
    return tuple(Column(f"{field}_{language}", description, "string") for language in LANGUAGES)
