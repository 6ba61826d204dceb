"""The base of parvis's WebSockets, and the endpoint for real-time events (each user
hears their own groups only)."""

from __future__ import annotations

from typing import Any

import structlog
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from parvis.core.realtime import ensure_relay_running

logger = structlog.get_logger(__name__)

# The answer to a frame that is not JSON text: the shape the consumers give any input
# they cannot read (``{"type": "error", "code": "bad_request", ...}``).
BAD_FRAME = {
    "type": "error",
    "code": "bad_request",
    "message": "Message incompris : envoyez un objet JSON.",
    "sequence": None,
}


def groups_for_user(user: Any) -> list[str]:
    groups = [f"user-{user.pk}"]
    if getattr(user, "is_platform_admin", False):
        groups.append("platform-admins")
    return groups


class JsonConsumer(AsyncJsonWebsocketConsumer):
    """Every parvis WebSocket speaks JSON through this base.

    Channels decodes each frame before ``receive_json``: a frame that is not JSON (or
    nested past the parser's recursion limit) or a binary frame raised there, the socket
    dropped without a close frame and the traceback was logged. Here such a frame is
    answered with ``BAD_FRAME`` and the connection stays open, as for any other input a
    consumer cannot read. ``core/tests/test_consumers.py`` checks that every consumer of
    ``websocket_urls`` has this base.
    """

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if text_data is None:
            await self._bad_frame("binary")
            return
        try:
            content = await self.decode_json(text_data)
        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
            await self._bad_frame("not_json")
            return
        await self.receive_json(content, **kwargs)

    async def _bad_frame(self, reason: str) -> None:
        logger.info("websocket_bad_frame", consumer=type(self).__name__, reason=reason)
        await self.send_json(BAD_FRAME)


class GroupsConsumer(JsonConsumer):
    """A WebSocket that joins channel-layer groups and forwards their events
    (``parvis.event``, ids only) as they come; it leaves them when it closes. The
    consumers of each page choose the groups (after their own scoping check)."""

    groups_joined: list[str]

    async def join(self, groups: list[str]) -> None:
        """Join ``groups`` (the relay of the embedded mode started) and accept."""
        ensure_relay_running()
        self.groups_joined = list(groups)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def parvis_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["payload"])


class EventsConsumer(GroupsConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.join(groups_for_user(user))
