"""Real-time events from any process (web, worker, beat) to browsers.

With Redis the channel layer is shared and ``publish`` sends directly. In embedded mode
the in-memory layer lives only in the ASGI process, so ``publish`` writes a
``RealtimeEvent`` row and the ASGI process relays new rows to its layer (``relay_loop``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from parvis.core.models import RealtimeEvent

logger = structlog.get_logger(__name__)
RELAY_POLL_SECONDS = 0.3
_relay_task: asyncio.Task[None] | None = None


def publish(group: str, payload: dict[str, Any]) -> None:
    """Send ``payload`` to every WebSocket subscribed to ``group``."""
    if settings.REALTIME_DB_RELAY:
        RealtimeEvent.objects.create(group=group, payload=payload)
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "parvis.event", "payload": payload})
    except Exception as error:  # Redis down: real time is best effort, the data is saved
        # Pages refetch through HTTP on every (re)connection, so nothing is lost; the
        # caller (a webhook's processing, an agent's reply) must not fail for it.
        logger.warning("realtime_publish_failed", group=group, error=type(error).__name__)


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
