"""Template helpers of the projects app."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from projects.models import ProjectStatus

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """Return the translated label of a project status code."""
    try:
        return str(ProjectStatus(code).label)
    except ValueError:
        return code


@register.simple_tag
def catalogue_label() -> str:
    """Return the main menu's label of the catalogue (kept in this app's catalogue)."""
    return gettext("Projects")


@register.filter
def coordinates_projects(user: object) -> bool:
    """Tell whether the signed-in person is an institution's coordinator."""
    from projects.permissions import is_coordinator

    return is_coordinator(user)  # type: ignore[arg-type]
