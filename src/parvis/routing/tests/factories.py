"""Factories of routing (policies, tiers, skills, agents' states) and a helper that
queues a conversation through the hub's own move, as an arrival does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts.models import Conversation, Status
from parvis.contacts.services import lifecycle
from parvis.contacts.tests.factories import ConversationFactory, QueueMemberFactory, channel
from parvis.routing.models import (
    AgentSkill,
    AgentState,
    Presence,
    QueuePolicy,
    Skill,
    Tier,
)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    code = factory.Sequence(lambda n: f"competence-{n}")
    name = factory.Sequence(lambda n: f"Compétence {n}")


class QueuePolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueuePolicy

    queue = factory.SubFactory("parvis.contacts.tests.factories.QueueFactory")


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    policy = factory.SubFactory(QueuePolicyFactory)
    position = factory.Sequence(lambda n: n + 1)


def agent(
    queue: Any,
    *,
    level: int | None = None,
    presence: str = Presence.AVAILABLE,
    idle_since: dt.datetime | None = None,
    capacity: int = 100,
    role: str = Role.AGENT,
    site: Any = None,
    organisation: Any = None,
) -> Any:
    """An agent of the queue's organisation (or ``site``/``organisation``), member of the
    queue, present, holding the policy's skill at ``level``."""
    if site is not None:
        membership = MembershipFactory(site=site, organisation=None, role=role)
    else:
        membership = MembershipFactory(organisation=organisation or queue.organisation, role=role)
    user = membership.user
    QueueMemberFactory(queue=queue, user=user)
    policy = QueuePolicy.objects.filter(queue=queue).first()
    if level is not None and policy is not None and policy.skill_id:
        AgentSkill.objects.update_or_create(
            user=user, skill_id=policy.skill_id, defaults={"level": level}
        )
    AgentState.objects.update_or_create(
        user=user,
        defaults={
            "presence": presence,
            "capacity": capacity,
            "idle_since": idle_since or timezone.now() - dt.timedelta(minutes=5),
        },
    )
    return user


def arrive(queue: Any, *, channel_slug: str = "chat", **fields: Any) -> Conversation:
    """A new conversation queued through the hub's ``queue`` move (routing follows)."""
    conversation = ConversationFactory(
        queue=queue, channel=channel(channel_slug), status=Status.NEW, **fields
    )
    with transaction.atomic():
        lifecycle.conversation_queue(conversation=conversation)
    conversation.refresh_from_db()
    return conversation


def france_services_policy(*, partner: Any = None, **values: Any) -> QueuePolicy:
    """The policy of a France Services site's queue (its operator's), whose site has
    ``partner`` (an administration) among its partners: the demo's escalation."""
    from parvis.contacts.tests.factories import QueueFactory
    from parvis.directory.tests.factories import OrganisationFactory, SiteFactory

    site = SiteFactory(france_services=True)
    site.partners.add(partner or OrganisationFactory())
    queue = QueueFactory(site=site, organisation=site.organisation)
    return QueuePolicyFactory(queue=queue, **values)
