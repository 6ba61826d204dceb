"""Emails to the proposer: acknowledgement, then each public step of their request.

Templates: ``templates/simplification/emails/status_change{_subject,}.txt``; the opening
sentence of each status stays here, keyed by the status itself.
"""

from __future__ import annotations

from django.urls import reverse

from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.core.http import absolute_url
from parvis.messaging.services import message_send_now
from parvis.simplification.models import DeclineReason, Status, StatusChange

_INTRO: dict[str, str] = {
    Status.SUBMITTED: "Nous avons bien reçu votre demande de simplification. Elle sera publiée "
    "après relecture : les données personnelles sont retirées avant toute publication.",
    Status.REJECTED: "Après relecture, votre demande n’a pas pu être publiée.",
    Status.RECEIVED: "Votre demande est publiée : chacun peut désormais la lire et la soutenir.",
    Status.UNDER_STUDY: "L’organisme étudie votre demande.",
    Status.ACCEPTED: "L’organisme a accepté votre demande de simplification.",
    Status.DONE: "La simplification que vous avez demandée est réalisée.",
    Status.DECLINED: "L’organisme n’a pas retenu votre demande.",
}


def _recipient(change: StatusChange) -> str:
    request = change.request
    if request.proposer_email_encrypted:
        try:
            return decrypt_text(request.proposer_email_encrypted)
        except DecryptionError:
            return ""
    if request.proposer_user is not None and request.proposer_user.is_active:
        return request.proposer_user.email
    return ""


def notify_proposer(*, change: StatusChange) -> bool:
    """Email the proposer about ``change``; ``False`` when there is nobody to tell.

    Sent in the worker (``tasks.notify_proposer`` carries the change id only); the
    idempotency key makes a retried task send each step once.
    """
    recipient = _recipient(change)
    if not recipient:
        return False
    request = change.request
    context = {
        "request": request,
        "status_label": Status(change.to_status).label,
        "intro": _INTRO.get(change.to_status, ""),
        "public_comment": change.public_comment,
        "declined": change.to_status == Status.DECLINED,
        "decline_reason": (
            DeclineReason(request.decline_reason).label
            if change.to_status == Status.DECLINED
            else ""
        ),
        "follow_url": (
            absolute_url(reverse("simplification:detail", args=[request.reference]))
            if request.is_public
            else ""
        ),
    }
    message_send_now(
        template="simplification/emails/status_change",
        to=recipient,
        context=context,
        owner=change,
        idempotency_key=f"simplification.status_change:{change.pk}",
    )
    return True
