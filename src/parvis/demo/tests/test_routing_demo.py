"""The France Services escalation in the demo, as the referent meets it: one chat of the
France Services site waits escalated by its adviser; once the CAF's referent is
available at the desk, it is offered to them with the adviser's question. Seeding
again adds none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import User
from parvis.contacts.models import Conversation
from parvis.routing import engine
from parvis.routing.models import Entry, EntryState
from parvis.territories.services import territories_load

pytestmark = pytest.mark.django_db


def test_the_referent_is_offered_the_escalated_france_services_chat(client):
    from parvis.demo.citizens_demo import demo_citizens_seed
    from parvis.demo.contacts_demo import demo_contacts_seed
    from parvis.demo.routing_demo import FS_CHAT_SESSION, demo_routing_seed
    from parvis.demo.services import demo_seed
    from parvis.routing.services.presence import presence_set

    territories_load()
    demo_seed(scale="small", with_voice=False)
    demo_contacts_seed()
    demo_citizens_seed()
    demo_routing_seed()
    demo_routing_seed()  # idempotent
    (escalated,) = Conversation.objects.filter(thread_key=FS_CHAT_SESSION)
    assert escalated.queue.slug.startswith("fs-") and escalated.citizen is not None
    # The next chat of the site that the engine cannot qualify waits in a triage queue
    # its adviser takes from.
    from parvis.contacts.models import Queue

    adviser = User.objects.get(email="agent.fs@demo.parvis.fr")
    assert Queue.objects.filter(
        organisation=escalated.organisation, is_triage=True, members__user=adviser
    ).exists()
    entry = Entry.objects.get(conversation=escalated)
    assert entry.escalated and entry.state == EntryState.WAITING

    # Before the referent is available: the dashboard and the desk say it waits for them.
    referent = User.objects.get(email="referent.caf33@demo.parvis.fr")
    client.force_login(referent)
    dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
    assert 'data-todo="contacts.escalations"' in dashboard
    assert "Contacts remontés au niveau 2 qui vous attendent" in dashboard
    desk = client.get(reverse("desk:home")).content.decode()
    assert 'data-escalations="1"' in desk and "passez « disponible » pour le recevoir" in desk
    # The adviser who escalated it is not counted as a referent.
    client.force_login(User.objects.get(email="agent.fs@demo.parvis.fr"))
    dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
    assert 'data-todo="contacts.escalations"' not in dashboard

    presence_set(user=referent, presence="available")
    engine.process_due()
    entry.refresh_from_db()
    assert entry.state == EntryState.OFFERED and entry.offered_to == referent

    client.force_login(referent)
    home = client.get(reverse("desk:home")).content.decode()
    assert escalated.reference in home and "Remontée au niveau 2" in home
    page = client.get(reverse("desk:conversation", args=[escalated.reference])).content.decode()
    assert "Remontée au niveau 2 (Référents des partenaires)" in page
    assert "Fiche usager\xa0: Léa Martin" in page
