"""Outbound providers: one class per transport, behind ``Provider`` and a registry.

A provider declares its ``channel``, whether it ``gives_receipts`` (a later "delivered"
or "not delivered" report, recorded by ``services.delivery_receipt_record``) and sends one
``OutboundMessage``. Which provider serves a channel is a setting
(``MESSAGING_PROVIDERS``). A new transport (an SMS gateway, a chat, an organisation's
webhook) is a new ``Provider`` subclass registered here or from its app's
``AppConfig.ready()``, with a simulator for local use and tests.
"""

from __future__ import annotations

import smtplib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from email.utils import make_msgid as email_make_msgid
from email.utils import parseaddr
from typing import ClassVar

from django.conf import settings
from django.core.mail import EmailMessage

from parvis.messaging.models import Channel


@dataclass(frozen=True)
class OutboundMessage:
    """What a provider sends. ``reference`` is the delivery log's idempotency key.

    ``headers`` are extra transport headers (email: ``Message-ID``, ``In-Reply-To``,
    ``References``, ``Auto-Submitted``, ``Reply-To``), as ``(name, value)`` pairs; a
    transport without headers ignores them."""

    channel: str
    to: str
    subject: str
    body: str
    reference: str
    headers: tuple[tuple[str, str], ...] = ()


class Provider(ABC):
    name: ClassVar[str]
    channel: ClassVar[Channel]
    gives_receipts: ClassVar[bool] = False

    @abstractmethod
    def send(self, message: OutboundMessage) -> str:
        """Hand ``message`` to the transport; its message id there, or ``""``.

        Raise on failure: the error's class is logged, and the message tried again
        unless ``is_permanent`` says a new attempt cannot succeed.
        """

    def is_permanent(self, error: Exception) -> bool:
        return False


_REGISTRY: dict[str, Provider] = {}


def make_message_id(domain: str = "") -> str:
    """A new RFC 5322 Message-ID on ``domain`` (default: ``DEFAULT_FROM_EMAIL``'s), without
    the DNS lookup of Django's ``make_msgid``."""
    if not domain:
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "parvis.localhost"
    return email_make_msgid(domain=domain)


def register(provider: type[Provider]) -> type[Provider]:
    """Class decorator: make ``provider`` available under its ``name``."""
    _REGISTRY[provider.name] = provider()
    return provider


def get(name: str) -> Provider:
    return _REGISTRY[name]


def for_channel(channel: str) -> Provider:
    """The provider configured for ``channel`` in ``settings.MESSAGING_PROVIDERS``."""
    provider = get(settings.MESSAGING_PROVIDERS[channel])
    if provider.channel != channel:
        raise LookupError(f"provider {provider.name!r} does not serve channel {channel!r}")
    return provider


@register
class DjangoEmailProvider(Provider):
    """Email through Django's configured ``EMAIL_BACKEND`` (SMTP in production).

    No delivery receipts: ``sent`` is final. The Message-ID (the caller's, given in
    ``headers``, or a new one) is kept so that a later bounce processor can match a
    report to its row.
    """

    name = "django-email"
    channel = Channel.EMAIL

    def send(self, message: OutboundMessage) -> str:
        headers = dict(message.headers)
        message_id = headers.get("Message-ID") or make_message_id()
        headers["Message-ID"] = message_id
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers=headers,
        ).send(fail_silently=False)
        return message_id

    def is_permanent(self, error: Exception) -> bool:
        # Every recipient refused with a 5xx code: the address itself is rejected.
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            return all(code >= 500 for code, _ in error.recipients.values())
        return False


class SimulatedFailure(ConnectionError):
    """The simulator's transient failure (a transport briefly unreachable)."""


class SimulatedRefusal(ValueError):
    """The simulator's permanent failure (the address is refused)."""


class SimulatorProvider(Provider):
    """Local stand-in for a transport with receipts: keeps what it is given in memory.

    An address at ``fail.invalid`` fails as an unreachable transport would, one at
    ``refuse.invalid`` is refused for good. Subclass it per channel (``EmailSimulator``).
    """

    gives_receipts = True

    def __init__(self) -> None:
        self.outbox: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> str:
        domain = message.to.rpartition("@")[2]
        if domain == "fail.invalid":
            raise SimulatedFailure("simulated transport failure")
        if domain == "refuse.invalid":
            raise SimulatedRefusal("simulated refusal")
        self.outbox.append(message)
        return f"simulated-{message.reference}"

    def is_permanent(self, error: Exception) -> bool:
        return isinstance(error, SimulatedRefusal)


@register
class EmailSimulator(SimulatorProvider):
    name = "email-simulator"
    channel = Channel.EMAIL
