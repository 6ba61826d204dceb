"""Checks of the demo citizen records (``citizens_demo``): histories across channels for
the CAF de la Gironde's agent, a duplicate to merge, and a France Services visit the CAF sees only
through the citizen's consent."""

from __future__ import annotations

from parvis.accounts.models import User
from parvis.contacts import selectors
from parvis.contacts.models import CitizenConsent
from parvis.contacts.services import records
from parvis.demo.accounts import DEMO_CITIZEN
from parvis.publication.models import PublicExperience
from parvis.voice.models import Experience


def assert_demo_citizens() -> None:
    """Called by ``test_seed_demo`` on the demo it seeded (one seeding serves every check:
    it takes a while); withdraws a consent."""
    agent = User.objects.get(email="agent.caf33@demo.parvis.fr")
    caf_records = selectors.citizen_records_for(agent).filter(organisation__slug="caf")
    assert caf_records.count() >= 7
    lea = caf_records.get(last_name="Martin")
    items = selectors.citizen_timeline(agent, lea).items
    channels = {item.channel for item in items}
    assert len(channels) >= 2, channels  # email or SMS, counter...
    visits = [i for i in items if i.kind == "conversation" and i.is_visit]
    assert any(i.organisation.slug != "caf" for i in visits), "the France Services visit"
    assert selectors.duplicate_proposals(agent), "a probable duplicate to merge"
    # Withdrawing the consent hides the France Services visit from the CAF at once.
    fs_agent = User.objects.get(email="agent.fs@demo.parvis.fr")
    consent = CitizenConsent.objects.get(citizen__last_name="Martin")
    records.consent_withdraw(principal=fs_agent, consent=consent)
    after = selectors.citizen_timeline(agent, lea).items
    assert all(i.organisation.slug == "caf" for i in after if i.organisation)
    # The demo citizen's account found her CAF record by its address and joined her
    # published CAF experience to it: the CAF agent reads its masked text there.
    citizen = User.objects.get(email=DEMO_CITIZEN)
    (camille,) = selectors.citizen_records_of_account(citizen, organisation_id=lea.organisation_id)
    assert camille in caf_records
    joined = [i for i in selectors.citizen_timeline(agent, camille).items if i.kind == "experience"]
    assert len(joined) == 1
    public = PublicExperience.objects.get(pk=joined[0].pk)
    assert joined[0].text and public.text.startswith(joined[0].text.rstrip("…"))
    assert Experience.objects.get(uuid=public.uuid).author == citizen
