"""Supervision wallboard: ``GET /api/v1/routage/wallboard`` for a supervisor covering 200
routed queues on a day with 200,000 ended contacts (issue 15's target: p95 < 200 ms).

A scratch database, dropped and created again (only a database whose name starts with
``parvis_bench``): 200 queues of one organisation, each with its policy (phone, 80 %
within 20 s), 10 agents with a presence, 20 contacts waiting; 200,000 conversations that
entered a queue today and ended (answered after an exponential wait, abandoned, a few
short abandons), written with ``bulk_create``. The JSON is fetched in process through
Django's test client (session login, no network): p50, p95 and the query count, counting the
day at every request (``wallboard_ms``) and as served, the day's figures kept 5 s
(``wallboard_cached_ms``); the HTML page's p95 for comparison. Before measuring, the
process freezes what it loaded out of the garbage collector's scans, as the web process
does (``parvis.startup.freeze_loaded``).

Environment: ``BENCH_DATABASE_URL`` (default a ``parvis_bench_wallboard`` database on the
local PostgreSQL), ``BENCH_WALLBOARD_CONTACTS`` (200,000), ``BENCH_WALLBOARD_QUEUES``
(200), ``BENCH_WALLBOARD_REQUESTS`` (100). The figure goes to
``benchmarks/results/routing_wallboard.json`` as ``wallboard_ms``, and into the issue's
figures in ``routing.json`` (``carry_into_routing``), so that file never quotes an older run.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parvis_bench_wallboard"
)
CONTACTS = int(os.environ.get("BENCH_WALLBOARD_CONTACTS", "200000"))
QUEUES = int(os.environ.get("BENCH_WALLBOARD_QUEUES", "200"))
REQUESTS = int(os.environ.get("BENCH_WALLBOARD_REQUESTS", "100"))
# Measure again on the day already written (the set-up takes minutes).
REUSE = os.environ.get("BENCH_WALLBOARD_REUSE", "") == "1"
AGENTS_PER_QUEUE = 10
WAITING_PER_QUEUE = 20
TARGET_MS = 200.0
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["PARVIS_TESTING"] = "false"
os.environ["ROUTING_INLINE"] = "false"  # no decision while the day is written

from harness import measure, setup_django, write_results  # noqa: E402


def _reset_database() -> None:
    import psycopg

    base, _, name = DATABASE_URL.rpartition("/")
    if not name.startswith("parvis_bench"):
        raise SystemExit(
            f"Refusing to drop {name!r}: the database name must start with parvis_bench."
        )
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _prepare():  # type: ignore[no-untyped-def]
    """The organisation, its queues and agents, today's ended contacts; the supervisor."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django.contrib.auth.hashers import make_password

    from parvis.accounts.models import Membership, Role, User
    from parvis.contacts.models import Conversation, Outcome, Queue, QueueMember, Status
    from parvis.contacts.tests.factories import channel
    from parvis.directory.tests.factories import LocalServiceFactory, SiteFactory
    from parvis.routing.models import AgentState, Entry, EntryState, Presence, QueuePolicy

    UNUSABLE = make_password(None)  # nobody signs in: the client logs in by session
    rng = random.Random(15)
    phone = channel("telephone")
    site = SiteFactory(local_service=LocalServiceFactory())
    organisation = site.organisation
    queues = Queue.objects.bulk_create(
        Queue(
            organisation=organisation,
            site=site,
            departement=site.commune.departement,
            name=f"File {n:03d}",
            slug=f"file-{n:03d}",
        )
        for n in range(QUEUES)
    )
    QueuePolicy.objects.bulk_create(
        QueuePolicy(queue=queue, service_level_seconds=20, wrap_up_seconds=30) for queue in queues
    )
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"agent-{n}@bench.parvis.test", full_name=f"Agent {n}", password=UNUSABLE)
        for n in range(QUEUES * AGENTS_PER_QUEUE)
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.AGENT, organisation=organisation) for user in users
    )
    presences = [Presence.AVAILABLE, Presence.BUSY, Presence.WRAP_UP, Presence.BREAK]
    AgentState.objects.bulk_create(
        AgentState(user=user, presence=rng.choice(presences), idle_since=now) for user in users
    )
    QueueMember.objects.bulk_create(
        QueueMember(queue=queues[index // AGENTS_PER_QUEUE], user=user)
        for index, user in enumerate(users)
    )
    supervisor = User.objects.create(email="superviseur@bench.parvis.test", password=UNUSABLE)
    Membership.objects.create(user=supervisor, role=Role.SUPERVISOR, organisation=organisation)

    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    span = max(60.0, (now - midnight).total_seconds() - 60)
    batch = []
    for n in range(CONTACTS):
        queued = now - dt.timedelta(seconds=rng.uniform(30, span))
        draw = rng.random()
        row = Conversation(
            organisation=organisation,
            queue=queues[n % QUEUES],
            channel=phone,
            reference=f"BENCH-{n:07d}",
            status=Status.RESOLVED,
            created_at=queued,
            queued_at=queued,
        )
        if draw < 0.85:
            answered = queued + dt.timedelta(seconds=rng.expovariate(1 / 15))
            row.assigned_at = answered
            row.resolved_at = answered + dt.timedelta(seconds=rng.expovariate(1 / 240))
            row.handling_seconds = int((row.resolved_at - answered).total_seconds())
            row.outcome = Outcome.ANSWERED
        else:
            patience = rng.uniform(0, 4) if draw > 0.97 else rng.expovariate(1 / 60) + 5
            row.resolved_at = queued + dt.timedelta(seconds=patience)
            row.outcome = Outcome.ABANDONED
        batch.append(row)
        if len(batch) == 5000:
            Conversation.objects.bulk_create(batch)
            batch = []
    Conversation.objects.bulk_create(batch)
    waiting = Conversation.objects.bulk_create(
        Conversation(
            organisation=organisation,
            queue=queue,
            channel=phone,
            reference=f"WAIT-{queue.pk}-{k}",
            status=Status.QUEUED,
            queued_at=now - dt.timedelta(seconds=30 * k),
        )
        for queue in queues
        for k in range(WAITING_PER_QUEUE)
    )
    Entry.objects.bulk_create(
        Entry(
            conversation=c,
            queue_id=c.queue_id,
            channel="telephone",
            state=EntryState.WAITING,
            arrived_at=c.queued_at,
            sort_key=c.queued_at.timestamp(),
        )
        for c in waiting
    )
    with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them live
        cursor.execute("ANALYZE")
    return supervisor


def _timed(supervisor, url: str, check, *, cold: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)

    from parvis.routing.selectors import forget_figures

    def get() -> None:
        if cold:
            forget_figures()  # every request counts the day again
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        check(response)

    figures = measure(get, repeat=REQUESTS, warmup=5)
    with CaptureQueriesContext(connection) as queries:
        get()
    return {**figures, "queries": len(queries.captured_queries)}


def carry_into_routing(results: Path, figures: dict[str, Any], measured_at: str) -> None:
    """Write this run's ``wallboard_ms`` into ``routing.json`` (the file that holds the
    issue's four figures), with when it was measured: ``routing.py`` copies the figure it
    finds when it runs, and a wallboard measured after it would otherwise be quoted stale."""
    path = results / "routing.json"
    if not path.exists():
        return
    payload = json.loads(path.read_text())
    payload["figures"]["wallboard_ms"] = figures["wallboard_ms"]
    payload["figures"]["wallboard_source"] = f"routing_wallboard.json ({measured_at})"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    if DATABASE_URL.startswith("postgres") and not REUSE:
        _reset_database()
    setup_django()
    from django.conf import settings

    from parvis.accounts.models import User

    if REUSE:
        supervisor = User.objects.get(email="superviseur@bench.parvis.test")
    else:
        print(f"Préparation : {QUEUES} files, {CONTACTS} contacts terminés du jour…", flush=True)
        supervisor = _prepare()

    # As the web process does once its application is built (parvis.asgi, parvis.wsgi):
    # what is loaded lives as long as the process, out of the garbage collector's scans.
    from parvis.startup import freeze_loaded

    freeze_loaded()

    def json_check(response) -> None:  # type: ignore[no-untyped-def]
        queues = response.json()["queues"]
        assert len(queues) == QUEUES and queues[0]["day"]["entered"] > 0

    api = _timed(supervisor, "/api/v1/routage/wallboard", json_check, cold=True)
    cached = _timed(supervisor, "/api/v1/routage/wallboard", json_check, cold=False)
    page = _timed(supervisor, "/espace-agents/routage/", lambda response: None, cold=True)
    figures = {
        "wallboard_ms": api["p95_ms"],
        "wallboard_cached_ms": cached["p95_ms"],
        "wallboard_target_ms": TARGET_MS,
        "wallboard_within_target": api["p95_ms"] < TARGET_MS,
        "api": api,
        "api_with_figures_kept_5_s": cached,
        "page": page,
        "queues": QUEUES,
        "ended_contacts": CONTACTS,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
    print(
        f"Mur de supervision (JSON) : p95 {api['p95_ms']} ms (cible < {TARGET_MS:.0f} ms), "
        f"{api['queries']} requêtes SQL, le jour recompté à chaque requête ; "
        f"chiffres du jour gardés 5 s : p95 {cached['p95_ms']} ms ; "
        f"page HTML : p95 {page['p95_ms']} ms."
    )
    written = write_results("routing_wallboard", figures)
    carry_into_routing(written.parent, figures, json.loads(written.read_text())["measured_at"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
