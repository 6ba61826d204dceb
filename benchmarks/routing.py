"""Routing engine: decision latency with one worker, drain throughput with four, and the
double assignments counted afterwards (issue 15, « Performance »).

PostgreSQL and Redis on this machine's cores, a scratch database dropped and created
again, seeded with ``bulk_create`` (the entry sync is not what is measured):

- 200 routed queues (``contacts.Queue`` + ``routing.QueuePolicy``), offer mode
  ``assign``: a decision then ends with the hub's assignment committed (queued →
  assigned, the agent's units booked, the decision row), which is what the issue calls a
  decision; in ``offer`` mode the assignment waits for a person to accept. Strategies:
  longest idle, least occupied, best skill level (with a skill, agents at levels 1–3),
  round robin, 50 queues each. Ring-all only differs in offer mode (chat).
- 5,000 agents (users, memberships, ``QueueMember`` in 1–3 queues, ``AgentState``
  available with capacity 100).
- 50,000 waiting contacts (``Conversation`` queued + ``Entry`` with its sort key) in 160
  "backlog" queues; the 40 other "live" queues start empty. The 4,000 backlog agents are
  members of backlog queues only and start full (eight emails of 12 units each, 96 of
  100: everyone busy, contacts waiting), the 1,000 live agents of live queues only and
  start free.

Phase A, decision latency, one worker (``worker.run``, the ``parvis route`` loop, in this
process), open loop: a feeder process inserts triggers on a schedule of
``BENCH_ROUTING_RATE`` (200) per second, whatever the worker's pace, and pushes the Redis
wake-up as ``engine.trigger_add`` does:

- contact arrives: an entry in a live queue and its CONTACT trigger, written in one
  statement for a conversation created queued before the clock starts (the hub's own
  arrival is measured by ``contact_hub.py``; until the morning of 5 December the feeder
  created the conversation with the ORM and fell behind the schedule on the shared
  cores); free live agents are there; the feeder also ends live work held more than
  ``HOLD_SECONDS`` (the agents' capacity comes back, without a trigger: nothing waits
  in the live queues);
- agent frees: one piece of a backlog agent's held work ends and their AGENT trigger is
  queued, in one statement; the agent takes the best contact of their queues that fits
  the 12 units freed: one decision per trigger (until the morning of 5 December the
  feeder ended all of an agent's work, a call of 100 units, and each trigger made the
  agent refill with about eight emails, one decision each: eight times the rate the
  issue asks for).

The worker takes triggers by batches (``ROUTING_BATCH_SIZE``): a decision's latency
runs from the start of its batch's ``take_triggers`` (dequeue) to the batch's commit
(the first ``on_commit`` callback, registered at dequeue, runs right after the commit and
before the notifications: desk and wallboard publishes, measured apart as
``with_notifications``); also reported from the trigger's scheduled time (queueing in the
open loop included). The first ``WARMUP`` decisions of each direction are left out.

Phase B, throughput: every agent's work ends, live agents join 1–3 backlog queues, and
36,000 due triggers (AGENT, 6 rounds over the 5,000 agents, and 1 CONTACT trigger of a
backlog entry for 5 of them) are queued: room for more than 20,000 assignments. Four
worker processes (``worker.run``) drain for ``BENCH_ROUTING_DRAIN_SECONDS`` (20);
assignments/s = decision rows of the window ÷ its length.

Afterwards, SQL counts the double assignments: conversations decided twice or held by
someone else than the agent decided, assigned twice in the hub's transition log, entries
left for a conversation no longer queued, and agents beyond capacity (units in use or
booked work above capacity).

Phase C, profile: ``PROFILE_DECISIONS`` decisions of each direction, closed loop, with
the SQL statements captured and cProfile's cumulative times.

Environment: ``BENCH_DATABASE_URL`` (default a ``parvis_bench_routing`` database on the
local PostgreSQL), ``BENCH_REDIS_URL`` (default db 14 of the local Redis, flushed).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import multiprocessing as mp
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parvis_bench_routing"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RATE = float(os.environ.get("BENCH_ROUTING_RATE", "200"))
DECISIONS = int(os.environ.get("BENCH_ROUTING_DECISIONS", "10000"))
DRAIN_SECONDS = float(os.environ.get("BENCH_ROUTING_DRAIN_SECONDS", "20"))
DRAIN_WORKERS = int(os.environ.get("BENCH_ROUTING_WORKERS", "4"))
PROFILE_DECISIONS = int(os.environ.get("BENCH_ROUTING_PROFILE_DECISIONS", "60"))
# Once the feeder is done, how long the worker may go on with what is left (a worker
# slower than the rate never catches up: what it decided is reported, the rest counted).
GRACE_SECONDS = float(os.environ.get("BENCH_ROUTING_GRACE_SECONDS", "15"))
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["PARVIS_TESTING"] = "false"
os.environ["ROUTING_INLINE"] = "false"  # the workers decide, not the process that queues
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.setdefault("CHANNEL_LAYER_PREFIX", "parvis-bench-routing")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from harness import setup_django, write_results  # noqa: E402

QUEUES, LIVE_QUEUES = 200, 40
AGENTS, LIVE_AGENTS = 5000, 1000
WAITING = 50_000
WARMUP = 400  # triggers of each direction (the first 2 s) left out: the worker's memos fill
HOLD_SECONDS = 5.0  # how long a live agent keeps a contact in phase A
STRATEGIES = ("longest_idle", "least_occupied", "best_skill", "round_robin")
# Channels of the waiting contacts and their share: units 12 (email, SMS), 33 (chat),
# 100 (call), about 19 on average, so 5,000 agents of 100 units take some 25,000.
CHANNEL_MIX = (("courriel", 0.62), ("sms", 0.10), ("chat", 0.25), ("telephone", 0.03))
SKILLS = 4
ROUTING_WALLBOARD = Path(__file__).resolve().parent / "results" / "routing_wallboard.json"


def _reset_database() -> None:
    import psycopg
    import redis

    base, _, name = DATABASE_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()


def _percentiles(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share) - 1))], 2)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 2),
    }


def _channels(rng: random.Random, count: int) -> list[str]:
    names = [name for name, _ in CHANNEL_MIX]
    weights = [share for _, share in CHANNEL_MIX]
    return rng.choices(names, weights, k=count)


# --- Seed ----------------------------------------------------------------------------------


def _seed() -> dict[str, Any]:
    """Queues, policies, agents and waiting contacts; what the phases need to know."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from parvis.accounts.models import Membership, Role, User
    from parvis.contacts.models import Conversation, Queue, QueueMember, Status
    from parvis.contacts.tests.factories import QueueFactory, channel
    from parvis.routing import core
    from parvis.routing.models import (
        AgentSkill,
        AgentState,
        AgentWork,
        Entry,
        OfferMode,
        Presence,
        QueuePolicy,
        Skill,
    )

    rng = random.Random(15)
    now = timezone.now()
    for slug, _ in CHANNEL_MIX:
        channel(slug)
    first: Any = QueueFactory(name="File 0", slug="file-0")
    organisation, site = first.organisation, first.site
    queues = [
        first,
        *Queue.objects.bulk_create(
            Queue(
                organisation=organisation,
                site=site,
                departement_id=first.departement_id,
                name=f"File {i}",
                slug=f"file-{i}",
            )
            for i in range(1, QUEUES)
        ),
    ]
    skills = Skill.objects.bulk_create(
        Skill(code=f"competence-{i}", name=f"Compétence {i}") for i in range(SKILLS)
    )
    policies = QueuePolicy.objects.bulk_create(
        QueuePolicy(
            queue=queue,
            strategy=STRATEGIES[i % len(STRATEGIES)],
            offer_mode=OfferMode.ASSIGN,
            skill=skills[(i // len(STRATEGIES)) % SKILLS]
            if STRATEGIES[i % 4] == "best_skill"
            else None,
            priority_weight=2.0 if i % 5 == 0 else 1.0,
            updated_at=now,
        )
        for i, queue in enumerate(queues)
    )
    live_queues = [q.pk for q in queues[:LIVE_QUEUES]]
    backlog_queues = [q.pk for q in queues[LIVE_QUEUES:]]
    policy_of = {p.queue_id: p for p in policies}

    users = User.objects.bulk_create(
        User(
            email=f"agent{i}@banc-routage.gouv.fr",
            full_name=f"Agent {i}",
            password=make_password(None),
        )
        for i in range(AGENTS)
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.AGENT, organisation=organisation) for user in users
    )
    backlog_agents, live_agents = users[: AGENTS - LIVE_AGENTS], users[AGENTS - LIVE_AGENTS :]
    members, agent_skills = [], {}
    for group, pool in ((backlog_agents, backlog_queues), (live_agents, live_queues)):
        for user in group:
            for queue_id in rng.sample(pool, rng.randint(1, 3)):
                members.append(QueueMember(queue_id=queue_id, user=user))
                skill_id = policy_of[queue_id].skill_id
                if skill_id:
                    agent_skills[(user.pk, skill_id)] = rng.randint(1, 3)
    QueueMember.objects.bulk_create(members, batch_size=5000)
    AgentSkill.objects.bulk_create(
        AgentSkill(user_id=user_id, skill_id=skill_id, level=level)
        for (user_id, skill_id), level in agent_skills.items()
    )

    # Backlog agents are full: eight emails each (8 × 12 = 96 of 100 units, no room for
    # another), so the end of one frees room for exactly one contact (the agent direction
    # offers one decision per freed agent); live agents are free.
    held_per_agent = 100 // settings.ROUTING_CHANNEL_UNITS["courriel"]
    holders = [user for user in backlog_agents for _ in range(held_per_agent)]
    held = Conversation.objects.bulk_create(
        (
            Conversation(
                organisation=organisation,
                queue_id=rng.choice(backlog_queues),
                channel_id="courriel",
                reference=f"BR-H-{i:06d}",
                status=Status.ASSIGNED,
                assignee=user,
                created_at=now - dt.timedelta(minutes=10),
                queued_at=now - dt.timedelta(minutes=10),
                assigned_at=now - dt.timedelta(minutes=5, seconds=i % held_per_agent),
            )
            for i, user in enumerate(holders)
        ),
        batch_size=2000,
    )
    AgentWork.objects.bulk_create(
        (
            AgentWork(
                conversation=c,
                user=user,
                units=settings.ROUTING_CHANNEL_UNITS["courriel"],
                since=c.assigned_at,
            )
            for c, user in zip(held, holders, strict=True)
        ),
        batch_size=2000,
    )
    AgentState.objects.bulk_create(
        (
            AgentState(
                user=user,
                presence=Presence.AVAILABLE,
                presence_since=now - dt.timedelta(hours=1),
                capacity=100,
                used_units=(
                    held_per_agent * settings.ROUTING_CHANNEL_UNITS["courriel"]
                    if index < len(backlog_agents)
                    else 0
                ),
                idle_since=now - dt.timedelta(seconds=rng.uniform(60, 3600)),
                sockets=1,
            )
            for index, user in enumerate(users)
        ),
        batch_size=5000,
    )

    units = settings.ROUTING_CHANNEL_UNITS
    bonuses = settings.ROUTING_CHANNEL_BONUS
    channels = _channels(rng, WAITING)
    waiting = []
    arrivals = [now - dt.timedelta(seconds=rng.uniform(30, 3600)) for _ in range(WAITING)]
    queue_ids = [backlog_queues[i % len(backlog_queues)] for i in range(WAITING)]
    for i, arrived in enumerate(arrivals):
        waiting.append(
            Conversation(
                organisation=organisation,
                queue_id=queue_ids[i],
                channel_id=channels[i],
                reference=f"BR-W-{i:06d}",
                status=Status.QUEUED,
                created_at=arrived,
                queued_at=arrived,
                urgency_confirmed=rng.random() < 0.03,
            )
        )
    waiting = Conversation.objects.bulk_create(waiting, batch_size=5000)
    entries = []
    for conversation, queue_id, arrived in zip(waiting, queue_ids, arrivals, strict=True):
        policy = policy_of[queue_id]
        bonus = bonuses.get(conversation.channel_id, 0) + (
            settings.ROUTING_URGENCY_BONUS if conversation.urgency_confirmed else 0
        )
        bonus = int(core.capped(bonus, float(policy.bonus_cap)))
        entries.append(
            Entry(
                conversation=conversation,
                queue_id=queue_id,
                channel=conversation.channel_id,
                units=units.get(conversation.channel_id, 100),
                arrived_at=arrived,
                bonus=bonus,
                sort_key=core.sort_key(
                    arrived.timestamp(), bonus, policy.priority_weight, float(policy.bonus_cap)
                ),
            )
        )
    Entry.objects.bulk_create(entries, batch_size=5000)
    with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them live
        cursor.execute("ANALYZE")
    return {
        "organisation": organisation.pk,
        "live_queues": live_queues,
        "backlog_queues": backlog_queues,
        "backlog_agents": [u.pk for u in backlog_agents],
        "live_agents": [u.pk for u in live_agents],
        "weights": {q: policy_of[q].priority_weight for q in live_queues},
        "caps": {q: float(policy_of[q].bonus_cap) for q in live_queues},
    }


# --- Feeder (its own process) ---------------------------------------------------------------

END_WORK = """
WITH {trigger}done AS (
    DELETE FROM routing_agentwork WHERE id IN (
        SELECT id FROM routing_agentwork WHERE {where}
        ORDER BY since LIMIT {limit} FOR UPDATE SKIP LOCKED
    ) RETURNING user_id, units, conversation_id
), per_agent AS (
    SELECT user_id, SUM(units) AS units FROM done GROUP BY user_id
), freed AS (
    UPDATE routing_agentstate s
    SET used_units = s.used_units - p.units,
        idle_since = CASE WHEN s.used_units - p.units = 0 THEN %(now)s ELSE s.idle_since END
    FROM per_agent p WHERE s.user_id = p.user_id RETURNING s.user_id
)
UPDATE contacts_conversation c SET status = 'resolved', resolved_at = %(now)s
FROM done WHERE c.id = done.conversation_id
"""


# With ``trigger``: the agent's trigger (``params["user"]``), due now, queued with it.
TRIGGER_OF_AGENT = """queued AS (
    INSERT INTO routing_trigger (kind, object_id, due_at, created_at)
    VALUES ('agent', %(user)s, %(now)s, %(now)s)
), """


def end_work(
    cursor: Any,
    *,
    now: dt.datetime,
    where: str,
    params: dict[str, Any],
    limit: int,
    trigger: bool = False,
) -> None:
    """Held work ends (the hub's resolve, reduced to routing's rows): conversations
    resolved, work deleted, units given back; with ``trigger``, the agent's trigger
    queued by the same statement (``engine.trigger_add``'s row)."""
    sql = END_WORK.format(where=where, limit=limit, trigger=TRIGGER_OF_AGENT if trigger else "")
    cursor.execute(sql, {"now": now, **params})


ARRIVAL = """
WITH e AS (
    INSERT INTO routing_entry (conversation_id, queue_id, channel, units, arrived_at, bonus,
        bonus_reasons, language, sort_key, state, escalated, declined_by, offered_to_all)
    VALUES (%(conversation)s, %(queue)s, %(channel)s, %(units)s, %(at)s, %(bonus)s, '[]', '',
        %(sort_key)s, 'waiting', false, '[]', '[]')
    RETURNING id
)
INSERT INTO routing_trigger (kind, object_id, due_at, created_at)
SELECT 'contact', e.id, %(at)s, %(at)s FROM e
"""


def _arrivals(seed: dict[str, Any], count: int) -> list[tuple[int, int, str]]:
    """The contact direction's conversations, created queued before the clock starts
    (the feeder then writes only what routing reads: the entry and its trigger)."""
    from django.utils import timezone

    from parvis.contacts.models import Conversation, Status

    rng = random.Random("arrivals")
    now = timezone.now()
    queues = [rng.choice(seed["live_queues"]) for _ in range(count)]
    channels = _channels(rng, count)
    created = Conversation.objects.bulk_create(
        (
            Conversation(
                organisation_id=seed["organisation"],
                queue_id=queue_id,
                channel_id=channels[index],
                reference=f"BR-C-{index:06d}",
                status=Status.QUEUED,
                created_at=now,
                queued_at=now,
            )
            for index, queue_id in enumerate(queues)
        ),
        batch_size=2000,
    )
    return [
        (queue_id, c.pk, channel)
        for queue_id, c, channel in zip(queues, created, channels, strict=True)
    ]


def _feeder(
    direction: str,
    seed: dict[str, Any],
    count: int,
    start_at: float,
    done: Any,
    arrivals: list[tuple[int, int, str]] | None = None,
) -> None:
    setup_django()
    from django.conf import settings

    from parvis.core.prepared import prepared_cursor
    from parvis.routing import core, engine

    rng = random.Random(direction)
    live_min = min(seed["live_agents"])
    agents = list(seed["backlog_agents"])
    rng.shuffle(agents)
    units = settings.ROUTING_CHANNEL_UNITS
    for index in range(count):
        scheduled = start_at + index / RATE
        delay = scheduled - time.time()
        if delay > 0:
            time.sleep(delay)
        at = dt.datetime.fromtimestamp(scheduled, tz=dt.UTC)
        # Each write is one statement in autocommit, prepared (the feeder shares the
        # cores with the worker and PostgreSQL: until the morning of 7 December it paid
        # a BEGIN and a COMMIT round trip around each and had PostgreSQL plan it again).
        if direction == "contact":
            # The conversation was created beforehand (``_arrivals``): what arrives is its
            # entry and its trigger, in one statement, as the hub's entry sync writes them.
            assert arrivals is not None
            queue_id, conversation_id, channel_slug = arrivals[index]
            bonus = settings.ROUTING_CHANNEL_BONUS.get(channel_slug, 0)
            with prepared_cursor() as cursor:
                cursor.execute(
                    ARRIVAL,
                    {
                        "conversation": conversation_id,
                        "queue": queue_id,
                        "channel": channel_slug,
                        "units": units.get(channel_slug, 100),
                        "at": at,
                        "bonus": bonus,
                        "sort_key": core.sort_key(
                            scheduled, bonus, seed["weights"][queue_id], seed["caps"][queue_id]
                        ),
                    },
                )
            engine.wake()
            with prepared_cursor() as cursor:
                end_work(
                    cursor,
                    now=at,
                    where="user_id >= %(live)s AND since < %(before)s",
                    params={"live": live_min, "before": at - dt.timedelta(seconds=HOLD_SECONDS)},
                    limit=3,
                )
        else:
            # The agent's work ends and their trigger is queued, in one statement.
            user_id = agents[index % len(agents)]
            with prepared_cursor() as cursor:
                end_work(
                    cursor,
                    now=at,
                    where="user_id = %(user)s",
                    params={"user": user_id},
                    limit=1,
                    trigger=True,
                )
            engine.wake()
    done.set()


# --- Phase A: one worker, open loop ---------------------------------------------------------


class Timing:
    """Dequeue → commit of each decision, taken around the engine's own functions: a
    batch's decisions share its dequeue (``take_triggers``) and its commit."""

    def __init__(self) -> None:
        from parvis.routing import engine

        self.engine = engine
        self.take, self.process_batch = engine.take_triggers, engine.process_batch
        self.samples: list[dict[str, Any]] = []
        self.empty = 0
        self.batches: list[int] = []
        self._current: dict[str, Any] = {}

    def install(self) -> None:
        from django.db import transaction

        def take_triggers(now: dt.datetime, limit: int = 1) -> Any:
            started = time.perf_counter()
            triggers = self.take(now, limit)
            if triggers:
                self._current = {"started": started}
                current = self._current

                def committed() -> None:
                    current["committed"] = time.perf_counter()
                    current["committed_wall"] = time.time()

                transaction.on_commit(committed)
            return triggers

        def process_batch(*, now: dt.datetime | None = None, limit: int = 1) -> Any:
            decided = self.process_batch(now=now, limit=limit)
            ended = time.perf_counter()
            current, self._current = self._current, {}
            if decided:
                self.batches.append(len(decided))
            for trigger, outcome in decided:
                if outcome is None or "committed" not in current:
                    self.empty += 1
                    continue
                self.samples.append(
                    {
                        "kind": trigger.kind,
                        "scheduled": trigger.due_at.timestamp(),
                        "decision_ms": (current["committed"] - current["started"]) * 1000,
                        "with_notifications_ms": (ended - current["started"]) * 1000,
                        "from_schedule_ms": (current["committed_wall"] - trigger.due_at.timestamp())
                        * 1000,
                    }
                )
            return decided

        self.engine.take_triggers = take_triggers
        self.engine.process_batch = process_batch

    def uninstall(self) -> None:
        self.engine.take_triggers = self.take
        self.engine.process_batch = self.process_batch


def _open_loop(direction: str, seed: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count

    from parvis.routing import worker
    from parvis.routing.models import Decision, Entry, Trigger

    count = DECISIONS + WARMUP
    context = mp.get_context("spawn")
    done = context.Event()
    arrivals = _arrivals(seed, count) if direction == "contact" else None
    start_at = time.time() + 3.0  # the feeder's Django set-up
    feeder = context.Process(
        target=_feeder, args=(direction, seed, count, start_at, done, arrivals)
    )
    decisions_before = Decision.objects.count()
    timing = Timing()
    timing.install()
    checked = [0.0]

    def stop() -> bool:
        if time.time() > start_at + count / RATE + GRACE_SECONDS:
            return True  # the worker cannot keep up: what was measured is reported
        if not done.is_set() or time.monotonic() - checked[0] < 0.25:
            return False
        checked[0] = time.monotonic()
        return not Trigger.objects.exists()

    feeder.start()
    try:
        taken = worker.run(stop=stop)
    finally:
        timing.uninstall()
        if feeder.is_alive():  # behind its schedule too: what it did not queue is counted
            feeder.terminate()
        feeder.join(timeout=30)
    warm = start_at + WARMUP / RATE
    samples = [s for s in timing.samples if s["scheduled"] >= warm]
    left = Trigger.objects.count()
    inserted = taken + left
    fed = done.is_set()  # the feeder queued its whole schedule (it is stopped if not)
    Trigger.objects.all().delete()
    # Contacts still waiting in the live queues would go before the next fresh ones.
    Entry.objects.filter(queue_id__in=seed["live_queues"]).delete()
    figures: dict[str, Any] = {
        "triggers_scheduled": count,
        "triggers_queued_by_the_feeder": count if fed else None,
        # The engine's own triggers (an agent's next decision, a contact's retry) are
        # taken by the worker too: they are not the feeder's.
        "triggers_queued_by_the_engine": inserted - count if fed else None,
        "triggers_taken": taken,
        "triggers_left_undecided": left,
        "kept_up": fed and left == 0,
        "triggers_without_assignment": timing.empty,
        "decision_rows": Decision.objects.count() - decisions_before,
        "measured": len(samples),
        "rate_per_s": RATE,
        "dequeue_to_commit": _percentiles([s["decision_ms"] for s in samples]),
        "with_notifications": _percentiles([s["with_notifications_ms"] for s in samples]),
        "from_scheduled_time": _percentiles([s["from_schedule_ms"] for s in samples]),
        "batch_size": {
            "batches": len(timing.batches),
            "mean": round(statistics.fmean(timing.batches), 2) if timing.batches else 0,
            "max": max(timing.batches, default=0),
        },
    }
    per_trigger = Counter(
        Decision.objects.filter(trigger="contact" if direction == "contact" else "agent_freed")
        .values("conversation_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    figures["decisions_per_conversation"] = dict(per_trigger)
    return figures


# --- Phase B: four workers drain ------------------------------------------------------------


def _drain_worker(ready: Any, go: Any, results: Any) -> None:
    setup_django()
    from django.utils import timezone

    from parvis.routing import engine, worker

    engine.policies()  # the policies' memo, as a worker running for a while has it
    ready.release()
    go.wait()
    deadline = time.monotonic() + DRAIN_SECONDS
    started = timezone.now()
    taken = worker.run(stop=lambda: time.monotonic() >= deadline)
    results.put({"pid": os.getpid(), "taken": taken, "started": started.isoformat()})


def _prepare_drain(seed: dict[str, Any]) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from parvis.contacts.models import QueueMember
    from parvis.routing.models import Entry, EntryState, Trigger, TriggerKind

    rng = random.Random(20)
    now = timezone.now()
    Trigger.objects.all().delete()
    with transaction.atomic(), connection.cursor() as cursor:
        end_work(cursor, now=now, where="TRUE", params={}, limit=1_000_000)
    QueueMember.objects.bulk_create(
        QueueMember(queue_id=queue_id, user_id=user_id)
        for user_id in seed["live_agents"]
        for queue_id in rng.sample(seed["backlog_queues"], rng.randint(1, 3))
    )
    entries = list(
        Entry.objects.filter(
            state=EntryState.WAITING, queue_id__in=seed["backlog_queues"]
        ).values_list("pk", flat=True)
    )
    agents = seed["backlog_agents"] + seed["live_agents"]
    triggers = []
    due = now - dt.timedelta(seconds=1)
    for _round in range(6):
        rng.shuffle(agents)
        for index, user_id in enumerate(agents):
            triggers.append(
                Trigger(kind=TriggerKind.AGENT, object_id=user_id, due_at=due, created_at=due)
            )
            if index % 5 == 4:
                triggers.append(
                    Trigger(
                        kind=TriggerKind.CONTACT,
                        object_id=rng.choice(entries),
                        due_at=due,
                        created_at=due,
                    )
                )
    Trigger.objects.bulk_create(triggers, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT SUM(capacity - used_units) FROM routing_agentstate")
        free_units = int(cursor.fetchone()[0])
    return {"triggers": len(triggers), "waiting_entries": len(entries), "free_units": free_units}


def _drain(seed: dict[str, Any]) -> dict[str, Any]:
    from django.db import connections

    from parvis.routing.models import Decision, Entry, Trigger

    room = _prepare_drain(seed)
    connections.close_all()
    context = mp.get_context("spawn")
    ready, go, results = context.Semaphore(0), context.Event(), context.Queue()
    workers = [
        context.Process(target=_drain_worker, args=(ready, go, results))
        for _ in range(DRAIN_WORKERS)
    ]
    for process in workers:
        process.start()
    for _ in workers:
        ready.acquire()
    started = time.time()
    go.set()
    reports = [results.get(timeout=DRAIN_SECONDS + 120) for _ in workers]
    for process in workers:
        process.join(timeout=30)
    begin = dt.datetime.fromtimestamp(started, tz=dt.UTC)
    end = begin + dt.timedelta(seconds=DRAIN_SECONDS)
    assigned = Decision.objects.filter(at__gte=begin, at__lt=end).exclude(agent=None).count()
    return {
        **room,
        "workers": DRAIN_WORKERS,
        "seconds": DRAIN_SECONDS,
        "assignments": assigned,
        "assignments_per_s": round(assigned / DRAIN_SECONDS, 1),
        "triggers_taken": sum(r["taken"] for r in reports),
        "triggers_left": Trigger.objects.count(),
        "waiting_entries_left": Entry.objects.filter(queue_id__in=seed["backlog_queues"]).count(),
    }


# --- Double assignments ---------------------------------------------------------------------

CHECKS = {
    # A conversation decided (assigned) twice, to the same agent or two.
    "conversations_decided_twice": """
        SELECT COUNT(*) FROM (SELECT conversation_id FROM routing_decision
        WHERE agent_id IS NOT NULL GROUP BY conversation_id HAVING COUNT(*) > 1) twice""",
    # The hub's log: one conversation assigned twice.
    "conversations_assigned_twice_in_hub": """
        SELECT COUNT(*) FROM (SELECT conversation_id FROM contacts_conversationtransition
        WHERE move = 'assign' GROUP BY conversation_id HAVING COUNT(*) > 1) twice""",
    # Decided to one agent, held by (or booked to) another.
    "decision_agent_not_holder": """
        SELECT COUNT(*) FROM routing_decision d JOIN contacts_conversation c
        ON c.id = d.conversation_id WHERE d.agent_id IS NOT NULL
        AND d.agent_id IS DISTINCT FROM c.assignee_id""",
    "work_booked_to_another": """
        SELECT COUNT(*) FROM routing_agentwork w JOIN contacts_conversation c
        ON c.id = w.conversation_id WHERE c.assignee_id IS DISTINCT FROM w.user_id""",
    # Still waiting in routing while the hub holds it.
    "entries_of_held_conversations": """
        SELECT COUNT(*) FROM routing_entry e JOIN contacts_conversation c
        ON c.id = e.conversation_id WHERE c.status <> 'queued'""",
}
CAPACITY_CHECKS = {
    "agents_beyond_capacity": """
        SELECT COUNT(*) FROM routing_agentstate s LEFT JOIN (SELECT user_id, SUM(units) AS units
        FROM routing_agentwork GROUP BY user_id) w ON w.user_id = s.user_id
        WHERE s.used_units > s.capacity OR COALESCE(w.units, 0) > s.capacity""",
    # Bookkeeping: units in use that differ from the sum of the agent's work.
    "agents_units_drift": """
        SELECT COUNT(*) FROM routing_agentstate s LEFT JOIN (SELECT user_id, SUM(units) AS units
        FROM routing_agentwork GROUP BY user_id) w ON w.user_id = s.user_id
        WHERE s.used_units <> COALESCE(w.units, 0)""",
}


def _double_assignments() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for name, sql in {**CHECKS, **CAPACITY_CHECKS}.items():
            cursor.execute(sql)
            counts[name] = int(cursor.fetchone()[0])
    return counts


# --- Phase C: statements and profile per decision ---------------------------------------------


def _normalise(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\?(, \?)*\)", "(…)", sql)
    return sql[:140]


def _profile(seed: dict[str, Any]) -> dict[str, Any]:
    """Closed loop: for each direction, queue one trigger, decide, with the statements
    captured (counts per decision, which statements) and cProfile over all of them."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from parvis.contacts.models import Conversation, Status
    from parvis.routing import core, engine
    from parvis.routing.models import Entry, Trigger, TriggerKind

    Trigger.objects.all().delete()
    rng = random.Random(30)
    results: dict[str, Any] = {}
    with transaction.atomic(), connection.cursor() as cursor:  # capacity back for everyone
        end_work(cursor, now=timezone.now(), where="TRUE", params={}, limit=1_000_000)
    for direction in ("contact", "agent"):
        counts: list[int] = []
        statements: Counter[str] = Counter()
        example: list[str] = []
        times: list[float] = []
        profiler = cProfile.Profile()
        agents = list(seed["backlog_agents"])
        rng.shuffle(agents)
        for index in range(PROFILE_DECISIONS):
            now = timezone.now()
            with transaction.atomic():
                if direction == "contact":
                    queue_id = rng.choice(seed["live_queues"])
                    channel_slug = _channels(rng, 1)[0]
                    conversation = Conversation.objects.create(
                        organisation_id=seed["organisation"],
                        queue_id=queue_id,
                        channel_id=channel_slug,
                        reference=f"BR-P-{index:06d}",
                        status=Status.QUEUED,
                        created_at=now,
                        queued_at=now,
                    )
                    entry = Entry.objects.create(
                        conversation=conversation,
                        queue_id=queue_id,
                        channel=channel_slug,
                        units=settings.ROUTING_CHANNEL_UNITS.get(channel_slug, 100),
                        arrived_at=now,
                        sort_key=core.sort_key(
                            now.timestamp(), 0, seed["weights"][queue_id], seed["caps"][queue_id]
                        ),
                    )
                    Trigger.objects.create(
                        kind=TriggerKind.CONTACT, object_id=entry.pk, due_at=now, created_at=now
                    )
                else:
                    Trigger.objects.create(
                        kind=TriggerKind.AGENT, object_id=agents[index], due_at=now, created_at=now
                    )
            connection.queries_log.clear()  # the log keeps 9,000 statements at most
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                profiler.enable()
                _found, outcome = engine.process_next()
                profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
            if outcome is None:
                continue
            sqls = [q["sql"] for q in captured.captured_queries]
            counts.append(len(sqls))
            statements.update(_normalise(sql) for sql in sqls)
            if not example:
                example = [_normalise(sql) for sql in sqls]
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(30)
        print(f"\n--- cProfile, {direction} direction ---\n{stream.getvalue()}", flush=True)
        decided = len(counts) or 1
        results[direction] = {
            "decisions": len(counts),
            "statements_per_decision": {
                "median": statistics.median(counts) if counts else None,
                "min": min(counts) if counts else None,
                "max": max(counts) if counts else None,
            },
            "closed_loop_with_capture": _percentiles(times),
            "statements_of_one_decision": example,
            "statements_per_decision_by_kind": {
                sql: round(n / decided, 2) for sql, n in statements.most_common(40)
            },
        }
    return results


# --- Main ----------------------------------------------------------------------------------


def main() -> None:
    _reset_database()
    setup_django()
    started = time.perf_counter()
    seed = _seed()
    seeding = round(time.perf_counter() - started, 1)
    print(f"seeded in {seeding} s", flush=True)
    load_before = os.getloadavg()

    directions = {}
    for direction in ("contact", "agent"):
        directions[direction] = _open_loop(direction, seed)
        print(f"A, {direction}: {json.dumps(directions[direction])}", flush=True)

    profile = _profile(seed)
    print(f"C: {json.dumps({k: v['statements_per_decision'] for k, v in profile.items()})}")
    drain = _drain(seed)
    print(f"B: {json.dumps(drain)}", flush=True)
    checks = _double_assignments()
    print(f"double assignments: {checks}", flush=True)
    double = (
        max(checks["conversations_decided_twice"], checks["conversations_assigned_twice_in_hub"])
        + checks["decision_agent_not_holder"]
        + checks["work_booked_to_another"]
        + checks["agents_beyond_capacity"]
    )

    wallboard_ms = None
    if ROUTING_WALLBOARD.exists():
        wallboard = json.loads(ROUTING_WALLBOARD.read_text())
        wallboard_ms = wallboard.get("figures", wallboard).get("wallboard_ms")
    p99 = max(d["dequeue_to_commit"].get("p99_ms", 0) for d in directions.values())
    write_results(
        "routing",
        {
            "decision_p99_ms": p99,
            "assignments_per_s": drain["assignments_per_s"],
            "double_assignments": double,
            "wallboard_ms": wallboard_ms,
            "wallboard_source": str(ROUTING_WALLBOARD.name) if wallboard_ms is not None else None,
            "decision_contact_arrives": directions["contact"],
            "decision_agent_frees": directions["agent"],
            "drain": drain,
            "double_assignment_checks": checks,
            "profile": profile,
            "setup": {
                "queues": QUEUES,
                "live_queues": LIVE_QUEUES,
                "agents": AGENTS,
                "live_agents": LIVE_AGENTS,
                "waiting_contacts": WAITING,
                "offer_mode": "assign",
                "strategies": list(STRATEGIES),
                "channel_mix": dict(CHANNEL_MIX),
                "warmup_decisions_left_out": WARMUP,
                "seeding_seconds": seeding,
                "stack": "PostgreSQL 15, Redis wake-up list, worker.run (the parvis route "
                "loop with its 1 s sweeps); feeder, worker(s) and PostgreSQL on the same "
                "2 cores",
                "load_average_1_5_15_before": [round(x, 2) for x in load_before],
                "load_average_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
            },
            "targets": {
                "decision_p99_ms": 5,
                "assignments_per_s": 1000,
                "double_assignments": 0,
                "wallboard_ms": 200,
            },
        },
    )


if __name__ == "__main__":
    main()
