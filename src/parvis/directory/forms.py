"""Forms of the directory: public search, and back-office hours and exceptions.

Forms only parse and validate input; the writes and their rules live in ``services``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from parvis.core.forms import ParvisForm, SearchForm
from parvis.directory.hours import Interval
from parvis.directory.models import Organisation, Site
from parvis.directory.services import WEEKDAY_LABELS

_TIME = r"(\d{1,2})\s*(?:[h:]\s*(\d{2})?)?"
_INTERVAL = re.compile(rf"^\s*{_TIME}\s*(?:-|–|—|à|a)\s*{_TIME}\s*$", re.IGNORECASE)


class SiteSearchForm(SearchForm):
    """Public search of sites; every field is optional and read from the query string."""

    q = forms.CharField(
        label="Nom du lieu",
        required=False,
        max_length=100,
        help_text="Par exemple : France Services, accueil CAF, Mérignac.",
    )
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=100,
        help_text="Nom de la commune, code postal ou code INSEE.",
    )
    organisation = forms.ModelChoiceField(
        label="Organisme",
        required=False,
        to_field_name="slug",
        empty_label="Tous les organismes",
        queryset=Organisation.objects.administrations()
        .filter(is_active=True)
        .order_by("sort_key", "pk"),
        error_messages={"invalid_choice": "Cet organisme n’existe pas dans l’annuaire."},
    )
    kind = forms.ChoiceField(
        label="Type de lieu",
        required=False,
        choices=[("", "Tous les types de lieux"), *Site.Kind.choices],
        error_messages={"invalid_choice": "Ce type de lieu n’existe pas."},
    )


def parse_time(text: str, minutes: str | None = None) -> dt.time:
    hour, minute = int(text), int(minutes or 0)
    if hour == 24 and minute == 0:
        return dt.time(23, 59)
    return dt.time(hour, minute)


def parse_intervals(text: str) -> list[Interval]:
    """« 9h-12h, 13:30-17:00 » → intervals; ``ValidationError`` in French when unreadable."""
    intervals = []
    for part in re.split(r"[,;/]|\bet\b", text):
        if not part.strip():
            continue
        match = _INTERVAL.match(part)
        if match is None:
            raise ValidationError(
                f"« {part.strip()} » n’est pas une plage horaire lisible : écrivez par exemple "
                "09:00-12:00.",
                code="unreadable",
            )
        try:
            opens = parse_time(match.group(1), match.group(2))
            closes = parse_time(match.group(3), match.group(4))
        except ValueError as exc:
            raise ValidationError(
                f"« {part.strip()} » contient une heure qui n’existe pas.", code="invalid_time"
            ) from exc
        intervals.append(Interval(opens, closes))
    return intervals


def format_intervals(intervals: Any) -> str:
    return ", ".join(f"{i.opens:%H:%M}-{i.closes:%H:%M}" for i in intervals)


HOURS_HELP = "Plages séparées par des virgules, par exemple 09:00-12:00, 14:00-17:00. Vide : fermé."


def _day_field(weekday: int) -> forms.CharField:
    return forms.CharField(
        label=WEEKDAY_LABELS[weekday].capitalize(),
        required=False,
        max_length=200,
        help_text=HOURS_HELP,
    )


class WeeklyHoursForm(ParvisForm):
    """One text field per weekday: « 09:00-12:00, 14:00-17:00 », empty when closed."""

    day_0 = _day_field(0)
    day_1 = _day_field(1)
    day_2 = _day_field(2)
    day_3 = _day_field(3)
    day_4 = _day_field(4)
    day_5 = _day_field(5)
    day_6 = _day_field(6)

    @classmethod
    def initial_from(cls, weekly: dict[int, tuple[Interval, ...]]) -> dict[str, str]:
        return {f"day_{day}": format_intervals(intervals) for day, intervals in weekly.items()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for weekday in range(7):
            name = f"day_{weekday}"
            if name in cleaned:
                try:
                    cleaned[name] = parse_intervals(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def hours(self) -> list[tuple[int, dt.time, dt.time]]:
        return [
            (weekday, interval.opens, interval.closes)
            for weekday in range(7)
            for interval in self.cleaned_data.get(f"day_{weekday}", [])
        ]


class OpeningExceptionForm(ParvisForm):
    """A dated exception: closed all day, or open with special hours."""

    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Indiquez la date.", "invalid": "Cette date n’est pas valide."},
    )
    status = forms.ChoiceField(
        label="Ce jour-là, le site est",
        widget=forms.RadioSelect,
        choices=[
            ("closed", "fermé toute la journée"),
            ("special", "ouvert avec des horaires spéciaux"),
        ],
        initial="closed",
        error_messages={"required": "Indiquez si le site est fermé ou ouvert ce jour-là."},
    )
    opens = forms.TimeField(
        label="Heure d’ouverture",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Seulement pour des horaires spéciaux.",
        error_messages={"invalid": "Cette heure n’est pas valide."},
    )
    closes = forms.TimeField(
        label="Heure de fermeture",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Seulement pour des horaires spéciaux.",
        error_messages={"invalid": "Cette heure n’est pas valide."},
    )
    label = forms.CharField(
        label="Motif affiché au public",
        required=False,
        max_length=200,
        help_text="Par exemple : inventaire, formation de l’équipe, permanence du jour férié.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == "special":
            opens, closes = cleaned.get("opens"), cleaned.get("closes")
            if opens is None and "opens" not in self.errors:
                self.add_error("opens", "Indiquez l’heure d’ouverture.")
            if closes is None and "closes" not in self.errors:
                self.add_error("closes", "Indiquez l’heure de fermeture.")
            if opens and closes and opens >= closes:
                self.add_error("closes", "L’heure de fermeture doit suivre l’heure d’ouverture.")
        return cleaned
