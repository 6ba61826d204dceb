"""Forms of the contact hub's pages: the conversations' filters, the counter visit, the
chat reply (an agent's answer from the conversation page)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from parvis.contacts.models import Queue, Status, outcomes_for_channel
from parvis.contacts.selectors import PLACE_LEVELS
from parvis.contacts.services.visits import COUNTER, MAX_MINUTES
from parvis.core.forms import ParvisForm, SearchForm
from parvis.directory.models import Channel, LocalService, Motif, Organisation, Site
from parvis.territories.models import Departement, Region

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def place_label(level: str, key: str) -> str:
    """« Lieu : … », « Département : Gironde (33) »… of a drill-down's place."""
    if level == "site":
        name = Site.objects.filter(pk=key).values_list("name", flat=True).first()
        return f"lieu d’accueil : {name or 'inconnu'}"
    if level == "service":
        name = LocalService.objects.filter(pk=key).values_list("name", flat=True).first()
        return f"service local : {name or 'inconnu'}"
    if level == "departement":
        name = Departement.objects.filter(code=key).values_list("name", flat=True).first()
        return f"département : {name or 'inconnu'} ({key})"
    name = Region.objects.filter(code=key).values_list("name", flat=True).first()
    return f"région : {name or 'inconnue'}"


# Documents an agent commonly sees at a counter; anything else goes in « Autres ».
COMMON_DOCUMENTS = [
    ("identite", "Pièce d’identité"),
    ("justificatif-domicile", "Justificatif de domicile"),
    ("avis-imposition", "Avis d’imposition"),
    ("courrier-organisme", "Courrier de l’organisme"),
    ("attestation", "Attestation"),
    ("formulaire", "Formulaire (Cerfa)"),
]


class ConversationFilterForm(SearchForm):
    file = forms.ModelChoiceField(
        label="File d’attente", queryset=Queue.objects.none(), required=False, to_field_name="pk"
    )
    canal = forms.ModelChoiceField(label="Canal", queryset=Channel.objects.all(), required=False)
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *Status.choices], required=False
    )

    # A manager's drill-down from a quality figure (``quality`` back office) names the
    # organisation, the place (``<level>-<key>``, e.g. ``site-12``, ``departement-33``), the
    # month and the moment it counts; carried as hidden fields, summed up above the list.
    organisme = forms.ModelChoiceField(
        label="Organisme",
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Cet organisme n’est pas dans votre périmètre."},
    )
    lieu = forms.RegexField(
        label="Lieu",
        regex=rf"^({'|'.join(PLACE_LEVELS)})-[0-9A-Za-z]{{1,10}}$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Ce lieu n’est pas reconnu."},
    )
    mois = forms.RegexField(
        label="Mois",
        regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Le mois s’écrit AAAA-MM."},
    )
    selon = forms.ChoiceField(
        label="Date retenue",
        choices=[("", "Arrivée en file"), ("resolution", "Résolution")],
        required=False,
        widget=forms.HiddenInput,
    )
    # From the dashboard's « Conversations en attente d'un agent »: what waits for the
    # person to take it (``ConversationFilters.takeable``), the list that count counts.
    a_prendre = forms.BooleanField(label="À prendre", required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        queues: QuerySet[Queue],
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = queues  # type: ignore[attr-defined]
        self.fields["file"].empty_label = "Toutes"  # type: ignore[attr-defined]
        self.fields["canal"].empty_label = "Tous"  # type: ignore[attr-defined]
        if organisations is not None:
            self.fields["organisme"].queryset = organisations  # type: ignore[attr-defined]

    def drill_down(self) -> dict[str, Any]:
        """The drill-down criteria as ``ConversationFilters`` takes them (valid form)."""
        data = self.cleaned_data
        criteria: dict[str, Any] = {"organisation": data.get("organisme")}
        if data.get("lieu"):
            level, _, key = data["lieu"].partition("-")
            criteria["place"] = (level, key)
        if data.get("mois"):
            year, month = map(int, data["mois"].split("-"))
            first = dt.date(year, month, 1)
            last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            criteria["days"] = (first, last)
            criteria["on"] = "resolved" if data.get("selon") == "resolution" else "queued"
        return criteria

    def drill_down_summary(self) -> list[str]:
        """The drill-down criteria in French (shown above the list)."""
        if not (self.is_bound and self.is_valid()):
            return []
        data = self.cleaned_data
        parts = []
        if data.get("organisme"):
            parts.append(str(data["organisme"]))
        if data.get("lieu"):
            level, _, key = data["lieu"].partition("-")
            parts.append(place_label(level, key))
        if data.get("mois"):
            year, month = map(int, data["mois"].split("-"))
            moment = "résolus" if data.get("selon") == "resolution" else "arrivés en file"
            parts.append(f"contacts {moment} en {MONTHS_FR[month - 1]} {year}")
        if parts and data.get("canal"):
            # The channel an indicator counts: a visible filter, but in a folded panel.
            parts.append(f"canal : {data['canal'].label}")
        return parts


def motif_choices(motifs: QuerySet[Motif]) -> list[Any]:
    """The motifs grouped by organisation (an ``optgroup`` each, no JavaScript needed)
    when they come from several, as at a France Services site and its partners."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for motif in motifs.select_related("organisation"):
        groups.setdefault(motif.organisation.name, []).append((motif.pk, motif.label))
    if len(groups) == 1:
        return [("", "Choisir un motif"), *next(iter(groups.values()))]
    return [("", "Choisir un motif"), *groups.items()]


class VisitForm(ParvisForm):
    site = forms.ModelChoiceField(
        label="Lieu d’accueil",
        queryset=Site.objects.none(),
        empty_label="Choisir un lieu",
        error_messages={"required": "Choisissez le lieu d’accueil de la visite."},
    )
    visitor = forms.CharField(
        label="Usager (facultatif)",
        help_text="Nom, courriel ou téléphone, si l’usager souhaite être recontacté.",
        required=False,
        max_length=200,
    )
    motif = forms.ModelChoiceField(
        label="Motif",
        queryset=Motif.objects.none(),
        error_messages={"required": "Choisissez le motif de la visite."},
    )
    outcome = forms.ChoiceField(
        label="Issue",
        error_messages={"required": "Choisissez l’issue de la visite."},
        choices=[
            ("", "Choisir une issue"),
            *((outcome.value, outcome.label) for outcome in outcomes_for_channel(COUNTER)),
        ],
    )
    minutes = forms.IntegerField(
        label="Temps passé (minutes)", min_value=1, max_value=MAX_MINUTES, initial=10
    )
    documents = forms.MultipleChoiceField(
        label="Documents vus",
        choices=COMMON_DOCUMENTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_documents = forms.CharField(
        label="Autres documents vus (facultatif)",
        help_text="Séparés par des virgules.",
        required=False,
        max_length=500,
    )
    note = forms.CharField(
        label="Note interne (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, sites: QuerySet[Site], motifs: QuerySet[Motif], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        motif = cast(forms.ModelChoiceField, self.fields["motif"])
        motif.queryset = motifs
        motif.empty_label = "Choisir un motif"
        motif.choices = choices = motif_choices(motifs)
        if any(isinstance(labels, list) for _, labels in choices):
            motif.help_text = "Regroupés par organisme : celui dont l’usager vous a parlé."

    def document_labels(self) -> list[str]:
        labels = dict(COMMON_DOCUMENTS)
        chosen = [labels[code] for code in self.cleaned_data.get("documents", [])]
        other = self.cleaned_data.get("other_documents", "")
        return chosen + [part.strip() for part in other.split(",") if part.strip()]


class ChatReplyForm(ParvisForm):
    text = forms.CharField(
        label="Votre réponse",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez votre réponse avant de l’envoyer."},
    )
