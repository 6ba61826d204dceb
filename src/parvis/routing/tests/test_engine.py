"""The database adapter: a queued contact is offered to an eligible agent, an offer is
accepted or lapses back to its place, capacity holds, and each decision is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.contacts.models import Outcome, Status
from parvis.contacts.services import lifecycle
from parvis.routing import engine
from parvis.routing.errors import RoutingError
from parvis.routing.models import (
    AgentState,
    AgentWork,
    Decision,
    Entry,
    EntryState,
    OfferMode,
    Trigger,
    TriggerKind,
)
from parvis.routing.services import offers
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

pytestmark = pytest.mark.django_db


def test_a_queued_chat_is_offered_to_the_available_member_and_accepted():
    policy = QueuePolicyFactory()
    queue = policy.queue
    alice = agent(queue)
    conversation = arrive(queue)
    entry = Entry.objects.get(conversation=conversation)
    assert entry.state == EntryState.WAITING and entry.units == 33

    assert engine.process_due() >= 1
    conversation.refresh_from_db()
    entry.refresh_from_db()
    assert conversation.status == Status.OFFERED
    assert entry.offered_to == alice
    assert AgentState.objects.get(user=alice).used_units == 33
    decision = Decision.objects.get(conversation=conversation)
    assert decision.agent == alice and decision.trigger == "contact"
    assert decision.candidates[0]["agent"] == alice.pk

    offers.offer_accept(user=alice, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.status == Status.ASSIGNED and conversation.assignee == alice
    assert not Entry.objects.filter(conversation=conversation).exists()
    assert AgentWork.objects.get(conversation=conversation).units == 33

    lifecycle.conversation_resolve(
        conversation=conversation, principal=alice, outcome=Outcome.ANSWERED
    )
    assert AgentState.objects.get(user=alice).used_units == 0
    assert not AgentWork.objects.exists()


def test_an_offer_that_lapses_returns_to_its_place_and_goes_to_another_agent():
    policy = QueuePolicyFactory(offer_seconds=10)
    queue = policy.queue
    first = agent(queue, idle_since=timezone.now() - dt.timedelta(hours=1))
    second = agent(queue)
    conversation = arrive(queue)
    arrived = Entry.objects.get(conversation=conversation).arrived_at
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).offered_to == first  # longest idle

    later = timezone.now() + dt.timedelta(seconds=11)
    assert offers.sweep_offers(now=later) == 1
    entry = Entry.objects.get(conversation=conversation)
    assert entry.arrived_at == arrived and first.pk in entry.declined_by
    engine.process_due(now=later)
    entry.refresh_from_db()
    assert entry.offered_to == second
    assert AgentState.objects.get(user=first).used_units == 0


def test_capacity_three_chats_then_nothing():
    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    queue = policy.queue
    alice = agent(queue)
    conversations = [arrive(queue) for _ in range(4)]
    engine.process_due()
    statuses = [c.__class__.objects.get(pk=c.pk).status for c in conversations]
    assert statuses.count(Status.ASSIGNED) == 3
    assert AgentState.objects.get(user=alice).used_units == 99


def test_one_decision_per_trigger_and_an_agent_with_room_left_gets_the_next(settings):
    settings.ROUTING_INLINE = False  # decisions only when taken, one at a time
    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    queue = policy.queue
    alice = agent(queue)
    conversations = [arrive(queue) for _ in range(4)]

    found, outcome = engine.process_next()
    assert found and outcome is not None
    assert Decision.objects.count() == 1
    # The other contacts have their own triggers, which place them: no trigger of hers.
    assert not outcome.room_left
    assert not Trigger.objects.filter(kind=TriggerKind.AGENT, object_id=alice.pk).exists()
    # Contacts waiting without a trigger (theirs taken earlier): her next decision is a
    # trigger of her own, written with the current one.
    Trigger.objects.filter(kind=TriggerKind.CONTACT).delete()
    engine.trigger_add(TriggerKind.AGENT, alice.pk, due_at=timezone.now(), now=timezone.now())
    found, outcome = engine.process_next()
    assert found and outcome is not None and outcome.room_left
    assert Trigger.objects.filter(kind=TriggerKind.AGENT, object_id=alice.pk).count() == 1

    engine.process_due()
    statuses = [c.__class__.objects.get(pk=c.pk).status for c in conversations]
    assert statuses.count(Status.ASSIGNED) == 3
    assert Decision.objects.filter(agent=alice).count() == 3
    assert AgentState.objects.get(user=alice).used_units == 99
    assert not Trigger.objects.exists()


def test_only_the_agent_offered_may_accept():
    policy = QueuePolicyFactory()
    queue = policy.queue
    agent(queue)
    other = agent(queue, presence="offline")
    conversation = arrive(queue)
    engine.process_due()
    with pytest.raises(RoutingError) as refused:
        offers.offer_accept(user=other, conversation=conversation)
    assert refused.value.code == "offer_gone"
