"""RFC 9457 problem details: the one JSON error shape of parvis.

Every API error, and every error of a non-HTML request, is
``application/problem+json`` with a stable machine ``code``, a French ``detail`` and,
for validation errors, field-level ``errors``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from parvis.core.errors import ParvisError

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Requête trop volumineuse",
    415: "Type de contenu non pris en charge",
    422: "Données invalides",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service indisponible",
}


def problem_body(
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://parvis.beta.gouv.fr/problemes/{code}",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    if instance:
        body["instance"] = instance
    return body


def problem_response(
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = problem_body(status=status, code=code, detail=detail, errors=errors, instance=instance)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def domain_error_response(error: ParvisError) -> HttpResponse:
    """The problem+json answer to a domain refusal: its status, code, French message, and
    one ``errors`` entry per field it names (``body.<field>``)."""
    errors = [
        {"field": f"body.{field}", "code": error.code, "message": message}
        for field, message in error.field_errors
    ]
    return problem_response(
        status=error.status,
        code=error.code,
        detail=error.message,
        errors=errors or None,
        headers=error.headers or None,
    )
