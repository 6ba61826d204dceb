"""Several routing workers deciding at once from shared queues, on PostgreSQL (issue 15,
« Correctness »): no contact goes to two agents, no agent goes beyond capacity, and no
contact is left waiting while an agent of its queue has the units it takes.

Four child processes, each a ``parvis route`` loop reduced to its decisions
(``engine.process_next`` until nothing is due), connect to this test's database and are
released together on a backlog of triggers: a CONTACT trigger per queued contact and
two AGENT triggers per agent. A decision that fails (PostgreSQL ends one side of a
deadlock) rolls back and its trigger is taken again, as ``worker.run`` does. SQLite
serialises every write transaction, so there is no race to test there: the test runs on
PostgreSQL only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from parvis.contacts.models import Conversation, ConversationTransition, QueueMember, Status
from parvis.routing import engine
from parvis.routing.models import (
    AgentState,
    AgentWork,
    Decision,
    Entry,
    EntryState,
    OfferMode,
    Strategy,
    Trigger,
    TriggerKind,
)
from parvis.routing.tests.factories import QueuePolicyFactory, agent, arrive
from parvis.testing.web import database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORKERS = 4
AGENTS = 12  # each in 2 of the 3 queues: 8 members per queue
EMAILS, CHATS = 54, 18  # 12 and 33 units: 1,242 units asked of 1,200, some must wait
START_TIMEOUT = 60
DRAIN_TIMEOUT = 60

# One worker: decides until nothing has been due for a while, prints how many it took.
CHILD = """
import json, os, sys, time
import django
django.setup()
from django.db import connection
from parvis.routing import engine
connection.ensure_connection()
ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.01)
from django.db import DatabaseError
taken = decided = failed = 0
idle = None
while True:
    try:
        found, outcome = engine.process_next()
    except DatabaseError:  # a deadlock: rolled back, the trigger is taken again (worker.run)
        failed += 1
        time.sleep(0.05)
        continue
    if found:
        taken += 1
        decided += outcome is not None
        idle = None
        continue
    idle = idle or time.monotonic()
    if time.monotonic() - idle > 1.5:
        break
    time.sleep(0.02)
print(json.dumps({"taken": taken, "decided": decided, "failed": failed}))
"""


def _child_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PARVIS_TESTING": "false",
        "ROUTING_INLINE": "false",
        "REDIS_URL": "",  # no wake-up list: the children poll
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
    }


def _run_workers(directory: Path) -> list[dict[str, int]]:
    go = directory / "go"
    readies = [directory / f"ready-{i}" for i in range(WORKERS)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(ready), str(go)],
            env=_child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ready in readies
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all(ready.exists() for ready in readies):
            for child in children:
                assert child.poll() is None, child.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.05)
        go.touch()  # released together on the same backlog
        reports = []
        for child in children:
            out, err = child.communicate(timeout=DRAIN_TIMEOUT)
            assert child.returncode == 0, err[-3000:]
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()


@pytest.fixture
def shared_queues(settings: Any) -> tuple[list[Any], list[Any], list[Any]]:
    """Three routed queues (two assigning, one offering), 12 agents in two queues each,
    72 queued contacts; nothing decided yet (the workers will)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises write transactions, no race to test")
    settings.ROUTING_INLINE = False
    queues: list[Any] = [
        QueuePolicyFactory(strategy=Strategy.LONGEST_IDLE, offer_mode=OfferMode.ASSIGN).queue,
        QueuePolicyFactory(strategy=Strategy.LEAST_OCCUPIED, offer_mode=OfferMode.ASSIGN).queue,
        QueuePolicyFactory(
            strategy=Strategy.ROUND_ROBIN, offer_mode=OfferMode.OFFER, offer_seconds=600
        ).queue,
    ]
    organisation = queues[0].organisation
    agents = []
    for index in range(AGENTS):
        user = agent(queues[index % 3], organisation=organisation)
        QueueMember.objects.create(queue=queues[(index + 1) % 3], user=user)
        agents.append(user)
    contacts = [
        arrive(queues[index % 3], channel_slug="courriel" if index % 4 else "chat")
        for index in range(EMAILS + CHATS)
    ]
    now = timezone.now()
    with transaction.atomic():
        for user in agents * 2:
            engine.trigger_add(TriggerKind.AGENT, user.pk, due_at=now, now=now)
    return queues, agents, contacts


def test_workers_deciding_at_once_never_give_a_contact_twice_nor_overfill_an_agent(
    shared_queues, tmp_path
):
    _queues, agents, contacts = shared_queues
    assert Entry.objects.filter(state=EntryState.WAITING).count() == len(contacts)
    triggers = Trigger.objects.count()
    assert triggers == len(contacts) + 2 * len(agents)

    reports = _run_workers(tmp_path)

    assert not Trigger.objects.exists()
    # Every trigger taken, plus those a decision adds (an agent with room left).
    assert sum(r["taken"] for r in reports) >= triggers, reports
    assert sum(1 for r in reports if r["taken"]) >= 2, f"no race: {reports}"

    # No contact given twice: one decision naming an agent, one hub move, one holder.
    decided = Counter(
        Decision.objects.exclude(agent=None).values_list("conversation_id", flat=True)
    )
    assert decided and max(decided.values()) == 1, decided.most_common(3)
    moves = (
        ConversationTransition.objects.filter(move__in=("assign", "offer"))
        .values("conversation_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not moves.exists(), list(moves)
    held = Conversation.objects.filter(status__in=(Status.ASSIGNED, Status.OFFERED))
    assert held.count() == len(decided)
    for conversation in held.select_related("routing_work"):
        work = conversation.routing_work
        holder = (
            conversation.assignee_id
            if conversation.status == Status.ASSIGNED
            else Entry.objects.get(conversation=conversation).offered_to_id
        )
        assert work.user_id == holder == Decision.objects.get(conversation=conversation).agent_id

    # No agent beyond capacity, and units in use are exactly the work booked.
    booked = dict(
        AgentWork.objects.values("user_id")
        .annotate(units=Sum("units"))
        .values_list("user_id", "units")
    )
    for state in AgentState.objects.filter(user__in=agents):
        assert state.used_units == booked.get(state.user_id, 0) <= state.capacity, state

    # Nothing waits while an agent of its queue has the units it takes.
    free = {s.user_id: s.capacity - s.used_units for s in AgentState.objects.all()}
    members: dict[int, list[int]] = {}
    for queue_id, user_id in QueueMember.objects.values_list("queue_id", "user_id"):
        members.setdefault(queue_id, []).append(user_id)
    stranded = [
        (entry.pk, entry.queue_id, entry.units)
        for entry in Entry.objects.filter(state=EntryState.WAITING)
        if any(free[user_id] >= entry.units for user_id in members[entry.queue_id])
    ]
    assert stranded == [], f"{len(stranded)} contacts wait while an agent has room: {free}"
