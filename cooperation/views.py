"""The public home page and the health probes."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from cooperation.api.problems import api_error, api_not_found, api_server_error
from cooperation.models import Agreement, Axis, Party, StrategicArea


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer 404: problem details under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return page_not_found(request, exception or Http404())


def bad_request(
    request: HttpRequest, exception: Exception | None = None, *, message: str = ""
) -> HttpResponse:
    """Answer 400 in the person's language: problem details under /api/, a page elsewhere."""
    message = message or _("The request could not be understood: check the address or the form.")
    if request.path.startswith("/api/"):
        return api_error(request, 400, message)
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return default_server_error(request)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Present the programme from the database: the agreement, the two cities, areas and axes."""
    # Four queries whatever the data: agreement, parties (with counts), areas, axes.
    agreement = Agreement.objects.filter(amends__isnull=True).order_by("-signed_on").first()
    parties = Party.objects.annotate(
        institution_count=Count("institutions", filter=Q(institutions__active=True))
    )
    context = {
        "agreement": agreement,
        "parties": list(parties),
        "areas": list(StrategicArea.objects.filter(active=True)),
        "axes": list(Axis.objects.filter(active=True)),
    }
    return render(request, "cooperation/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 while the process lives (liveness)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()
    return None


def _check_redis() -> str | None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()
    finally:
        client.close()
    return None


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when PostgreSQL and Redis answer, else 503 naming the part that failed."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    failed = sorted(name for name, error in checks.items() if error)
    body: dict[str, object] = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: error or "ok" for name, error in checks.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
