"""Months of quality results (pure): a month is its first day; it is frozen
``FREEZE_DAYS`` days after its last day, and later changes are dated revisions."""

from __future__ import annotations

import datetime as dt

FREEZE_DAYS = 15


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def is_frozen(month: dt.date, today: dt.date) -> bool:
    """A month is frozen ``FREEZE_DAYS`` days after its last day."""
    return today > next_month(month) - dt.timedelta(days=1) + dt.timedelta(days=FREEZE_DAYS)
