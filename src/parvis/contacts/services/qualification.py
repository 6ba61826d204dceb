"""Qualification on arrival, masking, and agents' corrections kept as training examples.

The first message of a conversation is qualified by the language engine
(``language.engine.qualify``, with the channel's register hint): a motif of the
endpoint's organisation, a calibrated confidence, urgency and vulnerability *proposals*
(an agent confirms them). Below ``language.engine.low_confidence_threshold()`` the
conversation goes to its organisation's triage queue. An engine error never fails
ingestion: the conversation goes to triage.

Messages are masked (``language.engine.anonymise``) after commit, by a task: the masked
text is what search, training examples and logs may hold. An agent's requalification
stores a ``QualificationCorrection`` with the masked text only, purged after
``CONTACTS_CORRECTIONS_RETENTION_DAYS`` by the daily purge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.contacts import events
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    Conversation,
    Direction,
    Message,
    QualificationCorrection,
    Status,
)
from parvis.contacts.services.queues import motifs_of, queue_for_motif, queue_memo
from parvis.core.crypto import decrypt_text
from parvis.core.workflow import person_of, user_of
from parvis.directory.models import Motif, Organisation

logger = structlog.get_logger(__name__)


@dataclass
class Qualification:
    """What the engine proposes for a new conversation (``details`` is stored as the
    conversation's ``qualification``)."""

    motif: Motif | None = None
    confidence: float | None = None
    low_confidence: bool = True
    urgency: bool = False
    vulnerability: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def organisation_slug(organisation_id: int) -> str:
    return queue_memo.get(
        ("org-slug", organisation_id),
        lambda: Organisation.objects.values_list("slug", flat=True).get(pk=organisation_id),
    )


def qualify_text(*, organisation_id: int, text: str, register: str = "") -> Qualification:
    """The engine's proposal for a first message; never raises (an error → triage)."""
    if not text.strip():
        return Qualification(details={"skipped": "empty"})
    from parvis.language import engine

    try:
        result = engine.qualify(text, register or None)
    except Exception as error:  # the engine must never stop ingestion
        logger.warning("contacts_qualification_failed", error=type(error).__name__)
        return Qualification(details={"error": type(error).__name__})
    confidence = float(result.get("confidence") or 0.0)
    proposed_org, proposed_motif = result.get("organisation"), result.get("motif")
    details: dict[str, Any] = {
        "organisation": proposed_org,
        "motif": proposed_motif,
        "confidence": confidence,
        "low_confidence": bool(result.get("low_confidence", True)),
        "alternatives": result.get("alternatives", [])[:3],
        "urgency": bool(result.get("urgency", {}).get("flag")),
        "vulnerability": bool(result.get("vulnerability", {}).get("flag")),
        "sensitive": bool(result.get("sensitive", {}).get("flag")),
        "tone": result.get("tone", ""),
        "themes": list(result.get("themes") or [])[:5],
    }
    motif = None
    if proposed_org and proposed_org != organisation_slug(organisation_id):
        # Written to the wrong organisation: the conversation stays with the endpoint's
        # (an agent orients it), the proposal is kept for them.
        details["other_organisation"] = True
    elif proposed_motif:
        motif = motifs_of(organisation_id).get(proposed_motif)
    low = details["low_confidence"] or motif is None
    return Qualification(
        motif=motif,
        confidence=confidence,
        low_confidence=low,
        urgency=details["urgency"],
        vulnerability=details["vulnerability"],
        details=details,
    )


# --- Masking --------------------------------------------------------------------------------


def mask_text(text: str) -> str:
    from parvis.language.engine import anonymise

    if not text.strip():
        return ""
    return anonymise(text)[0]


def message_mask(*, message_id: int) -> Message | None:
    """Store the masked text of a message (idempotent: once masked, left alone)."""
    message = Message.objects.filter(pk=message_id, body_masked="").first()
    if message is None or not message.body_encrypted:
        return message
    masked = mask_text(decrypt_text(message.body_encrypted))
    Message.objects.filter(pk=message.pk, body_masked="").update(body_masked=masked)
    message.body_masked = masked
    return message


def masked_text_of(conversation: Conversation) -> str:
    """The masked text of the conversation's first inbound message (masked now if the
    task has not run yet)."""
    message = (
        Message.objects.filter(conversation=conversation, direction=Direction.INBOUND)
        .order_by("created_at", "pk")
        .first()
    )
    if message is None:
        return ""
    if not message.body_masked:
        message = message_mask(message_id=message.pk) or message
    return message.body_masked


# --- Corrections ----------------------------------------------------------------------------


@transaction.atomic
def conversation_requalify(
    *, conversation: Conversation, principal: Any, motif: Motif
) -> QualificationCorrection | None:
    """An agent sets the motif. The correction is kept as a training example (masked
    text only), when there is a text to learn from (a call or a visit has none: the motif
    is set all the same). A conversation still waiting in the triage queue moves to the
    motif's queue, if any; its deadlines stay those stored at queueing."""
    from parvis.contacts.selectors import motifs_for_conversation
    from parvis.contacts.services.lifecycle import ensure_visible

    ensure_visible(principal, conversation)
    if (
        motif.organisation_id != conversation.organisation_id
        and not motifs_for_conversation(conversation).filter(pk=motif.pk).exists()
    ):
        raise ContactError(
            "motif_of_other_organisation",
            "Ce motif n’appartient ni à l’organisme de la conversation ni à l’un des "
            "organismes partenaires de son lieu France Services.",
            "motif",
        )
    details = dict(conversation.qualification or {})
    proposed = details.get("motif") or ""
    proposed_org = details.get("organisation") or ""
    correction = None
    if masked := masked_text_of(conversation):
        correction = QualificationCorrection(
            organisation_id=conversation.organisation_id,
            conversation=conversation,
            masked_text=masked,
            proposed_motif=f"{proposed_org}/{proposed}" if proposed else "",
            corrected_motif=motif,
            author=user_of(principal),
        )
        correction.full_clean()
        correction.save()
    previous_motif = conversation.motif_id
    conversation.motif = motif
    conversation.needs_triage = False
    details["corrected_motif"] = motif.slug
    conversation.qualification = details
    fields = ["motif", "needs_triage", "qualification"]
    if (
        conversation.queue is not None
        and conversation.queue.is_triage
        and conversation.status in (Status.NEW, Status.QUEUED)
    ):
        target = queue_for_motif(
            organisation_id=conversation.organisation_id,
            motif_id=motif.pk,
            channel=conversation.channel_id,
        )
        if target is not None:
            conversation.queue = target
            fields.append("queue")
    conversation.save(update_fields=fields)
    audit_record(
        actor=person_of(principal),
        action="conversation.requalified",
        target=conversation,
        data={
            "reference": conversation.reference,
            "from_motif": previous_motif,
            "to_motif": motif.pk,
            "queue": conversation.queue_id,
        },
    )
    events.conversation_changed.send_on_commit(conversation.pk)
    return correction


def qualification_corrections_purge(*, now: dt.datetime | None = None) -> int:
    """Delete corrections older than ``CONTACTS_CORRECTIONS_RETENTION_DAYS``; how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(
        days=settings.CONTACTS_CORRECTIONS_RETENTION_DAYS
    )
    return QualificationCorrection.objects.filter(created_at__lt=cutoff).delete()[0]
