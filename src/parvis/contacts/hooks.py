"""The inbound webhook door: ``POST /hooks/<endpoint uuid>/``, outside ``/api/v1``.

Providers (an SMS gateway, telephony, a mail relay posting raw MIME, a simulator) post a
body signed ``X-Parvis-Signature: t=...,v1=...`` with one of the endpoint's two active
secrets (``contacts.signatures``). The body is read raw, up to the connector's limit
(``CONTACTS_HOOK_MAX_BODY_BYTES``: raw MIME with attachments is far above Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE``, which stays as it is for every other page). The
endpoint's connector names the items of the delivery (``Connector.accept``); each is
stored once per ``(endpoint, channel, external_id)`` and processed later in Celery, so
the answer is ``202 {"accepted": n, "duplicates": m}`` as soon as the rows are saved.
Every refusal is ``application/problem+json`` with a French detail.
"""

from __future__ import annotations

import uuid

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from parvis.contacts import selectors, services
from parvis.contacts.models import InboundEndpoint
from parvis.contacts.signatures import HEADER, SignatureError, verify
from parvis.core.crypto import decrypt_text
from parvis.core.problems import problem_response
from parvis.core.ratelimit import configured_limit, hit

logger = structlog.get_logger(__name__)


def max_body_bytes(endpoint: InboundEndpoint) -> int:
    return connector_max_body_bytes(endpoint.connector)


def connector_max_body_bytes(connector: str) -> int:
    limits = settings.CONTACTS_HOOK_MAX_BODY_BYTES
    return int(limits.get(connector, limits["default"]))


def endpoint_secrets(endpoint: InboundEndpoint) -> list[str]:
    return _secrets(endpoint)


def _secrets(endpoint: InboundEndpoint) -> list[str]:
    return [
        decrypt_text(token)
        for token in (endpoint.secret_encrypted, endpoint.previous_secret_encrypted)
        if token
    ]


# --- The answers, shared with the door in front of Django (``contacts.hooks_asgi``) ---


def method_not_allowed() -> HttpResponse:
    return problem_response(
        status=405,
        code="method_not_allowed",
        detail="Seule la méthode POST est acceptée sur ce point d’entrée.",
        headers={"Allow": "POST"},
    )


def unknown_endpoint() -> HttpResponse:
    return problem_response(
        status=404, code="not_found", detail="Point d’entrée inconnu ou désactivé."
    )


def rate_limited(retry_after: int) -> HttpResponse:
    return problem_response(
        status=429,
        code="rate_limited",
        detail="Trop d’envois vers ce point d’entrée : réessayez plus tard.",
        headers={"Retry-After": str(retry_after)},
    )


def too_large(maximum: int) -> HttpResponse:
    return problem_response(
        status=413,
        code="payload_too_large",
        detail=f"La requête dépasse la taille maximale de {maximum // 1024} Kio.",
    )


def signature_refused(error: SignatureError) -> HttpResponse:
    return problem_response(
        status=401,
        code=error.code,
        detail=error.message,
        headers={"WWW-Authenticate": f'Signature header="{HEADER}"'},
    )


def no_channel() -> HttpResponse:
    return problem_response(
        status=404, code="not_found", detail="Aucun canal ne sert ce point d’entrée."
    )


def unreadable_body() -> HttpResponse:
    return problem_response(
        status=400, code="unreadable_body", detail="Le contenu envoyé est illisible."
    )


def accepted(accepted: int, duplicates: int) -> HttpResponse:
    return JsonResponse({"accepted": accepted, "duplicates": duplicates}, status=202)


def _read_body(request: HttpRequest, maximum: int) -> bytes | None:
    """The raw body, or ``None`` beyond ``maximum`` bytes. Read from the stream, not
    ``request.body``, whose global limit is Django's."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > maximum:
        return None
    body = request.read(maximum + 1)
    return None if len(body) > maximum else body


@csrf_exempt
def inbound_hook(request: HttpRequest, endpoint_uuid: uuid.UUID) -> HttpResponse:
    """The door through Django: what WSGI, the test client and any request the door in
    front of Django (``contacts.hooks_asgi``) passes on get. Both make the same checks in
    the same order with the same answers."""
    if request.method != "POST":
        return method_not_allowed()
    endpoint = selectors.inbound_endpoint_for_hook(endpoint_uuid)
    if endpoint is None:
        return unknown_endpoint()
    hits, window = configured_limit("CONTACTS_RATE_LIMITS", "hook_endpoint")
    limit = hit("contacts_hook", str(endpoint.uuid), limit=hits, window_seconds=window)
    if not limit.allowed:
        return rate_limited(limit.retry_after)
    maximum = max_body_bytes(endpoint)
    body = _read_body(request, maximum)
    if body is None:
        return too_large(maximum)
    try:
        verify(request.headers.get(HEADER), body, _secrets(endpoint))
    except SignatureError as error:
        logger.info("inbound_hook_refused", endpoint=endpoint.pk, code=error.code)
        return signature_refused(error)
    try:
        accepted_count, duplicates = services.inbound_deliver(
            endpoint=endpoint,
            body=body,
            headers=request.headers,
            content_type=request.content_type or "",
        )
    except LookupError:  # no connector serves this endpoint's channel
        return no_channel()
    except ValueError:
        return unreadable_body()
    return accepted(accepted_count, duplicates)
