"""Reads of a queue's settings pages (« Réglages de la file », « Compétences des
agents »): the choices a supervisor is offered and the skills of a queue's members.

Scope: every read starts from ``selectors.queue_for_supervisor`` (done by the caller) or
from ``visible_to(principal, Membership, Perm.SUPERVISE)``: the agents whose skills a
supervisor may change are the people of their scope who take contacts, the same people
they may add to a queue (``selectors.member_candidates``). The services check the same
reads, so a choice the page does not offer is refused whatever is posted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from parvis.accounts.models import Membership, Role
from parvis.accounts.scoping import Perm, visible_to
from parvis.contacts.models import Queue, QueueMember
from parvis.contacts.selectors import BUSINESS_TIME_CHANNELS
from parvis.directory.models import Organisation, Site
from parvis.routing.errors import RoutingError
from parvis.routing.models import AgentSkill, QueuePolicy, Skill, Tier

# The roles whose holders take contacts, so hold skills.
TAKING_ROLES = (Role.AGENT, Role.SUPERVISOR)

ServiceLevelUnit = Literal["seconds", "working_days"]


# --- Policy ----------------------------------------------------------------------------------


def service_level_unit(queue: Queue) -> ServiceLevelUnit | None:
    """The unit a queue's service-level target must be counted in, by its channels:
    seconds of business time for phone and chat only, working days for written channels
    only (email, SMS, counter follow-ups); ``None`` when the queue mixes both or names no
    channel (either unit is then accepted)."""
    slugs = set(queue.channels.values_list("slug", flat=True))
    if not slugs:
        return None
    if slugs <= BUSINESS_TIME_CHANNELS:
        return "seconds"
    if not slugs & BUSINESS_TIME_CHANNELS:
        return "working_days"
    return None


def overflow_chain_reaches(start: Queue, target_id: int) -> bool:
    """Whether following the overflow queues from ``start`` (``start`` included) comes
    back to ``target_id``: setting ``target_id`` to overflow to ``start`` would then make
    a cycle (A → B → A), which would send contacts round for ever."""
    seen: set[int] = set()
    current: int | None = start.pk
    while current is not None and current not in seen:
        if current == target_id:
            return True
        seen.add(current)
        current = (
            QueuePolicy.objects.filter(queue_id=current)
            .values_list("overflow_queue_id", flat=True)
            .first()
        )
    return False


def skill_choices() -> QuerySet[Skill]:
    """Every skill (a shared list: languages are skills too), languages last."""
    return Skill.objects.order_by("language", "name")


def skill_label(skill: Skill) -> str:
    return f"{skill.name} (langue)" if skill.language else skill.name


# --- Tiers -----------------------------------------------------------------------------------


def tiers_of(queue: Queue) -> list[Tier]:
    """A queue's tiers in order, with their sites and organisations."""
    return list(
        Tier.objects.filter(policy__queue=queue)
        .prefetch_related("sites", "organisations")
        .order_by("position")
    )


def tier_of(queue: Queue, tier_id: int) -> Tier:
    """One tier of a supervised queue; another queue's: ``not_found`` (404)."""
    tier = Tier.objects.filter(policy__queue=queue, pk=tier_id).first()
    if tier is None:
        raise RoutingError("not_found", "Palier introuvable.", status=404)
    return tier


def tier_site_choices(queue: Queue, principal: Any) -> QuerySet[Site]:
    """The sites a tier may name: the active sites of the queue's organisation (its
    counters, contact centres, France Services sites) that ``principal`` supervises (a
    département's supervisor is not offered another département's counters), the
    queue's own site, and any site a tier of the queue already names (what is set stays
    expressible)."""
    named = Tier.sites.through.objects.filter(tier__policy__queue=queue).values("site_id")
    supervised = visible_to(principal, Site.objects.all(), Perm.SUPERVISE).values("pk")
    return Site.objects.filter(
        Q(organisation_id=queue.organisation_id, is_active=True, pk__in=supervised)
        | Q(pk=queue.site_id)
        | Q(pk__in=named)
    ).order_by("sort_key")


def tier_organisation_choices(queue: Queue) -> QuerySet[Organisation]:
    """The organisations a tier may name: the queue's own; the partners of its
    organisation's France Services sites (the France Services escalation: a partner's
    referents after a delay or on request); the organisations whose people are already
    members of the queue; any organisation a tier of the queue already names."""
    partners = Site.partners.through.objects.filter(
        site__organisation_id=queue.organisation_id, site__kind=Site.Kind.FRANCE_SERVICES
    ).values("organisation_id")
    members = QueueMember.objects.filter(queue=queue).values("user_id")
    memberships = Membership.objects.filter(user_id__in=members)
    named = Tier.organisations.through.objects.filter(tier__policy__queue=queue).values(
        "organisation_id"
    )
    return Organisation.objects.filter(
        Q(pk=queue.organisation_id)
        | Q(pk__in=partners)
        | Q(pk__in=memberships.values("organisation_id"))
        | Q(pk__in=memberships.values("local_service__organisation_id"))
        | Q(pk__in=memberships.values("site__organisation_id"))
        | Q(pk__in=named)
    ).order_by("sort_key")


# --- Agents' skills ------------------------------------------------------------------------


def skill_agents(principal: Any) -> QuerySet[Any]:
    """Active people of the supervisor's scope who take contacts (agents, supervisors):
    those whose skill levels the supervisor may set."""
    memberships = visible_to(
        principal, Membership.objects.filter(role__in=TAKING_ROLES), Perm.SUPERVISE
    )
    return get_user_model().objects.filter(is_active=True, pk__in=memberships.values("user"))


def skill_agent(principal: Any, user_id: int) -> Any:
    """An agent of the supervisor's scope; anyone else: ``not_found`` (404)."""
    user = skill_agents(principal).filter(pk=user_id).first()
    if user is None:
        raise RoutingError("not_found", "Agent introuvable.", status=404)
    return user


def organisation_of_agent(principal: Any, user: Any) -> Organisation | None:
    """The organisation in which the supervisor reaches ``user`` (the audit row's)."""
    membership = (
        visible_to(
            principal,
            Membership.objects.filter(user=user, role__in=TAKING_ROLES),
            Perm.SUPERVISE,
        )
        .select_related("organisation", "local_service__organisation", "site__organisation")
        .order_by("pk")
        .first()
    )
    return membership.owning_organisation if membership is not None else None


@dataclass(frozen=True)
class SkillRow:
    """A member of a queue and their skills: (skill, level, level's label) by skill
    name, languages last; ``editable`` when the supervisor may change them (a partner's
    referent who is a member of the queue is shown, and changed by their own
    organisation)."""

    user: Any
    skills: list[tuple[Skill, int, str]]
    editable: bool


def queue_skill_rows(principal: Any, queue: Queue) -> list[SkillRow]:
    """The members of a supervised queue with their skills. Three queries."""
    members = list(
        QueueMember.objects.filter(queue=queue, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    user_ids = [member.user_id for member in members]
    held: dict[int, list[tuple[Skill, int, str]]] = defaultdict(list)
    for row in (
        AgentSkill.objects.filter(user_id__in=user_ids)
        .select_related("skill")
        .order_by("skill__language", "skill__name")
    ):
        held[row.user_id].append((row.skill, row.level, row.get_level_display()))
    editable = set(skill_agents(principal).filter(pk__in=user_ids).values_list("pk", flat=True))
    return [
        SkillRow(
            user=member.user,
            skills=held.get(member.user_id, []),
            editable=member.user_id in editable,
        )
        for member in members
    ]
