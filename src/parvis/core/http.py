"""HTTP helpers shared by views, API and throttling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str = "") -> str:
    """``path`` on the public address ``SITE_URL``: links in emails, exports and API
    answers never come from the request's Host header."""
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def _client_address(remote: str, forwarded_for: str) -> str:
    """The real client address behind ``TRUSTED_PROXY_COUNT`` reverse proxies.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``; the client is the entry ``TRUSTED_PROXY_COUNT`` from the right.
    Entries further left are supplied by the client and cannot be trusted. With no proxy
    declared the header is ignored: the socket's address is the client's. The server must
    not rewrite that address itself (uvicorn runs with ``--no-proxy-headers``).
    """
    remote = remote or "0.0.0.0"  # noqa: S104
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in forwarded_for.split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return forwarded[0] if forwarded else remote
    return forwarded[-count]


def client_ip(request: HttpRequest) -> str:
    """The client address of a Django request (throttling, lockouts, audit)."""
    return _client_address(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def client_ip_from_scope(scope: Mapping[str, Any]) -> str:
    """The client address of an ASGI scope (WebSocket consumers), by the same rule as
    :func:`client_ip`. Repeated ``X-Forwarded-For`` headers are joined in order, as
    Django joins them into ``META``."""
    client = scope.get("client")
    forwarded = ",".join(
        value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name.lower() == b"x-forwarded-for"
    )
    return _client_address(str(client[0]) if client else "", forwarded)


def client_ip_for_axes(request: HttpRequest, *args: object, **kwargs: object) -> str:
    return client_ip(request)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
