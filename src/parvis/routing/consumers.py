"""The wallboard's WebSocket: ``ws/routage/supervision/``, signed-in supervisors only.

It joins routing's wallboard group (presence changes, supervisors' actions) and the
desk's group of each routed queue the supervisor supervises (a contact queued, offered,
taken, resolved), after the same scoping check as the page (``routing.selectors``).
Events carry ids only; the page refetches its scoped HTML fragment on each (debounced)
and on every (re)connection (the ``hello`` frame). Close codes: 4401 not signed in,
4403 not a supervisor of a routed queue.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from parvis.core.consumers import GroupsConsumer
from parvis.desk.realtime import queue_group
from parvis.routing import selectors
from parvis.routing.realtime import WALLBOARD_GROUP


def groups_for(user: Any) -> list[str] | int:
    """The groups ``user`` may join, or the close code that refuses them."""
    if not selectors.supervises(user):
        return 4403
    ids = selectors.supervised_queues(user).values_list("pk", flat=True)
    return [WALLBOARD_GROUP, *(queue_group(pk) for pk in ids)]


class WallboardConsumer(GroupsConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        groups = await database_sync_to_async(groups_for)(user)
        if isinstance(groups, int):
            await self.close(code=groups)
            return
        await self.join(groups)
        await self.send_json({"type": "hello"})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The wallboard only listens; anything sent is ignored."""
