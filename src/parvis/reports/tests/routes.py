"""Security registry entries of the periodic reports (merged by ``core/tests/route_registry``).

Every page is public: reports hold public data only, and subscriptions are reached by the
secrets of their links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from parvis.core.tests.route_registry import Route

PDF = b"%PDF-1.7\n% a stand-in for the route walk\n%%EOF\n"
# One period per organisation of the walk (the national reports too: one per period).
PERIODS = {"a": dt.date(2026, 10, 1), "b": dt.date(2026, 9, 1)}


def _report(organisation: Any, key: str) -> Any:
    from parvis.reports.models import PeriodKind, Report

    report, _ = Report.objects.get_or_create(
        organisation=organisation,
        kind=PeriodKind.MONTHLY,
        period_start=PERIODS[key],
        defaults={
            "title": f"Rapport mensuel de qualité — {key}",
            "html": "<p>Rapport de la route</p>",
            "pdf": PDF,
            "pdf_size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        },
    )
    return report


def _organisation_report(w: Any, k: str) -> dict[str, Any]:
    report = _report(w[k].org, k)
    return {"slug": w[k].org.slug, "period": report.period_code}


def _national_report(w: Any, k: str) -> dict[str, Any]:
    return {"period": _report(None, k).period_code}


def _confirmation(w: Any, k: str) -> dict[str, Any]:
    from parvis.core.crypto import keyed_digest
    from parvis.reports.tests.factories import ReportSubscriptionFactory

    token = secrets.token_urlsafe(32)
    ReportSubscriptionFactory(
        organisation=w[k].org,
        confirmation_token_digest=keyed_digest(token, purpose="reports.link"),
    )
    return {"token": token}


def _unsubscribe(w: Any, k: str) -> dict[str, Any]:
    from parvis.reports.tests.factories import ReportSubscriptionFactory

    token = secrets.token_urlsafe(32)
    ReportSubscriptionFactory(organisation=w[k].org, confirmed=True, unsubscribe_token=token)
    return {"token": token}


HTML_ROUTES: dict[str, Route] = {
    "reports:index": Route("public"),
    "reports:subscribe": Route("public", query="?organisme=national"),
    "reports:confirm": Route("public", kwargs=_confirmation),
    "reports:unsubscribe": Route("public", kwargs=_unsubscribe),
    "reports:organisation": Route("public", kwargs=lambda w, k: {"slug": w[k].org.slug}),
    "reports:detail": Route("public", kwargs=_organisation_report),
    "reports:pdf": Route("public", kwargs=_organisation_report),
    "reports:national_detail": Route("public", kwargs=_national_report),
    "reports:national_pdf": Route("public", kwargs=_national_report),
}
