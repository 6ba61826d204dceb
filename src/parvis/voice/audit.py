"""French labels of voice's audit actions (``parvis.accounts.audit``): experiences, their
public answers and answer templates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, Labels, register
from parvis.core.charter import CharterReason
from parvis.voice.models import (
    OTHER_TRANSITION_REASONS,
    ExperienceSource,
    ExperienceStatus,
)

STATES: Labels = dict(ExperienceStatus.choices)
REASONS: Labels = {
    **dict(CharterReason.choices),
    **dict(ExperienceSource.choices),
    **OTHER_TRANSITION_REASONS,
}
MOVES: dict[str, Labels] = {"from": STATES, "to": STATES, "reason": REASONS}

# One per move of ``EXPERIENCE_LIFECYCLE`` (``experience.<move>``).
register(
    AuditAction(
        "experience.submit",
        _("Expérience déposée"),
        values={**MOVES, "source": dict(ExperienceSource.choices)},
    ),
    AuditAction("experience.analyse", _("Expérience analysée (masquage et qualification)"), MOVES),
    AuditAction("experience.correct", _("Expérience corrigée par son auteur"), MOVES),
    AuditAction("experience.publish", _("Expérience publiée"), MOVES),
    AuditAction("experience.reject", _("Expérience refusée"), MOVES),
    AuditAction("experience.reopen", _("Modération de l’expérience reprise"), MOVES),
    AuditAction("experience.answer", _("Expérience répondue par le service"), MOVES),
    AuditAction("experience.archive", _("Expérience archivée"), MOVES),
    AuditAction("experience.withdraw", _("Expérience retirée par son auteur"), MOVES),
    AuditAction("experience.author_attached", _("Expérience rattachée au compte de son auteur")),
    AuditAction("experience.contact_purged", _("Adresse de contact de l’auteur effacée")),
    AuditAction("experience.original_purged", _("Texte original de l’expérience effacé")),
    AuditAction("experience.masking_adjusted", _("Masquage de l’expérience ajusté")),
    AuditAction("experience.answer_reminded", _("Relance envoyée au service (réponse attendue)")),
    AuditAction(
        "experience.answer_escalated", _("Alerte envoyée à l’organisme (réponse en retard)")
    ),
    AuditAction("answer.drafted", _("Réponse publique rédigée")),
    AuditAction("answer.sent_to_moderation", _("Réponse publique envoyée en modération")),
    AuditAction("answer.rejected", _("Réponse publique renvoyée au service")),
    AuditAction("answer.published", _("Réponse publique publiée")),
    AuditAction("answer.masking_adjusted", _("Masquage de la réponse publique ajusté")),
    AuditAction("answer_template.saved", _("Modèle de réponse enregistré")),
    AuditAction("answer_policy.saved", _("Délai de réponse de l’organisme enregistré")),
    AuditAction("answer_policy.deleted", _("Délai de réponse de l’organisme supprimé")),
)
