"""The subscription form of the reports (plain French, DSFR rendering)."""

from __future__ import annotations

from typing import Any

from django import forms

from parvis.core.forms import HoneypotMixin, ParvisForm
from parvis.directory.models import Organisation
from parvis.reports import selectors

NATIONAL = "national"


class SubscriptionForm(HoneypotMixin, ParvisForm):
    email = forms.EmailField(
        label="Votre adresse électronique",
        max_length=254,
        help_text=(
            "Vous recevrez un lien pour confirmer. L’adresse n’est jamais publiée ; elle est "
            "conservée chiffrée tant que vous êtes abonné et effacée dès le désabonnement."
        ),
    )
    scope = forms.ChoiceField(label="Rapports à recevoir")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {o.slug: o for o in selectors.organisations_for_subscription()}
        field = self.fields["scope"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (NATIONAL, "Rapports nationaux (tous organismes)"),
            ("Un organisme", [(slug, o.name) for slug, o in self.organisations.items()]),
        ]

    def organisation(self) -> Organisation | None:
        """The organisation chosen (None: the national reports); after ``is_valid``."""
        return self.organisations.get(self.cleaned_data["scope"])
