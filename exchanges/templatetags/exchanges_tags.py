"""The stays section's menu, by role."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from cooperation.roles import Role
from exchanges.permissions import audience_of, is_decider

register = template.Library()


@register.inclusion_tag("exchanges/_menu.html", takes_context=True)
def stays_menu(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    links = [("exchanges:call_list", _("Calls for stays"))]
    if user.is_authenticated:
        if user.has_role(Role.RESEARCHER):
            links += [
                ("exchanges:my_applications", _("My applications")),
                ("exchanges:profile", _("My researcher profile")),
            ]
        if user.has_role(Role.COORDINATOR) and user.institution_id:
            links.append(("exchanges:host_list", _("Applications to host")))
        if user.has_role(Role.REVIEWER):
            links.append(("exchanges:review_list", _("My reviews")))
    current = f"exchanges:{request.resolver_match.url_name}" if request.resolver_match else ""
    return {"links": links, "current": current, "is_decider": is_decider(user)}


@register.filter
def status_class(status: str) -> str:
    return f"status status-{status}"


@register.filter
def status_label(status: str, audience: str = "official") -> str:
    """``{{ event.to_status|status_label:audience }}``: the label in the reader's terms."""
    from exchanges.models import status_label as label

    return label(status, audience)


@register.filter
def status_for(application: Any, user: Any) -> str:
    """``{{ application|status_for:user }}``: the status as ``user`` should read it."""
    from exchanges.models import status_label as label

    return label(application.status, audience_of(user, application))


@register.filter
def is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


@register.filter
def is_sequence(value: Any) -> bool:
    return isinstance(value, list | tuple)


@register.filter
def is_url(value: Any) -> bool:
    return isinstance(value, str) and "/stays/documents/" in value
