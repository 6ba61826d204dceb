"""French labels of the contact hub's audit actions (``parvis.accounts.audit``).

Every move a person makes is written ``conversation.<move>`` (``services.lifecycle``);
the system's moves (an inbound message, the close sweep) are in the transition log only.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register
from parvis.contacts.models import (
    ConsentPurpose,
    ContactKind,
    FileNumberKind,
    Outcome,
    Status,
)
from parvis.contacts.workflow import REOPEN_REASONS

STATES = {"": _("création"), **dict(Status.choices)}
MOVE_VALUES = {
    "from": STATES,
    "to": STATES,
    "outcome": dict(Outcome.choices),
    "reason": REOPEN_REASONS,
}

register(
    AuditAction("conversation.open", _("Conversation ouverte"), values=MOVE_VALUES),
    AuditAction(
        "conversation.priority_inputs",
        _("Urgence ou fragilité d’une conversation confirmée ou retirée"),
    ),
    AuditAction("conversation.queue", _("Conversation mise en file"), values=MOVE_VALUES),
    AuditAction("conversation.assign", _("Conversation prise en charge"), values=MOVE_VALUES),
    AuditAction("conversation.release", _("Conversation remise en file"), values=MOVE_VALUES),
    AuditAction(
        "conversation.wait_citizen",
        _("Conversation mise en attente de l’usager"),
        values=MOVE_VALUES,
    ),
    AuditAction(
        "conversation.wait_partner",
        _("Conversation mise en attente d’un partenaire"),
        values=MOVE_VALUES,
    ),
    AuditAction("conversation.resume", _("Conversation reprise"), values=MOVE_VALUES),
    AuditAction("conversation.resolve", _("Conversation résolue"), values=MOVE_VALUES),
    AuditAction("conversation.close", _("Conversation close"), values=MOVE_VALUES),
    AuditAction("conversation.reopen", _("Conversation rouverte"), values=MOVE_VALUES),
    AuditAction(
        "conversation.record_visit", _("Visite au guichet enregistrée"), values=MOVE_VALUES
    ),
    AuditAction("conversation.offer", _("Conversation proposée à un agent"), values=MOVE_VALUES),
    AuditAction(
        "conversation.offer_expire", _("Proposition à un agent expirée"), values=MOVE_VALUES
    ),
    AuditAction("conversation.accept", _("Conversation acceptée"), values=MOVE_VALUES),
    AuditAction("conversation.requalified", _("Motif de la conversation corrigé")),
)

# Outbound webhooks (API, webhooks and events).
register(
    AuditAction("webhook.created", _("Webhook créé")),
    AuditAction("webhook.updated", _("Webhook modifié")),
    AuditAction("webhook.secret_rotated", _("Secret de webhook renouvelé")),
    AuditAction("webhook.deleted", _("Webhook supprimé")),
)

# Citizen records (issue 14): identity, contact points and SMS consent, file numbers, NIR,
# consents, merges and pairs declared distinct.
_KINDS = {**dict(ContactKind.choices), **dict(FileNumberKind.choices)}
register(
    AuditAction("citizen.created", _("Fiche usager créée")),
    AuditAction("citizen.updated", _("Fiche usager modifiée")),
    AuditAction("citizen.nir_changed", _("NIR de la fiche usager modifié")),
    AuditAction(
        "citizen.contact_point_added", _("Coordonnée ajoutée à la fiche"), values={"kind": _KINDS}
    ),
    AuditAction(
        "citizen.contact_point_removed",
        _("Coordonnée retirée de la fiche"),
        values={"kind": _KINDS},
    ),
    AuditAction(
        "citizen.file_number_added", _("Numéro de dossier ajouté"), values={"kind": _KINDS}
    ),
    AuditAction(
        "citizen.file_number_removed", _("Numéro de dossier retiré"), values={"kind": _KINDS}
    ),
    AuditAction("citizen.merged", _("Fiches usagers fusionnées")),
    AuditAction("citizen.unmerged", _("Fusion de fiches usagers annulée")),
    AuditAction("citizen.marked_distinct", _("Fiches usagers déclarées distinctes")),
    AuditAction("citizen.unmarked_distinct", _("Déclaration de fiches usagers distinctes annulée")),
    AuditAction("citizen.sms_consent_recorded", _("Accord de l’usager pour les SMS enregistré")),
    AuditAction("citizen.sms_consent_withdrawn", _("Accord de l’usager pour les SMS retiré")),
    AuditAction("citizen.exported", _("Fiche usager exportée (droit d’accès)")),
    AuditAction(
        "citizen.experience_linked", _("Expérience publiée jointe à sa fiche par l’usager")
    ),
    AuditAction(
        "citizen.experience_unlinked", _("Expérience publiée retirée de sa fiche par l’usager")
    ),
    AuditAction(
        "consent.captured",
        _("Consentement au partage recueilli"),
        values={"purpose": dict(ConsentPurpose.choices)},
    ),
    AuditAction("consent.withdrawn", _("Consentement au partage retiré")),
    AuditAction("contact_settings.changed", _("Réglages des fiches usagers modifiés")),
)
