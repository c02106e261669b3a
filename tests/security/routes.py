"""Every URL pattern the portal serves, walked from the root resolver (for the guards)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    """One URL pattern: its route text, its full name and its view."""

    route: str
    name: str
    callback: Any

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """The pattern's parameters as (converter, name), in order: int, str, slug or path."""
        found = []
        for match in re.finditer(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>([^)]*)\)", self.route):
            if match.group(2):
                found.append((match.group(1) or "str", match.group(2)))
            else:
                found.append(("regex", match.group(3)))
        return found

    def url(self, values: list[str]) -> str:
        """Fill the parameters with already percent-encoded values."""
        parts = iter(values)
        text = re.sub(
            r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", lambda _m: next(parts), self.route.lstrip("^")
        )
        return "/" + text.replace("$", "").replace("\\", "")


def routes() -> list[Route]:
    def walk(patterns: list[Any], prefix: str, namespace: str) -> list[Route]:
        found = []
        for p in patterns:
            if isinstance(p, URLResolver):
                space = f"{namespace}{p.namespace}:" if p.namespace else namespace
                found += walk(p.url_patterns, prefix + str(p.pattern), space)
            elif isinstance(p, URLPattern):
                found.append(Route(prefix + str(p.pattern), f"{namespace}{p.name}", p.callback))
        return found

    return walk(get_resolver().url_patterns, "", "")
