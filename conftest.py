"""Shared pytest fixtures (root: covers src/ and tests/).

App-specific factories live in each app's tests/factories.py.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["parvis.testing.browser", "parvis.testing.imap", "parvis.testing.mail"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from parvis.testing.ci import skip_browser_tests_of_the_other_pass

    skip_browser_tests_of_the_other_pass(config, items)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with empty caches (site config, rate-limit counters) and empty
    per-process memos (``core.memo``)."""
    from django.conf import settings
    from django.core.cache import cache

    from parvis.core.memo import ProcessMemo

    ProcessMemo.forget_all()

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        # Only this worker's keys: FLUSHDB would wipe the Celery queues and the channel
        # layer that other test workers share on the same Redis database.
        client = cache._cache.get_client(None)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


# A moment at the start of a day (UTC): every rate-limit window of a second to a day
# starts there.
RATE_LIMIT_CLOCK = 1_798_761_600.0


@pytest.fixture(autouse=True)
def _still_rate_limit_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate-limit windows are fixed: a test whose hits straddled two windows would see
    its count start again (a flaky 400 instead of 429). In-process, the clock stands
    still; the servers that browser tests start keep the real one."""
    monkeypatch.setattr("parvis.core.ratelimit._now", lambda: RATE_LIMIT_CLOCK)


@pytest.fixture(autouse=True)
def _allow_celery_result_joins() -> None:
    """Eager tasks run concurrently by an earlier test's threads can leave Celery's
    process-wide join guard raised; each test starts with it lowered."""
    from parvis.testing.celery_state import allow_result_joins

    allow_result_joins()


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):  # type: ignore[no-untyped-def]
    """Each xdist worker copies the run's migrated template database
    (``parvis.testing.databases``); one process alone sets up as pytest-django does."""
    from django.test.utils import setup_databases, teardown_databases

    from parvis.testing.databases import setup_worker_database

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        teardown = setup_worker_database(verbosity)
        if teardown is None:
            config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        if teardown is not None:
            teardown()
        else:
            teardown_databases(config, verbosity=verbosity)


@pytest.fixture(scope="session", autouse=True)
def _close_stray_postgres_sessions(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Before the test database is dropped, end sessions other threads left open.

    Async tests run sync ORM calls in asgiref's executor threads and a real Celery worker
    connects from another process; a leftover session makes DROP DATABASE fail.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
