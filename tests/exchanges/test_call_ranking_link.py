"""Question 8: each call's ranking, with its social and urban impact scores, is reachable from
the call's admin page and the calls' list, closed calls too."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exchanges.models import Call

pytestmark = pytest.mark.django_db


def test_a_closed_calls_ranking_is_one_click_from_its_admin_page(
    in_evaluation, official_bcn, login
):
    call = in_evaluation.call
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=60),
        closes_at=timezone.now() - datetime.timedelta(days=30),
    )
    client = login(official_bcn, language="en")
    ranking = reverse("exchanges:call_ranking", args=[call.pk])
    page = client.get(f"/admin/exchanges/call/{call.pk}/change/").content.decode()
    assert f'href="{ranking}"' in page
    listing = client.get("/admin/exchanges/call/").content.decode()
    assert f'href="{ranking}"' in listing
    response = client.get(ranking)
    assert response.status_code == 200
    (ranked,) = response.context["applications"]
    assert ranked.pk == in_evaluation.pk
    assert ranked.rank == 1
    assert ranked.impact_score is not None
    assert f"{ranked.impact_score:.2f}" in response.content.decode()
