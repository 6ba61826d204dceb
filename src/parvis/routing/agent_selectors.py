"""What an agent's desk reads of routing: their presence and the offers made to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from parvis.contacts.models import Conversation
from parvis.core.french import duration, number
from parvis.routing.models import (
    AgentSkill,
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


def escalation_position(queue_id: int | None) -> int | None:
    """The position of the level-2 tier an agent may open at once in ``queue_id`` (« on
    request »): a tier admitting level ≥ 2 later than the queue's first (the France
    Services escalation). ``None`` for a queue without one: an expert queue, whose
    referents come first, widens to level 1 by its delay alone. Read from the engine's
    memo of the policies: no query on a warm process (the desk asks on every page)."""
    from parvis.routing import engine

    view = engine.policy_of(queue_id)
    if view is None or view.skill_id is None:  # without a skill, nobody holds level 2
        return None
    tiers = view.rule.tiers
    first = min(tier.min_wait for tier in tiers)
    return next((t.position for t in tiers if t.min_level >= 2 and t.min_wait > first), None)


def escalation_tier(conversation: Conversation) -> Tier | None:
    """The level-2 tier an escalation of ``conversation`` opens (see
    ``escalation_position``), with its name."""
    position = escalation_position(conversation.queue_id)
    if position is None or conversation.queue_id is None:
        return None
    return Tier.objects.filter(policy__queue_id=conversation.queue_id, position=position).first()


def _level_two_in_skill(user_id: int) -> QuerySet[AgentSkill]:
    """The user's level ≥ 2 in the skill of an entry's queue (``OuterRef`` on an
    ``Entry``): what makes them a referent for it."""
    return AgentSkill.objects.filter(
        user_id=user_id, skill_id=OuterRef("queue__policy__skill_id"), level__gte=2
    )


def escalated_out_of_reach(user: Any) -> QuerySet[Entry]:
    """Escalated contacts ``user`` may not take from the desk's waiting list: the adviser
    asked for a referent, and ``user`` does not hold level ≥ 2 in the queue's skill
    (``core.escalation_tiers``: routing offers them to referents only)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return Entry.objects.filter(escalated=True)
    return Entry.objects.filter(escalated=True).exclude(Exists(_level_two_in_skill(user_id)))


def escalations_for(user: Any) -> QuerySet[Entry]:
    """Contacts an adviser escalated (« remonter au niveau 2 ») that wait in a queue where
    ``user`` is a member holding level ≥ 2 in its skill, or are offered to them: what a
    partner's referent is there for. They are offered only while the referent is
    available, so the dashboard and the desk count them before."""
    if not getattr(user, "is_authenticated", False):
        return Entry.objects.none()
    expert = _level_two_in_skill(user.pk)
    return (
        Entry.objects.filter(escalated=True, queue__members__user=user)
        .filter(
            Q(state=EntryState.WAITING, queue__policy__skill__isnull=True)
            | Q(state=EntryState.WAITING) & Exists(expert)
            | Q(state=EntryState.OFFERED, offered_to=user)
        )
        .distinct()
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
                score = candidate.get("score")
                if isinstance(score, int | float):
                    label = f"{label} (score {number(float(score), 1, trim=True)})"
            candidates.append({"label": label, "chosen": candidate.get("chosen", False)})
        rows.append(
            {
                "at": decision.at,
                "trigger": TRIGGERS.get(decision.trigger, decision.trigger),
                "rule": decision.rule,
                "agent": _name(users, decision.agent_id),
                "score": decision.score,
                "wait_seconds": round(decision.wait_seconds),
                "wait": duration(decision.wait_seconds),
                "candidates": candidates,
                "skipped": [
                    f"{SKIP_LABELS.get(code, code)} : {count}"
                    for code, count in sorted(decision.skipped.items())
                ],
            }
        )
    return rows
