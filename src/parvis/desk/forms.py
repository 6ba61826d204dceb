"""Forms of the desk (French labels; rules live in ``desk.services``)."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django import forms
from django.conf import global_settings, settings
from django.forms.renderers import BaseRenderer, get_default_renderer
from dsfr.forms import DsfrDjangoTemplates

from parvis.contacts.models import Queue, outcomes_for_channel
from parvis.core.forms import ParvisForm
from parvis.directory.models import Motif, Organisation


@cache
def _dsfr_renderer() -> BaseRenderer:
    return DsfrDjangoTemplates()


class _ListedChoices(forms.models.ModelChoiceIterator):
    """Choices read with one plain query: ``ModelChoiceIterator`` uses ``.iterator()``,
    a server-side cursor on PostgreSQL (three round trips: DECLARE, FETCH, CLOSE)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    iterator = _ListedChoices


class DeskForm(ParvisForm):
    """django-dsfr's ``default_renderer`` is its renderer *class*: Django instantiates it
    per form, so each form got a new template engine and parsed every field template
    again (about 7 ms a field, most of the conversation page's time). One renderer
    instance per process keeps its cached loader; the HTML is the same."""

    @property
    def default_renderer(self) -> BaseRenderer:  # type: ignore[override]
        if settings.FORM_RENDERER == global_settings.FORM_RENDERER:
            return _dsfr_renderer()
        return get_default_renderer()


class ReplyForm(DeskForm):
    """A written answer only: a call back is its own form (``CallbackForm``), so an empty
    send is an error of the text, never a call back."""

    channel = forms.ChoiceField(label="Répondre par")
    template = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Votre réponse",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Écrivez votre réponse avant de l’envoyer."},
    )

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["channel"]).choices = channels


class CallbackForm(DeskForm):
    callback_note = forms.CharField(
        label="Note pour l’agent qui rappellera (facultative)",
        help_text="Note interne, jamais envoyée à l’usager.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class NoteForm(DeskForm):
    note = forms.CharField(
        label="Note interne (jamais envoyée à l’usager)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EscalateForm(DeskForm):
    escalation_reason = forms.CharField(
        label="Ce que vous demandez au référent",
        help_text="La situation de l’usager et la question posée : le référent la lit avant "
        "d’accepter (note interne, jamais envoyée à l’usager).",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Écrivez la question que vous posez au référent."},
    )


class TransferForm(DeskForm):
    queue = ListedModelChoiceField(
        queryset=Queue.objects.none(), label="Vers la file", empty_label="Choisir une file"
    )
    transfer_note = forms.CharField(
        label="Note pour la file (facultative)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, queues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["queue"]).queryset = queues


class HandoffForm(DeskForm):
    organisation = ListedModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Vers l’organisme",
        empty_label="Choisir un organisme",
    )
    handoff_note = forms.CharField(
        label="Note de transmission",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seules les données que l’usager a accepté de partager avec cet organisme "
        "sont transmises avec la note.",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations


class ResolveForm(DeskForm):
    """Only the outcomes of the conversation's channel (``contacts.models.CHANNEL_OUTCOMES``)."""

    outcome = forms.ChoiceField(label="Issue")

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            ("", "Choisir une issue"),
            *((outcome.value, outcome.label) for outcome in outcomes_for_channel(channel)),
        ]


class MotifForm(DeskForm):
    """A partner's motif (a France Services conversation) is named with its organisation:
    « CAF : Aide au logement »."""

    motif = ListedModelChoiceField(
        queryset=Motif.objects.none(), label="Motif corrigé", empty_label="Choisir un motif"
    )

    def __init__(self, *args: Any, motifs: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["motif"])
        field.queryset = motifs

        def label(motif: Motif) -> str:
            if motif.organisation_id == organisation_id:
                return motif.label
            partner = motif.organisation
            return f"{partner.short_name or partner.name} : {motif.label}"

        field.label_from_instance = label  # type: ignore[method-assign,assignment]


class PriorityForm(DeskForm):
    """Urgency and vulnerability as the agent confirms them (routing's bonuses)."""

    urgency = forms.BooleanField(label="Urgence confirmée", required=False)
    vulnerability_reason = forms.ChoiceField(
        label="Situation de fragilité",
        required=False,
        help_text="Seul un motif de la liste est enregistré, jamais un texte libre.",
    )
    source = forms.ChoiceField(
        label="Origine",
        choices=[
            ("confirmed", "Constatée par moi"),
            ("declared", "Déclarée par l’usager"),
        ],
        initial="confirmed",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parvis.contacts.services.priority import VULNERABILITY_REASONS

        cast(forms.ChoiceField, self.fields["vulnerability_reason"]).choices = [
            ("", "Aucune"),
            *((code, str(label).capitalize()) for code, label in VULNERABILITY_REASONS.items()),
        ]
