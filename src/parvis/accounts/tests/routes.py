"""Security registry entries of accounts (see core/tests/route_registry.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parvis.core.tests.route_registry import Route


def _activation(world: Any, key: str) -> dict[str, Any]:
    from parvis.accounts.tests.factories import CitizenFactory

    citizen = CitizenFactory(pending=True)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(citizen.pk)),
        "token": default_token_generator.make_token(citizen),
    }


def _invitation(world: Any, key: str) -> dict[str, Any]:
    """An agent invited by the organisation's administrator: inactive, no password."""
    from parvis.accounts.models import Role
    from parvis.accounts.tests.factories import MembershipFactory, UserFactory

    invited = UserFactory(is_active=False, password=None)
    invited.set_unusable_password()
    invited.save()
    MembershipFactory(user=invited, organisation=world[key].org, role=Role.AGENT)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
        "token": default_token_generator.make_token(invited),
    }


def _reset(world: Any, key: str) -> dict[str, Any]:
    from parvis.accounts.tests.factories import CitizenFactory

    citizen = CitizenFactory()
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(citizen.pk)),
        "token": default_token_generator.make_token(citizen),
    }


def _email_change(world: Any, key: str) -> dict[str, Any]:
    from parvis.accounts.services import email_change_link
    from parvis.accounts.tests.factories import CitizenFactory

    link = email_change_link(CitizenFactory(), f"nouvelle-{key}@exemple.fr")
    return {"token": link.rstrip("/").rsplit("/", 1)[1]}


HTML_ROUTES: dict[str, Route] = {
    "accounts:signup": Route("public"),
    "accounts:signup_sent": Route("public"),
    "accounts:activation_resend": Route("public"),
    "accounts:activate": Route("public", kwargs=_activation),
    # the invitation link is the credential (GET only shows the password form)
    "accounts:invitation": Route("public", kwargs=_invitation),
    "accounts:delete": Route("login", agent_status=403, admin_status=403),
    # « Mon compte »: everyone changes their password; agents' addresses are their
    # organisation's to change
    "accounts:account": Route("login"),
    "accounts:password_change": Route("login"),
    "accounts:email_change": Route("login", agent_status=403, admin_status=403),
    # the link sent to the new address is the credential (GET only shows a button)
    "accounts:email_confirm": Route("public", kwargs=_email_change),
    "accounts:password_reset": Route("public"),
    "accounts:password_reset_done": Route("public"),
    # the token is swapped for a session value: a redirect to the same page without it
    "accounts:password_reset_confirm": Route("public", kwargs=_reset, public_status=302),
    "accounts:password_reset_complete": Route("public"),
}
