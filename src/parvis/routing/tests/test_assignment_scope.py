"""Assignment is a scoping relation: a partner's referent, who has no role in the
organisation of the conversation, reaches it while it is offered or assigned to them,
and nothing else of that organisation; the decision is shown on the desk page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.scoping import visible_to
from parvis.contacts.models import Conversation, Outcome
from parvis.contacts.services import lifecycle
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory
from parvis.directory.tests.factories import OrganisationFactory
from parvis.routing import engine
from parvis.routing.services import offers
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

pytestmark = pytest.mark.django_db


def _visible(user):  # type: ignore[no-untyped-def]
    return set(visible_to(user, Conversation.objects.all()).values_list("pk", flat=True))


def test_a_partner_referent_sees_what_is_assigned_to_them_and_nothing_else(client):
    policy = QueuePolicyFactory(queue=QueueFactory())
    queue = policy.queue
    partner = OrganisationFactory()
    referent = agent(queue, organisation=partner)
    # Not a member of the queue: reached only through the offer and the assignment.
    queue.members.filter(user=referent).delete()
    other = ConversationFactory(queue=QueueFactory(organisation=queue.organisation))
    conversation = arrive(queue)
    assert conversation.pk not in _visible(referent)

    from parvis.contacts.models import QueueMember

    QueueMember.objects.create(queue=queue, user=referent)
    engine.forget_caches()
    engine.process_due()
    QueueMember.objects.filter(queue=queue, user=referent).delete()
    assert conversation.pk in _visible(referent)  # offered to them
    offers.offer_accept(user=referent, conversation=conversation)
    assert _visible(referent) == {conversation.pk}
    assert other.pk not in _visible(referent)

    client.force_login(referent)
    page = client.get(reverse("desk:conversation", args=[conversation.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pourquoi ce contact est arrivé ici" in html
    assert "agent libre depuis le plus longtemps" in html

    lifecycle.conversation_resolve(
        conversation=conversation, principal=referent, outcome=Outcome.ANSWERED
    )
    assert conversation.pk not in _visible(referent)
    assert client.get(reverse("desk:conversation", args=[conversation.reference])).status_code in (
        403,
        404,
    )
