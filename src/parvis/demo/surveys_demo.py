"""Demo post-contact questions: answered surveys after the demo's resolved conversations,
so the quality indicators (issue 16) have answers to show from the first ``make run``.

A bulk loader, like ``voice_demo._backdate``: invitations are written as the service
would have written them once sent (no SMS or email leaves during the seed), then the
answers go through ``services.surveys.survey_answer_record``. Deterministic (its own
seeded random), and idempotent: a conversation already asked is left alone, and only a
conversation whose citizen can be reached (a record, a number or address, a chat session)
is asked. The quality history (``quality_demo``) reaches nobody and brings its own
questionnaires: a rerun must not ask its contacts a second time.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db.models import Q

from parvis.contacts import surveys
from parvis.contacts.models import Conversation, Status, SurveyChannel, SurveyInvitation
from parvis.contacts.services.surveys import survey_answer_record

SEED = 2614
# How the questions reach the citizen of each channel in the demo.
VIA = {
    "chat": SurveyChannel.CHAT,
    "sms": SurveyChannel.SMS,
    "telephone": SurveyChannel.SMS,
    "guichet": SurveyChannel.SMS,
    "courriel": SurveyChannel.EMAIL,
}


def _answers(rng: random.Random) -> dict[str, int]:
    """Plausible answers: mostly satisfied, mostly easy, three in four resolved."""
    satisfaction = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 5, 6])[0]
    effort = rng.choices([1, 2, 3, 4, 5], weights=[6, 5, 2, 1, 1])[0]
    resolved = 1 if rng.random() < (0.85 if satisfaction >= 4 else 0.4) else 0
    return {"satisfaction": satisfaction, "effort": effort, "resolved": resolved}


def demo_surveys_seed() -> int:
    """Ask the citizens of the demo's resolved conversations (outcomes that allow it) and
    answer seven in ten; how many answered."""
    rng = random.Random(SEED)
    questionnaire = surveys.POST_CONTACT
    conversations = (
        Conversation.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED))
        .exclude(outcome__in=surveys.EXCLUDED_OUTCOMES)
        .exclude(survey_invitations__questionnaire=questionnaire.code)
        .filter(Q(citizen__isnull=False) | Q(contact_point__isnull=False) | ~Q(thread_key=""))
        .select_related("queue")
        .order_by("pk")
    )
    answered = 0
    for conversation in conversations:
        via = VIA.get(conversation.channel_id)
        if via is None:
            continue
        sent_at = conversation.resolved_at or conversation.created_at
        invitation = SurveyInvitation.objects.create(
            questionnaire=questionnaire.code,
            version=questionnaire.version,
            organisation_id=conversation.organisation_id,
            conversation=conversation,
            via=via,
            status="sent",
            citizen_id=conversation.citizen_id,
            channel_id=conversation.channel_id,
            site_id=conversation.site_id
            or (conversation.queue.site_id if conversation.queue else None),
            queue_id=conversation.queue_id,
            motif_id=conversation.motif_id,
            outcome=conversation.outcome,
            outcome_version=conversation.outcome_version,
            resolved_at=conversation.resolved_at,
            created_at=sent_at,
            sent_at=sent_at,
            expires_at=sent_at + dt.timedelta(days=settings.CONTACTS_SURVEY_LINK_DAYS),
        )
        if rng.random() < 0.7:
            survey_answer_record(
                invitation=invitation,
                answers=_answers(rng),
                now=sent_at + dt.timedelta(minutes=rng.randint(5, 600)),
            )
            answered += 1
    return answered
