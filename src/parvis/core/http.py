"""HTTP helpers shared by views, API and throttling."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str = "") -> str:
    """``path`` on the public address ``SITE_URL``: links in emails, exports and API
    answers never come from the request's Host header."""
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def client_ip(request: HttpRequest) -> str:
    """The real client address behind ``TRUSTED_PROXY_COUNT`` reverse proxies.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``; the client is the entry ``TRUSTED_PROXY_COUNT`` from the right.
    Entries further left are supplied by the client and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return forwarded[0] if forwarded else remote
    return forwarded[-count]


def client_ip_for_axes(request: HttpRequest, *args: object, **kwargs: object) -> str:
    return client_ip(request)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
