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


@register.simple_tag
def filter_select(bound_field: Any) -> str:
    """A DSFR select group rendered in Python.

    Same markup as ``as_field_group`` for a select, without one template render per
    option: the listing has about 200 options, which made the form the slowest part of
    the page.
    """
    from django.utils.html import conditional_escape, format_html, format_html_join
    from django.utils.safestring import mark_safe

    field = bound_field.field
    widget_id = bound_field.id_for_label
    value = bound_field.value()
    selected = "" if value is None else str(value)
    if hasattr(field, "to_field_name") and field.to_field_name and hasattr(value, "pk"):
        selected = str(getattr(value, field.to_field_name))
    options = format_html_join(
        "", "<option value=\"{}\"{}>{}</option>",
        (
            (str(option_value), mark_safe(" selected") if str(option_value) == selected else "",
             label)
            for option_value, label in field.choices
        ),
    )
    described = []
    help_html = ""
    if field.help_text:
        described.append(f"{widget_id}_helptext")
        help_html = format_html('<span class="fr-hint-text" id="{}_helptext">{}</span>',
                                widget_id, field.help_text)
    error_html = ""
    if bound_field.errors:
        described.append(f"{widget_id}-desc-error")
        error_html = format_html(
            '<div id="{}-desc-error">{}</div>', widget_id,
            format_html_join("", '<p class="fr-error-text">{}</p>',
                             ((e,) for e in bound_field.errors)),
        )
    return format_html(
        '<div class="fr-select-group{}"><label for="{}" class="fr-label">{}{}</label>'
        '<select name="{}" class="fr-select" id="{}"{}{}>{}</select>{}</div>',
        " fr-select-group--error" if bound_field.errors else "",
        widget_id, conditional_escape(field.label), help_html,
        bound_field.html_name, widget_id,
        format_html(' aria-describedby="{}"', " ".join(described)) if described else "",
        mark_safe(' aria-invalid="true"') if bound_field.errors else "",
        options, error_html,
    )
