"""Presence of agents: set by the agent (the desk's selector), by a supervisor (forced
offline, audited) or by the engine itself: the desk's last socket gone → away after a
grace period (``ROUTING_AWAY_GRACE_SECONDS``), a telephony event → busy, the wrap-up
timer → available again, offers let lapse in a row → away. Each change is kept in
``PresenceChange`` (retention ``ROUTING_PRESENCE_RETENTION_DAYS``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.routing import engine
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentState,
    Presence,
    PresenceChange,
    PresenceReason,
    TriggerKind,
)

# What an agent may choose at the desk (wrap-up and busy are set by the engine).
CHOSEN_BY_AGENT = (Presence.AVAILABLE, Presence.BREAK, Presence.AWAY, Presence.OFFLINE)


def state_of(user_id: int, *, now: dt.datetime | None = None) -> AgentState:
    state, _ = AgentState.objects.get_or_create(
        user_id=user_id, defaults={"idle_since": now or timezone.now()}
    )
    return state


def _set(
    state: AgentState,
    *,
    presence: str,
    reason: str,
    now: dt.datetime,
    by: Any = None,
) -> AgentState:
    if presence not in Presence.values:
        raise RoutingError("unknown_presence", "Présence inconnue.", "presence")
    if reason not in PresenceReason.values:
        raise RoutingError("unknown_reason", "Motif de présence inconnu.", "reason")
    if state.presence == presence and state.reason == reason:
        return state
    became_available = presence == Presence.AVAILABLE and state.presence != presence
    state.presence = presence
    state.reason = reason
    state.presence_since = now
    if presence != Presence.WRAP_UP:
        state.wrap_up_until = None
    if became_available:
        state.missed_offers = 0
        if state.used_units == 0:
            state.idle_since = now
    state.save(
        update_fields=[
            "presence",
            "reason",
            "presence_since",
            "wrap_up_until",
            "missed_offers",
            "idle_since",
        ]
    )
    PresenceChange.objects.create(
        user_id=state.user_id, presence=presence, reason=reason, at=now, by=by
    )
    if became_available:
        engine.trigger_add(TriggerKind.AGENT, state.user_id, due_at=now, now=now)
    from parvis.routing import realtime

    transaction.on_commit(lambda: realtime.presence_changed(state.user_id))
    return state


@transaction.atomic
def presence_set(
    *, user: Any, presence: str, reason: str = "", now: dt.datetime | None = None
) -> AgentState:
    """The agent's own choice at the desk."""
    if presence not in CHOSEN_BY_AGENT:
        raise RoutingError(
            "presence_not_allowed", "Cette présence est réglée automatiquement.", "presence"
        )
    now = now or timezone.now()
    state = state_of(user.pk, now=now)
    state = AgentState.objects.select_for_update().get(pk=state.pk)
    return _set(state, presence=presence, reason=reason, now=now, by=user)


@transaction.atomic
def presence_force(
    *, principal: Any, user: Any, presence: str = Presence.OFFLINE, now: dt.datetime | None = None
) -> AgentState:
    """A supervisor sets an agent's presence (offline by default); audited. The caller
    checked that the supervisor supervises a queue of the agent."""
    now = now or timezone.now()
    state = AgentState.objects.select_for_update().get(pk=state_of(user.pk, now=now).pk)
    state = _set(state, presence=presence, reason=PresenceReason.SUPERVISOR, now=now, by=principal)
    audit_record(
        actor=principal,
        action="routing.presence_forced",
        target=user,
        data={"presence": presence},
    )
    return state


def wrap_up_start(*, user_id: int, seconds: int, now: dt.datetime) -> None:
    """After a contact: wrap-up for ``seconds``, then available again (the sweep)."""
    state = state_of(user_id, now=now)
    if state.presence not in (Presence.AVAILABLE, Presence.BUSY):
        engine.trigger_add(TriggerKind.AGENT, user_id, due_at=now, now=now)
        return
    _set(state, presence=Presence.WRAP_UP, reason="", now=now)
    AgentState.objects.filter(pk=state.pk).update(wrap_up_until=now + dt.timedelta(seconds=seconds))


@transaction.atomic
def telephony_busy(*, user_id: int, busy: bool, now: dt.datetime | None = None) -> None:
    """A call started or ended on the agent's line (the telephony adapter's events)."""
    now = now or timezone.now()
    state = AgentState.objects.select_for_update().get(pk=state_of(user_id, now=now).pk)
    if busy and state.presence == Presence.AVAILABLE:
        _set(state, presence=Presence.BUSY, reason=PresenceReason.CALL, now=now)
    elif not busy and state.presence == Presence.BUSY and state.reason == PresenceReason.CALL:
        _set(state, presence=Presence.AVAILABLE, reason="", now=now)


def socket_opened(*, user_id: int, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    state_of(user_id, now=now)
    AgentState.objects.filter(user_id=user_id).update(sockets=F("sockets") + 1, socket_lost_at=None)


def socket_closed(*, user_id: int, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    AgentState.objects.filter(user_id=user_id, sockets__gt=0).update(sockets=F("sockets") - 1)
    AgentState.objects.filter(user_id=user_id, sockets=0).update(socket_lost_at=now)


def sweep_presence(*, now: dt.datetime) -> int:
    """Wrap-ups ended → available; desks gone for the grace period → away. How many
    agents changed."""
    changed = 0
    lost = now - dt.timedelta(seconds=settings.ROUTING_AWAY_GRACE_SECONDS)
    ended_wrap_up = Q(presence=Presence.WRAP_UP, wrap_up_until__lte=now)
    desk_gone = Q(
        presence__in=(Presence.AVAILABLE, Presence.WRAP_UP), sockets=0, socket_lost_at__lte=lost
    )
    # Every second in each worker: one read says whether anyone changes at all.
    if not AgentState.objects.filter(ended_wrap_up | desk_gone).exists():
        return 0
    for state in AgentState.objects.filter(ended_wrap_up):
        with transaction.atomic():
            _set(state, presence=Presence.AVAILABLE, reason="", now=now)
            changed += 1
    for state in AgentState.objects.filter(desk_gone):
        with transaction.atomic():
            _set(state, presence=Presence.AWAY, reason=PresenceReason.CONNECTION_LOST, now=now)
            changed += 1
    return changed


def offer_missed(*, user_id: int, now: dt.datetime) -> None:
    """An offer lapsed: after ``ROUTING_MISSED_OFFERS_AWAY`` in a row, the agent is away
    (nobody is at the desk; contacts must not wait on them)."""
    AgentState.objects.filter(user_id=user_id).update(missed_offers=F("missed_offers") + 1)
    state = AgentState.objects.get(user_id=user_id)
    if (
        state.missed_offers >= settings.ROUTING_MISSED_OFFERS_AWAY
        and state.presence == Presence.AVAILABLE
    ):
        _set(state, presence=Presence.AWAY, reason=PresenceReason.OFFERS_MISSED, now=now)
