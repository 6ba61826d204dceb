"""Contact hub API: scoped reads of conversations and messages, and the events replay."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.accounts.models import Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import events
from parvis.contacts.models import Direction, Message, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, channel
from parvis.core.crypto import encrypt_text
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _bearer(organisation) -> Client:  # type: ignore[no-untyped-def]
    _, raw = api_token_create(actor=None, organisation=organisation, name="lecture")
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _message(conversation, text: str) -> Message:  # type: ignore[no-untyped-def]
    return Message.objects.create(
        conversation=conversation,
        direction=Direction.INBOUND,
        channel=channel("courriel"),
        subject="Attestation",
        body_encrypted=encrypt_text(text),
        body_masked="[masqué]",
    )


def test_a_token_reads_its_organisations_conversations_only():
    mine = ConversationFactory(status=Status.QUEUED)
    ConversationFactory(queue=mine.queue, status=Status.RESOLVED)
    other = ConversationFactory()
    client = _bearer(mine.organisation)
    page = client.get("/api/v1/conversations").json()
    assert page["count"] == 2
    queued = client.get("/api/v1/conversations", {"status": "en-file"}).json()
    assert [c["reference"] for c in queued["results"]] == [mine.reference]
    assert queued["results"][0]["status"] == "en-file"
    assert client.get(f"/api/v1/conversations/{mine.reference}").status_code == 200
    response = client.get(f"/api/v1/conversations/{other.reference}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/conversations", {"status": "queued"}).status_code == 422


def test_messages_are_decrypted_for_who_may_view_them():
    conversation = ConversationFactory()
    _message(conversation, "Bonjour, je souhaite une attestation.")
    client = _bearer(conversation.organisation)
    page = client.get(f"/api/v1/conversations/{conversation.reference}/messages").json()
    (message,) = page["results"]
    assert message["text"] == "Bonjour, je souhaite une attestation."
    assert message["direction"] == "inbound" and message["attachments"] == []
    other = _bearer(OrganisationFactory())
    response = other.get(f"/api/v1/conversations/{conversation.reference}/messages")
    assert response.status_code == 404


def test_a_france_services_conversation_stays_with_its_operator_not_its_partners():
    partner = OrganisationFactory(slug="caf")
    site = SiteFactory(france_services=True)
    site.partners.set([partner])
    conversation = ConversationFactory(
        queue=QueueFactory(site=site), organisation=site.organisation
    )
    assert conversation.organisation == site.organisation  # the operator
    operator = _bearer(site.organisation).get("/api/v1/conversations").json()
    assert [c["reference"] for c in operator["results"]] == [conversation.reference]
    assert _bearer(partner).get("/api/v1/conversations").json()["count"] == 0
    agent = MembershipFactory(organisation=None, site=site, role=Role.AGENT).user
    client = Client()
    client.force_login(agent)
    assert client.get(f"/api/v1/conversations/{conversation.reference}").status_code == 200


def test_events_replay_in_order_from_a_cursor_or_an_event_id():
    conversation = ConversationFactory()
    foreign = ConversationFactory()
    events.conversation_created.send(conversation.pk)
    events.conversation_created.send(foreign.pk)
    events.conversation_assigned.send(conversation.pk)
    events.conversation_resolved.send(conversation.pk)
    client = _bearer(conversation.organisation)

    everything = client.get("/api/v1/events").json()
    kinds = [(e["type"], e["sequence"]) for e in everything["events"]]
    assert kinds == [
        ("conversation_created", 1),
        ("conversation_assigned", 2),
        ("conversation_resolved", 3),
    ]
    assert everything["has_more"] is False
    first = everything["events"][0]
    assert first["conversation"]["reference"] == conversation.reference

    page = client.get("/api/v1/events", {"limit": 1}).json()
    assert page["has_more"] is True and page["next_since"] == first["cursor"]
    rest = client.get("/api/v1/events", {"since": page["next_since"]}).json()
    assert [e["sequence"] for e in rest["events"]] == [2, 3]
    by_id = client.get("/api/v1/events", {"since": first["id"]}).json()
    assert by_id["events"] == rest["events"]
    done = client.get("/api/v1/events", {"since": rest["next_since"]}).json()
    assert done == {"events": [], "next_since": rest["next_since"], "has_more": False}


@pytest.mark.parametrize("since", ["abc", "9" * 30, "²"])
def test_a_bad_cursor_is_a_422(since):
    client = _bearer(OrganisationFactory())
    response = client.get("/api/v1/events", {"since": since})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_event_id_is_a_404():
    client = _bearer(OrganisationFactory())
    response = client.get("/api/v1/events", {"since": "00000000-0000-0000-0000-000000000000"})
    assert response.status_code == 404
    assert response.json()["code"] == "events_since_unknown"


def test_the_api_needs_credentials():
    assert Client().get("/api/v1/events").status_code == 401
    assert Client().get("/api/v1/conversations").status_code == 401
