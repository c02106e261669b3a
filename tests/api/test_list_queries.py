"""Every list of the API runs a constant number of queries, whatever the page size."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from projects.models import Measurement
from reports.models import ReportRun
from tests.exchanges.factories import CallFactory, add_host
from tests.factories import InstitutionFactory
from tests.projects.factories import (
    FundingFactory,
    IndicatorFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

# Queries each list runs as a partner client once its token is kept (the first call of a
# token reads it, its application, the partner profile and the account in one more query;
# it is then kept for API_TOKEN_CACHE_SECONDS, see test_token_cache.py): the list's own.
# Each was one more before the token was kept.
PARTNER_LISTS = {
    "/api/v1/parties/": 1,  # the page
    "/api/v1/areas/": 1,  # the page
    "/api/v1/axes/": 1,  # the page
    "/api/v1/institutions/": 1,  # the page with cities (select_related)
    "/api/v1/webhooks/": 1,  # the page
    "/api/v1/projects/": 1,  # the page: each project's row of the listing view
    "/api/v1/milestones/": 1,  # the page (the projects it may read are a subquery)
    "/api/v1/measurements/": 1,
    "/api/v1/participations/": 1,  # the page with projects, institutions and cities (joins)
    "/api/v1/funding/": 1,  # the page with projects and funders (joins)
    "/api/v1/calls/": 4,  # the page, areas, hosts (+ institutions, cities), criteria
    "/api/v1/events/": 2,  # the page with cities, institutions and places taken; the areas
}


@pytest.fixture
def plenty(partner, institution_bcn, institution_cdmx, bcn, official_bcn):
    from tests.knowledge.factories import event

    for index in range(12):
        event(actor=official_bcn, institution=institution_bcn)
        InstitutionFactory(party=bcn)
        project = ProjectFactory(institutions=[institution_bcn, institution_cdmx])
        MilestoneFactory(project=project)
        FundingFactory(project=project)
        indicator = IndicatorFactory(project=project)
        Measurement.objects.create(
            indicator=indicator, date=datetime.date(2026, 1, index + 1), value=index
        )
        add_host(CallFactory(), institution_bcn)
        WebhookEndpoint.objects.create(
            partner=partner.profile,
            url=f"https://93.184.215.14/{index}",
            events=["call.opened"],
            secret="whsec_AAAA",
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("url", sorted(PARTNER_LISTS))
def test_partner_lists_run_a_pinned_number_of_queries(api, plenty, url):
    assert _count(api, "/api/v1/areas/") == 2  # the token, then the page
    small = _count(api, f"{url}?page_size=2")
    large = _count(api, f"{url}?page_size=12")
    assert small == large == PARTNER_LISTS[url], (small, large)


def test_a_webhooks_delivery_log_runs_a_pinned_number_of_queries(api, partner):
    endpoint = WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/log",
        events=["call.opened"],
        secret="whsec_AAAA",
    )
    for index in range(12):
        WebhookDelivery.objects.create(
            endpoint=endpoint, message_id=f"msg_{index}", event="call.opened", payload={}
        )
    url = f"/api/v1/webhooks/{endpoint.pk}/deliveries/"
    # The token (with its client, profile and account) on the first call only, then kept;
    # the endpoint, the page. It was 3 on every call before the token was kept.
    assert _count(api, f"{url}?page_size=2") == 3
    assert _count(api, f"{url}?page_size=12") == 2


def test_report_run_list_runs_a_pinned_number_of_queries(login, official_cdmx):
    for _ in range(12):
        ReportRun.objects.create(kind="institutions", format="csv", requested_by=official_cdmx)
    client = login(official_cdmx)
    # session, user, the user's groups (role check), the page of runs.
    counts = {
        _count(client, f"/api/v1/report-runs/?page_size={size}&format=json") for size in (2, 12)
    }
    assert counts == {4}
