"""Forms of accounts: they validate input; ``services`` create and activate accounts."""

from __future__ import annotations

from typing import Any

import structlog
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User, normalize_email
from parvis.core.forms import HoneypotMixin, ParvisForm, ParvisFormMixin
from parvis.messaging.services import message_send_now

logger = structlog.get_logger(__name__)


class LoginForm(ParvisFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Après plusieurs essais, "
            "le compte est bloqué quelques minutes."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self) -> str:
        return normalize_email(self.cleaned_data["username"])


def _email_field(**attrs: Any) -> forms.EmailField:
    return forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        help_text=_("Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", **attrs}),
    )


class SignupForm(HoneypotMixin, ParvisForm):
    email = _email_field()
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_(
            "Au moins 12 caractères. Évitez les mots de passe courants, les suites de "
            "chiffres et ce qui ressemble à votre adresse."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            # The validators compare the password with the address it must not resemble.
            candidate = User(email=cleaned.get("email") or "")
            try:
                password_validation.validate_password(password1, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ActivationForm(ParvisForm):
    password = forms.CharField(
        label=_("Mot de passe choisi à la création du compte"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ActivationResendForm(HoneypotMixin, ParvisForm):
    email = _email_field()


class PasswordResetRequestForm(HoneypotMixin, ParvisFormMixin, PasswordResetForm):
    """Django's reset request (silent for unknown or inactive addresses), DSFR-rendered;
    the mail goes through parvis.messaging, sent in the request: the link is a
    credential, so neither it nor the address waits in the broker or the database."""

    email = _email_field(autofocus=True)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        template = email_template_name.removesuffix(".txt")
        if subject_template_name != f"{template}_subject.txt":
            raise ValueError("the subject template must be the body's <name>_subject.txt")
        try:
            message_send_now(template=template, to=to_email, context=context, owner=context["user"])
        except Exception as error:  # as Django does: the page must not differ (enumeration)
            logger.warning(
                "password_reset_email_failed",
                user_id=context["user"].pk,
                error=type(error).__name__,
            )


class NewPasswordForm(ParvisFormMixin, SetPasswordForm):
    """Django's new-password form (validators, confirmation), DSFR-rendered."""


class AccountDeleteForm(ParvisForm):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AccountPasswordChangeForm(ParvisFormMixin, PasswordChangeForm):
    """Django's change of password (current one checked, validators), DSFR-rendered;
    ``services.account_password_change`` saves it."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Ce mot de passe actuel n’est pas le bon."),
    }

    old_password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("Nouveau mot de passe"),
        strip=False,
        help_text=_(
            "Au moins 12 caractères. Évitez les mots de passe courants, les suites de "
            "chiffres et ce qui ressemble à votre adresse."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Confirmation du nouveau mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class EmailChangeForm(ParvisForm):
    email = forms.EmailField(
        label=_("Nouvelle adresse électronique"),
        max_length=254,
        help_text=_("Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])
