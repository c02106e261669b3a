"""Webhook endpoints: safe registration, idempotent creates, If-Match updates, signed deliveries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.api.webhooks import attempt, emit, sign

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://93.184.215.14/hooks"  # a public address literal: nothing is resolved


def _create(api, url=PUBLIC_URL, events=("project.created",), **headers):
    return api.post(
        "/api/v1/webhooks/", {"url": url, "events": list(events)}, format="json", **headers
    )


def test_a_partner_registers_an_endpoint_and_sees_its_secret_once(api):
    response = _create(api)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert "secret" not in api.get(f"/api/v1/webhooks/{body['id']}/").json()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://[::1]/x",
    ],
)
def test_private_and_loopback_urls_are_refused(api, url):
    response = _create(api, url=url)
    assert response.status_code == 400
    assert "private or loopback" in response.json()["errors"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_an_administrator_can_allow_private_urls_for_a_partner(api, partner):
    partner.profile.allow_private_webhooks = True
    partner.profile.save()
    assert _create(api, url="http://127.0.0.1:9/hook").status_code == 201


@pytest.mark.parametrize(
    "payload",
    [
        {"url": PUBLIC_URL, "events": ["project.exploded"]},
        {"url": PUBLIC_URL, "events": []},
        {"url": PUBLIC_URL, "events": "project.created"},
        {"url": 42, "events": ["project.created"]},
        {"events": ["project.created"]},
        {"url": "https://exa\x00mple.org/", "events": ["project.created"]},
    ],
)
def test_invalid_bodies_are_refused_with_field_errors(api, payload):
    response = api.post("/api/v1/webhooks/", payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_malformed_json_is_a_400_problem(api):
    response = api.generic(
        "POST", "/api/v1/webhooks/", '{"url": "x", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "JSON parse error" in response.json()["detail"]


def test_a_retried_create_with_the_same_key_creates_nothing(api):
    first = _create(api, HTTP_IDEMPOTENCY_KEY="f3b1c2d0-key")
    second = _create(api, HTTP_IDEMPOTENCY_KEY="f3b1c2d0-key")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert WebhookEndpoint.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(api):
    _create(api, HTTP_IDEMPOTENCY_KEY="k-1")
    response = _create(api, events=("call.opened",), HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409
    assert WebhookEndpoint.objects.count() == 1


def test_keys_belong_to_one_client(api, other_partner, token_client):
    _create(api, HTTP_IDEMPOTENCY_KEY="shared")
    response = _create(token_client(other_partner), HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert WebhookEndpoint.objects.count() == 2


def test_a_failed_create_can_be_retried_with_the_same_key(api):
    assert _create(api, url="http://127.0.0.1/", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 400
    assert _create(api, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201


def test_updates_need_the_current_etag(api):
    created = _create(api).json()
    url = f"/api/v1/webhooks/{created['id']}/"
    etag = api.get(url)["ETag"]
    missing = api.patch(url, {"active": False}, format="json")
    assert missing.status_code == 428
    updated = api.patch(url, {"active": False}, format="json", HTTP_IF_MATCH=etag)
    assert updated.status_code == 200
    assert updated["ETag"] != etag
    stale = api.patch(url, {"active": True}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert WebhookEndpoint.objects.get().active is False
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert api.delete(url, HTTP_IF_MATCH=updated["ETag"]).status_code == 204


def test_a_partner_cannot_see_or_change_another_partners_endpoint(api, other_partner, token_client):
    created = _create(api).json()
    intruder = token_client(other_partner)
    url = f"/api/v1/webhooks/{created['id']}/"
    assert intruder.get(url).status_code == 404
    assert (
        intruder.patch(url, {"active": False}, format="json", HTTP_IF_MATCH="*").status_code == 404
    )
    assert intruder.get("/api/v1/webhooks/").json()["results"] == []
    assert WebhookEndpoint.objects.get().active is True


def test_webhooks_need_the_webhooks_scope(partner, token_client):
    reader = token_client(partner, scopes=["read"])
    assert reader.get("/api/v1/webhooks/").status_code == 403
    assert _create(reader).status_code == 403


def test_people_signed_in_cannot_manage_webhooks(login, programme_admin):
    assert login(programme_admin).get("/api/v1/webhooks/").status_code == 403


class _Receiver(BaseHTTPRequestHandler):
    status = 204
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Receiver.received.append((dict(self.headers), self.rfile.read(length)))
        self.send_response(_Receiver.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    _Receiver.status = 204
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def local_endpoint(partner, receiver):
    partner.profile.allow_private_webhooks = True
    partner.profile.save()
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url=f"http://127.0.0.1:{receiver.server_port}/hook",
        events=["project.created"],
        secret="whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode(),
    )


def test_deliveries_are_signed_per_standard_webhooks(
    local_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        emit("project.created", {"code": "CDMX-BCN-2026-0001"})
        emit("call.opened", {"code": "not subscribed"})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.response_status == 204
    headers, body = _Receiver.received[0]
    assert headers["webhook-id"] == delivery.message_id
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body.decode()}".encode()
    key = base64.b64decode(local_endpoint.secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    assert json.loads(body)["data"] == {"code": "CDMX-BCN-2026-0001"}


def test_a_refused_delivery_is_logged_and_retried_until_it_gives_up(local_endpoint, settings):
    from cooperation.api.webhooks import deliver_once, retry_delay

    settings.WEBHOOK_MAX_ATTEMPTS = 3
    _Receiver.status = 500
    emit("project.created", {"code": "X"})  # not committed: the test runs each attempt
    delivery = WebhookDelivery.objects.get()
    outcomes = [deliver_once(delivery.pk)[0] for _ in range(4)]
    assert outcomes == ["retry", "retry", "failed", "skipped"]
    assert [retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.response_status == 500
    assert len(_Receiver.received) == 3


def test_replay_sends_the_same_message_again(local_endpoint, django_capture_on_commit_callbacks):
    from cooperation.api.webhooks import replay

    with django_capture_on_commit_callbacks(execute=True):
        emit("project.created", {"code": "X"})
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        replay(delivery)
    assert len(_Receiver.received) == 2
    assert _Receiver.received[0][0]["webhook-id"] == _Receiver.received[1][0]["webhook-id"]
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_delivery_to_a_private_address_is_refused_at_send_time(partner):
    endpoint = WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="http://127.0.0.1:9/x",
        events=["project.created"],
        secret="whsec_AAAA",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_1", event="project.created", payload={}
    )
    assert attempt(delivery) is False
    assert "private or loopback" in delivery.error


def test_signature_matches_the_specifications_example():
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    assert (
        sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
