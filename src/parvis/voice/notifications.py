"""Emails of voice: the author's private link and answer, reminders to services.

Plain-text emails rendered from templates, sent through Django's configured backend
(SMTP in production). Bodies never contain the original citizen text: only the masked,
moderated words that are public anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from parvis.core.http import absolute_url
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


def _send(*, subject: str, template: str, context: dict[str, object], to: Sequence[str]) -> None:
    body = render_to_string(f"voice/emails/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(to), fail_silently=False)


def send_private_link(*, email: str, experience: Experience, token: str) -> None:
    _send(
        subject="Votre expérience a bien été reçue",
        template="private_link",
        context={"experience": experience, "link": private_link(token)},
        to=[email],
    )


def send_answer(*, email: str, answer: PublicAnswer) -> None:
    experience = answer.experience
    _send(
        subject="Le service a répondu à votre expérience",
        template="answer",
        context={
            "experience": experience,
            "answer": answer,
            "signature": answer.signed_by_service or answer.signed_by_organisation,
            "link": public_link(experience),
        },
        to=[email],
    )


def send_rejection(*, email: str, experience: Experience) -> None:
    _send(
        subject="Votre expérience n’a pas été publiée",
        template="rejection",
        context={
            "experience": experience,
            "reason": experience.get_rejection_reason_display(),
            "charter_url": absolute_url(reverse("portal:charter")),
        },
        to=[email],
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
    subject = (
        "Expériences sans réponse au-delà du délai : alerte"
        if escalation
        else "Rappel : des expériences attendent votre réponse"
    )
    _send(
        subject=subject,
        template="answer_reminder",
        context={
            "links": links,
            "escalation": escalation,
            "overdue_url": absolute_url(reverse("voice_backoffice:overdue")),
        },
        to=[email],
    )
