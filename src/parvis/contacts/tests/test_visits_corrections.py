"""Counter visits, agents' requalifications (masked text only, with a retention), reads
scoped to the principal, and the admin pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.services import purge_expired_data
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.contacts import selectors, services
from parvis.contacts.errors import ContactError
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import (
    CitizenRecord,
    Conversation,
    Direction,
    InboundEndpoint,
    InboundRow,
    InboundStatus,
    Mailbox,
    Outcome,
    QualificationCorrection,
    Queue,
    Status,
)
from parvis.contacts.tests.core_support import FakeEngine, install_fake_engine
from parvis.contacts.tests.factories import (
    ConversationFactory,
    InboundEndpointFactory,
    QueueFactory,
    channel,
)
from parvis.core.crypto import encrypt_text
from parvis.directory.tests.factories import MotifFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    return install_fake_engine(monkeypatch)


@pytest.fixture(autouse=True)
def _channels() -> None:
    for slug in ("courriel", "guichet", "sms"):
        channel(slug)


@pytest.fixture
def site():
    return SiteFactory()


@pytest.fixture
def counter_agent(site):
    return MembershipFactory(organisation=None, site=site, role=Role.AGENT).user


# --- Counter visits -------------------------------------------------------------------------


def test_a_visit_is_created_resolved_in_one_move(site, counter_agent):
    motif = MotifFactory(organisation=site.organisation)
    visit = services.visit_record(
        principal=counter_agent,
        site=site,
        motif=motif,
        outcome=Outcome.ANSWERED_END_TO_END,
        minutes=12,
        documents=["Avis d’imposition", "Pièce d’identité"],
        note="Dossier complet.",
        display_name="M. Durand",
    )
    assert visit.status == Status.RESOLVED and visit.channel_id == "guichet"
    assert visit.site == site and visit.organisation == site.organisation
    assert visit.handling_seconds == 720 and visit.assignee == counter_agent
    assert visit.outcome_version == 1
    assert visit.qualification["visit"]["documents"] == ["Avis d’imposition", "Pièce d’identité"]
    assert visit.citizen.display_name == "M. Durand"
    assert "Durand" not in str(visit.qualification)
    assert [t.move for t in visit.transitions.all()] == ["record_visit"]
    assert visit.messages.get().direction == Direction.NOTE
    assert AuditEvent.objects.filter(action="conversation.record_visit").exists()
    # the counter agent sees it through the site
    assert selectors.conversations_for(counter_agent).get() == visit


def test_a_visit_resolves_an_open_prior_conversation(site, counter_agent):
    queue = QueueFactory(site=site, organisation=site.organisation)
    prior = ConversationFactory(queue=queue, status=Status.QUEUED)
    visit = services.visit_record(
        principal=counter_agent,
        site=site,
        motif=None,
        outcome=Outcome.ANSWERED,
        minutes=5,
        conversation=prior,
    )
    assert visit.pk == prior.pk and visit.status == Status.RESOLVED
    assert visit.handling_seconds == 300 and visit.site == site
    assert Conversation.objects.count() == 1


def test_a_visit_after_an_ended_conversation_is_linked_to_it(site, counter_agent):
    queue = QueueFactory(site=site, organisation=site.organisation)
    prior = ConversationFactory(queue=queue, status=Status.CLOSED)
    visit = services.visit_record(
        principal=counter_agent,
        site=site,
        motif=None,
        outcome=Outcome.ORIENTED_PARTNER,
        minutes=3,
        conversation=prior,
    )
    assert visit.pk != prior.pk and visit.linked_conversation == prior


def test_a_visit_refuses_what_is_out_of_scope_or_incomplete(site, counter_agent):
    with pytest.raises(ContactError) as refused:
        services.visit_record(
            principal=counter_agent, site=SiteFactory(), motif=None, outcome="answered", minutes=1
        )
    assert refused.value.status == 404
    with pytest.raises(ContactError) as refused:
        services.visit_record(principal=counter_agent, site=site, motif=None, outcome="", minutes=1)
    assert refused.value.code == "outcome_required"
    with pytest.raises(ContactError) as refused:
        services.visit_record(
            principal=counter_agent, site=site, motif=MotifFactory(), outcome="answered", minutes=1
        )
    assert refused.value.code == "motif_of_other_organisation"
    assert not Conversation.objects.exists() and not CitizenRecord.objects.exists()


# --- Requalification ------------------------------------------------------------------------


def test_requalification_stores_the_masked_text_only_and_leaves_triage(engine):
    endpoint = InboundEndpointFactory()
    organisation = endpoint.organisation
    motif = MotifFactory(organisation=organisation, slug="retraite")
    target = QueueFactory(organisation=organisation)
    target.motifs.add(motif)
    engine.propose(organisation.slug, "aides-logement", 0.3)
    message = services.message_receive(
        endpoint=endpoint,
        inbound=InboundMessage(
            channel="courriel", text="Je suis Jeanne Martin, ma pension n’est pas arrivée."
        ),
    )
    conversation = message.conversation
    assert conversation.queue.is_triage and conversation.needs_triage
    due = conversation.first_answer_due_at
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    correction = services.conversation_requalify(
        conversation=conversation, principal=agent, motif=motif
    )
    assert correction.masked_text == "Je suis [PERSONNE], ma pension n’est pas arrivée."
    assert "Jeanne" not in correction.masked_text
    assert correction.proposed_motif == f"{organisation.slug}/aides-logement"
    assert correction.corrected_motif == motif and correction.author == agent
    conversation.refresh_from_db()
    assert conversation.motif == motif and not conversation.needs_triage
    assert conversation.queue == target
    assert conversation.first_answer_due_at == due  # never recomputed
    assert AuditEvent.objects.filter(action="conversation.requalified").exists()
    stranger = MembershipFactory(role=Role.AGENT).user
    with pytest.raises(ContactError) as refused:
        services.conversation_requalify(conversation=conversation, principal=stranger, motif=motif)
    assert refused.value.status == 404


def test_corrections_are_purged_after_their_retention(settings):
    settings.CONTACTS_CORRECTIONS_RETENTION_DAYS = 365
    motif = MotifFactory()
    old = QualificationCorrection.objects.create(
        organisation=motif.organisation,
        masked_text="x",
        corrected_motif=motif,
        created_at=timezone.now() - dt.timedelta(days=366),
    )
    QualificationCorrection.objects.create(
        organisation=motif.organisation, masked_text="y", corrected_motif=motif
    )
    counts = purge_expired_data()
    assert counts["contact_qualification_corrections"] == 1
    assert not QualificationCorrection.objects.filter(pk=old.pk).exists()
    assert QualificationCorrection.objects.count() == 1


# --- Reads ----------------------------------------------------------------------------------


def test_reads_are_scoped_and_another_organisation_sees_nothing():
    queue = QueueFactory()
    conversation = ConversationFactory(queue=queue, status=Status.QUEUED)
    ConversationFactory(queue=queue, status=Status.RESOLVED, channel=channel("sms"))
    conversation.messages.create(
        direction=Direction.INBOUND, channel_id="courriel", body_encrypted=encrypt_text("Bonjour")
    )
    agent = MembershipFactory(organisation=queue.organisation, role=Role.AGENT).user
    assert selectors.conversations_for(agent).count() == 2
    assert list(selectors.conversations_for(agent, status=Status.QUEUED)) == [conversation]
    assert selectors.conversations_for(agent, channel="sms").count() == 1
    assert selectors.conversations_for(agent, queue=queue).count() == 2
    assert queue in selectors.queues_for(agent)
    detail = selectors.conversation_detail(agent, pk=conversation.pk)
    assert [selectors.message_text(m) for m in detail.messages.all()] == ["Bonjour"]

    stranger = MembershipFactory(role=Role.AGENT).user
    assert not selectors.conversations_for(stranger).exists()
    assert queue not in selectors.queues_for(stranger)
    with pytest.raises(Http404):
        selectors.conversation_detail(stranger, pk=conversation.pk)


# --- Admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [Queue, Conversation, InboundEndpoint, Mailbox, InboundRow],
)
def test_admin_pages_answer(client, model):
    client.force_login(UserFactory(platform_admin=True))
    endpoint = InboundEndpointFactory()
    queue = QueueFactory()
    conversation = ConversationFactory(queue=queue)
    InboundRow.objects.create(
        endpoint=endpoint,
        channel="courriel",
        external_id="x",
        payload_encrypted=encrypt_text("raw"),
        status=InboundStatus.QUARANTINED,
    )
    url = reverse(f"admin:contacts_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    objects = {Queue: queue, Conversation: conversation, InboundEndpoint: endpoint}
    if model in objects:
        change = reverse(
            f"admin:contacts_{model._meta.model_name}_change", args=[objects[model].pk]
        )
        assert client.get(change).status_code == 200


def test_raw_rows_are_for_platform_admins_only(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:contacts_inboundrow_changelist"))
    assert response.status_code in (302, 403)


def test_a_france_services_conversation_takes_a_partners_motif_and_no_other():
    """At a France Services site the adviser (or the partner's referent who took an
    escalated chat) helps with the CAF, the CPAM…: the motif may be a partner's, as for a
    counter visit there, and the desk names it with its organisation."""
    from parvis.desk.forms import MotifForm
    from parvis.directory.models import Site
    from parvis.directory.tests.factories import OrganisationFactory

    operator, caf = OrganisationFactory(), OrganisationFactory(short_name="CAF")
    site = SiteFactory(organisation=operator, kind=Site.Kind.FRANCE_SERVICES)
    site.partners.add(caf)
    housing = MotifFactory(organisation=caf, label="Aide au logement")
    own = MotifFactory(organisation=operator, label="Accompagnement numérique")
    elsewhere = MotifFactory(label="Carte grise")
    conversation = ConversationFactory(
        organisation=operator, queue=QueueFactory(organisation=operator, site=site)
    )
    agent = MembershipFactory(organisation=operator, role=Role.AGENT).user

    assert set(selectors.motifs_for_conversation(conversation)) == {housing, own}
    form = MotifForm(
        motifs=selectors.motifs_for_conversation(conversation),
        organisation_id=operator.pk,
    )
    labels = [label for _value, label in form.fields["motif"].choices]
    assert "CAF : Aide au logement" in labels and "Accompagnement numérique" in labels
    # No written message (a call, a visit): the motif is set, no training example kept.
    assert (
        services.conversation_requalify(conversation=conversation, principal=agent, motif=housing)
        is None
    )
    conversation.refresh_from_db()
    assert conversation.motif == housing
    assert not QualificationCorrection.objects.exists()
    with pytest.raises(ContactError) as refused:
        services.conversation_requalify(conversation=conversation, principal=agent, motif=elsewhere)
    assert refused.value.code == "motif_of_other_organisation"
    # Away from a France Services site: the conversation's organisation only.
    plain = ConversationFactory(organisation=operator, queue=QueueFactory(organisation=operator))
    assert set(selectors.motifs_for_conversation(plain)) == {own}


def test_a_partners_referent_finds_their_organisations_motifs_first():
    from parvis.directory.models import Site
    from parvis.directory.tests.factories import OrganisationFactory

    operator = OrganisationFactory(name="Aaa opérateur", short_name="Aaa")
    caf = OrganisationFactory(name="Zzz caisse", short_name="CAF")
    site = SiteFactory(organisation=operator, kind=Site.Kind.FRANCE_SERVICES)
    site.partners.add(caf)
    housing = MotifFactory(organisation=caf, label="Aide au logement")
    own = MotifFactory(organisation=operator, label="Accompagnement numérique")
    conversation = ConversationFactory(
        organisation=operator, queue=QueueFactory(organisation=operator, site=site)
    )
    referent = MembershipFactory(organisation=caf, role=Role.AGENT).user
    adviser = MembershipFactory(organisation=operator, role=Role.AGENT).user

    assert list(selectors.motifs_for_conversation(conversation)) == [own, housing]
    assert list(selectors.motifs_for_conversation(conversation, principal=referent)) == [
        housing,
        own,
    ]
    assert list(selectors.motifs_for_conversation(conversation, principal=adviser)) == [
        own,
        housing,
    ]
