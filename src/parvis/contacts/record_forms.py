"""Forms of the citizen record pages (search, identity, contact points and their SMS
consent, file numbers, consent capture, merge). The rules live in ``services.records``;
a form only reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from parvis.contacts.models import (
    AccessibilityNeed,
    ConsentPurpose,
    ContactKind,
    DataCategory,
    FileNumberKind,
    PreferredLanguage,
)
from parvis.core.forms import ParvisForm, SearchForm
from parvis.directory.models import Channel, Organisation


class RecordSearchForm(SearchForm):
    q = forms.CharField(
        label="Rechercher une fiche",
        help_text="Nom, courriel, téléphone ou numéro de dossier.",
        required=False,
        max_length=200,
    )


class NirSearchForm(ParvisForm):
    """Sent by POST, so that a NIR never appears in an address, a history or a log."""

    nir = forms.CharField(
        label="Rechercher par NIR",
        help_text="Le NIR complet, 15 caractères clé comprise.",
        max_length=30,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class RecordIdentityForm(ParvisForm):
    first_name = forms.CharField(label="Prénom", required=False, max_length=150)
    last_name = forms.CharField(label="Nom", required=False, max_length=150)
    display_name = forms.CharField(
        label="Nom d’usage ou nom affiché (facultatif)", required=False, max_length=150
    )
    birth_date = forms.DateField(
        label="Date de naissance (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    preferred_channel = forms.ModelChoiceField(
        label="Canal préféré (facultatif)",
        queryset=Channel.objects.all(),
        required=False,
        empty_label="Aucun",
    )
    preferred_language = forms.ChoiceField(
        label="Langue préférée", choices=PreferredLanguage.choices, initial="fr"
    )
    accessibility_needs = forms.MultipleChoiceField(
        label="Besoins d’accessibilité",
        choices=AccessibilityNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f) for f in ("first_name", "last_name", "display_name")):
            self.add_error("last_name", "Indiquez au moins un nom.")
        birth = data.get("birth_date")
        if birth and not (dt.date(1900, 1, 1) <= birth <= timezone.localdate()):
            self.add_error(
                "birth_date", "La date de naissance doit être comprise entre 1900 et aujourd’hui."
            )
        return data


class RecordCreateForm(RecordIdentityForm):
    organisation = forms.ModelChoiceField(
        label="Organisme", queryset=Organisation.objects.none(), empty_label="Choisir"
    )
    field_order = ["organisation"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class NirForm(ParvisForm):
    nir = forms.CharField(
        label="NIR (numéro de sécurité sociale)",
        help_text="15 caractères, clé comprise. Laissez vide pour l’effacer.",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ContactPointForm(ParvisForm):
    kind = forms.ChoiceField(label="Type de coordonnée", choices=ContactKind.choices)
    value = forms.CharField(label="Coordonnée", max_length=500)


class SmsConsentForm(ParvisForm):
    """The citizen told the agent that this number may receive SMS."""

    channel = forms.ModelChoiceField(
        label="Accord donné",
        queryset=Channel.objects.exclude(slug="sms"),
        empty_label="Par quel canal ?",
        error_messages={"required": "Indiquez par quel canal l’usager a donné son accord."},
    )


class FileNumberForm(ParvisForm):
    kind = forms.ChoiceField(label="Type de numéro", choices=FileNumberKind.choices)
    value = forms.CharField(label="Numéro", max_length=40)


class ConsentForm(ParvisForm):
    purpose = forms.ChoiceField(
        label="Finalité", choices=[("", "Choisir"), *ConsentPurpose.choices]
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Organismes destinataires",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label="Données partagées",
        choices=DataCategory.choices,
        initial=[DataCategory.IDENTITY],
        widget=forms.CheckboxSelectMultiple,
    )
    channel = forms.ModelChoiceField(
        label="Recueilli par le canal", queryset=Channel.objects.all(), empty_label="Choisir"
    )
    months = forms.IntegerField(
        label="Durée (mois, 12 au plus)", min_value=1, max_value=12, initial=12
    )
    confirmed = forms.BooleanField(
        label="L’usager a donné son accord, informé de ce qui sera partagé et avec qui."
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]
