"""Forms of the desk (French labels; rules live in ``desk.services``)."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.contacts.models import Outcome
from parvis.core.forms import ParvisForm


class ReplyForm(ParvisForm):
    channel = forms.ChoiceField(label="Répondre par")
    template = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Votre réponse",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Pour un rappel téléphonique, ce texte devient une note interne.",
    )

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = channels


class NoteForm(ParvisForm):
    note = forms.CharField(
        label="Note interne (jamais envoyée à l’usager)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransferForm(ParvisForm):
    queue = forms.ModelChoiceField(queryset=None, label="Vers la file")  # type: ignore[arg-type]
    transfer_note = forms.CharField(
        label="Note pour la file (facultative)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, queues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = queues  # type: ignore[attr-defined]


class HandoffForm(ParvisForm):
    organisation = forms.ModelChoiceField(queryset=None, label="Vers l’organisme")  # type: ignore[arg-type]
    handoff_note = forms.CharField(
        label="Note de transmission",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seules les données que l’usager a accepté de partager avec cet organisme "
        "sont transmises avec la note.",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ResolveForm(ParvisForm):
    outcome = forms.ChoiceField(
        label="Issue", choices=[("", "Choisissez l’issue"), *Outcome.choices]
    )


class MotifForm(ParvisForm):
    motif = forms.ModelChoiceField(queryset=None, label="Motif corrigé")  # type: ignore[arg-type]

    def __init__(self, *args: Any, motifs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["motif"].queryset = motifs  # type: ignore[attr-defined]
