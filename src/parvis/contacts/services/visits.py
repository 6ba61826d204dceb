"""Counter visits: an agent records, in a few keystrokes, a visit already over.

A visit is a conversation of channel ``guichet`` created resolved (the ``record_visit``
move of the lifecycle: CREATION → resolved) at the agent's site, with its motif, outcome
and time spent; who came, the documents seen and the agent's note are an internal note.
A visit that follows a prior contact links to that conversation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from parvis.accounts.scoping import Perm, has_permission
from parvis.accounts.services import audit_record
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    OUTCOME_TABLE_VERSION,
    Conversation,
    ConversationTransition,
    Direction,
    Message,
    Outcome,
    Status,
)
from parvis.core.crypto import encrypt_text
from parvis.core.services import next_reference
from parvis.core.text import clean_text
from parvis.directory.models import Motif, Site

COUNTER = "guichet"
MAX_MINUTES = 8 * 60


def _organisation_of(site: Site) -> Any:
    if site.organisation_id:
        return site.organisation
    if site.local_service_id:
        return site.local_service.organisation  # type: ignore[union-attr]
    raise ContactError("site_without_organisation", "Ce lieu d’accueil n’a pas d’organisme.")


@transaction.atomic
def visit_record(
    *,
    principal: Any,
    site: Site,
    motif: Motif | None,
    outcome: str,
    minutes: int,
    documents: Iterable[str] = (),
    conversation: Conversation | None = None,
    note: str = "",
    visitor: str = "",
) -> Conversation:
    """Record a counter visit at ``site`` (resolved at once); the new conversation."""
    if not has_permission(principal, Perm.VIEW, site):
        raise ContactError("out_of_scope", "Ce lieu d’accueil n’est pas de votre ressort.", "site")
    organisation = _organisation_of(site)
    if motif is not None and motif.organisation_id != organisation.pk:
        raise ContactError(
            "motif_of_another_organisation", "Ce motif n’est pas celui de l’organisme.", "motif"
        )
    if outcome not in Outcome.values:
        raise ContactError("unknown_outcome", "Choisissez l’issue de la visite.", "outcome")
    if not 1 <= minutes <= MAX_MINUTES:
        raise ContactError(
            "minutes_out_of_range",
            f"Le temps passé doit être compris entre 1 et {MAX_MINUTES} minutes.",
            "minutes",
        )
    if conversation is not None and not has_permission(principal, Perm.VIEW, conversation):
        raise ContactError("out_of_scope", "Cette conversation n’est pas de votre ressort.")
    now = timezone.now()
    visit = Conversation(
        organisation=organisation,
        site=site,
        channel_id=COUNTER,
        motif=motif,
        citizen=conversation.citizen if conversation else None,
        contact_point=conversation.contact_point if conversation else None,
        linked_conversation=conversation,
        reference=next_reference("CONV", timezone.localdate(now).year),
        subject=motif.label[:300] if motif else "Visite au guichet",
        status=Status.RESOLVED,
        assignee=principal,
        outcome=outcome,
        outcome_version=OUTCOME_TABLE_VERSION,
        created_at=now - dt.timedelta(minutes=minutes),
        assigned_at=now - dt.timedelta(minutes=minutes),
        first_answered_at=now - dt.timedelta(minutes=minutes),
        resolved_at=now,
        last_message_at=now,
        handling_seconds=minutes * 60,
    )
    visit.full_clean(exclude=["queue", "citizen", "contact_point", "linked_conversation"])
    visit.save()
    ConversationTransition.objects.create(
        conversation=visit,
        from_status="",
        to_status=Status.RESOLVED,
        move="record_visit",
        actor=principal,
        actor_label="agent au guichet",
        reason_code=outcome,
        created_at=now,
    )
    lines = []
    if visitor := clean_text(visitor):
        lines.append(f"Usager : {visitor}")
    if seen := [clean_text(d) for d in documents if clean_text(d)]:
        lines.append("Documents vus : " + ", ".join(seen))
    if note := clean_text(note):
        lines.append(note)
    if lines:
        Message.objects.create(
            conversation=visit,
            direction=Direction.NOTE,
            channel_id=COUNTER,
            author=principal,
            body_encrypted=encrypt_text("\n".join(lines)),
            created_at=now,
        )
    audit_record(
        actor=principal,
        action="contacts.visit_recorded",
        target=visit,
        data={"site": site.pk, "outcome": outcome, "minutes": minutes},
        organisation=organisation,
    )
    return visit
