"""Reads of the accounts domain, scoped to the acting principal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from parvis.accounts.models import ApiToken, AuditEvent, Membership, User, normalize_email
from parvis.accounts.scoping import Perm, grants_for, visible_to


def memberships_visible_to(principal: Any) -> QuerySet[Membership]:
    return visible_to(
        principal,
        Membership.objects.select_related("user", "organisation", "local_service", "site"),
        Perm.MANAGE_MEMBERS,
    )


def api_tokens_visible_to(principal: Any) -> QuerySet[ApiToken]:
    return visible_to(
        principal, ApiToken.objects.select_related("organisation"), Perm.MANAGE_TOKENS
    )


def audit_events_visible_to(principal: Any) -> QuerySet[AuditEvent]:
    return visible_to(principal, AuditEvent.objects.all(), Perm.VIEW_AUDIT)


def memberships_of(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "organisation", "local_service__organisation", "site"
    )


def is_agent(user: Any) -> bool:
    """Whether ``user`` works for a public service (a role or a platform flag).

    A citizen's account has none: it only gathers the experiences they shared.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_platform_admin or user.is_platform_moderator:
        return True
    return bool(grants_for(user))


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()


def user_of_activation_link(uidb64: str, token: str) -> User | None:
    """The account an activation link names, while the link is valid and unused.

    The token is Django's password-reset token: it expires after
    ``PASSWORD_RESET_TIMEOUT`` and dies at the first login (``last_login`` is in its hash).
    """
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
