"""Writes of the agent desk: take, reply (same channel or a switch), note, transfer,
hand over to another organisation, resolve, release. One function per action.

Each checks the desk's scoping permissions (``Perm.TAKE``, ``Perm.REPLY``,
``Perm.TRANSFER_OUT``, queue membership), then calls the contact hub's services (the
lifecycle moves, the channels' senders, ``contacts.services.handoff``), writes the audit
row of what the lifecycle does not audit, and publishes the desk's real-time event after
commit (ids only; ``desk.realtime``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from parvis.accounts.services import audit_record
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    Conversation,
    Message,
    Outcome,
    Queue,
    Status,
    outcomes_for_channel,
)
from parvis.contacts.services import handoff, lifecycle
from parvis.contacts.sms import segments
from parvis.core.text import clean_text
from parvis.desk import realtime, selectors, switches
from parvis.desk.errors import DeskError
from parvis.directory.models import Organisation
from parvis.voice.models import PLACEHOLDER, AnswerTemplate

FORBIDDEN = "Votre rôle ne permet pas cette action sur cette conversation."
MAX_REPLY_CHARACTERS = 5000


def _as_desk_error(error: ContactError) -> DeskError:
    return DeskError(error.code, error.message, error.field, status=error.status)


def _require_reply(principal: Any, conversation: Conversation) -> None:
    if not selectors.can_reply(principal, conversation):
        raise DeskError("forbidden", FORBIDDEN)


def _require_open(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise DeskError(
            "transition_not_allowed", "Cette conversation est terminée : rouvrez-la d’abord."
        )


# --- Take -------------------------------------------------------------------------------------


def conversation_take(*, principal: Any, conversation: Conversation) -> Conversation:
    """Take a waiting conversation: one of two agents clicking at once wins.

    The claim is a conditional ``UPDATE … WHERE status = 'queued' AND assignee IS NULL``
    and its row count (``select_for_update`` is a plain SELECT on SQLite); the winner then
    makes the ``assign`` move (transition log, audit, event) in the same transaction. The
    loser gets ``already_taken`` naming who holds it."""
    if not selectors.takeable_queues(principal).filter(pk=conversation.queue_id or 0).exists():
        raise DeskError("forbidden", "Vous ne pouvez pas prendre les conversations de cette file.")
    from parvis.routing.agent_selectors import escalated_out_of_reach

    if escalated_out_of_reach(principal).filter(conversation=conversation).exists():
        raise DeskError(
            "escalated",
            "Ce contact a été remonté au niveau 2 : un référent le prendra en charge.",
        )
    with transaction.atomic():
        claimed = Conversation.objects.filter(
            pk=conversation.pk, status=Status.QUEUED, assignee__isnull=True
        ).update(assignee=principal)
        if claimed == 1:
            try:
                taken = lifecycle.conversation_assign(
                    conversation=conversation, principal=principal, agent=principal
                )
            except ContactError as error:
                raise _as_desk_error(error) from error
            return taken
    holder = (
        Conversation.objects.filter(pk=conversation.pk)
        .select_related("assignee")
        .values_list("assignee__full_name", "assignee__email", "status")
        .first()
    )
    if holder and (holder[0] or holder[1]):
        who = holder[0] or holder[1]
        raise DeskError("already_taken", f"{who} a déjà pris en charge cette conversation.")
    raise DeskError("already_taken", "Cette conversation n’est plus en attente.")


@transaction.atomic
def conversation_release_to_queue(*, principal: Any, conversation: Conversation) -> Conversation:
    """Put a conversation one holds back in its queue."""
    _require_reply(principal, conversation)
    try:
        released = lifecycle.conversation_release(conversation=conversation, principal=principal)
    except ContactError as error:
        raise _as_desk_error(error) from error
    return released


@transaction.atomic
def desk_escalate(*, principal: Any, conversation: Conversation, reason: str) -> Conversation:
    """Ask a level-2 referent (the France Services escalation « on request »): the reason
    becomes an internal note the referent reads, a conversation one holds goes back to its
    queue, and routing opens its referents' tier at once (``routing.escalated`` audited)."""
    from parvis.routing import agent_selectors
    from parvis.routing.errors import RoutingError
    from parvis.routing.services import offers

    _require_reply(principal, conversation)
    _require_open(conversation)
    tier = agent_selectors.escalation_tier(conversation)
    if tier is None:
        raise DeskError(
            "no_escalation", "La file de cette conversation n’a pas de référents de niveau 2."
        )
    held_by_me = conversation.status == Status.ASSIGNED and conversation.assignee_id == getattr(
        principal, "pk", None
    )
    if not held_by_me and conversation.status not in (Status.QUEUED, Status.OFFERED):
        raise DeskError(
            "transition_not_allowed",
            "Seule une conversation en attente ou que vous avez prise en charge peut être "
            "remontée au niveau 2.",
        )
    text = clean_text(reason)
    try:
        handoff.conversation_note_add(
            conversation=conversation,
            author=principal,
            text=f"Remontée au niveau 2 ({tier}) : {text}",
        )
        if held_by_me:
            conversation = lifecycle.conversation_release(
                conversation=conversation, principal=principal, note=text
            )
    except ContactError as error:
        raise _as_desk_error(error) from error
    try:
        offers.entry_escalate(principal=principal, conversation=conversation)
    except RoutingError as error:
        raise DeskError(error.code, error.message, status=409) from error
    realtime.announce_on_commit(conversation.pk)
    return conversation


# --- Reply ------------------------------------------------------------------------------------


def reply_text_check(*, text: str, channel: str, template: AnswerTemplate | None) -> str:
    """The cleaned text of a reply, or a ``DeskError``: empty, too long, a must-personalise
    template's passage left unfilled, or over the template's limit on ``channel``."""
    text = clean_text(text)
    if not text:
        raise DeskError("empty_message", "Le message est vide.", "text")
    if len(text) > MAX_REPLY_CHARACTERS:
        raise DeskError(
            "reply_too_long",
            f"La réponse est limitée à {MAX_REPLY_CHARACTERS} caractères.",
            "text",
        )
    if template is None:
        return text
    left = PLACEHOLDER.search(text)
    if template.must_personalise and left:
        raise DeskError(
            "placeholder_left",
            "Ce modèle doit être personnalisé : complétez les passages entre crochets "
            f"avant d’envoyer ({left.group(0)}).",
            "text",
        )
    limits = (template.channel_limits or {}).get(channel, {})
    max_segments = limits.get("max_segments")
    if max_segments and channel == "sms":
        counted = segments(text)
        if counted.segments > max_segments:
            raise DeskError(
                "too_many_segments",
                f"Ce SMS ferait {counted.segments} segments ; le modèle en permet "
                f"{max_segments} au plus. Raccourcissez-le.",
                "text",
            )
    max_characters = limits.get("max_characters")
    if max_characters and len(text) > max_characters:
        raise DeskError(
            "reply_over_template_limit",
            f"Sur ce canal, une réponse faite de ce modèle est limitée à {max_characters} "
            "caractères.",
            "text",
        )
    return text


def desk_reply(
    *,
    principal: Any,
    conversation: Conversation,
    channel: str,
    text: str,
    template: AnswerTemplate | None = None,
) -> Message:
    """Answer the citizen on ``channel`` (the conversation's own or a switch of
    ``switches.SWITCHES``). A template must be one offered for the conversation. A call
    back is not a reply (nothing is sent): it is its own action,
    ``desk_callback_request``, so an empty or mistaken send never books one."""
    _require_reply(principal, conversation)
    _require_open(conversation)
    if (
        template is not None
        and not selectors.reply_templates(conversation).filter(pk=template.pk).exists()
    ):
        raise DeskError(
            "template_mismatch", "Ce modèle n’est pas proposé pour cette conversation.", "template"
        )
    switch = switches.switch_check(conversation, channel)
    if switch.callback:
        raise DeskError(
            "callback_not_a_reply",
            "Un rappel ne s’envoie pas comme une réponse : utilisez « Demander un rappel ».",
            "channel",
        )
    text = reply_text_check(text=text, channel=channel, template=template)
    try:
        with transaction.atomic():
            message = _send(
                conversation=conversation, principal=principal, channel=channel, text=text
            )
            if conversation.channel_id != channel:
                audit_record(
                    actor=principal,
                    action="desk.channel_switched",
                    target=conversation,
                    data={
                        "reference": conversation.reference,
                        "from": conversation.channel_id,
                        "to": channel,
                    },
                    organisation=conversation.organisation,
                )
            realtime.announce_on_commit(conversation.pk)
        return message
    except ContactError as error:
        raise _as_desk_error(error) from error


def desk_callback_request(*, principal: Any, conversation: Conversation, note: str = "") -> None:
    """Ask for the citizen to be called back (the ``telephone`` row of
    ``switches.SWITCHES``): nothing is sent; the conversation goes back to its queue,
    where routing schedules the call. ``note``, if any, becomes an internal note for
    whoever calls. Refused while a call back is already pending."""
    _require_reply(principal, conversation)
    _require_open(conversation)
    switches.switch_check(conversation, "telephone")
    if selectors.callback_pending(conversation):
        raise DeskError(
            "callback_exists", "Un rappel est déjà demandé pour cette conversation.", status=409
        )
    note = clean_text(note)
    try:
        with transaction.atomic():
            if note:
                handoff.conversation_note_add(
                    conversation=conversation, author=principal, text=note
                )
            _callback_request(principal, conversation)
            audit_record(
                actor=principal,
                action="desk.callback_requested",
                target=conversation,
                data={"reference": conversation.reference},
                organisation=conversation.organisation,
            )
            realtime.announce_on_commit(conversation.pk)
    except ContactError as error:
        raise _as_desk_error(error) from error


def _send(*, conversation: Conversation, principal: Any, channel: str, text: str) -> Message:
    if channel == "courriel":
        from parvis.contacts.connectors.email import email_reply_send

        return email_reply_send(conversation=conversation, author=principal, text=text)
    if channel == "sms":
        from parvis.contacts.services.sms import sms_send

        return sms_send(
            conversation=conversation,
            author=principal,
            text=text,
            to=switches.phone_number_of(conversation) if conversation.channel_id != "sms" else "",
        )
    if channel == "chat":
        from parvis.contacts.services.chat import chat_reply

        return chat_reply(principal=principal, conversation=conversation, text=text)
    raise DeskError("switch_not_allowed", "Ce canal de réponse n’est pas possible ici.", "channel")


# --- Notes, transfers, hand-over, resolution -------------------------------------------------


@transaction.atomic
def desk_note(*, principal: Any, conversation: Conversation, text: str) -> Message:
    """An internal note: for the agents, never sent to the citizen."""
    _require_reply(principal, conversation)
    try:
        note = handoff.conversation_note_add(conversation=conversation, author=principal, text=text)
    except ContactError as error:
        raise _as_desk_error(error) from error
    realtime.announce_on_commit(conversation.pk)
    return note


@transaction.atomic
def desk_transfer_queue(
    *, principal: Any, conversation: Conversation, queue: Queue, note: str = ""
) -> Conversation:
    """Move the conversation to another queue of its organisation (one the agent sees),
    with an optional note; a held conversation waits there again."""
    _require_reply(principal, conversation)
    if not selectors.transfer_queues(principal, conversation).filter(pk=queue.pk).exists():
        raise DeskError("queue_not_allowed", "Choisissez une file de votre organisme.", "queue")
    previous_queue_id = conversation.queue_id
    try:
        if note.strip():
            handoff.conversation_note_add(conversation=conversation, author=principal, text=note)
        moved = handoff.conversation_queue_change(
            conversation=conversation, principal=principal, queue=queue
        )
    except ContactError as error:
        raise _as_desk_error(error) from error
    audit_record(
        actor=principal,
        action="desk.queue_changed",
        target=moved,
        data={"reference": moved.reference, "from_queue": previous_queue_id, "to_queue": queue.pk},
        organisation=moved.organisation,
    )
    realtime.announce_on_commit(moved.pk, extra_queue_ids=[previous_queue_id])
    return moved


@transaction.atomic
def desk_transfer_out(
    *, principal: Any, conversation: Conversation, organisation: Organisation, note: str
) -> Conversation:
    """Hand the conversation over to another organisation (``Perm.TRANSFER_OUT``): a
    linked conversation in its triage queue carrying the hand-over note and only what
    the citizen agreed to share with it; this one is resolved « Orienté vers un
    partenaire ». Audited with the categories carried."""
    if not selectors.can_transfer_out(principal, conversation):
        raise DeskError("forbidden", FORBIDDEN)
    _require_open(conversation)
    target = (
        Queue.objects.filter(organisation=organisation, is_triage=True, is_active=True)
        .exclude(organisation_id=conversation.organisation_id)
        .first()
    )
    if target is None:
        raise DeskError(
            "organisation_not_allowed",
            "Cet organisme ne reçoit pas de transmission.",
            "organisation",
        )
    categories = selectors.shared_categories(conversation, organisation)
    try:
        linked = handoff.conversation_handoff_create(
            conversation=conversation,
            author=principal,
            queue=target,
            note=note,
            categories=categories,
        )
        lifecycle.conversation_resolve(
            conversation=conversation, principal=principal, outcome="oriented_partner"
        )
    except ContactError as error:
        raise _as_desk_error(error) from error
    audit_record(
        actor=principal,
        action="desk.transferred_out",
        target=conversation,
        data={
            "reference": conversation.reference,
            "linked_reference": linked.reference,
            "to_organisation": organisation.pk,
            "categories": sorted(categories),
        },
        organisation=conversation.organisation,
    )
    return linked


@transaction.atomic
def desk_resolve(
    *, principal: Any, conversation: Conversation, outcome: str, note: str = ""
) -> Conversation:
    """Resolve with an outcome of the closed table that fits the conversation's channel
    (``contacts.models.CHANNEL_OUTCOMES``); a routed queue may require a wrap-up code
    (``routing``: the motif set)."""
    _require_reply(principal, conversation)
    if outcome in Outcome.values and outcome not in outcomes_for_channel(conversation.channel_id):
        raise DeskError(
            "outcome_not_for_channel",
            "Cette issue ne convient pas au canal de cette conversation.",
            "outcome",
        )
    from parvis.routing.services.supervision import resolution_refusal

    if (refusal := resolution_refusal(conversation)) is not None:
        raise DeskError(refusal.code, refusal.message, refusal.field)
    try:
        resolved = lifecycle.conversation_resolve(
            conversation=conversation, principal=principal, outcome=outcome, note=note
        )
    except ContactError as error:
        raise _as_desk_error(error) from error
    return resolved


@transaction.atomic
def desk_requalify(*, principal: Any, conversation: Conversation, motif: Any) -> Conversation:
    """Correct the motif (the hub's ``conversation_requalify``: a training example)."""
    _require_reply(principal, conversation)
    from parvis.contacts.services.qualification import conversation_requalify

    try:
        conversation_requalify(conversation=conversation, principal=principal, motif=motif)
    except ContactError as error:
        raise _as_desk_error(error) from error
    realtime.announce_on_commit(conversation.pk)
    return conversation


def desk_priority_inputs(
    *,
    principal: Any,
    conversation: Conversation,
    urgency: bool,
    vulnerability_reason: str,
    source: str,
) -> Conversation:
    """Confirm or withdraw the urgency and the vulnerability (the hub's
    ``conversation_priority_inputs_set``; routing recomputes the contact's place)."""
    _require_reply(principal, conversation)
    from parvis.contacts.services.priority import conversation_priority_inputs_set

    try:
        conversation_priority_inputs_set(
            conversation=conversation,
            principal=principal,
            urgency=urgency,
            vulnerability_reason=vulnerability_reason,
            source=source,
        )
    except ContactError as error:
        raise _as_desk_error(error) from error
    realtime.announce_on_commit(conversation.pk)
    return conversation


def _callback_request(principal: Any, conversation: Conversation) -> None:
    """A routed queue books a callback (routing keeps the conversation's place and
    offers the call to an idle agent); elsewhere the hub's flag puts it back in its
    queue for someone to call."""
    from parvis.routing.engine import policy_of

    if policy_of(conversation.queue_id) is None:
        handoff.conversation_callback_request(conversation=conversation, principal=principal)
        return
    from parvis.routing.errors import RoutingError
    from parvis.routing.services.callbacks import callback_request

    try:
        callback_request(principal=principal, conversation=conversation)
    except RoutingError as error:
        raise DeskError(error.code, error.message, error.field, status=error.status) from error
