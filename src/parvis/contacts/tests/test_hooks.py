"""The signed inbound webhook door: /hooks/<endpoint uuid>/."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from parvis.contacts.connectors import base
from parvis.contacts.models import InboundRow, Message
from parvis.contacts.signatures import sign
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.contacts.tests.ingestion_kit import RecordingConnector
from parvis.core import ratelimit
from parvis.core.crypto import encrypt_text

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def sms(monkeypatch):  # type: ignore[no-untyped-def]
    channel("sms")
    RecordingConnector.processed = []
    monkeypatch.setitem(base._REGISTRY, "sms", RecordingConnector())
    return InboundEndpointFactory(
        connector="sms",
        secret_encrypted=encrypt_text("secret-actuel"),
        previous_secret_encrypted=encrypt_text("secret-precedent"),
    )


def _post(endpoint, body: bytes, *, secrets=("secret-actuel",), timestamp=None, **headers):  # type: ignore[no-untyped-def]
    signature = {"HTTP_X_PARVIS_SIGNATURE": sign(body, secrets, timestamp=timestamp)}
    return Client(enforce_csrf_checks=True).post(
        reverse("hooks:inbound", kwargs={"endpoint_uuid": endpoint.uuid}),
        data=body,
        content_type="text/plain",
        **{**signature, **headers},
    )


def test_the_same_delivery_three_times_stores_one_row_and_one_message(
    sms, django_capture_on_commit_callbacks
):
    answers = []
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(_post(sms, "Bonjour, où en est mon dossier ?".encode()))
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert [a.json() for a in answers] == [
        {"accepted": 1, "duplicates": 0},
        {"accepted": 0, "duplicates": 1},
        {"accepted": 0, "duplicates": 1},
    ]
    row = InboundRow.objects.get()
    assert row.status == "processed" and row.attempts == 1 and row.channel == "sms"
    assert row.external_id.startswith("sha256:")
    assert Message.objects.get().inbound_row == row
    assert RecordingConnector.processed == [row.pk]


def test_the_provider_id_header_is_the_idempotency_key(sms):
    first = _post(sms, b"premier envoi", HTTP_X_PARVIS_MESSAGE_ID="fournisseur-42")
    again = _post(sms, b"le meme, reformate", HTTP_X_PARVIS_MESSAGE_ID="fournisseur-42")
    assert first.json() == {"accepted": 1, "duplicates": 0}
    assert again.json() == {"accepted": 0, "duplicates": 1}
    assert InboundRow.objects.get().external_id == "fournisseur-42"


def test_the_previous_secret_is_still_accepted(sms):
    response = _post(sms, b"rotation en cours", secrets=("secret-precedent",))
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "signature_missing"),
        ("t=abc,v1=", "signature_malformed"),
        ("wrong", "signature_invalid"),
        ("stale", "signature_expired"),
    ],
)
def test_refusals_are_401_problems_in_french_and_store_nothing(sms, header, code):
    body = b"texte"
    url = reverse("hooks:inbound", kwargs={"endpoint_uuid": sms.uuid})
    if header == "wrong":
        header = sign(body, ["un-autre-secret"])
    elif header == "stale":
        header = sign(body, ["secret-actuel"], timestamp=int(time.time()) - 301)
    headers = {"HTTP_X_PARVIS_SIGNATURE": header} if header else {}
    response = Client().post(url, data=body, content_type="text/plain", **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    problem = json.loads(response.content)
    assert problem["code"] == code and problem["status"] == 401
    assert response["WWW-Authenticate"] == 'Signature header="X-Parvis-Signature"'
    assert "Signature" in problem["detail"]
    assert not InboundRow.objects.exists()


def test_a_signature_over_another_body_is_refused(sms):
    url = reverse("hooks:inbound", kwargs={"endpoint_uuid": sms.uuid})
    header = sign(b"corps signe", ["secret-actuel"])
    response = Client().post(
        url, data=b"corps modifie", content_type="text/plain", HTTP_X_PARVIS_SIGNATURE=header
    )
    assert response.status_code == 401 and json.loads(response.content)["code"] == (
        "signature_invalid"
    )


def test_unknown_or_inactive_endpoints_are_404_problems(sms):
    sms.is_active = False
    sms.save()
    response = _post(sms, b"x")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    unknown = Client().post(
        "/hooks/00000000-0000-4000-8000-000000000000/", data=b"x", content_type="text/plain"
    )
    assert unknown.status_code == 404 and unknown["Content-Type"] == PROBLEM


def test_only_post_is_allowed(sms):
    response = Client().get(reverse("hooks:inbound", kwargs={"endpoint_uuid": sms.uuid}))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response["Content-Type"] == PROBLEM


def test_the_body_limit_is_the_connectors_and_lifts_djangos_on_this_door_only(
    sms, settings, monkeypatch
):
    settings.CONTACTS_HOOK_MAX_BODY_BYTES = {"default": 1024, "courriel": 4 * 1024 * 1024}
    too_large = _post(sms, b"a" * 1025)
    assert too_large.status_code == 413 and too_large["Content-Type"] == PROBLEM
    assert json.loads(too_large.content)["code"] == "payload_too_large"
    assert _post(sms, b"a" * 1024).status_code == 202

    # raw MIME with attachments: above DATA_UPLOAD_MAX_MEMORY_SIZE, still accepted
    monkeypatch.setitem(base._REGISTRY, "courriel", RecordingConnector())
    email = InboundEndpointFactory(connector="courriel", secret_encrypted=sms.secret_encrypted)
    big = b"b" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert _post(email, big).status_code == 202
    assert _post(email, b"c" * (4 * 1024 * 1024 + 1)).status_code == 413


def test_the_content_length_alone_is_enough_to_refuse(sms, settings):
    settings.CONTACTS_HOOK_MAX_BODY_BYTES = {"default": 10}
    response = _post(sms, b"court", CONTENT_LENGTH="999999")
    assert response.status_code == 413


def test_deliveries_are_rate_limited_per_endpoint(sms, settings, monkeypatch):
    settings.CONTACTS_RATE_LIMITS = {"hook_endpoint": (2, 60)}
    # Fixed windows: a slow run crossing a minute boundary would start a new count.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    assert _post(sms, b"un").status_code == 202
    assert _post(sms, b"deux").status_code == 202
    refused = _post(sms, b"trois")
    assert refused.status_code == 429 and refused["Content-Type"] == PROBLEM
    assert int(refused["Retry-After"]) >= 1
    other = InboundEndpointFactory(connector="sms", secret_encrypted=sms.secret_encrypted)
    assert _post(other, b"trois").status_code == 202


def test_a_body_the_connector_cannot_read_is_a_400_problem(sms, monkeypatch):
    def unreadable(body, headers):  # type: ignore[no-untyped-def]
        raise ValueError("not JSON")

    monkeypatch.setattr(base._REGISTRY["sms"], "accept", unreadable)
    response = _post(sms, b"{")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert not InboundRow.objects.exists()


def test_a_connector_may_split_a_delivery_into_several_items(sms, monkeypatch):
    def batch(body, headers):  # type: ignore[no-untyped-def]
        return [("receipt", f"r-{line}", line.encode()) for line in body.decode().split()]

    monkeypatch.setattr(base._REGISTRY["sms"], "accept", batch)
    assert _post(sms, b"a b c").json() == {"accepted": 3, "duplicates": 0}
    assert _post(sms, b"c d").json() == {"accepted": 1, "duplicates": 1}
    assert sorted(InboundRow.objects.values_list("kind", flat=True)) == ["receipt"] * 4


def test_after_a_rotation_both_the_new_and_the_old_secret_sign(sms):
    from parvis.contacts.services import inbound_endpoint_rotate_secret

    new = inbound_endpoint_rotate_secret(endpoint=sms)
    sms.refresh_from_db()
    assert _post(sms, b"nouveau", secrets=(new,)).status_code == 202
    assert _post(sms, b"ancien", secrets=("secret-actuel",)).status_code == 202
    assert _post(sms, b"perime", secrets=("secret-precedent",)).status_code == 401


def test_an_endpoint_no_connector_serves_is_a_404_problem(sms, monkeypatch):
    monkeypatch.delitem(base._REGISTRY, "sms")
    response = _post(sms, b"x")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert not InboundRow.objects.exists()
