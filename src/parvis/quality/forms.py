"""Forms of the quality back office: an indicator of the catalogue (platform admins), an
organisation's targets (its quality managers), the import of declared figures.

The bounds are the services' (``Calculator.check``, ``services.min_n_floor``,
``services.target_error``): a form only reads what was typed (a share in %, French
decimal commas) and the view shows each refusal of the service next to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from parvis.core.forms import ParvisForm
from parvis.directory.models import Channel, Organisation
from parvis.quality import calculators
from parvis.quality.models import Direction, Indicator, Unit

# French names of the channels a calculator's parameters may name, when the directory's
# reference table is not loaded.
CHANNEL_LABELS = {
    "guichet": "Guichet",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "sms": "SMS",
    "chat": "Tchat",
}
IMPORT_MAX_BYTES = 2 * 1024 * 1024


class NumberField(forms.FloatField):
    """A number typed the French way (« 0,9 ») or the browser's (« 0.9 »)."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


def _number(value: float) -> int | float:
    """Whole numbers stay integers (parameters such as a number of days)."""
    return int(value) if float(value).is_integer() else value


def channel_labels(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, French name) of channels, from the directory's reference table."""
    known = dict(Channel.objects.filter(slug__in=codes).values_list("slug", "label"))
    return [(code, known.get(code) or CHANNEL_LABELS.get(code, code)) for code in codes]


def parameter_field_name(name: str) -> str:
    return f"param_{name}"


class IndicatorForm(ParvisForm):
    """What a platform admin edits of an indicator; one field per parameter its
    calculator declares (a number within bounds, or a choice among values)."""

    name = forms.CharField(label="Nom", max_length=200)
    definition = forms.CharField(
        label="Définition",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Ce que mesure l’indicateur, en mots simples : elle est publiée avec chaque chiffre."
        ),
    )
    min_n_publish = forms.IntegerField(
        label="Effectif minimal publié",
        help_text="En deçà, le chiffre n’est pas publié (donnée insuffisante).",
    )
    min_n_rank = forms.IntegerField(
        label="Effectif minimal classé",
        help_text="En deçà, un territoire figure dans les classements sans rang.",
    )
    coverage_threshold = NumberField(
        label="Couverture minimale du calcul (%)",
        help_text=(
            "Le chiffre calculé remplace le chiffre déclaré quand il couvre au moins cette "
            "part des cas déclarés (entre 0 et 100\u202f%)."
        ),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    sp_code = forms.CharField(
        label="Code indicateur Services Publics+",
        max_length=40,
        required=False,
        help_text="Facultatif : le code de l’indicateur dans le référentiel Services Publics+.",
    )
    is_published = forms.BooleanField(
        label="Publié sur les pages publiques et en données ouvertes", required=False
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        self.indicator = indicator
        self.calculator = calculators.calculator_of(indicator.calculator)
        super().__init__(*args, **kwargs)
        for parameter in self.calculator.parameters:
            self.fields[parameter_field_name(parameter.name)] = self._parameter_field(parameter)

    @staticmethod
    def _parameter_field(parameter: calculators.Parameter) -> forms.Field:
        if parameter.choices:
            return forms.MultipleChoiceField(
                label=parameter.label,
                choices=channel_labels(parameter.choices)
                if parameter.name == "channels"
                else [(c, c) for c in parameter.choices],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        bounds = []
        if parameter.minimum is not None:
            bounds.append(f"au moins {parameter.minimum:g}".replace(".", ","))
        if parameter.maximum is not None:
            bounds.append(f"au plus {parameter.maximum:g}".replace(".", ","))
        if parameter.step:
            bounds.append(f"par pas de {parameter.step:g}".replace(".", ","))
        attrs = {
            key: value
            for key, value in (
                ("min", parameter.minimum),
                ("max", parameter.maximum),
                ("step", parameter.step or "any"),
            )
            if value is not None
        }
        return NumberField(
            label=parameter.label,
            help_text=f"Valeur permise : {', '.join(bounds)}." if bounds else "",
            widget=forms.NumberInput(attrs=attrs),
        )

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": indicator.name,
            "definition": indicator.definition,
            "min_n_publish": indicator.min_n_publish,
            "min_n_rank": indicator.min_n_rank,
            "coverage_threshold": _number(round(indicator.coverage_threshold * 100, 6)),
            "sp_code": indicator.sp_code,
            "is_published": indicator.is_published,
        }
        calculator = calculators.calculator_of(indicator.calculator)
        values = {**calculator.defaults(), **indicator.parameters}
        for parameter in calculator.parameters:
            initial[parameter_field_name(parameter.name)] = values.get(parameter.name)
        return initial

    def changes(self) -> dict[str, Any]:
        """The cleaned values as ``services.indicator_update`` takes them."""
        data = self.cleaned_data
        parameters: dict[str, Any] = {}
        for parameter in self.calculator.parameters:
            value = data.get(parameter_field_name(parameter.name))
            if parameter.choices:
                parameters[parameter.name] = list(value or [])
            elif value is not None:
                parameters[parameter.name] = _number(value)
        coverage = data["coverage_threshold"]
        return {
            "name": data["name"],
            "definition": data["definition"],
            "min_n_publish": data["min_n_publish"],
            "min_n_rank": data["min_n_rank"],
            "coverage_threshold": round(coverage / 100, 6) if coverage is not None else None,
            "sp_code": data["sp_code"],
            "is_published": data["is_published"],
            "parameters": parameters,
        }

    def field_of(self, key: str) -> str | None:
        """The form field of a service refusal's key (``parameters.<name>`` included)."""
        if key.startswith("parameters."):
            key = parameter_field_name(key.removeprefix("parameters."))
        return key if key in self.fields else None


UNIT_HINTS: dict[str, str] = {
    Unit.SHARE: "En pourcentage, de 0 à 100.",
    Unit.SECONDS: "En secondes.",
    Unit.WORKING_DAYS: "En jours ouvrés.",
    Unit.SCORE: "Note de 1 à 5.",
}
DIRECTION_HINTS: dict[str, str] = {
    Direction.HIGHER: "atteinte quand le résultat est au moins égal à la cible",
    Direction.LOWER: "atteinte quand le résultat est au plus égal à la cible",
}


def target_field_name(indicator: Indicator) -> str:
    return f"target_{indicator.pk}"


class TargetsForm(ParvisForm):
    """One optional field per indicator: the organisation's target, in the indicator's
    unit (a share in %). An empty field removes the target."""

    def __init__(
        self, *args: Any, indicators: list[Indicator], targets: dict[int, float], **kwargs: Any
    ) -> None:
        self.indicators = indicators
        initial = {
            target_field_name(i): _shown_target(i, targets[i.pk])
            for i in indicators
            if i.pk in targets
        }
        super().__init__(*args, initial=initial, **kwargs)
        for indicator in indicators:
            attrs: dict[str, Any] = {"step": "any", "min": 0}
            if indicator.unit == Unit.SHARE:
                attrs["max"] = 100
            elif indicator.unit == Unit.SCORE:
                attrs |= {"min": 1, "max": 5}
            self.fields[target_field_name(indicator)] = NumberField(
                label=indicator.name,
                required=False,
                help_text=(
                    f"{UNIT_HINTS[indicator.unit]} Cible {DIRECTION_HINTS[indicator.direction]}."
                ),
                widget=forms.NumberInput(attrs=attrs),
            )

    def values(self) -> dict[Indicator, float | None]:
        """Indicator → target in the stored unit (a share between 0 and 1), or ``None``."""
        values: dict[Indicator, float | None] = {}
        for indicator in self.indicators:
            value = self.cleaned_data.get(target_field_name(indicator))
            if value is not None and indicator.unit == Unit.SHARE:
                value = round(value / 100, 6)
            values[indicator] = value
        return values

    def field_of(self, code: str) -> str | None:
        for indicator in self.indicators:
            if indicator.code == code:
                return target_field_name(indicator)
        return None


def _shown_target(indicator: Indicator, value: float) -> int | float:
    return _number(round(value * 100, 4) if indicator.unit == Unit.SHARE else value)


class DeclaredImportForm(ParvisForm):
    """A CSV file of declared figures for one of the organisations one manages."""

    organisation = forms.ModelChoiceField(
        label="Organisme",
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label="Choisir",
        error_messages={
            "required": "Choisissez l’organisme qui déclare ces résultats.",
            "invalid_choice": "Choisissez un organisme parmi ceux que vous gérez.",
        },
    )
    source = forms.CharField(
        label="Source des chiffres",
        max_length=200,
        help_text="D’où viennent ces chiffres : outil, service, enquête (publié avec eux).",
        error_messages={"required": "Indiquez la source de ces chiffres."},
    )
    file = forms.FileField(
        label="Fichier CSV",
        help_text=(
            "UTF-8, séparé par des virgules, 2 Mo au plus, avec la ligne d’en-tête du modèle."
        ),
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                "Le fichier dépasse 2 Mo : découpez-le en plusieurs envois."
            )
        return upload
