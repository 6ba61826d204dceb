"""Platform views: health check and error pages (French HTML, problem+json for the API)."""

from __future__ import annotations

import hmac
import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parvis.core.errors import is_overload
from parvis.core.http import wants_json
from parvis.core.problems import problem_response
from parvis.core.selectors import health_checks

ERROR_MESSAGES = {
    400: ("bad_request", "La requête est invalide."),
    403: ("forbidden", "Vous n’avez pas les droits nécessaires pour accéder à cette page."),
    404: ("not_found", "La page demandée n’existe pas ou n’est pas accessible."),
    429: (
        "too_many_requests",
        "Trop de demandes en peu de temps depuis votre connexion. Réessayez dans une heure.",
    ),
    500: ("server_error", "Une erreur inattendue est survenue. L’équipe technique a été prévenue."),
    503: (
        "service_unavailable",
        "Le service est très sollicité en ce moment. Réessayez dans quelques secondes.",
    ),
}
# Seconds a client should wait before retrying after an overload (503).
OVERLOAD_RETRY_AFTER = "5"


def _may_read_health_details(request: HttpRequest) -> bool:
    """Platform admins, and a monitoring probe with the configured ``HEALTHZ_TOKEN``."""
    if getattr(request.user, "is_platform_admin", False):
        return True
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return bool(settings.HEALTHZ_TOKEN) and (
        scheme.lower() == "bearer"
        and hmac.compare_digest(credentials.strip().encode(), settings.HEALTHZ_TOKEN.encode())
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok"}`` or 503 ``{"status": "error"}`` for anyone (load
    balancers, uptime probes); which backends answer and how fast is a map of the
    deployment, given only to platform admins and to the probe holding ``HEALTHZ_TOKEN``."""
    checks = health_checks()
    healthy = all(check.ok for check in checks)
    body: dict[str, object] = {"status": "ok" if healthy else "error"}
    if _may_read_health_details(request):
        body["checks"] = {
            c.name: {"ok": c.ok, "detail": c.detail, "ms": c.duration_ms} for c in checks
        }
    return JsonResponse(body, status=200 if healthy else 503)


NULL_CHARACTER = (
    "null_character",
    "La requête contient un caractère nul (%00) dans son adresse ou ses en-têtes : "
    "elle n’est pas valide.",
)


def _error(
    request: HttpRequest, status: int, problem: tuple[str, str] | None = None
) -> HttpResponse:
    code, message = problem or ERROR_MESSAGES[status]
    if wants_json(request):
        return problem_response(status=status, code=code, detail=message)
    return render(
        request,
        "core/error.html",
        {"status": status, "message": message, "skiplinks": []},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def null_character(request: HttpRequest) -> HttpResponse:
    """400 for a NUL byte in the address or a header (``core.middleware.RefuseNulMiddleware``)."""
    return _error(request, 400, NULL_CHARACTER)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return _error(request, 429)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with ``Retry-After`` when the database pool was exhausted (Django calls
    this handler while the exception is being handled, so ``sys.exc_info`` holds it)."""
    if is_overload(sys.exc_info()[1]):
        response = _error(request, 503)
        response["Retry-After"] = OVERLOAD_RETRY_AFTER
        return response
    return _error(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = (
        "Votre session a expiré ou le formulaire a été envoyé depuis une autre page. "
        "Rechargez la page et recommencez : ce que vous aviez saisi peut être récupéré "
        "avec le bouton « Retour » de votre navigateur."
    )
    if wants_json(request):
        return problem_response(status=403, code="csrf_failed", detail=message)
    return render(
        request, "core/error.html", {"status": 403, "message": message, "skiplinks": []}, status=403
    )
