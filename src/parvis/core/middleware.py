"""Request-wide middleware: NUL refused at the edge, request ids for logs and the headers
CSP does not set."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import unquote

import structlog
from django.http import HttpRequest, HttpResponse

from parvis.core.views import null_character

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response["X-Request-Id"] = request_id
        return response


class RefuseNulMiddleware:
    """400 when the path, the query string or a header holds a NUL byte (``%00``), before
    any other middleware or view reads them; a cookie holding one is ignored.

    No valid address of parvis holds one, and PostgreSQL refuses NUL in text: a lookup
    with it would be a 500 (SQLite stores it, so the SQLite suite cannot see it). The
    answer is problem+json under ``/api/`` and the French 400 page elsewhere. A cookie
    (a quoted value may write NUL as ``\\000``) would reach the session lookup: it is
    dropped, as a browser with a damaged cookie should still get the site. NUL in a body
    is the forms' and the API schemas' business (``core.text.strip_controls``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in name + value for name, value in request.COOKIES.items()):
            request.COOKIES = {
                name: value for name, value in request.COOKIES.items() if "\x00" not in name + value
            }
        if (
            "\x00" in request.path
            or "\x00" in unquote(request.META.get("QUERY_STRING", ""))
            or any("\x00" in value for key, value in request.META.items() if key[:5] == "HTTP_")
        ):
            return null_character(request)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
