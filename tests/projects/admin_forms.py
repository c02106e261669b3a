"""Fill an admin page's form as a browser would: every current value, then the changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.test import Client


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


def admin_form(client: Client, url: str, **fields: Any) -> dict[str, Any]:
    """Return the page's form data as it stands (main form, every inline and its management
    form), with ``fields`` changed or added (``None`` removes a value)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data: dict[str, Any] = {}
    page_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
        page_forms.extend(inline.formset.initial_forms)
    for form in page_forms:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = _value(value)
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]
