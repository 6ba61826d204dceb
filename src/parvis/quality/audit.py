"""French labels of the quality results' audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register

register(
    AuditAction("quality.indicator_updated", _("Indicateur du catalogue modifié")),
    AuditAction("quality.target_set", _("Cible d’un indicateur fixée pour l’organisme")),
    AuditAction("quality.target_removed", _("Cible d’un indicateur retirée pour l’organisme")),
    # Written by ``quality.declared`` (CSV import, API).
    AuditAction("quality.declared_import", _("Résultats déclarés importés")),
)
