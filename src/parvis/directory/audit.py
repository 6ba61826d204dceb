"""French labels of the directory's audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register
from parvis.directory.models import CommitmentAssessment, Organisation, Site

register(
    AuditAction(
        "organisation.created",
        _("Organisme créé"),
        values={"kind": dict(Organisation.Kind.choices)},
    ),
    AuditAction("local_service.created", _("Service local créé")),
    AuditAction("local_service.updated", _("Service local modifié")),
    AuditAction("site.created", _("Lieu d’accueil créé"), values={"kind": dict(Site.Kind.choices)}),
    AuditAction("site.updated", _("Lieu d’accueil modifié")),
    AuditAction("site.hours_replaced", _("Horaires d’ouverture remplacés")),
    AuditAction("site.exception_set", _("Fermeture ou horaires exceptionnels enregistrés")),
    AuditAction("site.exception_removed", _("Fermeture ou horaires exceptionnels retirés")),
    AuditAction(
        "commitment.assessed",
        _("Autoévaluation d’un engagement Services Publics+ enregistrée"),
        values={"to": dict(CommitmentAssessment.Level.choices)},
    ),
)
