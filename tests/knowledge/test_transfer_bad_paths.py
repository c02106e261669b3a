"""A transfer's end is a day that has come: refused in the future on every path (the
coordinators' page, the officials' admin, the service; the API in tests/api)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowledge import services
from knowledge.models import Transfer
from tests.knowledge.factories import coordinator_of, published, transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(coordinator, official_bcn, official_cdmx, institution_cdmx):
    practice = published(actor=coordinator, reviewer=official_bcn)
    return transfer(actor=official_cdmx, practice=practice, institution=institution_cdmx)


def _soon() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=3)


def test_the_page_refuses_an_end_in_the_future_by_its_field(login, made, institution_cdmx):
    client = login(coordinator_of(institution_cdmx, email="c@unam.example.org"))
    url = f"/knowledge/transfers/{made.pk}/"
    body = {
        "action": "move",
        "move-to_stage": "discontinued",
        "move-on": _soon().isoformat(),
        "move-lessons_es": "Sin apoyo.",
    }
    response = client.post(url, body)
    assert response.status_code == 200
    assert 'id="id_move-on_error"' in response.content.decode()
    assert "cannot end after today" in response.content.decode()
    assert Transfer.objects.get(pk=made.pk).stage == "interest"


def test_the_service_refuses_an_end_in_the_future_on_a_change(official_cdmx, made):
    services.transfer_move(
        actor=official_cdmx, transfer=made, to_stage="discontinued", lessons={"lessons_es": "x"}
    )
    made.refresh_from_db()
    ended = made.ended_on
    made.ended_on = _soon()
    with pytest.raises(ValidationError) as refused:
        services.transfer_update(actor=official_cdmx, transfer=made)
    assert "ended_on" in refused.value.message_dict
    assert Transfer.objects.get(pk=made.pk).ended_on == ended


def test_the_admin_refuses_an_end_in_the_future(login, official_cdmx, made):
    client = login(official_cdmx)
    url = f"/admin/knowledge/transfer/{made.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {b.html_name: b.value() for b in form if not b.field.disabled and b.value() is not None}
    for inline in page.context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            data[bound.html_name] = bound.value()
    data["ended_on"] = _soon().isoformat()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot end after today" in response.content.decode()
    assert Transfer.objects.get(pk=made.pk).ended_on is None
