"""WebSocket endpoint for real-time events: each user hears their own groups only."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from parvis.core.realtime import ensure_relay_running


def groups_for_user(user: Any) -> list[str]:
    groups = [f"user-{user.pk}"]
    if getattr(user, "is_platform_admin", False):
        groups.append("platform-admins")
    return groups


class GroupsConsumer(AsyncJsonWebsocketConsumer):
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
