"""Mark content written in a language other than the page's (WCAG 2.1, 3.1.2 Language of Parts).

``{% in_language text language %}`` renders ``text``; when ``language`` is not the page's, it
wraps it in ``<span lang="…">`` and adds a visible mark ("in Spanish") so that screen readers
switch voice and sighted readers know why the text is not in their language.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Said in the page's language: "in Spanish", "en castellà", "en español"…
LANGUAGE_MARKS: dict[str, Any] = {
    "es": _("in Spanish"),
    "ca": _("in Catalan"),
    "en": _("in English"),
}


def base_language(code: str | None) -> str:
    """Return the language part of a code (``es-mx`` → ``es``)."""
    return (code or "").split("-")[0].lower()


def language_mark(language: str) -> str:
    """Return the visible mark for content in ``language`` ("in Spanish"), in the page's."""
    mark = LANGUAGE_MARKS.get(base_language(language))
    return str(mark) if mark is not None else base_language(language)


@register.simple_tag
def in_language(text: Any, language: str | None) -> SafeString:
    """Render ``text``, marked with its language when that is not the page's."""
    language = base_language(language)
    if text in (None, "") or not language or language == base_language(get_language()):
        return format_html("{}", text if text is not None else "")
    return format_html(
        '<span lang="{}">{}</span> <span class="lang-mark">({})</span>',
        language,
        text,
        language_mark(language),
    )


@register.simple_tag
def translated(obj: Any, field: str) -> SafeString:
    """Render a translated field (django-modeltranslation), marked when it is shown in another
    language than the page's because the page's translation is missing.

    ``{% translated project "summary" %}``: modeltranslation falls back to the first language
    of ``MODELTRANSLATION_FALLBACK_LANGUAGES`` that has a text; this says which one it was.
    Reads only the row's loaded columns: no query.
    """
    from django.conf import settings

    value = getattr(obj, field, "")
    current = base_language(get_language())
    order = (current, *getattr(settings, "MODELTRANSLATION_FALLBACK_LANGUAGES", ()))
    used = next((code for code in order if getattr(obj, f"{field}_{code}", None)), current)
    return in_language(value, used)


@register.simple_tag
def missing_translations(obj: Any, *fields: str) -> list[str]:
    """Return the marks ("in Catalan"…) of the languages in which a Spanish text of ``fields``
    has no translation: ``{% missing_translations project "title" "summary" as missing %}``."""
    from django.conf import settings

    missing = []
    for code, _name in settings.LANGUAGES:
        if code == "es":
            continue
        if any(
            getattr(obj, f"{f}_es", None) and not getattr(obj, f"{f}_{code}", None) for f in fields
        ):
            missing.append(language_mark(code))
    return missing
