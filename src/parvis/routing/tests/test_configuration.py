"""A queue's settings changed by its supervisors from the product: the policy (« Réglages
de la file »), its tiers, and the agents' skill levels (« Compétences des agents »).
Each change is validated with French refusals, audited, seen by the engine at once, and
refused outside the supervisor's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts import audit
from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.backoffice.views import _field_labels
from parvis.contacts.tests.factories import QueueFactory, channel
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory
from parvis.routing import engine
from parvis.routing.errors import RoutingError
from parvis.routing.forms import PolicyForm
from parvis.routing.models import (
    AgentSkill,
    Entry,
    QueuePolicy,
    Strategy,
    Tier,
    Trigger,
    TriggerKind,
)
from parvis.routing.services import configuration
from parvis.routing.tests.factories import (
    QueuePolicyFactory,
    SkillFactory,
    TierFactory,
    agent,
    arrive,
    france_services_policy,
)
from parvis.testing.stored_codes import leaked_codes

pytestmark = pytest.mark.django_db


def supervisor_of(organisation: Any, role: str = Role.SUPERVISOR) -> Any:
    return MembershipFactory(organisation=organisation, role=role).user


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def settings_data(policy: QueuePolicy, **overrides: Any) -> dict[str, Any]:
    """What the settings page posts when nothing is touched, with ``overrides``."""
    data = {**PolicyForm.initial_of(policy), **overrides}
    posted = {}
    for name, value in data.items():
        if value is True:
            posted[name] = "on"
        elif value is not None and value is not False:
            posted[name] = value
    return posted


def refusal(error: pytest.ExceptionInfo[RoutingError]) -> tuple[str, str | None]:
    return error.value.code, error.value.field


# --- The policy ------------------------------------------------------------------------------


def test_a_change_of_order_is_audited_and_seen_by_the_engine_at_once():
    policy = QueuePolicyFactory(bonus_cap=600, priority_weight=1.0)
    queue = policy.queue
    available = agent(queue)
    waiting = arrive(queue, priority_bonus=500)
    assert Entry.objects.get(conversation=waiting).bonus == 590  # chat 90 + supervisor 500
    assert engine.policy_of(queue.pk).rule.strategy == Strategy.LONGEST_IDLE  # kept warm
    Trigger.objects.all().delete()

    configuration.policy_update(
        principal=supervisor_of(queue.organisation),
        queue_id=queue.pk,
        changes={"strategy": Strategy.ROUND_ROBIN, "bonus_cap": 100},
    )

    view = engine.policy_of(queue.pk)
    assert view.rule.strategy == Strategy.ROUND_ROBIN and view.rule.cap == 100
    entry = Entry.objects.get(conversation=waiting)
    assert entry.bonus == 100  # recapped, same arrival
    # The waiting contact and the available member are woken; the member again once
    # every process has reloaded the policies.
    kinds = list(Trigger.objects.values_list("kind", "object_id"))
    assert (TriggerKind.CONTACT, entry.pk) in kinds
    assert kinds.count((TriggerKind.AGENT, available.pk)) == 2
    event = AuditEvent.objects.get(action="routing.policy_changed")
    assert event.target_type == "routing.queuepolicy"
    assert event.data == {
        "queue": queue.pk,
        "fields": ["bonus_cap", "strategy"],
        "bonus_cap": 100,
        "strategy": "round_robin",
    }
    policy.refresh_from_db()
    assert policy.updated_at > event.created_at.replace(year=2000)


def test_nothing_changed_writes_nothing():
    policy = QueuePolicyFactory()
    configuration.policy_update(
        principal=supervisor_of(policy.queue.organisation),
        queue_id=policy.queue_id,
        changes={"strategy": policy.strategy},
    )
    assert not AuditEvent.objects.exists()


def test_the_service_level_unit_follows_the_channels_of_the_queue():
    phone = QueuePolicyFactory()
    phone.queue.channels.set([channel("telephone"), channel("chat")])
    written = QueuePolicyFactory(service_level_seconds=None, service_level_working_days=2)
    written.queue.channels.set([channel("courriel"), channel("sms")])
    supervisor = supervisor_of(phone.queue.organisation)
    MembershipFactory(user=supervisor, organisation=written.queue.organisation, role="supervisor")

    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor,
            queue_id=phone.queue_id,
            changes={"service_level_seconds": None, "service_level_working_days": 1},
        )
    assert refusal(error) == ("service_level_unit_channel", "service_level_working_days")
    assert "se compte en secondes" in error.value.message
    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor,
            queue_id=written.queue_id,
            changes={"service_level_seconds": 3600, "service_level_working_days": None},
        )
    assert "se compte en jours ouvrés" in error.value.message
    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor,
            queue_id=written.queue_id,
            changes={"service_level_seconds": 20, "service_level_working_days": 2},
        )
    assert refusal(error) == ("service_level_unit", "service_level_seconds")
    assert not AuditEvent.objects.exists()


def test_overflow_never_to_itself_another_organisation_nor_round_in_a_cycle():
    first = QueuePolicyFactory()
    queue = first.queue
    second = QueuePolicyFactory(queue=QueueFactory(organisation=queue.organisation)).queue
    third = QueuePolicyFactory(queue=QueueFactory(organisation=queue.organisation)).queue
    foreign = QueuePolicyFactory().queue
    supervisor = supervisor_of(queue.organisation)

    def overflow(source: Any, target: Any) -> None:
        configuration.policy_update(
            principal=supervisor, queue_id=source.pk, changes={"overflow_queue": target}
        )

    for target in (queue, foreign):
        with pytest.raises(RoutingError) as error:
            overflow(queue, target)
        assert refusal(error) == ("overflow_queue_not_allowed", "overflow_queue")
    overflow(queue, second)
    overflow(second, third)
    with pytest.raises(RoutingError) as error:
        overflow(third, queue)  # third → first → second → third
    assert refusal(error) == ("overflow_cycle", "overflow_queue")
    assert "tourneraient" in error.value.message
    assert QueuePolicy.objects.get(queue=third).overflow_queue is None


def test_ring_all_needs_offers_and_a_level_tier_needs_a_skill():
    policy = QueuePolicyFactory(skill=SkillFactory())
    TierFactory(policy=policy, position=1, min_level=2)
    supervisor = supervisor_of(policy.queue.organisation)
    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor,
            queue_id=policy.queue_id,
            changes={"strategy": Strategy.RING_ALL, "offer_mode": "assign"},
        )
    assert refusal(error) == ("ring_all_needs_offer", "offer_mode")
    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor, queue_id=policy.queue_id, changes={"skill": None}
        )
    assert refusal(error) == ("skill_required_by_tiers", "skill")


def test_model_limits_are_refused_by_field():
    policy = QueuePolicyFactory()
    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor_of(policy.queue.organisation),
            queue_id=policy.queue_id,
            changes={"offer_seconds": 2},
        )
    assert refusal(error) == ("invalid_policy", "offer_seconds")


def test_another_organisations_queue_is_not_found():
    policy = QueuePolicyFactory()
    with pytest.raises(RoutingError) as error:
        configuration.policy_update(
            principal=supervisor_of(OrganisationFactory()),
            queue_id=policy.queue_id,
            changes={"strategy": Strategy.ROUND_ROBIN},
        )
    assert error.value.status == 404
    with pytest.raises(RoutingError) as error:
        configuration.tier_add(
            principal=supervisor_of(OrganisationFactory()), queue_id=policy.queue_id
        )
    assert error.value.status == 404


# --- Tiers -----------------------------------------------------------------------------------


def test_a_local_supervisor_is_offered_the_sites_of_their_scope_only():
    # A département's supervisor (a grant on its local service) names its own counters,
    # not another département's of the same organisation.
    from parvis.directory.tests.factories import LocalServiceFactory
    from parvis.routing import selectors_settings

    gironde = LocalServiceFactory()
    moselle = LocalServiceFactory(organisation=gironde.organisation)
    bordeaux = SiteFactory(local_service=gironde)
    metz = SiteFactory(local_service=moselle)
    queue = QueueFactory(organisation=gironde.organisation, local_service=gironde)
    QueuePolicyFactory(queue=queue)
    local = MembershipFactory(local_service=gironde, organisation=None, role=Role.SUPERVISOR).user
    offered = set(selectors_settings.tier_site_choices(queue, local))
    assert bordeaux in offered and metz not in offered
    with pytest.raises(RoutingError) as error:
        configuration.tier_add(principal=local, queue_id=queue.pk, sites=[metz])
    assert refusal(error) == ("tier_site_not_allowed", "sites")
    national = supervisor_of(gironde.organisation)
    assert {bordeaux, metz} <= set(selectors_settings.tier_site_choices(queue, national))


def test_the_france_services_escalation_can_be_built_moved_and_removed():
    caf = OrganisationFactory(name="Caisse d’allocations familiales")
    policy = france_services_policy(partner=caf, skill=SkillFactory())
    queue = policy.queue
    supervisor = supervisor_of(queue.organisation)
    engine.policy_of(queue.pk)  # kept warm

    local = configuration.tier_add(
        principal=supervisor,
        queue_id=queue.pk,
        name="Conseillers France Services",
        sites=[queue.site],
    )
    referents = configuration.tier_add(
        principal=supervisor,
        queue_id=queue.pk,
        name="Référents des partenaires",
        min_level=2,
        min_wait_seconds=120,
        organisations=[caf],
    )
    assert (local.position, referents.position) == (1, 2)
    rules = engine.policy_of(queue.pk).rule.tiers  # the M2M changes reached the memo
    assert [(t.position, t.min_level, t.sites, t.organisations) for t in rules] == [
        (1, 1, frozenset({queue.site_id}), frozenset()),
        (2, 2, frozenset(), frozenset({caf.pk})),
    ]

    configuration.tier_move(principal=supervisor, queue_id=queue.pk, tier_id=referents.pk, up=True)
    assert list(Tier.objects.order_by("position").values_list("name", flat=True)) == [
        "Référents des partenaires",
        "Conseillers France Services",
    ]
    with pytest.raises(RoutingError) as error:
        configuration.tier_move(
            principal=supervisor, queue_id=queue.pk, tier_id=referents.pk, up=True
        )
    assert error.value.message == "Ce palier est déjà le premier."

    configuration.tier_delete(principal=supervisor, queue_id=queue.pk, tier_id=referents.pk)
    assert list(Tier.objects.values_list("name", "position")) == [
        ("Conseillers France Services", 1)
    ]
    assert actions() == [
        "routing.tier_added",
        "routing.tier_added",
        "routing.tier_moved",
        "routing.tier_removed",
    ]
    moved = AuditEvent.objects.get(action="routing.tier_moved")
    assert moved.data == {"queue": queue.pk, "tier": referents.pk, "from": 2, "to": 1}


def test_a_tier_names_only_sensible_sites_and_organisations():
    policy = france_services_policy()
    queue = policy.queue
    supervisor = supervisor_of(queue.organisation)
    stranger = OrganisationFactory()
    elsewhere = SiteFactory()
    with pytest.raises(RoutingError) as error:
        configuration.tier_add(principal=supervisor, queue_id=queue.pk, organisations=[stranger])
    assert refusal(error) == ("tier_organisation_not_allowed", "organisations")
    with pytest.raises(RoutingError) as error:
        configuration.tier_add(principal=supervisor, queue_id=queue.pk, sites=[elsewhere])
    assert refusal(error) == ("tier_site_not_allowed", "sites")
    with pytest.raises(RoutingError) as error:
        configuration.tier_add(principal=supervisor, queue_id=queue.pk, min_level=3)
    assert refusal(error) == ("tier_level_without_skill", "min_level")

    # A stranger's agent who becomes a member of the queue makes their organisation a choice.
    agent(queue, organisation=stranger)
    tier = configuration.tier_add(principal=supervisor, queue_id=queue.pk, organisations=[stranger])
    configuration.tier_update(
        principal=supervisor,
        queue_id=queue.pk,
        tier_id=tier.pk,
        name="Partenaires",
        min_wait_seconds=30,
        min_level=1,
        sites=[],
        organisations=[],
    )
    changed = AuditEvent.objects.get(action="routing.tier_changed")
    assert changed.data["fields"] == ["name", "min_wait_seconds", "organisations"]
    other = TierFactory()
    with pytest.raises(RoutingError) as error:
        configuration.tier_delete(principal=supervisor, queue_id=queue.pk, tier_id=other.pk)
    assert error.value.status == 404


def test_a_new_tier_recomputes_when_the_waiting_contacts_widen():
    policy = QueuePolicyFactory()
    queue = policy.queue
    waiting = arrive(queue)
    entry = Entry.objects.get(conversation=waiting)
    assert entry.next_tier_at is None
    configuration.tier_add(
        principal=supervisor_of(queue.organisation), queue_id=queue.pk, min_wait_seconds=600
    )
    entry.refresh_from_db()
    assert entry.next_tier_at is not None and entry.arrived_at == entry.arrived_at


# --- Agents' skills --------------------------------------------------------------------------


def test_set_change_and_remove_a_skill_level_of_an_agent_of_the_scope():
    policy = QueuePolicyFactory(skill=SkillFactory())
    queue = policy.queue
    member = agent(queue)
    english = SkillFactory(name="Anglais", language="en")
    supervisor = supervisor_of(queue.organisation)

    configuration.agent_skill_set(
        principal=supervisor, user_id=member.pk, skill_id=english.pk, level=1
    )
    Trigger.objects.all().delete()
    configuration.agent_skill_set(
        principal=supervisor, user_id=member.pk, skill_id=english.pk, level=3
    )
    assert AgentSkill.objects.get(user=member, skill=english).level == 3
    assert Trigger.objects.filter(kind=TriggerKind.AGENT, object_id=member.pk).count() == 2
    configuration.agent_skill_set(
        principal=supervisor, user_id=member.pk, skill_id=english.pk, level=None
    )
    assert not AgentSkill.objects.filter(user=member).exists()
    assert actions() == [
        "routing.skill_level_set",
        "routing.skill_level_set",
        "routing.skill_level_removed",
    ]
    changed = AuditEvent.objects.filter(action="routing.skill_level_set").order_by("pk").last()
    assert changed is not None
    assert changed.data == {"agent": member.pk, "skill": english.pk, "from": 1, "to": 3}
    assert changed.organisation == queue.organisation


def test_a_supervisor_cannot_change_the_skills_of_another_organisations_agent():
    policy = QueuePolicyFactory()
    theirs = agent(QueuePolicyFactory().queue)
    with pytest.raises(RoutingError) as error:
        configuration.agent_skill_set(
            principal=supervisor_of(policy.queue.organisation),
            user_id=theirs.pk,
            skill_id=SkillFactory().pk,
            level=2,
        )
    assert error.value.status == 404
    assert not AgentSkill.objects.exists()


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SUPERVISOR, 200),
        (Role.ORGANISATION_ADMIN, 200),
        (Role.AGENT, 403),
        (Role.QUALITY_MANAGER, 403),  # sees the organisation's queues
    ],
)
def test_who_opens_the_settings_and_skills_pages(role: str, status: int):
    policy = QueuePolicyFactory()
    queue = policy.queue
    user = MembershipFactory(organisation=queue.organisation, role=role).user
    if role == Role.AGENT:
        agent(queue)  # a member sees the queue, without supervising it
        user = queue.members.get().user
    client = session(user)
    for name in ("routing:queue_settings", "routing:queue_skills"):
        assert client.get(reverse(name, args=[queue.pk])).status_code == status, name


def test_the_supervisor_of_another_organisation_gets_404_everywhere():
    policy = QueuePolicyFactory()
    tier = TierFactory(policy=policy)
    queue = policy.queue
    member = agent(queue)
    client = session(supervisor_of(OrganisationFactory()))
    assert client.get(reverse("routing:queue_settings", args=[queue.pk])).status_code == 404
    assert client.get(reverse("routing:queue_skills", args=[queue.pk])).status_code == 404
    posts = [
        (reverse("routing:queue_settings", args=[queue.pk]), settings_data(policy)),
        (reverse("routing:tier_add", args=[queue.pk]), {"new-tier-min_wait_seconds": 0}),
        (reverse("routing:tier_delete", args=[queue.pk, tier.pk]), {}),
        (
            reverse("routing:queue_skills", args=[queue.pk]),
            {"user": member.pk, "skill": SkillFactory().pk, "level": 2},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert not AuditEvent.objects.exists() and not AgentSkill.objects.exists()
    assert Tier.objects.filter(pk=tier.pk).exists()


def test_the_settings_page_saves_and_refuses_in_french_with_a_400():
    policy = QueuePolicyFactory()
    queue = policy.queue
    queue.channels.set([channel("telephone")])
    client = session(supervisor_of(queue.organisation, Role.ORGANISATION_ADMIN))
    url = reverse("routing:queue_settings", args=[queue.pk])

    page = client.get(url)
    html = page.content.decode()
    for legend in ("Attribution des contacts", "Niveau de service visé", "Débordement"):
        assert legend in html
    assert "ne passe jamais devant lui" in html and "600 ÷ 1 = 10\u00a0min" in html
    assert leaked_codes(html) == []

    QueuePolicy.objects.filter(pk=policy.pk).update(service_level_share=0.875)
    policy.refresh_from_db()
    done = client.post(url, settings_data(policy, strategy="best_skill", wrap_up_seconds=30))
    assert done.status_code == 302
    policy.refresh_from_db()
    assert policy.strategy == "best_skill" and policy.wrap_up_seconds == 30
    assert policy.service_level_share == 0.875  # shown as 88 %, untouched

    wrong_unit = client.post(url, settings_data(policy, service_level_unit="working_days"))
    assert wrong_unit.status_code == 400
    html = wrong_unit.content.decode()
    assert "data-error-summary" in html and "Les réglages n’ont pas été enregistrés" in html
    assert "Délai visé\xa0: Cette file reçoit des appels" in html
    bad_cap = client.post(url, settings_data(policy, bonus_cap=-1))
    assert bad_cap.status_code == 400
    assert "Plafond des bonus (points)\xa0:" in bad_cap.content.decode()
    foreign = client.post(url, settings_data(policy, overflow_queue=QueueFactory().pk))
    assert foreign.status_code == 400
    assert "File de débordement\xa0: Sélectionnez un choix valide" in foreign.content.decode()
    assert actions() == ["routing.policy_changed"]


def test_an_overflow_cycle_is_refused_on_the_page():
    first = QueuePolicyFactory()
    second = QueuePolicyFactory(
        queue=QueueFactory(organisation=first.queue.organisation), overflow_queue=first.queue
    )
    client = session(supervisor_of(first.queue.organisation))
    response = client.post(
        reverse("routing:queue_settings", args=[first.queue_id]),
        settings_data(first, overflow_queue=second.queue_id),
    )
    assert response.status_code == 400
    assert "File de débordement\xa0: La file « " in response.content.decode()


def test_tiers_are_added_changed_and_refused_on_the_page():
    caf = OrganisationFactory()
    policy = france_services_policy(partner=caf, skill=SkillFactory())
    queue = policy.queue
    client = session(supervisor_of(queue.organisation))
    add = reverse("routing:tier_add", args=[queue.pk])

    response = client.post(
        add,
        {
            "new-tier-name": "Référents",
            "new-tier-min_wait_seconds": 120,
            "new-tier-min_level": 2,
            "new-tier-organisations": [caf.pk],
        },
    )
    assert response.status_code == 302
    tier = Tier.objects.get()
    assert list(tier.organisations.all()) == [caf]

    refused = client.post(
        add,
        {
            "new-tier-min_wait_seconds": -5,
            "new-tier-min_level": 1,
            "new-tier-organisations": [OrganisationFactory().pk],
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Le palier n’a pas été ajouté" in html
    assert "Organismes\xa0: Sélectionnez un choix valide" in html

    update = reverse("routing:tier_update", args=[queue.pk, tier.pk])
    response = client.post(
        update,
        {
            f"tier-{tier.pk}-name": "Référents",
            f"tier-{tier.pk}-min_wait_seconds": 60,
            f"tier-{tier.pk}-min_level": 1,
        },
    )
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.min_wait_seconds == 60 and not tier.organisations.exists()
    other_queue_tier = TierFactory(
        policy=QueuePolicyFactory(queue=QueueFactory(organisation=queue.organisation))
    )
    assert (
        client.post(
            reverse("routing:tier_update", args=[queue.pk, other_queue_tier.pk]),
            {
                f"tier-{other_queue_tier.pk}-min_wait_seconds": 1,
                f"tier-{other_queue_tier.pk}-min_level": 1,
            },
        ).status_code
        == 404
    )
    page = client.get(reverse("routing:queue_settings", args=[queue.pk])).content.decode()
    assert "Palier 1\xa0: Référents" in page and "Ajouter un palier" in page


def test_the_skills_page_lists_members_and_sets_levels():
    policy = QueuePolicyFactory(skill=SkillFactory(name="Prestations familiales"))
    queue = policy.queue
    member = agent(queue, level=2)
    english = SkillFactory(name="Anglais", language="en")
    partner = agent(queue, organisation=OrganisationFactory())  # a partner's referent
    client = session(supervisor_of(queue.organisation))
    url = reverse("routing:queue_skills", args=[queue.pk])

    html = client.get(url).content.decode()
    assert "Prestations familiales\xa0: niveau 2 – expert" in html
    assert "Anglais (langue)" in html  # offered as a skill
    assert "gérées par son organisme" in html
    assert leaked_codes(html) == []

    done = client.post(url, {"user": member.pk, "skill": english.pk, "level": 1})
    assert done.status_code == 302
    assert AgentSkill.objects.get(user=member, skill=english).level == 1
    removed = client.post(url, {"user": member.pk, "skill": english.pk, "level": 0})
    assert removed.status_code == 302
    assert not AgentSkill.objects.filter(user=member, skill=english).exists()

    refused = client.post(url, {"user": partner.pk, "skill": english.pk, "level": 1})
    assert refused.status_code == 400
    assert "Agent\xa0: Sélectionnez un choix valide" in refused.content.decode()
    assert not AgentSkill.objects.filter(user=partner).exists()


def test_the_queue_page_and_the_wallboard_link_to_the_settings():
    queue = QueuePolicyFactory().queue
    client = session(supervisor_of(queue.organisation))
    settings_url = reverse("routing:queue_settings", args=[queue.pk])
    page = client.get(reverse("routing:queue", args=[queue.pk])).content.decode()
    assert settings_url in page and "Réglages de la file" in page
    assert reverse("routing:queue_skills", args=[queue.pk]) in page
    assert settings_url in client.get(reverse("routing:wallboard")).content.decode()


def test_every_form_needs_its_csrf_token():
    policy = QueuePolicyFactory()
    tier = TierFactory(policy=policy)
    queue = policy.queue
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor_of(queue.organisation))
    for url in (
        reverse("routing:queue_settings", args=[queue.pk]),
        reverse("routing:tier_add", args=[queue.pk]),
        reverse("routing:tier_update", args=[queue.pk, tier.pk]),
        reverse("routing:tier_move", args=[queue.pk, tier.pk]),
        reverse("routing:tier_delete", args=[queue.pk, tier.pk]),
        reverse("routing:queue_skills", args=[queue.pk]),
    ):
        assert client.post(url, {}).status_code == 403, url
    assert not AuditEvent.objects.exists()


def test_the_audit_journal_says_what_changed_in_french():
    policy = QueuePolicyFactory()
    configuration.policy_update(
        principal=supervisor_of(policy.queue.organisation),
        queue_id=policy.queue_id,
        changes={"strategy": Strategy.BEST_SKILL, "wrap_up_seconds": 20},
    )
    event = AuditEvent.objects.get()
    assert audit.action_label(event.action) == "Règle de routage d’une file modifiée"
    assert audit.details(
        event.action, event.data, field_labels=_field_labels(event.target_type)
    ) == ("champs modifiés : stratégie, temps d’après-contact (secondes)")
