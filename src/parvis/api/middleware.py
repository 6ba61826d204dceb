"""Make every error under /api/ a problem+json document.

django-ninja answers some errors itself with plain HTML (405 from its path view, 400
from Django's request parsing); this turns them into the one JSON error shape, and gives
every 401 its ``WWW-Authenticate: Bearer`` challenge (RFC 9110), whoever answered it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parvis.api.root import BEARER_CHALLENGE, HTTP_ERROR_CODES
from parvis.core.problems import PROBLEM_CONTENT_TYPE, problem_response


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            (PROBLEM_CONTENT_TYPE, "application/json")
        ):
            code, detail = HTTP_ERROR_CODES.get(
                response.status_code,
                (
                    "server_error" if response.status_code >= 500 else "error",
                    "La requête n’a pas pu aboutir.",
                ),
            )
            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else None
            response = problem_response(
                status=response.status_code, code=code, detail=detail, headers=headers
            )
        if response.status_code == 401 and not response.has_header("WWW-Authenticate"):
            response["WWW-Authenticate"] = BEARER_CHALLENGE
        return response
