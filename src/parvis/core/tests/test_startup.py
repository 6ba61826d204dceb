"""What an operator reads when a process cannot start: one sentence and a non-zero exit,
never a traceback (parvis.startup, core.database). Each case runs the real command."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from parvis.testing.ci import once

PROJECT_DIR = Path(settings.PROJECT_DIR)
PRODUCTION = {
    "PARVIS_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-long-random-production-secret-key-value-0123456789",
    "ALLOWED_HOSTS": "parvis.example.fr",
    "PARVIS_ENCRYPTION_KEYS": "q0sqV-8PZC3m5rG0vCj8wGmW4Zr9b8c3Xn0mXkQW0mE=",
}


def _run(
    command: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {*PRODUCTION, "DATABASE_URL", "PARVIS_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        command,
        env={**inherited, "PARVIS_VAR_DIR": str(tmp_path), **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    output = (result.stderr + result.stdout).strip()
    assert "Traceback" not in output, output
    assert result.returncode != 0
    assert len(output.splitlines()) == 1, output
    return output


ENTRY_POINTS = {
    "parvis check --deploy": [sys.executable, "-m", "parvis", "check", "--deploy"],
    "manage.py migrate": [sys.executable, "manage.py", "migrate", "--noinput"],
    "asgi (uvicorn)": [
        sys.executable,
        "-m",
        "uvicorn",
        "parvis.asgi:application",
        "--port",
        "0",
        "--lifespan",
        "off",
    ],
    "wsgi": [sys.executable, "-c", "import parvis.wsgi"],
    "celery worker": [sys.executable, "-m", "celery", "-A", "parvis", "worker"],
    "celery beat": [sys.executable, "-m", "celery", "-A", "parvis", "beat"],
}


@pytest.mark.parametrize("command", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_a_missing_required_setting_is_one_sentence(command, tmp_path):
    result = _run(command, {"PARVIS_ENV": "production"}, tmp_path)
    sentence = _one_sentence(result)
    assert sentence == (
        "parvis cannot start: The production profile needs these environment variables: "
        "SECRET_KEY, ALLOWED_HOSTS."
    )


def test_an_unreadable_value_names_its_variable(tmp_path):
    result = _run(
        [sys.executable, "-m", "parvis", "check"], {"AXES_FAILURE_LIMIT": "cinq"}, tmp_path
    )
    assert "AXES_FAILURE_LIMIT" in _one_sentence(result)


def test_a_boolean_that_is_neither_true_nor_false_is_refused(tmp_path):
    """django-environ alone reads « ture » as false: DEBUG would silently be off."""
    result = _run([sys.executable, "-m", "parvis", "check"], {"DEBUG": "ture"}, tmp_path)
    assert "DEBUG must be true or false" in _one_sentence(result)


# --- a DATABASE_URL naming a PostgreSQL database that does not exist -------------------


def _server() -> dict[str, Any]:
    """The PostgreSQL server of the suite when it runs on one, else the local default."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        return {
            "host": database["HOST"] or "127.0.0.1",
            "port": int(database["PORT"] or 5432),
            "user": database["USER"] or "postgres",
            "password": database["PASSWORD"] or None,
        }
    return {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": None}


@pytest.fixture
def missing_database():
    """A database name nobody has, on a reachable server; dropped afterwards."""
    server = _server()
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3, **server)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is unreachable")
    name = f"parvis_missing_{uuid.uuid4().hex[:12]}"
    credentials = server["user"] + (f":{server['password']}" if server["password"] else "")
    url = f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"

    def exists() -> bool:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        return admin.execute(query, [name]).fetchone() is not None

    try:
        yield url, exists
    finally:
        # FORCE: the subprocess's sessions may still be closing; no wait for them.
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@once  # a PostgreSQL server in both passes: once in CI
def test_the_local_profile_creates_the_missing_database(missing_database, tmp_path):
    url, exists = missing_database
    result = _run(
        [sys.executable, "manage.py", "migrate", "--plan"], {"DATABASE_URL": url}, tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Created the PostgreSQL database" in result.stdout
    assert "Planned operations" in result.stdout
    assert exists()


@once  # a PostgreSQL server in both passes: once in CI
def test_production_prints_the_createdb_command_instead(missing_database, tmp_path):
    url, exists = missing_database
    result = _run(
        [sys.executable, "-m", "parvis", "migrate", "--noinput"],
        {**PRODUCTION, "DATABASE_URL": url},
        tmp_path,
    )
    sentence = _one_sentence(result)
    name = url.rsplit("/", 1)[1]
    assert f"createdb -h {_server()['host']} -p {_server()['port']}" in sentence
    assert sentence.endswith(f" {name}")
    assert not exists()


def test_a_web_process_freezes_what_it_loaded_and_tests_never_do(settings):
    """``freeze_loaded`` moves what the web application loaded out of the garbage
    collector's scans (``parvis.asgi`` and ``parvis.wsgi`` call it); under tests it does
    nothing, so that connections and servers stay collectable between tests."""
    import gc

    from django.core.signals import request_finished

    from parvis.startup import _AFTER_FIRST_REQUEST, freeze_loaded

    before = gc.get_freeze_count()
    freeze_loaded()
    assert gc.get_freeze_count() == before
    settings.TESTING = False
    try:
        freeze_loaded()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
        request_finished.disconnect(dispatch_uid=_AFTER_FIRST_REQUEST)


def test_a_web_process_freezes_again_after_its_first_request(settings):
    """What the first request built (middleware chain, resolvers, schemas) is frozen at
    its end, once: the next requests find no receiver left."""
    import gc

    from django.core.signals import request_finished

    from parvis.startup import (
        _AFTER_FIRST_REQUEST,
        _freeze_after_first_request,
        freeze_loaded,
    )

    settings.TESTING = False
    try:
        freeze_loaded()
        gc.unfreeze()
        assert request_finished.has_listeners()
        # Called as ``request_finished`` calls it (sending the signal would run the other
        # receivers, which close the test's database connections).
        built_by_the_first_request = [[n] for n in range(100)]
        _freeze_after_first_request(sender=None, signal=request_finished)
        assert gc.get_freeze_count() >= len(built_by_the_first_request)
        assert not request_finished.disconnect(dispatch_uid=_AFTER_FIRST_REQUEST)
    finally:
        gc.unfreeze()
        request_finished.disconnect(dispatch_uid=_AFTER_FIRST_REQUEST)
