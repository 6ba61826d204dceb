"""Writes of the accounts domain: citizen sign-up, memberships, API tokens, audit, purge.

Each function is the one path for its action (views, API, commands and tests call it),
runs in a transaction and writes its audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import smtplib
from typing import Any, Literal

import structlog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parvis.accounts import selectors
from parvis.accounts.audit import CITIZEN_ACTOR
from parvis.accounts.events import email_verified
from parvis.accounts.models import ApiToken, AuditEvent, Membership, Role, User, normalize_email
from parvis.core import ratelimit
from parvis.core.crypto import encrypt_text
from parvis.core.errors import ParvisError
from parvis.core.french import plural_suffix
from parvis.core.http import absolute_url
from parvis.core.queue import send_on_commit
from parvis.directory.models import LocalService, Organisation, Site
from parvis.messaging.services import message_queue, message_send_now

logger = structlog.get_logger(__name__)
TOKEN_PREFIX = "pvs"  # noqa: S105 - a public marker, not a secret


class AccountsError(ParvisError):
    """A domain rule refused the action; ``code`` is stable, the message is French."""


def _organisation_of(obj: models.Model | None) -> Organisation | None:
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, (LocalService, Site)):
        return obj.organisation
    return getattr(obj, "organisation", None)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    data: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    unnamed_citizen: bool = False,
) -> AuditEvent:
    """Write one audit row. ``data`` holds identifiers and codes, never personal data.

    ``unnamed_citizen``: a citizen acted on their own experience, which the organisation
    must not tie to them unless they share it (joined to their citizen record). The row
    then keeps neither account nor name: the organisation's journal reads « Un usager »
    (``audit.actor_label``)."""
    if unnamed_citizen:
        actor = None
    user = actor if isinstance(actor, User) else None
    if unnamed_citizen:
        label = CITIZEN_ACTOR
    elif user:
        label = str(actor.pk)
    else:
        label = f"token:{actor.prefix}" if isinstance(actor, ApiToken) else "system"
    event = AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        organisation=organisation or _organisation_of(target),
        data=data or {},
    )
    logger.info("audit", action=action, target_type=event.target_type, target_id=event.target_id)
    return event


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    organisation: Organisation | None = None,
    local_service: LocalService | None = None,
    site: Site | None = None,
) -> Membership:
    if role not in Role.values:
        raise AccountsError("unknown_role", "Ce rôle n’existe pas.")
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, organisation=organisation, local_service=local_service, site=site
    )
    if created:
        membership.full_clean()
        audit_record(
            actor=actor,
            action="membership.granted",
            target=membership,
            organisation=_organisation_of(membership.scope_object),
            data={"user_id": user.pk, "role": role},
        )
    return membership


@transaction.atomic
def membership_change_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise AccountsError("unknown_role", "Ce rôle n’existe pas.")
    previous = membership.role
    if previous == role:
        return membership
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.role_changed",
        target=membership,
        organisation=_organisation_of(membership.scope_object),
        data={"user_id": membership.user_id, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    organisation = _organisation_of(membership.scope_object)
    data = {"user_id": membership.user_id, "role": membership.role}
    audit_record(
        actor=actor,
        action="membership.revoked",
        target=membership,
        organisation=organisation,
        data=data,
    )
    membership.delete()


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    scope: str = ApiToken.Scope.READ,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; the plain secret is returned once and never stored."""
    if scope not in ApiToken.Scope.values:
        raise AccountsError("unknown_scope", "Cette portée de jeton n’existe pas.")
    name = name.strip()
    if not name:
        raise AccountsError("name_required", "Donnez un nom au jeton.")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    token = ApiToken(
        organisation=organisation,
        name=name[:100],
        prefix=prefix,
        digest=token_digest(raw),
        scope=scope,
        created_by=actor if isinstance(actor, User) else None,
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="api_token.created",
        target=token,
        data={"prefix": prefix, "scope": scope},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="api_token.revoked", target=token, data={"prefix": token.prefix}
        )
    return token


def api_token_authenticate(raw_token: str) -> ApiToken | None:
    """The usable token matching ``raw_token``; None for malformed, unknown or revoked."""
    parts = raw_token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(raw_token) > 200:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(prefix=parts[1], digest=token_digest(raw_token))
        .first()
    )
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def purge_expired_data(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what must not be kept; the retention settings are on the personal-data page."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from parvis.core.realtime import purge_old_events
    from parvis.core.retention import registered_purges

    now = now or timezone.now()
    axes_cutoff = now - dt.timedelta(days=settings.RETENTION_AXES_DAYS)
    token_cutoff = now - dt.timedelta(days=settings.RETENTION_REVOKED_TOKENS_DAYS)
    audit_cutoff = now - dt.timedelta(days=settings.RETENTION_AUDIT_DAYS)
    counts = {
        "axes_attempts": AccessAttempt.objects.filter(attempt_time__lt=axes_cutoff).delete()[0],
        "axes_logs": AccessLog.objects.filter(attempt_time__lt=axes_cutoff).delete()[0],
        "axes_failures": AccessFailureLog.objects.filter(attempt_time__lt=axes_cutoff).delete()[0],
        "api_tokens": ApiToken.objects.filter(
            models.Q(revoked_at__lt=token_cutoff) | models.Q(expires_at__lt=token_cutoff)
        ).delete()[0],
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "audit_events": AuditEvent.objects.filter(created_at__lt=audit_cutoff).delete()[0],
        "realtime_events": purge_old_events(),
        "pending_accounts": _pending_citizens(
            joined_before=now - dt.timedelta(days=settings.RETENTION_PENDING_ACCOUNTS_DAYS)
        ).delete()[0],
        # the apps' own purges (core.retention): the outbound log, the contact hub's rows…
        **{name: purge(now=now) for name, purge in registered_purges().items()},
    }
    logger.info("purge_expired_data", **counts)
    return counts


# --- Citizen accounts ---------------------------------------------------------------
#
# An optional account gathers the experiences a citizen shares. It is created inactive
# and activated through a link sent by email; the sign-up page never tells whether an
# address is already registered (the owner of the address learns it by email instead).

# Templates ``accounts/emails/<kind>{_subject,}.txt``, sent through parvis.messaging.
AccountEmail = Literal["activation", "already_registered", "invitation"]
# Emails sent to one address, whatever the source: a sign-up form cannot be used to
# flood someone's inbox.


def _is_pending_citizen(user: User) -> bool:
    """Created through sign-up and never activated: no role, no flag, never logged in.

    An agent or citizen deactivated by an administrator is not pending and stays inactive.
    """
    return (
        not user.is_active
        and user.last_login is None
        and not (user.is_staff or user.is_platform_admin or user.is_platform_moderator)
        and not user.memberships.exists()
    )


def _pending_citizens(*, joined_before: dt.datetime) -> models.QuerySet[User]:
    """Sign-ups never activated (the queryset twin of ``_is_pending_citizen``)."""
    return User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        is_staff=False,
        is_platform_admin=False,
        is_platform_moderator=False,
        memberships__isnull=True,
        date_joined__lt=joined_before,
    )


def is_pending_invitation(user: User) -> bool:
    """Invited by an organisation's administrator and never signed in: an account with a
    role but no password yet (``staff_invite``)."""
    return (
        not user.is_active
        and user.last_login is None
        and not user.has_usable_password()
        and user.memberships.exists()
    )


def _token_link(user: User, url_name: str) -> str:
    """An emailed link naming the account and a password-reset token (it dies at the first
    login or change of password): activation and invitation."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(reverse(url_name, kwargs={"uidb64": uidb64, "token": token}))


def invitation_link(user: User) -> str:
    return _token_link(user, "accounts:invitation")


def activation_link(user: User) -> str:
    return _token_link(user, "accounts:activate")


def activation_validity() -> str:
    hours = max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 3600)
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} jour{plural_suffix(days)}"
    return f"{hours} heure{plural_suffix(hours)}"


def send_account_email(user_id: int, kind: AccountEmail) -> None:
    """Run by ``tasks.send_account_email`` after commit: the token hashes the saved
    password, and a mail server that is down must not undo the sign-up (the citizen can
    ask for a new link)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    limit, window = ratelimit.configured_limit("ACCOUNTS_RATE_LIMITS", "mail_email")
    if not ratelimit.hit(
        "accounts:mail:email", user.email, limit=limit, window_seconds=window
    ).allowed:
        logger.info("account_email_throttled", kind=kind, user_id=user.pk)
        return
    context = {
        "site_title": settings.PARVIS_SITE_TITLE,
        "activation_link": activation_link(user) if kind == "activation" else "",
        "invitation_link": invitation_link(user) if kind == "invitation" else "",
        "validity": activation_validity(),
        "login_link": absolute_url(reverse("accounts:login")),
    }
    try:
        # Synchronous, in the worker: the task carries the user id, never the address
        # or the activation link.
        message_send_now(
            template=f"accounts/emails/{kind}", to=user.email, context=context, owner=user
        )
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "account_email_failed", kind=kind, user_id=user.pk, error=type(error).__name__
        )
        return
    logger.info("account_email_sent", kind=kind, user_id=user.pk)


def _queue_account_email(user_id: int, kind: AccountEmail) -> None:
    from parvis.accounts import tasks

    send_on_commit(tasks.send_account_email, user_id, kind)


def _answer_existing(user: User) -> None:
    """What an address already registered receives, instead of an error on the page."""
    if _is_pending_citizen(user):
        _queue_account_email(user.pk, "activation")
    elif user.is_active:
        _queue_account_email(user.pk, "already_registered")
    else:
        logger.info("account_signup_deactivated", user_id=user.pk)


@transaction.atomic
def citizen_signup(*, email: str, password: str) -> User:
    """Create an inactive citizen account and email its activation link.

    ``password`` has passed the password validators. For an address already registered
    nothing visible changes: a pending account takes the new password (earlier links die
    with the old one, and a stranger's password never survives the owner's sign-up) and
    gets a new link; an active account gets an email saying it exists.
    """
    email = normalize_email(email)
    existing = selectors.user_by_email(email)
    if existing is not None:
        if _is_pending_citizen(existing):
            existing.set_password(password)
            existing.save(update_fields=["password"])
        else:
            make_password(password)  # same hashing time: the response time tells nothing
        _answer_existing(existing)
        return existing
    user = User(email=email, is_active=False)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=user, action="account.signed_up", target=user)
    _queue_account_email(user.pk, "activation")
    return user


@transaction.atomic
def citizen_activation_resend(*, email: str) -> None:
    """A new activation link for a pending account; silence for unknown addresses."""
    user = selectors.user_by_email(email)
    if user is not None:
        _answer_existing(user)


@transaction.atomic
def citizen_activate(*, user: User, password: str) -> User:
    """Activate a pending account. The password chosen at sign-up is asked again, so
    whoever opens the link also knows it: a stranger who signed up with someone else's
    address cannot have them activate an account the stranger can log in to."""
    if not _is_pending_citizen(user):
        raise AccountsError("not_pending", "Ce compte est déjà activé ou ne peut pas l’être.")
    if not user.check_password(password):
        raise AccountsError(
            "wrong_password",
            "Ce mot de passe n’est pas celui choisi à la création du compte.",
        )
    user.is_active = True
    user.full_clean()
    user.save(update_fields=["is_active"])
    audit_record(actor=user, action="account.activated", target=user)
    return user


@transaction.atomic
def staff_invite(*, actor: Any, email: str, full_name: str, role: str, **scope: Any) -> Membership:
    """A person the organisation's administrator adds to its members and who has no
    account: one inactive and without a password until they open the invitation sent
    after commit (``staff_invitation_accept``), with its role (``membership_grant``, same
    scope arguments) in the same transaction: a pending invitation is an account with a
    role (``is_pending_invitation``), never purged as an unfinished sign-up."""
    email = normalize_email(email)
    if User.objects.filter(email=email).exists():
        raise AccountsError("exists", "Un compte existe déjà pour cette adresse.")
    user = User.objects.create_user(email, None, full_name=full_name.strip(), is_active=False)
    audit_record(actor=actor, action="account.invited", target=user)
    membership = membership_grant(actor=actor, user=user, role=role, **scope)
    _queue_account_email(user.pk, "invitation")
    return membership


def staff_invitation_resend(*, user: User) -> bool:
    """A new link for an invitation not accepted yet (the first one expires); whether
    there was one to send again."""
    if not is_pending_invitation(user):
        return False
    _queue_account_email(user.pk, "invitation")
    return True


@transaction.atomic
def staff_invitation_accept(*, user: User, password: str) -> User:
    """The invited person chooses their password: the account becomes active."""
    if not is_pending_invitation(user):
        raise AccountsError("not_pending", "Cette invitation a déjà servi ou n’est plus valable.")
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    audit_record(actor=user, action="account.invitation_accepted", target=user)
    return user


@transaction.atomic
def citizen_delete(*, user: User, password: str) -> None:
    """A citizen erases their account (right to erasure). What they published stays,
    without the link to them: experiences lose their author, supports keep only the
    email digest that counts them once (``simplification`` detaches them on delete).
    Agents' accounts are managed by their organisation's administrators."""
    if selectors.is_agent(user):
        raise AccountsError(
            "agent_account",
            "Un compte d’agent se supprime par l’administrateur de votre organisme.",
        )
    if not user.check_password(password):
        raise AccountsError("wrong_password", "Ce mot de passe n’est pas le bon.")
    audit_record(actor=None, action="account.deleted_by_owner", target=user)
    user.delete()


# --- One's own account: password and address ---------------------------------------------


@transaction.atomic
def account_password_change(*, user: User, password: str) -> User:
    """Set a new password the owner chose (the form checked the current one and ran the
    password validators). Links sent earlier (reset, change of address) die with the old
    password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="account.password_changed", target=user)
    return user


def email_change_link(user: User, new_email: str) -> str:
    token = signing.dumps(
        {"u": user.pk, "e": encrypt_text(new_email), "s": selectors.email_change_state(user)},
        salt=selectors.EMAIL_CHANGE_SALT,
        compress=True,
    )
    return absolute_url(reverse("accounts:email_confirm", kwargs={"token": token}))


def citizen_email_change_request(*, user: User, new_email: str, password: str) -> None:
    """Send the new address a link that confirms it (``citizen_email_change_confirm``);
    the account keeps its address until the link is used.

    An address that already belongs to an account gets, instead of the link, an email
    saying so, and the page says the same in both cases: like sign-up, this never tells
    whether an address is registered. Agents' addresses are chosen by their organisation.
    """
    if selectors.is_agent(user):
        raise AccountsError(
            "agent_account",
            "L’adresse d’un compte d’agent se change par l’administrateur de votre organisme.",
            status=403,
        )
    # Counted before the password is checked: a borrowed session cannot guess it.
    limit, window = ratelimit.configured_limit("ACCOUNTS_RATE_LIMITS", "email_change_account")
    if not ratelimit.hit(
        "accounts:email_change:account", str(user.pk), limit=limit, window_seconds=window
    ).allowed:
        raise AccountsError(
            "too_many_requests",
            "Trop de demandes de changement d’adresse pour ce compte : réessayez demain.",
            status=429,
        )
    if not user.check_password(password):
        raise AccountsError("wrong_password", "Ce mot de passe n’est pas le bon.", "password")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise AccountsError("same_email", "C’est déjà l’adresse de votre compte.", "email")
    # The same counter as every account email: no inbox can be flooded from this form.
    limit, window = ratelimit.configured_limit("ACCOUNTS_RATE_LIMITS", "mail_email")
    if not ratelimit.hit(
        "accounts:mail:email", new_email, limit=limit, window_seconds=window
    ).allowed:
        raise AccountsError(
            "too_many_emails",
            "Trop de courriels ont été envoyés à cette adresse : réessayez demain.",
            "email",
            status=429,
        )
    context: dict[str, Any] = {"site_title": settings.PARVIS_SITE_TITLE}
    if selectors.user_by_email(new_email) is not None:
        template = "accounts/emails/email_change_taken"
        context["login_link"] = absolute_url(reverse("accounts:login"))
    else:
        template = "accounts/emails/email_change"
        context["confirm_link"] = email_change_link(user, new_email)
        context["validity"] = activation_validity()
    try:
        # In the request: the link is a credential (never waits in the broker or the log).
        message_send_now(template=template, to=new_email, context=context, owner=user)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("email_change_mail_failed", user_id=user.pk, error=type(error).__name__)
        raise AccountsError(
            "email_not_sent",
            "Le courriel n’a pas pu être envoyé. Réessayez dans quelques minutes.",
            status=503,
        ) from error
    audit_record(actor=user, action="account.email_change_requested", target=user)


@transaction.atomic
def citizen_email_change_confirm(*, user: User, new_email: str) -> User:
    """The owner of the new address opened the link: it replaces the old one, the old
    one is told, and the experiences shared from the new one join the account
    (``events.email_verified``)."""
    new_email = normalize_email(new_email)
    if User.objects.filter(email=new_email).exclude(pk=user.pk).exists():
        raise AccountsError(
            "email_taken",
            "Cette adresse est déjà celle d’un autre compte : l’adresse du vôtre n’a pas changé.",
            status=409,
        )
    old_email = user.email
    if old_email == new_email:
        return user
    user.email = new_email
    user.full_clean()
    user.save(update_fields=["email"])
    audit_record(actor=user, action="account.email_changed", target=user)
    # No credential in the notice: it waits encrypted in the outbox for a worker.
    message_queue(
        template="accounts/emails/email_changed",
        to=old_email,
        context={
            "site_title": settings.PARVIS_SITE_TITLE,
            "contact_email": settings.PARVIS_CONTACT_EMAIL,
        },
        owner=user,
    )
    email_verified.send_on_commit(user.pk)
    return user
