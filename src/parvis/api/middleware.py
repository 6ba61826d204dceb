"""Make every error under /api/ a problem+json document.

django-ninja answers some errors itself with plain HTML (405 from its path view, 400
from Django's request parsing); this turns them into the one JSON error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parvis.api.root import HTTP_ERROR_CODES
from parvis.core.problems import PROBLEM_CONTENT_TYPE, problem_response


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(
                (PROBLEM_CONTENT_TYPE, "application/json")
            )
        ):
            code, detail = HTTP_ERROR_CODES.get(
                response.status_code,
                (
                    "server_error" if response.status_code >= 500 else "error",
                    "La requête n’a pas pu aboutir.",
                ),
            )
            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else None
            return problem_response(
                status=response.status_code, code=code, detail=detail, headers=headers
            )
        return response
