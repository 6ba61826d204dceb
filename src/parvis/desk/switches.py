"""Which channel an agent may answer on, from which channel, and on what condition:
the one table of channel switches (``SWITCHES``), read by the reply form and enforced
by ``desk.services.desk_reply`` (and ``desk_callback_request`` for the call back).

- ``courriel``, from any channel: the conversation has an email address (its email
  contact point, or the sender of its mail); the reply leaves by email through the
  outbound door, which sends to that address only.
- ``sms``, from any channel: a phone number is known and has accepted SMS (the citizen
  texted us from it, or told an agent, noted on their record) without withdrawing it
  (« STOP » or an agent); the reply leaves by SMS through the outbound door.
- ``chat``, from a chat only: the session is live (the citizen wrote within the widget's
  resume window, ``CONTACTS_CHAT_RESUME_MAX_AGE``); the reply reaches the widget.
- ``telephone``, from any channel: a phone number is known and the conversation is held
  or queued; not a reply but its own action (``desk.services.desk_callback_request``,
  « Demander un rappel »): nothing is sent, it is flagged ``callback_requested`` and put
  back in its queue, where routing schedules the call (the note, if any, becomes an
  internal note).

The counter (``guichet``) is never a reply channel: a visit is recorded, not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from parvis.contacts.models import ContactKind, ContactPoint, Conversation, Direction, Status
from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.desk.errors import DeskError

ALL_CHANNELS = frozenset({"courriel", "sms", "chat", "telephone", "guichet"})


def _decrypted(point: ContactPoint) -> str:
    try:
        return decrypt_text(point.value_encrypted)
    except DecryptionError:
        return ""


# Set by ``reply_options`` for the length of one call: the citizen's newest contact point
# of each kind, read in one query instead of one per precondition.
_POINTS_MEMO = "_desk_citizen_points"


def _citizen_points(conversation: Conversation) -> dict[str, ContactPoint]:
    newest: dict[str, ContactPoint] = {}
    for point in ContactPoint.objects.filter(
        citizen_id=conversation.citizen_id, kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
    ).order_by("-created_at", "-pk"):
        newest.setdefault(point.kind, point)
    return newest


def _point_of_kind(conversation: Conversation, kind: str) -> ContactPoint | None:
    point = conversation.contact_point
    if point is not None and point.kind == kind:
        return point
    if conversation.citizen_id is not None:
        memo = conversation.__dict__.get(_POINTS_MEMO)
        if memo is not None:
            return memo.get(kind)
        return (
            ContactPoint.objects.filter(citizen_id=conversation.citizen_id, kind=kind)
            .order_by("-created_at", "-pk")
            .first()
        )
    return None


def email_address_of(conversation: Conversation) -> str:
    """The address the outbound door will send the reply to, or ``""``: the
    conversation's email contact point, else the sender of an email conversation's latest
    mail (``contacts.connectors.email.citizen_address``). An address of the citizen known
    from another conversation is not enough: the door would refuse to send."""
    point = conversation.contact_point
    if point is not None and point.kind == ContactKind.EMAIL:
        return _decrypted(point)
    if conversation.channel_id == "courriel":
        from parvis.contacts.connectors.email import citizen_address

        return citizen_address(conversation)
    return ""


def phone_number_of(conversation: Conversation) -> str:
    """The citizen's phone number for this conversation, or ``""``: an SMS thread's
    sender, else a phone contact point of the conversation or of its citizen."""
    if conversation.channel_id == "sms":
        _to, _, sender = conversation.thread_key.partition("|")
        if sender:
            return sender
    point = _point_of_kind(conversation, ContactKind.PHONE)
    return _decrypted(point) if point is not None else ""


def sms_refusal_of(conversation: Conversation, number: str) -> str:
    """Why ``number`` may not be texted (``""`` when it may): the contact hub's one rule,
    ``contacts.services.sms.sms_refusal`` (consent given, not withdrawn)."""
    from parvis.contacts.connectors.moves import find_contact_point
    from parvis.contacts.services.sms import sms_refusal

    return sms_refusal(
        find_contact_point(organisation_id=conversation.organisation_id, number=number)
    )


def chat_session_live(conversation: Conversation, *, now: dt.datetime | None = None) -> bool:
    """A chat whose citizen wrote within the widget's resume window."""
    if conversation.channel_id != "chat" or not conversation.thread_key:
        return False
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.CONTACTS_CHAT_RESUME_MAX_AGE)
    return conversation.messages.filter(direction=Direction.INBOUND, created_at__gte=since).exists()


# --- Preconditions: "" when met, else what the agent reads ------------------------------------


def _email_possible(conversation: Conversation) -> str:
    if not email_address_of(conversation):
        return "Aucune adresse électronique de l’usager n’est connue."
    return ""


def _sms_possible(conversation: Conversation) -> str:
    number = phone_number_of(conversation)
    if not number:
        return "Aucun numéro de téléphone de l’usager n’est connu."
    return sms_refusal_of(conversation, number)


def _chat_possible(conversation: Conversation) -> str:
    if not chat_session_live(conversation):
        return "La session de chat de l’usager n’est plus active."
    return ""


def _callback_possible(conversation: Conversation) -> str:
    if not phone_number_of(conversation):
        return "Aucun numéro de téléphone de l’usager n’est connu."
    if conversation.status not in (Status.ASSIGNED, Status.QUEUED):
        return "Seule une conversation prise en charge ou en file peut être rappelée."
    return ""


@dataclass(frozen=True)
class Switch:
    """Answering on ``channel``: allowed from conversations of ``sources`` when
    ``precondition`` returns ``""``. ``callback``: nothing is sent, a call back is
    requested instead."""

    channel: str
    label: str
    sources: frozenset[str]
    precondition: Callable[[Conversation], str]
    callback: bool = False


SWITCHES: dict[str, Switch] = {
    "courriel": Switch("courriel", "Courriel", ALL_CHANNELS, _email_possible),
    "sms": Switch("sms", "SMS", ALL_CHANNELS, _sms_possible),
    "chat": Switch("chat", "Chat", frozenset({"chat"}), _chat_possible),
    "telephone": Switch(
        "telephone", "Rappel téléphonique", ALL_CHANNELS, _callback_possible, callback=True
    ),
}


@dataclass(frozen=True)
class ReplyOption:
    switch: Switch
    refusal: str  # "" when the agent may answer on it now

    @property
    def available(self) -> bool:
        return not self.refusal


def reply_options(conversation: Conversation) -> list[ReplyOption]:
    """Every channel the conversation may be answered on, the same channel first, each
    with the reason it is not possible now (or ``""``)."""
    if conversation.citizen_id is not None:
        conversation.__dict__[_POINTS_MEMO] = _citizen_points(conversation)
    try:
        options = [
            ReplyOption(switch, switch.precondition(conversation))
            for switch in SWITCHES.values()
            if conversation.channel_id in switch.sources
        ]
    finally:
        conversation.__dict__.pop(_POINTS_MEMO, None)
    options.sort(key=lambda option: option.switch.channel != conversation.channel_id)
    return options


def switch_check(conversation: Conversation, channel: str) -> Switch:
    """The switch to ``channel``, or a ``DeskError`` saying why not."""
    switch = SWITCHES.get(channel)
    if switch is None or conversation.channel_id not in switch.sources:
        raise DeskError(
            "switch_not_allowed", "Ce canal de réponse n’est pas possible ici.", "channel"
        )
    refusal = switch.precondition(conversation)
    if refusal:
        raise DeskError("switch_precondition", refusal, "channel")
    return switch
