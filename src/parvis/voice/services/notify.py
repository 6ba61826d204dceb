"""Notifications to the author (called by tasks): the private link, the publication,
the published answer, the rejection; the address is forgotten once it has served.
"""

from __future__ import annotations

import secrets

from django.utils import timezone

from parvis.voice.digests import private_token_digest
from parvis.voice.models import AnswerStatus, Experience, PublicAnswer
from parvis.voice.selectors import author_email_of
from parvis.voice.services._common import S
from parvis.voice.services.privacy import experience_purge_contact


def experience_send_private_link(*, experience: Experience, token: str) -> bool:
    from parvis.voice import notifications

    email = author_email_of(experience)
    if not email or experience.status == S.WITHDRAWN:
        return False
    notifications.send_private_link(email=email, experience=experience, token=token)
    return True


def answer_notify_author(*, answer: PublicAnswer) -> bool:
    """Email the published answer to the author, then forget their address."""
    from parvis.voice import notifications

    experience = answer.experience
    email = author_email_of(experience)
    if answer.status != AnswerStatus.PUBLISHED or not email or answer.author_notified_at:
        return False
    notifications.send_answer(email=email, answer=answer)
    PublicAnswer.objects.filter(pk=answer.pk).update(author_notified_at=timezone.now())
    experience_purge_contact(experience=experience)
    return True


def experience_notify_publication(*, experience: Experience) -> bool:
    """Tell the author their experience is published (they asked for it when sharing),
    with its public page and a private follow-up link. The first link's secret is never
    kept, so a second link is made here: only its digest is stored, and storing it first
    (once) makes this idempotent. The address is kept: the answer is announced too."""
    from parvis.voice import notifications

    if (
        experience.status != S.PUBLISHED
        or not experience.notify_author_on_publication
        or experience.publication_link_digest
    ):
        return False
    email = author_email_of(experience)
    if not email:
        return False
    token = secrets.token_urlsafe(32)
    digest = private_token_digest(token)
    claimed = Experience.objects.filter(
        pk=experience.pk, publication_link_digest__isnull=True
    ).update(publication_link_digest=digest)
    if not claimed:  # another worker told them already
        return False
    try:
        notifications.send_publication(email=email, experience=experience, token=token)
    except Exception:
        # Not sent: the link goes with it, and the task's retry makes a new one.
        Experience.objects.filter(pk=experience.pk, publication_link_digest=digest).update(
            publication_link_digest=None
        )
        raise
    experience.publication_link_digest = digest
    return True


def experience_notify_rejection(*, experience: Experience) -> bool:
    from parvis.voice import notifications

    email = author_email_of(experience)
    if experience.status != S.REJECTED or not email:
        return False
    notifications.send_rejection(email=email, experience=experience)
    experience_purge_contact(experience=experience)
    return True
