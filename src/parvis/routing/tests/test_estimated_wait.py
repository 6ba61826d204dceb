"""Position and estimated wait: contacts ahead × mean handling time of the last 30 minutes
(300 s below 10 contacts) ÷ staffed agents (available, busy, wrap-up), capped, and the
French words that announce it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.contacts.models import Conversation, Status
from parvis.contacts.tests.factories import ConversationFactory
from parvis.routing import core
from parvis.routing.models import Entry, Presence
from parvis.routing.selectors_callbacks import (
    estimate_for,
    position_wording,
    wait_wording,
)
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive

CAP = 1200.0


def test_position_times_default_handling_divided_by_staffed_agents_below_ten_contacts():
    seconds, capped = core.estimated_wait(
        position=3, handling_seconds=[60.0] * 9, staffed_agents=2, cap_seconds=CAP
    )
    assert (seconds, capped) == (3 * 300 / 2, False)


def test_the_mean_of_the_last_contacts_from_ten_on():
    seconds, _ = core.estimated_wait(
        position=4, handling_seconds=[100.0] * 5 + [200.0] * 5, staffed_agents=3, cap_seconds=CAP
    )
    assert seconds == pytest.approx(4 * 150 / 3)


@pytest.mark.parametrize(
    ("position", "staffed", "expected"),
    [(100, 1, (CAP, True)), (8, 2, (CAP, True)), (1, 0, (CAP, True)), (0, 2, (0.0, False))],
)
def test_the_cap_and_nobody_staffed(position, staffed, expected):
    assert (
        core.estimated_wait(
            position=position, handling_seconds=[], staffed_agents=staffed, cap_seconds=CAP
        )
        == expected
    )


@pytest.mark.parametrize(
    ("seconds", "capped", "words"),
    [
        (0, False, "moins d’une minute"),
        (59, False, "moins d’une minute"),
        (60, False, "environ 1 minute"),
        (89, False, "environ 1 minute"),
        (90, False, "environ 2 minutes"),
        (240, False, "environ 4 minutes"),
        (1200, True, "plus de 20 minutes"),
    ],
)
def test_the_french_wording(seconds, capped, words):
    assert wait_wording(seconds, capped=capped) == words


def test_the_position_wording():
    assert position_wording(0) == "Personne n’attend avant vous."
    assert position_wording(1) == "1 personne attend avant vous."
    assert position_wording(3) == "3 personnes attendent avant vous."


@pytest.mark.django_db
def test_an_estimate_reads_the_queue_its_agents_and_its_last_half_hour():
    policy = QueuePolicyFactory()
    queue = policy.queue
    agent(queue, presence=Presence.BUSY)
    agent(queue, presence=Presence.WRAP_UP)
    agent(queue, presence=Presence.BREAK)  # not staffed
    agent(queue, presence=Presence.OFFLINE)  # not staffed
    now = timezone.now()
    for minutes in range(10):
        ConversationFactory(
            queue=queue,
            status=Status.RESOLVED,
            resolved_at=now - dt.timedelta(minutes=minutes),
            handling_seconds=120,
        )
    ConversationFactory(  # resolved 40 minutes ago: out of the window
        queue=queue,
        status=Status.RESOLVED,
        resolved_at=now - dt.timedelta(minutes=40),
        handling_seconds=6000,
    )
    waiting = [arrive(queue) for _ in range(3)]
    for index, conversation in enumerate(waiting):  # arrival order, whatever the clock
        Entry.objects.filter(conversation=conversation).update(sort_key=1000.0 + index)

    estimate = estimate_for(waiting[2].pk, now=now)

    assert estimate is not None
    assert (estimate.ahead, estimate.seconds, estimate.capped) == (2, 2 * 120 / 2, False)
    assert estimate.wording == "environ 2 minutes"
    assert estimate_for(waiting[0].pk, now=now).ahead == 0  # type: ignore[union-attr]
    resolved = Conversation.objects.filter(status=Status.RESOLVED).values_list("pk", flat=True)
    assert estimate_for(resolved[0], now=now) is None  # no entry: nothing to announce
