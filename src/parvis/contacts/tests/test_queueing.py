"""Receiving a message: contact points, threading, qualification, queue choice, and the
deadlines stored at queueing (never recomputed)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import services
from parvis.contacts.inbound import InboundMessage
from parvis.contacts.models import (
    ContactPoint,
    Conversation,
    Direction,
    Message,
    Outcome,
    Queue,
    Status,
)
from parvis.contacts.services.conversations import contact_point_digest
from parvis.contacts.tests.core_support import FakeEngine, install_fake_engine
from parvis.contacts.tests.factories import (
    InboundEndpointFactory,
    QueueFactory,
    channel,
    triage_queue,
)
from parvis.core.crypto import decrypt_text
from parvis.directory.tests.factories import (
    MotifFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    return install_fake_engine(monkeypatch)


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _channels() -> None:
    for slug in ("courriel", "telephone", "sms", "chat", "guichet"):
        channel(slug)


def receive(endpoint, **kwargs):
    kwargs.setdefault("channel", "courriel")
    kwargs.setdefault("text", "Bonjour, je voudrais une information.")
    return services.message_receive(endpoint=endpoint, inbound=InboundMessage(**kwargs))


# --- Triage queues --------------------------------------------------------------------------


def test_every_new_organisation_gets_one_national_triage_queue():
    organisation = OrganisationFactory()
    triage = Queue.objects.get(organisation=organisation, is_triage=True)
    assert triage.departement is None and triage.is_active
    assert triage_queue(organisation) == triage
    assert services.triage_queue_ensure(organisation=organisation) == triage
    assert Queue.objects.filter(organisation=organisation, is_triage=True).count() == 1


def test_the_data_migration_creates_missing_triage_queues():
    from django.apps import apps as global_apps

    from parvis.contacts.migrations import __name__ as package  # noqa: F401

    module = __import__(
        "parvis.contacts.migrations.0003_core_triage_queues", fromlist=["create_triage_queues"]
    )
    organisation = OrganisationFactory()
    Queue.objects.filter(organisation=organisation).delete()
    module.create_triage_queues(global_apps, None)
    assert Queue.objects.get(organisation=organisation, is_triage=True).slug == "tri"


# --- Contact points and threading -----------------------------------------------------------


def test_contact_point_found_by_keyed_digest_stored_encrypted(engine):
    endpoint = InboundEndpointFactory()
    first = receive(
        endpoint, sender=" Usager@Exemple.FR ", sender_kind="email", external_id="<1@x>"
    )
    second = receive(endpoint, sender="usager@exemple.fr", sender_kind="email", external_id="<2@x>")
    point = ContactPoint.objects.get()
    assert first.contact_point == second.contact_point == point
    assert point.value_digest == contact_point_digest("email", "usager@exemple.fr")
    assert "usager" not in point.value_encrypted
    assert decrypt_text(point.value_encrypted) == "usager@exemple.fr"
    # another organisation has its own point for the same address
    receive(InboundEndpointFactory(), sender="usager@exemple.fr", sender_kind="email")
    assert ContactPoint.objects.count() == 2


def test_a_mail_from_an_agents_address_stays_inbound(engine):
    endpoint = InboundEndpointFactory()
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    message = receive(endpoint, sender=agent.email, sender_kind="email", external_id="<a@x>")
    assert message.direction == Direction.INBOUND and message.author is None
    assert message.conversation.first_answered_at is None


def test_a_message_into_a_resolved_or_closed_thread_reopens_it(engine):
    endpoint = InboundEndpointFactory()
    first = receive(endpoint, channel="sms", thread_key="+33600000001|+33700000000")
    conversation = services.conversation_resolve(
        conversation=first.conversation,
        principal=services.lifecycle.workflow.INBOUND,
        outcome=Outcome.ANSWERED,
    )
    again = receive(endpoint, channel="sms", thread_key="+33600000001|+33700000000")
    conversation.refresh_from_db()
    assert again.conversation_id == conversation.pk
    assert conversation.status == Status.QUEUED
    assert conversation.transitions.last().move == "reopen"
    assert conversation.transitions.last().reason_code == "citizen_message"
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.CLOSED)
    receive(endpoint, channel="sms", thread_key="+33600000001|+33700000000")
    assert Conversation.objects.get(pk=conversation.pk).status == Status.QUEUED
    assert len(engine.calls) == 1  # qualified once: the first message only


def test_a_reopening_window_starts_a_new_conversation_after_it(engine, monkeypatch):
    from parvis.contacts.services import conversations

    monkeypatch.setitem(conversations.REOPEN_WINDOW_DAYS, "sms", 7)
    endpoint = InboundEndpointFactory()
    key = "+33600000002|+33700000000"
    t0 = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    first = receive(endpoint, channel="sms", thread_key=key, received_at=t0)
    Conversation.objects.filter(pk=first.conversation_id).update(
        status=Status.RESOLVED, resolved_at=t0
    )
    later = receive(endpoint, channel="sms", thread_key=key, received_at=t0 + dt.timedelta(days=8))
    assert later.conversation_id != first.conversation_id


def test_a_reply_of_the_citizen_resumes_a_conversation_waiting_for_them(engine):
    endpoint = InboundEndpointFactory()
    first = receive(endpoint, channel="chat", thread_key="session-1")
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    conversation = services.conversation_assign(conversation=first.conversation, principal=agent)
    services.conversation_wait(conversation=conversation, principal=agent, on="citizen")
    receive(endpoint, channel="chat", thread_key="session-1")
    conversation.refresh_from_db()
    assert conversation.status == Status.ASSIGNED and conversation.assignee == agent


def test_the_message_is_masked_after_commit(engine, django_capture_on_commit_callbacks):
    endpoint = InboundEndpointFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = receive(endpoint, text="Je suis Jeanne Martin, écrivez à jm@exemple.fr")
    message.refresh_from_db()
    assert message.body_masked == "Je suis [PERSONNE], écrivez à [COURRIEL]"
    assert decrypt_text(message.body_encrypted).startswith("Je suis Jeanne Martin")


# --- Qualification and queue choice ---------------------------------------------------------


def test_a_confident_motif_goes_to_the_queue_serving_it(engine):
    endpoint = InboundEndpointFactory()
    organisation = endpoint.organisation
    motif = MotifFactory(organisation=organisation, slug="aides-logement")
    site = SiteFactory(organisation=organisation, local_service__organisation=organisation)
    email_queue = QueueFactory(site=site, organisation=organisation)
    email_queue.motifs.add(motif)
    email_queue.channels.add(channel("courriel"))
    phone_queue = QueueFactory(site=site, organisation=organisation)
    phone_queue.motifs.add(motif)
    phone_queue.channels.add(channel("telephone"))
    engine.propose(organisation.slug, "aides-logement", 0.93, urgency=True)
    message = receive(endpoint, register="email")
    conversation = message.conversation
    assert conversation.queue == email_queue
    assert conversation.motif == motif and not conversation.needs_triage
    assert conversation.qualification_confidence == 0.93
    assert conversation.urgency_proposed and not conversation.urgency_confirmed
    assert engine.calls == [("Bonjour, je voudrais une information.", "email")]
    assert [t.move for t in conversation.transitions.order_by("pk")] == ["open", "queue"]


def test_low_confidence_goes_to_triage_to_be_sorted(engine):
    endpoint = InboundEndpointFactory()
    MotifFactory(organisation=endpoint.organisation, slug="aides-logement")
    engine.propose(endpoint.organisation.slug, "aides-logement", 0.40)
    conversation = receive(endpoint).conversation
    assert conversation.queue.is_triage and conversation.needs_triage
    assert conversation.qualification["motif"] == "aides-logement"


def test_another_organisation_proposed_is_kept_as_a_proposal(engine):
    endpoint = InboundEndpointFactory()
    engine.propose("caf", "aides-logement", 0.97)
    conversation = receive(endpoint).conversation
    assert conversation.organisation == endpoint.organisation
    assert conversation.qualification["organisation"] == "caf"
    assert conversation.qualification["other_organisation"] is True
    assert conversation.queue.is_triage and conversation.needs_triage


def test_an_engine_error_never_fails_ingestion(engine):
    engine.fail = True
    endpoint = InboundEndpointFactory()
    conversation = receive(endpoint).conversation
    assert conversation.queue.is_triage and conversation.needs_triage
    assert conversation.qualification == {"error": "RuntimeError"}


def test_the_endpoints_queue_when_confident(engine):
    endpoint = InboundEndpointFactory()
    own = QueueFactory(organisation=endpoint.organisation)
    endpoint.queue = own
    endpoint.save()
    MotifFactory(organisation=endpoint.organisation, slug="m")
    engine.propose(endpoint.organisation.slug, "m", 0.99)
    assert receive(endpoint).conversation.queue == own
    # a call with nothing to qualify goes to the endpoint's queue too
    call = receive(endpoint, channel="telephone", text="", thread_key="call-1").conversation
    assert call.queue == own and not call.needs_triage


# --- Deadlines ------------------------------------------------------------------------------


def _site_open_weekdays_until_18(organisation):
    site = SiteFactory(organisation=organisation, local_service__organisation=organisation)
    for weekday in range(5):
        OpeningHoursFactory(site=site, weekday=weekday, opens=dt.time(9), closes=dt.time(18))
    return site


def test_a_call_queued_friday_1750_at_a_site_closing_at_18_is_due_monday_morning(engine):
    endpoint = InboundEndpointFactory(connector="telephone")
    site = _site_open_weekdays_until_18(endpoint.organisation)
    endpoint.queue = QueueFactory(
        site=site, organisation=endpoint.organisation, first_answer_business_seconds=20 * 60
    )
    endpoint.save()
    friday = dt.datetime(2026, 12, 4, 17, 50, tzinfo=PARIS)
    conversation = receive(
        endpoint, channel="telephone", text="", thread_key="call-9", received_at=friday
    ).conversation
    assert conversation.queued_at == friday
    assert conversation.first_answer_due_at == dt.datetime(2026, 12, 7, 9, 10, tzinfo=PARIS)
    # resolution and the announced deadline count working days: end of the day due
    assert conversation.resolution_due_at == dt.datetime(2026, 12, 19, tzinfo=PARIS)
    assert conversation.announced_deadline == dt.datetime(2026, 12, 12, tzinfo=PARIS)


def test_an_email_on_the_eve_of_a_public_holiday_skips_it(engine):
    endpoint = InboundEndpointFactory()
    site = _site_open_weekdays_until_18(endpoint.organisation)
    endpoint.queue = QueueFactory(
        site=site, organisation=endpoint.organisation, first_answer_working_days=2
    )
    endpoint.save()
    monday_13_july = dt.datetime(2026, 7, 13, 16, tzinfo=PARIS)
    conversation = receive(endpoint, received_at=monday_13_july).conversation
    # 14 July (Tuesday) is a public holiday: day 1 is Wednesday, day 2 Thursday
    assert conversation.first_answer_due_at == dt.datetime(2026, 7, 17, tzinfo=PARIS)


def test_the_motifs_commitment_wins_over_the_queues(engine):
    endpoint = InboundEndpointFactory()
    motif = MotifFactory(organisation=endpoint.organisation, slug="m", commitment_working_days=1)
    queue = QueueFactory(organisation=endpoint.organisation, commitment_working_days=10)
    queue.motifs.add(motif)
    engine.propose(endpoint.organisation.slug, "m", 0.95)
    monday = dt.datetime(2026, 3, 2, 10, tzinfo=PARIS)
    conversation = receive(endpoint, received_at=monday).conversation
    assert conversation.queue == queue
    assert conversation.announced_deadline == dt.datetime(2026, 3, 4, tzinfo=PARIS)


def test_the_national_triage_queue_counts_on_the_metropolitan_calendar(engine):
    endpoint = InboundEndpointFactory()
    saturday = dt.datetime(2026, 3, 7, 10, tzinfo=PARIS)
    conversation = receive(endpoint, channel="chat", thread_key="s", received_at=saturday)
    conversation = conversation.conversation
    assert conversation.queue.is_triage
    # default business hours 09:00–12:00: 20 minutes after Monday's opening
    assert conversation.first_answer_due_at == dt.datetime(2026, 3, 9, 9, 20, tzinfo=PARIS)


def test_deadlines_are_never_recomputed_on_later_moves(engine):
    endpoint = InboundEndpointFactory()
    conversation = receive(endpoint, channel="sms", thread_key="k").conversation
    stored = (
        conversation.first_answer_due_at,
        conversation.resolution_due_at,
        conversation.announced_deadline,
    )
    Queue.objects.filter(pk=conversation.queue_id).update(
        first_answer_working_days=9, resolution_working_days=30, commitment_working_days=30
    )
    agent = MembershipFactory(organisation=endpoint.organisation, role=Role.AGENT).user
    conversation = services.conversation_assign(conversation=conversation, principal=agent)
    conversation = services.conversation_resolve(
        conversation=conversation, principal=agent, outcome=Outcome.ANSWERED
    )
    conversation = services.conversation_reopen(conversation=conversation, principal=agent)
    receive(endpoint, channel="sms", thread_key="k")
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert (
        conversation.first_answer_due_at,
        conversation.resolution_due_at,
        conversation.announced_deadline,
    ) == stored
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_conversation_begun_without_text_is_qualified_by_its_first_text(engine):
    endpoint = InboundEndpointFactory(connector="telephone")
    motif = MotifFactory(organisation=endpoint.organisation, slug="m")
    queue = QueueFactory(organisation=endpoint.organisation)
    queue.motifs.add(motif)
    call = receive(endpoint, channel="telephone", text="", thread_key="call-2").conversation
    assert call.queue.is_triage and call.needs_triage and engine.calls == []
    due = call.first_answer_due_at
    engine.propose(endpoint.organisation.slug, "m", 0.97)
    receive(endpoint, channel="telephone", text="Ma pension", thread_key="call-2")
    receive(endpoint, channel="telephone", text="encore", thread_key="call-2")
    call.refresh_from_db()
    assert call.motif == motif and call.queue == queue and not call.needs_triage
    assert call.first_answer_due_at == due
    assert len(engine.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_messages_of_one_thread_at_once_open_one_conversation(monkeypatch):
    import threading
    import time

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time")
    fake = install_fake_engine(monkeypatch)
    slow = fake.qualify

    def slow_qualify(text, register=None):  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # both workers are inside message_receive at once
        return slow(text, register)

    monkeypatch.setattr("parvis.language.engine.qualify", slow_qualify)
    channel("sms")
    endpoint = InboundEndpointFactory()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            receive(endpoint, channel="sms", thread_key="+33611111111|+33700000000")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    conversation = Conversation.objects.get(thread_key="+33611111111|+33700000000")
    assert conversation.messages.count() == 2


def test_an_automatic_reply_moves_nothing(engine):
    endpoint = InboundEndpointFactory()
    first = receive(endpoint, channel="sms", thread_key="k-auto")
    Conversation.objects.filter(pk=first.conversation_id).update(status=Status.RESOLVED)
    auto = receive(endpoint, channel="sms", thread_key="k-auto", is_automatic=True)
    assert auto.conversation_id == first.conversation_id
    assert Conversation.objects.get(pk=first.conversation_id).status == Status.RESOLVED


def test_a_queues_calendar_read_in_sql_is_the_calendar_of_its_place():
    """``QUEUE_CALENDAR_DEPARTEMENT`` (many queues' calendars in one read) gives the time
    zone and holidays of ``place_of_queue``: its site, else the site it names, else its
    département, else the metropolitan calendar (the national triage queue)."""
    from parvis.contacts.selectors import (
        QUEUE_CALENDAR_DEPARTEMENT,
        calendar_of_queue,
        place_of_queue,
    )
    from parvis.territories.tests.factories import CommuneFactory, DepartementFactory

    reunion = SiteFactory(commune=CommuneFactory(departement=DepartementFactory(code="974")))
    guyane = DepartementFactory(code="973")
    organisation = OrganisationFactory()
    queues = [
        QueueFactory(organisation=organisation, site=reunion, departement=guyane),
        QueueFactory(
            organisation=organisation, site=None, calendar_site=reunion, departement=guyane
        ),
        QueueFactory(organisation=organisation, site=None, departement=guyane),
        triage_queue(organisation),
    ]
    read = Queue.objects.filter(pk__in=[q.pk for q in queues]).annotate(
        calendar_departement=QUEUE_CALENDAR_DEPARTEMENT
    )
    codes = {q.pk: q.calendar_departement for q in read}
    calendars = []
    for queue in queues:
        expected, place = place_of_queue(queue), calendar_of_queue(codes[queue.pk])
        calendars.append((place.timezone, place.departement_code))
        assert (place.timezone, place.departement_code) == (
            expected.timezone,
            expected.departement_code,
        )
    assert calendars == [
        ("Indian/Reunion", "974"),
        ("Indian/Reunion", "974"),
        ("America/Cayenne", "973"),
        ("Europe/Paris", None),
    ]
