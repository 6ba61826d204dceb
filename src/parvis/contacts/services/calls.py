"""Phone calls: telephony events folded per call, and the call's conversation.

Each event (``call_id``, ``event``, provider ``timestamp``…) is stored once per
``(event, timestamp)`` in its ``Call`` row, then the whole call is folded again from its
events in provider-timestamp order. The fold depends on the set of events only, never on
the order they arrived in, and its state never moves backwards: it is the furthest event
reached in the order ``EVENT_ORDER`` (a late ``queued`` after ``answered`` changes
nothing). The conversation follows the fold:

- it is opened (channel ``telephone``, ``thread_key`` = call id, queued) by the first event
  past the IVR (``queued``, ``offered``, ``answered``, ``transferred``, ``abandoned``,
  ``voicemail`` or ``ended``); a call that stays in the IVR has a ``Call`` row only until
  it ends;
- ``answered`` assigns it to the agent the provider names (parvis chose them and told the
  provider through ``connect``);
- ``voicemail`` resolves it with outcome ``voicemail``; ``abandoned``, or ``ended``
  before any answer, with outcome ``abandoned`` (a proposal for part 1's moves: the desk
  may prefer to keep a voicemail open for a call back);
- ``answered`` and ``ended`` give ``handling_seconds``; an answered call stays with its
  agent, who codes the outcome;
- an ``ivr_choice`` of ``rappel`` while queued asks the waiting room (``contacts.waiting``,
  routing) to call the caller back, keeping their place: hanging up then is no abandon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import structlog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.contacts import waiting as waiting_room
from parvis.contacts.connectors import moves
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import (
    OPEN_STATUSES,
    Call,
    Conversation,
    InboundEndpoint,
    InboundRow,
    Outcome,
    Status,
)
from parvis.contacts.services.conversations import message_receive
from parvis.core.errors import ParvisError

logger = structlog.get_logger(__name__)

TELEPHONE = "telephone"  # the directory.Channel slug
# How far a call has gone; its state is the furthest event reached, never an earlier one.
EVENT_ORDER = (
    "call_started",
    "ivr_choice",
    "queued",
    "offered",
    "answered",
    "transferred",
    "abandoned",
    "voicemail",
    "ended",
)
RANK = {name: rank for rank, name in enumerate(EVENT_ORDER)}
EVENTS = frozenset(EVENT_ORDER)
# Events that mean the caller reached parvis's queue (or left): the call is a contact.
OPENS_CONVERSATION = EVENTS - {"call_started", "ivr_choice"}
# A call has a handful of events; a platform gone mad must not grow its row forever.
MAX_EVENTS_PER_CALL = 200
AUTOMATIC_OUTCOMES = frozenset({Outcome.ABANDONED, Outcome.VOICEMAIL})
# The ``ivr_choice`` a platform sends when a caller waiting in the queue asks to be called
# back instead of waiting (its IVR script maps its own digit to it).
CALLBACK_IVR_CHOICE = "rappel"


@dataclass(frozen=True)
class Fold:
    state: str
    started_at: dt.datetime | None
    queued_at: dt.datetime | None
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    ivr_choice: str
    agent_ref: str
    caller: str
    outcome: str  # proposed: "voicemail", "abandoned" or "" (the agent codes it)
    outcome_at: dt.datetime | None  # when: the voicemail, the abandon, else the end

    @property
    def handling_seconds(self) -> int | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.answered_at).total_seconds()))


def _at(event: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(event["at"])


def _first(events: list[dict[str, Any]], name: str) -> dt.datetime | None:
    return next((_at(e) for e in events if e["event"] == name), None)


def fold(events: list[dict[str, Any]]) -> Fold:
    """The call's state from its events, in provider-timestamp order (ties in the
    ``EVENT_ORDER``); the state only moves forward."""
    ordered = sorted(events, key=lambda e: (_at(e), RANK[e["event"]]))
    state = ""
    started = queued = answered = None
    ivr_choice = agent_ref = caller = ""
    seen: set[str] = set()
    for event in ordered:
        name, at = event["event"], _at(event)
        seen.add(name)
        if not state or RANK[name] >= RANK[state]:
            state = name
        if name == "call_started" and started is None:
            started = at
        if name == "queued" and queued is None:
            queued = at
        if name == "answered" and answered is None:
            answered = at
        if name == "ivr_choice" and event.get("ivr_choice"):
            ivr_choice = event["ivr_choice"]
        if name in ("offered", "answered", "transferred") and event.get("agent"):
            agent_ref = event["agent"]
        caller = caller or event.get("from", "")
    # The call ends at its "ended" event, or else at its last abandon or voicemail.
    ends = [_at(e) for e in ordered if e["event"] == "ended"] or [
        _at(e) for e in ordered if e["event"] in ("abandoned", "voicemail")
    ]
    ended = ends[0] if ends and "ended" in seen else (max(ends) if ends else None)
    outcome: str
    if "voicemail" in seen:
        outcome = Outcome.VOICEMAIL
    elif answered is None and seen & {"abandoned", "ended"}:
        outcome = Outcome.ABANDONED
    else:
        outcome = ""
    return Fold(
        state=state,
        started_at=started or (_at(ordered[0]) if ordered else None),
        queued_at=queued,
        answered_at=answered,
        ended_at=ended,
        ivr_choice=ivr_choice,
        agent_ref=agent_ref,
        caller=caller,
        outcome=str(outcome),
        outcome_at=(_first(ordered, str(outcome)) or ended) if outcome else None,
    )


def agent_for(reference: str, *, organisation_id: int) -> Any:
    """The active account a provider's agent reference names (its id, or its email),
    if it works for the organisation (a member of it, of one of its local services or
    sites, or of one of its queues): an event never hands a call to an outsider."""
    if not reference:
        return None
    users = get_user_model().objects.filter(is_active=True)
    if reference.isdigit():
        users = users.filter(pk=int(reference))
    else:
        users = users.filter(email__iexact=reference)
    return (
        users.filter(
            Q(memberships__organisation_id=organisation_id)
            | Q(memberships__local_service__organisation_id=organisation_id)
            | Q(memberships__site__organisation_id=organisation_id)
            | Q(queue_memberships__queue__organisation_id=organisation_id)
        )
        .distinct()
        .first()
    )


def _open_conversation(
    call: Call, endpoint: InboundEndpoint, state: Fold, row: InboundRow | None
) -> Conversation:
    subject = "Appel téléphonique"
    if state.ivr_choice:
        subject += f" (choix {state.ivr_choice})"
    moments = [_at(e) for e in call.events if e["event"] in OPENS_CONVERSATION]
    message = message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(
            channel=TELEPHONE,
            text="",
            subject=subject,
            sender=state.caller,
            sender_kind="phone" if state.caller else "",
            external_id=f"call:{call.call_id}",
            thread_key=call.call_id,
            received_at=state.queued_at or min(moments),
            register="transcript",
        ),
        row=row,
    )
    if state.caller:
        point = moves.contact_point_for(
            organisation_id=endpoint.organisation_id, number=state.caller
        )
        Conversation.objects.filter(pk=message.conversation_id, contact_point__isnull=True).update(
            contact_point=point
        )
    return message.conversation


def _resolved_by_the_call(conversation: Conversation) -> bool:
    """Resolved by the fold (an abandon or a voicemail nobody handled), not by an agent."""
    return (
        conversation.status == Status.RESOLVED
        and conversation.outcome in AUTOMATIC_OUTCOMES
        and conversation.assignee_id is None
    )


def _follow(conversation: Conversation, state: Fold) -> None:
    """Bring the conversation to what the fold says (each step idempotent). An outcome
    the fold proposed is corrected when a late event changes the fold (an ``answered``
    timestamped before the ``ended`` that arrived first: the call was not abandoned)."""
    if _resolved_by_the_call(conversation) and (
        conversation.outcome != state.outcome or conversation.resolved_at != state.outcome_at
    ):
        if state.outcome:
            conversation.outcome, conversation.resolved_at = state.outcome, state.outcome_at
            conversation.save(update_fields=["outcome", "resolved_at"])
        else:
            # Back in the queue it never left: its waiting time still starts at queueing.
            queued_at = conversation.queued_at
            moves.reopen(conversation, at=state.answered_at or timezone.now())
            conversation.queued_at = queued_at
            conversation.save(update_fields=["queued_at"])
    if (
        state.ivr_choice == CALLBACK_IVR_CHOICE
        and conversation.status == Status.QUEUED
        and not conversation.callback_requested
    ):
        _callback_ask(conversation, state)
    agent = agent_for(state.agent_ref, organisation_id=conversation.organisation_id)
    waiting = (Status.NEW, Status.QUEUED, Status.OFFERED)
    if state.answered_at and agent and conversation.status in waiting:
        moves.assign(conversation, agent=agent, at=state.answered_at)
    if (
        state.outcome
        and state.outcome_at
        and conversation.status in OPEN_STATUSES
        and (conversation.status in waiting or state.outcome == Outcome.VOICEMAIL)
        # A caller who asked to be called back hangs up: they did not abandon.
        and not (conversation.callback_requested and state.outcome == Outcome.ABANDONED)
    ):
        moves.resolve(conversation, outcome=state.outcome, at=state.outcome_at)
    if state.handling_seconds is not None and conversation.handling_seconds != (
        state.handling_seconds
    ):
        conversation.handling_seconds = state.handling_seconds
        conversation.save(update_fields=["handling_seconds"])


def _callback_ask(conversation: Conversation, state: Fold) -> None:
    """The caller chose to be called back: the waiting room (routing) keeps their place.
    A refusal (hidden number, a queue without callbacks) leaves the call as it is."""
    room = waiting_room.room()
    if room is None or not state.caller:
        logger.info("call_callback_refused", conversation_id=conversation.pk, reason="no_number")
        return
    try:
        room.callback_ask(
            conversation_id=conversation.pk,
            number=state.caller,
            sms_consent=False,  # a call is no consent to SMS
            now=timezone.now(),
        )
    except ParvisError as error:
        logger.info("call_callback_refused", conversation_id=conversation.pk, reason=error.code)
        return
    conversation.refresh_from_db()


@transaction.atomic
def call_event_record(
    *,
    endpoint: InboundEndpoint,
    call_id: str,
    event: str,
    at: dt.datetime,
    caller: str = "",
    ivr_choice: str = "",
    agent_ref: str = "",
    row: InboundRow | None = None,
) -> Call:
    """Record one telephony event of ``call_id`` (once per event and timestamp) and fold
    the call again; open, assign or resolve its conversation as the fold says."""
    Call.objects.get_or_create(endpoint=endpoint, call_id=call_id)
    call = Call.objects.select_for_update().get(endpoint=endpoint, call_id=call_id)
    entry = {"event": event, "at": at.isoformat()}
    known = any(e["event"] == event and _at(e) == at for e in call.events)
    if not known and len(call.events) >= MAX_EVENTS_PER_CALL:
        logger.warning("call_event_dropped", call_pk=call.pk, call_event=event)
        return call
    if not known:
        entry |= {
            key: value
            for key, value in (("from", caller), ("ivr_choice", ivr_choice), ("agent", agent_ref))
            if value
        }
        call.events = sorted([*call.events, entry], key=lambda e: (_at(e), RANK[e["event"]]))
    state = fold(call.events)
    call.state = state.state
    call.started_at = state.started_at
    call.answered_at = state.answered_at
    call.ended_at = state.ended_at
    call.ivr_choice = state.ivr_choice[:50]
    call.agent = agent_for(state.agent_ref, organisation_id=endpoint.organisation_id)
    if call.conversation_id is None and any(e["event"] in OPENS_CONVERSATION for e in call.events):
        call.conversation = _open_conversation(call, endpoint, state, row)
    call.save()
    if call.conversation is not None:
        _follow(call.conversation, state)
    logger.info("call_event_recorded", call_pk=call.pk, call_event=event, state=call.state)
    return call
