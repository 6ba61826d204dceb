"""The client address, decided in ``core.http`` only: an ASGI scope (WebSocket consumers)
follows the same rule as a Django request, ``TRUSTED_PROXY_COUNT`` entries of
``X-Forwarded-For`` from the right, the socket's address when no proxy is declared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from parvis.core.http import client_ip, client_ip_from_scope

CASES = [
    # (declared proxies, X-Forwarded-For headers as received, expected client address)
    (0, ["1.1.1.1"], "10.0.0.1"),  # no proxy declared: a spoofed header changes nothing
    (0, [], "10.0.0.1"),
    (1, ["6.6.6.6, 2.2.2.2"], "2.2.2.2"),  # the client's own entries on the left are ignored
    (2, ["6.6.6.6, 3.3.3.3, 10.0.0.9"], "3.3.3.3"),
    (1, ["6.6.6.6", "2.2.2.2"], "2.2.2.2"),  # repeated headers read as one list, in order
    (1, [], "10.0.0.1"),  # declared proxy but no header: the socket's address
    (3, ["4.4.4.4, 10.0.0.9"], "4.4.4.4"),  # fewer entries than proxies: the leftmost
]


def _scope(client: tuple[str, int] | None, forwarded: list[str]) -> dict[str, object]:
    headers = [(b"host", b"parvis.example.fr")]
    headers += [(b"x-forwarded-for", value.encode("latin-1")) for value in forwarded]
    return {"type": "websocket", "path": "/ws/events/", "client": client, "headers": headers}


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), CASES)
def test_a_websocket_scope_and_a_request_get_the_same_client_address(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    scope = _scope(("10.0.0.1", 51234), forwarded)
    assert client_ip_from_scope(scope) == expected
    meta = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = ",".join(forwarded)  # as Django joins repeated headers
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_a_scope_without_a_socket_address_still_gets_one(settings):
    """A Unix socket gives no client: behind a declared proxy the header still decides."""
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip_from_scope(_scope(None, ["1.1.1.1"])) == "0.0.0.0"  # noqa: S104
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip_from_scope(_scope(None, ["6.6.6.6, 2.2.2.2"])) == "2.2.2.2"


def test_header_names_are_matched_exactly_as_django_does(settings):
    """Django drops header names with underscores (spoofing by ambiguity): so does the scope."""
    settings.TRUSTED_PROXY_COUNT = 1
    scope = _scope(("10.0.0.1", 51234), [])
    scope["headers"] = [(b"x_forwarded_for", b"6.6.6.6"), (b"X-Forwarded-For", b"2.2.2.2")]
    assert client_ip_from_scope(scope) == "2.2.2.2"


def test_core_http_is_the_only_code_that_reads_the_client_address():
    """A view reading ``REMOTE_ADDR`` or the header itself would let a spoofed
    ``X-Forwarded-For`` (or a proxy's address) past ``TRUSTED_PROXY_COUNT``."""
    parvis = Path(__file__).resolve().parents[2]
    readers = sorted(
        str(path.relative_to(parvis))
        for path in parvis.rglob("*.py")
        if "tests" not in path.parts
        and "testing" not in path.parts
        and re.search(
            r"REMOTE_ADDR|X_FORWARDED_FOR|x-forwarded-for|[\"']client[\"']",
            path.read_text(encoding="utf-8"),
            re.IGNORECASE,
        )
    )
    assert readers == ["core/http.py"]
