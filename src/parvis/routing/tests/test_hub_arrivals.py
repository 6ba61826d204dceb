"""A contact arriving through the hub (``contacts.services.message_receive``) enters
routing in the transaction that creates it, when its queue is routed; a queue without a
policy costs routing nothing."""

from __future__ import annotations

import pytest

from parvis.contacts import services
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.tests.factories import InboundEndpointFactory, QueueFactory, channel
from parvis.routing.models import Entry
from parvis.routing.tests.factories import QueuePolicyFactory

pytestmark = pytest.mark.django_db


def _chat_arrives(endpoint):  # type: ignore[no-untyped-def]
    # No text: the conversation goes to the endpoint's queue without qualification.
    channel("chat")
    inbound = InboundMessage(channel="chat", text="", thread_key="session-1")
    return services.message_receive(endpoint=endpoint, inbound=inbound).conversation


def test_a_contact_created_by_an_inbound_message_enters_its_routed_queue():
    policy = QueuePolicyFactory()
    endpoint = InboundEndpointFactory(organisation=policy.queue.organisation, queue=policy.queue)
    conversation = _chat_arrives(endpoint)
    entry = Entry.objects.get(conversation=conversation)
    assert entry.queue_id == policy.queue_id
    assert entry.arrived_at == conversation.queued_at


def test_a_contact_created_in_a_queue_without_policy_gets_no_entry():
    queue = QueueFactory()
    endpoint = InboundEndpointFactory(organisation=queue.organisation, queue=queue)
    conversation = _chat_arrives(endpoint)
    assert conversation.queue_id == queue.pk
    assert not Entry.objects.filter(conversation=conversation).exists()
