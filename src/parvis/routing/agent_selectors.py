"""What an agent's desk reads of routing: their presence and the offers made to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from parvis.contacts.models import Conversation
from parvis.routing.models import (
    AgentState,
    Decision,
    Entry,
    EntryState,
    Presence,
    PresenceReason,
    Tier,
)
from parvis.routing.services.presence import CHOSEN_BY_AGENT


def presence_of(user: Any) -> AgentState | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return AgentState.objects.filter(user=user).first()


def presence_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Presence.choices if value in CHOSEN_BY_AGENT]


def presence_reason_choices() -> list[tuple[str, str]]:
    chosen = ("", "lunch", "meeting", "training", "back_office", "technical", "end_of_day")
    return [(value, str(label)) for value, label in PresenceReason.choices if value in chosen]


def offers_for(user: Any) -> list[tuple[Conversation, Entry]]:
    """The conversations offered to ``user`` now (alone, or with others for a chat
    offered to all), oldest offer first."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = (
        Entry.objects.filter(state=EntryState.OFFERED)
        .filter(Q(offered_to=user) | Q(offered_to__isnull=True, queue__members__user=user))
        .select_related("conversation", "conversation__channel", "conversation__motif", "queue")
        .order_by("offered_at", "pk")
        .distinct()
    )
    return [
        (entry.conversation, entry)
        for entry in entries
        if entry.offered_to_id == user.pk or user.pk in (entry.offered_to_all or [])
    ]


def escalation_tier(conversation: Conversation) -> Tier | None:
    """The level-2 tier an agent may open at once for ``conversation`` (« on request »):
    one of its queue's tiers that admits level ≥ 2 later than the queue's first tier (the
    France Services escalation). ``None`` for a queue without one: an expert queue, whose
    referents come first, widens to level 1 by its delay alone."""
    if conversation.queue_id is None:
        return None
    tiers = list(Tier.objects.filter(policy__queue_id=conversation.queue_id).order_by("position"))
    if not tiers:
        return None
    first = min(tier.min_wait_seconds for tier in tiers)
    return next(
        (tier for tier in tiers if tier.min_level >= 2 and tier.min_wait_seconds > first), None
    )


TRIGGERS = {
    "contact": "arrivée du contact ou palier atteint",
    "agent_freed": "agent devenu disponible",
}


def _name(users: dict[int, Any], user_id: int | None) -> str:
    user = users.get(user_id or 0)
    if user is None:
        return "agent supprimé" if user_id else "—"
    return str(user.full_name or user.email)


def decision_rows(conversation: Conversation) -> list[dict[str, Any]]:
    """The routing decisions of a conversation, newest first, in French: when, why (the
    strategy and the tier), to whom, the best candidates with their scores or keys and
    why other agents were skipped. Names only of agents; nothing of citizens."""
    from django.contrib.auth import get_user_model

    from parvis.routing.core import SKIP_LABELS

    decisions = list(Decision.objects.filter(conversation=conversation).order_by("-at", "-pk"))
    user_ids: set[int] = set()
    conversation_ids: set[int] = set()
    for decision in decisions:
        if decision.agent_id:
            user_ids.add(decision.agent_id)
        for candidate in decision.candidates:
            if candidate.get("agent"):
                user_ids.add(candidate["agent"])
            if candidate.get("conversation"):
                conversation_ids.add(candidate["conversation"])
    users = get_user_model().objects.in_bulk(user_ids)
    references = dict(
        Conversation.objects.filter(pk__in=conversation_ids).values_list("pk", "reference")
    )
    rows = []
    for decision in decisions:
        candidates = []
        for candidate in decision.candidates:
            if "agent" in candidate:
                label = _name(users, candidate["agent"])
            else:
                label = references.get(candidate.get("conversation") or 0, "contact")
                label = f"{label} (score {candidate.get('score')})"
            candidates.append({"label": label, "chosen": candidate.get("chosen", False)})
        rows.append(
            {
                "at": decision.at,
                "trigger": TRIGGERS.get(decision.trigger, decision.trigger),
                "rule": decision.rule,
                "agent": _name(users, decision.agent_id),
                "score": decision.score,
                "wait_seconds": round(decision.wait_seconds),
                "candidates": candidates,
                "skipped": [
                    f"{SKIP_LABELS.get(code, code)} : {count}"
                    for code, count in sorted(decision.skipped.items())
                ],
            }
        )
    return rows
