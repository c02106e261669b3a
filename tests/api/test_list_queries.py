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

# Queries each list runs as a partner client: one for the token with its application, the
# partner profile and the account it acts as; then the list's own.
PARTNER_LISTS = {
    "/api/v1/parties/": 2,  # + the page
    "/api/v1/areas/": 2,  # + the page
    "/api/v1/axes/": 2,  # + the page
    "/api/v1/institutions/": 2,  # + the page with cities (select_related)
    "/api/v1/webhooks/": 2,  # + the page
    "/api/v1/projects/": 2,  # + the page: each project's row of the listing view
    "/api/v1/milestones/": 2,  # + the page (the projects it may read are a subquery)
    "/api/v1/measurements/": 2,
    "/api/v1/participations/": 2,  # + the page with projects, institutions and cities (joins)
    "/api/v1/funding/": 2,  # + the page with projects and funders (joins)
    "/api/v1/calls/": 5,  # + the page, areas, hosts (+ institutions, cities), criteria
}


@pytest.fixture
def plenty(partner, institution_bcn, institution_cdmx, bcn):
    for index in range(12):
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
    # The token (with its client, profile and account), the endpoint, the page.
    assert _count(api, f"{url}?page_size=2") == _count(api, f"{url}?page_size=12") == 3


def test_report_run_list_runs_a_pinned_number_of_queries(login, official_cdmx):
    for _ in range(12):
        ReportRun.objects.create(kind="institutions", format="csv", requested_by=official_cdmx)
    client = login(official_cdmx)
    # session, user, the user's groups (role check), the page of runs.
    counts = {
        _count(client, f"/api/v1/report-runs/?page_size={size}&format=json") for size in (2, 12)
    }
    assert counts == {4}
