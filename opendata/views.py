"""The public open-data page, the files' downloads and the DCAT catalogue."""

from __future__ import annotations

import json
from collections import defaultdict

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.views.decorators.http import require_safe

from opendata import dcat
from opendata.datasets import DATASETS, REGISTRY
from opendata.models import Release, ReleaseFile
from opendata.services import latest_release
from opendata.standards_release import STANDARD_DATASETS

HISTORY = 20


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """List the datasets of the latest release with their files, and the release history."""
    # Queries: the latest release, its files, the history: 3.
    release = latest_release()
    files: dict[str, list[ReleaseFile]] = defaultdict(list)
    if release is not None:
        for item in release.files.all():
            files[item.dataset].append(item)
    datasets = [{"dataset": d, "files": files.get(d.code, [])} for d in DATASETS if d.code in files]
    # Standard exports (360Giving, IATI) are datasets of their own name in the release.
    extra = [code for code in files if code not in REGISTRY]
    history = list(Release.objects.published().order_by("-published_at", "-pk")[:HISTORY])
    return render(
        request,
        "opendata/index.html",
        {
            "release": release,
            "datasets": datasets,
            "standards": [
                {"code": code, "files": files[code], "dataset": STANDARD_DATASETS.get(code)}
                for code in extra
            ],
            "history": history,
        },
    )


@require_safe
def download(
    request: HttpRequest, release: int, dataset: str, format: str
) -> HttpResponse | FileResponse:
    """Stream a published file, with its SHA-256 as ETag; answer 304 when the copy is current."""
    item = (
        ReleaseFile.objects.filter(
            release_id=release,
            release__state=Release.State.PUBLISHED,
            dataset=dataset,
            format=format,
        )
        .select_related("release")
        .first()
    )
    if item is None:
        raise Http404
    etag = quote_etag(item.sha256)
    modified = item.release.published_at or item.release.created_at  # published: it has one
    last_modified = int(modified.timestamp())
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": "public, max-age=3600",
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        current = etag in tags or "*" in tags
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        current = since is not None and last_modified <= since
    if current:
        response: HttpResponse | FileResponse = HttpResponseNotModified()
    else:
        try:
            handle = item.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, content_type=item.media_type, as_attachment=False, filename=item.filename
        )
        if item.media_type.startswith(("text/", "application/json")):
            response["Content-Type"] = f"{item.media_type}; charset=utf-8"
    for name, value in headers.items():
        response[name] = value
    return response


@require_safe
def catalog(request: HttpRequest) -> HttpResponse:
    """Describe every dataset and distribution of the latest release in DCAT-AP (JSON-LD)."""
    document = dcat.catalogue(latest_release())
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/ld+json; charset=utf-8",
    )


@require_safe
def catalog_rdf(request: HttpRequest) -> HttpResponse:
    """The same catalogue as RDF/XML."""
    document = dcat.catalogue(latest_release())
    return HttpResponse(
        dcat.catalogue_rdf(document), content_type="application/rdf+xml; charset=utf-8"
    )
