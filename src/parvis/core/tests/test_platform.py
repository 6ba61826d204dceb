"""Health check, error shapes, security headers, client IP and settings profiles."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from parvis.accounts.tests.factories import UserFactory
from parvis.core.http import client_ip
from parvis.testing.ci import sqlite_pass_only

pytestmark = pytest.mark.django_db


PROBE_TOKEN = "sonde-de-supervision-0123456789abcdef"


@pytest.fixture
def probe(settings):  # type: ignore[no-untyped-def]
    settings.HEALTHZ_TOKEN = PROBE_TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {PROBE_TOKEN}"}


def test_healthz_tells_anyone_the_status_only(client, settings):
    settings.HEALTHZ_TOKEN = PROBE_TOKEN
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer devine"}, {"HTTP_AUTHORIZATION": ""}):
        response = client.get("/healthz", **headers)
        assert response.status_code == 200
        # No backend names nor latencies: a map of the deployment for anyone.
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"].startswith("max-age=0")
    # A signed-in agent who is not a platform admin is anyone here.
    client.force_login(UserFactory())
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_without_a_configured_token_gives_no_probe_the_details(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


def test_healthz_reports_database_cache_and_broker_to_the_probe(client, probe):
    response = client.get("/healthz", **probe)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_the_checks_to_a_platform_admin(client):
    client.force_login(UserFactory(is_platform_admin=True))
    assert set(client.get("/healthz").json()["checks"]) == {"database", "cache", "broker"}


def test_healthz_answers_503_when_the_broker_is_down(client, probe):
    from parvis.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        anonymous = client.get("/healthz")
        response = client.get("/healthz", **probe)
    finally:
        app.conf.broker_url = previous
    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "error"}
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_html_404_is_french_and_api_404_is_problem_json(client):
    page = client.get("/cette-page-n-existe-pas/")
    assert page.status_code == 404
    assert "Page introuvable" in page.content.decode()
    api = client.get("/api/v1/inexistant")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "not_found"


def test_security_headers_and_csp_nonce_on_pages(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    # WebSockets to this host only ('self' covers ws:/wss: here); never to any host.
    assert "connect-src 'self';" in csp + ";"
    assert "wss:" not in csp and "ws:" not in csp
    assert "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Request-Id"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 2.2.2.2", "2.2.2.2"),  # spoofed left entry is ignored
        (2, "6.6.6.6, 3.3.3.3, 10.0.0.9", "3.3.3.3"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _run_parvis(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "PARVIS_ENV",
            "PARVIS_ENCRYPTION_KEYS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }  # set by the browser fixtures
    }
    return subprocess.run(
        [sys.executable, "-m", "parvis", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_profile_refuses_to_start_without_secret_and_hosts():
    result = _run_parvis({"PARVIS_ENV": "production"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS" in result.stderr
    keyless = _run_parvis(
        {"PARVIS_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "x.fr"}, "check"
    )
    assert keyless.returncode != 0
    assert "PARVIS_ENCRYPTION_KEYS" in keyless.stderr


@sqlite_pass_only  # settings checked in a subprocess: no database (the shorter pass)
def test_production_profile_passes_check_deploy_without_warning():
    result = _run_parvis(
        {
            "PARVIS_ENV": "production",
            "SECRET_KEY": "x" * 20 + "-long-random-production-secret-key-value-0123456789",
            "ALLOWED_HOSTS": "parvis.example.fr",
            "PARVIS_ENCRYPTION_KEYS": "q0sqV-8PZC3m5rG0vCj8wGmW4Zr9b8c3Xn0mXkQW0mE=",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_embedded_broker_lives_beside_the_sqlite_database_it_serves(tmp_path):
    from parvis.settings import embedded_broker_file

    var = tmp_path / "var"

    def sqlite(name: str) -> dict[str, str]:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}

    # Two instances of one checkout on two databases: two queues, one beside each.
    first = embedded_broker_file(sqlite(str(tmp_path / "a" / "parvis.sqlite3")), var)
    second = embedded_broker_file(sqlite(str(tmp_path / "b" / "parvis.sqlite3")), var)
    assert first == tmp_path / "a" / "parvis.sqlite3.celery-broker.sqlite"
    assert second == tmp_path / "b" / "parvis.sqlite3.celery-broker.sqlite"
    # The default database, and a PostgreSQL one, keep today's file.
    assert embedded_broker_file(sqlite(str(var / "parvis.sqlite3")), var) == (
        var / "celery-broker.sqlite"
    )
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "parvis"}
    assert embedded_broker_file(postgres, var) == var / "celery-broker.sqlite"


READ_BROKER_URL = "from parvis import settings; print(settings.CELERY_BROKER_URL)"


@sqlite_pass_only  # settings read in subprocesses: no database (the shorter pass)
def test_the_settings_put_the_broker_beside_the_database_of_database_url(tmp_path):
    def broker_url(**env: str) -> str:
        inherited = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PARVIS_ENV"}
        }
        result = subprocess.run(
            [sys.executable, "-c", READ_BROKER_URL],
            env={**inherited, "PARVIS_VAR_DIR": str(tmp_path / "var"), **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    database = tmp_path / "instance-2" / "parvis.sqlite3"
    assert broker_url(DATABASE_URL=f"sqlite:///{database}") == (
        f"sqla+sqlite:///{database}.celery-broker.sqlite"
    )
    assert broker_url() == f"sqla+sqlite:///{tmp_path / 'var' / 'celery-broker.sqlite'}"


@pytest.mark.django_db
def test_the_dsfr_configuration_costs_one_query_then_none(django_assert_num_queries, rf):
    """With or without a configuration row (a flushed database has none), one query fills
    the cache and the next pages read it from there: page query budgets stay exact."""
    from django.core.cache import cache
    from dsfr.models import DsfrConfig

    from parvis.core.context_processors import SITE_CONFIG_CACHE_KEY, site

    if not DsfrConfig.objects.exists():  # a transactional test before may have flushed it
        DsfrConfig.objects.create(language="fr", site_title="parvis")
    for rows in (True, False):
        if not rows:
            DsfrConfig.objects.all().delete()
        cache.delete(SITE_CONFIG_CACHE_KEY)
        with django_assert_num_queries(1):
            first = site(rf.get("/"))["SITE_CONFIG"]
        with django_assert_num_queries(0):
            assert site(rf.get("/"))["SITE_CONFIG"] == first
        assert (first is not None) == rows
