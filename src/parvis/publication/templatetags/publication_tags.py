"""Formatting of published figures in French (delays, trends, chart values and ranking
rows) and the experience cards."""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from parvis.core import french
from parvis.core.french import number, with_unit, working_days
from parvis.core.text import FRENCH_MONTHS as _MONTHS

register = template.Library()


@register.filter
def days(value: float | None) -> str:
    """A delay of the figures, in working days: 2.5 → « 2,5 jours ouvrés »."""
    if value is None:
        return "—"
    return working_days(value)


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


def _escape(value: Any) -> str:
    """``conditional_escape`` for the hot paths below: the standard library's escaping
    (the same five characters) without Django's lazy-string wrappers."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag
def filter_select(bound_field: Any) -> str:
    """A DSFR select group rendered in Python.

    Same markup as ``as_field_group`` for a select, without one template render per
    option: the listing has about 200 options, which made the form the slowest part of
    the page.
    """
    field = bound_field.field
    widget_id = _escape(bound_field.id_for_label)
    value = bound_field.value()
    selected = "" if value is None else str(value)
    if hasattr(field, "to_field_name") and field.to_field_name and hasattr(value, "pk"):
        selected = str(getattr(value, field.to_field_name))
    options = "".join(
        f'<option value="{_escape(option)}"{" selected" if str(option) == selected else ""}>'
        f"{_escape(label)}</option>"
        for option, label in field.choices
    )
    described = []
    help_html = ""
    if field.help_text:
        described.append(f"{widget_id}_helptext")
        help_text = _escape(field.help_text)
        help_html = f'<span class="fr-hint-text" id="{widget_id}_helptext">{help_text}</span>'
    error_html = ""
    if bound_field.errors:
        described.append(f"{widget_id}-desc-error")
        errors = "".join(f'<p class="fr-error-text">{_escape(e)}</p>' for e in bound_field.errors)
        error_html = f'<div id="{widget_id}-desc-error">{errors}</div>'
    describedby = f' aria-describedby="{" ".join(described)}"' if described else ""
    invalid = ' aria-invalid="true"' if bound_field.errors else ""
    group_error = " fr-select-group--error" if bound_field.errors else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<div class="fr-select-group{group_error}"><label for="{widget_id}" class="fr-label">'
        f"{_escape(field.label)}{help_html}</label>"
        f'<select name="{_escape(bound_field.html_name)}" class="fr-select" id="{widget_id}"'
        f"{describedby}{invalid}>{options}</select>{error_html}</div>"
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
    '<li><p class="fr-badge fr-badge--sm fr-badge--success">Répondue par le service</p></li>'
)
_WAITING = mark_safe(
    '<li><p class="fr-badge fr-badge--sm fr-badge--no-icon">En attente de réponse</p></li>'
)
_LATE = mark_safe('<li><p class="fr-badge fr-badge--sm fr-badge--error">En retard</p></li>')


def _french_date(moment: Any) -> str:
    """« 3 mars 2026 », « 1er mars 2026 » (``date:"j F Y"`` in French, without a translation
    lookup per card)."""
    return f"{french.day_of_month(moment.day)} {_MONTHS[moment.month - 1]} {moment.year}"


@functools.cache
def _detail_url_prefix() -> str:
    """``/experiences/`` as routed (one ``reverse`` per process, not per card)."""
    placeholder = "00000000-0000-4000-8000-000000000000"
    url = reverse("publication:experience_detail", args=[placeholder])
    return url[: url.index(placeholder)]


@functools.cache
def _tone_labels() -> dict[str, str]:
    """« Expérience positive »... by tone code (the one label map, in ``voice.models``)."""
    from parvis.voice.models import Tone, experience_tone_label

    return {str(value): experience_tone_label(value) for value in Tone.values}


def _truncate(text: str, length: int) -> str:
    """``Truncator.chars`` for plain text: cut at ``length`` characters with « … »."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _answer_badges(experience: Any) -> str:
    """« Réponse du service », or « En attente de réponse » and, past the due date at the
    time of reading, « En retard »."""
    if experience.is_answered:
        return _ANSWERED
    if experience.is_late_at(timezone.now()):
        return _WAITING + _LATE
    return _WAITING


@register.simple_tag
def experience_card(experience: Any) -> str:
    """One experience as a DSFR card, rendered in Python (a listing page shows 20: as a
    template include they took a third of the page's time)."""
    from parvis.publication.selectors import card_names

    names = card_names()
    url = _detail_url_prefix() + f"{experience.uuid}/"
    tone = ""
    if experience.tone:
        tone = (
            '<li><p class="fr-badge fr-badge--sm fr-badge--no-icon">'
            f"{_escape(_tone_labels().get(experience.tone, ''))}</p></li>"
        )
    services, departements = names.services, names.departements
    detail = _escape(names.organisations.get(experience.organisation_id, ""))
    if experience.local_service_id in services:
        detail += f" · {_escape(services[experience.local_service_id])}"
    if experience.departement_id in departements:
        departement = departements[experience.departement_id]
        detail += f" · {_escape(departement)} ({_escape(experience.departement_id)})"
    theme_labels = getattr(experience, "card_theme_labels", None)
    if theme_labels is None:
        theme_labels = [str(theme.label) for theme in experience.themes.all()]
    labels = ""
    if theme_labels:
        labels = f" · Thèmes : {_escape(', '.join(theme_labels))}"
    return mark_safe(  # noqa: S308 - every value is escaped
        _CARD.format(
            _escape(url),
            _escape(experience.title or "Expérience sans titre"),
            _escape(_truncate(experience.text, 280)),
            tone,
            _answer_badges(experience),
            detail,
            _escape(_french_date(localtime(experience.published_at))),
            labels,
        )
    )


@register.filter
def chart_value(value: float | None, unit_label: str = "") -> str:
    """One published value in French, with one decimal at most as charts.js writes it:
    « 72,4 % », « 64 % », « 2,5 jours ouvrés », or « Donnée insuffisante » when value is
    None (below the publication minimum). A filter, not an include: a ranking table
    writes it for a thousand rows."""
    if value is None:
        return "Donnée insuffisante"
    return conditional_escape(with_unit(number(value, 1, trim=True), unit_label))


@register.simple_tag
def ranking_rows(rows: list[dict[str, Any]], unit_label: str = "") -> str:
    """The table rows of a ranking (``charts/_bar_chart.html``: rank group, name, value,
    95 % interval, n), written here rather than by a template loop: a ranking may list
    a thousand places."""

    def interval(row: dict[str, Any]) -> str:
        if row["value"] is None or row.get("ci_low") is None or row.get("ci_high") is None:
            return "—"
        return format_html(
            "de {} à {}",
            number(row["ci_low"], 1, trim=True),
            chart_value(row["ci_high"], unit_label),
        )

    return format_html_join(
        "\n",
        '<tr><td>{}</td><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                "Non classé" if row.get("group") is None else row["group"],
                row["label"],
                chart_value(row["value"], unit_label),
                interval(row),
                intcomma(row["n"]),
            )
            for row in rows
        ),
    )


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], selected: str | None = None) -> str:
    """``<option>`` elements of a select (value, label), the ``selected`` one marked:
    written here, not by a template loop, for lists of a thousand organisations."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == selected else "", label)
            for value, label in choices
        ),
    )
