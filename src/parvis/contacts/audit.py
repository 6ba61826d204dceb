"""French labels of the contact hub's audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register
from parvis.contacts.models import Outcome

register(
    AuditAction(
        "contacts.visit_recorded",
        _("Visite au guichet enregistrée"),
        values={"outcome": dict(Outcome.choices)},
    ),
)
