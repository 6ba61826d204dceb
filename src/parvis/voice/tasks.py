"""Celery tasks of voice: load by id, call one service, retry on transient errors."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from parvis.core.crypto import decrypt_text
from parvis.voice import services
from parvis.voice.models import Experience, PublicAnswer

_MAIL_RETRY = {"autoretry_for": (SMTPException, OSError), "retry_backoff": 30, "max_retries": 5}
_DB_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "max_retries": 3}


@shared_task(name="parvis.voice.tasks.process_experience", **_DB_RETRY)
def process_experience(experience_id: int) -> int:
    """Mask and qualify a new or corrected experience (with others waiting, in one pass
    of the engine), then queue them for moderation. How many were analysed."""
    return len(services.experiences_analyse_batch(first_id=experience_id))


@shared_task(name="parvis.voice.tasks.mask_answer", **_DB_RETRY)
def mask_answer(answer_id: int) -> bool:
    answer = PublicAnswer.objects.filter(pk=answer_id).first()
    if answer is None:
        return False
    return services.answer_mask(answer=answer).masked_at is not None


@shared_task(name="parvis.voice.tasks.send_private_link", **_MAIL_RETRY)
def send_private_link(experience_id: int, encrypted_token: str) -> bool:
    """Email the private link; its secret travels encrypted through the broker."""
    experience = Experience.objects.select_related("organisation").filter(pk=experience_id).first()
    if experience is None:
        return False
    return services.experience_send_private_link(
        experience=experience, token=decrypt_text(encrypted_token)
    )


@shared_task(name="parvis.voice.tasks.notify_answer", **_MAIL_RETRY)
def notify_answer(answer_id: int) -> bool:
    answer = (
        PublicAnswer.objects.select_related(
            "experience__organisation", "signed_by_service", "signed_by_organisation"
        )
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        return False
    return services.answer_notify_author(answer=answer)


@shared_task(name="parvis.voice.tasks.notify_publication", **_MAIL_RETRY)
def notify_publication(experience_id: int) -> bool:
    """Email the author that their experience is published (the address is decrypted
    here, in the sending task, never carried by the broker)."""
    experience = (
        Experience.objects.select_related("organisation", "local_service")
        .filter(pk=experience_id)
        .first()
    )
    if experience is None:
        return False
    return services.experience_notify_publication(experience=experience)


@shared_task(name="parvis.voice.tasks.notify_rejection", **_MAIL_RETRY)
def notify_rejection(experience_id: int) -> bool:
    experience = Experience.objects.filter(pk=experience_id).first()
    if experience is None:
        return False
    return services.experience_notify_rejection(experience=experience)


@shared_task(name="parvis.voice.tasks.requeue_pending")
def requeue_pending() -> dict[str, int]:
    """Every few minutes: nothing stays waiting for an analysis whose message was lost."""
    return services.pending_analyses_requeue()


@shared_task(name="parvis.voice.tasks.purge_originals")
def purge_originals() -> int:
    """Daily: erase originals and contacts past their retention delay."""
    return services.experiences_purge_due()


@shared_task(name="parvis.voice.tasks.follow_up_answers")
def follow_up_answers() -> dict[str, int]:
    """Daily: remind services, then alert organisation admins, of unanswered experiences."""
    return services.experiences_follow_up_answers()
