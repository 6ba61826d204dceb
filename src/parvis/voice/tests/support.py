"""Test support shared by voice's unit tests and its browser test.

``lexicon_qualify`` stands in for the engine's ``qualify`` (lexicons only: tone,
sensitive, stage, themes; no trained motif model, which needs the reference data).
``smtp_inbox`` is a real aiosmtpd server behind Django's SMTP backend.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def lexicon_qualify(text: str) -> dict[str, Any]:
    from parvis.language import lexicons
    from parvis.language.text import normalise

    normalised = normalise(text)
    return {
        "organisation": None,
        "motif": None,
        "confidence": 0.0,
        "alternatives": [],
        "low_confidence": True,
        "urgency": lexicons.urgency(normalised),
        "vulnerability": lexicons.vulnerability(normalised),
        "sensitive": lexicons.sensitive(normalised),
        "tone": lexicons.tone(normalised),
        "journey_stage": lexicons.journey_stage(normalised),
        "themes": lexicons.themes(normalised, None),
    }


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def bodies(self) -> list[str]:
        return [m.get_body(("plain",)).get_content() for m in self.messages]  # type: ignore[union-attr]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[Inbox]:
    """Django's SMTP backend pointed at a real aiosmtpd server on a free local port."""
    inbox = Inbox()
    # server_hostname: skip the reverse DNS lookup (getfqdn), slow on machines without DNS
    controller = Controller(
        inbox, hostname="127.0.0.1", port=_free_port(), server_hostname="localhost"
    )
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield inbox
    finally:
        controller.stop()
