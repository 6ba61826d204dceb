"""The desk's announcements: gathered per transaction, published once after commit, never
for a change rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from parvis.contacts import events
from parvis.contacts.tests.factories import QueueFactory
from parvis.desk import realtime
from parvis.desk.tests.factories import inbound, waiting_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict[str, Any]]]:
    sent: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(
        realtime,
        "publish_batch",
        lambda items: sent.extend((list(groups), payload) for groups, payload in items),
    )
    return sent


def test_a_new_conversation_and_its_message_are_announced_once_after_commit(
    published, django_capture_on_commit_callbacks, django_assert_num_queries
):
    queue = QueueFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        conversation = waiting_conversation(queue)
        message = inbound(conversation)
        events.conversation_created.send_on_commit(conversation.pk)
        events.message_received.send_on_commit(message.pk)
        realtime.announce_on_commit(conversation.pk, extra_queue_ids=[None])
        assert published == []  # nothing leaves before commit
    with django_assert_num_queries(1):  # one statement for the whole batch
        for callback in callbacks:
            callback()
    assert published == [
        (
            [realtime.conversation_group(conversation.pk), realtime.queue_group(queue.pk)],
            {"type": "desk", "conversation": conversation.pk},
        )
    ]


def test_a_rolled_back_change_is_never_announced(published, django_capture_on_commit_callbacks):
    queue = QueueFactory()
    kept = waiting_conversation(queue)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                dropped = waiting_conversation(queue)
                events.conversation_created.send_on_commit(dropped.pk)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        events.conversation_changed.send_on_commit(kept.pk)
    assert [payload["conversation"] for _, payload in published] == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_announcement_leaves_at_once(published):
    conversation = waiting_conversation(QueueFactory())
    message = inbound(conversation)
    events.message_received.send(message.pk)
    assert [payload["conversation"] for _, payload in published] == [conversation.pk]


def test_each_commit_of_a_test_capturing_its_hooks_announces_again(
    published, django_capture_on_commit_callbacks
):
    conversation = waiting_conversation(QueueFactory())
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            events.conversation_changed.send_on_commit(conversation.pk)
    assert [payload["conversation"] for _, payload in published] == [conversation.pk] * 2


def test_routings_assignments_are_announced_without_reading_them(
    published, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The hub's bulk assignment passes the conversations it holds: the desk knows their
    queue and assignee and publishes them to the agent's group without a statement."""
    import datetime as dt

    from parvis.accounts.tests.factories import UserFactory
    from parvis.contacts.services import lifecycle
    from parvis.core.workflow import System

    queue = QueueFactory()
    first, second = waiting_conversation(queue), waiting_conversation(queue)
    agent = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        lifecycle.conversations_assign_by_system(
            [(first.pk, agent.pk), (second.pk, agent.pk)],
            principal=System("routing", "routage"),
            now=dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),
        )
    with django_assert_num_queries(0):
        for callback in callbacks:
            callback()
    assert [groups for groups, _ in published] == [
        [
            realtime.conversation_group(conversation.pk),
            realtime.queue_group(queue.pk),
            realtime.user_group(agent.pk),
        ]
        for conversation in (first, second)
    ]
