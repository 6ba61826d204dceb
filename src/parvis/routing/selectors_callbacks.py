"""Reads of callbacks, and the position and estimated wait announced to a waiting citizen.

The estimate is the one formula of ``routing.core.estimated_wait``: the contacts waiting
ahead (by sort key, the order routing offers them in) × the mean handling time of the
queue's last 30 minutes (300 s below 10 contacts) ÷ the staffed agents (available, busy
or in wrap-up), capped at ``ROUTING_EWT_CAP_SECONDS`` (« plus de 20 minutes »). It reads
routing's rows and the hub's handling times, never the citizen's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.contacts import selectors as contact_selectors
from parvis.contacts.models import ContactKind, Conversation, QueueMember, Status
from parvis.core import french
from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.routing import core
from parvis.routing.models import (
    STAFFED,
    AgentState,
    Callback,
    CallbackStatus,
    Entry,
    EntryState,
)

HANDLING_WINDOW = dt.timedelta(minutes=30)
DEFAULT_HANDLING_SECONDS = 300.0
MIN_HANDLING_SAMPLE = 10
OPEN_STATUSES = (CallbackStatus.WAITING, CallbackStatus.SCHEDULED, CallbackStatus.DIALLING)


@dataclass(frozen=True)
class Estimate:
    """``ahead``: contacts waiting before this one; ``seconds``: the estimated wait
    (``capped``: at least the cap, announced as « plus de … »)."""

    ahead: int
    seconds: float
    capped: bool

    @property
    def wording(self) -> str:
        return wait_wording(self.seconds, capped=self.capped)

    @property
    def position_wording(self) -> str:
        return position_wording(self.ahead)


# --- Estimated wait ------------------------------------------------------------------------


def ahead_of(entry: Entry) -> int:
    """Contacts waiting in the entry's queue that routing offers before it (smaller sort
    key; ties by id, as the engine reads them)."""
    return (
        Entry.objects.filter(queue_id=entry.queue_id, state=EntryState.WAITING)
        .filter(Q(sort_key__lt=entry.sort_key) | Q(sort_key=entry.sort_key, pk__lt=entry.pk))
        .count()
    )


def handling_sample(queue_id: int, *, now: dt.datetime) -> list[float]:
    """Handling times of the contacts of the queue resolved in the last 30 minutes."""
    return [
        float(seconds or 0)
        for seconds in Conversation.objects.filter(
            queue_id=queue_id,
            resolved_at__gt=now - HANDLING_WINDOW,
            resolved_at__lte=now,
            handling_seconds__isnull=False,
        ).values_list("handling_seconds", flat=True)
    ]


def staffed_agents(queue_id: int) -> int:
    """Members of the queue who are available, busy or in wrap-up."""
    members = QueueMember.objects.filter(queue_id=queue_id).values("user_id")
    return AgentState.objects.filter(user_id__in=members, presence__in=STAFFED).count()


def estimate_for_queue(queue_id: int, *, ahead: int, now: dt.datetime) -> Estimate:
    seconds, capped = core.estimated_wait(
        position=ahead,
        handling_seconds=handling_sample(queue_id, now=now),
        staffed_agents=staffed_agents(queue_id),
        cap_seconds=float(settings.ROUTING_EWT_CAP_SECONDS),
        default_handling=DEFAULT_HANDLING_SECONDS,
        min_sample=MIN_HANDLING_SAMPLE,
    )
    return Estimate(ahead, seconds, capped)


def estimate_for(conversation_id: int, *, now: dt.datetime) -> Estimate | None:
    """The estimate for a conversation waiting in a routed queue (``None`` otherwise)."""
    entry = Entry.objects.filter(conversation_id=conversation_id).first()
    if entry is None:
        return None
    return estimate_for_queue(entry.queue_id, ahead=ahead_of(entry), now=now)


def wait_wording(seconds: float, *, capped: bool = False) -> str:
    """« moins d’une minute », « environ 4 minutes », « plus de 20 minutes »."""
    if capped:
        minutes = max(1, round(settings.ROUTING_EWT_CAP_SECONDS / 60))
        return ngettext("plus de %(n)d minute", "plus de %(n)d minutes", minutes) % {"n": minutes}
    if seconds < 60:
        return _("moins d’une minute")
    minutes = max(1, int(seconds / 60 + 0.5))
    return ngettext("environ %(n)d minute", "environ %(n)d minutes", minutes) % {"n": minutes}


def position_wording(ahead: int) -> str:
    if ahead == 0:
        return _("Personne n’attend avant vous.")
    return ngettext(
        "%(n)d personne attend avant vous.", "%(n)d personnes attendent avant vous.", ahead
    ) % {"n": ahead}


# --- Callbacks -----------------------------------------------------------------------------


def callbacks_for(principal: Any) -> QuerySet[Callback]:
    """Callbacks of the conversations ``principal`` may see (the hub's scoping)."""
    return Callback.objects.select_related("conversation", "conversation__queue").filter(
        conversation__in=contact_selectors.conversations_for(principal)
    )


def callback_of(conversation: Conversation) -> Callback | None:
    return Callback.objects.filter(conversation=conversation).first()


def _decrypted(token: str) -> str:
    try:
        return decrypt_text(token)
    except DecryptionError:
        return ""


def phone_number_of(conversation: Conversation) -> str:
    """The number to call the citizen back on: an SMS thread's sender, else the phone
    contact point of the conversation or of its citizen record (the desk's rule)."""
    if conversation.channel_id == "sms":
        _to, _, sender = conversation.thread_key.partition("|")
        if sender:
            return sender
    point = conversation.contact_point
    if point is not None and point.kind == ContactKind.PHONE:
        return _decrypted(point.value_encrypted)
    if conversation.citizen_id is not None:
        from parvis.contacts.models import ContactPoint

        found = (
            ContactPoint.objects.filter(citizen_id=conversation.citizen_id, kind=ContactKind.PHONE)
            .order_by("-created_at", "-pk")
            .first()
        )
        if found is not None:
            return _decrypted(found.value_encrypted)
    return ""


def masked_number(number: str) -> str:
    """« 06 •• •• •• 78 »: enough for the agent to recognise, not to copy (the number as
    a French reader writes it, its middle digits hidden)."""
    shown = french.phone(number)
    digits = [i for i, c in enumerate(shown) if c.isdigit()]
    if len(digits) <= 6:
        return "•••"
    hidden = set(digits[2:-2])
    return "".join("•" if i in hidden else c for i, c in enumerate(shown))


@dataclass(frozen=True)
class DeskCard:
    """What the desk's conversation page shows of a callback (``_desk_card.html``)."""

    callback: Callback
    number: str  # masked
    can_dial: bool
    can_report: bool
    attempts_left: int


def desk_card(user: Any, conversation: Conversation) -> DeskCard | None:
    """The callback of a conversation the desk shows, with what ``user`` may do: dial
    when it is assigned to them and not dialling, report the outcome of their call."""
    callback = callback_of(conversation)
    if callback is None or callback.status not in (*OPEN_STATUSES, CallbackStatus.FAILED):
        return None
    from parvis.routing.models import QueuePolicy

    attempts = (
        QueuePolicy.objects.filter(queue_id=conversation.queue_id or 0)
        .values_list("callback_attempts", flat=True)
        .first()
        or 1
    )
    held = conversation.status == Status.ASSIGNED and conversation.assignee_id == user.pk
    return DeskCard(
        callback=callback,
        number=masked_number(phone_number_of(conversation)),
        can_dial=held and callback.status in (CallbackStatus.WAITING, CallbackStatus.SCHEDULED),
        can_report=held
        and callback.status == CallbackStatus.DIALLING
        and callback.agent_id == user.pk,
        attempts_left=max(0, attempts - callback.attempts),
    )
