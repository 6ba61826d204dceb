"""Local stand-ins for an SMS gateway and a telephony platform: they post signed webhooks
to a running parvis (``manage.py simulate_sms``, ``manage.py simulate_call``), exactly as
a provider would, so that a conversation can be watched appearing on ``make run``."""

from __future__ import annotations

import datetime as dt
import json
import random
import urllib.error
import urllib.request
import uuid
from typing import Any

from parvis.contacts.signatures import HEADER, sign

# Scenarios of ``simulate_call``: the events a call goes through, in provider order, with
# the seconds since the call started.
CALL_SCENARIOS: dict[str, list[tuple[str, int]]] = {
    "answered": [
        ("call_started", 0),
        ("ivr_choice", 8),
        ("queued", 9),
        ("offered", 40),
        ("answered", 45),
        ("ended", 285),
    ],
    "abandoned": [("call_started", 0), ("ivr_choice", 7), ("queued", 8), ("abandoned", 128)],
    "voicemail": [("call_started", 0), ("queued", 6), ("voicemail", 66), ("ended", 96)],
    "transferred": [
        ("call_started", 0),
        ("queued", 5),
        ("answered", 30),
        ("transferred", 200),
        ("ended", 420),
    ],
    "ivr_only": [("call_started", 0), ("ivr_choice", 9), ("ended", 20)],
}


def hook_url(base_url: str, endpoint: str) -> str:
    return f"{base_url.rstrip('/')}/hooks/{endpoint}/"


POST_TIMEOUT_SECONDS = 10.0


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float = POST_TIMEOUT_SECONDS
) -> tuple[int, str]:
    """POST ``body``; the status code and response text (the standard library only, so
    that the command runs wherever parvis does). Tests replace it."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("an http(s) address is expected")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8", "replace")


def send_signed(
    url: str, payload: Any, secret: str, *, timeout: float = POST_TIMEOUT_SECONDS
) -> tuple[int, str]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", HEADER: sign(body, [secret])}
    return post(url, body, headers, timeout=timeout)


def sms_payload(*, sender: str, to: str, text: str, message_id: str = "") -> dict[str, str]:
    payload = {
        "id": message_id or f"sim-sms-{uuid.uuid4().hex[:16]}",
        "from": sender,
        "text": text,
        "received_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    if to:
        payload["to"] = to
    return payload


def receipt_payload(*, message_id: str, status: str, error: str = "") -> dict[str, str]:
    return {
        "id": f"sim-rcpt-{uuid.uuid4().hex[:16]}",
        "message_id": message_id,
        "status": status,
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "error": error,
    }


def call_events(
    *,
    scenario: str,
    call_id: str,
    caller: str,
    to: str,
    agent: str = "",
    ivr_choice: str = "1",
    start: dt.datetime | None = None,
) -> list[dict[str, str]]:
    """The events of one call of ``scenario``, in provider order."""
    begin = start or dt.datetime.now(dt.UTC)
    events = []
    for name, seconds in CALL_SCENARIOS[scenario]:
        event = {
            "call_id": call_id,
            "event": name,
            "timestamp": (begin + dt.timedelta(seconds=seconds)).isoformat(),
            "from": caller,
            "to": to,
        }
        if name == "ivr_choice":
            event["ivr_choice"] = ivr_choice
        if name in ("offered", "answered", "transferred") and agent:
            event["agent"] = agent
        events.append(event)
    return events


def shuffled(
    events: list[dict[str, str]], *, seed: int | None, duplicate: bool
) -> list[dict[str, str]]:
    """``events`` in a random arrival order, each sent twice when ``duplicate``."""
    arrivals = [*events, *events] if duplicate else list(events)
    random.Random(seed).shuffle(arrivals)
    return arrivals
