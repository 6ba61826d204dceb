"""A queue's routing settings, changed by its supervisors from the product (« Réglages
de la file », « Compétences des agents »): the policy's fields, its tiers, and the skill
levels of the agents of their scope.

Each service checks the scope through the selectors (a queue or an agent outside it is
``not_found``), applies the domain rules with French refusals naming the field, runs
``full_clean`` and saves in one transaction, writes the audit row (``routing/audit.py``)
and makes the engine see the change:

- this process forgets its memo of the policies at once (``engine.forget_caches``; a
  tier's sites and organisations change without a ``post_save``) and again after
  commit; the other processes (the ``parvis route`` workers) read them again within
  ``engine.MEMO_SECONDS``;
- what the change may make assignable is woken: the queue's available members get a
  trigger now and another once every process has reloaded the policies; a change of the
  order (weight, cap) or of the tiers recomputes the waiting contacts' entries (sort key,
  the instants their tiers open) through ``entries.queue_entries_rebuild``, each with its
  own triggers; an agent whose skill level changed gets a trigger (levels are read at
  each decision, never kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parvis.accounts.services import audit_record
from parvis.contacts.models import Queue
from parvis.directory.models import Organisation, Site
from parvis.routing import engine, selectors, selectors_settings
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    Level,
    OfferMode,
    Presence,
    QueuePolicy,
    Skill,
    Strategy,
    Tier,
    TriggerKind,
)
from parvis.routing.services import entries
from parvis.routing.services.supervision import announce, locked_policy

# The policy's fields a supervisor sets (the pause has its own action, the round robin's
# cursor is the engine's).
POLICY_FIELDS = (
    "strategy",
    "offer_mode",
    "skill",
    "priority_weight",
    "bonus_cap",
    "offer_seconds",
    "service_level_share",
    "service_level_seconds",
    "service_level_working_days",
    "wrap_up_seconds",
    "wrap_up_code_required",
    "callbacks_enabled",
    "callback_attempts",
    "callback_spacing_minutes",
    "overflow_queue",
    "overflow_waiting",
    "overflow_wait_seconds",
)
# Changes after which a waiting contact may go to someone it could not go to before.
WAKING_FIELDS = frozenset({"strategy", "offer_mode", "skill", "priority_weight", "bonus_cap"})
# Changes of the order of the waiting contacts (their sort key): entries recomputed.
ORDER_FIELDS = frozenset({"priority_weight", "bonus_cap"})
TIER_FIELDS = ("name", "min_wait_seconds", "min_level", "sites", "organisations")


def _invalid(error: ValidationError, code: str) -> RoutingError:
    """A model's ``full_clean`` refusal as routing's error, each message by its field."""
    pairs = [
        (field if field != NON_FIELD_ERRORS else "", str(message))
        for field, messages in error.message_dict.items()
        for message in messages
    ]
    field, message = pairs[0]
    return RoutingError(
        code,
        message,
        field or None,
        field_errors=[(f, m) for f, m in pairs if f],
    )


def _forget_policies() -> None:
    """This process's memo of the policies, forgotten now and again after commit."""
    engine.forget_caches()
    transaction.on_commit(engine.forget_caches)


def _reroute(queue: Queue, *, now: dt.datetime, recompute_entries: bool) -> None:
    """Make the engine see a changed policy (see the module's docstring)."""
    _forget_policies()
    if recompute_entries:
        entries.queue_entries_rebuild(queue_id=queue.pk, now=now)
    available = AgentState.objects.filter(
        presence=Presence.AVAILABLE, user__queue_memberships__queue=queue
    ).values_list("user_id", flat=True)
    _wake_agents(list(available), now=now)


def _wake_agents(user_ids: Iterable[int], *, now: dt.datetime) -> None:
    reloaded = now + dt.timedelta(seconds=engine.MEMO_SECONDS)
    for user_id in user_ids:
        engine.trigger_add(TriggerKind.AGENT, user_id, due_at=now, now=now)
        engine.trigger_add(TriggerKind.AGENT, user_id, due_at=reloaded, now=now)


def _stored(policy: QueuePolicy, name: str) -> Any:
    """A field's stored value (a foreign key's id)."""
    field = policy._meta.get_field(name)
    return getattr(policy, getattr(field, "attname", name))


# --- The policy ------------------------------------------------------------------------------


def _check_overflow(principal: Any, queue: Queue, policy: QueuePolicy) -> None:
    target = policy.overflow_queue
    if target is None:
        if policy.overflow_waiting is not None or policy.overflow_wait_seconds:
            raise RoutingError(
                "overflow_queue_required",
                "Choisissez la file de débordement avant ses seuils.",
                "overflow_queue",
            )
        return
    if not selectors.overflow_targets(principal, queue).filter(pk=target.pk).exists():
        raise RoutingError(
            "overflow_queue_not_allowed",
            "Choisissez une autre file active de l’organisme.",
            "overflow_queue",
        )
    if selectors_settings.overflow_chain_reaches(target, queue.pk):
        raise RoutingError(
            "overflow_cycle",
            f"La file « {target.name} » déborde déjà, directement ou non, vers cette file : "
            "les contacts tourneraient de l’une à l’autre. Choisissez une autre file.",
            "overflow_queue",
        )


def _check_service_level(queue: Queue, policy: QueuePolicy) -> None:
    seconds, days = policy.service_level_seconds, policy.service_level_working_days
    if (seconds is None) == (days is None):
        raise RoutingError(
            "service_level_unit",
            "Indiquez le délai visé soit en secondes, soit en jours ouvrés.",
            "service_level_seconds",
        )
    unit = selectors_settings.service_level_unit(queue)
    if unit == "seconds" and seconds is None:
        raise RoutingError(
            "service_level_unit_channel",
            "Cette file reçoit des appels ou des messages instantanés : le délai visé se "
            "compte en secondes.",
            "service_level_working_days",
        )
    if unit == "working_days" and days is None:
        raise RoutingError(
            "service_level_unit_channel",
            "Cette file reçoit des courriels ou des SMS : le délai visé se compte en jours ouvrés.",
            "service_level_seconds",
        )


def _check_rules(principal: Any, queue: Queue, policy: QueuePolicy, changed: set[str]) -> None:
    """The rules across fields, for what changed (a rule a policy already broke before,
    set through the admin, does not stop a change elsewhere)."""
    if changed & {"overflow_queue", "overflow_waiting", "overflow_wait_seconds"}:
        _check_overflow(principal, queue, policy)
    if changed & {"service_level_seconds", "service_level_working_days"}:
        _check_service_level(queue, policy)
    if (
        changed & {"strategy", "offer_mode"}
        and policy.strategy == Strategy.RING_ALL
        and policy.offer_mode != OfferMode.OFFER
    ):
        raise RoutingError(
            "ring_all_needs_offer",
            "La proposition à tous demande que le contact soit proposé aux agents, qui "
            "acceptent : choisissez ce mode d’attribution ou une autre stratégie.",
            "offer_mode",
        )
    if (
        "skill" in changed
        and policy.skill_id is None
        and policy.tiers.filter(min_level__gt=Level.GENERALIST).exists()
    ):
        raise RoutingError(
            "skill_required_by_tiers",
            "Des paliers exigent un niveau 2 ou 3 : sans compétence requise, aucun agent "
            "n’aurait ce niveau. Gardez une compétence ou ramenez ces paliers au niveau 1.",
            "skill",
        )


@transaction.atomic
def policy_update(
    *,
    principal: Any,
    queue_id: int,
    changes: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> QueuePolicy:
    """Set some of a supervised queue's settings (``changes``: names of
    ``POLICY_FIELDS`` and their new values, a ``Skill`` or a ``Queue`` for the foreign
    keys). Nothing changed: nothing written."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not a supervisor's setting: {sorted(unknown)}")
    now = now or timezone.now()
    queue = selectors.queue_for_supervisor(principal, queue_id)
    policy = locked_policy(queue)
    before = {name: _stored(policy, name) for name in POLICY_FIELDS}
    for name, value in changes.items():
        setattr(policy, name, value)
    if "overflow_wait_seconds" in changes:
        policy.overflow_wait_seconds = policy.overflow_wait_seconds or None
    changed = {
        name: _stored(policy, name)
        for name in POLICY_FIELDS
        if _stored(policy, name) != before[name]
    }
    if not changed:
        return policy
    _check_rules(principal, queue, policy, set(changed))
    policy.updated_at = now
    try:
        policy.full_clean(exclude=["queue"])
    except ValidationError as error:
        raise _invalid(error, "invalid_policy") from error
    policy.save(update_fields=[*changed, "updated_at"])
    if WAKING_FIELDS & set(changed):
        _reroute(queue, now=now, recompute_entries=bool(ORDER_FIELDS & set(changed)))
    else:
        _forget_policies()
    audit_record(
        actor=principal,
        action="routing.policy_changed",
        target=policy,
        data={"queue": queue.pk, "fields": sorted(changed), **changed},
        organisation=queue.organisation,
    )
    announce([queue.pk])
    return policy


# --- Tiers -----------------------------------------------------------------------------------


def _only_among(chosen: Iterable[Any], choices: Any, refusal: RoutingError) -> None:
    """Refuse (``refusal``) when one of ``chosen`` is not among ``choices`` (a queryset)."""
    ids = {item.pk for item in chosen}
    if choices.filter(pk__in=ids).count() != len(ids):
        raise refusal


def _check_tier(
    queue: Queue,
    policy: QueuePolicy,
    principal: Any,
    *,
    min_level: int,
    sites: Iterable[Site],
    organisations: Iterable[Organisation],
) -> None:
    if min_level > Level.GENERALIST and policy.skill_id is None:
        raise RoutingError(
            "tier_level_without_skill",
            "Sans compétence requise pour la file, tous les agents sont au niveau 1 : "
            "choisissez le niveau 1, ou d’abord une compétence requise dans les réglages.",
            "min_level",
        )
    _only_among(
        sites,
        selectors_settings.tier_site_choices(queue, principal),
        RoutingError(
            "tier_site_not_allowed", "Choisissez des sites de l’organisme de la file.", "sites"
        ),
    )
    _only_among(
        organisations,
        selectors_settings.tier_organisation_choices(queue),
        RoutingError(
            "tier_organisation_not_allowed",
            "Choisissez l’organisme de la file, un partenaire de ses France Services ou un "
            "organisme dont des agents sont membres de la file.",
            "organisations",
        ),
    )


def _tier_changed(queue: Queue, policy: QueuePolicy, *, now: dt.datetime) -> None:
    """A tier added, changed, moved or removed: the policy is changed too."""
    policy.updated_at = now
    policy.save(update_fields=["updated_at"])
    _reroute(queue, now=now, recompute_entries=True)
    announce([queue.pk])


def _tier_state(tier: Tier) -> dict[str, Any]:
    return {
        "name": tier.name,
        "min_wait_seconds": tier.min_wait_seconds,
        "min_level": tier.min_level,
        "sites": sorted(site.pk for site in tier.sites.all()),
        "organisations": sorted(org.pk for org in tier.organisations.all()),
    }


@transaction.atomic
def tier_add(
    *,
    principal: Any,
    queue_id: int,
    name: str = "",
    min_wait_seconds: int = 0,
    min_level: int = Level.GENERALIST,
    sites: Iterable[Site] = (),
    organisations: Iterable[Organisation] = (),
    now: dt.datetime | None = None,
) -> Tier:
    """Add a tier after the queue's last one: after ``min_wait_seconds`` of waiting,
    agents of at least ``min_level`` of the listed sites or organisations (none listed:
    any member of the queue)."""
    now = now or timezone.now()
    queue = selectors.queue_for_supervisor(principal, queue_id)
    policy = locked_policy(queue)
    sites, organisations = list(sites), list(organisations)
    _check_tier(
        queue, policy, principal, min_level=min_level, sites=sites, organisations=organisations
    )
    last = policy.tiers.aggregate(last=Max("position"))["last"] or 0
    tier = Tier(
        policy=policy,
        position=last + 1,
        name=name,
        min_wait_seconds=min_wait_seconds,
        min_level=min_level,
    )
    try:
        tier.full_clean()
    except ValidationError as error:
        raise _invalid(error, "invalid_tier") from error
    tier.save()
    tier.sites.set(sites)
    tier.organisations.set(organisations)
    _tier_changed(queue, policy, now=now)
    audit_record(
        actor=principal,
        action="routing.tier_added",
        target=tier,
        data={"queue": queue.pk, "tier": tier.pk, "position": tier.position},
        organisation=queue.organisation,
    )
    return tier


@transaction.atomic
def tier_update(
    *,
    principal: Any,
    queue_id: int,
    tier_id: int,
    name: str,
    min_wait_seconds: int,
    min_level: int,
    sites: Iterable[Site],
    organisations: Iterable[Organisation],
    now: dt.datetime | None = None,
) -> Tier:
    """Change a tier of a supervised queue (its place: ``tier_move``)."""
    now = now or timezone.now()
    queue = selectors.queue_for_supervisor(principal, queue_id)
    policy = locked_policy(queue)
    tier = selectors_settings.tier_of(queue, tier_id)
    sites, organisations = list(sites), list(organisations)
    _check_tier(
        queue, policy, principal, min_level=min_level, sites=sites, organisations=organisations
    )
    before = _tier_state(tier)
    tier.name, tier.min_wait_seconds, tier.min_level = name, min_wait_seconds, min_level
    try:
        tier.full_clean()
    except ValidationError as error:
        raise _invalid(error, "invalid_tier") from error
    tier.save(update_fields=["name", "min_wait_seconds", "min_level"])
    tier.sites.set(sites)
    tier.organisations.set(organisations)
    after = _tier_state(tier)
    changed = [name for name in TIER_FIELDS if before[name] != after[name]]
    if not changed:
        return tier
    _tier_changed(queue, policy, now=now)
    audit_record(
        actor=principal,
        action="routing.tier_changed",
        target=tier,
        data={"queue": queue.pk, "tier": tier.pk, "fields": changed},
        organisation=queue.organisation,
    )
    return tier


@transaction.atomic
def tier_move(
    *,
    principal: Any,
    queue_id: int,
    tier_id: int,
    up: bool,
    now: dt.datetime | None = None,
) -> Tier:
    """Swap a tier with the one before it (``up``) or after it; positions stay unique."""
    now = now or timezone.now()
    queue = selectors.queue_for_supervisor(principal, queue_id)
    policy = locked_policy(queue)
    tier = selectors_settings.tier_of(queue, tier_id)
    others = policy.tiers.exclude(pk=tier.pk)
    neighbour = (
        others.filter(position__lt=tier.position).order_by("-position").first()
        if up
        else others.filter(position__gt=tier.position).order_by("position").first()
    )
    if neighbour is None:
        message = "Ce palier est déjà le premier." if up else "Ce palier est déjà le dernier."
        raise RoutingError("tier_at_edge", message, status=409)
    old, new = tier.position, neighbour.position
    # Swapped through a free position: the constraint is checked at each statement.
    spare = (policy.tiers.aggregate(last=Max("position"))["last"] or 0) + 1
    Tier.objects.filter(pk=tier.pk).update(position=spare)
    Tier.objects.filter(pk=neighbour.pk).update(position=old)
    Tier.objects.filter(pk=tier.pk).update(position=new)
    tier.position = new
    _tier_changed(queue, policy, now=now)
    audit_record(
        actor=principal,
        action="routing.tier_moved",
        target=tier,
        data={"queue": queue.pk, "tier": tier.pk, "from": old, "to": new},
        organisation=queue.organisation,
    )
    return tier


@transaction.atomic
def tier_delete(
    *, principal: Any, queue_id: int, tier_id: int, now: dt.datetime | None = None
) -> None:
    """Remove a tier; the later ones move up a place (positions stay 1, 2, 3…). Without
    any tier, every member of the queue is eligible as soon as a contact arrives."""
    now = now or timezone.now()
    queue = selectors.queue_for_supervisor(principal, queue_id)
    policy = locked_policy(queue)
    tier = selectors_settings.tier_of(queue, tier_id)
    audit_record(
        actor=principal,
        action="routing.tier_removed",
        target=tier,
        data={"queue": queue.pk, "tier": tier.pk, "position": tier.position},
        organisation=queue.organisation,
    )
    position = tier.position
    tier.delete()
    for later in policy.tiers.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    _tier_changed(queue, policy, now=now)


# --- Agents' skills --------------------------------------------------------------------------


@transaction.atomic
def agent_skill_set(
    *,
    principal: Any,
    user_id: int,
    skill_id: int,
    level: int | None,
    now: dt.datetime | None = None,
) -> AgentSkill | None:
    """Set (``level`` 1 to 3) or remove (``None``) a skill of an agent of the
    supervisor's scope; a language is a skill like any other."""
    now = now or timezone.now()
    user = selectors_settings.skill_agent(principal, user_id)
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise RoutingError("skill_not_found", "Choisissez une compétence de la liste.", "skill")
    held = AgentSkill.objects.select_for_update().filter(user=user, skill=skill).first()
    previous = held.level if held is not None else None
    if level == previous:
        return held
    organisation = selectors_settings.organisation_of_agent(principal, user)
    if level is None:
        assert held is not None  # previous is None otherwise
        held.delete()
        audit_record(
            actor=principal,
            action="routing.skill_level_removed",
            target=user,
            data={"agent": user.pk, "skill": skill.pk, "from": previous},
            organisation=organisation,
        )
        return None
    row = held or AgentSkill(user=user, skill=skill)
    row.level = level
    try:
        row.full_clean(validate_unique=False)
    except ValidationError as error:
        raise _invalid(error, "invalid_level") from error
    row.save()
    if AgentState.objects.filter(user=user, presence=Presence.AVAILABLE).exists():
        _wake_agents([user.pk], now=now)
    audit_record(
        actor=principal,
        action="routing.skill_level_set",
        target=user,
        data={"agent": user.pk, "skill": skill.pk, "from": previous, "to": level},
        organisation=organisation,
    )
    return row
