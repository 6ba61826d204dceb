"""French labels of the desk's audit actions (``parvis.accounts.audit``). The lifecycle
moves made from the desk are audited by the hub (``conversation.<move>``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register

# The channels' labels (``directory.Channel``, reference data) for the journal.
CHANNELS = {
    "courriel": _("Courriel"),
    "sms": _("SMS"),
    "chat": _("Messagerie instantanée (chat)"),
    "telephone": _("Téléphone"),
    "guichet": _("Accueil physique (guichet)"),
}
register(
    AuditAction("desk.callback_requested", _("Rappel téléphonique demandé")),
    AuditAction(
        "desk.channel_switched",
        _("Réponse sur un autre canal"),
        values={"from": CHANNELS, "to": CHANNELS},
    ),
    AuditAction("desk.queue_changed", _("Conversation transférée vers une autre file")),
    AuditAction("desk.transferred_out", _("Conversation transmise à un autre organisme")),
)
