"""Fixtures of publication's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from parvis.publication.models import PublicExperience
from parvis.publication.services import publication_sync
from parvis.voice.tests.factories import ExperienceFactory


@pytest.fixture
def publish() -> Callable[..., PublicExperience]:
    """Create a published voice experience and sync its public row."""

    def make(**kwargs: Any) -> PublicExperience:
        experience = ExperienceFactory(complaint=True, published=True, **kwargs)
        row = publication_sync(experience_id=experience.pk)
        assert row is not None
        return row

    return make


@pytest.fixture
def opendata_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "opendata"
