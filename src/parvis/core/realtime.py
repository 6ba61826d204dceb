"""Real-time events from any process (web, worker, beat) to browsers.

With Redis the channel layer is shared and ``publish`` sends directly. In embedded mode
the in-memory layer lives only in the ASGI process, so ``publish`` writes a
``RealtimeEvent`` row and the ASGI process relays new rows to its layer (``relay_loop``).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import datetime as dt
import os
import threading
from collections.abc import Iterable
from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from parvis.core.models import RealtimeEvent
from parvis.core.redis_fanout import PublisherProcess, send_all

logger = structlog.get_logger(__name__)
RELAY_POLL_SECONDS = 0.3
_relay_task: asyncio.Task[None] | None = None


# Seconds a publisher waits for Redis before giving up on a live update.
PUBLISH_TIMEOUT_SECONDS = 2.0


class _PublisherLoop:
    """One event loop per process, in a daemon thread, for the Redis channel layer.

    ``async_to_sync`` from a plain thread starts a thread and an event loop per call, and
    channels-redis opens its connection pool per loop: every publish paid a thread, a
    loop and a Redis connection (10 ms of a worker's time a publish, two to four publishes
    a message). Here the loop and its pool live as long as the process; a forked child
    (Celery's prefork pool) starts its own on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        # ``publish_in_background``: sends are not waited for, at most this many at once.
        self.background = False
        self._in_flight: collections.deque[concurrent.futures.Future[Any]] = collections.deque()

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="parvis-realtime", daemon=True
                ).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def run(self, coroutine: Any) -> None:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop())
        if self.background:
            future.add_done_callback(_log_failure)
            self._in_flight.append(future)
            while self._in_flight and (
                self._in_flight[0].done() or len(self._in_flight) > BACKGROUND_IN_FLIGHT
            ):
                future = self._in_flight.popleft()
                self._wait(future)
            return
        self._wait(future)

    @staticmethod
    def _wait(future: concurrent.futures.Future[Any]) -> None:
        try:
            future.result(timeout=PUBLISH_TIMEOUT_SECONDS)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise


_publisher = _PublisherLoop()

# Sends a background publisher may have under way before it waits for the oldest.
BACKGROUND_IN_FLIGHT = 64


def _log_failure(future: concurrent.futures.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("realtime_publish_failed", error=type(future.exception()).__name__)


def publish_in_background(enabled: bool = True) -> bool:
    """Whether this process waits for its live updates to reach Redis; the previous
    choice. A routing worker does not: its next decision goes on while the publishing
    loop sends (at most ``BACKGROUND_IN_FLIGHT`` sends under way). Best effort either
    way: pages refetch on every (re)connection."""
    previous, _publisher.background = _publisher.background, enabled
    return previous


_process = PublisherProcess()
# channels-redis's layer, whose groups ``redis_fanout`` fans out to itself (its pub/sub
# layer is sent to through the layer's own ``group_send``).
REDIS_LAYER = "channels_redis.core.RedisChannelLayer"


def publish_from_a_process(enabled: bool = True) -> bool:
    """Hand this process's live updates to a publishing process of its own
    (``redis_fanout.PublisherProcess``), when the channel layer is Redis's; whether it
    does now. A routing worker does (``worker.run``): its decisions then never wait for
    the publishing. ``False`` stops the process, after it sent what it holds."""
    if not enabled:
        _process.stop()
        return False
    layer: dict[str, Any] = settings.CHANNEL_LAYERS.get("default", {})
    backend = str(layer.get("BACKEND", ""))
    if settings.REALTIME_DB_RELAY or backend != REDIS_LAYER:
        return False
    return _process.running or _process.start(backend, dict(layer.get("CONFIG", {})))


async def _send_all(layer: Any, messages: list[tuple[list[str], dict[str, Any]]]) -> None:
    for groups, message in messages:
        for group in groups:
            await layer.group_send(group, message)


def publish(group: str, payload: dict[str, Any]) -> None:
    """Send ``payload`` to every WebSocket subscribed to ``group``."""
    publish_many([group], payload)


def publish_many(groups: Iterable[str], payload: dict[str, Any]) -> None:
    """Send ``payload`` to every WebSocket subscribed to any of ``groups`` (one trip to
    the channel layer for all of them)."""
    publish_batch([(groups, payload)])


def publish_batch(items: Iterable[tuple[Iterable[str], dict[str, Any]]]) -> None:
    """Several payloads, each to its groups, in one trip to the channel layer (a
    transaction's announcements: one hand-over to the publishing loop, not one each)."""
    sends = [(list(dict.fromkeys(groups)), payload) for groups, payload in items]
    sends = [(groups, payload) for groups, payload in sends if groups]
    if not sends:
        return
    if settings.REALTIME_DB_RELAY:
        RealtimeEvent.objects.bulk_create(
            [
                RealtimeEvent(group=group, payload=payload)
                for groups, payload in sends
                for group in groups
            ]
        )
        return
    layer = get_channel_layer()
    if layer is None:
        return
    messages = [(groups, {"type": "parvis.event", "payload": payload}) for groups, payload in sends]
    try:
        if f"{type(layer).__module__}.{type(layer).__qualname__}" == REDIS_LAYER:
            if not _process.send(messages):
                _publisher.run(send_all(layer, messages))
        elif type(layer).__module__.startswith("channels_redis."):
            _publisher.run(_send_all(layer, messages))
        else:
            # The in-memory layer's queues belong to the loop of the ASGI process, which
            # ``async_to_sync`` reaches from the threads that process runs sync code in.
            async_to_sync(_send_all)(layer, messages)
    except Exception as error:  # Redis down: real time is best effort, the data is saved
        # Pages refetch through HTTP on every (re)connection, so nothing is lost; the
        # caller (a webhook's processing, an agent's reply) must not fail for it.
        logger.warning(
            "realtime_publish_failed",
            groups=sum(len(groups) for groups, _ in sends),
            error=type(error).__name__,
        )


def _fetch_after(last_id: int) -> list[RealtimeEvent]:
    return list(RealtimeEvent.objects.filter(id__gt=last_id).order_by("id")[:500])


def _latest_id() -> int:
    latest = RealtimeEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return latest or 0


async def relay_loop() -> None:
    """Forward database events to this process's channel layer, forever."""
    layer = get_channel_layer()
    last_id = await database_sync_to_async(_latest_id)()
    while True:
        events = await database_sync_to_async(_fetch_after)(last_id)
        for event in events:
            await layer.group_send(event.group, {"type": "parvis.event", "payload": event.payload})
            last_id = event.id
        await asyncio.sleep(RELAY_POLL_SECONDS)


def ensure_relay_running() -> None:
    """Start the relay once per ASGI process (called when a WebSocket connects)."""
    global _relay_task
    if not settings.REALTIME_DB_RELAY:
        return
    if _relay_task is None or _relay_task.done():
        _relay_task = asyncio.get_running_loop().create_task(relay_loop())


def purge_old_events() -> int:
    cutoff = timezone.now() - dt.timedelta(hours=settings.RETENTION_REALTIME_EVENTS_HOURS)
    deleted, _ = RealtimeEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
