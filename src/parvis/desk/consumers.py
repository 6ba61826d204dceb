"""The desk's WebSocket: ``ws/desk/[?conversation=<reference>]``, signed-in agents only.

It joins the agent's own group, the groups of the queues they may take from and, when a
conversation is named, that conversation's group, each after the same scoping check as
the page (``desk.selectors``: ``takeable_queues``, ``desk_conversations``). Events carry
ids only; the page refetches its fragments through scoped HTTP on each event and on
every (re)connection (the ``hello`` frame). Close codes: 4401 not signed in, 4403 no
desk, 4404 conversation not found.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from parvis.core.consumers import GroupsConsumer
from parvis.desk import realtime, selectors
from parvis.routing.services import presence


def groups_for(user: Any, reference: str) -> list[str] | int:
    """The groups ``user`` may join, or the close code that refuses them."""
    if not selectors.has_desk(user):
        return 4403
    groups = [realtime.user_group(user.pk)]
    groups += [
        realtime.queue_group(pk)
        for pk in selectors.takeable_queues(user).values_list("pk", flat=True)
    ]
    if reference:
        conversation_id = selectors.conversation_id_for_desk(user, reference)
        if conversation_id is None:
            return 4404
        groups.append(realtime.conversation_group(conversation_id))
    return groups


class DeskConsumer(GroupsConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        reference = (query.get("conversation") or [""])[0][:40]
        groups = await database_sync_to_async(groups_for)(user, reference)
        if isinstance(groups, int):
            await self.close(code=groups)
            return
        await self.join(groups)
        await self.send_json({"type": "hello"})
        # Routing's presence: the desk is open (its last socket gone → away after grace).
        self.user_id = user.pk
        await database_sync_to_async(presence.socket_opened)(user_id=user.pk)

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if getattr(self, "user_id", None) is not None:
            await database_sync_to_async(presence.socket_closed)(user_id=self.user_id)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The desk only listens; anything sent is ignored."""
