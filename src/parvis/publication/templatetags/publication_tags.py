"""Formatting of published figures in French (rates with their count, delays, trends)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

NBSP = "\u202f"  # narrow no-break space before « % », as French typography wants


@register.filter
def percent(value: float | None) -> str:
    """0.4237 → « 42 % »; None (fewer than 10 items) → « — »."""
    if value is None:
        return "—"
    return f"{round(value * 100)}{NBSP}%"


@register.filter
def days(value: float | None) -> str:
    if value is None:
        return "—"
    rounded = round(value, 1)
    text = f"{rounded:g}".replace(".", ",")
    return f"{text} jour" if rounded <= 1 else f"{text} jours"


@register.filter
def trend(theme: dict[str, Any]) -> str:
    """Trend of a top theme against the previous period, in words."""
    count, previous = theme.get("count", 0), theme.get("previous", 0)
    if not previous:
        return "nouveau"
    if count > previous * 1.1:
        return "en hausse"
    if count < previous * 0.9:
        return "en baisse"
    return "stable"


@register.filter
def reason_label(code: str) -> str:
    from parvis.voice.models import RejectionReason

    try:
        return str(RejectionReason(code).label)
    except ValueError:
        return code
