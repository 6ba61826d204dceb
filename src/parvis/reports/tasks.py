"""Celery tasks of the reports app: thin wrappers around ``services``."""

from __future__ import annotations

from celery import shared_task

from parvis.reports import services


@shared_task(name="reports.generate_due")
def generate_due() -> int:
    """The beat's daily sweep: the month's reports from the 16th (after the M+15
    freeze), the year's from 16 January; those already made are left alone."""
    return len(services.reports_generate_due())


@shared_task(name="reports.notify_subscribers")
def notify_subscribers(report_id: int) -> int:
    return services.report_notify_subscribers(report_id=report_id)
