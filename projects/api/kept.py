"""The API's project list pages kept in Redis, per class of readers, query and media type.

A page of ``/api/v1/projects/`` is the same for every caller who reads the same projects
(``projects.models.readership``: public-only callers share one entry, an institution's
clients and coordinators one per institution, officials and administrators one), for the
same query (its parameters sorted), address (the cursor links are absolute) and media type.
The rendered JSON is kept with the catalogue's two versions (``projects.catalogue``), which
every change of a project, its participations, areas or axes, an institution, an area, an
axis or a city bumps (``projects.apps``; parts' changes through ``project_parts_changed``):
a page kept under other versions is never served. What comes before the page is not kept:
every call is authenticated, checked for its scope and throttled first (REST framework's
``initial``), and a refused call never reaches here. Only JSON is kept (the browsable API
renders each time), and only a 200.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

import orjson
from rest_framework.request import Request
from rest_framework.response import Response

from projects.catalogue import keep, kept
from projects.models import readership

LIST_PREFIX = "projects:api-list:"


def list_key(request: Request) -> str | None:
    """Return the cache key of the request's list page, or None if it is not kept."""
    if getattr(request.accepted_renderer, "format", None) != "json":
        return None
    query = urlencode(sorted(request.query_params.lists()), doseq=True)
    address = request.build_absolute_uri(request.path)
    what = f"{readership(request.user).key}\n{request.accepted_media_type}\n{address}?{query}"
    return LIST_PREFIX + hashlib.sha256(what.encode()).hexdigest()[:32]


def kept_list(request: Request, renderer_context: dict, page: Callable[[], Response]) -> Response:
    """Answer with the kept page if it is current, else with ``page()``, kept if it is a 200.

    One round trip to Redis for the versions and the page together.
    """
    key = list_key(request)
    if key is None:
        return page()
    current, found = kept(key)
    if current is not None and found is not None and tuple(found[:2]) == current:
        # The JSON as rendered before, written again untouched.
        return Response(orjson.Fragment(found[2]))
    response = page()
    if current is None or response.status_code != 200:
        return response
    body = request.accepted_renderer.render(
        response.data, request.accepted_media_type, renderer_context
    )
    keep(key, (*current, body))
    return Response(orjson.Fragment(body))
