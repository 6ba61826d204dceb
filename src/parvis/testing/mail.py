"""Pytest plugin: real SMTP (aiosmtpd) behind Django's SMTP backend.

Loaded by the root ``conftest.py``. A test that asks for ``smtp_inbox`` sends mail through
``django.core.mail.backends.smtp.EmailBackend`` to a local aiosmtpd server on a free port,
and reads what arrived:

    def test_confirmation_mail(client, smtp_inbox):
        ...
        [message] = smtp_inbox.to("paul@example.org")
        assert "Confirmez" in smtp_inbox.bodies()[0]
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler that keeps every accepted message, parsed, in arrival order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # policy.default parses into EmailMessage (the typeshed overload says Message).
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.messages.append(cast(EmailMessage, message))
        return "250 Message accepted for delivery"

    def bodies(self) -> list[str]:
        """The plain-text body of each message (every mail parvis sends has one)."""
        return [_plain_body(message) for message in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose ``To`` header names ``address``."""
        return [message for message in self.messages if address in str(message["To"])]


def _plain_body(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    if body is None:
        raise AssertionError(f"no text/plain part in {message['Subject']!r}")
    return str(body.get_content())


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
