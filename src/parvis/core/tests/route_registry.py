"""Security registry: how every route and API operation is reached, and who may reach it.

``test_route_security`` walks the URL resolver and the OpenAPI document itself. A route
or operation missing here fails the suite, so adding one forces its author to declare
whether it is public (a short, reviewed list) or scoped, and how to build its arguments
for organisation A and organisation B.

Each app may also declare its own routes in ``parvis/<app>/tests/routes.py`` with dicts
named ``HTML_ROUTES`` and ``API_OPERATIONS`` of the same shape; they are merged below.
Builders may create objects (factories) for organisation ``key``; they run in the test
database.

The world (``org_world``, one per organisation key ``"a"`` / ``"b"``, built by the
``world`` fixtures of ``test_route_security`` and ``test_hostile_input``) holds ``org``,
``service``, ``site``, ``france_services``, ``token`` (an ApiToken row), ``raw_token`` (a
write token), ``agent``, ``admin``, ``membership`` and ``citizen`` (an account without
any role, the author of what a citizen's own pages show).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.urls import URLPattern, URLResolver

Kwargs = Callable[[Any, str], dict[str, Any]]


def no_kwargs(world: Any, key: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class RelationCase:
    """A scoping relation (``accounts.scoping.Relation``) the walk exercises on a scoped
    route: the agent of organisation B gets 404 on A's object, then ``grant(world,
    kwargs)`` gives B's agent the relation (a consent covering B, a queue membership) and
    the route answers ``status``; ``revoke(world, kwargs)`` takes it back (a withdrawal)
    and it is 404 again, at once."""

    name: str
    grant: Callable[[Any, dict[str, Any]], None]
    revoke: Callable[[Any, dict[str, Any]], None]
    status: int = 200


@dataclass(frozen=True)
class Route:
    """One HTML route.

    ``access``: ``public`` (anyone, ``public_status``), ``login`` (any signed-in user,
    nothing organisation-bound in the URL), ``scoped`` (the URL names an object of
    organisation A or B: the other organisation gets 404), ``platform`` (platform admins),
    ``signed`` (a machine's webhook authenticated by its ``X-Parvis-Signature``, no
    session: an unsigned or badly signed POST gets 401 problem+json, never a 2xx or 5xx;
    ``kwargs`` builds the endpoint of organisation A or B).
    """

    access: Literal["public", "login", "scoped", "platform", "signed"]
    kwargs: Kwargs = no_kwargs
    public_status: int = 200
    agent_status: int = 200  # agent of the object's organisation
    admin_status: int = 200  # organisation admin of the object's organisation
    query: str = ""
    relations: tuple[RelationCase, ...] = ()  # scoped routes: reached through a relation


@dataclass(frozen=True)
class Operation:
    """One API operation (method + OpenAPI path).

    ``public``: no authentication, ``public_status`` for everyone. ``authenticated``:
    401 without credentials. ``scoped``: path parameters name an object of A or B.
    ``token_status`` is for a *write* token of the object's organisation, ``admin_status``
    for the organisation admin's session (CSRF token included), ``agent_status`` for an
    agent's session. ``body`` builds a valid JSON body.
    """

    access: Literal["public", "authenticated", "scoped"]
    params: Kwargs = no_kwargs
    body: Kwargs | None = None
    query: str = ""
    public_status: int = 200
    token_status: int = 200
    admin_status: int = 200
    agent_status: int = 200
    other_org_status: int = 404
    extra: dict[str, Any] = field(default_factory=dict)


# The short reviewed list of public pages. Anything else needs a scope or a login.
HTML_ROUTES: dict[str, Route] = {
    "healthz": Route("public"),
    "portal:home": Route("public"),
    "portal:charter": Route("public"),
    "portal:dsfr-neutral-css": Route("public"),
    "footer-sitemap": Route("public"),
    "footer-accessibility-status": Route("public"),
    "footer-legal-notice": Route("public"),
    "footer-personal-data": Route("public"),
    "footer-cookie-management": Route("public"),
    "accounts:login": Route("public"),
    "accounts:logout": Route("public", public_status=405),  # POST only
    "directory:organisation_list": Route("public"),
    "api:openapi-json": Route("public"),
    "api:openapi-view": Route("public"),
    "backoffice:dashboard": Route("login"),
    # territories (public reference data)
    # contact hub, part 6: organisations' webhooks (organisation admins only)
    "contacts_webhooks:list": Route(
        "scoped", kwargs=lambda w, k: {"slug": w[k].org.slug}, agent_status=403
    ),
    "contacts_webhooks:detail": Route(
        "scoped", kwargs=lambda w, k: {"pk": _webhook(w, k).pk}, agent_status=403
    ),
    "contacts_webhooks:rotate": Route(
        "scoped", kwargs=lambda w, k: {"pk": _webhook(w, k).pk}, agent_status=403
    ),
    "contacts_webhooks:delete": Route(
        "scoped", kwargs=lambda w, k: {"pk": _webhook(w, k).pk}, agent_status=403
    ),
    "territories:departement_list": Route("public"),
    "territories:departement_detail": Route(
        "public", kwargs=lambda w, k: {"code": w[k].site.commune.departement_id}
    ),
}


def _inbound_endpoint(w: Any, k: str) -> dict[str, Any]:
    from parvis.contacts.tests.factories import InboundEndpointFactory

    return {"endpoint_uuid": InboundEndpointFactory(organisation=w[k].org).uuid}


# Signed machine webhooks (contacts: SMS, telephony, raw MIME, chat relays).
HTML_ROUTES["hooks:inbound"] = Route("signed", kwargs=_inbound_endpoint, public_status=405)


def _departement(w: Any, k: str) -> dict[str, Any]:
    return {"code": w[k].site.commune.departement_id}


API_OPERATIONS: dict[tuple[str, str], Operation] = {
    # territories (public reference data)
    ("GET", "/api/v1/territoires/regions"): Operation("public"),
    ("GET", "/api/v1/territoires/departements"): Operation("public"),
    ("GET", "/api/v1/territoires/departements/{code}"): Operation("public", params=_departement),
    ("GET", "/api/v1/territoires/departements/{code}/jours-feries"): Operation(
        "public", params=_departement
    ),
    ("GET", "/api/v1/territoires/communes"): Operation("public"),
    ("GET", "/api/v1/territoires/communes/{code}"): Operation(
        "public", params=lambda w, k: {"code": w[k].site.commune_id}
    ),
    ("GET", "/api/v1/moi"): Operation("authenticated"),
    ("GET", "/api/v1/organismes/{slug}/jetons"): Operation(
        "scoped",
        params=lambda w, k: {"slug": w[k].org.slug},
        token_status=401,
        agent_status=403,
    ),
    ("POST", "/api/v1/organismes/{slug}/jetons"): Operation(
        "scoped",
        params=lambda w, k: {"slug": w[k].org.slug},
        body=lambda w, k: {"name": "Jeton de test", "scope": "read"},
        token_status=401,
        admin_status=201,
        agent_status=403,
    ),
    ("DELETE", "/api/v1/jetons/{token_id}"): Operation(
        "scoped",
        params=lambda w, k: {"token_id": w[k].token.pk},
        token_status=401,
        agent_status=403,
    ),
    # contact hub, part 6: conversations, messages and the events replay
    ("GET", "/api/v1/conversations"): Operation("authenticated"),
    ("GET", "/api/v1/conversations/{reference}"): Operation(
        "scoped", params=lambda w, k: {"reference": _conversation(w, k).reference}
    ),
    ("GET", "/api/v1/conversations/{reference}/messages"): Operation(
        "scoped", params=lambda w, k: {"reference": _conversation(w, k).reference}
    ),
    ("GET", "/api/v1/events"): Operation("authenticated"),
}


def _webhook(w: Any, k: str) -> Any:
    """A webhook of organisation ``k`` (created once per world)."""
    from parvis.contacts.models import OrganisationWebhook
    from parvis.core.crypto import encrypt_text

    webhook, _ = OrganisationWebhook.objects.get_or_create(
        organisation=w[k].org,
        defaults={
            "url": "https://hooks.example.org/parvis",
            "events": ["conversation_created"],
            "secret_encrypted": encrypt_text("whsec_test"),
        },
    )
    return webhook


def _conversation(w: Any, k: str) -> Any:
    """A conversation of organisation ``k``, at its site (created once per world)."""
    from parvis.contacts.models import Conversation
    from parvis.contacts.tests.factories import ConversationFactory, QueueFactory

    existing = Conversation.objects.filter(organisation=w[k].org).first()
    if existing is not None:
        return existing
    return ConversationFactory(queue=QueueFactory(site=w[k].site, organisation=w[k].org))


# routing, callbacks (issue 15): the desk's buttons are POST only (the walk's GET: 405 in
# scope, 404 outside); the API asks with a write token (a session: 401) and reads scoped.
def _queued_in_routed_queue(w: Any, k: str) -> Any:
    from parvis.contacts.tests.factories import QueueFactory
    from parvis.routing.tests.factories import QueuePolicyFactory, arrive

    policy = QueuePolicyFactory(queue=QueueFactory(site=w[k].site, organisation=w[k].org))
    return arrive(policy.queue)


def _callback_reference(w: Any, k: str) -> dict[str, Any]:
    from parvis.routing.services.callbacks import CITIZEN, callback_request

    conversation = _queued_in_routed_queue(w, k)
    callback_request(principal=CITIZEN, conversation=conversation, number="0612345678")
    return {"reference": conversation.reference}


HTML_ROUTES |= {
    f"routing_callbacks:{name}": Route(
        "scoped",
        kwargs=lambda w, k: {"reference": _conversation(w, k).reference},
        agent_status=405,
        admin_status=405,
    )
    for name in ("dial", "report")
}
API_OPERATIONS[("POST", "/api/v1/rappels")] = Operation(
    "authenticated",
    body=lambda w, k: {
        "reference": _queued_in_routed_queue(w, k).reference,
        "number": "0612345678",
    },
    token_status=201,
    agent_status=401,
    admin_status=401,
)
API_OPERATIONS[("GET", "/api/v1/rappels/{reference}")] = Operation(
    "scoped", params=_callback_reference
)


# quality (issue 16): the catalogue and the published results are public; declared
# results come with a write token of the organisation or a quality manager's session (an
# organisation admin holds that role; an agent gets 403).
def _declared_results(w: Any, k: str) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return {
        "organisme": w[k].org.slug,
        "source": "Registre des rendez-vous",
        "lignes": [
            {
                "indicateur": "rendez-vous-non-honores",
                "niveau": "organisation",
                "mois": last_month.strftime("%Y-%m"),
                "valeur": 12.5,
                "effectif": 200,
            }
        ],
    }


API_OPERATIONS[("GET", "/api/v1/qualite/indicateurs")] = Operation("public")
API_OPERATIONS[("GET", "/api/v1/qualite/resultats")] = Operation("public")
API_OPERATIONS[("POST", "/api/v1/qualite/resultats-declares")] = Operation(
    "scoped", body=_declared_results, agent_status=403
)


def walk_urls(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str | None]]:
    """(route pattern, namespaced name) of every URL pattern below ``patterns``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from walk_urls(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


@dataclass
class OrgWorld:
    org: Any
    service: Any
    site: Any
    france_services: Any
    token: Any
    raw_token: str
    agent: Any
    admin: Any
    membership: Any
    citizen: Any = None


def org_world(key: str) -> OrgWorld:
    """Organisation ``key`` with a local service, a site, a France Services site run by
    someone else, an agent (also at that France Services site), an organisation admin, a
    read token (``token``, the target of token routes), a write token (``raw_token``) and
    a citizen."""
    from parvis.accounts.models import Role
    from parvis.accounts.services import api_token_create
    from parvis.accounts.tests.factories import CitizenFactory, MembershipFactory
    from parvis.directory.tests.factories import (
        LocalServiceFactory,
        OrganisationFactory,
        SiteFactory,
    )

    org = OrganisationFactory(slug=f"org-{key}", name=f"Organisme {key.upper()}")
    service = LocalServiceFactory(organisation=org)
    site = SiteFactory(local_service=service)
    france_services = SiteFactory(france_services=True)
    agent_membership = MembershipFactory(organisation=org, role=Role.AGENT)
    admin = MembershipFactory(organisation=org, role=Role.ORGANISATION_ADMIN).user
    MembershipFactory(
        organisation=None, site=france_services, role=Role.AGENT, user=agent_membership.user
    )
    target_token, _ = api_token_create(actor=None, organisation=org, name="cible")
    _, raw = api_token_create(actor=None, organisation=org, name="auth", scope="write")
    return OrgWorld(
        org,
        service,
        site,
        france_services,
        target_token,
        raw,
        agent_membership.user,
        admin,
        agent_membership,
        CitizenFactory(),
    )


# routing, supervision wallboard (issue 15): supervisors only (an agent gets 403), a routed
# queue of A or B in the URL; actions are POST only (the walk's GET: 405 in scope).
def _routed_queue(w: Any, k: str) -> dict[str, Any]:
    from parvis.contacts.models import QueueMember
    from parvis.contacts.tests.factories import QueueFactory
    from parvis.routing.tests.factories import QueuePolicyFactory

    policy = QueuePolicyFactory(queue=QueueFactory(site=w[k].site, organisation=w[k].org))
    QueueMember.objects.create(queue=policy.queue, user=w[k].agent)
    return {"queue_id": policy.queue_id}


def _routed_queue_agent(w: Any, k: str) -> dict[str, Any]:
    return {**_routed_queue(w, k), "user_id": w[k].agent.pk}


def _routed_queue_tier(w: Any, k: str) -> dict[str, Any]:
    from parvis.routing.models import QueuePolicy
    from parvis.routing.tests.factories import TierFactory

    kwargs = _routed_queue(w, k)
    tier = TierFactory(policy=QueuePolicy.objects.get(queue_id=kwargs["queue_id"]))
    return {**kwargs, "tier_id": tier.pk}


def _routed_queue_contact(w: Any, k: str) -> dict[str, Any]:
    return {**_routed_queue(w, k), "reference": "CONV-1999-00000"}


_SUPERVISION_POST = {"agent_status": 403, "admin_status": 405}
HTML_ROUTES |= {
    "routing:wallboard": Route("login", agent_status=403),
    "routing:fragment_wallboard": Route("login", agent_status=403),
    "routing:queue": Route("scoped", kwargs=_routed_queue, agent_status=403),
    "routing:fragment_queue": Route("scoped", kwargs=_routed_queue, agent_status=403),
    "routing:queue_settings": Route("scoped", kwargs=_routed_queue, agent_status=403),
    "routing:queue_skills": Route("scoped", kwargs=_routed_queue, agent_status=403),
    **{
        f"routing:{name}": Route("scoped", kwargs=_routed_queue, **_SUPERVISION_POST)
        for name in ("queue_pause", "queue_resume", "member_add", "tier_add")
    },
    **{
        f"routing:{name}": Route("scoped", kwargs=_routed_queue_tier, **_SUPERVISION_POST)
        for name in ("tier_update", "tier_move", "tier_delete")
    },
    **{
        f"routing:{name}": Route("scoped", kwargs=_routed_queue_agent, **_SUPERVISION_POST)
        for name in ("member_remove", "member_move", "agent_presence")
    },
    "routing:priority": Route("scoped", kwargs=_routed_queue_contact, **_SUPERVISION_POST),
}
API_OPERATIONS[("GET", "/api/v1/routage/wallboard")] = Operation(
    "authenticated", token_status=403, agent_status=403
)


def _merge_app_registries() -> None:
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("parvis."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.routes")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tests.routes":
                raise
            continue
        for name, route in getattr(module, "HTML_ROUTES", {}).items():
            assert name not in HTML_ROUTES, f"{name} declared twice"
            HTML_ROUTES[name] = route
        for key, operation in getattr(module, "API_OPERATIONS", {}).items():
            assert key not in API_OPERATIONS, f"{key} declared twice"
            API_OPERATIONS[key] = operation


_merge_app_registries()
