"""Numbers and amounts in each language's format, in pages and e-mails."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def amount(value: Any, currency: str = "") -> str:
    """``{{ call.monthly_stipend|amount:call.stipend_currency }}``: "32.000,00 MXN" in Catalan
    and Spanish, "32,000.00 MXN" in English: grouped thousands, two decimals, the currency."""
    from django.utils.formats import number_format

    if value in (None, ""):
        return ""
    text = number_format(value, 2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{currency}" if currency else text
