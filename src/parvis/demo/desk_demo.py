"""Demo data of the agent desk: reply templates for the desk (one to personalise, one
short SMS that need not be), the queues' members also in their organisation's triage
queue and, whatever the contacts demo left, a few conversations waiting in each queue
with members, one of them for a call back, and something to answer in writing (at least
two emails and one SMS, sorted out of the triage queue if need be). Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from parvis.contacts.models import (
    Conversation,
    ConversationTransition,
    Queue,
    QueueMember,
    Status,
)
from parvis.demo.contacts_demo import LIVE_CHANNELS, shift_conversation
from parvis.directory.models import Organisation
from parvis.voice.models import AnswerTemplate

TEMPLATES = [
    {
        "title": "Poste de travail – dossier en cours d’examen",
        "body": (
            "Bonjour,\n\nVotre dossier est bien reçu et en cours d’examen. "
            "[À COMPLÉTER : ce qui manque ou la date prévue de la décision]\n\n"
            "Bien cordialement,\nLe service"
        ),
        "must_personalise": True,
        "channel_limits": {"sms": {"max_segments": 2}},
    },
    {
        "title": "Poste de travail – SMS de rendez-vous",
        "body": "Bonjour, votre rendez-vous est confirme. Pensez a apporter vos justificatifs.",
        "must_personalise": False,
        "channel_limits": {"sms": {"max_segments": 1}},
    },
]
WAITING_PER_QUEUE = 3
# What waits in a queue with members that takes these channels: an agent at the desk
# always has something to answer in writing, not only calls and ended chats.
WRITTEN_WAITING = {"courriel": 2, "sms": 1}


def _put_back_when_taken(conversation_id: int, taken: dt.datetime) -> None:
    """Date the release to when the conversation was taken (the contacts demo spread it
    over the last two weeks): released « now », it would wait « 1 min » against
    deadlines of days ago. A bulk loader's write, like ``contacts_demo._backdate``."""
    Conversation.objects.filter(pk=conversation_id).update(queued_at=taken)
    last = (
        ConversationTransition.objects.filter(conversation_id=conversation_id)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if last is not None:
        ConversationTransition.objects.filter(pk=last).update(created_at=taken)


def _sort_out_of_triage(queue_id: int) -> None:
    """The triage done: emails and SMS waiting in the organisation's triage queue move to
    this queue (the hub's change of queue) until it has ``WRITTEN_WAITING`` of each
    channel it takes, oldest first."""
    from parvis.contacts.services.handoff import conversation_queue_change

    queue = Queue.objects.get(pk=queue_id)
    if queue.is_triage:
        return
    taken = set(queue.channels.values_list("slug", flat=True))
    for channel, wanted in WRITTEN_WAITING.items():
        if channel not in taken:
            continue
        waiting = Conversation.objects.filter(
            queue=queue, status=Status.QUEUED, assignee__isnull=True, channel_id=channel
        ).count()
        triaged = Conversation.objects.filter(
            queue__organisation_id=queue.organisation_id,
            queue__is_triage=True,
            status=Status.QUEUED,
            assignee__isnull=True,
            channel_id=channel,
        ).order_by("pk")
        for conversation in triaged[: max(0, wanted - waiting)]:
            conversation_queue_change(conversation=conversation, principal=None, queue=queue)


def demo_desk_seed() -> int:
    """Templates for the CAF and the CPAM; a few waiting conversations per queue with
    members (conversations the contacts demo assigned, put back). Returns how many
    conversations wait in queues that have members."""
    for slug in ("caf", "assurance-maladie"):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        for values in TEMPLATES:
            AnswerTemplate.objects.get_or_create(
                organisation=organisation,
                local_service=None,
                title=values["title"],
                defaults={k: v for k, v in values.items() if k != "title"},
            )
    # Whoever takes from an organisation's queues also triages its contacts: what the
    # engine could not qualify waits in the triage queue.
    for member in QueueMember.objects.filter(queue__is_triage=False).select_related("queue"):
        triage = Queue.objects.filter(
            organisation_id=member.queue.organisation_id, is_triage=True
        ).first()
        if triage is not None:
            QueueMember.objects.get_or_create(queue=triage, user_id=member.user_id)
    queue_ids = set(QueueMember.objects.values_list("queue_id", flat=True))
    from parvis.contacts.services.handoff import conversation_callback_request
    from parvis.contacts.services.lifecycle import conversation_release

    for queue_id in sorted(queue_ids):
        _sort_out_of_triage(queue_id)
    for queue_id in sorted(queue_ids):
        waiting = Conversation.objects.filter(queue_id=queue_id, status=Status.QUEUED).count()
        held = Conversation.objects.filter(
            queue_id=queue_id, status=Status.ASSIGNED, assignee__isnull=False
        ).select_related("assignee")
        for index, conversation in enumerate(
            held.order_by("pk")[: max(0, WAITING_PER_QUEUE - waiting)]
        ):
            assert conversation.assignee is not None
            if conversation.channel_id in LIVE_CHANNELS:
                # A chat or a call put back waits on the line: it arrived minutes ago.
                arrived = timezone.now() - dt.timedelta(minutes=4 + 9 * index)
                shift_conversation(conversation.pk, conversation.created_at - arrived)
                conversation.refresh_from_db()
            taken = conversation.assigned_at or conversation.created_at
            conversation_release(conversation=conversation, principal=conversation.assignee)
            _put_back_when_taken(conversation.pk, taken)
        phoned = Conversation.objects.filter(
            queue_id=queue_id, status=Status.QUEUED, callback_requested=True
        ).exists()
        first = (
            Conversation.objects.filter(
                queue_id=queue_id, status=Status.QUEUED, channel_id="telephone"
            )
            .order_by("pk")
            .first()
        )
        if first is not None and not phoned:
            # Queued already: no move is made, so no one acts.
            conversation_callback_request(conversation=first, principal=None)
    return Conversation.objects.filter(queue_id__in=queue_ids, status=Status.QUEUED).count()
