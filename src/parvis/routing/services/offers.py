"""An agent's answer to an offer, and what the sweep does with offers nobody answered.

Accepting is atomic on every database: a conditional ``UPDATE`` of the entry (still
offered, to this agent or to all) and its row count decide, so of two agents of a ring-all offer
clicking at once one wins and the other hears who did. An offer declined or let lapse
returns the contact to its queue at its place, and the agent is not offered it again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from parvis.contacts.models import Conversation
from parvis.contacts.services import lifecycle
from parvis.routing import engine
from parvis.routing.errors import RoutingError
from parvis.routing.models import AgentState, AgentWork, Entry, EntryState, TriggerKind
from parvis.routing.services import presence

GONE = "Cette proposition n’est plus valable : le contact a été pris ou la proposition a expiré."


def _offered(conversation: Conversation, user: Any) -> Entry:
    entry = Entry.objects.filter(conversation=conversation, state=EntryState.OFFERED).first()
    if entry is None or not engine.offered_to(entry, user.pk):
        raise RoutingError("offer_gone", GONE)
    return entry


_ENTRY = Entry._meta.db_table
_OFFER_OF = (
    f"SELECT id, units, offered_to_id, offered_to_all FROM {_ENTRY} "  # noqa: S608
    "WHERE conversation_id = %s AND state = %s"
)
# The claim: one conditional update, its row count decides (of two agents of a ring-all
# offer clicking at once, the second finds it already held).
_CLAIM = (
    f"UPDATE {_ENTRY} SET offered_to_id = %s, offered_to_all = %s "  # noqa: S608
    "WHERE id = %s AND state = %s AND (offered_to_id = %s OR offered_to_id IS NULL)"
)
_BOOKED = (
    f"SELECT 1 FROM {AgentWork._meta.db_table} "  # noqa: S608
    "WHERE conversation_id = %s AND user_id = %s"
)
_OFFERS_SEEN = (
    f"UPDATE {AgentState._meta.db_table} SET missed_offers = 0 "  # noqa: S608
    "WHERE user_id = %s AND missed_offers <> 0"
)


@transaction.atomic
def offer_accept(
    *, user: Any, conversation: Conversation, now: dt.datetime | None = None
) -> Conversation:
    """The agent takes the conversation offered to them. Routing's part is four plain
    statements (the offer read, claimed, the booking checked, the missed offers
    cleared): each agent's answer to an offer, the busiest path after the decisions."""
    now = now or timezone.now()
    offered = engine.fetch_rows(_OFFER_OF, [conversation.pk, EntryState.OFFERED])
    if not offered:
        raise RoutingError("offer_gone", GONE)
    ((entry_id, units, offered_to_id, offered_to_all),) = offered
    if not engine.is_offered_to(offered_to_id, offered_to_all, user.pk):
        raise RoutingError("offer_gone", GONE)
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM,
            [
                user.pk,
                connection.ops.adapt_json_value([], None),
                entry_id,
                EntryState.OFFERED,
                user.pk,
            ],
        )
        if not cursor.rowcount:
            raise RoutingError("offer_gone", GONE)
        cursor.execute(_BOOKED, [conversation.pk, user.pk])
        booked = cursor.fetchone() is not None
    if not booked:
        # A ring-all offer books its units at acceptance, if they fit.
        state = AgentState.objects.select_for_update().get(user=user)
        if state.capacity - state.used_units < units:
            raise RoutingError(
                "capacity", "Votre capacité est atteinte : terminez un contact d’abord."
            )
        engine.book(user_id=user.pk, conversation_id=conversation.pk, units=units, now=now)
    with connection.cursor() as cursor:
        cursor.execute(_OFFERS_SEEN, [user.pk])
    return lifecycle.conversation_accept(conversation=conversation, principal=user, agent=user)


@transaction.atomic
def offer_decline(*, user: Any, conversation: Conversation, now: dt.datetime | None = None) -> None:
    """The agent lets the offer go: back to the queue at its place, for another agent."""
    now = now or timezone.now()
    entry = _offered(conversation, user)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.offered_to_all and len(entry.offered_to_all) > 1:
        entry.offered_to_all = [u for u in entry.offered_to_all if u != user.pk]
        entry.declined_by = [*entry.declined_by, user.pk]
        entry.save(update_fields=["offered_to_all", "declined_by"])
        return
    engine.release_entry_offer(entry, now=now, declined_by=user.pk)
    engine.trigger_add(TriggerKind.AGENT, user.pk, due_at=now, now=now)


def sweep_offers(*, now: dt.datetime) -> int:
    """Offers past their time go back to their queue; how many."""
    expired = 0
    for entry_id in Entry.objects.filter(
        state=EntryState.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            entry = (
                Entry.objects.select_for_update()
                .filter(pk=entry_id, state=EntryState.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if entry is None:
                continue
            holders = [entry.offered_to_id] if entry.offered_to_id else list(entry.offered_to_all)
            engine.release_entry_offer(entry, now=now, declined_by=None)
            for user_id in holders:
                presence.offer_missed(user_id=user_id, now=now)
                # Freed: what else waits for them (if still available).
                engine.trigger_add(TriggerKind.AGENT, user_id, due_at=now, now=now)
            expired += 1
    return expired


@transaction.atomic
def entry_escalate(
    *, principal: Any, conversation: Conversation, now: dt.datetime | None = None
) -> None:
    """Open the tiers of level ≥ 2 at once, and only them (a level-1 adviser asks a
    referent, ``core.escalation_tiers``): audited. The adviser who asks is not offered
    the contact again (they asked for someone else), nor is any other of level 1."""
    from parvis.accounts.services import audit_record

    now = now or timezone.now()
    entry = Entry.objects.select_for_update().filter(conversation=conversation).first()
    if entry is None:
        raise RoutingError("not_waiting", "Ce contact n’est pas en attente dans une file routée.")
    entry.escalated = True
    asker = (
        getattr(principal, "pk", None) if getattr(principal, "is_authenticated", False) else None
    )
    if asker is not None and asker not in entry.declined_by:
        entry.declined_by = [*entry.declined_by, asker]
    entry.next_tier_at = None  # what it waits for is open now; nothing else will open
    entry.save(update_fields=["escalated", "declined_by", "next_tier_at"])
    engine.trigger_add(TriggerKind.CONTACT, entry.pk, due_at=now, now=now)
    audit_record(
        actor=principal,
        action="routing.escalated",
        target=conversation,
        data={"reference": conversation.reference},
        organisation=conversation.organisation,
    )
