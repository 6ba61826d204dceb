"""French labels of simplification's audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register
from parvis.core.charter import CharterReason
from parvis.simplification.models import DeclineReason, ProposerKind, Source, Status

STATES = dict(Status.choices)

register(
    AuditAction(
        "simplification.request_proposed",
        _("Demande de simplification proposée"),
        values={"source": dict(Source.choices), "proposer_kind": dict(ProposerKind.choices)},
    ),
    AuditAction("simplification.masking_corrected", _("Masquage de la demande corrigé")),
    AuditAction(
        "simplification.status_changed",
        _("Statut de la demande de simplification changé"),
        values={
            "from": STATES,
            "to": STATES,
            "reason": {**dict(CharterReason.choices), **dict(DeclineReason.choices)},
        },
    ),
)
