"""Reads of the espace agents, always built on the accounts scoping selectors.

The querysets below narrow what ``accounts.scoping`` already allows; they never widen it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parvis.accounts.models import ApiToken, AuditEvent, Membership
from parvis.accounts.scoping import Perm, is_platform_admin, visible_to
from parvis.accounts.selectors import (
    api_tokens_visible_to,
    audit_events_visible_to,
    memberships_visible_to,
)
from parvis.directory.models import LocalService, Organisation, Site


def organisations_administered_by(principal: Any, permission: Perm) -> QuerySet[Organisation]:
    """Organisations on which ``principal`` holds ``permission`` (all, for platform admins)."""
    return visible_to(principal, Organisation.objects.all(), permission).order_by("sort_key")


def organisation_members(principal: Any, organisation: Organisation) -> QuerySet[Membership]:
    """Memberships within ``organisation`` (itself, its local services, its sites)."""
    return (
        memberships_visible_to(principal)
        .filter(
            Q(organisation=organisation)
            | Q(local_service__organisation=organisation)
            | Q(site__organisation=organisation)
        )
        .order_by("user__email", "role", "pk")
    )


def organisation_units(
    principal: Any, organisation: Organisation
) -> tuple[QuerySet[LocalService], QuerySet[Site]]:
    """Local services and sites of ``organisation`` where ``principal`` may grant roles."""
    services = visible_to(
        principal, LocalService.objects.filter(organisation=organisation), Perm.MANAGE_MEMBERS
    ).order_by("sort_key")
    sites = visible_to(
        principal, Site.objects.filter(organisation=organisation), Perm.MANAGE_MEMBERS
    ).order_by("sort_key")
    return services, sites


def organisation_api_tokens(principal: Any, organisation: Organisation) -> QuerySet[ApiToken]:
    return (
        api_tokens_visible_to(principal)
        .filter(organisation=organisation)
        .select_related("created_by")
        .order_by("revoked_at", "-created_at")
    )


def organisation_audit_events(principal: Any, organisation: Organisation) -> QuerySet[AuditEvent]:
    return (
        audit_events_visible_to(principal)
        .filter(organisation=organisation)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def member_organisation_ids(principal: Any) -> list[int]:
    """Organisations where ``principal`` holds a role (directly, or through one of their
    local services or sites), in no particular order."""
    rows = Membership.objects.filter(user=principal).values_list(
        "organisation_id", "local_service__organisation_id", "site__organisation_id"
    )
    return sorted({pk for row in rows for pk in row if pk is not None})


def switchable_organisations(principal: Any) -> QuerySet[Organisation]:
    """Organisations the switcher of the espace agents offers: those of the principal's
    memberships, and every organisation for a platform administrator."""
    organisations = Organisation.objects.order_by("sort_key", "pk")
    if is_platform_admin(principal):
        return organisations
    return organisations.filter(pk__in=member_organisation_ids(principal))
