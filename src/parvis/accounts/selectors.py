"""Reads of the accounts domain, scoped to the acting principal."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from parvis.accounts.models import ApiToken, AuditEvent, Membership
from parvis.accounts.scoping import Perm, visible_to


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
