"""Personal data: erasure of originals and contacts when they are no longer needed
(withdrawal, retention delays, the daily purge).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.voice.models import AnswerStatus, Experience, PublicAnswer
from parvis.voice.services._common import S, logger


def retention_days() -> int:
    return settings.VOICE_ORIGINAL_RETENTION_DAYS


def contact_retention_days() -> int:
    return settings.VOICE_CONTACT_RETENTION_DAYS


def _erase_personal_data(experience: Experience, *, now: dt.datetime, masked_too: bool) -> None:
    """Erase the originals. ``masked_too`` (withdrawal) also erases the public words, the
    contact and the service's answer draft. Otherwise a published experience still waiting
    for its answer keeps its author's email: the author asked to be told of the answer
    (see ``experiences_purge_due`` for its own limit)."""
    experience.original_title_encrypted = ""
    experience.original_text_encrypted = ""
    experience.original_purged_at = experience.original_purged_at or now
    experience.original_purge_due_at = None
    if masked_too or experience.status != S.PUBLISHED:
        experience.author_email_encrypted = ""
        experience.author_email_digest = ""
        experience.contact_purged_at = experience.contact_purged_at or now
    if masked_too:
        experience.masked_title = ""
        experience.masked_text = ""
        experience.entities = []
        PublicAnswer.objects.filter(experience=experience).update(original_text_encrypted="")


@transaction.atomic
def experience_purge_contact(*, experience: Experience) -> None:
    """Erase the author's email once it is no longer needed."""
    if not experience.author_email_encrypted and experience.contact_purged_at:
        return
    Experience.objects.filter(pk=experience.pk).update(
        author_email_encrypted="", contact_purged_at=timezone.now()
    )
    experience.author_email_encrypted = ""
    audit_record(actor=None, action="experience.contact_purged", target=experience)


def experiences_purge_due(*, now: dt.datetime | None = None) -> int:
    """Erase originals (and what remains of contacts) whose retention has expired."""
    now = now or timezone.now()
    due = Experience.objects.filter(
        original_purge_due_at__lte=now, original_purged_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due.iterator()):
        with transaction.atomic():
            experience = Experience.objects.select_for_update().get(pk=pk)
            _erase_personal_data(experience, now=now, masked_too=False)
            experience.save()
            audit_record(actor=None, action="experience.original_purged", target=experience)
            count += 1
    # Contacts no longer needed: the experience ended without an answer to send, or its
    # answer has not come within the contact retention.
    contact_cutoff = now - dt.timedelta(days=contact_retention_days())
    unneeded = (
        Experience.objects.filter(contact_purged_at__isnull=True)
        .filter(
            Q(status__in=[S.REJECTED, S.WITHDRAWN, S.ARCHIVED])
            | Q(status=S.PUBLISHED, published_at__lte=contact_cutoff)
        )
        .exclude(author_email_encrypted="")
    )
    for experience in unneeded:
        experience_purge_contact(experience=experience)
    answers = answers_purge_due(now=now)
    logger.info("voice_purge_done", originals=count, answers=answers)
    return count


def answers_purge_due(*, now: dt.datetime) -> int:
    """Erase the original of each answer the retention delay after it was published or
    sent back (drafts and answers in moderation keep it: the service or the moderator
    still works on it). The masked text, which is the public one, stays."""
    cutoff = now - dt.timedelta(days=retention_days())
    due = PublicAnswer.objects.exclude(original_text_encrypted="").filter(
        Q(status=AnswerStatus.PUBLISHED, published_at__lte=cutoff)
        | Q(status=AnswerStatus.REJECTED, updated_at__lte=cutoff)
    )
    return due.update(original_text_encrypted="")
