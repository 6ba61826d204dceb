"""Routing in a real browser: in an expert queue, a chat is offered to the only level-2
agent while a level-1 agent is idle; the expert lets it go, and once the tier delay has
passed it is offered to the level-1 agent, who accepts it from the desk (axe-core on
the desk). A supervisor changes a queue's strategy and adds a tier from its settings
page. The route worker's part is played by ``engine.process_due`` at the time it
would run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import DEFAULT_PASSWORD, MembershipFactory
from parvis.contacts.models import Conversation, Status
from parvis.directory.tests.factories import OrganisationFactory
from parvis.routing import engine
from parvis.routing.models import Entry, Presence, Strategy, Tier
from parvis.routing.tests.factories import (
    QueuePolicyFactory,
    SkillFactory,
    TierFactory,
    agent,
    arrive,
    france_services_policy,
)
from parvis.testing.browser import DEFAULT_TIMEOUT_MS, axe_serious_violations

pytestmark = pytest.mark.browser

TIER_DELAY = 60


def _log_in(page, live_server, user):  # type: ignore[no-untyped-def]
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + reverse("backoffice:dashboard"))


def test_a_chat_goes_to_the_level_2_agent_first_then_widens_to_level_1(page, browser, live_server):
    policy = QueuePolicyFactory(skill=SkillFactory(), offer_seconds=120)
    TierFactory(policy=policy, position=1, name="Experts", min_level=2, min_wait_seconds=0)
    TierFactory(policy=policy, position=2, name="Élargi", min_level=1, min_wait_seconds=TIER_DELAY)
    queue = policy.queue
    generalist = agent(queue, level=1, idle_since=timezone.now() - dt.timedelta(hours=3))
    expert = agent(queue, level=2, presence=Presence.OFFLINE)

    # The expert comes in and sets themselves available at the desk.
    _log_in(page, live_server, expert)
    page.goto(live_server.url + reverse("desk:home"))
    page.get_by_label("Présence").select_option("available")
    page.get_by_role("button", name="Changer ma présence").click()
    expect(page.get_by_text("Vous êtes maintenant : disponible.")).to_be_visible()

    conversation = arrive(queue)
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).offered_to == expert

    # The level-1 agent, idle for hours, is offered nothing yet.
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    generalist_page = context.new_page()
    _log_in(generalist_page, live_server, generalist)
    generalist_page.goto(live_server.url + reverse("desk:home"))
    expect(generalist_page.locator("#desk-offers")).to_contain_text("Aucune conversation")

    # The expert sees the offer and lets it go (e.g. already on another matter).
    page.reload()
    offer = page.locator(f"[data-offer='{conversation.reference}']")
    expect(offer).to_contain_text("Messagerie instantanée")
    assert axe_serious_violations(page) == []
    offer.get_by_role("button", name="Refuser").click()
    expect(page.get_by_text("est proposée à un autre agent")).to_be_visible()
    engine.process_due()
    assert Entry.objects.get(conversation=conversation).offered_to is None

    # Once the tier delay has passed, the worker widens it to level 1.
    engine.process_due(now=timezone.now() + dt.timedelta(seconds=TIER_DELAY + 1))
    assert Entry.objects.get(conversation=conversation).offered_to == generalist
    generalist_page.reload()
    generalist_offer = generalist_page.locator(f"[data-offer='{conversation.reference}']")
    generalist_offer.get_by_role("button", name="Accepter").click()
    generalist_page.wait_for_url(
        live_server.url + reverse("desk:conversation", args=[conversation.reference])
    )
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert conversation.status == Status.ASSIGNED and conversation.assignee == generalist
    context.close()


def test_the_supervisor_changes_the_strategy_and_adds_a_partner_tier(page, live_server):
    """As the demo's France Services supervisor: from the wallboard to « Réglages de la
    file », a round robin instead of the longest idle agent, then the partner's referents
    after two minutes (axe-core on the page with its tiers)."""
    caf = OrganisationFactory(name="Caisse d’allocations familiales", short_name="CAF")
    policy = france_services_policy(partner=caf, skill=SkillFactory(name="Prestations familiales"))
    queue = policy.queue
    TierFactory(policy=policy, position=1, name="Conseillers France Services", min_level=1)
    supervisor = MembershipFactory(organisation=queue.organisation, role=Role.SUPERVISOR).user

    _log_in(page, live_server, supervisor)
    page.goto(live_server.url + reverse("routing:wallboard"))
    page.get_by_role("link", name=f"Réglages de la file {queue.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réglages de la file")

    page.get_by_text("tour de rôle", exact=True).click()
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_text("Les réglages de la file sont enregistrés.")).to_be_visible()

    new_tier = page.locator("section", has=page.get_by_role("heading", name="Ajouter un palier"))
    new_tier.get_by_label("Nom du palier").fill("Référents des partenaires")
    new_tier.get_by_label("Ouvert après une attente de (secondes)").fill("120")
    new_tier.get_by_label("Niveau minimal").select_option("2")
    new_tier.get_by_text("CAF", exact=True).click()
    new_tier.get_by_role("button", name="Ajouter le palier").click()
    expect(page.get_by_text("Le palier 2 est ajouté.")).to_be_visible()
    expect(page.get_by_role("heading", name="Palier 2 : Référents des partenaires")).to_be_visible()
    assert axe_serious_violations(page) == []

    policy.refresh_from_db()
    assert policy.strategy == Strategy.ROUND_ROBIN
    tier = Tier.objects.get(policy=policy, position=2)
    assert (tier.min_wait_seconds, tier.min_level) == (120, 2)
    assert list(tier.organisations.all()) == [caf]
