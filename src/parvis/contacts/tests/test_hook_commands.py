"""The hook simulator commands: a new secret, then a signed post to a live server."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from parvis.contacts.connectors import base
from parvis.contacts.models import InboundRow
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.contacts.tests.ingestion_kit import RecordingConnector

pytestmark = pytest.mark.django_db(transaction=True)


def test_hook_secret_then_hook_post(live_server, monkeypatch, tmp_path, capsys):
    channel("sms")
    monkeypatch.setitem(base._REGISTRY, "sms", RecordingConnector())
    endpoint = InboundEndpointFactory(connector="sms")
    call_command("hook_secret", str(endpoint.uuid))
    assert capsys.readouterr().out.startswith(f"/hooks/{endpoint.uuid}/ ")
    body = tmp_path / "sms.txt"
    body.write_text("Bonjour, ma carte vitale ?", encoding="utf-8")
    for _ in range(2):
        call_command(
            "hook_post", str(endpoint.uuid), str(body), "--url", live_server.url,
            "--message-id", "sms-1",
        )  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out == ['202 {"accepted": 1, "duplicates": 0}', '202 {"accepted": 0, "duplicates": 1}']
    assert InboundRow.objects.get().external_id == "sms-1"
