"""French labels of the reports app's audit actions (``parvis.accounts.audit``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parvis.accounts.audit import AuditAction, register
from parvis.reports.models import PeriodKind

register(
    AuditAction(
        "reports.report_generated",
        _("Rapport périodique généré"),
        values={"kind": dict(PeriodKind.choices)},
    ),
    AuditAction(
        "reports.report_regenerated",
        _("Rapport périodique généré de nouveau"),
        values={"kind": dict(PeriodKind.choices)},
    ),
)
