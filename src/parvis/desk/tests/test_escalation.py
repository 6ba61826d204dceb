"""The France Services escalation « on request », as its people do it at the desk: the
adviser who holds a citizen's chat asks the partner's level-2 referent with a question;
the referent, available, is offered it at once (not the adviser again), reads the
question and takes it. An expert queue, whose referents come first, has no such button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import AuditEvent
from parvis.contacts.models import Direction, Status
from parvis.contacts.tests.factories import QueueFactory
from parvis.core.crypto import decrypt_text
from parvis.desk import services
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory
from parvis.routing import engine
from parvis.routing.models import Entry, EntryState
from parvis.routing.services import offers
from parvis.routing.tests.factories import (
    QueuePolicyFactory,
    SkillFactory,
    TierFactory,
    agent,
    arrive,
)

pytestmark = pytest.mark.django_db

QUESTION = "Indu de prime d’activité contesté : pouvez-vous vérifier le calcul ?"


def _france_services():  # type: ignore[no-untyped-def]
    site = SiteFactory()
    caf = OrganisationFactory()
    queue = QueueFactory(site=site, organisation=site.organisation)
    policy = QueuePolicyFactory(queue=queue, skill=SkillFactory())
    TierFactory(policy=policy, position=1, min_level=1, min_wait_seconds=0).sites.add(site)
    TierFactory(policy=policy, position=2, min_level=2, min_wait_seconds=120).organisations.add(caf)
    adviser = agent(queue, level=1, site=site)
    referent = agent(queue, level=2, organisation=caf)
    return queue, adviser, referent


def test_the_adviser_escalates_a_chat_they_hold_and_the_referent_is_offered_it(client):
    queue, adviser, referent = _france_services()
    conversation = arrive(queue)
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).offered_to == adviser
    offers.offer_accept(user=adviser, conversation=conversation)

    client.force_login(adviser)
    page = client.get(reverse("desk:conversation", args=[conversation.reference]))
    assert "Remonter au niveau 2" in page.content.decode()
    response = client.post(
        reverse("desk:escalate", args=[conversation.reference]),
        {"escalation_reason": QUESTION},
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Status.QUEUED and conversation.assignee is None
    note = conversation.messages.get(direction=Direction.NOTE)
    assert QUESTION in decrypt_text(note.body_encrypted)
    assert AuditEvent.objects.filter(action="routing.escalated").exists()

    # Well before the referents' tier opens (120 s), and not back to the adviser.
    engine.process_due()
    entry = Entry.objects.get(conversation=conversation)
    assert entry.state == EntryState.OFFERED and entry.offered_to == referent

    client.force_login(referent)
    home = client.get(reverse("desk:home")).content.decode()
    assert conversation.reference in home and "Remontée au niveau 2" in home
    page = client.get(reverse("desk:conversation", args=[conversation.reference]))
    assert page.status_code == 200 and QUESTION in page.content.decode()
    client.post(
        reverse("desk:offer_answer", args=[conversation.reference]), {"decision": "accepter"}
    )
    conversation.refresh_from_db()
    assert conversation.assignee == referent and conversation.status == Status.ASSIGNED


def test_an_escalation_needs_its_question(client):
    queue, adviser, _referent = _france_services()
    conversation = arrive(queue)
    services.conversation_take(principal=adviser, conversation=conversation)
    client.force_login(adviser)
    response = client.post(
        reverse("desk:escalate", args=[conversation.reference]), {"escalation_reason": " "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('id="escalate-errors"', 1)[1].split("</div>", 1)[0]
    assert "Le contact n’a pas été remonté" in summary
    assert "Écrivez la question que vous posez au référent." in summary
    assert "Ce champ est obligatoire" not in html
    conversation.refresh_from_db()
    assert conversation.assignee == adviser


def test_an_expert_queue_offers_no_escalation(client):
    policy = QueuePolicyFactory(skill=SkillFactory())
    TierFactory(policy=policy, position=1, min_level=2, min_wait_seconds=0)
    TierFactory(policy=policy, position=2, min_level=1, min_wait_seconds=60)
    generalist = agent(policy.queue, level=1)
    conversation = arrive(policy.queue)
    services.conversation_take(principal=generalist, conversation=conversation)
    client.force_login(generalist)
    page = client.get(reverse("desk:conversation", args=[conversation.reference]))
    assert page.status_code == 200 and "Remonter au niveau 2" not in page.content.decode()
    response = client.post(
        reverse("desk:escalate", args=[conversation.reference]),
        {"escalation_reason": QUESTION},
    )
    assert response.status_code == 400
    assert "pas de référents de niveau 2" in response.content.decode()


def test_the_routing_panel_says_candidates_scores_in_french(client):
    queue, adviser, _referent = _france_services()
    conversation = arrive(queue)
    engine.process_due()
    from parvis.routing.models import Decision

    Decision.objects.filter(conversation=conversation).update(
        candidates=[{"conversation": conversation.pk, "score": 388.6, "chosen": True}]
    )
    client.force_login(adviser)
    html = client.get(reverse("desk:conversation", args=[conversation.reference])).content.decode()
    assert f"{conversation.reference} (score 388,6) (retenu)" in html


def test_an_escalated_contact_waits_for_a_referent_not_for_an_adviser(client):
    """The adviser asked for a referent: neither they nor another adviser of level 1 can
    take it back from the waiting list (routing offers it to referents only); an agent of
    level 2 sees it there, marked « Remontée au niveau 2 »."""
    from parvis.desk.errors import DeskError
    from parvis.routing.models import Presence

    queue, adviser, referent = _france_services()
    site = queue.site
    other_adviser = agent(queue, level=1, site=site, presence=Presence.BREAK)
    conversation = arrive(queue)
    conversation = services.conversation_take(principal=adviser, conversation=conversation)
    # The referent is on a break: the escalated contact waits in the queue.
    type(referent.routing_state).objects.filter(user=referent).update(presence=Presence.BREAK)
    services.desk_escalate(principal=adviser, conversation=conversation, reason=QUESTION)
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).state == EntryState.WAITING

    for someone in (adviser, other_adviser):
        client.force_login(someone)
        home = client.get(reverse("desk:home")).content.decode()
        assert conversation.reference not in home
        with pytest.raises(DeskError) as refused:
            services.conversation_take(principal=someone, conversation=conversation)
        assert refused.value.code == "escalated"
    # A level-2 agent of the site sees it in the waiting list, marked, and may take it.
    expert = agent(queue, level=2, site=site, presence=Presence.BREAK)
    client.force_login(expert)
    home = client.get(reverse("desk:home")).content.decode()
    assert conversation.reference in home and "Remontée au niveau 2" in home
    services.conversation_take(principal=expert, conversation=conversation)
    conversation.refresh_from_db()
    assert conversation.assignee == expert


def test_the_advisers_dashboard_does_not_count_their_own_escalation(client):
    """The adviser escalated a chat to the partner's referent: it waits in their queue
    for the referent, so « Conversations en attente d'un agent » counts only the contact
    they can take, and the list behind the count shows that one (same selector)."""
    import re

    queue, adviser, _referent = _france_services()
    escalated = arrive(queue)
    engine.process_due()
    offers.offer_accept(user=adviser, conversation=escalated)
    escalated.refresh_from_db()
    services.desk_escalate(principal=adviser, conversation=escalated, reason=QUESTION)
    waiting = arrive(queue)

    client.force_login(adviser)
    dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
    row = dashboard.split('data-todo="contacts.queued"', 1)[1].split("</tr>", 1)[0]
    href, count = re.search(r'href="([^"]+)" data-count="(\d+)"', row).groups()
    assert count == "1"
    listed = client.get(href.replace("&amp;", "&")).content.decode()
    assert waiting.reference in listed and escalated.reference not in listed
    assert "1 conversation correspondant à ces filtres" in listed
    assert "data-takeable" in listed
    # The desk's waiting list, what the adviser can take, agrees.
    desk = client.get(reverse("desk:home")).content.decode()
    assert waiting.reference in desk and escalated.reference not in desk
