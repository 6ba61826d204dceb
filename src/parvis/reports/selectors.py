"""Reads of the reports app: the public archive. Reports hold public data only (see
``content``), so the archive is public."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet

from parvis.directory.models import Organisation
from parvis.reports.models import PeriodKind, Report

PERIOD_CODE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?")


def period_from_code(code: str) -> tuple[str, dt.date] | None:
    """« 2026-10 » → (monthly, 2026-10-01); « 2026 » → (yearly, 2026-01-01); else None."""
    match = PERIOD_CODE.fullmatch(code)
    if match is None:
        return None
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        return None
    if match["month"] is None:
        return PeriodKind.YEARLY, dt.date(year, 1, 1)
    month = int(match["month"])
    if not 1 <= month <= 12:
        return None
    return PeriodKind.MONTHLY, dt.date(year, month, 1)


def reports_of(organisation: Organisation | None) -> QuerySet[Report]:
    """The archive of an organisation (None: the national reports), newest first, yearly
    reports before the months of the same year."""
    return (
        Report.objects.filter(organisation=organisation)
        .select_related("organisation")
        .order_by("-period_start", "-kind")
        .defer("html", "pdf")
    )


def report_for(organisation: Organisation | None, code: str) -> Report | None:
    period = period_from_code(code)
    if period is None:
        return None
    kind, start = period
    return (
        Report.objects.filter(organisation=organisation, kind=kind, period_start=start)
        .select_related("organisation")
        .first()
    )


def organisation_with_reports(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug, quality_reports__isnull=False).distinct().first()


def organisations_with_reports() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(quality_reports__isnull=False).distinct().order_by("sort_key")
    )


def organisations_for_subscription() -> QuerySet[Organisation]:
    """Administrations one may follow (those with reports, or that may get some)."""
    return Organisation.objects.administrations().filter(is_active=True).order_by("sort_key")
