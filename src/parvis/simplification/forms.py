"""Forms of the simplification pages (plain French, DSFR rendering, no logic beyond input)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from parvis.core.charter import CharterReason
from parvis.core.forms import HONEYPOT_FIELD, HoneypotMixin, ParvisForm
from parvis.directory.models import Motif, Organisation, Theme
from parvis.simplification.models import (
    PUBLIC_STATUSES,
    STATUS_PUBLIC_CODES,
    DeclineReason,
    Status,
)
from parvis.simplification.services import COMMENT_MAX, PROCEDURE_MAX, TEXT_MAX

PERSONAL_DATA_HELP = (
    "N’écrivez ni votre nom, ni votre adresse, ni un numéro de dossier ou de téléphone : "
    "ce texte sera publié après masquage automatique et relecture."
)


class MotifChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Motif) -> str:
        return obj.label


def _motif_choices() -> list[Any]:
    """Motifs grouped by organisation, an ``optgroup`` each: works without JavaScript;
    ``simplification/propose.js`` then shows only the chosen organisation's group."""
    groups: dict[str, list[tuple[int, str]]] = {}
    motifs = Motif.objects.filter(is_active=True, organisation__is_active=True)
    for motif in motifs.select_related("organisation").order_by(
        "organisation__sort_key", "position", "slug"
    ):
        groups.setdefault(motif.organisation.name, []).append((motif.pk, motif.label))
    return [("", "Je ne sais pas"), *list(groups.items())]


class ProposalForm(HoneypotMixin, ParvisForm):
    organisation = forms.ModelChoiceField(
        label="Organisme concerné",
        queryset=Organisation.objects.administrations().filter(is_active=True).order_by("sort_key"),
        empty_label="Choisir un organisme",
        help_text="L’administration qui gère la démarche ou le formulaire.",
    )
    procedure_name = forms.CharField(
        label="Démarche ou formulaire à simplifier",
        max_length=PROCEDURE_MAX,
        help_text="Par exemple : « Demande d’aide personnalisée au logement ».",
    )
    cerfa_number = forms.CharField(
        label="Numéro Cerfa",
        required=False,
        max_length=20,
        help_text="Il figure en haut à droite du formulaire, par exemple 10840*07.",
    )
    motif = MotifChoiceField(
        label="Sujet de la démarche",
        required=False,
        queryset=Motif.objects.filter(is_active=True),
        help_text="Les sujets sont rangés par organisme : choisissez-en un de l’organisme "
        "indiqué plus haut.",
    )
    theme = forms.ModelChoiceField(
        label="Domaine",
        required=False,
        queryset=Theme.objects.all(),
        empty_label="Aucun en particulier",
    )
    difficulty = forms.CharField(
        label="Qu’est-ce qui est difficile ?",
        max_length=TEXT_MAX,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PERSONAL_DATA_HELP,
    )
    proposal = forms.CharField(
        label="Que proposez-vous pour simplifier ?",
        max_length=TEXT_MAX,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PERSONAL_DATA_HELP,
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        required=False,
        max_length=254,
        help_text="Pour être prévenu de l’avancement de votre demande. Elle n’est jamais "
        "publiée et elle est effacée quand la demande est close.",
    )

    field_order = [
        "organisation",
        "procedure_name",
        "cerfa_number",
        "motif",
        "theme",
        "difficulty",
        "proposal",
        "email",
        HONEYPOT_FIELD,
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["motif"]).choices = _motif_choices()
        # propose.js: the motif list shows the group of the organisation chosen there.
        self.fields["motif"].widget.attrs["data-narrowed-by"] = self["organisation"].auto_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        motif, organisation = cleaned.get("motif"), cleaned.get("organisation")
        if motif and organisation and motif.organisation_id != organisation.pk:
            self.add_error("motif", "Ce sujet ne correspond pas à l’organisme choisi.")
        return cleaned


class SupportForm(HoneypotMixin, ParvisForm):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text="Vous recevrez un lien pour confirmer. L’adresse n’est ni publiée ni conservée.",
    )


class FilterForm(ParvisForm):
    """GET filters of the public list; every field is optional."""

    q = forms.CharField(label="Mot-clé", required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label="Organisme",
        required=False,
        to_field_name="slug",
        queryset=Organisation.objects.none(),
        empty_label="Tous",
    )
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous")]
        + [(STATUS_PUBLIC_CODES.public(s), Status(s).label) for s in PUBLIC_STATUSES],
    )
    annee = forms.TypedChoiceField(
        label="Année de dépôt", required=False, coerce=int, empty_value=None
    )
    theme = forms.ModelChoiceField(
        label="Domaine",
        required=False,
        queryset=Theme.objects.all(),
        empty_label="Tous",
    )

    def __init__(self, *args: Any, organisations: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(forms.ChoiceField, self.fields["annee"]).choices = [("", "Toutes")] + [
            (y, str(y)) for y in years
        ]

    def clean_statut(self) -> str:
        """The URL says the public code (``?statut=realisee``); the query wants ours."""
        return STATUS_PUBLIC_CODES.internal(self.cleaned_data["statut"]) or ""


class TransitionForm(ParvisForm):
    """Back office: one status change with its public comment (and reason when needed)."""

    status = forms.ChoiceField(label="Nouveau statut", widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire public",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Publié dans l’historique de la demande (obligatoire pour « Réalisée »). "
        "Sans donnée personnelle.",
    )
    decline_reason = forms.ChoiceField(
        label="Raison (si la demande n’est pas retenue)",
        required=False,
        choices=[("", "—"), *list(DeclineReason.choices)],
    )
    explanation = forms.CharField(
        label="Explication publique (si la demande n’est pas retenue)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rejection_reason = forms.ChoiceField(
        label="Motif de non-publication",
        required=False,
        choices=[("", "—"), *list(CharterReason.choices)],
    )

    def __init__(
        self, *args: Any, statuses: list[tuple[str, str]], moderation: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = statuses
        if moderation:
            del self.fields["decline_reason"], self.fields["explanation"]
        else:
            del self.fields["rejection_reason"]


class MaskingForm(ParvisForm):
    """Moderation: adjust the masked texts before (or after) publication."""

    procedure_name = forms.CharField(label="Démarche (texte publié)", max_length=PROCEDURE_MAX)
    difficulty = forms.CharField(
        label="Ce qui est difficile (texte publié)",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    proposal = forms.CharField(
        label="Proposition (texte publié)",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
