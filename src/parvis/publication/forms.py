"""Forms of publication: the public listing's filters, the figures' criteria and the quality
results' search (GET)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.core.errors import ParvisError
from parvis.core.forms import ParvisForm, SearchForm, checked_by
from parvis.core.memo import ProcessMemo
from parvis.core.text import FRENCH_MONTHS as MONTHS
from parvis.directory.models import (
    Channel,
    JourneyStage,
    LocalService,
    Motif,
    Organisation,
    Theme,
)
from parvis.publication.models import LAST_12_MONTHS, FigureScope
from parvis.publication.selectors import (
    ExperienceFilters,
    FigureSort,
    Sort,
    validate_published_day,
    validate_published_period,
)
from parvis.territories.models import Departement
from parvis.voice.models import Tone

# Filter lists change rarely; caching them keeps the listing page fast (validation still
# reads the database).
CHOICES_TIMEOUT = 300


# A one-minute copy in each process in front of the shared cache (seven lists per
# listing request: a round trip to Redis each otherwise).
choices_memo = ProcessMemo("publication-choices", ttl=60.0)


def cached_choices(key: str, build: Callable[[], list[tuple[str, str]]]) -> list[tuple[str, str]]:
    return choices_memo.get(
        key,
        lambda: cast(
            list[tuple[str, str]],
            cache.get_or_set(f"publication:choices:{key}", build, CHOICES_TIMEOUT),
        ),
    )


LATE = "en-retard"
ANSWERED_CHOICES = [
    ("", "Avec ou sans réponse"),
    ("oui", "Avec une réponse du service"),
    ("non", "Sans réponse pour l’instant"),
    (LATE, "En retard : sans réponse au-delà du délai cible"),
]


class DepartementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


def _slug_field(label: str, queryset: Any, empty: str, error: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=queryset,
        to_field_name="slug",
        empty_label=empty,
        error_messages={"invalid_choice": error},
    )


def _motif_choices(organisation: str) -> list[tuple[str, str]]:
    motifs = Motif.objects.filter(is_active=True)
    if organisation:
        motifs = motifs.filter(organisation__slug=organisation)
    seen: dict[str, str] = {}
    for slug, label in motifs.order_by("label", "slug").values_list("slug", "label"):
        seen.setdefault(slug, label)
    return sorted(seen.items(), key=lambda item: item[1])


_CACHED_FIELDS: dict[str, Callable[[], list[tuple[str, str]]]] = {
    "organisation": lambda: list(
        Organisation.objects.administrations()
        .filter(is_active=True)
        .order_by("sort_key", "pk")
        .values_list("slug", "name")
    ),
    "departement": lambda: [
        (code, f"{code} — {name}")
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ],
    "theme": lambda: list(Theme.objects.order_by("position", "slug").values_list("slug", "label")),
    "journey_stage": lambda: list(
        JourneyStage.objects.order_by("position", "slug").values_list("slug", "label")
    ),
    "channel": lambda: list(
        Channel.objects.order_by("position", "slug").values_list("slug", "label")
    ),
}


class ExperienceSearchForm(ParvisForm):
    """Filters of the public listing, read from the query string; all optional."""

    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=200,
        help_text="Des mots du titre ou du texte ; les accents ne sont pas nécessaires.",
    )
    organisation = _slug_field(
        "Organisme",
        Organisation.objects.administrations().filter(is_active=True).order_by("sort_key", "pk"),
        "Tous les organismes",
        "Cet organisme n’existe pas.",
    )
    service = _slug_field(
        "Service local",
        LocalService.objects.none(),
        "Tous les services",
        "Ce service local n’existe pas.",
    )
    departement = DepartementChoiceField(
        label="Département",
        required=False,
        queryset=Departement.objects.order_by("code"),
        empty_label="Tous les départements",
        error_messages={"invalid_choice": "Ce département n’existe pas."},
    )
    motif = forms.ChoiceField(
        label="Motif", required=False, error_messages={"invalid_choice": "Ce motif n’existe pas."}
    )
    theme = _slug_field(
        "Thème",
        Theme.objects.order_by("position", "slug"),
        "Tous les thèmes",
        "Ce thème n’existe pas.",
    )
    journey_stage = _slug_field(
        "Étape du parcours",
        JourneyStage.objects.order_by("position", "slug"),
        "Toutes les étapes",
        "Cette étape n’existe pas.",
    )
    channel = _slug_field(
        "Canal",
        Channel.objects.order_by("position", "slug"),
        "Tous les canaux",
        "Ce canal n’existe pas.",
    )
    tone = forms.ChoiceField(
        label="Tonalité",
        required=False,
        choices=[("", "Toutes les tonalités"), *Tone.choices],
        error_messages={"invalid_choice": "Cette tonalité n’existe pas."},
    )
    answered = forms.ChoiceField(
        label="Réponse du service",
        required=False,
        choices=ANSWERED_CHOICES,
        error_messages={"invalid_choice": "Choisissez une réponse dans la liste."},
    )
    published_from = forms.DateField(
        label="Publiée à partir du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Format attendu : JJ/MM/AAAA.",
    )
    published_to = forms.DateField(
        label="Publiée jusqu’au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Format attendu : JJ/MM/AAAA.",
    )
    sort = forms.ChoiceField(
        label="Trier",
        required=False,
        choices=[("", "Par pertinence si une recherche est saisie, sinon par date"), *Sort.CHOICES],
        error_messages={"invalid_choice": "Ce tri n’existe pas."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = str(self.data.get("organisation") or "") if self.is_bound else ""
        service = str(self.data.get("service") or "") if self.is_bound else ""
        services = LocalService.objects.filter(is_active=True)
        if organisation:
            services = services.filter(organisation__slug=organisation)
        else:
            # Without an organisation only a service named in the link is offered (a select
            # of every service in France would be unusable without JavaScript).
            services = services.filter(slug=service)
            self.fields[
                "service"
            ].help_text = (
                "Choisissez d’abord un organisme et lancez la recherche pour voir ses services."
            )
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = services.order_by(
            "sort_key", "pk"
        )
        cast(forms.ChoiceField, self.fields["motif"]).choices = [
            ("", "Tous les motifs"),
            *cached_choices(f"motifs:{organisation}", lambda: _motif_choices(organisation)),
        ]
        service_choices = [("", "Tous les services")]
        if organisation:
            service_choices += cached_choices(
                f"services:{organisation}",
                lambda: list(services.order_by("sort_key", "pk").values_list("slug", "name")),
            )
        elif service:
            service_choices += list(services.values_list("slug", "name")[:1])
        # An explicit list: the model field's own choices would open a server-side cursor
        # per request on PostgreSQL, even to list nothing.
        cast(forms.ChoiceField, self.fields["service"]).choices = service_choices
        for name, field in self.fields.items():
            build = _CACHED_FIELDS.get(name)
            if build is not None:
                choice_field = cast(forms.ModelChoiceField, field)
                choice_field.choices = [
                    ("", str(choice_field.empty_label)),
                    *cached_choices(name, build),
                ]

    def clean_published_from(self) -> Any:
        return checked_by(validate_published_day, self.cleaned_data.get("published_from"))

    def clean_published_to(self) -> Any:
        return checked_by(validate_published_day, self.cleaned_data.get("published_to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            validate_published_period(data.get("published_from"), data.get("published_to"))
        except ParvisError as error:
            raise ValidationError(error.message, code=error.code) from error
        return data

    def filters(self) -> ExperienceFilters:
        data = self.cleaned_data if self.is_bound else {}

        def slug(name: str) -> str:
            value = data.get(name)
            return value.slug if value is not None else ""

        answered = {"oui": True, "non": False}.get(data.get("answered") or "")
        # « En retard » is decided now, when the page is read.
        late_at = timezone.now() if data.get("answered") == LATE else None
        departement = data.get("departement")
        return ExperienceFilters(
            q=data.get("q", ""),
            organisation=slug("organisation"),
            service=slug("service"),
            departement=departement.code if departement else "",
            motif=data.get("motif", ""),
            journey_stage=slug("journey_stage"),
            channel=slug("channel"),
            tone=data.get("tone", ""),
            theme=slug("theme"),
            answered=answered,
            late_at=late_at,
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
            sort=data.get("sort", ""),
        )

    def has_criteria(self) -> bool:
        return (
            self.is_bound
            and self.is_valid()
            and any(
                value not in (None, "")
                for name, value in self.cleaned_data.items()
                if name != "sort"
            )
        )


class FiguresForm(ParvisForm):
    """Criteria of the figures page: which items, which period, ranked by what."""

    scope = forms.ChoiceField(
        label="Comparer",
        required=False,
        choices=[
            (FigureScope.ORGANISATION, "Les organismes"),
            (FigureScope.DEPARTEMENT, "Les départements"),
            (FigureScope.SERVICE, "Les services locaux"),
        ],
        error_messages={"invalid_choice": "Ce niveau de comparaison n’existe pas."},
    )
    organisation = _slug_field(
        "Organisme (pour les départements et les services locaux)",
        Organisation.objects.administrations().filter(is_active=True).order_by("sort_key", "pk"),
        "Tous les organismes",
        "Cet organisme n’existe pas.",
    )
    period = forms.ChoiceField(
        label="Période",
        required=False,
        error_messages={"invalid_choice": "Cette période n’existe pas."},
    )
    sort = forms.ChoiceField(
        label="Classer par",
        required=False,
        choices=FigureSort.CHOICES,
        error_messages={"invalid_choice": "Ce classement n’existe pas."},
    )

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            (LAST_12_MONTHS, "Les 12 derniers mois"),
            *[(p, month_label(p)) for p in periods],
        ]


class ResultsSearchForm(SearchForm):
    """The search of ``/resultats/``: a local service or a France Services site by name,
    commune or département."""

    q = forms.CharField(
        label="Rechercher un service local ou un espace France Services",
        required=False,
        max_length=100,
        widget=forms.SearchInput,
        help_text=(
            "Un nom, une commune, un département ou son numéro (« CAF de la Gironde », "
            "« Bordeaux », « 33 ») ; les accents et les majuscules ne comptent pas."
        ),
    )


def month_label(period: str) -> str:
    """« 2025-03 » → « mars 2025 »; ``12m`` → « les 12 derniers mois »."""
    if period == LAST_12_MONTHS:
        return "les 12 derniers mois"
    year, month = period.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"
