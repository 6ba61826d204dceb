"""Decisions by batches (``ROUTING_BATCH_SIZE`` triggers per transaction, their writes
made together at its end; on PostgreSQL the agents of a batch and the heads of their
queues read in one statement each): the same outcome as one decision per transaction,
no contact twice, no agent beyond capacity, score order kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.contacts.models import ConversationTransition, Outcome, Status, WebhookEvent
from parvis.contacts.services import lifecycle
from parvis.routing import engine
from parvis.routing.models import AgentState, AgentWork, Decision, Entry, OfferMode, Trigger
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def deferred(settings):
    """Triggers wait for the test to process them (no inline decision)."""
    settings.ROUTING_INLINE = False


def _emails(queue, count):
    return [arrive(queue, channel_slug="courriel") for _ in range(count)]


@pytest.mark.parametrize("batch", [1, 32])
def test_a_batch_assigns_the_oldest_contacts_once_each_within_capacity(deferred, batch):
    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    agents = [agent(policy.queue, capacity=12) for _ in range(3)]  # one email each
    emails = _emails(policy.queue, 5)

    taken = engine.process_due(batch=batch)

    assert taken >= 5
    held = dict(AgentWork.objects.values_list("conversation_id", "user_id"))
    assert set(held) == {c.pk for c in emails[:3]}  # the three that waited longest
    assert sorted(held.values()) == sorted(a.pk for a in agents)  # one each
    assert set(AgentState.objects.values_list("used_units", flat=True)) == {12}
    assert Decision.objects.count() == 3
    for conversation in emails[:3]:
        conversation.refresh_from_db()
        assert conversation.status == Status.ASSIGNED
        assert conversation.assignee_id == held[conversation.pk]
        assert (
            ConversationTransition.objects.filter(conversation=conversation, move="assign").count()
            == 1
        )
        # The factory records no creation event: the assignment is the first one.
        assert (
            WebhookEvent.objects.get(
                conversation=conversation, kind="conversation_assigned"
            ).sequence
            == 1
        )
    assert set(Entry.objects.values_list("conversation_id", flat=True)) == {
        c.pk for c in emails[3:]
    }

    # The three agents free up at once: their triggers are taken in one batch.
    for conversation in emails[:3]:
        lifecycle.conversation_resolve(
            conversation=conversation,
            principal=conversation.assignee,
            outcome=Outcome.ANSWERED,
        )
    engine.process_due(batch=batch)
    rest = dict(AgentWork.objects.values_list("conversation_id", "user_id"))
    assert set(rest) == {c.pk for c in emails[3:]}
    assert len(set(rest.values())) == 2
    assert not Entry.objects.exists()
    assert AgentState.objects.filter(used_units__gt=12).count() == 0


def test_an_agent_with_room_takes_several_contacts_of_one_batch(deferred):
    """Units booked by a batch's earlier decisions count for its later ones."""
    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    busy = agent(policy.queue, capacity=36)  # three emails
    emails = _emails(policy.queue, 5)
    engine.process_due(batch=32)
    held = list(AgentWork.objects.filter(user=busy).values_list("conversation_id", flat=True))
    assert sorted(held) == sorted(c.pk for c in emails[:3])
    assert AgentState.objects.get(user=busy).used_units == 36
    assert Entry.objects.count() == 2


def test_a_failed_batch_rolls_back_whole(deferred, monkeypatch):
    """The hub refusing one assignment undoes every decision of the batch (its triggers
    come back): nothing half written."""
    from parvis.contacts.errors import ContactError

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    agent(policy.queue)
    _emails(policy.queue, 2)
    triggers = Trigger.objects.count()

    def refuse(*args, **kwargs):
        raise ContactError("transition_not_allowed", "refusé", "status")

    monkeypatch.setattr(lifecycle, "conversations_assign_by_system", refuse)
    # PostgreSQL's batch writes the assignment in its own statement, then this checks it.
    monkeypatch.setattr(lifecycle, "conversations_assigned_by_system", refuse)
    with pytest.raises(ContactError):
        engine.process_batch(now=timezone.now(), limit=32)
    assert not Decision.objects.exists() and not AgentWork.objects.exists()
    assert AgentState.objects.get().used_units == 0
    assert Entry.objects.count() == 2
    assert Trigger.objects.count() == triggers


def test_an_agent_with_room_and_nothing_else_waiting_gets_no_trigger_of_their_own(deferred):
    """Their own trigger would only find nothing: no decision is wasted on it."""
    from parvis.routing.models import TriggerKind

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    alice = agent(policy.queue)  # room for eight emails
    (email,) = _emails(policy.queue, 1)
    engine.process_due(batch=32)
    assert AgentWork.objects.get().conversation_id == email.pk
    assert not Trigger.objects.filter(kind=TriggerKind.AGENT, object_id=alice.pk).exists()
    assert Decision.objects.count() == 1


def test_a_contact_whose_agents_are_being_decided_for_tries_again(deferred):
    """Its only agent is locked by another worker: the contact gets a trigger of its own
    a moment later instead of waiting for that agent's next trigger."""
    from parvis.routing.models import TriggerKind

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    alice = agent(policy.queue)
    (email,) = _emails(policy.queue, 1)
    entry = Entry.objects.get(conversation=email)
    Trigger.objects.all().delete()
    now = timezone.now()
    with engine.deciding(now) as batch:
        batch.agents[alice.pk] = None  # another worker holds their row
        assert engine.route_contact(entry.pk, now=now, trigger="contact") is None
    retry = Trigger.objects.get()
    assert (retry.kind, retry.object_id) == (TriggerKind.CONTACT, entry.pk)
    assert retry.due_at > now
    engine.process_due(now=retry.due_at, batch=32)
    assert AgentWork.objects.get().user_id == alice.pk


def test_a_contact_with_its_own_due_trigger_gives_the_agent_no_second_one(deferred):
    """Two contacts arrive for one agent with room: each contact's own trigger places
    it; the agent gets no trigger of their own on top (a decision that would find
    nothing: half the triggers of a busy hub)."""
    from parvis.routing.models import TriggerKind

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    alice = agent(policy.queue)
    emails = _emails(policy.queue, 2)
    first = engine.process_batch(now=timezone.now(), limit=1)
    assert [outcome.agent_id for _, outcome in first] == [alice.pk]
    assert not Trigger.objects.filter(kind=TriggerKind.AGENT).exists()
    engine.process_due(batch=32)
    assert set(AgentWork.objects.values_list("conversation_id", flat=True)) == {
        c.pk for c in emails
    }
    assert Decision.objects.count() == 2


def test_the_writes_of_a_batch_keep_one_text_whatever_its_size(deferred):
    """On PostgreSQL the batch's writes (routing's rows, the hub's assignment, the
    events log) are sent as arrays: one statement text for any number of decisions, so
    psycopg converts it and PostgreSQL plans it once per connection. The rows they
    write are those of each decision (its texts and JSON included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    for _ in range(4):
        agent(policy.queue, capacity=12)
    emails = _emails(policy.queue, 4)
    texts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as captured:
            engine.process_due(batch=size, limit=size)
        texts.append({q["sql"] for q in captured.captured_queries})
    assert AgentWork.objects.count() == 4
    if connection.vendor == "postgresql":
        # Routing's rows with the hub's assignment, then the events log.
        heads = ("WITH lean_v(id, agent) ", "WITH v AS (SELECT v.e")
        writes = [{sql for sql in batch if sql.startswith(heads)} for batch in texts]
        assert len(writes[0]) == len(heads)
        assert writes[0] == writes[1]
    for conversation in emails:
        decision = Decision.objects.get(conversation=conversation)
        assert decision.trigger == "contact"
        assert decision.rule.startswith("agent libre depuis le plus longtemps · palier")
        assert decision.candidates and decision.candidates[0]["chosen"] is True
        assert isinstance(decision.skipped, dict)
        event = WebhookEvent.objects.get(conversation=conversation)
        assert event.kind == "conversation_assigned"
        assert event.payload["id"] == str(event.event_id)
        assert event.payload["created_at"] == event.created_at.isoformat()
        assert event.payload["conversation"]["id"] == conversation.pk
        assert event.payload["conversation"]["assignee"] == decision.agent_id


@pytest.mark.parametrize("batch", [1, 32])
def test_contacts_arriving_together_go_each_to_an_agent_read_once(deferred, batch):
    """A batch of contact triggers reads their candidates with them and locks
    each one's first agent with the batch's others (PostgreSQL): the same outcome as one
    contact per transaction, and no statement per contact for candidates."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    agents = [agent(policy.queue, capacity=12) for _ in range(3)]
    emails = _emails(policy.queue, 4)

    with CaptureQueriesContext(connection) as captured:
        engine.process_due(batch=batch)

    held = dict(AgentWork.objects.values_list("conversation_id", "user_id"))
    assert set(held) == {c.pk for c in emails[:3]}
    assert sorted(held.values()) == sorted(a.pk for a in agents)
    assert Decision.objects.filter(agent__isnull=False).count() == 3
    assert set(Entry.objects.values_list("conversation_id", flat=True)) == {emails[3].pk}
    if connection.vendor == "postgresql" and batch > 1:
        sqls = [q["sql"] for q in captured.captured_queries]
        # The candidates come with the triggers taken, in their statement.
        assert not any("SELECT q.n, s.user_id" in sql for sql in sqls)
        assert any(sql.startswith("WITH due AS ") and "s.capacity" in sql for sql in sqls)
        assert not any(sql.startswith("SELECT s.user_id, s.capacity") for sql in sqls)


@pytest.mark.parametrize(("due_in", "agent_trigger"), [(0.5, False), (5.0, True)])
def test_an_agent_with_room_gets_no_trigger_for_a_contact_its_own_trigger_places_soon(
    deferred, due_in, agent_trigger
):
    """A contact that arrived while a batch was decided has a trigger due just after the
    batch's ``now``: its own decision places it, so the agent the batch left with room
    gets no trigger of their own for it (it found nothing: a quarter of the triggers of
    the benchmark's contact direction). A contact whose trigger is due later (a tier's
    delay) does not hold the agent back."""
    import datetime as dt

    from parvis.routing.models import TriggerKind

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN)
    alice = agent(policy.queue, capacity=100)
    first, second = _emails(policy.queue, 2)
    now = timezone.now()
    Trigger.objects.filter(kind=TriggerKind.CONTACT).update(due_at=now)
    late = Entry.objects.get(conversation=second).pk
    Trigger.objects.filter(kind=TriggerKind.CONTACT, object_id=late).update(
        due_at=now + dt.timedelta(seconds=due_in)
    )

    decided = engine.process_batch(now=now, limit=32)

    assert [outcome.agent_id for _taken, outcome in decided if outcome] == [alice.pk]
    assert AgentWork.objects.get().conversation_id == first.pk
    assert (
        Trigger.objects.filter(kind=TriggerKind.AGENT, object_id=alice.pk).exists() is agent_trigger
    )
    # Either way the second contact reaches the agent who has room.
    engine.process_due(now=now + dt.timedelta(seconds=due_in + 0.1))
    assert set(AgentWork.objects.values_list("conversation_id", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_a_round_robin_contact_is_decided_from_its_batch_statements(deferred):
    """A round robin's cursor moves with every decision, so the policies' cached cursor
    is stale: it is read fresh with the contact's candidates, and the agent ranked first
    there is the one the decision locks. On PostgreSQL no statement reads the cursor,
    locks an agent or reads heads alone, and whether work may wait for the agent left
    with room is answered inside the batch's writes (no statement of its own), which
    also make the hub's assignment; the agent ranked first was guessed and locked with
    the heads by the statement that takes the trigger: three statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN, strategy="round_robin")
    agents = sorted((agent(policy.queue) for _ in range(3)), key=lambda a: a.pk)
    chosen = []
    for _ in range(4):
        arrive(policy.queue, channel_slug="courriel")
        with CaptureQueriesContext(connection) as captured:
            ((_, outcome),) = engine.process_batch(now=timezone.now(), limit=1)
        chosen.append(outcome.agent_id)
        if connection.vendor == "postgresql":
            sqls = [q["sql"] for q in captured.captured_queries]
            assert not any(sql.startswith("SELECT round_robin_last") for sql in sqls)
            assert not any(sql.startswith("WITH s AS (SELECT presence") for sql in sqls)
            assert not any(sql.startswith("SELECT DISTINCT v.agent") for sql in sqls)
            # The ORM's reads are the caches' (policies, an organisation's slug).
            decision = [s for s in sqls if s not in ("BEGIN", "COMMIT") and s[:8] != 'SELECT "']
            # The trigger with the candidates and the agent guessed first, locked with
            # the heads of their queues; routing's writes with the hub's assignment; its
            # events log.
            assert len(decision) == 3
    ids = [a.pk for a in agents]
    # In turn after the last one, wrapping around.
    start = ids.index(chosen[0])
    assert chosen == [ids[(start + n) % 3] for n in range(4)]


def _decision_statements(captured) -> list[str]:
    """The statements of a decision besides ``BEGIN``, ``COMMIT`` and the caches' ORM
    reads (policies, an organisation's slug)."""
    sqls = [q["sql"] for q in captured.captured_queries]
    return [s for s in sqls if s not in ("BEGIN", "COMMIT") and s[:8] != 'SELECT "']


@pytest.mark.parametrize("strategy", ["longest_idle", "least_occupied", "best_skill"])
def test_the_take_guesses_the_first_agent_of_each_strategy(deferred, strategy):
    """The statement that takes a contact's trigger guesses, in SQL, the agent its
    queue's strategy ranks first and reads them with their heads: when the guess is the
    Python ranking's first (each strategy here puts a different agent first), the
    decision reads nothing more (three statements on PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parvis.routing.tests.factories import SkillFactory

    policy = QueuePolicyFactory(
        offer_mode=OfferMode.ASSIGN, strategy=strategy, skill=SkillFactory()
    )
    now = timezone.now()
    idle_longest = agent(policy.queue, level=1, idle_since=now - dt.timedelta(hours=2))
    least_busy = agent(policy.queue, level=1, idle_since=now - dt.timedelta(hours=1))
    expert = agent(policy.queue, level=3, idle_since=now - dt.timedelta(minutes=30))
    AgentState.objects.filter(user__in=[idle_longest, expert]).update(used_units=33)
    expected = {"longest_idle": idle_longest, "least_occupied": least_busy, "best_skill": expert}
    arrive(policy.queue, channel_slug="courriel")

    with CaptureQueriesContext(connection) as captured:
        ((_, outcome),) = engine.process_batch(now=timezone.now(), limit=1)

    assert outcome.agent_id == expected[strategy].pk
    if connection.vendor == "postgresql":
        assert len(_decision_statements(captured)) == 3


def test_a_wrong_guess_reads_the_first_agent_before_deciding(deferred):
    """The guess takes a tier naming sites as open to all; the ranking does not. The
    agent guessed (free for longest, at another site) is not the tier's: the decision
    reads the agent the ranking puts first, with their heads (one statement more), and
    gives them the contact; the agent guessed gets nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parvis.directory.tests.factories import SiteFactory
    from parvis.routing.tests.factories import TierFactory

    site = SiteFactory()
    policy = QueuePolicyFactory(offer_mode=OfferMode.ASSIGN, strategy="longest_idle")
    TierFactory(policy=policy, position=1, min_level=1, min_wait_seconds=0).sites.add(site)
    now = timezone.now()
    elsewhere = agent(policy.queue, idle_since=now - dt.timedelta(hours=2))
    at_the_site = agent(policy.queue, site=site, idle_since=now - dt.timedelta(hours=1))
    arrive(policy.queue, channel_slug="courriel")

    with CaptureQueriesContext(connection) as captured:
        ((_, outcome),) = engine.process_batch(now=timezone.now(), limit=1)

    assert outcome.agent_id == at_the_site.pk
    assert not AgentWork.objects.filter(user=elsewhere).exists()
    if connection.vendor == "postgresql":
        statements = _decision_statements(captured)
        # The agents' sites and organisations (kept 5 s) aside: the one statement more.
        assert len([s for s in statements if "m.organisation_id, ls." not in s]) == 4
        assert sum(s.startswith("WITH s AS (SELECT user_id, presence") for s in statements) == 1


def test_a_batch_takes_at_most_its_limit_whatever_the_plan(deferred):
    """On PostgreSQL the take's plan is made once per connection, possibly while the
    trigger table is empty: the batch still takes ``limit`` triggers at most, the
    oldest first (a subquery run again for each row of the table took them all)."""
    from django.db import connection

    from parvis.routing.models import TriggerKind

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Trigger._meta.db_table}")  # empty: the worst plan
    assert engine.process_batch(now=timezone.now(), limit=4) == []
    now = timezone.now()
    Trigger.objects.bulk_create(
        Trigger(
            kind=TriggerKind.AGENT,
            object_id=10_000 + index,
            due_at=now - dt.timedelta(seconds=60 - index),
            created_at=now,
        )
        for index in range(40)
    )
    taken = engine.process_batch(now=now, limit=4)
    assert [trigger.object_id for trigger, _ in taken] == [10_000, 10_001, 10_002, 10_003]
    assert Trigger.objects.count() == 36
