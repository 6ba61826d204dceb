"""The webhook door in front of Django (``contacts.hooks_asgi``), through ``parvis.asgi``.

Each answer is compared with the one Django's own view gives through the whole
middleware stack (status, body, headers), so a client cannot tell the two doors apart.
The door works from threads of its own, hence ``transaction=True``.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from typing import Any

import httpx
import pytest
from django.db import OperationalError
from django.test import Client
from django.test.utils import override_settings

from parvis.contacts import tasks
from parvis.contacts.connectors import base
from parvis.contacts.models import InboundRow, InboundStatus
from parvis.contacts.services import ingestion
from parvis.contacts.signatures import sign
from parvis.contacts.tests.factories import InboundEndpointFactory, channel
from parvis.contacts.tests.ingestion_kit import RecordingConnector
from parvis.core.crypto import encrypt_text
from parvis.core.memo import ProcessMemo
from parvis.testing.loops import run_in_fresh_loop

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "secret-actuel"
# Headers that differ from one answer to the next whatever the door.
VARYING = {"date", "x-request-id", "server"}


@pytest.fixture(autouse=True)
def _fresh_memos():  # type: ignore[no-untyped-def]
    ProcessMemo.forget_all()
    yield
    ProcessMemo.forget_all()


@pytest.fixture
def sms(monkeypatch):  # type: ignore[no-untyped-def]
    channel("sms")
    RecordingConnector.processed = []
    monkeypatch.setitem(base._REGISTRY, "sms", RecordingConnector())
    return InboundEndpointFactory(
        connector="sms",
        secret_encrypted=encrypt_text(SECRET),
        previous_secret_encrypted=encrypt_text("secret-precedent"),
    )


def _signed(body: bytes, *, secrets: tuple[str, ...] = (SECRET,), **extra: str) -> dict[str, str]:
    return {"X-Parvis-Signature": sign(body, secrets), **extra}


def _through_door(requests: list[tuple[str, str, bytes, dict[str, str]]]) -> list[httpx.Response]:
    """The requests sent at once through ``parvis.asgi.application``."""
    from parvis.asgi import application

    async def exchange() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return list(
                await asyncio.gather(
                    *(
                        client.request(method, path, content=body, headers=headers)
                        for method, path, body, headers in requests
                    )
                )
            )

    return run_in_fresh_loop(exchange)


def _through_django(method: str, path: str, body: bytes, headers: dict[str, str]) -> Any:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    return client.generic(method, path, data=body, headers=headers)


def _headers(response: Any) -> dict[str, str]:
    items = response.headers.items()
    return {name.lower(): value for name, value in items if name.lower() not in VARYING}


def _same_answer(door: httpx.Response, django: Any, seconds_apart: float = 0.0) -> None:
    """``seconds_apart``: how long after the door's answer Django's was made, which
    moves the seconds left in the rate window (a loaded machine takes seconds)."""
    assert door.status_code == django.status_code
    assert door.content == django.content
    door_headers, django_headers = _headers(door), _headers(django)
    retry = door_headers.pop("retry-after", None), django_headers.pop("retry-after", None)
    assert door_headers == django_headers
    tolerance = math.ceil(seconds_apart) + 1
    assert retry == (None, None) or abs(int(retry[0] or 0) - int(retry[1] or 0)) <= tolerance


def _path(endpoint: Any) -> str:
    return f"/hooks/{endpoint.uuid}/"


def test_a_delivery_is_stored_processed_and_answered_as_django_answers(sms):  # type: ignore[no-untyped-def]
    first, again = _through_door(
        [("POST", _path(sms), b"Bonjour", _signed(b"Bonjour", **{"X-Parvis-Message-Id": "m-1"}))]
    ) + _through_door(
        [("POST", _path(sms), b"Bonjour", _signed(b"Bonjour", **{"X-Parvis-Message-Id": "m-1"}))]
    )
    assert first.status_code == 202 and first.json() == {"accepted": 1, "duplicates": 0}
    assert again.json() == {"accepted": 0, "duplicates": 1}
    row = InboundRow.objects.get()
    assert row.external_id == "m-1" and row.status == InboundStatus.PROCESSED
    assert RecordingConnector.processed == [row.pk]

    headers = _signed(b"Salut", **{"X-Parvis-Message-Id": "m-2"})
    _same_answer(
        _through_door([("POST", _path(sms), b"Salut", headers)])[0],
        _through_django(
            "POST", _path(sms), b"Salut", _signed(b"Salut", **{"X-Parvis-Message-Id": "m-3"})
        ),
    )
    _same_answer(
        _through_door([("POST", _path(sms), b"Salut", headers)])[0],
        _through_django("POST", _path(sms), b"Salut", headers),
    )


@pytest.mark.parametrize(
    ("make_signature", "code"),
    [
        (lambda: {}, "signature_missing"),
        (lambda: {"X-Parvis-Signature": "v1=abc"}, "signature_malformed"),
        (lambda: _signed(b"autre chose"), "signature_invalid"),
        (
            lambda: {
                "X-Parvis-Signature": sign(b"Bonjour", [SECRET], timestamp=int(time.time()) - 600)
            },
            "signature_expired",
        ),
    ],
)
def test_a_refused_signature_is_the_same_401_and_stores_nothing(sms, make_signature, code):  # type: ignore[no-untyped-def]
    signature = make_signature()  # made when the test runs: a signature ages
    door = _through_door([("POST", _path(sms), b"Bonjour", signature)])[0]
    assert door.status_code == 401 and door.json()["code"] == code
    _same_answer(door, _through_django("POST", _path(sms), b"Bonjour", signature))
    assert not InboundRow.objects.exists()


def test_the_previous_secret_and_a_secret_rotated_in_another_process_are_accepted(sms):  # type: ignore[no-untyped-def]
    previous = _signed(b"un", secrets=("secret-precedent",))
    assert _through_door([("POST", _path(sms), b"un", previous)])[0].status_code == 202
    # Another process rotates the secret: this one still keeps the old pair, and checks
    # the database once before refusing.
    type(sms).objects.filter(pk=sms.pk).update(
        secret_encrypted=encrypt_text("nouveau"), previous_secret_encrypted=encrypt_text(SECRET)
    )
    rotated = _signed(b"deux", secrets=("nouveau",))
    assert _through_door([("POST", _path(sms), b"deux", rotated)])[0].status_code == 202
    assert InboundRow.objects.count() == 2


def test_unknown_inactive_and_deactivated_endpoints_are_404_as_through_django(sms):  # type: ignore[no-untyped-def]
    unknown = f"/hooks/{uuid.uuid4()}/"
    _same_answer(
        _through_door([("POST", unknown, b"x", _signed(b"x"))])[0],
        _through_django("POST", unknown, b"x", _signed(b"x")),
    )
    sms.is_active = False
    sms.save()  # an edit in this process is seen at once
    door = _through_door([("POST", _path(sms), b"x", _signed(b"x"))])[0]
    assert door.status_code == 404
    _same_answer(door, _through_django("POST", _path(sms), b"x", _signed(b"x")))


def test_what_the_door_does_not_take_goes_to_django_untouched(sms):  # type: ignore[no-untyped-def]
    from parvis.contacts.hooks_asgi import HookDoor

    passed: list[tuple[str, str]] = []

    async def django(scope: dict[str, Any], receive: Any, send: Any) -> None:
        passed.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    door = HookDoor(django)

    async def exchange() -> list[int]:
        transport = httpx.ASGITransport(app=door)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            answers = [
                await client.get(_path(sms)),
                await client.post(
                    _path(sms), content=b"x", headers=_signed(b"x", Host="ailleurs.example")
                ),
                await client.post(_path(sms) + "?a=%00", content=b"x", headers=_signed(b"x")),
                await client.post(
                    _path(sms), content=b"x", headers=_signed(b"x", **{"X-Test": "a\x00"})
                ),
                await client.post("/hooks/pas-un-uuid/", content=b"x", headers=_signed(b"x")),
                await client.post("/accueil/", content=b"x"),
                await client.post(_path(sms), content=b"x", headers=_signed(b"x")),
            ]
            return [a.status_code for a in answers]

    statuses = run_in_fresh_loop(exchange)
    assert statuses == [418, 418, 418, 418, 418, 418, 202]
    assert [method for method, _ in passed] == ["GET", "POST", "POST", "POST", "POST", "POST"]
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert run_in_fresh_loop(exchange)[-1] == 418  # plain HTTP: Django redirects it
    assert InboundRow.objects.count() == 1
    # Django itself still answers the route (WSGI, and what the door passes on).
    get = _through_django("GET", _path(sms), b"", {})
    assert get.status_code == 405 and get["Allow"] == "POST"


def test_body_limits_are_the_connectors_and_refused_before_storing(sms):  # type: ignore[no-untyped-def]
    limits = {"default": 1024, "courriel": 4096}
    body = b"x" * 2000
    with override_settings(CONTACTS_HOOK_MAX_BODY_BYTES=limits):
        door = _through_door([("POST", _path(sms), body, _signed(body))])[0]
        assert door.status_code == 413
        _same_answer(door, _through_django("POST", _path(sms), body, _signed(body)))
    assert not InboundRow.objects.exists()


def test_a_body_streamed_past_the_limit_is_refused_without_reading_it_all(sms):  # type: ignore[no-untyped-def]
    from parvis.asgi import application

    chunks = [b"x" * 600, b"y" * 600, b"z" * 600]
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": _path(sms),
            "raw_path": _path(sms).encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"x-parvis-signature", b"t=1,v1=0")],
            "client": ("127.0.0.1", 1234),
            "server": ("testserver", 80),
        }
        await application(scope, receive, send)

    with override_settings(CONTACTS_HOOK_MAX_BODY_BYTES={"default": 1024, "courriel": 4096}):
        run_in_fresh_loop(run)
    assert sent[0]["status"] == 413
    assert len(chunks) == 1  # the third chunk was never read


def test_the_rate_limit_counts_both_doors_together(sms):  # type: ignore[no-untyped-def]
    with override_settings(CONTACTS_RATE_LIMITS={"hook_endpoint": (2, 60)}):
        assert _through_door([("POST", _path(sms), b"a", _signed(b"a"))])[0].status_code == 202
        assert _through_django("POST", _path(sms), b"b", _signed(b"b")).status_code == 202
        door = _through_door([("POST", _path(sms), b"c", _signed(b"c"))])[0]
        assert door.status_code == 429 and int(door.headers["Retry-After"]) >= 1
        started = time.monotonic()
        django = _through_django("POST", _path(sms), b"c", _signed(b"c"))
        _same_answer(door, django, seconds_apart=time.monotonic() - started)
    assert InboundRow.objects.count() == 2


def test_an_unreadable_body_is_400_as_through_django(monkeypatch):  # type: ignore[no-untyped-def]
    channel("sms")
    endpoint = InboundEndpointFactory(connector="sms", secret_encrypted=encrypt_text(SECRET))
    door = _through_door([("POST", _path(endpoint), b"pas du JSON", _signed(b"pas du JSON"))])[0]
    assert door.status_code == 400 and door.json()["code"] == "unreadable_body"
    _same_answer(
        door, _through_django("POST", _path(endpoint), b"pas du JSON", _signed(b"pas du JSON"))
    )


def test_the_request_id_is_echoed_or_made(sms):  # type: ignore[no-untyped-def]
    given, made = _through_door(
        [
            ("POST", _path(sms), b"a", _signed(b"a", **{"X-Request-Id": "abc123"})),
            ("POST", _path(sms), b"b", _signed(b"b")),
        ]
    )
    assert given.headers["X-Request-Id"] == "abc123"
    assert len(made.headers["X-Request-Id"]) == 32


def test_requests_in_flight_are_stored_together_each_once_and_all_processed(sms, monkeypatch):  # type: ignore[no-untyped-def]
    sends: list[list[int]] = []
    real_delay = tasks.process_inbound_batch.delay

    def recording_delay(row_ids: list[int]) -> Any:
        sends.append(list(row_ids))
        return real_delay(row_ids)

    monkeypatch.setattr(tasks.process_inbound_batch, "delay", recording_delay)
    bodies = [f"message {n}".encode() for n in range(40)]
    answers = _through_door(
        [("POST", _path(sms), body, _signed(body)) for body in bodies]
        + [("POST", _path(sms), bodies[0], _signed(bodies[0]))]  # the same delivery again
    )
    assert all(a.status_code == 202 for a in answers)
    assert sum(a.json()["accepted"] for a in answers) == 40
    assert sum(a.json()["duplicates"] for a in answers) == 1
    rows = InboundRow.objects.all()
    assert rows.count() == 40 and {r.status for r in rows} == {InboundStatus.PROCESSED}
    assert sorted(i for ids in sends for i in ids) == sorted(r.pk for r in rows)
    assert len(sends) < 40  # gathered: fewer transactions and tasks than requests


def test_a_row_answered_202_is_processed_even_when_its_task_is_lost(sms, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ingestion, "send_on_commit", lambda task, *args: None)  # the broker lost it
    door = _through_door([("POST", _path(sms), b"perdu ?", _signed(b"perdu ?"))])[0]
    assert door.status_code == 202
    row = InboundRow.objects.get()
    assert row.status == InboundStatus.PENDING
    monkeypatch.undo()
    channel("sms")
    monkeypatch.setitem(base._REGISTRY, "sms", RecordingConnector())
    later = row.enqueued_at + __import__("datetime").timedelta(seconds=3600)
    assert ingestion.inbound_requeue_stale(now=later) == 1
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED


def test_a_database_failure_is_the_projects_500_as_through_django(sms, monkeypatch):  # type: ignore[no-untyped-def]
    def refuse(**kwargs: Any) -> Any:
        raise OperationalError("la base ne répond pas")

    monkeypatch.setattr(ingestion, "inbound_store_many", refuse)
    headers = _signed(b"x", Accept="application/json")
    door = _through_door([("POST", _path(sms), b"x", headers)])[0]
    assert door.status_code == 500
    _same_answer(door, _through_django("POST", _path(sms), b"x", headers))
    assert json.loads(door.content)["status"] == 500
