"""Callbacks: a citizen waiting on the phone or in the chat asks to be called back
instead of waiting, and keeps their place.

- ``callback_request``: the conversation stays queued with its entry (same arrival, same
  sort key); the hub flags it (``handoff.conversation_callback_request``, which also
  keeps the number the citizen gave as its contact point) and a ``Callback`` row says
  when: at its turn (``waiting``) or at a slot inside the queue's opening hours
  (``scheduled``, ``slot_at``). Routing offers it as a phone call (``callback_terms``:
  100 units, so only an idle agent gets it), not before its slot or its next attempt.
  An SMS announces it, with the estimated delay or the slot, to a number that accepted
  SMS (the hub's one rule, ``sms_refusal``).
- ``callback_dial``: the agent it went to calls through the telephony adapter
  (``PhoneConnector.place_call``: the platform rings the agent, then the citizen).
- ``callback_report``: reached (done), or no answer: back in the queue after
  ``callback_spacing_minutes``, up to ``callback_attempts`` calls, then failed: an SMS
  says we could not reach them and the conversation is resolved ``callback_failed``.
- ``sweep_callbacks`` (every second in the route workers): callbacks whose slot or next
  attempt came are put back in front of the agents; callbacks of conversations ended
  elsewhere are closed.

The chat widget and the telephony IVR reach these through the hub's ``WaitingRoom``
(``contacts.waiting``), registered by ``connect``. Logs carry ids, never a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import structlog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parvis.contacts import chat, waiting
from parvis.contacts.connectors import base as connectors
from parvis.contacts.connectors.common import InvalidPayload, e164
from parvis.contacts.connectors.moves import find_contact_point
from parvis.contacts.connectors.phone import PhoneConnector
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Outcome, Status
from parvis.contacts.services import handoff, lifecycle
from parvis.contacts.services.sms import sms_refusal
from parvis.contacts.sms import normalise
from parvis.core.workflow import System
from parvis.directory import servicelevels
from parvis.messaging.models import Channel as MessagingChannel
from parvis.messaging.services import message_queue
from parvis.routing.errors import RoutingError
from parvis.routing.models import Callback, CallbackStatus, Entry, EntryState, QueuePolicy
from parvis.routing.selectors_callbacks import (
    OPEN_STATUSES,
    estimate_for,
    masked_number,
    phone_number_of,
)

logger = structlog.get_logger(__name__)

# The citizen asking from the chat widget or the IVR (no account: the hub's own system).
CITIZEN = System("citizen_request", "demande de l’usager")
CALLBACK_CHANNEL = "telephone"
SLOT_HORIZON = dt.timedelta(days=14)
PENDING = (CallbackStatus.WAITING, CallbackStatus.SCHEDULED)
ENDED = (Status.RESOLVED, Status.CLOSED)
ANNOUNCED_TEMPLATE = "routing/callbacks/sms_announced"
FAILED_TEMPLATE = "routing/callbacks/sms_failed"


# --- What routing does with a callback's entry ------------------------------------------------


@dataclass(frozen=True)
class CallbackTerms:
    """How routing holds the entry of a conversation with a pending callback: offered as
    a phone call (``channel``, so its units), and only once ``due`` (its slot or its next
    attempt reached)."""

    channel: str
    due: bool


def callback_terms(conversation_id: int, *, now: dt.datetime) -> CallbackTerms | None:
    """``None`` when the conversation has no pending callback (its own channel applies)."""
    row = (
        Callback.objects.filter(conversation_id=conversation_id, status__in=PENDING)
        .values("next_attempt_at")
        .first()
    )
    if row is None:
        return None
    due_at = row["next_attempt_at"]
    return CallbackTerms(CALLBACK_CHANNEL, due_at is None or due_at <= now)


# --- Asking ----------------------------------------------------------------------------------


def _policy(conversation: Conversation) -> QueuePolicy:
    policy = QueuePolicy.objects.filter(queue_id=conversation.queue_id or 0).first()
    if policy is None or not policy.callbacks_enabled:
        raise RoutingError(
            "callbacks_disabled",
            _("Cette file ne propose pas de rappel."),
            status=409,
        )
    return policy


def slot_check(conversation: Conversation, slot_at: dt.datetime, *, now: dt.datetime) -> None:
    """A slot must come, within 14 days, inside the opening hours of the queue's place
    (its site's hours and exceptions, else the default business hours on working days)."""
    if slot_at.tzinfo is None or slot_at.utcoffset() is None:
        raise RoutingError(
            "slot_without_timezone",
            _("Indiquez le fuseau horaire du créneau (exemple : 2026-12-03T14:30:00+01:00)."),
            "slot_at",
        )
    if slot_at <= now:
        raise RoutingError("slot_past", _("Ce créneau est déjà passé."), "slot_at")
    if slot_at > now + SLOT_HORIZON:
        raise RoutingError(
            "slot_too_far",
            _("Choisissez un créneau dans les 14 prochains jours."),
            "slot_at",
        )
    assert conversation.queue is not None
    place = chat.queue_place(conversation.queue)
    local = slot_at.astimezone(place.tzinfo)
    for _day, intervals in servicelevels.business_intervals(place, local.date(), 1):
        if any(i.opens <= local.time() < i.closes for i in intervals):
            return
    raise RoutingError(
        "slot_outside_hours",
        _(
            "Ce créneau est en dehors des horaires d’ouverture du service : choisissez un "
            "moment où il est ouvert."
        ),
        "slot_at",
    )


def _number(conversation: Conversation, number: str) -> str:
    if number:
        try:
            return e164(number, field="number")
        except InvalidPayload as error:
            raise RoutingError(
                "invalid_number",
                _("Ce numéro de téléphone n’est pas valide (exemple : 06 12 34 56 78)."),
                "number",
            ) from error
    known = phone_number_of(conversation)
    if not known:
        raise RoutingError(
            "number_required",
            _("Indiquez le numéro de téléphone auquel vous rappeler."),
            "number",
        )
    return known


def _may_ask(principal: Any, conversation: Conversation) -> None:
    """A queued conversation keeps its place; an agent may also turn the one they hold
    into a callback (it goes back to the queue)."""
    if conversation.status == Status.QUEUED:
        return
    held = (
        conversation.status == Status.ASSIGNED
        and isinstance(principal, get_user_model())  # not a token or the citizen
        and conversation.assignee_id == principal.pk
    )
    if not held:
        raise RoutingError(
            "not_waiting",
            _("Un rappel se demande pendant l’attente : un agent s’occupe déjà de cette demande."),
            status=409,
        )


@transaction.atomic
def callback_request(
    *,
    principal: Any,
    conversation: Conversation,
    number: str = "",
    slot_at: dt.datetime | None = None,
    sms_consent: bool = False,
    now: dt.datetime | None = None,
) -> Callback:
    """Call the citizen back instead of making them wait, at their turn or at
    ``slot_at``: the conversation keeps its place. The caller checked that ``principal``
    may see the conversation (scoped selector)."""
    now = now or timezone.now()
    conversation = Conversation.objects.select_related("queue", "organisation").get(
        pk=conversation.pk
    )
    _policy(conversation)
    _may_ask(principal, conversation)
    existing = Callback.objects.select_for_update().filter(conversation=conversation).first()
    if existing is not None and existing.status in OPEN_STATUSES:
        raise RoutingError(
            "callback_exists", _("Un rappel est déjà prévu pour cette demande."), status=409
        )
    if slot_at is not None:
        slot_check(conversation, slot_at, now=now)
    dialled = _number(conversation, number)
    callback = existing or Callback(conversation=conversation)
    callback.status = CallbackStatus.SCHEDULED if slot_at else CallbackStatus.WAITING
    callback.requested_at = now
    callback.slot_at = slot_at
    callback.next_attempt_at = slot_at
    callback.attempts = 0
    callback.agent = None
    callback.announced_at = None
    callback.ended_at = None
    callback.full_clean(exclude=["conversation"])
    callback.save()
    try:
        # The hub flags it and keeps the number; routing's mirror follows in this
        # transaction (``callback_terms``: a phone call, not before its slot).
        handoff.conversation_callback_request(
            conversation=conversation,
            principal=principal,
            number=dialled if number else "",
            sms_consent=sms_consent,
        )
    except ContactError as error:
        raise RoutingError(error.code, error.message, error.field, status=error.status) from error
    conversation.refresh_from_db()
    if _sms(conversation, dialled, ANNOUNCED_TEMPLATE, _announced_context(callback, now), callback):
        Callback.objects.filter(pk=callback.pk).update(announced_at=now)
        callback.announced_at = now
    logger.info(
        "callback_requested",
        callback_id=callback.pk,
        conversation_id=conversation.pk,
        scheduled=slot_at is not None,
    )
    return callback


# --- Dialling and its outcome ---------------------------------------------------------------


def _held_callback(principal: Any, conversation: Conversation) -> tuple[Conversation, Callback]:
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    callback = Callback.objects.select_for_update().filter(conversation=conversation).first()
    if callback is None:
        raise RoutingError(
            "not_found", _("Aucun rappel n’est demandé pour cette conversation."), status=404
        )
    if conversation.status != Status.ASSIGNED or conversation.assignee_id != principal.pk:
        raise RoutingError(
            "forbidden",
            _("Seul l’agent qui a pris en charge ce rappel peut appeler l’usager."),
            status=403,
        )
    return conversation, callback


@transaction.atomic
def callback_dial(
    *, principal: Any, conversation: Conversation, now: dt.datetime | None = None
) -> Callback:
    """The agent holding the callback calls: the telephony platform rings them, then the
    citizen (a click-to-call); one attempt more."""
    now = now or timezone.now()
    conversation, callback = _held_callback(principal, conversation)
    if callback.status not in PENDING:
        raise RoutingError("callback_not_pending", _("Ce rappel n’attend pas d’appel."), status=409)
    number = phone_number_of(conversation)
    if not number:
        raise RoutingError(
            "number_required", _("Aucun numéro de téléphone de l’usager n’est connu."), status=409
        )
    callback.status = CallbackStatus.DIALLING
    callback.attempts += 1
    callback.agent = principal
    callback.next_attempt_at = None
    callback.save(update_fields=["status", "attempts", "agent", "next_attempt_at"])
    connector = connectors.get(CALLBACK_CHANNEL)
    assert isinstance(connector, PhoneConnector)
    # Last: if the platform refuses, the transaction (and the attempt) rolls back.
    connector.place_call(principal, number)
    logger.info(
        "callback_dialled",
        callback_id=callback.pk,
        conversation_id=conversation.pk,
        attempt=callback.attempts,
    )
    return callback


@transaction.atomic
def callback_report(
    *,
    principal: Any,
    conversation: Conversation,
    reached: bool,
    now: dt.datetime | None = None,
) -> Callback:
    """The agent says how their call went. Reached: done, the conversation stays with
    them. No answer: another attempt after the queue's spacing (the conversation waits
    in its queue meanwhile), or, attempts spent, failed: an SMS (with consent) and the
    conversation resolved ``callback_failed``."""
    now = now or timezone.now()
    conversation, callback = _held_callback(principal, conversation)
    if callback.status != CallbackStatus.DIALLING or callback.agent_id != principal.pk:
        raise RoutingError(
            "callback_not_dialling", _("Aucun appel de rappel n’est en cours."), status=409
        )
    if reached:
        callback.status = CallbackStatus.DONE
        callback.ended_at = now
        callback.save(update_fields=["status", "ended_at"])
        logger.info("callback_reached", callback_id=callback.pk, attempt=callback.attempts)
        return callback
    policy = QueuePolicy.objects.filter(queue_id=conversation.queue_id or 0).first()
    attempts = policy.callback_attempts if policy is not None else 1
    if callback.attempts < attempts:
        assert policy is not None
        callback.status = CallbackStatus.WAITING
        callback.agent = None
        callback.next_attempt_at = now + dt.timedelta(minutes=policy.callback_spacing_minutes)
        callback.save(update_fields=["status", "agent", "next_attempt_at"])
        # Saved first: routing's mirror holds the entry until the next attempt.
        lifecycle.conversation_release(
            conversation=conversation,
            principal=principal,
            note=_("Rappel sans réponse : nouvelle tentative prévue."),
        )
        logger.info("callback_no_answer", callback_id=callback.pk, attempt=callback.attempts)
        return callback
    callback.status = CallbackStatus.FAILED
    callback.ended_at = now
    callback.next_attempt_at = None
    callback.save(update_fields=["status", "ended_at", "next_attempt_at"])
    _sms(
        conversation,
        phone_number_of(conversation),
        FAILED_TEMPLATE,
        {**_common_context(conversation), "attempts": callback.attempts},
        callback,
    )
    lifecycle.conversation_resolve(
        conversation=conversation, principal=principal, outcome=Outcome.CALLBACK_FAILED
    )
    logger.info("callback_failed", callback_id=callback.pk, attempts=callback.attempts)
    return callback


# --- The sweep ------------------------------------------------------------------------------


def sweep_callbacks(*, now: dt.datetime) -> int:
    """Callbacks whose slot or next attempt came go back in front of the agents; those
    whose conversation ended elsewhere are closed. How many were put back."""
    from parvis.routing.services.entries import entry_sync

    due = list(
        Callback.objects.filter(status__in=PENDING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    put_back = 0
    for callback_id in due:
        with transaction.atomic():
            callback = (
                Callback.objects.select_for_update()
                .filter(pk=callback_id, status__in=PENDING, next_attempt_at__lte=now)
                .first()
            )
            if callback is None:
                continue
            callback.next_attempt_at = None
            callback.save(update_fields=["next_attempt_at"])
            entry_sync(callback.conversation_id, now=now)
            put_back += 1
    # The clean-up below joins the conversations: read first (on the status index)
    # whether any callback is under way at all, the every-second sweep's usual answer.
    if Callback.objects.filter(status__in=(*PENDING, CallbackStatus.DIALLING)).exists():
        Callback.objects.filter(status__in=PENDING, conversation__status__in=ENDED).update(
            status=CallbackStatus.CANCELLED, ended_at=now, next_attempt_at=None
        )
        Callback.objects.filter(
            status=CallbackStatus.DIALLING, conversation__status__in=ENDED
        ).update(status=CallbackStatus.DONE, ended_at=now)
    return put_back


# --- SMS -------------------------------------------------------------------------------------


def _common_context(conversation: Conversation) -> dict[str, Any]:
    organisation = conversation.organisation
    return {
        "organisation": normalise(organisation.short_name or organisation.name),
        "reference": conversation.reference,
    }


def slot_wording(conversation: Conversation, slot_at: dt.datetime) -> str:
    """« mardi 3 décembre vers 14 h 30 », at the queue's place."""
    assert conversation.queue is not None
    local = slot_at.astimezone(chat.queue_place(conversation.queue).tzinfo)
    day = formats.date_format(local, "l j F")
    return _("%(day)s vers %(hour)s h %(minute)s") % {
        "day": day,
        "hour": local.hour,
        "minute": f"{local.minute:02d}",
    }


def _delay_wording(conversation: Conversation, callback: Callback, now: dt.datetime) -> str:
    if callback.slot_at is not None:
        return _("le %(slot)s") % {"slot": slot_wording(conversation, callback.slot_at)}
    estimate = estimate_for(conversation.pk, now=now)
    if estimate is None:
        return _("dès que possible")
    return _("dans %(delay)s") % {"delay": estimate.wording}


def _announced_context(callback: Callback, now: dt.datetime) -> dict[str, Any]:
    conversation = callback.conversation
    return {
        **_common_context(conversation),
        "when": normalise(_delay_wording(conversation, callback, now)),
    }


def _sms(
    conversation: Conversation,
    number: str,
    template: str,
    context: dict[str, Any],
    callback: Callback,
) -> bool:
    """An SMS through the outbound door, only to a number that accepted SMS (the hub's
    rule); whether it was queued. The key makes each announcement go out once."""
    if not number:
        return False
    point = find_contact_point(organisation_id=conversation.organisation_id, number=number)
    if sms_refusal(point):
        logger.info("callback_sms_not_sent", callback_id=callback.pk, reason="no_consent")
        return False
    stamp = int(callback.requested_at.timestamp())
    message_queue(
        template=template,
        to=number,
        context=context,
        owner=conversation,
        idempotency_key=f"routing.callback.{callback.pk}.{template.rpartition('_')[2]}.{stamp}",
        channel=MessagingChannel.SMS,
    )
    logger.info("callback_sms_queued", callback_id=callback.pk, template=template)
    return True


# --- The hub's waiting room (chat widget, IVR) ------------------------------------------------


def confirmation(callback: Callback, *, now: dt.datetime) -> str:
    """What the citizen reads once their callback is noted."""
    conversation = callback.conversation
    number = masked_number(phone_number_of(conversation))
    return _(
        "C’est noté : un agent vous rappellera au %(number)s %(when)s. Vous gardez votre "
        "place dans la file ; vous pouvez fermer cette fenêtre."
    ) % {"number": number, "when": _delay_wording(conversation, callback, now)}


class RoutingWaitingRoom:
    """``contacts.waiting.WaitingRoom`` for routed queues."""

    def news(self, conversation_id: int, *, now: dt.datetime) -> waiting.WaitNews | None:
        entry = (
            Entry.objects.filter(conversation_id=conversation_id, state=EntryState.WAITING)
            .values("queue_id")
            .first()
        )
        callback = Callback.objects.filter(
            conversation_id=conversation_id, status__in=OPEN_STATUSES
        ).first()
        if callback is not None:
            return waiting.WaitNews(confirmation(callback, now=now), callback_offered=False)
        if entry is None:
            return None
        estimate = estimate_for(conversation_id, now=now)
        if estimate is None:
            return None
        enabled = QueuePolicy.objects.filter(
            queue_id=entry["queue_id"], callbacks_enabled=True
        ).exists()
        message = _("%(position)s Attente estimée : %(delay)s.") % {
            "position": estimate.position_wording,
            "delay": estimate.wording,
        }
        return waiting.WaitNews(message, callback_offered=enabled)

    def callback_ask(
        self, *, conversation_id: int, number: str, sms_consent: bool, now: dt.datetime
    ) -> str:
        conversation = Conversation.objects.get(pk=conversation_id)
        callback = callback_request(
            principal=CITIZEN,
            conversation=conversation,
            number=number,
            sms_consent=sms_consent,
            now=now,
        )
        return confirmation(callback, now=now)


def connect() -> None:
    """Offer the hub's chat widget and IVR the estimated wait and the callback."""
    waiting.register(RoutingWaitingRoom())
