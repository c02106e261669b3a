"""The public home page and the health probes."""

from __future__ import annotations

import sys

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from kombu.exceptions import OperationalError as BrokerError

from cooperation import db
from cooperation.api.problems import api_error, api_not_found, api_server_error, api_unavailable
from cooperation.models import Agreement, Axis, Party, StrategicArea


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer 404: problem details under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return page_not_found(request, exception or Http404())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer 403 with the portal's page, in the person's language (problem details in /api/)."""
    if request.path.startswith("/api/"):
        return api_error(request, 403, _("You may not do this."))
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Answer a refused form (CSRF) with the portal's page: what happened and what to do."""
    return render(request, "403_csrf.html", status=403)


# Seconds a client is asked to wait when PostgreSQL or Redis does not answer.
RETRY_AFTER_SECONDS = 30
# Errors that mean "a server we need is down or frozen", not "the code is wrong".
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
    BrokerError,  # a task queued directly, not through the outbox, while Redis is down
)


def is_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, UNAVAILABLE)


def unavailable(request: HttpRequest) -> HttpResponse:
    """Answer 503 with Retry-After: problem details under /api/, the portal's page elsewhere.

    Rendered without the request's context processors, so it needs no database (no user, no
    session), in the language LocaleMiddleware chose.
    """
    if request.path.startswith("/api/"):
        response = api_unavailable(request)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(
    request: HttpRequest, exception: Exception | None = None, *, message: str = ""
) -> HttpResponse:
    """Answer 400 in the person's language: problem details under /api/, a page elsewhere."""
    message = message or _("The request could not be understood: check the address or the form.")
    if request.path.startswith("/api/"):
        return api_error(request, 400, message)
    return render(request, "400.html", {"message": message}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 500, or 503 when the error is that PostgreSQL or Redis does not answer."""
    if is_unavailable(sys.exc_info()[1]):
        return unavailable(request)
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


# Each probe waits at most this long, so that /readyz answers within a second.
PROBE_SECONDS = 0.4


def _check_database() -> str | None:
    try:
        with db.deadline(PROBE_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()
    return None


def _check_redis() -> str | None:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS
    )
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
    """Answer 200 when PostgreSQL and Redis answer, else 503 naming the part that failed.

    The body also reports the Celery workers' heartbeat (``workers``).
    """
    checks = {"database": _check_database(), "redis": _check_redis()}
    failed = sorted(name for name, error in checks.items() if error)
    body: dict[str, object] = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: error or "ok" for name, error in checks.items()},
    }
    if failed:
        body["failed"] = failed
    body["workers"] = _workers_heartbeat() if not checks["redis"] else {"error": checks["redis"]}
    return JsonResponse(body, status=503 if failed else 200)


def _workers_heartbeat() -> dict[str, object]:
    """Report the Celery workers heard of recently and the queues none of them consumes.

    Reported, never a reason for a 503: the web node serves pages without workers, and taking
    it out of the load balancer would not bring a worker back.
    """
    from cooperation.observability import workers_report

    try:
        return workers_report(timeout=PROBE_SECONDS)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}".strip()}
