"""Tiers, skills and strategies on the database adapter: the expert queue widens to
level 1 after its delay, the France Services escalation reaches the partner's referents
after N seconds or on request, a referent keeps to expert work while there is some, a
language is a skill, ring-all offers a chat to everyone eligible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.contacts.models import Status
from parvis.contacts.tests.factories import CitizenRecordFactory, QueueFactory
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory
from parvis.routing import engine
from parvis.routing.models import AgentSkill, Decision, Entry, EntryState, Skill, Strategy
from parvis.routing.services import offers
from parvis.routing.tests.factories import (
    QueuePolicyFactory,
    SkillFactory,
    TierFactory,
    agent,
    arrive,
)

pytestmark = pytest.mark.django_db


def _offered_to(conversation):  # type: ignore[no-untyped-def]
    return Entry.objects.get(conversation=conversation).offered_to


def test_the_expert_queue_offers_to_level_2_then_widens_to_level_1_after_its_delay():
    policy = QueuePolicyFactory(skill=SkillFactory())
    TierFactory(policy=policy, position=1, min_level=2, min_wait_seconds=0)
    TierFactory(policy=policy, position=2, min_level=1, min_wait_seconds=60)
    queue = policy.queue
    generalist = agent(queue, level=1, idle_since=timezone.now() - dt.timedelta(hours=2))
    expert = agent(queue, level=2)
    first = arrive(queue, channel_slug="telephone")
    engine.process_due()
    assert _offered_to(first) == expert  # the idle generalist is not eligible yet
    second = arrive(queue, channel_slug="telephone")  # the expert is on a call
    engine.process_due()
    entry = Entry.objects.get(conversation=second)
    assert entry.state == EntryState.WAITING and entry.next_tier_at is not None

    # Before the delay nothing changes; after it, the generalist gets it.
    engine.process_due(now=timezone.now() + dt.timedelta(seconds=30))
    assert Entry.objects.get(conversation=second).state == EntryState.WAITING
    engine.process_due(now=timezone.now() + dt.timedelta(seconds=61))
    assert _offered_to(second) == generalist
    decision = Decision.objects.get(conversation=second)
    assert "palier 2" in decision.rule and "niveau ≥ 1" in decision.rule


def test_france_services_escalates_to_the_partner_referent_after_n_seconds_or_on_request():
    site = SiteFactory()
    caf = OrganisationFactory()
    policy = QueuePolicyFactory(queue=QueueFactory(site=site), skill=SkillFactory())
    TierFactory(policy=policy, position=1, min_level=1, min_wait_seconds=0).sites.add(site)
    TierFactory(policy=policy, position=2, min_level=2, min_wait_seconds=120).organisations.add(caf)
    queue = policy.queue
    fs_agent = agent(queue, level=1, site=site)
    referent = agent(queue, level=2, organisation=caf)
    first = arrive(queue)
    engine.process_due()
    assert _offered_to(first) == fs_agent
    second = arrive(queue)  # the France Services agent is busy with the first (a chat: no)
    offers.offer_accept(user=fs_agent, conversation=first)
    engine.process_due()
    entry = Entry.objects.get(conversation=second)
    if entry.state == EntryState.OFFERED:  # three chats fit: the level-1 agent takes it
        assert entry.offered_to == fs_agent
        offers.offer_decline(user=fs_agent, conversation=second)
    assert Entry.objects.get(conversation=second).offered_to != referent

    # On request: the referents' tier opens at once, and an adviser of level 1 free
    # since long (first for the longest idle strategy) does not take the contact back.
    offers.entry_escalate(principal=fs_agent, conversation=second)
    agent(queue, level=1, site=site, idle_since=timezone.now() - dt.timedelta(hours=1))
    engine.process_due()
    assert _offered_to(second) == referent
    decision = Decision.objects.filter(conversation=second).latest("pk")
    assert "sur demande de remontée" in decision.rule


def test_a_referent_takes_level_1_work_only_when_no_expert_work_waits():
    skill = SkillFactory()
    expert_policy = QueuePolicyFactory(skill=skill)
    TierFactory(policy=expert_policy, position=1, min_level=2)
    general_policy = QueuePolicyFactory(
        queue=QueueFactory(organisation=expert_policy.queue.organisation)
    )
    referent = agent(expert_policy.queue, level=2, capacity=33)
    from parvis.contacts.tests.factories import QueueMemberFactory

    QueueMemberFactory(queue=general_policy.queue, user=referent)
    engine.forget_caches()
    general = arrive(general_policy.queue)  # arrives first, waits longer
    expert = arrive(expert_policy.queue)
    Entry.objects.filter(conversation=general).update(
        arrived_at=timezone.now() - dt.timedelta(minutes=10), sort_key=0
    )
    engine.process_due()
    assert _offered_to(expert) == referent
    assert Entry.objects.get(conversation=general).state == EntryState.WAITING


def test_a_citizen_writing_in_english_waits_for_an_agent_holding_english():
    policy = QueuePolicyFactory()
    queue = policy.queue
    citizen = CitizenRecordFactory(organisation=queue.organisation, preferred_language="en")
    french_only = agent(queue, idle_since=timezone.now() - dt.timedelta(hours=1))
    english = agent(queue)
    AgentSkill.objects.create(
        user=english, skill=Skill.objects.create(code="langue-en", name="Anglais", language="en")
    )
    engine.forget_caches()
    conversation = arrive(queue, citizen=citizen)
    engine.process_due()
    assert _offered_to(conversation) == english
    assert Decision.objects.get(conversation=conversation).skipped == {"language": 1}
    assert french_only  # idle, yet skipped for the language


def test_ring_all_offers_a_chat_to_every_eligible_agent_and_the_first_to_accept_wins():
    policy = QueuePolicyFactory(strategy=Strategy.RING_ALL)
    queue = policy.queue
    first, second = agent(queue), agent(queue)
    conversation = arrive(queue)
    engine.process_due()
    entry = Entry.objects.get(conversation=conversation)
    assert set(entry.offered_to_all) == {first.pk, second.pk}
    offers.offer_accept(user=second, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == Status.ASSIGNED and conversation.assignee == second
    from parvis.routing.errors import RoutingError

    with pytest.raises(RoutingError):
        offers.offer_accept(user=first, conversation=conversation)


def test_round_robin_takes_turns():
    policy = QueuePolicyFactory(strategy=Strategy.ROUND_ROBIN, offer_mode="assign")
    queue = policy.queue
    agents = [agent(queue) for _ in range(3)]
    for _ in range(3):
        arrive(queue, channel_slug="telephone")
        engine.process_due()
    assignees = list(
        queue.conversations.filter(status=Status.ASSIGNED)
        .order_by("pk")
        .values_list("assignee_id", flat=True)
    )
    assert assignees == sorted(a.pk for a in agents)


def test_a_paused_queue_offers_nothing_until_resumed():
    policy = QueuePolicyFactory(is_paused=True)
    queue = policy.queue
    agent(queue)
    conversation = arrive(queue)
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).state == EntryState.WAITING
