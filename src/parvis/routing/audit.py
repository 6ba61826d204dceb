"""French labels of routing's audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register
from parvis.routing.models import Presence


def _priority_reasons() -> dict[str, Any]:
    from parvis.routing.services.supervision import PRIORITY_REASONS

    return dict(PRIORITY_REASONS)


PRESENCES = dict(Presence.choices)
register(
    AuditAction(
        "routing.presence_forced",
        _("Présence d’un agent modifiée par un superviseur"),
        values={"presence": PRESENCES},
    ),
    AuditAction(
        "routing.priority_changed",
        _("Priorité d’un contact modifiée"),
        values={"reason": _priority_reasons()},
    ),
    AuditAction("routing.queue_paused", _("File mise en pause")),
    AuditAction("routing.queue_resumed", _("File reprise")),
    AuditAction("routing.member_added", _("Agent ajouté à une file")),
    AuditAction("routing.member_removed", _("Agent retiré d’une file")),
    AuditAction("routing.policy_changed", _("Règle de routage d’une file modifiée")),
    AuditAction("routing.tier_added", _("Palier ajouté à une file")),
    AuditAction("routing.tier_changed", _("Palier d’une file modifié")),
    AuditAction("routing.tier_moved", _("Palier d’une file déplacé")),
    AuditAction("routing.tier_removed", _("Palier retiré d’une file")),
    AuditAction("routing.skill_level_set", _("Niveau de compétence d’un agent modifié")),
    AuditAction("routing.skill_level_removed", _("Compétence retirée à un agent")),
    AuditAction("routing.escalated", _("Contact remonté au niveau 2")),
)
