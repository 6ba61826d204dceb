"""The Procfile's web command, run for real (testing off) on the test database.

The suite's settings cannot show these: ``TESTING`` forces ``CONN_MAX_AGE=0`` and the test
client has no server that could rewrite the client address.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from django.conf import settings
from django.db import connection

from parvis.testing.ci import once
from parvis.testing.web import procfile_web

# real server processes on PostgreSQL's pool; slow: once in CI
pytestmark = [pytest.mark.integration, once]

# Pages that query the database: the health check and anonymous API lists.
DATABASE_PAGES = ["/healthz", "/api/v1/annuaire/themes", "/api/v1/annuaire/organismes"]
WEB_PROCESSES = 2
POOL_SIZE = 3
CLIENTS = 16  # concurrent requests, well above the connections allowed
REQUESTS = 2000


def _count_server_connections(probe: psycopg.Connection, test_pid: int) -> list[str]:
    """application_name of every web-process connection to the test database (the test
    process may hold more than one connection of its own, e.g. from a helper thread:
    they are named ``parvis-command`` and are not the server's)."""
    rows = probe.execute(
        "SELECT application_name FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s "
        "AND application_name LIKE 'parvis-%%' AND application_name <> 'parvis-command'",
        [test_pid],
    ).fetchall()
    return [row[0] for row in rows]


@pytest.mark.django_db(transaction=True)
def test_the_web_process_keeps_its_database_connections_bounded(tmp_path):
    """A few thousand concurrent requests on pages that query the database never hold more
    than processes × pool size connections (one request failed with "too many clients"
    after persistent connections piled up under ASGI)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server-side connections to count")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        test_pid = cursor.fetchone()[0]
    cfg = connection.settings_dict
    probe = psycopg.connect(
        dbname=cfg["NAME"],
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        autocommit=True,
    )
    bound = WEB_PROCESSES * POOL_SIZE
    peak: list[str] = []
    over_bound = threading.Event()
    driving = threading.Event()
    driving.set()

    def watch() -> None:
        # Stops the run as soon as the bound is crossed: without it, a leak would take
        # every connection of the shared PostgreSQL server from the other tests.
        while driving.is_set():
            names = _count_server_connections(probe, test_pid)
            if len(names) > len(peak):
                peak[:] = names
            if len(names) > bound:
                over_bound.set()
                return
            over_bound.wait(0.02)

    statuses: dict[int, int] = {}
    try:
        with procfile_web(
            tmp_path, WEB_CONCURRENCY=str(WEB_PROCESSES), DATABASE_POOL_MAX_SIZE=str(POOL_SIZE)
        ) as base_url:
            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            pages = itertools.cycle(DATABASE_PAGES)
            with httpx.Client(
                base_url=base_url, timeout=60, limits=httpx.Limits(max_connections=CLIENTS)
            ) as client:

                def get(path: str) -> int:
                    return 0 if over_bound.is_set() else client.get(path).status_code

                with ThreadPoolExecutor(CLIENTS) as executor:
                    for status in executor.map(get, (next(pages) for _ in range(REQUESTS))):
                        statuses[status] = statuses.get(status, 0) + 1
            driving.clear()
            watcher.join()
            after = _count_server_connections(probe, test_pid)
    finally:
        driving.clear()
        probe.close()
    assert not over_bound.is_set(), f"{len(peak)} connections, more than {bound}: {peak}"
    assert statuses == {200: REQUESTS}
    assert 0 < len(peak) <= bound
    # Kept open in the pools for the next requests, and named after their kind of process.
    assert 0 < len(after) <= bound
    assert set(after) == {"parvis-web"}


# The private-link scanner limit (voice): 30 wrong links an hour per client address, then
# 429 for that address. It needs no data and sends no task.
WRONG_LINK_LIMIT = settings.VOICE_RATE_LIMITS["link_miss_ip"][0]


@pytest.mark.django_db(transaction=True)
def test_a_spoofed_forwarded_for_header_does_not_change_the_client_address(tmp_path):
    """With no proxy declared, a client that puts a new address in X-Forwarded-For on each
    request is still one address: its wrong private links reach the per-address limit.
    (uvicorn used to take the header as the client address for connections from
    127.0.0.1, which reset every per-address limit and lockout.)"""
    with (
        procfile_web(tmp_path, WEB_CONCURRENCY="1") as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        answers = [
            client.get(
                f"/temoigner/suivi/lien-invente-{attempt}/",
                headers={"X-Forwarded-For": f"198.51.100.{attempt}"},
            ).status_code
            for attempt in range(WRONG_LINK_LIMIT)
        ]
        assert answers == [404] * WRONG_LINK_LIMIT
        spoofed = client.get(
            "/temoigner/suivi/encore-un/", headers={"X-Forwarded-For": "203.0.113.250"}
        )
        plain = client.get("/temoigner/suivi/encore-un/")
    assert spoofed.status_code == 429
    assert "Trop de demandes" in spoofed.text
    assert plain.status_code == 429


def _database_settings(code: str, **env: str) -> dict:
    """``DATABASES["default"]`` as a fresh process of that kind sees it (testing off)."""
    server_env = {
        k: v
        for k, v in os.environ.items()
        if k != "PARVIS_PROCESS" and not k.startswith("DATABASE_")  # the defaults here
    }
    server_env.update(
        PARVIS_TESTING="false",
        DATABASE_URL="postgres://parvis@db.invalid:5432/parvis",  # read, never reached
        PYTHONPATH=str(settings.PACKAGE_DIR.parent),
        **env,
    )
    script = f"{code}\nimport json\nfrom django.conf import settings\n"
    script += "print(json.dumps(settings.DATABASES['default'], default=str))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=server_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_asgi_module_makes_its_process_the_web_one_with_a_pool():
    """Whatever server imports parvis.asgi runs a pool, even if told otherwise; workers keep
    persistent connections."""
    web = _database_settings("import parvis.asgi", PARVIS_PROCESS="worker")
    assert web["CONN_MAX_AGE"] == 0
    assert web["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10.0}
    assert web["OPTIONS"]["application_name"] == "parvis-web"
    worker = _database_settings("", PARVIS_PROCESS="worker")
    assert worker["CONN_MAX_AGE"] == 60
    assert "pool" not in worker["OPTIONS"]
    assert worker["OPTIONS"]["application_name"] == "parvis-worker"
