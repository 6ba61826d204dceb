"""Outbound webhooks of the contact hub: the events log's subscriber, the ``webhook``
provider of the outbound door, and the guard that keeps targets off private networks.

- ``connect()`` (called by ``ContactsConfig.ready``) subscribes to the hub's events
  (created, assigned, resolved): each writes one ``WebhookEvent`` (its id, its kind, its
  sequence in the conversation, ids only) and queues one delivery per subscribed webhook
  of the organisation (``services.webhooks.webhook_event_record``).
- ``WebhookProvider`` sends a queued delivery: an HTTP POST of the JSON body, signed
  (``X-Parvis-Signature`` with the webhook's current and previous secrets, read at send
  time so a rotation applies to retries) and named (``X-Parvis-Event-Id``). Retries with
  backoff and the dead letter are the messaging outbox's (``messaging.services``).
- ``post`` refuses a target on a private, loopback, link-local, multicast, reserved or
  unspecified address, after DNS resolution, connects to the very address it checked
  (so DNS rebinding cannot switch it between check and connect) and follows redirects
  itself, checking each, unless ``settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS`` (local
  profile and tests only).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import structlog
from django.conf import settings

from parvis.contacts import events
from parvis.messaging import providers
from parvis.messaging.models import Channel
from parvis.messaging.providers import OutboundMessage, Provider, SimulatorProvider

logger = structlog.get_logger(__name__)

EVENT_HEADER = "X-Parvis-Event-Id"
REFERENCE_PREFIX = "contacts.webhook"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "parvis-webhooks/1"


# --- Events -----------------------------------------------------------------------------------


def _record(conversation_id: int, kind: str) -> None:
    from parvis.contacts.services.webhooks import webhook_event_record

    webhook_event_record(conversation_id=conversation_id, kind=kind)


def on_conversation_created(conversation_id: int) -> None:
    _record(conversation_id, "conversation_created")


def on_conversation_assigned(conversation_id: int) -> None:
    _record(conversation_id, "conversation_assigned")


def on_conversations_assigned(conversation_ids: list[int]) -> None:
    from parvis.contacts.services.webhooks import webhook_events_record_many

    webhook_events_record_many(conversation_ids=conversation_ids, kind="conversation_assigned")


def on_conversation_resolved(conversation_id: int) -> None:
    _record(conversation_id, "conversation_resolved")


def connect() -> None:
    """Subscribe the events log to the hub's events (idempotent), inside the changing
    transaction: the event is numbered under the conversation's lock and commits with
    the change, or not at all."""
    events.conversation_created.subscribe(on_conversation_created, in_transaction=True)
    events.conversation_assigned.subscribe(
        on_conversation_assigned, in_transaction=True, many=on_conversations_assigned
    )
    events.conversation_resolved.subscribe(on_conversation_resolved, in_transaction=True)


def delivery_reference(webhook_id: int, event_id: str) -> str:
    """The outbox's idempotency key of one event to one webhook (one delivery, ever)."""
    return f"{REFERENCE_PREFIX}:{webhook_id}:{event_id}"


def _parse_reference(reference: str) -> tuple[int, str]:
    prefix, webhook_id, event_id = reference.split(":", 2)
    if prefix != REFERENCE_PREFIX:
        raise ValueError("not a webhook delivery")
    return int(webhook_id), event_id


# --- The guard --------------------------------------------------------------------------------


class TargetRefused(Exception):
    """The target is not a public HTTP(S) address (or no longer resolves): permanent."""


class WebhookHTTPError(Exception):
    """The subscriber answered something else than 2xx."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None and not _is_public(mapped):
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP the connection is pinned to


def resolve_target(url: str) -> Target:
    """The checked address of ``url``: refused unless http(s) and public (after DNS
    resolution), or private targets are allowed."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused("only http and https URLs with a host")
    if parts.username or parts.password:
        raise TargetRefused("no credentials in the URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused("invalid port") from error
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused("the host does not resolve") from error
    addresses = [str(info[4][0]).split("%", 1)[0] for info in infos]
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        refused = [a for a in addresses if not _is_public(ipaddress.ip_address(a))]
        if refused:
            # One private record is enough to refuse: a mixed answer is a rebinding attempt.
            raise TargetRefused("the host resolves to a non-public address")
    if not addresses:
        raise TargetRefused("the host does not resolve")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address; the certificate is checked against the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            sock, server_hostname=self.host
        )


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` through the guard, following redirects (each target
    checked anew, the body posted again); the final 2xx status, else raise."""
    timeout = float(settings.WEBHOOKS_TIMEOUT_SECONDS)
    for _hop in range(settings.WEBHOOKS_MAX_REDIRECTS + 1):
        target = resolve_target(url)
        connection: http.client.HTTPConnection = (
            _PinnedHTTPSConnection(target, timeout)
            if target.scheme == "https"
            else _PinnedHTTPConnection(target, timeout)
        )
        try:
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={
                    **headers,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                },
            )
            response = connection.getresponse()
            status = response.status
            location = response.getheader("Location")
            response.read(65536)
        finally:
            connection.close()
        if status in REDIRECT_STATUSES and location:
            url = urljoin(url, location)
            continue
        if 200 <= status < 300:
            return status
        raise WebhookHTTPError(status)
    raise TargetRefused("too many redirects")


# --- Providers --------------------------------------------------------------------------------


class WebhookGone(Exception):
    """The webhook was deleted or deactivated since the event was queued."""


def _signed_headers(reference: str, body: bytes) -> tuple[str, dict[str, str]]:
    from parvis.contacts.models import OrganisationWebhook
    from parvis.contacts.signatures import HEADER, sign
    from parvis.core.crypto import decrypt_text

    webhook_id, event_id = _parse_reference(reference)
    webhook = OrganisationWebhook.objects.filter(pk=webhook_id, is_active=True).first()
    if webhook is None:
        raise WebhookGone(f"webhook {webhook_id}")
    secrets = [decrypt_text(webhook.secret_encrypted)]
    if webhook.previous_secret_encrypted:
        secrets.append(decrypt_text(webhook.previous_secret_encrypted))
    return event_id, {HEADER: sign(body, secrets), EVENT_HEADER: event_id}


@providers.register
class WebhookProvider(Provider):
    """An organisation's webhook: signed JSON POST through the guard. No receipts: a
    2xx answer is final (``sent``)."""

    name = "webhook"
    channel = Channel.WEBHOOK

    def send(self, message: OutboundMessage) -> str:
        body = message.body.encode("utf-8")
        event_id, headers = _signed_headers(message.reference, body)
        status = post(message.to, body, headers)
        logger.info("webhook_delivered", event_id=event_id, status=status)
        return event_id

    def is_permanent(self, error: Exception) -> bool:
        if isinstance(error, TargetRefused | WebhookGone | ValueError):
            return True
        # A 4xx will not change by asking again, but a timeout or a rate limit may.
        if isinstance(error, WebhookHTTPError):
            return 400 <= error.status < 500 and error.status not in {408, 425, 429}
        return False


@providers.register
class WebhookSimulator(SimulatorProvider):
    """Keeps what it is given (``outbox``), with the headers the real one would send;
    a URL whose host is ``fail.invalid`` fails, ``refuse.invalid`` is refused."""

    name = "webhook-simulator"
    channel = Channel.WEBHOOK

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[dict[str, Any]] = []

    def send(self, message: OutboundMessage) -> str:
        host = urlsplit(message.to).hostname or ""
        _event_id, headers = _signed_headers(message.reference, message.body.encode("utf-8"))
        result = super().send(
            OutboundMessage(
                channel=message.channel,
                to=f"webhook@{host}",
                subject=message.subject,
                body=message.body,
                reference=message.reference,
            )
        )
        self.headers.append(headers)
        return result
