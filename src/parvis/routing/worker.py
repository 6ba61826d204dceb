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
    from parvis.routing.services import callbacks, offers, presence, supervision

    return {
        "offers_expired": offers.sweep_offers(now=now),
        "presence_changed": presence.sweep_presence(now=now),
        "callbacks_due": callbacks.sweep_callbacks(now=now),
        "overflowed": supervision.sweep_overflow(now=now),
    }


def run(
    *,
    clock: Callable[[], dt.datetime] = timezone.now,
    stop: Callable[[], bool] = lambda: False,
    max_decisions: int | None = None,
) -> int:
    """Decide until ``stop()``; how many triggers were taken."""
    from parvis.core.realtime import publish_in_background
    from parvis.routing import engine

    # The desks and wallboards hear a batch while the next one is decided.
    waited = publish_in_background()
    _freeze_startup_objects()
    try:
        return _loop(engine, clock=clock, stop=stop, max_decisions=max_decisions)
    finally:
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
