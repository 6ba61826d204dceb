"""Forms of the supervisors' actions (French labels; the rules live in
``routing.services.supervision``). The per-row forms (an agent, a contact) are written
by hand in the templates; these forms validate what they post."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.contacts.models import Queue
from parvis.core.forms import ParvisForm
from parvis.routing.models import Presence
from parvis.routing.services.supervision import FORCEABLE, PRIORITY_REASONS


class AgentChoiceForm(ParvisForm):
    user = forms.IntegerField(label="Agent", min_value=1)


class MoveForm(ParvisForm):
    queue = forms.IntegerField(label="Vers la file", min_value=1)


class PresenceForm(ParvisForm):
    presence = forms.ChoiceField(
        label="Présence imposée",
        choices=[(value, Presence(value).label) for value in FORCEABLE],
        initial=Presence.OFFLINE,
    )


class PriorityForm(ParvisForm):
    bonus = forms.IntegerField(label="Bonus de priorité (points)", min_value=0)
    reason = forms.ChoiceField(
        label="Motif", choices=[("", "Choisir un motif"), *PRIORITY_REASONS.items()]
    )


class SettingsForm(ParvisForm):
    overflow_queue = forms.ModelChoiceField(
        label="File de débordement",
        queryset=Queue.objects.none(),
        required=False,
        empty_label="Aucune",
        help_text="Les contacts en attente y vont quand la file est fermée, ou au-delà d’un "
        "seuil quand elle est ouverte.",
    )
    overflow_waiting = forms.IntegerField(
        label="Déborder au-delà de (contacts en attente)", min_value=0, required=False
    )
    overflow_wait_seconds = forms.IntegerField(
        label="Déborder au-delà d’une attente de (secondes)", min_value=1, required=False
    )
    wrap_up_code_required = forms.BooleanField(
        label="Code d’après-contact exigé",
        required=False,
        help_text="L’agent indique le motif de la demande avant de résoudre.",
    )

    def __init__(self, *args: Any, queues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["overflow_queue"].queryset = queues  # type: ignore[attr-defined]
