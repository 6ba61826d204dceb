"""Routing's live updates. An offer is a move of the hub (``offer``), so the desks of
the queue's members hear it through the desk's own groups and refetch; a presence change
reaches the wallboards. Events carry ids only; pages refetch through scoped HTTP."""

from __future__ import annotations

from parvis.core.realtime import publish_many

WALLBOARD_GROUP = "routing-wallboard"


def offers_made(conversation_ids: list[int]) -> None:
    """A batch of decisions: the wallboards refetch once (they read no more than that
    something moved)."""
    if conversation_ids:
        publish_many(
            [WALLBOARD_GROUP],
            {
                "type": "routing",
                "conversation": conversation_ids[0],
                "count": len(conversation_ids),
            },
        )


def presence_changed(user_id: int) -> None:
    publish_many([WALLBOARD_GROUP], {"type": "presence", "agent": user_id})
