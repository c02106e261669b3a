"""The public catalogue's reads: a page of public projects, its count and the filters' choices.

A catalogue page is three statements (``bench/pages.py`` measures it against a floor):

- the page's keys: a narrow query of ids alone, which the partial index of public projects by
  start date (it includes the id) answers by an index-only scan; a page in the second half of
  the results is read from the other end, so the last page costs what the first does;
- the page's rows, the columns the page shows only;
- their institutions, as values.

Two things are cached in Redis, each under a version that every change bumps:

- the number of matches of a filter set (``CATALOGUE_VERSION``: a project, its
  participations, areas or axes changed), so that a page does not count 75,000 rows;
- the reference data the page names (areas, axes, cities: ``REFERENCE_VERSION``), read once
  per version and language into each process, with the filters' ``<select>``s rendered once.

A version is bumped at once (the writing transaction then reads no stale entry) and again
after the commit (no other process keeps an entry cached from the data before it). Writes
that go around the ORM's signals and the services (raw SQL, ``COPY``) are seen once the
entries expire (``CATALOGUE_CACHE_SECONDS``). Only public projects are ever counted or
listed, and a search's count is kept per language: no cache entry can show a private project
or another language's results. When Redis does not answer, nothing is cached and the page is
computed in full.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from cooperation.models import Axis, Party, StrategicArea

logger = logging.getLogger(__name__)

CATALOGUE_VERSION = "projects:catalogue-version"
REFERENCE_VERSION = "projects:reference-version"
# A count or a version is kept at most this long: the bound for writes that bump nothing.
CATALOGUE_CACHE_SECONDS = 600


def _new_version() -> str:
    return uuid.uuid4().hex[:12]


def _bump(key: str) -> None:
    try:
        cache.set(key, _new_version(), timeout=CATALOGUE_CACHE_SECONDS)
    except Exception:  # Redis down: entries expire on their own
        logger.warning("could not bump %s", key, exc_info=True)


def bump_version(key: str) -> None:
    """Bump a version now and once more after the transaction commits."""
    _bump(key)
    transaction.on_commit(partial(_bump, key))


def catalogue_changed(**_: Any) -> None:
    """Tell the catalogue that a project, or what its page or filters read, changed."""
    bump_version(CATALOGUE_VERSION)


def reference_changed(**_: Any) -> None:
    """Tell the catalogue that an area, an axis or a city changed."""
    bump_version(REFERENCE_VERSION)


def count_key(filters: str) -> str:
    """Return the cache key of a filter set's count."""
    return "projects:catalogue-count:" + hashlib.sha256(filters.encode()).hexdigest()[:32]


def versions(filters: str = "") -> tuple[str | None, str | None, int | None]:
    """Return the catalogue's and the reference data's versions, and the filter set's count
    if one is cached under the current version: one round trip to Redis.

    Versions are None when Redis does not answer (then nothing is cached).
    """
    try:
        found = cache.get_many([CATALOGUE_VERSION, REFERENCE_VERSION, count_key(filters)])
        for key in (CATALOGUE_VERSION, REFERENCE_VERSION):
            if key not in found:
                cache.add(key, _new_version(), timeout=CATALOGUE_CACHE_SECONDS)
                found[key] = cache.get(key)
    except Exception:  # Redis down: the page is computed in full
        logger.warning("catalogue cache unavailable", exc_info=True)
        return None, None, None
    version = found.get(CATALOGUE_VERSION)
    # A count is kept with the version it was made under; another version's is stale.
    kept_version, count = found.get(count_key(filters)) or (None, None)
    return version, found.get(REFERENCE_VERSION), count if kept_version == version else None


def kept(key: str) -> tuple[tuple[str, str] | None, Any]:
    """Return the current versions (catalogue, reference data) and what is kept under
    ``key``, in one round trip to Redis; a missing version is made (``versions``).

    The versions are None when Redis does not answer: then nothing is served or kept.
    """
    try:
        found = cache.get_many([CATALOGUE_VERSION, REFERENCE_VERSION, key])
        for name in (CATALOGUE_VERSION, REFERENCE_VERSION):
            if name not in found:
                cache.add(name, _new_version(), timeout=CATALOGUE_CACHE_SECONDS)
                found[name] = cache.get(name)
    except Exception:  # Redis down: computed in full
        logger.warning("catalogue cache unavailable", exc_info=True)
        return None, None
    current = (found[CATALOGUE_VERSION], found[REFERENCE_VERSION])
    return (None if None in current else current), found.get(key)


def keep(key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` for at most ``CATALOGUE_CACHE_SECONDS``."""
    try:
        cache.set(key, value, timeout=CATALOGUE_CACHE_SECONDS)
    except Exception:  # Redis down: not kept
        logger.warning("could not keep %s", key, exc_info=True)


@dataclass
class Reference:
    """The areas, axes and cities of the catalogue in one language."""

    areas: list[tuple[int, str]]  # the active ones, as the filter offers them
    axes: list[tuple[int, str]]
    cities: list[tuple[int, str]]
    area_names: dict[int, str]  # every area, by id: a project's primary area may be inactive
    # Every area and axis, by id, as rows (a project's page names them in any language).
    area_rows: dict[int, StrategicArea] = field(default_factory=dict)
    axis_rows: dict[int, Axis] = field(default_factory=dict)
    # The filters' <select>s, rendered once (projects.forms.CachedSelect).
    rendered: dict[Any, str] = field(default_factory=dict)


_references: dict[tuple[str, str], Reference] = {}


def reference(language: str, version: str | None) -> Reference:
    """Return the reference data in ``language``, read once per version into this process."""
    if version is not None and (language, version) in _references:
        return _references[(language, version)]
    with translation.override(language):
        areas = list(StrategicArea.objects.order_by("number"))
        axes = list(Axis.objects.order_by("number"))
        cities = list(Party.objects.order_by("code"))
        found = Reference(
            areas=[(a.pk, str(a)) for a in areas if a.active],
            axes=[(a.pk, str(a)) for a in axes if a.active],
            cities=[(c.pk, str(c)) for c in cities],
            area_names={a.pk: a.name for a in areas},
            area_rows={a.pk: a for a in areas},
            axis_rows={a.pk: a for a in axes},
        )
    if version is not None:
        if len(_references) > 30:  # old versions: never read again
            _references.clear()
        _references[(language, version)] = found
    return found


def keep_count(filters: str, version: str | None, count: int) -> None:
    """Keep a filter set's count under the catalogue's version (see ``versions``)."""
    if version is None:
        return
    try:
        cache.set(count_key(filters), (version, count), timeout=CATALOGUE_CACHE_SECONDS)
    except Exception:  # Redis down: not cached
        logger.warning("could not cache a catalogue count", exc_info=True)


def _reversed(ordering: list[Any]) -> list[Any]:
    flipped = []
    for term in ordering:
        if isinstance(term, str):
            flipped.append(term[1:] if term.startswith("-") else f"-{term}")
        else:  # an expression's ordering
            flipped.append(term.copy().reverse_ordering())
    return flipped


def page_ids(projects: QuerySet[Any], *, offset: int, size: int, count: int) -> list[int]:
    """Return the ids of one page of ``projects`` in their order, reading only keys.

    Past the middle the page is read from the other end (the ordering reversed, the offset
    from the end), so that no page skips more than half of the matches.
    """
    ordering = list(projects.query.order_by or projects.model._meta.ordering)
    if offset <= count // 2 or not count:
        return list(
            projects.order_by(*ordering).values_list("pk", flat=True)[offset : offset + size]
        )
    end = min(offset + size, count)
    from_end = count - end
    keys = list(
        projects.order_by(*_reversed(ordering)).values_list("pk", flat=True)[
            from_end : from_end + (end - offset)
        ]
    )
    keys.reverse()
    return keys


# --- Anonymous public pages -----------------------------------------------------------------
# The catalogue's pages and the public projects' pages are the same for every visitor who is
# not signed in, but for the CSRF token of the language form: each is kept once per language
# and address, with the token left out, under both versions. A project, a part of it, an
# institution, an area, an axis or a city changing bumps one of them, and every kept page is
# then stale. Signed-in people, visitors with a session or pending messages, and anything but
# a 200 are never served from here nor kept.

PAGE_PREFIX = "projects:page:"
PAGE_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
TOKEN_PLACEHOLDER = "\x00csrf-token\x00"  # noqa: S105 (a marker, not a secret)


def _page_cacheable(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
        and not request.user.is_authenticated
    )


def _page_key(request: HttpRequest) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{PAGE_PREFIX}{language}:{path}"


def _kept_page(request: HttpRequest, key: str) -> tuple[tuple[Any, Any], HttpResponse | None]:
    """Return the current versions and the kept page made for this visitor, if current.

    One round trip to Redis. Raises what the cache raises when Redis does not answer.
    """
    found = cache.get_many([CATALOGUE_VERSION, REFERENCE_VERSION, key])
    current = (found.get(CATALOGUE_VERSION), found.get(REFERENCE_VERSION))
    kept = found.get(key)
    if kept is None or None in current or tuple(kept[:2]) != current:
        return current, None
    _catalogue, _reference, etag, content_type, body = kept
    # The visitor's own CSRF token (``get_token`` also has the cookie set).
    response = HttpResponse(
        body.replace(TOKEN_PLACEHOLDER, get_token(request)), content_type=content_type
    )
    response["ETag"] = etag
    return current, response


def public_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an anonymous visitor's public page from the cache, with an ``ETag``.

    One round trip to Redis: the versions and the kept page together. The page's own CSRF
    token is put back for the visitor (``get_token``, which also sets the cookie); a visitor
    whose copy is current gets a 304 (``ConditionalGetMiddleware`` compares the ``ETag``).
    ``KeptPageMiddleware`` serves the same kept pages before most of the middleware runs.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _page_cacheable(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        try:
            current, response = _kept_page(request, key)
        except Exception:  # Redis down: the page is computed in full
            return view(request, *args, **kwargs)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming or None in current:
            return response
        body = PAGE_TOKEN.sub(rf"\g<1>{TOKEN_PLACEHOLDER}\g<2>", response.content.decode())
        etag = '"' + hashlib.sha256(f"{current}{body}".encode()).hexdigest()[:32] + '"'
        response["ETag"] = etag
        try:
            cache.set(
                key,
                (*current, etag, response["Content-Type"], body),
                timeout=CATALOGUE_CACHE_SECONDS,
            )
        except Exception:  # Redis down: not cached
            logger.warning("could not cache a public page", exc_info=True)
        return response

    wrapper.public_page = True  # type: ignore[attr-defined]
    return wrapper


class _Missed(HttpResponse):
    """No current kept page: the request goes through the whole chain instead."""


class KeptPageMiddleware:
    """Answer an anonymous visitor's kept public page before most of the middleware runs.

    Placed after the CSP middleware and before the sessions'. A request that may be served a
    kept page (``public_page_cache``'s rule: GET or HEAD, no session or messages cookie, a
    page that view keeps) goes through the middleware that still matters for such a visitor:
    every one after this in ``MIDDLEWARE``, in its order (today the language, from the cookie
    or ``Accept-Language`` as ever, the NUL guard, the host check and ``Content-Length``, the
    CSRF cookie and token, ``X-Frame-Options``), but those in ``SKIPPED``: without a session
    cookie the sessions', authentication's, second factor's, messages', allauth's and
    history's middleware do nothing for it. If no current page is kept, the request is handed
    to the whole chain as before (the view then computes and keeps it).
    """

    # What does nothing for a request without a session cookie, hence skipped for a kept
    # page. Everything else after this middleware in ``MIDDLEWARE`` runs, in its order: a
    # middleware added there later runs for kept pages too unless it is named here.
    SKIPPED = frozenset(
        {
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "cooperation.access.SecondFactorMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "allauth.account.middleware.AccountMiddleware",
            "simple_history.middleware.HistoryRequestMiddleware",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.core.handlers.exception import convert_exception_to_response
        from django.utils.module_loading import import_string

        self.get_response = get_response
        # Built as the handler builds its chain: an exception (a host not allowed) becomes
        # its response where it is raised, and goes out through the outer ones.
        serve: Callable[[HttpRequest], Any] = self._serve
        for path in reversed(self.inner()):
            serve = convert_exception_to_response(import_string(path)(serve))
        self.serve = serve

    @classmethod
    def inner(cls) -> list[str]:
        """Return the middleware that still runs for a kept page, in ``MIDDLEWARE``'s order."""
        name = f"{cls.__module__}.{cls.__qualname__}"
        after = settings.MIDDLEWARE[settings.MIDDLEWARE.index(name) + 1 :]
        return [path for path in after if path not in cls.SKIPPED]

    def _serve(self, request: HttpRequest) -> HttpResponse:
        try:
            _current, response = _kept_page(request, _page_key(request))
        except Exception:  # Redis down: the view computes the page
            return _Missed()
        return _Missed() if response is None else response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = _early_match(request)
        if match is not None:
            response = self.serve(request)
            if not isinstance(response, _Missed):
                if response.status_code == 200:  # a kept page, not a refusal on the way
                    # As the handler would set it: the metrics label the request by its view.
                    request.resolver_match = match
                return response
        return self.get_response(request)


def _early_match(request: HttpRequest) -> Any:
    """Return the route of a page ``public_page_cache`` keeps, if this visitor may get one."""
    from django.urls import Resolver404, resolve

    cookies = request.COOKIES
    if not (
        settings.PUBLIC_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and request.path_info.startswith("/projects/")
        and settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    ):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match if getattr(match.func, "public_page", False) else None
