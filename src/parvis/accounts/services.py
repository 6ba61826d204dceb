"""Writes of the accounts domain: memberships, API tokens, audit and data purge.

Each function is the one path for its action (views, API, commands and tests call it),
runs in a transaction and writes its audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import structlog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from parvis.accounts.models import ApiToken, AuditEvent, Membership, Role, User
from parvis.directory.models import LocalService, Organisation, Site

logger = structlog.get_logger(__name__)
TOKEN_PREFIX = "pvs"  # noqa: S105 - a public marker, not a secret


class AccountsError(Exception):
    """A domain rule refused the action; ``code`` is stable, the message is French."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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
) -> AuditEvent:
    """Write one audit row. ``data`` holds identifiers and codes, never personal data."""
    user = actor if isinstance(actor, User) else None
    label = (
        str(actor.pk)
        if user
        else (f"token:{actor.prefix}" if isinstance(actor, ApiToken) else "system")
    )
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
    }
    logger.info("purge_expired_data", **counts)
    return counts
