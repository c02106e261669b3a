"""Officials manage partner clients and webhook deliveries in the admin."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from cooperation.api.models import PartnerProfile, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_administrator_creates_a_client_and_sees_its_secret_once(
    login, programme_admin, institution_bcn
):
    client = login(programme_admin)
    response = client.post(
        "/admin/api/partnerprofile/add/",
        {
            "name": "UPC datasets",
            "institution": institution_bcn.pk,
            "scope_choices": ["read", "webhooks"],
        },
        follow=True,
    )
    assert response.status_code == 200
    profile = PartnerProfile.objects.get(application__name="UPC datasets")
    assert profile.scope_list == ["read", "webhooks"]
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert profile.application.client_id in shown
    assert "secret" in shown


def test_a_client_needs_exactly_one_owner(login, programme_admin, institution_bcn, bcn):
    client = login(programme_admin, language="en")
    response = client.post(
        "/admin/api/partnerprofile/add/",
        {
            "name": "Both",
            "institution": institution_bcn.pk,
            "party": bcn.pk,
            "scope_choices": ["read"],
        },
    )
    assert response.status_code == 200
    assert b"Choose either an institution or a city, not both." in response.content
    assert not PartnerProfile.objects.exists()


def test_revoke_and_rotate_actions(login, programme_admin, partner):
    client = login(programme_admin)
    client.post(
        "/admin/api/partnerprofile/",
        {"action": "rotate", "_selected_action": [partner.profile.pk]},
    )
    from django.contrib.auth.hashers import check_password

    partner.profile.application.refresh_from_db()
    assert not check_password(partner.client_secret, partner.profile.application.client_secret)
    client.post(
        "/admin/api/partnerprofile/",
        {"action": "revoke", "_selected_action": [partner.profile.pk]},
    )
    partner.profile.refresh_from_db()
    assert partner.profile.revoked_at is not None


def test_officials_read_clients_but_cannot_create_or_revoke(login, official_cdmx, partner):
    client = login(official_cdmx)
    assert client.get("/admin/api/partnerprofile/").status_code == 200
    assert client.get("/admin/api/partnerprofile/add/").status_code == 403
    client.post(
        "/admin/api/partnerprofile/",
        {"action": "revoke", "_selected_action": [partner.profile.pk]},
    )
    partner.profile.refresh_from_db()
    assert partner.profile.revoked_at is None


def test_replay_action_queues_the_delivery_again(
    login, programme_admin, partner, django_capture_on_commit_callbacks, monkeypatch
):
    endpoint = WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/h",
        events=["call.opened"],
        secret="whsec_AAAA",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_9", event="call.opened", payload={}, status="failed"
    )
    sent: list[int] = []
    monkeypatch.setattr(
        "cooperation.api.tasks.deliver_webhook.apply_async",
        lambda args, **kwargs: sent.append(args[0]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(programme_admin).post(
            "/admin/api/webhookdelivery/",
            {"action": "replay_deliveries", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert sent == [delivery.pk]
