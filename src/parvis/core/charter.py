"""The published moderation charter: one list of coded reasons for refusing to publish
what a citizen wrote, whatever the kind of contribution (an experience, a simplification
request, and the contact hub's public replies to come).

Codes are internal (English snake_case); the labels and the help texts are what authors
and the charter page read. The voice API publishes the codes as they are.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CharterReason(models.TextChoices):
    """Coded reasons of the published moderation charter."""

    INSULT = "insult", _("Propos injurieux ou diffamatoires")
    PERSONAL_DATA = "personal_data", _("Données personnelles impossibles à masquer")
    OFF_TOPIC = "off_topic", _("Hors sujet")
    DUPLICATE = "duplicate", _("Doublon")
    COMMERCIAL = "commercial", _("Contenu commercial ou publicitaire")
    OTHER = "other", _("Autre motif")


# What each coded reason covers, in plain French (the charter page).
CHARTER_REASON_HELP: dict[str, str] = {
    CharterReason.INSULT: "Insultes, menaces, propos discriminatoires ou mise en cause "
    "nominative d’un agent.",
    CharterReason.PERSONAL_DATA: "Le texte ne se comprend pas sans des informations qui "
    "permettraient de reconnaître quelqu’un, même après masquage.",
    CharterReason.OFF_TOPIC: "Le texte ne raconte pas une expérience avec un service public, "
    "ou la demande ne porte pas sur une démarche ou un formulaire.",
    CharterReason.DUPLICATE: "La même expérience ou la même demande a déjà été déposée ; "
    "la première est conservée.",
    CharterReason.COMMERCIAL: "Publicité, démarchage, liens vers un site marchand.",
    CharterReason.OTHER: "Tout autre motif, expliqué à l’auteur.",
}
