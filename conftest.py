"""Shared pytest fixtures (root: covers src/ and tests/).

App-specific factories live in each app's tests/factories.py.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["parvis.testing.browser", "parvis.testing.mail"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with an empty cache (site config, rate-limit counters)."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # Only this worker's keys: FLUSHDB would wipe the Celery queues and the channel
        # layer that other test workers share on the same Redis database.
        client = cache._cache.get_client(None)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
