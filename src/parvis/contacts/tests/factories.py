"""Factories of the contact hub (shared by every test of the app)."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from parvis.contacts.models import Conversation, InboundEndpoint, Queue, QueueMember, Status
from parvis.contacts.services.records import identity_digest
from parvis.core.crypto import encrypt_text
from parvis.core.text import search_key
from parvis.directory.models import Channel
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory

CHANNEL_LABELS = {
    "guichet": "Accueil physique (guichet)",
    "telephone": "Téléphone",
    "courriel": "Courriel",
    "sms": "SMS",
    "chat": "Messagerie instantanée (chat)",
}


def channel(slug: str) -> Channel:
    """The taxonomy channel ``slug`` (created when the test database lacks it)."""
    obj, _ = Channel.objects.get_or_create(slug=slug, defaults={"label": CHANNEL_LABELS[slug]})
    return obj


def triage_queue(organisation) -> Queue:  # type: ignore[no-untyped-def]
    queue, _ = Queue.objects.get_or_create(
        organisation=organisation,
        is_triage=True,
        defaults={"name": "Tri", "slug": "tri"},
    )
    return queue


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda o: o.site.organisation or OrganisationFactory())
    departement = factory.LazyAttribute(lambda o: o.site.commune.departement)
    name = factory.Sequence(lambda n: f"File {n}")
    slug = factory.Sequence(lambda n: f"file-{n}")


class QueueMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueueMember

    queue = factory.SubFactory(QueueFactory)
    user = factory.SubFactory("parvis.accounts.tests.factories.UserFactory")


class InboundEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundEndpoint
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    connector = "courriel"
    name = factory.Sequence(lambda n: f"Point d’entrée {n}")
    secret_encrypted = factory.LazyFunction(lambda: encrypt_text(secrets.token_urlsafe(32)))

    @factory.post_generation
    def with_triage(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            triage_queue(obj.organisation)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    queue = factory.SubFactory(QueueFactory)
    organisation = factory.LazyAttribute(lambda o: o.queue.organisation)
    channel = factory.LazyFunction(lambda: channel("courriel"))
    # A year services never number in tests: no clash with ``next_reference``.
    reference = factory.Sequence(lambda n: f"CONV-1999-{n:05d}")
    status = Status.QUEUED


class CitizenRecordFactory(factory.django.DjangoModelFactory):
    """A citizen record (``CitizenFactory`` is a citizen's account, in accounts)."""

    class Meta:
        model = "contacts.CitizenRecord"

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    display_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    name_key = factory.LazyAttribute(
        lambda o: search_key(f"{o.last_name} {o.first_name} {o.display_name}")
    )
    identity_digest = factory.LazyAttribute(
        lambda o: identity_digest(o.first_name, o.last_name, o.birth_date)
    )
    birth_date = None


class CitizenConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contacts.CitizenConsent"
        skip_postgeneration_save = True

    citizen = factory.SubFactory(CitizenRecordFactory)
    purpose = "procedure_help"
    captured_channel = factory.LazyFunction(lambda: channel("guichet"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=180))
    shares_timeline = True

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            obj.organisations.set(extracted)
