"""A counter visit, recorded by the agent once done, in a few keystrokes.

``visit_record`` creates a conversation of the « guichet » channel at the counter's site,
resolved at once by the ``record_visit`` move (who, motif, outcome, time spent, documents
seen). At a France Services site the motif may be a partner organisation's (the CAF's,
the CPAM's…): the conversation still belongs to the site's operator, partners never reach
a France Services site's conversations, and the motif tells whom the visit was about.
Given a prior conversation still open (the citizen wrote, then came), the visit
resolves that one instead; a prior conversation already ended is linked to the new visit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from parvis.accounts.scoping import Perm, has_permission, visible_to
from parvis.contacts import events
from parvis.contacts.errors import ContactError
from parvis.contacts.models import (
    CitizenRecord,
    Conversation,
    Direction,
    Message,
    Outcome,
    outcomes_for_channel,
)
from parvis.contacts.selectors import visit_organisations_of
from parvis.contacts.services.lifecycle import apply_move, ensure_visible
from parvis.core.crypto import encrypt_text
from parvis.core.services import next_reference
from parvis.core.workflow import person_of, user_of
from parvis.directory.models import Motif, Site

COUNTER = "guichet"
MAX_DOCUMENTS = 20
MAX_MINUTES = 8 * 60


def _check(*, principal: Any, site: Site, motif: Motif | None, outcome: str, minutes: int) -> None:
    person = person_of(principal)
    if person is None or not visible_to(person, Site.objects.filter(pk=site.pk)).exists():
        raise ContactError("not_found", "Lieu d’accueil introuvable.", status=404)
    if not has_permission(person, Perm.REPLY, site):
        raise ContactError("forbidden", "Action non permise.", status=403)
    if site.organisation_id is None:
        raise ContactError(
            "site_without_organisation",
            "Ce lieu d’accueil n’est rattaché à aucun organisme.",
            "site",
        )
    if (
        motif is not None
        and not visit_organisations_of(Site.objects.filter(pk=site.pk))
        .filter(pk=motif.organisation_id)
        .exists()
    ):
        raise ContactError(
            "motif_of_other_organisation",
            "Ce motif n’appartient ni à l’organisme du lieu d’accueil ni à l’un de ses "
            "organismes partenaires.",
            "motif",
        )
    if not 0 <= minutes <= MAX_MINUTES:
        raise ContactError(
            "minutes_out_of_range", "Indiquez une durée entre 0 et 480 minutes.", "minutes"
        )
    if outcome in Outcome.values and outcome not in outcomes_for_channel(COUNTER):
        raise ContactError(
            "outcome_not_for_channel",
            "Cette issue ne convient pas à une visite au guichet.",
            "outcome",
        )


def _note(conversation: Conversation, *, author: Any, note: str) -> None:
    if note.strip():
        Message.objects.create(
            conversation=conversation,
            direction=Direction.NOTE,
            channel_id=COUNTER,
            author=author,
            body_encrypted=encrypt_text(note.strip()),
        )


@transaction.atomic
def visit_record(
    *,
    principal: Any,
    site: Site,
    motif: Motif | None,
    outcome: str,
    minutes: int,
    documents: Sequence[str] = (),
    conversation: Conversation | None = None,
    note: str = "",
    citizen: CitizenRecord | None = None,
    display_name: str = "",
) -> Conversation:
    """Record a counter visit (``minutes`` spent → ``handling_seconds``; ``documents``
    seen, a short list of labels, kept in the qualification). ``citizen`` (a record of the
    site's organisation) or ``display_name`` say who came, when known."""
    _check(principal=principal, site=site, motif=motif, outcome=outcome, minutes=minutes)
    organisation_id = site.organisation_id
    assert organisation_id is not None  # checked above
    now = timezone.now()
    agent = user_of(principal)
    visit = {
        "documents": [str(d).strip()[:100] for d in documents if str(d).strip()][:MAX_DOCUMENTS],
    }
    if citizen is not None and citizen.organisation_id != site.organisation_id:
        raise ContactError("not_found", "Fiche usager introuvable.", "citizen", status=404)
    if citizen is None and display_name.strip():
        citizen = CitizenRecord.objects.create(
            organisation_id=organisation_id,
            display_name=display_name.strip()[:200],
            preferred_channel_id=COUNTER,
            last_contact_at=now,
        )

    if conversation is not None:
        ensure_visible(principal, conversation)
        conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
        if conversation.is_open:
            conversation.site = site
            if motif is not None:
                conversation.motif = motif
            conversation.handling_seconds = (conversation.handling_seconds or 0) + minutes * 60
            conversation.qualification = {**(conversation.qualification or {}), "visit": visit}
            if conversation.assignee_id is None:
                conversation.assignee = agent
            if citizen is not None and conversation.citizen_id is None:
                conversation.citizen = citizen
            apply_move(
                conversation,
                principal=principal,
                move="resolve",
                inputs={"outcome": outcome},
                now=now,
            )
            _note(conversation, author=agent, note=note)
            return conversation

    visit_conversation = Conversation(
        organisation_id=organisation_id,
        site=site,
        channel_id=COUNTER,
        motif=motif,
        citizen=citizen,
        assignee=agent,
        reference=next_reference("CONV", timezone.localdate(now).year),
        qualification={"visit": visit},
        handling_seconds=minutes * 60,
        linked_conversation=conversation,
        created_at=now,
        assigned_at=now,
        last_message_at=now,
    )
    apply_move(
        visit_conversation,
        principal=principal,
        move="record_visit",
        inputs={"outcome": outcome},
        now=now,
    )
    events.conversation_created.send_on_commit(visit_conversation.pk)
    _note(visit_conversation, author=agent, note=note)
    return visit_conversation
