"""Notifications to the author (called by tasks): the private link, the published
answer, the rejection; the address is forgotten once it has served.
"""

from __future__ import annotations

from django.utils import timezone

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


def experience_notify_rejection(*, experience: Experience) -> bool:
    from parvis.voice import notifications

    email = author_email_of(experience)
    if experience.status != S.REJECTED or not email:
        return False
    notifications.send_rejection(email=email, experience=experience)
    experience_purge_contact(experience=experience)
    return True
