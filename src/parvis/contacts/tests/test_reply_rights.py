"""Seeing a conversation is not answering it: a quality manager, or an agent who reaches a
partner's conversation through the citizen's consent, reads it and cannot reply nor record
a counter visit; and a chat reply that cannot be delivered is kept, shown as not
delivered, never an error page (found by the security review of 6 December 2026)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import chat
from parvis.contacts.errors import ContactError
from parvis.contacts.models import Conversation, Direction, Message
from parvis.contacts.services.chat import chat_message_accept, chat_reply
from parvis.contacts.services.visits import visit_record
from parvis.contacts.tests.factories import InboundEndpointFactory, QueueFactory, channel
from parvis.core.menu import Viewer, build
from parvis.directory.tests.factories import SiteFactory
from parvis.messaging.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    channel("chat")
    return InboundEndpointFactory(connector="chat")


def _chat(endpoint, session: str = "a" * 32) -> Conversation:  # type: ignore[no-untyped-def]
    chat_message_accept(endpoint=endpoint, session=session, sequence=0, text="Bonjour")
    return Conversation.objects.get()


def test_a_quality_manager_reads_a_chat_and_cannot_answer_it(client, endpoint):
    conversation = _chat(endpoint)
    quality = MembershipFactory(organisation=endpoint.organisation, role=Role.QUALITY_MANAGER).user
    with pytest.raises(ContactError) as refused:
        chat_reply(principal=quality, conversation=conversation, text="Bonjour")
    assert refused.value.code == "not_allowed"
    client.force_login(quality)
    url = reverse("contacts_backoffice:conversation_detail", args=[conversation.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "Répondre sur le chat" not in page.content.decode()
    assert client.post(url, {"text": "Bonjour"}).status_code == 403
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    # an agent of the same organisation answers
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    client.force_login(agent)
    assert "Répondre sur le chat" in client.get(url).content.decode()


def test_a_quality_manager_cannot_record_a_counter_visit(client):
    channel("guichet")
    site = SiteFactory()
    QueueFactory(site=site, organisation=site.organisation)
    quality = MembershipFactory(organisation=site.organisation, role=Role.QUALITY_MANAGER).user
    with pytest.raises(ContactError) as refused:
        visit_record(principal=quality, site=site, motif=None, outcome="answered", minutes=5)
    assert refused.value.status == 403
    client.force_login(quality)
    assert client.get(reverse("contacts_backoffice:visit_record")).status_code == 403
    labels = [
        child.label
        for item in build(Viewer(quality, site.organisation), path="/")
        for child in item.children
    ]
    assert "Conversations" in labels and "Enregistrer une visite" not in labels


def test_a_chat_reply_that_cannot_be_delivered_is_kept_and_shown_not_delivered(
    client, endpoint, django_capture_on_commit_callbacks
):
    # A thread key that is no chat session (as the demo's were): the chat provider refuses
    # to publish, after the reply committed.
    conversation = _chat(endpoint)
    Conversation.objects.filter(pk=conversation.pk).update(thread_key="demo-chat-0000")
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    client.force_login(agent)
    url = reverse("contacts_backoffice:conversation_detail", args=[conversation.reference])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Nous regardons votre dossier."})
    assert response.status_code == 302
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert reply.delivery is not None
    assert reply.delivery.status in {DeliveryStatus.FAILED, DeliveryStatus.DEAD_LETTER}
    assert reply.undelivered
    assert "non remis" in client.get(url).content.decode()
    assert Delivery.objects.count() == 1


def test_the_demo_chats_are_genuine_sessions():
    from parvis.demo.contacts_demo import demo_chat_session
    from parvis.demo.routing_demo import FS_CHAT_SESSION

    for session in (FS_CHAT_SESSION, demo_chat_session("chat-0")):
        assert chat.session_group(session) == f"chat-session-{session}"
    assert demo_chat_session("chat-0") == demo_chat_session("chat-0")
