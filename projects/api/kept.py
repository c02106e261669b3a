"""The API's project lists and details kept in Redis, per class of readers, query and media type.

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

A project's detail (``/api/v1/projects/<code>/``) is kept the same way, with its ``ETag``, by
the class of readers, the code and the day: the milestones' ``late`` flag turns with the
date, so a detail kept yesterday is not served today. A project that the caller may not
read answers 404 and is never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

import orjson
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from projects.catalogue import keep, kept
from projects.models import readership

LIST_PREFIX = "projects:api-list:"
DETAIL_PREFIX = "projects:api-detail:"


def list_key(request: Request) -> str | None:
    """Return the cache key of the request's list page, or None if it is not kept."""
    if getattr(request.accepted_renderer, "format", None) != "json":
        return None
    query = urlencode(sorted(request.query_params.lists()), doseq=True)
    address = request.build_absolute_uri(request.path)
    what = f"{readership(request.user).key}\n{request.accepted_media_type}\n{address}?{query}"
    return LIST_PREFIX + hashlib.sha256(what.encode()).hexdigest()[:32]


def detail_key(request: Request, code: str) -> str | None:
    """Return the cache key of the request's project detail, or None if it is not kept."""
    if getattr(request.accepted_renderer, "format", None) != "json":
        return None
    day = timezone.localdate().isoformat()
    what = f"{readership(request.user).key}\n{request.accepted_media_type}\n{code}\n{day}"
    return DETAIL_PREFIX + hashlib.sha256(what.encode()).hexdigest()[:32]


def kept_list(request: Request, renderer_context: dict, page: Callable[[], Response]) -> Response:
    """Answer with the kept page if it is current, else with ``page()``, kept if it is a 200."""
    return _kept(list_key(request), request, renderer_context, page)


def kept_detail(
    request: Request, renderer_context: dict, code: str, detail: Callable[[], Response]
) -> Response:
    """Answer with the kept detail and its ``ETag`` if current, else with ``detail()``."""
    return _kept(detail_key(request, code), request, renderer_context, detail)


def _kept(
    key: str | None, request: Request, renderer_context: dict, compute: Callable[[], Response]
) -> Response:
    """Answer with what is kept under ``key`` if it is current, else with ``compute()``,
    kept with its ``ETag`` if it is a 200.

    One round trip to Redis for the versions and the answer together.
    """
    if key is None:
        return compute()
    current, found = kept(key)
    # An entry is the two versions, the JSON and its ETag (an older shape is not served).
    if (
        current is not None
        and found is not None
        and len(found) == 4
        and tuple(found[:2]) == current
    ):
        # The JSON as rendered before, written again untouched, with the same ETag.
        body, etag = found[2], found[3]
        return Response(orjson.Fragment(body), headers={"ETag": etag} if etag else None)
    response = compute()
    if current is None or response.status_code != 200:
        return response
    body = request.accepted_renderer.render(
        response.data, request.accepted_media_type, renderer_context
    )
    etag = response.get("ETag")
    keep(key, (*current, body, etag))
    return Response(orjson.Fragment(body), headers={"ETag": etag} if etag else None)
