"""Reads of the platform plumbing: health of database, cache, broker and workers."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from parvis.core.models import WorkerHeartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    duration_ms: float


def _timed(name: str, probe: Callable[[], str]) -> Check:
    start = time.perf_counter()
    try:
        detail = probe()
        ok = True
    except Exception as exc:
        detail, ok = type(exc).__name__, False
    return Check(name, ok, detail, round((time.perf_counter() - start) * 1000, 1))


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    cache.set("parvis:healthz", "ok", 10)
    if cache.get("parvis:healthz") != "ok":
        raise RuntimeError("cache read-back failed")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _broker() -> str:
    # The project's Celery app is the current one (``parvis/__init__`` creates it); core
    # does not import it, so the probe stays below every app.
    from celery import current_app

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"


def health_checks() -> list[Check]:
    return [_timed("database", _database), _timed("cache", _cache), _timed("broker", _broker)]


def worker_heartbeats() -> list[dict[str, object]]:
    stale_after = dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    now = timezone.now()
    return [
        {
            "hostname": hb.hostname,
            "last_seen": hb.last_seen,
            "alive": now - hb.last_seen < stale_after,
        }
        for hb in WorkerHeartbeat.objects.all()
    ]
