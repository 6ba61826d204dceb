"""The ``parvis route`` worker: a plain process (a Procfile line, not Celery), stateless,
the database being the source of truth. It takes due triggers by batches
(``ROUTING_BATCH_SIZE`` per transaction, their writes made together; after a failed
batch, one by one for a while) and, every ``ROUTING_SWEEP_SECONDS``, sweeps offers past
their time, wrap-ups ended, desks gone, callbacks due and overflows. Several may run at
once (``SKIP LOCKED`` on PostgreSQL; SQLite serialises them).

Waking: with Redis, a trigger committed pushes onto a list the idle workers block on
(``BRPOP``); without it, idle workers poll the trigger table every ``POLL_SECONDS``.
``ROUTING_INLINE`` (tests, a demo without the worker) decides right after the commit,
in the process that queued.
"""

from __future__ import annotations

import datetime as dt
import gc
import signal
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import structlog
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = structlog.get_logger(__name__)

WAKE_KEY = "parvis:routing:wake"
POLL_SECONDS = 0.2


def _redis() -> Any:
    if not settings.REDIS_URL:
        return None
    import redis

    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client


_client: Any = None


def wake() -> None:
    """Called after a trigger committed."""
    if settings.ROUTING_INLINE:
        from parvis.routing import engine

        engine.process_due()
        return
    client = _redis()
    if client is None:
        return
    try:
        pipe = client.pipeline()
        pipe.lpush(WAKE_KEY, 1)
        pipe.ltrim(WAKE_KEY, 0, 63)
        pipe.execute()
    except Exception:
        logger.warning("routing_wake_failed")


def _wait(seconds: float) -> None:
    client = _redis()
    if client is None:
        time.sleep(min(seconds, POLL_SECONDS))
        return
    try:
        client.brpop([WAKE_KEY], timeout=max(1, int(seconds)))
    except Exception:
        time.sleep(min(seconds, POLL_SECONDS))


def sweep(*, now: dt.datetime) -> dict[str, int]:
    """The sweeps that have work (``_sweeps_due``), each skipped otherwise."""
    from parvis.routing.services import callbacks, offers, presence, supervision

    due = _sweeps_due(now)
    return {
        "offers_expired": offers.sweep_offers(now=now) if due[0] else 0,
        "presence_changed": presence.sweep_presence(now=now) if due[1] else 0,
        "callbacks_due": callbacks.sweep_callbacks(now=now) if due[2] else 0,
        "overflowed": supervision.sweep_overflow(now=now) if due[3] else 0,
    }


@lru_cache(maxsize=1)
def _sweeps_due_sql() -> str:
    from parvis.routing.models import (
        AgentState,
        Callback,
        CallbackStatus,
        Entry,
        EntryState,
        Presence,
        QueuePolicy,
    )
    from parvis.routing.services.callbacks import PENDING

    # Each sweep's own first read, restated in SQL: ``test_supervision`` checks that each
    # gate opens when its sweep has work.
    statuses = (*PENDING, CallbackStatus.DIALLING)  # as ``sweep_callbacks`` reads them
    under_way = ", ".join(f"'{status.value}'" for status in statuses)
    return (
        f"SELECT EXISTS (SELECT 1 FROM {Entry._meta.db_table} WHERE state = "  # noqa: S608
        f"'{EntryState.OFFERED.value}' AND offer_expires_at <= %s), "
        f"EXISTS (SELECT 1 FROM {AgentState._meta.db_table} WHERE (presence = "
        f"'{Presence.WRAP_UP.value}' AND wrap_up_until <= %s) OR (presence IN "
        f"('{Presence.AVAILABLE.value}', '{Presence.WRAP_UP.value}') AND sockets = 0 "
        "AND socket_lost_at <= %s)), "
        f"EXISTS (SELECT 1 FROM {Callback._meta.db_table} WHERE status IN "
        f"({under_way})), "
        f"EXISTS (SELECT 1 FROM {QueuePolicy._meta.db_table} "
        "WHERE overflow_queue_id IS NOT NULL)"
    )


def _sweeps_due(now: dt.datetime) -> tuple[bool, bool, bool, bool]:
    """Whether each sweep has work (offers past their time; agents whose wrap-up ended
    or whose desk is gone; callbacks under way; a queue with an overflow), in one
    prepared statement: the sweeps' own first reads, five ORM statements compiled and
    planned every second, stopped the loop for 10 ms (up to 38 ms on the shared cores)
    and the triggers due meanwhile made a batch, the decision latency's tail."""
    from django.db import connection

    from parvis.core.prepared import prepared_cursor

    lost = now - dt.timedelta(seconds=settings.ROUTING_AWAY_GRACE_SECONDS)
    moments = [connection.ops.adapt_datetimefield_value(m) for m in (now, now, lost)]
    with prepared_cursor() as cursor:
        cursor.execute(_sweeps_due_sql(), moments)
        row = cursor.fetchone()
    return bool(row[0]), bool(row[1]), bool(row[2]), bool(row[3])


def run(
    *,
    clock: Callable[[], dt.datetime] = timezone.now,
    stop: Callable[[], bool] = lambda: False,
    max_decisions: int | None = None,
) -> int:
    """Decide until ``stop()``; how many triggers were taken."""
    from parvis.core.realtime import publish_from_a_process, publish_in_background
    from parvis.routing import engine

    # The desks and wallboards hear a batch while the next one is decided: from a
    # publishing process of the worker's own with Redis, else from a thread.
    waited = publish_in_background()
    in_a_process = settings.ROUTING_PUBLISHER_PROCESS and publish_from_a_process()
    _freeze_startup_objects()
    try:
        return _loop(engine, clock=clock, stop=stop, max_decisions=max_decisions)
    finally:
        if in_a_process:
            publish_from_a_process(False)
        publish_in_background(waited)


def _freeze_startup_objects() -> None:
    """Move what the process holds before its first decision (modules, settings,
    policies) out of the collector's reach: a full collection walks every tracked
    object, and one stopped a decision for 420 ms on the benchmark's worker. The loop's
    own garbage is still collected."""
    gc.collect()
    gc.freeze()


def _loop(
    engine: Any,
    *,
    clock: Callable[[], dt.datetime],
    stop: Callable[[], bool],
    max_decisions: int | None,
) -> int:
    taken = 0
    last_sweep = 0.0
    batch = max(1, settings.ROUTING_BATCH_SIZE)
    solo = 0  # after a failed batch, its triggers are retried one by one
    while not stop():
        if time.monotonic() - last_sweep >= settings.ROUTING_SWEEP_SECONDS:
            last_sweep = time.monotonic()
            close_old_connections()
            try:
                sweep(now=clock())
            except Exception:
                logger.exception("routing_sweep_failed")
        limit = 1 if solo else batch
        if max_decisions is not None:
            limit = min(limit, max_decisions - taken)
        try:
            decided = len(engine.process_batch(now=clock(), limit=limit))
            solo = max(0, solo - decided)
        except Exception:
            logger.exception("routing_decision_failed", batch=limit)
            decided = 0
            solo = batch  # a trigger that fails then fails alone
            time.sleep(POLL_SECONDS)
        if decided:
            taken += decided
            if max_decisions is not None and taken >= max_decisions:
                break
            continue
        _wait(settings.ROUTING_SWEEP_SECONDS)
    return taken


def run_forever() -> None:
    stopping = False

    def _stop(*_args: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    logger.info("routing_worker_started")
    run(stop=lambda: stopping)
    logger.info("routing_worker_stopped")
