"""French labels of the contact hub's audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register

# Outbound webhooks (part 6: API, webhooks and events).
register(
    AuditAction("webhook.created", _("Webhook créé")),
    AuditAction("webhook.updated", _("Webhook modifié")),
    AuditAction("webhook.secret_rotated", _("Secret de webhook renouvelé")),
    AuditAction("webhook.deleted", _("Webhook supprimé")),
)
