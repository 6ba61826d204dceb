"""Forms of the espace agents: they validate input, the accounts services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import ApiToken, Role, User, normalize_email
from parvis.accounts.selectors import is_citizen_account
from parvis.accounts.services import is_pending_invitation
from parvis.core.forms import ParvisForm
from parvis.directory.models import LocalService, Organisation, Site

TOKEN_LIFETIMES = [
    (30, _("30 jours")),
    (90, _("90 jours")),
    (180, _("6 mois")),
    (365, _("1 an")),
]


class MembershipGrantForm(ParvisForm):
    """Give a role within the organisation or one of its units to an account, or to a
    person without one, who is then invited by email to choose a password."""

    email = forms.EmailField(
        label=_("Adresse électronique de l’agent"),
        help_text=_("Format attendu : nom@domaine.fr"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Prénom et nom"),
        max_length=200,
        required=False,
        help_text=_(
            "Seulement pour une personne qui n’a pas encore de compte : elle reçoit une "
            "invitation à choisir son mot de passe."
        ),
    )
    account: User | None = None  # the address's account, when it has one (``clean_email``)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    scope = forms.ChoiceField(
        label=_("Périmètre"),
        help_text=_("Un rôle donné sur l’organisme vaut pour tous ses services et accueils."),
    )
    confirm_citizen_account = forms.BooleanField(
        label=_("Je confirme donner ce rôle à un compte qui n’en a aucun"),
        required=False,
        help_text=_(
            "Demandé seulement quand l’adresse est celle d’un compte sans rôle, le plus "
            "souvent un compte d’usager : il verra alors les données de l’organisme."
        ),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, local_services: Any, sites: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self._scopes: dict[str, Organisation | LocalService | Site] = {
            f"organisation:{organisation.pk}": organisation
        }
        choices: list[tuple[Any, Any]] = [
            (f"organisation:{organisation.pk}", f"Tout l’organisme : {organisation}")
        ]
        service_choices = []
        for service in local_services:
            self._scopes[f"service:{service.pk}"] = service
            service_choices.append((f"service:{service.pk}", str(service)))
        if service_choices:
            choices.append((_("Services locaux"), service_choices))
        site_choices = []
        for site in sites:
            self._scopes[f"site:{site.pk}"] = site
            site_choices.append((f"site:{site.pk}", str(site)))
        if site_choices:
            choices.append((_("Accueils"), site_choices))
        scope_field = self.fields["scope"]
        assert isinstance(scope_field, forms.ChoiceField)
        scope_field.choices = choices

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if len(email.rpartition("@")[0]) > 64:  # RFC 5321: no mail server takes more
            raise forms.ValidationError(
                _("Cette adresse est trop longue : 64 caractères au plus avant « @ ».")
            )
        user = User.objects.filter(email=email).first()
        if user is not None and not user.is_active and not is_pending_invitation(user):
            raise forms.ValidationError(
                _(
                    "Le compte de cette adresse est désactivé ou n’est pas encore activé : "
                    "demandez à l’administrateur de la plateforme de le réactiver."
                )
            )
        self.account = user
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.account is not None
            and is_citizen_account(self.account)
            and not cleaned.get("confirm_citizen_account")
        ):
            # An agent works under a professional address: a role on a citizen's own
            # account (their experiences, their record) is rarely meant.
            self.add_error(
                "email",
                _(
                    "Cette adresse est celle d’un compte sans aucun rôle dans un service "
                    "public : le plus souvent un compte d’usager, ouvert sur le site public. "
                    "Un agent utilise son adresse professionnelle ; pour donner quand même "
                    "ce rôle à ce compte, cochez la confirmation."
                ),
            )
        if self.account is None and "email" in cleaned and not cleaned.get("full_name"):
            self.add_error(
                "full_name",
                _(
                    "Aucun compte ne correspond à cette adresse : indiquez le prénom et "
                    "le nom de la personne pour lui envoyer une invitation."
                ),
            )
        return cleaned

    def scope_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``membership_grant``: exactly one scope object."""
        target = self._scopes[self.cleaned_data["scope"]]
        if isinstance(target, Organisation):
            return {"organisation": target}
        if isinstance(target, LocalService):
            return {"local_service": target}
        return {"site": target}


class MembershipChangeRoleForm(ParvisForm):
    role = forms.ChoiceField(label=_("Nouveau rôle"), choices=Role.choices)


class ApiTokenCreateForm(ParvisForm):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour reconnaître le logiciel qui l’utilise, par exemple « Portail usagers »."),
    )
    scope = forms.ChoiceField(
        label=_("Droits"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Durée de validité"), choices=TOKEN_LIFETIMES, coerce=int, initial=365
    )
