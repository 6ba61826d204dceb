"""Reads of the accounts domain, scoped to the acting principal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from parvis.accounts.models import ApiToken, AuditEvent, Membership, User, normalize_email
from parvis.accounts.scoping import Perm, grants_for, visible_to
from parvis.core.crypto import DecryptionError, decrypt_text


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


# Ways to work for a public service without a role: a partner's referent to whom a
# conversation was assigned reaches the desk through that assignment alone. Apps that
# create such a relation register a check (``register_agent_relation``, from their
# ``AppConfig.ready()``); accounts imports none of them.
_AGENT_RELATIONS: list[Callable[[Any], bool]] = []


def register_agent_relation(check: Callable[[Any], bool]) -> None:
    """Declare a relation that makes an account an agent without a role."""
    if check not in _AGENT_RELATIONS:
        _AGENT_RELATIONS.append(check)


def is_agent(user: Any) -> bool:
    """Whether ``user`` works for a public service (a role, a platform flag, or a
    registered relation such as a conversation assigned to them).

    A citizen's account has none: it only gathers the experiences they shared.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_platform_admin or user.is_platform_moderator:
        return True
    return bool(grants_for(user)) or any(check(user) for check in _AGENT_RELATIONS)


def is_citizen_account(user: User) -> bool:
    """An account that works for no public service: a citizen's, opened on the public
    site to gather their experiences. Unlike ``is_agent``, an invited person whose account
    is not active yet counts by their roles."""
    if user.is_staff or user.is_platform_admin or user.is_platform_moderator:
        return False
    if Membership.objects.filter(user=user).exists():
        return False
    return not any(check(user) for check in _AGENT_RELATIONS)


def verified_email(user: Any) -> str:
    """The address the account's owner proved, or "" when none is.

    There is no stored flag: a citizen's account exists only once the activation link
    sent to its address was used (``citizen_activate``), and a new address replaces the
    old one only once the link sent to it was opened (``citizen_email_change_confirm``).
    So an active citizen's address is proven; an agent's was typed by an administrator,
    and a pending account's was not proven yet.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or is_agent(user):
        return ""
    return str(user.email)


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


# --- Change of address -------------------------------------------------------------------
#
# The link sent to the new address is signed (``django.core.signing``, salted for this use)
# and carries the account's id, the new address encrypted (a URL ends up in logs) and a
# digest of the account's current address and password: once the address changes (the
# link was used) or the password does, every earlier link is dead.

EMAIL_CHANGE_SALT = "parvis.accounts.email_change"
EMAIL_CHANGE_TOKEN_MAX = 1000


def email_change_state(user: User) -> str:
    return salted_hmac(
        EMAIL_CHANGE_SALT, f"{user.pk}|{user.email}|{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


@dataclass(frozen=True)
class EmailChangeLink:
    """What a confirmation link names; ``problem`` is empty when it may be used."""

    user: User | None = None
    email: str = ""
    problem: Literal["", "expired", "used", "invalid"] = ""


def email_change_of_link(token: str) -> EmailChangeLink:
    """The account and new address of a confirmation link, or why it cannot be used:
    ``expired`` (older than ``PASSWORD_RESET_TIMEOUT``), ``used`` (already used, or the
    account changed since), ``invalid`` (altered or made up)."""
    if not token or len(token) > EMAIL_CHANGE_TOKEN_MAX:
        return EmailChangeLink(problem="invalid")
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.SignatureExpired:
        return EmailChangeLink(problem="expired")
    except (signing.BadSignature, ValueError, UnicodeError):
        return EmailChangeLink(problem="invalid")
    try:
        pk, ciphertext, state = int(data["u"]), str(data["e"]), str(data["s"])
        email = decrypt_text(ciphertext)
    except (KeyError, TypeError, ValueError, DecryptionError):
        return EmailChangeLink(problem="invalid")
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not constant_time_compare(state, email_change_state(user)):
        return EmailChangeLink(problem="used")
    return EmailChangeLink(user=user, email=normalize_email(email))
