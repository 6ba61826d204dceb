"""Reads of the contact hub for the quality indicators: plain rows of conversations and
post-contact answers within a window of moments, with the places that handled them.

These are system reads for aggregated statistics (``quality.facts``), not scoped to a
person: they carry ids and moments only, never a name, an address or a text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef

from parvis.contacts.models import (
    Conversation,
    ConversationTransition,
    Outcome,
    SurveyAnswer,
    SurveyInvitation,
    SurveyStatus,
)

# A contact resolved « by an answer » (the census resolution indicator).
ANSWER_OUTCOMES = (Outcome.ANSWERED, Outcome.ANSWERED_END_TO_END)
# Reopened within this many days of its resolution: not resolved at the first contact.
REOPEN_WINDOW_DAYS = 7

_PLACE_FIELDS = (
    "organisation_id",
    "queue_id",
    "channel_id",
    "motif_id",
    "site_id",
    "site__kind",
    "site__local_service_id",
    "site__commune__departement_id",
    "queue__site_id",
    "queue__site__kind",
    "queue__site__local_service_id",
    "queue__site__commune__departement_id",
    "queue__local_service_id",
    "queue__local_service__main_departement_id",
    "queue__departement_id",
)


def conversations_entered(start: dt.datetime, end: dt.datetime) -> Iterator[dict[str, Any]]:
    """Conversations that entered a queue in ``[start, end)``: their places, the moment
    they entered, of their first agent answer (automatic acknowledgements never set it),
    of their resolution and their outcome."""
    return (
        Conversation.objects.filter(queued_at__gte=start, queued_at__lt=end)
        .values(*_PLACE_FIELDS, "queued_at", "first_answered_at", "resolved_at", "outcome")
        .order_by()
        .iterator(chunk_size=5000)
    )


def conversations_resolved(start: dt.datetime, end: dt.datetime) -> Iterator[dict[str, Any]]:
    """Conversations resolved in ``[start, end)`` (counter visits included), with their
    announced deadline and whether they were reopened within ``REOPEN_WINDOW_DAYS``."""
    reopened = ConversationTransition.objects.filter(
        conversation=OuterRef("pk"),
        move="reopen",
        created_at__lte=OuterRef("resolved_at") + dt.timedelta(days=REOPEN_WINDOW_DAYS),
    )
    return (
        Conversation.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .annotate(reopened=Exists(reopened))
        .values(*_PLACE_FIELDS, "resolved_at", "announced_deadline", "outcome", "reopened")
        .order_by()
        .iterator(chunk_size=5000)
    )


def survey_invitations(start: dt.datetime, end: dt.datetime) -> Iterator[dict[str, Any]]:
    """Post-contact questionnaires of contacts resolved in ``[start, end)``: the snapshot
    of the contact's places, whether they were sent and answered, and the answers by
    question code (``satisfaction``, ``effort``, ``resolved``)."""
    invitations = (
        SurveyInvitation.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .exclude(status__in=[SurveyStatus.QUEUED, SurveyStatus.FAILED])
        .values("pk", *_PLACE_FIELDS, "resolved_at", "answered_at")
        .order_by("pk")
    )
    rows: dict[int, dict[str, Any]] = {row["pk"]: {**row, "answers": {}} for row in invitations}
    answers = SurveyAnswer.objects.filter(
        invitation__resolved_at__gte=start, invitation__resolved_at__lt=end
    ).values_list("invitation_id", "question", "value")
    for invitation_id, question, value in answers.iterator(chunk_size=5000):
        if invitation_id in rows:
            rows[invitation_id]["answers"][question] = value
    return iter(rows.values())
