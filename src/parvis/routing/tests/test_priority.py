"""Priority inputs: the engine's proposal alone gives no bonus; an agent's confirmation
(or the citizen's declaration) does, capped by the queue's policy, and the contact's
place is recomputed at once; only a reason code is stored, and the change is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import AuditEvent
from parvis.contacts.models import Conversation
from parvis.routing.models import Entry, Presence
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

pytestmark = pytest.mark.django_db


def test_a_confirmed_vulnerability_moves_the_contact_up_a_proposed_one_does_not(client, settings):
    policy = QueuePolicyFactory(bonus_cap=350)
    queue = policy.queue
    member = agent(queue, presence=Presence.OFFLINE)
    conversation = arrive(queue, vulnerability_proposed=True)
    entry = Entry.objects.get(conversation=conversation)
    chat_bonus = settings.ROUTING_CHANNEL_BONUS["chat"]
    assert entry.bonus == chat_bonus and entry.bonus_reasons == ["channel"]
    before = entry.sort_key

    client.force_login(member)
    url = reverse("desk:priority", args=[conversation.reference])
    response = client.post(url, {"vulnerability_reason": "disability", "source": "confirmed"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.bonus == 350  # 90 + 300, capped at the policy's 350
    assert entry.bonus_reasons == ["vulnerability", "channel"]
    assert entry.sort_key == pytest.approx(before - (350 - chat_bonus))
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert (conversation.vulnerability_reason, conversation.vulnerability_source) == (
        "disability",
        "confirmed",
    )
    assert AuditEvent.objects.filter(action="conversation.priority_inputs").exists()


def test_a_free_text_reason_is_refused_in_french(client):
    policy = QueuePolicyFactory()
    member = agent(policy.queue, presence=Presence.OFFLINE)
    conversation = arrive(policy.queue)
    client.force_login(member)
    response = client.post(
        reverse("desk:priority", args=[conversation.reference]),
        {"vulnerability_reason": "il est très malade", "source": "confirmed"},
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Entry.objects.get(conversation=conversation).bonus_reasons == ["channel"]
