"""Priority inputs a person sets on a conversation: an agent confirms (or withdraws) an
urgency or a vulnerability the language engine proposed or the citizen declared.

Routing computes the score from them (``routing.services.entries.bonus_of``): a
vulnerability bonus applies only once declared by the citizen or confirmed by an agent,
never on the engine's proposal alone. Only a reason code is stored (a closed list, never
a free text), and it is purged with the conversation's texts. Each change is audited and
announced (``conversation_changed``), so routing recomputes the contact's place.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parvis.accounts.services import audit_record
from parvis.contacts import events
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation
from parvis.contacts.services.lifecycle import ensure_visible

VULNERABILITY_REASONS = {
    "disability": _("handicap"),
    "old_age": _("grand âge"),
    "health": _("état de santé"),
    "digital_exclusion": _("difficulté avec le numérique"),
    "language": _("difficulté avec la langue française"),
    "precarity": _("grande précarité"),
    "violence": _("violences subies"),
    "other": _("autre fragilité"),
}
SOURCES = ("declared", "confirmed")


@transaction.atomic
def conversation_priority_inputs_set(
    *,
    conversation: Conversation,
    principal: Any,
    urgency: bool | None = None,
    vulnerability_reason: str | None = None,
    source: str = "confirmed",
) -> Conversation:
    """Confirm (``True``) or withdraw (``False``) the urgency; set the vulnerability's
    reason code (``""`` withdraws it). ``source``: ``confirmed`` by an agent, or
    ``declared`` when the agent records what the citizen said."""
    ensure_visible(principal, conversation)
    if source not in SOURCES:
        raise ContactError("unknown_source", "Origine de la fragilité inconnue.", "source")
    if vulnerability_reason and vulnerability_reason not in VULNERABILITY_REASONS:
        raise ContactError(
            "unknown_vulnerability_reason",
            "Choisissez un motif de fragilité dans la liste.",
            "vulnerability_reason",
        )
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    changed: dict[str, Any] = {}
    if urgency is not None and urgency != conversation.urgency_confirmed:
        conversation.urgency_confirmed = urgency
        changed["urgency"] = urgency
    if vulnerability_reason is not None:
        new_source = source if vulnerability_reason else ""
        if (vulnerability_reason, new_source) != (
            conversation.vulnerability_reason,
            conversation.vulnerability_source,
        ):
            conversation.vulnerability_reason = vulnerability_reason
            conversation.vulnerability_source = new_source
            changed["vulnerability"] = vulnerability_reason or "withdrawn"
    if not changed:
        return conversation
    conversation.save(
        update_fields=["urgency_confirmed", "vulnerability_reason", "vulnerability_source"]
    )
    audit_record(
        actor=principal,
        action="conversation.priority_inputs",
        target=conversation,
        data={"reference": conversation.reference, **changed},
        organisation=conversation.organisation,
    )
    events.conversation_changed.send_on_commit(conversation.pk)
    return conversation
