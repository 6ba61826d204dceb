"""Forms of the contact hub's pages: the conversations' filters, the counter visit, the
chat reply (an agent's answer from the conversation page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from parvis.contacts.models import Outcome, Queue, Status
from parvis.contacts.services.visits import MAX_MINUTES
from parvis.core.forms import ParvisForm, SearchForm
from parvis.directory.models import Channel, Motif, Site

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

    def __init__(self, *args: Any, queues: QuerySet[Queue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = queues  # type: ignore[attr-defined]
        self.fields["file"].empty_label = "Toutes"  # type: ignore[attr-defined]
        self.fields["canal"].empty_label = "Tous"  # type: ignore[attr-defined]


class VisitForm(ParvisForm):
    site = forms.ModelChoiceField(label="Lieu d’accueil", queryset=Site.objects.none())
    visitor = forms.CharField(
        label="Usager (facultatif)",
        help_text="Nom, courriel ou téléphone, si l’usager souhaite être recontacté.",
        required=False,
        max_length=200,
    )
    motif = forms.ModelChoiceField(label="Motif", queryset=Motif.objects.none())
    outcome = forms.ChoiceField(label="Issue", choices=[("", "Choisir"), *Outcome.choices])
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
        self.fields["motif"].queryset = motifs  # type: ignore[attr-defined]
        self.fields["motif"].empty_label = "Choisir"  # type: ignore[attr-defined]

    def document_labels(self) -> list[str]:
        labels = dict(COMMON_DOCUMENTS)
        chosen = [labels[code] for code in self.cleaned_data.get("documents", [])]
        other = self.cleaned_data.get("other_documents", "")
        return chosen + [part.strip() for part in other.split(",") if part.strip()]


class ChatReplyForm(ParvisForm):
    text = forms.CharField(
        label="Votre réponse", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
