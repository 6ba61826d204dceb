"""Fixtures of the voice tests: the language engine, a real SMTP server, the people.

Masking uses the real anonymiser (spaCy loads once per test process). Qualification uses
the engine's lexicons only (tone, sensitive, stage, themes): the trained motif model
depends on the reference data and the shipped corpus, which voice tests do not load.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.tests.factories import LocalServiceFactory, SiteFactory


def lexicon_qualify(text: str) -> dict[str, Any]:
    from parvis.language import lexicons
    from parvis.language.text import normalise

    normalised = normalise(text)
    return {
        "organisation": None, "motif": None, "confidence": 0.0, "alternatives": [],
        "low_confidence": True,
        "urgency": lexicons.urgency(normalised),
        "vulnerability": lexicons.vulnerability(normalised),
        "sensitive": lexicons.sensitive(normalised),
        "tone": lexicons.tone(normalised),
        "journey_stage": lexicons.journey_stage(normalised),
        "themes": lexicons.themes(normalised, None),
    }


@pytest.fixture(autouse=True)
def _lexicon_qualification(monkeypatch: pytest.MonkeyPatch) -> None:
    from parvis.voice import analysis

    monkeypatch.setattr(analysis, "qualify", lexicon_qualify)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
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
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
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


@pytest.fixture
def moderator(db: None) -> Any:
    return UserFactory(platform_moderator=True)


@pytest.fixture
def service(db: None) -> Any:
    return LocalServiceFactory()


@pytest.fixture
def site(service: Any) -> Any:
    return SiteFactory(local_service=service)


@pytest.fixture
def quality_manager(service: Any) -> Any:
    return MembershipFactory(organisation=service.organisation, role=Role.QUALITY_MANAGER).user


@pytest.fixture
def agent(service: Any) -> Any:
    return MembershipFactory(organisation=service.organisation, role=Role.AGENT).user
