"""Shared pytest fixtures (root: covers src/ and tests/).

App-specific factories live in each app's tests/factories.py.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["parvis.testing.browser", "parvis.testing.mail"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty cache (site config, rate-limit counters)."""
    from django.core.cache import cache

    cache.clear()
