"""Forms of the directory: public search, and back-office contact details, hours,
exceptions and self-assessments against the Services Publics+ commitments.

Forms only parse and validate input; the writes and their rules live in ``services``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from parvis.core import french
from parvis.core.forms import ParvisForm, SearchForm, checked_by
from parvis.core.text import clean_text as normalised_text
from parvis.directory.hours import Interval
from parvis.directory.models import (
    ASSESSMENT_TEXT_MAX,
    EVIDENCE_MAX,
    Channel,
    CommitmentAssessment,
    LocalService,
    Organisation,
    Site,
)
from parvis.directory.services import (
    WEEKDAY_LABELS,
    DirectoryError,
    validate_assessment_text,
    validate_evidence_label,
    validate_evidence_url,
)
from parvis.territories.models import Commune, Departement
from parvis.territories.selectors import (
    communes_search,
    is_commune_code,
    name_key,
    resolve_commune,
)

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
                f"« {part.strip()} » n’est pas une plage horaire lisible : écrivez par exemple "
                "09:00-12:00.",
                code="unreadable",
            )
        try:
            opens = parse_time(match.group(1), match.group(2))
            closes = parse_time(match.group(3), match.group(4))
        except ValueError as exc:
            raise ValidationError(
                f"« {part.strip()} » contient une heure qui n’existe pas.", code="invalid_time"
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


EVIDENCE_ROWS_SHOWN = 3  # empty rows offered when an assessment has no link yet


class CommitmentAssessmentForm(ParvisForm):
    """An organisation's self-assessment against one commitment: a level, a public text
    and up to ``EVIDENCE_MAX`` links (label and address per row, empty rows ignored).

    The rules are the services' (``validate_assessment_text``, ``validate_evidence_*``),
    run here so that each refusal shows next to its field."""

    level = forms.ChoiceField(
        label="Où en est l’organisme ?",
        widget=forms.RadioSelect,
        choices=CommitmentAssessment.Level.choices,
        error_messages={
            "required": "Choisissez un niveau.",
            "invalid_choice": "Choisissez un niveau parmi ceux proposés.",
        },
    )
    text = forms.CharField(
        label="Ce que fait l’organisme",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": ASSESSMENT_TEXT_MAX}),
        help_text=(
            "Texte public : ce que vous faites pour tenir cet engagement, en "
            f"{french.number(ASSESSMENT_TEXT_MAX)} caractères au plus."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(EVIDENCE_MAX):
            self.fields[f"evidence_{row}_label"] = forms.CharField(
                label=f"Intitulé du lien {row + 1}", required=False
            )
            self.fields[f"evidence_{row}_url"] = forms.CharField(
                label=f"Adresse du lien {row + 1}",
                required=False,
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
                help_text="Une adresse internet publique, commençant par https:// ou http://.",
            )
        # Service refusal keys (``evidence_<position>_<field>``, position among the
        # links sent) → the form's field names (``evidence_<row>_<field>``).
        self.error_fields: dict[str, str] = {"level": "level", "text": "text"}

    @classmethod
    def initial_of(cls, assessment: CommitmentAssessment | None) -> dict[str, Any]:
        if assessment is None:
            return {}
        initial: dict[str, Any] = {"level": assessment.level, "text": assessment.text}
        for row, link in enumerate(assessment.evidence.all()):
            initial[f"evidence_{row}_label"] = link.label
            initial[f"evidence_{row}_url"] = link.url
        return initial

    def clean_text(self) -> str:
        text = normalised_text(self.cleaned_data.get("text", ""))
        checked_by(validate_assessment_text, text)
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        links: list[tuple[str, str]] = []
        for row in range(EVIDENCE_MAX):
            label_field, url_field = f"evidence_{row}_label", f"evidence_{row}_url"
            label = " ".join(cleaned.get(label_field, "").split())
            url = cleaned.get(url_field, "").strip()
            if not label and not url:
                continue
            for field, rule, value in (
                (label_field, validate_evidence_label, label),
                (url_field, validate_evidence_url, url),
            ):
                if field in self.errors:
                    continue
                try:
                    rule(value)
                except DirectoryError as error:
                    self.add_error(field, error.message)
            for field in ("label", "url"):
                self.error_fields[f"evidence_{len(links)}_{field}"] = f"evidence_{row}_{field}"
            links.append((label, url))
        cleaned["evidence"] = links
        return cleaned

    def evidence_rows(self) -> list[tuple[Any, Any]]:
        """The (label, address) fields to show: every row filled in (or in error), then
        one empty row, at least ``EVIDENCE_ROWS_SHOWN``."""
        last = -1
        for row in range(EVIDENCE_MAX):
            names = (f"evidence_{row}_label", f"evidence_{row}_url")
            if any(self[name].value() or name in self.errors for name in names):
                last = row
        shown = min(EVIDENCE_MAX, max(EVIDENCE_ROWS_SHOWN, last + 2))
        return [
            (self[f"evidence_{row}_label"], self[f"evidence_{row}_url"]) for row in range(shown)
        ]


class SiteDetailsForm(ParvisForm):
    """What a site shows the public beside its hours: its name, where and how to reach it,
    and the channels it answers on. Its commune, kind and organisation are the platform
    administrators' (they move it between territories and scopes)."""

    name = forms.CharField(label="Nom du lieu", max_length=200)
    address = forms.CharField(
        label="Adresse",
        required=False,
        max_length=255,
        help_text="Numéro et voie, par exemple 12 rue des Lilas.",
    )
    postcode = forms.CharField(
        label="Code postal",
        required=False,
        max_length=5,
        help_text="5 chiffres.",
        validators=[RegexValidator(r"^\d{5}$", "Le code postal doit comporter 5 chiffres.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    phone = forms.CharField(
        label="Téléphone",
        required=False,
        max_length=30,
        help_text="Tel qu’il sera affiché, par exemple 05 56 00 00 00.",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    email = forms.EmailField(
        label="Courriel",
        required=False,
        error_messages={"invalid": "Saisissez une adresse de courriel valide."},
    )
    website = forms.URLField(
        label="Site internet ou formulaire en ligne",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Adresse complète, par exemple https://www.exemple.fr/contact.",
        error_messages={"invalid": "Saisissez une adresse internet valide (https://…)."},
    )
    channels = forms.ModelMultipleChoiceField(
        label="Canaux de contact proposés",
        queryset=Channel.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chaque canal demande sa coordonnée : une adresse pour l’accueil, un "
        "numéro pour le téléphone, etc.",
    )

    FIELDS = ("name", "address", "postcode", "phone", "email", "website", "channels")

    @classmethod
    def initial_from(cls, site: Site) -> dict[str, Any]:
        initial: dict[str, Any] = {
            field: getattr(site, field) for field in cls.FIELDS if field != "channels"
        }
        initial["channels"] = list(site.channels.all())
        return initial

    def changes(self, site: Site) -> dict[str, Any]:
        """The fields whose value differs from the site's (the service writes those)."""
        data = self.cleaned_data
        changed = {
            field: data[field]
            for field in self.FIELDS
            if field != "channels" and (data[field] or "") != getattr(site, field)
        }
        if {c.pk for c in data["channels"]} != {c.pk for c in site.channels.all()}:
            changed["channels"] = list(data["channels"])
        return changed


class SiteCreateForm(SiteDetailsForm):
    """A new site of a structure the person manages: an organisation (its managers at
    organisation level) or one of its local services. Its kind follows the structure:
    a France Services operator opens France Services sites, an administration counters
    and contact centres. The commune is typed (INSEE code, or name with the postcode
    when several communes share it): a list of 35,000 communes is no choice."""

    structure = forms.ChoiceField(label="Structure qui gère le lieu")
    kind = forms.ChoiceField(label="Type de lieu", choices=Site.Kind.choices)
    commune = forms.CharField(
        label="Commune",
        max_length=120,
        help_text="Nom de la commune ou code INSEE, par exemple Mérignac ou 33281. Si "
        "plusieurs communes portent ce nom, le code postal ci-dessous les départage.",
    )
    coverage = forms.ChoiceField(
        label="Territoire servi",
        choices=Site.Coverage.choices,
        initial=Site.Coverage.LOCAL,
        help_text="Locale pour un accueil sur place ; un centre de contact peut servir toute "
        "la France ou des départements listés.",
    )
    covered_departements = forms.ModelMultipleChoiceField(
        label="Départements servis",
        queryset=Departement.objects.order_by("code"),
        required=False,
        help_text="Seulement pour « Départements listés ».",
    )

    CREATE_FIELDS = ("structure", "kind", "name", "commune", "coverage", "covered_departements")
    field_order = [*CREATE_FIELDS, *SiteDetailsForm.FIELDS]

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        local_services: list[LocalService],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._structures: dict[str, tuple[Organisation, LocalService | None]] = {
            f"o{o.pk}": (o, None) for o in organisations
        }
        self._structures.update({f"s{s.pk}": (s.organisation, s) for s in local_services})
        choices: list[Any] = [("", "Choisissez une structure")]
        if organisations:
            choices.append(("Organismes", [(f"o{o.pk}", o.name) for o in organisations]))
        if local_services:
            choices.append(
                (
                    "Services locaux",
                    [(f"s{s.pk}", s.name) for s in local_services],
                )
            )
        cast(forms.ChoiceField, self.fields["structure"]).choices = choices
        if len(self._structures) == 1:  # the only structure the person manages
            self.fields["structure"].initial = next(iter(self._structures))
        operators = {
            o.kind == Organisation.Kind.FRANCE_SERVICES_OPERATOR
            for o, _ in self._structures.values()
        }
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (value, label)
            for value, label in Site.Kind.choices
            if (value == Site.Kind.FRANCE_SERVICES) in operators
        ]
        departements = cast(Any, self.fields["covered_departements"])
        departements.label_from_instance = lambda d: f"{d.code} — {d.name}"

    def clean_commune(self) -> Commune | str:
        """Resolved in ``clean`` (the postcode may be needed); kept as typed here."""
        return str(self.cleaned_data["commune"]).strip()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        structure = self._structures.get(data.get("structure") or "")
        if structure is not None:
            organisation, local_service = structure
            data["organisation"], data["local_service"] = organisation, local_service
            operator = organisation.kind == Organisation.Kind.FRANCE_SERVICES_OPERATOR
            if data.get("kind") and (data["kind"] == Site.Kind.FRANCE_SERVICES) != operator:
                self.add_error(
                    "kind",
                    "Un lieu France Services est ouvert par sa structure porteuse ; une "
                    "administration ouvre un accueil physique ou un centre de contact."
                    if not operator
                    else "Une structure porteuse France Services ouvre des lieux France Services.",
                )
        typed = data.get("commune")
        if typed:
            data["commune"] = self._commune(typed, data.get("postcode") or "")
        return data

    def _commune(self, typed: str, postcode: str) -> Commune | None:
        if is_commune_code(typed):
            resolved = resolve_commune(typed)
            if resolved is None:
                self.add_error("commune", f"Aucune commune n’a le code INSEE {typed}.")
                return None
            return resolved[0]
        found = list(communes_search(q=typed, postcode=postcode or None)[:6])
        exact = [c for c in found if c.search_key == name_key(typed)]
        matches = exact or found
        if not matches:
            self.add_error(
                "commune",
                f"Aucune commune ne correspond à « {typed} »"
                + (f" avec le code postal {postcode}." if postcode else "."),
            )
            return None
        if len(matches) > 1:
            listed = " ; ".join(f"{c.name} ({c.code})" for c in matches[:5])
            self.add_error(
                "commune",
                f"Plusieurs communes correspondent : {listed}. Donnez le code postal ou le "
                "code INSEE.",
            )
            return None
        return matches[0]
