"""Demo data of routing: skills with levels, policies with tiers on the demo queues, the
agents' presence. Idempotent.

- « CAF de la Gironde – téléphone et chat »: an **expert queue** (skill « prestations
  familiales »): level ≥ 2 at once, widened to level 1 after 60 s; longest idle agent;
  offered, 30 s to accept; 80 % answered within 20 s.
- The France Services counter queue: the **France Services escalation**: level 1 at the
  site at once, the CAF's level-2 referent after 120 s or on request.
- « CAF de la Gironde – courriels et SMS »: assigned directly to the least occupied
  agent; 90 % answered within 2 working days.
- « CPAM du Rhône – contacts »: round robin.

The referent (referent.caf33@) holds level 2 in « prestations familiales » and English;
the CAF agent level 1. The wallboard moves with ``parvis routing_burst`` (README).
"""

from __future__ import annotations

from parvis.accounts.models import User
from parvis.contacts.models import Queue, QueueMember
from parvis.directory.models import Organisation
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    OfferMode,
    Presence,
    QueuePolicy,
    Skill,
    Strategy,
    Tier,
)
from parvis.routing.services.entries import queue_entries_rebuild

REFERENT = "referent.caf33@demo.parvis.fr"


def _skill(code: str, name: str, language: str = "") -> Skill:
    skill, _ = Skill.objects.get_or_create(code=code, defaults={"name": name, "language": language})
    return skill


def _level(email: str, skill: Skill, level: int) -> None:
    user = User.objects.filter(email=email).first()
    if user is not None:
        AgentSkill.objects.update_or_create(user=user, skill=skill, defaults={"level": level})


def _policy(queue: Queue | None, **values: object) -> QueuePolicy | None:
    if queue is None:
        return None
    policy, _ = QueuePolicy.objects.update_or_create(queue=queue, defaults=values)
    return policy


def _tier(policy: QueuePolicy, position: int, **values: object) -> Tier:
    tier, _ = Tier.objects.update_or_create(policy=policy, position=position, defaults=values)
    return tier


def demo_routing_seed() -> int:
    """Policies on the demo queues; returns how many queues are routed."""
    caf = Organisation.objects.filter(slug="caf").first()
    if caf is None:
        return 0
    benefits = _skill("prestations-familiales", "Prestations familiales")
    english = _skill("langue-anglais", "Anglais", language="en")
    _level("agent.caf33@demo.parvis.fr", benefits, 1)
    _level("superviseur.caf33@demo.parvis.fr", benefits, 1)
    _level(REFERENT, benefits, 2)
    _level(REFERENT, english, 1)
    _level("agent.fs@demo.parvis.fr", benefits, 1)

    phone = Queue.objects.filter(organisation=caf, slug="caf33-telephone").first()
    expert = _policy(
        phone,
        skill=benefits,
        strategy=Strategy.LONGEST_IDLE,
        offer_mode=OfferMode.OFFER,
        offer_seconds=30,
        wrap_up_seconds=15,
        service_level_seconds=20,
        service_level_share=0.8,
    )
    if expert is not None:
        _tier(expert, 1, name="Experts", min_level=2, min_wait_seconds=0)
        _tier(expert, 2, name="Élargi au niveau 1", min_level=1, min_wait_seconds=60)
    written = _policy(
        Queue.objects.filter(organisation=caf, slug="caf33-ecrits").first(),
        strategy=Strategy.LEAST_OCCUPIED,
        offer_mode=OfferMode.ASSIGN,
        service_level_seconds=None,
        service_level_working_days=2,
        service_level_share=0.9,
    )
    cpam_queue = Queue.objects.filter(slug="cpam69-contacts").first()
    _policy(cpam_queue, strategy=Strategy.ROUND_ROBIN, offer_mode=OfferMode.OFFER)

    fs_queue = Queue.objects.filter(slug__startswith="fs-", slug__endswith="-accueil").first()
    fs_policy = _policy(
        fs_queue, skill=benefits, strategy=Strategy.LONGEST_IDLE, offer_mode=OfferMode.OFFER
    )
    if fs_policy is not None and fs_queue is not None:
        local = _tier(fs_policy, 1, name="Conseillers France Services", min_level=1)
        if fs_queue.site_id:
            local.sites.set([fs_queue.site_id])
        referents = _tier(
            fs_policy, 2, name="Référents des partenaires", min_level=2, min_wait_seconds=120
        )
        referents.organisations.set([caf.pk])
        referent = User.objects.filter(email=REFERENT).first()
        if referent is not None:
            QueueMember.objects.get_or_create(queue=fs_queue, user=referent)
    referent = User.objects.filter(email=REFERENT).first()
    if referent is not None and phone is not None:
        QueueMember.objects.get_or_create(queue=phone, user=referent)

    routed = [p for p in (expert, written, fs_policy) if p is not None]
    if cpam_queue is not None:
        routed.append(QueuePolicy.objects.get(queue=cpam_queue))
    # Everyone who takes from a routed queue has a state; they start offline and set
    # themselves available at the desk.
    for user_id in QueueMember.objects.filter(queue__in=[p.queue_id for p in routed]).values_list(
        "user_id", flat=True
    ):
        AgentState.objects.get_or_create(user_id=user_id, defaults={"presence": Presence.OFFLINE})
    for policy in routed:
        queue_entries_rebuild(queue_id=policy.queue_id)
    return len(routed)
