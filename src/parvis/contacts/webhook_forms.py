"""Forms of the organisation admin's webhook pages (``webhook_views``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.forms import ParvisForm

EVENT_CHOICES = [
    ("conversation_created", _("Conversation créée")),
    ("conversation_assigned", _("Conversation prise en charge")),
    ("conversation_resolved", _("Conversation résolue")),
]


class WebhookForm(ParvisForm):
    url = forms.URLField(
        label=_("Adresse de réception"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Adresse https publique de votre logiciel ; les réseaux privés ou locaux sont refusés."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Événements envoyés"),
        choices=EVENT_CHOICES,
        initial=[code for code, _label in EVENT_CHOICES],
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True)
