"""Reads of the espace agents, always built on the accounts scoping selectors.

The querysets below narrow what ``accounts.scoping`` already allows; they never widen it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parvis.accounts.models import ApiToken, AuditEvent, Membership
from parvis.accounts.scoping import Perm, is_platform_admin, visible_to
from parvis.accounts.selectors import (
    api_tokens_visible_to,
    audit_events_visible_to,
    memberships_visible_to,
)
from parvis.directory import servicelevels
from parvis.directory.models import LocalService, Organisation, Site
from parvis.simplification.models import SimplificationRequest
from parvis.simplification.models import Status as RequestStatus
from parvis.simplification.selectors import requests_for_backoffice
from parvis.voice import selectors as voice
from parvis.voice.models import Experience, ExperienceStatus


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


# --- Dashboards -------------------------------------------------------------------------
# Raw counts of the viewer's scope (the n ≥ 10 rule is for the public), each read with
# the selector of the page it links to.


@dataclass(frozen=True)
class SimplificationBacklog:
    to_review: voice.Backlog  # proposed, waiting for a moderator to publish or refuse
    open: int  # the queue's default list: still to decide or to carry out


def simplification_backlog(
    principal: Any, *, now: dt.datetime | None = None
) -> SimplificationBacklog:
    """Simplification requests ``principal`` moderates or follows up (every organisation
    for platform moderators, their organisation's for quality managers). Requests belong
    to a national organisation: their delays count on the metropolitan calendar, against
    the moderation's own thresholds."""
    now = now or timezone.now()
    to_review = requests_for_backoffice(principal, status=RequestStatus.SUBMITTED)
    count = to_review.count()
    backlog = voice.Backlog(count)
    oldest = to_review.first() if count else None
    if oldest is not None:
        waited = servicelevels.working_days_elapsed(
            oldest.submitted_at, now=now, place=servicelevels.METROPOLITAN
        )
        green, orange = voice.sla_thresholds()
        backlog = voice.Backlog(
            count, waited, servicelevels.lateness(waited, at_risk_from=green, late_from=orange)
        )
    return SimplificationBacklog(
        to_review=backlog, open=requests_for_backoffice(principal, open_only=True).count()
    )


@dataclass(frozen=True)
class OrganisationOverview:
    members: int  # people holding at least one role in the organisation
    active_tokens: int
    active_templates: int


def organisation_overview(principal: Any, organisation: Organisation) -> OrganisationOverview:
    """What an organisation admin manages: the same reads as the members, API tokens and
    answer templates pages."""
    now = timezone.now()
    tokens = organisation_api_tokens(principal, organisation).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True
    )
    return OrganisationOverview(
        members=organisation_members(principal, organisation)
        .order_by()
        .values("user")
        .distinct()
        .count(),
        active_tokens=tokens.count(),
        active_templates=voice.templates_visible_to(principal)
        .filter(organisation=organisation, is_active=True)
        .count(),
    )


@dataclass(frozen=True)
class PlatformOverview:
    organisations: int
    local_services: int
    sites: int  # open ones
    agents: int  # accounts holding at least one role
    experiences: dict[str, int]  # status → count
    simplification_requests: int
    active_tokens: int


def platform_overview(principal: Any) -> PlatformOverview:
    """The whole platform at a glance, for platform admins (``visible_to`` gives them
    everything; anyone else gets their own scope)."""
    experiences = (
        visible_to(principal, Experience.objects.all())
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    now = timezone.now()
    return PlatformOverview(
        organisations=visible_to(principal, Organisation.objects.all()).count(),
        local_services=visible_to(principal, LocalService.objects.all()).count(),
        sites=visible_to(principal, Site.objects.filter(is_active=True)).count(),
        agents=memberships_visible_to(principal).order_by().values("user").distinct().count(),
        experiences={status: dict(experiences).get(status, 0) for status in ExperienceStatus},
        simplification_requests=visible_to(principal, SimplificationRequest.objects.all()).count(),
        active_tokens=api_tokens_visible_to(principal)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)
        .count(),
    )
