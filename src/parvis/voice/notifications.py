"""Emails of voice: the author's private link, publication and answer, reminders to
services.

Plain-text emails (subject and body templates in ``templates/voice/emails/``) sent
through ``parvis.messaging``, synchronously: the tasks that call them carry only ids
and the private link's secret encrypted, never an address. Bodies never contain the
original citizen text: only the masked, moderated words that are public anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.urls import NoReverseMatch, reverse

from parvis.core.http import absolute_url
from parvis.messaging.services import message_send_now
from parvis.voice.models import Experience, PublicAnswer


def private_link(token: str) -> str:
    return absolute_url(reverse("voice:follow", kwargs={"token": token}))


def public_link(experience: Experience) -> str:
    try:
        return absolute_url(
            reverse("publication:experience_detail", kwargs={"uuid": experience.uuid})
        )
    except NoReverseMatch:  # publication not installed: the site's home page
        return absolute_url("/")


def _send(
    *,
    template: str,
    context: dict[str, object],
    to: str,
    owner: models.Model | None = None,
    key: str = "",
) -> None:
    message_send_now(
        template=f"voice/emails/{template}",
        to=to,
        context=context,
        owner=owner,
        idempotency_key=key,
    )


def send_private_link(*, email: str, experience: Experience, token: str) -> None:
    _send(
        template="private_link",
        context={"experience": experience, "link": private_link(token)},
        to=email,
        owner=experience,
        key=f"voice.private_link:{experience.pk}",
    )


def send_publication(*, email: str, experience: Experience, token: str) -> None:
    from parvis.voice.selectors import answer_targets

    _send(
        template="published",
        context={
            "experience": experience,
            "service": experience.local_service or experience.organisation,
            "public_link": public_link(experience),
            "follow_link": private_link(token),
            "answer_days": answer_targets(experience.organisation)[0],
        },
        to=email,
        owner=experience,
        key=f"voice.published:{experience.pk}",
    )


def send_answer(*, email: str, answer: PublicAnswer) -> None:
    experience = answer.experience
    _send(
        template="answer",
        context={
            "experience": experience,
            "answer": answer,
            "signature": answer.signed_by_service or answer.signed_by_organisation,
            "link": public_link(experience),
        },
        to=email,
        owner=answer,
        key=f"voice.answer:{answer.pk}",
    )


def send_rejection(*, email: str, experience: Experience) -> None:
    _send(
        template="rejection",
        context={
            "experience": experience,
            "reason": experience.get_rejection_reason_display(),
            "charter_url": absolute_url(reverse("portal:charter")),
        },
        to=email,
        owner=experience,
        key=f"voice.rejection:{experience.pk}",
    )


def send_answer_reminder(
    *, email: str, experiences: Sequence[Experience], escalation: bool
) -> None:
    links = [
        (
            experience,
            absolute_url(
                reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid})
            ),
        )
        for experience in experiences
    ]
    _send(
        template="answer_reminder",
        context={
            "links": links,
            "escalation": escalation,
            "overdue_url": absolute_url(reverse("voice_backoffice:overdue")),
        },
        to=email,
    )
