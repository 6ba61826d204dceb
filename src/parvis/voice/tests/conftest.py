"""Fixtures of the voice tests: the language engine and the people.

Masking uses the real anonymiser (spaCy loads once per test process). Qualification uses
the engine's lexicons only (tone, sensitive, stage, themes): the trained motif model
depends on the reference data and the shipped corpus, which voice tests do not load.
Real SMTP (``smtp_inbox``) comes from the ``parvis.testing.mail`` plugin.
"""

from __future__ import annotations

from typing import Any

import pytest

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.tests.factories import LocalServiceFactory, SiteFactory
from parvis.voice.tests.support import lexicon_qualify


@pytest.fixture(autouse=True)
def _lexicon_qualification(monkeypatch: pytest.MonkeyPatch) -> None:
    from parvis.voice import analysis

    monkeypatch.setattr(
        analysis, "qualify_many", lambda texts: [lexicon_qualify(text) for text in texts]
    )


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
