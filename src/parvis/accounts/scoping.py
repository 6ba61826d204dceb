"""Organisation scoping: the one place that decides what a principal may see and do.

A *principal* is a user (through memberships) or an API token (bound to an
organisation). Scope inherits downward: an organisation grant covers its local services
and sites; a local-service grant covers that service and its sites; a site grant covers
that site only. A France Services site belongs to the structure that runs it: partner
organisations' grants never reach it, and its agents never reach a partner's back office.

Status rules used by every view and endpoint:

* object outside the principal's scope → 404 (``get_visible_or_404``);
* in scope but role not allowed → 403 (``require_permission``);
* anonymous → login redirect (HTML) or 401 (API), handled by the callers' decorators.

Models are registered with the lookups that lead from them to an organisation, a local
service and a site (``register``); ``visible_to`` filters any registered queryset.

Besides that territorial scope, a model may be reached through *relations*: a consent
the citizen gave to share their record, a queue membership, an assignment. Each is a
``Relation`` registered with the model (``register(..., relations=[...])`` or
``relate(model, ...)`` from another app's ``ready()``); ``visible_to``, ``has_permission``
and ``get_visible_or_404`` add the objects it reaches, so pages, API and WebSocket checks
agree. ``holders`` stays territorial (who to alert is decided by grants).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from parvis.accounts.models import ApiToken, Membership, Role, User


class Perm(enum.StrEnum):
    """What a role allows within its scope."""

    VIEW = "view"  # see back-office data of the scope
    SUPERVISE = "supervise"  # queues, waiting times, staff activity
    MANAGE_QUALITY = "manage_quality"  # answer experiences, declare indicators
    MANAGE_DIRECTORY = "manage_directory"  # edit services, sites, opening hours
    MANAGE_MEMBERS = "manage_members"  # grant and revoke roles
    MANAGE_TOKENS = "manage_tokens"  # create and revoke API tokens
    VIEW_AUDIT = "view_audit"
    API_WRITE = "api_write"
    # The agent desk (``parvis.desk``): take from a queue (queue membership decides which),
    # answer the citizen, hand a conversation over to another organisation.
    TAKE = "take"
    REPLY = "reply"
    TRANSFER_OUT = "transfer_out"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.AGENT: frozenset({Perm.VIEW, Perm.TAKE, Perm.REPLY}),
    Role.SUPERVISOR: frozenset(
        {Perm.VIEW, Perm.SUPERVISE, Perm.TAKE, Perm.REPLY, Perm.TRANSFER_OUT}
    ),
    Role.QUALITY_MANAGER: frozenset({Perm.VIEW, Perm.MANAGE_QUALITY}),
    Role.ORGANISATION_ADMIN: frozenset(Perm) - {Perm.API_WRITE},
}
TOKEN_PERMISSIONS: dict[str, frozenset[Perm]] = {
    ApiToken.Scope.READ: frozenset({Perm.VIEW}),
    ApiToken.Scope.WRITE: frozenset({Perm.VIEW, Perm.API_WRITE}),
}


@dataclass(frozen=True)
class Grant:
    permissions: frozenset[Perm]
    organisation_id: int | None = None
    local_service_id: int | None = None
    site_id: int | None = None


@dataclass(frozen=True)
class ScopePaths:
    """ORM lookups from a model to the organisation / local service / site ids it sits in.

    ``None`` means a grant at that level never covers the model (e.g. a site grant does
    not cover the organisation's local services).
    """

    organisation: tuple[str, ...]
    local_service: tuple[str, ...]
    site: tuple[str, ...]


@dataclass(frozen=True)
class Relation:
    """A non-territorial way to reach a model's objects.

    ``condition(principal, grants)`` returns the ``Q`` of the objects the relation reaches
    for ``principal`` (or ``None``: nothing). ``grants`` are the principal's grants that
    hold the permission asked for, so a relation may require one (a consent covers the
    organisations the principal works in) or not (a person's own queue membership).
    ``permissions``: the permissions the relation gives on what it reaches. Write the
    condition as ``Q(pk__in=<subquery>)`` or simple lookups: it is OR-ed with the
    territorial scope in one query.
    """

    name: str
    condition: Callable[[Any, list[Grant]], Q | None]
    permissions: frozenset[Perm] = frozenset({Perm.VIEW})


Lookups = str | tuple[str, ...] | None
_REGISTRY: dict[type[models.Model], ScopePaths] = {}
_RELATIONS: dict[type[models.Model], dict[str, Relation]] = {}
_MODERATION: dict[type[models.Model], Perm] = {}
M = TypeVar("M", bound=models.Model)


def _as_tuple(lookups: Lookups) -> tuple[str, ...]:
    if lookups is None:
        return ()
    return (lookups,) if isinstance(lookups, str) else tuple(lookups)


def register(
    model: type[models.Model],
    *,
    organisation: Lookups,
    local_service: Lookups,
    site: Lookups,
    moderation: Perm | None = None,
    relations: Iterable[Relation] = (),
) -> None:
    """Declare how ``model`` reaches the organisation, local service and site it sits in.

    ``moderation``: the permission that lets a role moderate the model's objects in its
    scope (see ``can_moderate``); platform moderators and admins need none.
    ``relations``: the non-territorial ways to reach its objects (see ``Relation``).
    """
    _REGISTRY[model] = ScopePaths(
        _as_tuple(organisation), _as_tuple(local_service), _as_tuple(site)
    )
    if moderation is not None:
        _MODERATION[model] = moderation
    relate(model, *relations)


def relate(model: type[models.Model], *relations: Relation) -> None:
    """Add relations to a registered model (an app extending another's model, e.g.
    routing's assignment on conversations). A relation of the same name replaces it."""
    for relation in relations:
        _RELATIONS.setdefault(model, {})[relation.name] = relation


def relations_of(model: type[models.Model]) -> list[Relation]:
    return list(_RELATIONS.get(model, {}).values())


def organisations_of(grants: Iterable[Grant]) -> models.QuerySet[Any]:
    """The ids (a subquery) of the organisations ``grants`` work in: an organisation grant,
    the organisation of a local service, the organisation of a site (a France Services
    site's operator). For relations that cover organisations (a consent)."""
    from parvis.directory.models import Organisation

    grants = list(grants)
    org_ids = {g.organisation_id for g in grants if g.organisation_id}
    service_ids = {g.local_service_id for g in grants if g.local_service_id}
    site_ids = {g.site_id for g in grants if g.site_id}
    return Organisation.objects.filter(
        Q(pk__in=org_ids) | Q(local_services__in=service_ids) | Q(sites__in=site_ids)
    ).values("pk")


def _relations_q(
    model: type[models.Model],
    principal: Any,
    grants: list[Grant],
    perm: Perm,
    names: Collection[str] | None = None,
) -> Q:
    condition = Q(pk__in=[])
    for relation in _RELATIONS.get(model, {}).values():
        if perm not in relation.permissions or (names is not None and relation.name not in names):
            continue
        reached = relation.condition(principal, grants)
        if reached is not None:
            condition |= reached
    return condition


def _access_q(
    model: type[models.Model],
    principal: Any,
    permission: Perm,
    relations: Collection[str] | None = None,
) -> Q | None:
    """Territorial scope OR relations (all, or those named), for ``permission``;
    ``None`` when nothing."""
    grants = [g for g in grants_for(principal) if permission in g.permissions]
    condition = _scope_q(_REGISTRY[model], grants) if grants else Q(pk__in=[])
    if _RELATIONS.get(model) and not isinstance(principal, ApiToken):
        condition |= _relations_q(model, principal, grants, permission, relations)
    if condition == Q(pk__in=[]):
        return None
    return condition


def is_registered(model: type[models.Model]) -> bool:
    return model in _REGISTRY


def is_platform_admin(principal: Any) -> bool:
    return bool(getattr(principal, "is_platform_admin", False) and principal.is_active)


def is_platform_moderator(principal: Any) -> bool:
    """The platform moderator flag (use ``can_moderate`` to decide who moderates)."""
    return bool(getattr(principal, "is_platform_moderator", False) and principal.is_active)


def can_moderate(principal: Any, obj: models.Model | None = None) -> bool:
    """Whether ``principal`` moderates ``obj`` (or moderates everywhere, if ``obj`` is None).

    Platform moderators and platform admins moderate everywhere. Besides them, the roles
    holding the permission a model was registered with (``register(moderation=...)``)
    moderate that model's objects in their scope: quality managers moderate their
    organisation's simplification requests. A person only, never an API token.
    """
    if isinstance(principal, ApiToken) or not getattr(principal, "is_authenticated", False):
        return False
    if is_platform_moderator(principal) or is_platform_admin(principal):
        return True
    permission = _MODERATION.get(type(obj)) if obj is not None else None
    return permission is not None and has_permission(principal, permission, obj)


def grants_for(principal: Any) -> list[Grant]:
    """Every grant of a user or token; cached on the object for the request."""
    if principal is None:
        return []
    cached = getattr(principal, "_parvis_grants", None)
    if cached is not None:
        return cached
    grants: list[Grant]
    if isinstance(principal, ApiToken):
        grants = (
            [Grant(TOKEN_PERMISSIONS[principal.scope], organisation_id=principal.organisation_id)]
            if principal.is_usable
            else []
        )
    elif getattr(principal, "is_authenticated", False) and principal.is_active:
        grants = [
            Grant(ROLE_PERMISSIONS[m.role], m.organisation_id, m.local_service_id, m.site_id)
            for m in Membership.objects.filter(user=principal).only(
                "role", "organisation_id", "local_service_id", "site_id"
            )
        ]
    else:
        grants = []
    principal._parvis_grants = grants
    return grants


def forget_grants(principal: Any) -> None:
    if hasattr(principal, "_parvis_grants"):
        del principal._parvis_grants


def _scope_lookups(paths: ScopePaths, grants: Iterable[Grant]) -> Iterator[tuple[str, set[int]]]:
    """(lookup, ids) for each level the grants hold: the territorial scope is the OR of
    ``lookup`` in ``ids`` (organisation, local service, site)."""
    grants = list(grants)
    for ids, lookups in (
        ({g.organisation_id for g in grants if g.organisation_id}, paths.organisation),
        ({g.local_service_id for g in grants if g.local_service_id}, paths.local_service),
        ({g.site_id for g in grants if g.site_id}, paths.site),
    ):
        for lookup in lookups if ids else ():
            yield lookup, ids


def _scope_q(paths: ScopePaths, grants: Iterable[Grant]) -> Q:
    condition = Q(pk__in=[])
    for lookup, ids in _scope_lookups(paths, grants):
        condition |= Q(**{f"{lookup}__in": ids})
    return condition


def visible_to(
    principal: Any,
    queryset: models.QuerySet[M],
    permission: Perm = Perm.VIEW,
    *,
    relations: Collection[str] | None = None,
) -> models.QuerySet[M]:
    """``queryset`` restricted to what ``principal`` may access with ``permission``.

    ``relations``: the names of the relations that count beside the territorial scope
    (all by default). A list of work names only its own (``queue_membership``,
    ``assignment``): a conversation reached through its citizen's record (``organisation``,
    a consent) belongs in that record's history, not among the conversations to take."""
    model = queryset.model
    if model not in _REGISTRY:
        raise LookupError(f"{model.__name__} is not registered for scoping.")
    if is_platform_admin(principal):
        return queryset
    condition = _access_q(model, principal, permission, relations)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition).distinct()


def get_visible_or_404(principal: Any, queryset: models.QuerySet[M], **lookup: Any) -> M:
    """The object if ``principal`` can see it at all (any role), else 404."""
    try:
        return visible_to(principal, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


_NOT_LOADED = object()


def _loaded_value(obj: models.Model, lookup: str) -> Any:
    """The value ``lookup`` reaches from ``obj`` through what is already in memory (its
    own columns, related objects fetched with it), else ``_NOT_LOADED``."""
    *hops, last = lookup.split("__")
    current: Any = obj
    for hop in hops:
        field = current._meta.get_field(hop)
        if not (field.many_to_one or field.one_to_one) or not field.is_cached(current):
            return _NOT_LOADED
        current = getattr(current, hop)
        if current is None:
            return None
    field = current._meta.pk if last == "pk" else current._meta.get_field(last)
    if not field.concrete or field.many_to_many:
        return _NOT_LOADED
    return getattr(current, field.attname)


def _scope_covers_loaded(obj: models.Model, paths: ScopePaths, grants: list[Grant]) -> bool:
    """Whether a grant's territorial scope covers ``obj`` as loaded: the OR of the scope
    query, evaluated in Python on the lookups that need no query. ``False`` means "ask
    the database", not "refused"."""
    for lookup, ids in _scope_lookups(paths, grants):
        value = _loaded_value(obj, lookup)
        if value is not _NOT_LOADED and value in ids:
            return True
    return False


def has_permission(
    principal: Any, permission: Perm, obj: models.Model | None = None, *, fresh: bool = False
) -> bool:
    """Whether ``principal`` holds ``permission`` on ``obj`` (or anywhere, if ``obj`` is None).

    ``fresh``: ``obj`` was just read from the database and not changed since (a row the
    caller has locked), so its territorial scope can be read off the instance: no query
    when a grant covers it that way, the full query otherwise. Never for an instance
    changed in memory: the answer must be about the stored row."""
    if is_platform_admin(principal):
        return True
    grants = [g for g in grants_for(principal) if permission in g.permissions]
    if obj is None:
        return bool(grants)
    model = type(obj)
    if fresh and grants and _scope_covers_loaded(obj, _REGISTRY[model], grants):
        return True
    condition = _access_q(model, principal, permission)
    if condition is None:
        return False
    return model._default_manager.filter(condition, pk=obj.pk).exists()


def require_permission(principal: Any, permission: Perm, obj: models.Model | None = None) -> None:
    """Raise ``PermissionDenied`` (403) when the role does not allow ``permission``."""
    if not has_permission(principal, permission, obj):
        raise PermissionDenied


def roles_of(principal: Any) -> set[str]:
    if isinstance(principal, ApiToken) or not getattr(principal, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=principal).values_list("role", flat=True))


def holders(
    obj: models.Model,
    *,
    roles: Iterable[str],
    levels: Iterable[str] = ("organisation", "local_service", "site"),
) -> models.QuerySet[User]:
    """Active users holding one of ``roles`` over ``obj``, through the same downward
    inheritance as ``visible_to``: an organisation grant, a grant on the object's local
    service, or one on its site (``levels`` narrows it: an escalation goes to
    organisation-level admins only). One query; the caller picks the fields it needs
    (e.g. ``.values_list("email", flat=True)``)."""
    model = type(obj)
    if model not in _REGISTRY:
        raise LookupError(f"{model.__name__} is not registered for scoping.")
    paths = _REGISTRY[model]
    this = model._default_manager.filter(pk=obj.pk)
    condition = Q(pk__in=[])
    for level, lookups in (
        ("organisation", paths.organisation),
        ("local_service", paths.local_service),
        ("site", paths.site),
    ):
        for lookup in lookups if level in levels else ():
            condition |= Q(**{f"{level}__in": this.exclude(**{lookup: None}).values(lookup)})
    memberships = Membership.objects.filter(condition, role__in=list(roles))
    return User.objects.filter(is_active=True, pk__in=memberships.values("user")).order_by("email")


def _register_defaults() -> None:
    from parvis.accounts.models import AuditEvent
    from parvis.directory.models import (
        LocalService,
        OpeningException,
        OpeningHours,
        Organisation,
        Site,
    )

    # Only an organisation-level grant acts on the organisation itself.
    register(Organisation, organisation="pk", local_service=None, site=None)
    register(LocalService, organisation="organisation", local_service="pk", site=None)
    register(Site, organisation="organisation", local_service="local_service", site="pk")
    for model in (OpeningHours, OpeningException):
        register(
            model,
            organisation="site__organisation",
            local_service="site__local_service",
            site="site",
        )
    register(
        Membership,
        organisation=("organisation", "local_service__organisation", "site__organisation"),
        local_service=("local_service", "site__local_service"),
        site="site",
    )
    register(ApiToken, organisation="organisation", local_service=None, site=None)
    register(AuditEvent, organisation="organisation", local_service=None, site=None)


_register_defaults()
