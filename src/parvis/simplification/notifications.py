"""Emails to the proposer: acknowledgement, then each public step of their request."""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse

from parvis.core.crypto import DecryptionError, decrypt_text
from parvis.core.http import absolute_url
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
    """Email the proposer about ``change``; ``False`` when there is nobody to tell."""
    recipient = _recipient(change)
    if not recipient:
        return False
    request = change.request
    lines = ["Bonjour,", "", _INTRO.get(change.to_status, ""), ""]
    lines.append(f"Référence : {request.reference}")
    lines.append(f"Organisme : {request.organisation.name}")
    if change.public_comment:
        lines += ["", f"Commentaire de l’organisme : {change.public_comment}"]
    if change.to_status == Status.DECLINED:
        lines += [
            "",
            f"Raison : {DeclineReason(request.decline_reason).label}",
            request.decline_explanation,
        ]
    if request.is_public:
        url = absolute_url(reverse("simplification:detail", args=[request.reference]))
        lines += ["", f"Suivre la demande : {url}"]
    lines += ["", "Ce message est envoyé automatiquement ; merci de ne pas y répondre."]
    send_mail(
        subject=f"Demande de simplification {request.reference} : "
        f"{Status(change.to_status).label.lower()}",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[recipient],
    )
    return True
