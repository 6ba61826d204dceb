"""Formatting of published figures in French (rates with their count, delays, trends)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime

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
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                str(option_value),
                mark_safe(" selected") if str(option_value) == selected else "",
                label,
            )
            for option_value, label in field.choices
        ),
    )
    described = []
    help_html = ""
    if field.help_text:
        described.append(f"{widget_id}_helptext")
        help_html = format_html(
            '<span class="fr-hint-text" id="{}_helptext">{}</span>', widget_id, field.help_text
        )
    error_html = ""
    if bound_field.errors:
        described.append(f"{widget_id}-desc-error")
        error_html = format_html(
            '<div id="{}-desc-error">{}</div>',
            widget_id,
            format_html_join(
                "", '<p class="fr-error-text">{}</p>', ((e,) for e in bound_field.errors)
            ),
        )
    return format_html(
        '<div class="fr-select-group{}"><label for="{}" class="fr-label">{}{}</label>'
        '<select name="{}" class="fr-select" id="{}"{}{}>{}</select>{}</div>',
        " fr-select-group--error" if bound_field.errors else "",
        widget_id,
        conditional_escape(field.label),
        help_html,
        bound_field.html_name,
        widget_id,
        format_html(' aria-describedby="{}"', " ".join(described)) if described else "",
        mark_safe(' aria-invalid="true"') if bound_field.errors else "",
        options,
        error_html,
    )


_CARD = (
    '<article class="fr-card fr-card--no-arrow fr-enlarge-link">\n'
    '  <div class="fr-card__body">\n'
    '    <div class="fr-card__content">\n'
    '      <h3 class="fr-card__title">\n'
    '        <a href="{}">{}</a>\n'
    "      </h3>\n"
    '      <p class="fr-card__desc">{}</p>\n'
    '      <div class="fr-card__start">\n'
    '        <ul class="fr-badges-group">\n'
    "          {}{}\n"
    "        </ul>\n"
    '        <p class="fr-card__detail">{}</p>\n'
    "      </div>\n"
    '      <div class="fr-card__end">\n'
    '        <p class="fr-card__detail">Publiée le {}{}</p>\n'
    "      </div>\n"
    "    </div>\n"
    "  </div>\n"
    "</article>\n"
)
_ANSWERED = mark_safe(
    '<li><p class="fr-badge fr-badge--sm fr-badge--success">Réponse du service</p></li>'
)
_WAITING = mark_safe(
    '<li><p class="fr-badge fr-badge--sm fr-badge--no-icon">En attente de réponse</p></li>'
)


@register.simple_tag
def experience_card(experience: Any) -> str:
    """One experience as a DSFR card, rendered in Python (a listing page shows 20: as a
    template include they took a third of the page's time)."""
    url = reverse("publication:experience_detail", args=[experience.uuid])
    tone = ""
    if experience.tone:
        tone = format_html(
            '<li><p class="fr-badge fr-badge--sm fr-badge--no-icon">Expérience {}</p></li>',
            experience.tone_label.lower(),
        )
    detail = conditional_escape(experience.organisation.name)
    if experience.local_service:
        detail += format_html(" · {}", experience.local_service.name)
    if experience.departement:
        detail += format_html(" · {} ({})", experience.departement.name, experience.departement_id)
    themes = experience.themes.all()
    labels = ""
    if themes:
        labels = format_html(" · Thèmes : {}", ", ".join(str(t.label) for t in themes))
    return format_html(
        _CARD,
        url,
        experience.title or "Expérience sans titre",
        Truncator(experience.text).chars(280),
        tone,
        _ANSWERED if experience.is_answered else _WAITING,
        detail,
        date_format(localtime(experience.published_at), "j F Y"),
        labels,
    )
