"""The conversation lifecycle, move by move: the table, the log, the audit, the events."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.accounts import audit
from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.contacts import events, services, workflow
from parvis.contacts.errors import ContactError
from parvis.contacts.models import OUTCOME_TABLE_VERSION, Conversation, Outcome, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory
from parvis.core.workflow import CREATION, System

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    return QueueFactory()


@pytest.fixture
def agent(queue):
    return MembershipFactory(organisation=queue.organisation, role=Role.AGENT).user


def conversation_in(queue, status=Status.QUEUED, **kwargs):
    return ConversationFactory(queue=queue, status=status, **kwargs)


def moves_logged(conversation):
    return list(conversation.transitions.order_by("pk").values_list("move", flat=True))


def test_the_table_declares_the_lifecycle_of_the_issue():
    pairs = workflow.LIFECYCLE.pairs()
    assert pairs[CREATION, Status.NEW] == "open"
    assert pairs[Status.NEW, Status.QUEUED] == "queue"
    assert pairs[Status.QUEUED, Status.ASSIGNED] == "assign"
    assert pairs[Status.ASSIGNED, Status.WAITING_CITIZEN] == "wait_citizen"
    assert pairs[Status.ASSIGNED, Status.WAITING_PARTNER] == "wait_partner"
    assert pairs[Status.WAITING_CITIZEN, Status.RESOLVED] == "resolve"
    assert pairs[Status.RESOLVED, Status.CLOSED] == "close"
    assert pairs[Status.RESOLVED, Status.QUEUED] == "reopen"
    assert pairs[Status.CLOSED, Status.QUEUED] == "reopen"
    assert pairs[CREATION, Status.RESOLVED] == "record_visit"
    # routing's only addition, made by the system
    assert pairs[Status.QUEUED, Status.OFFERED] == "offer"
    assert pairs[Status.OFFERED, Status.QUEUED] == "offer_expire"
    assert pairs[Status.OFFERED, Status.ASSIGNED] == "accept"


def test_every_move_a_person_makes_has_a_french_audit_label():
    registered = audit.registered()
    missing = {f"conversation.{m.name}" for m in workflow.LIFECYCLE} - set(registered)
    assert missing == set()
    assert audit.action_label("conversation.resolve") == "Conversation résolue"
    line = audit.details(
        "conversation.resolve", {"from": "assigned", "to": "resolved", "outcome": "answered"}
    )
    assert line == "de « Prise en charge » à « Résolue », issue : Réponse apportée"


def test_assign_wait_resume_resolve_with_log_audit_and_events(
    queue, agent, django_capture_on_commit_callbacks
):
    conversation = conversation_in(queue)
    seen = []
    for event in (events.conversation_assigned, events.conversation_resolved):
        event.subscribe(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            conversation = services.conversation_assign(conversation=conversation, principal=agent)
        assert conversation.status == Status.ASSIGNED
        assert conversation.assignee == agent and conversation.assigned_at is not None
        conversation = services.conversation_wait(
            conversation=conversation, principal=agent, on="citizen"
        )
        assert conversation.status == Status.WAITING_CITIZEN
        conversation = services.conversation_wait(
            conversation=conversation, principal=agent, on="partner"
        )
        assert conversation.status == Status.WAITING_PARTNER
        conversation = services.conversation_resume(conversation=conversation, principal=agent)
        assert conversation.status == Status.ASSIGNED
        with django_capture_on_commit_callbacks(execute=True):
            conversation = services.conversation_resolve(
                conversation=conversation, principal=agent, outcome=Outcome.ANSWERED
            )
    finally:
        for event in (events.conversation_assigned, events.conversation_resolved):
            event.unsubscribe(seen.append)
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    assert conversation.outcome == Outcome.ANSWERED
    assert conversation.outcome_version == OUTCOME_TABLE_VERSION
    assert conversation.resolved_at is not None
    assert moves_logged(conversation) == [
        "assign",
        "wait_citizen",
        "wait_partner",
        "resume",
        "resolve",
    ]
    assert seen == [conversation.pk, conversation.pk]
    actions = list(
        AuditEvent.objects.filter(target_id=str(conversation.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "conversation.assign" and actions[-1] == "conversation.resolve"
    assert conversation.transitions.last().actor == agent


def test_resolving_needs_an_outcome_of_the_closed_table(queue, agent):
    conversation = conversation_in(queue, Status.ASSIGNED, assignee=agent)
    for outcome in ("", "pas_une_issue"):
        with pytest.raises(ContactError) as refused:
            services.conversation_resolve(
                conversation=conversation, principal=agent, outcome=outcome
            )
        assert refused.value.code == "outcome_required"
    assert Conversation.objects.get(pk=conversation.pk).status == Status.ASSIGNED


def test_a_spam_is_resolved_straight_from_the_queue(queue, agent):
    conversation = services.conversation_resolve(
        conversation=conversation_in(queue), principal=agent, outcome=Outcome.SPAM
    )
    assert conversation.status == Status.RESOLVED


def test_release_puts_back_in_the_queue_without_assignee(queue, agent):
    conversation = services.conversation_assign(
        conversation=conversation_in(queue), principal=agent
    )
    conversation = services.conversation_release(conversation=conversation, principal=agent)
    assert conversation.status == Status.QUEUED and conversation.assignee is None


def test_a_move_the_table_refuses_is_a_contact_error_409(queue, agent):
    conversation = conversation_in(queue, Status.RESOLVED)
    with pytest.raises(ContactError) as refused:
        services.conversation_assign(conversation=conversation, principal=agent)
    assert refused.value.code == "transition_not_allowed"
    assert refused.value.status == 409


def test_reopen_by_an_agent_then_by_a_message(queue, agent):
    conversation = conversation_in(
        queue, Status.RESOLVED, outcome=Outcome.ANSWERED, outcome_version=1
    )
    conversation = services.conversation_reopen(conversation=conversation, principal=agent)
    assert conversation.status == Status.QUEUED
    assert conversation.outcome == "" and conversation.outcome_version is None
    assert conversation.transitions.get().reason_code == "agent"
    with pytest.raises(ContactError):
        services.conversation_reopen(
            conversation=conversation_in(queue, Status.CLOSED),
            principal=agent,
            reason="n_importe_quoi",
        )


def test_close_is_for_the_sweep_only(queue, agent, settings):
    settings.CONTACTS_CLOSE_AFTER_DAYS = 7
    now = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
    old = conversation_in(queue, Status.RESOLVED, resolved_at=now - dt.timedelta(days=8))
    recent = conversation_in(queue, Status.RESOLVED, resolved_at=now - dt.timedelta(days=6))
    with pytest.raises(ContactError) as refused:
        services.lifecycle.apply_move(old, principal=agent, move="close")
    assert refused.value.code == "forbidden"
    assert services.conversations_close_resolved(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.CLOSED and old.closed_at == now
    assert recent.status == Status.RESOLVED
    assert old.transitions.get().actor_label == "système"
    assert services.conversations_close_resolved(now=now) == 0  # idempotent


def test_routing_moves_are_the_systems(queue, agent):
    conversation = conversation_in(queue)
    with pytest.raises(ContactError) as refused:
        services.conversation_offer(conversation=conversation, principal=agent)
    assert refused.value.status == 403
    routing = System("routing")
    conversation = services.conversation_offer(conversation=conversation, principal=routing)
    assert conversation.status == Status.OFFERED
    conversation = services.conversation_offer_expire(conversation=conversation, principal=routing)
    assert conversation.status == Status.QUEUED
    conversation = services.conversation_offer(conversation=conversation, principal=routing)
    conversation = services.conversation_accept(conversation=conversation, principal=agent)
    assert conversation.status == Status.ASSIGNED and conversation.assignee == agent


def test_an_agent_of_another_organisation_gets_404(queue):
    stranger = MembershipFactory(role=Role.AGENT).user
    with pytest.raises(ContactError) as refused:
        services.conversation_assign(conversation=conversation_in(queue), principal=stranger)
    assert refused.value.status == 404


def test_close_task_runs_the_sweep(queue):
    from parvis.contacts.tasks import close_resolved

    conversation_in(queue, Status.RESOLVED, resolved_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert close_resolved() == 1


def _assignment_facts(conversation_id):
    from parvis.contacts.models import WebhookEvent

    row = Conversation.objects.values("status", "assignee_id", "assigned_at").get(
        pk=conversation_id
    )
    log = Conversation.objects.get(pk=conversation_id).transitions.order_by("pk").last()
    event = WebhookEvent.objects.filter(conversation_id=conversation_id).order_by("sequence")
    return (
        row,
        (log.from_status, log.to_status, log.move, log.actor_id, log.actor_label, log.created_at),
        [(e.kind, e.sequence, e.payload["conversation"]) for e in event],
    )


def test_the_systems_assignment_in_bulk_is_the_tables_move(
    queue, agent, django_capture_on_commit_callbacks
):
    """``conversations_assign_by_system`` (routing's decisions of a transaction) writes
    what the move ``assign`` writes, conversation by conversation: the row, the log row,
    the numbered event; ``conversation_assigned`` reaches every subscriber."""
    from parvis.contacts.services import lifecycle
    from parvis.contacts.webhooks import on_conversation_created

    engine = System("routing", "routage")
    now = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    one_by_one, in_bulk, second = (conversation_in(queue) for _ in range(3))
    for conversation in (one_by_one, in_bulk, second):
        on_conversation_created(conversation.pk)  # an event numbered before: sequence 2
    seen: list[int] = []
    events.conversation_assigned.subscribe(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.conversation_assign(conversation=one_by_one, principal=engine, agent=agent)
            Conversation.objects.filter(pk=one_by_one.pk).update(assigned_at=now)
            one_by_one.transitions.update(created_at=now)
            moved = lifecycle.conversations_assign_by_system(
                [(in_bulk.pk, agent.pk), (second.pk, agent.pk)], principal=engine, now=now
            )
    finally:
        events.conversation_assigned.unsubscribe(seen.append)
    assert moved == [in_bulk.pk, second.pk] and seen == [one_by_one.pk, in_bulk.pk, second.pk]
    expected = _assignment_facts(one_by_one.pk)
    for conversation in (in_bulk, second):
        row, log, numbered = _assignment_facts(conversation.pk)
        assert row == expected[0] and log == expected[1]
        assert [(kind, sequence) for kind, sequence, _ in numbered] == [
            ("conversation_created", 1),
            ("conversation_assigned", 2),
        ]
        assert numbered[1][2] == {
            **expected[2][1][2],
            "id": conversation.pk,
            "reference": conversation.reference,
        }


def test_the_systems_bulk_assignment_refuses_a_conversation_no_longer_queued(queue, agent):
    from parvis.contacts.services import lifecycle

    waiting, resolved = conversation_in(queue), conversation_in(queue, status=Status.RESOLVED)
    with pytest.raises(ContactError) as refused:
        lifecycle.conversations_assign_by_system(
            [(waiting.pk, agent.pk), (resolved.pk, agent.pk)],
            principal=System("routing", "routage"),
            now=dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC),
        )
    assert refused.value.code == "transition_not_allowed"
    with pytest.raises(ContactError) as forbidden:
        lifecycle.conversations_assign_by_system(
            [(waiting.pk, agent.pk)], principal=agent, now=dt.datetime.now(dt.UTC)
        )
    assert forbidden.value.status == 403


def test_the_systems_offers_in_bulk_are_the_tables_move(queue, django_capture_on_commit_callbacks):
    """``conversations_offer_by_system`` (routing's offers of a transaction) writes what
    the move ``offer`` writes, conversation by conversation: the row and the log row;
    ``conversation_changed`` reaches every subscriber; no webhook event (an offer is
    routing's own business, as one by one)."""
    from parvis.contacts.models import WebhookEvent
    from parvis.contacts.services import lifecycle

    engine = System("routing", "routage")
    now = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)
    one_by_one, in_bulk, second = (conversation_in(queue) for _ in range(3))
    seen: list[int] = []
    events.conversation_changed.subscribe(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.conversation_offer(conversation=one_by_one, principal=engine)
            one_by_one.transitions.update(created_at=now)
            moved = lifecycle.conversations_offer_by_system(
                [in_bulk.pk, second.pk], principal=engine, now=now
            )
    finally:
        events.conversation_changed.unsubscribe(seen.append)
    assert moved == [in_bulk.pk, second.pk] and seen == [one_by_one.pk, in_bulk.pk, second.pk]

    def facts(pk):
        row = Conversation.objects.values("status", "assignee_id", "assigned_at").get(pk=pk)
        log = Conversation.objects.get(pk=pk).transitions.order_by("pk").last()
        return (
            row,
            (
                log.from_status,
                log.to_status,
                log.move,
                log.actor_id,
                log.actor_label,
                log.created_at,
            ),
            WebhookEvent.objects.filter(conversation_id=pk).count(),
        )

    expected = facts(one_by_one.pk)
    assert expected[0]["status"] == Status.OFFERED
    assert facts(in_bulk.pk) == expected and facts(second.pk) == expected


def test_the_systems_bulk_offer_refuses_a_conversation_no_longer_queued(queue, agent):
    from parvis.contacts.services import lifecycle

    waiting, resolved = conversation_in(queue), conversation_in(queue, status=Status.RESOLVED)
    with pytest.raises(ContactError) as refused:
        lifecycle.conversations_offer_by_system(
            [waiting.pk, resolved.pk],
            principal=System("routing", "routage"),
            now=dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC),
        )
    assert refused.value.code == "transition_not_allowed"
    with pytest.raises(ContactError) as forbidden:
        lifecycle.conversations_offer_by_system(
            [waiting.pk], principal=agent, now=dt.datetime.now(dt.UTC)
        )
    assert forbidden.value.status == 403
