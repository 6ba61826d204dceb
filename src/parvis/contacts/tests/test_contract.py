"""The contract between connectors and the hub: an inbound message threads or opens a
conversation."""

from __future__ import annotations

import pytest

from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import Conversation
from parvis.contacts.services import message_receive
from parvis.contacts.tests.factories import InboundEndpointFactory, channel

pytestmark = pytest.mark.django_db


def test_a_message_opens_a_conversation_and_its_reply_threads_into_it():
    channel("courriel")
    endpoint = InboundEndpointFactory()
    first = message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(channel="courriel", text="Bonjour", external_id="<a@x>"),
    )
    reply = message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(
            channel="courriel", text="Merci", external_id="<b@x>", in_reply_to="<a@x>"
        ),
    )
    assert reply.conversation_id == first.conversation_id
    assert Conversation.objects.get().queue.is_triage


def test_a_reply_processed_before_its_original_shares_its_conversation():
    channel("courriel")
    endpoint = InboundEndpointFactory()
    second_reply = message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(
            channel="courriel",
            text="Je relance",
            external_id="<c@x>",
            in_reply_to="<b@x>",
            references=("<a@x>", "<b@x>"),
        ),
    )
    original = message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(channel="courriel", text="Bonjour", external_id="<a@x>"),
    )
    first_reply = message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(
            channel="courriel",
            text="Merci",
            external_id="<b@x>",
            in_reply_to="<a@x>",
            references=("<a@x>",),
        ),
    )
    assert second_reply.conversation_id == original.conversation_id == first_reply.conversation_id
    assert Conversation.objects.count() == 1


def test_the_event_log_keeps_its_retention():
    import datetime as dt

    from django.utils import timezone

    from parvis.accounts.services import purge_expired_data
    from parvis.contacts.models import WebhookEvent
    from parvis.contacts.tests.factories import ConversationFactory

    conversation = ConversationFactory()
    old = WebhookEvent.objects.create(
        organisation=conversation.organisation,
        conversation=conversation,
        kind="conversation_created",
        sequence=1,
        created_at=timezone.now() - dt.timedelta(days=91),
    )
    WebhookEvent.objects.create(
        organisation=conversation.organisation,
        conversation=conversation,
        kind="conversation_resolved",
        sequence=2,
    )
    assert purge_expired_data()["contact_events"] == 1
    assert not WebhookEvent.objects.filter(pk=old.pk).exists()
