"""INTEGRATOR: a test-only stand-in for part 2's ``/hooks/<uuid>/`` door, so the SMS and
phone simulators can be tested end to end before the branches meet. It does what the
door does for them (verify the signature with the endpoint's two secrets, split the body
with the connector's ``accept``, store the rows, answer 202); once part 2's door is
merged, point ``test_simulators`` at the real URLconf and delete this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from parvis.contacts import connectors
from parvis.contacts.models import InboundEndpoint
from parvis.contacts.services import inbound_accept
from parvis.contacts.signatures import HEADER, SignatureError, verify
from parvis.core.crypto import decrypt_text


@csrf_exempt
def door(request: HttpRequest, endpoint: str) -> HttpResponse:
    target = get_object_or_404(InboundEndpoint, uuid=endpoint, is_active=True)
    secrets = [
        decrypt_text(s) for s in (target.secret_encrypted, target.previous_secret_encrypted) if s
    ]
    try:
        verify(request.headers.get(HEADER), request.body, secrets)
    except SignatureError as error:
        return JsonResponse({"code": error.code}, status=401)
    connector = connectors.get(target.connector)
    try:
        rows = connector.accept(request.body, dict(request.headers))
    except ValueError as error:  # as part 2's door: an unreadable body is a 400
        return JsonResponse({"detail": str(error)}, status=400)
    for kind, external_id, payload in rows:
        inbound_accept(
            endpoint=target,
            channel=target.connector,
            external_id=external_id,
            payload=payload,
            content_type="application/json",
            kind=kind,
        )
    return JsonResponse({"accepted": len(rows)}, status=202)


# Beside the site's own routes (its middleware reverses some of them).
urlpatterns = [path("hooks/<uuid:endpoint>/", door), path("", include("parvis.urls"))]
