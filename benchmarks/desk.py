"""Agent desk: the conversation page and live delivery to an open desk.

PostgreSQL and Redis on this machine, a scratch database dropped and created again:

- Page: ``GET /espace-agents/poste/conversations/<reference>/`` for a citizen with 500
  interactions (one open conversation of 100 messages assigned to the agent, 80 earlier
  conversations of 5 messages), in process through Django's test client (session login,
  no network): p95 of ``BENCH_DESK_PAGE_REQUESTS`` (300) requests, and the page's query
  count.
- WebSocket: the Procfile's web command (uvicorn) serves ``ws/desk/?conversation=…`` to
  a signed-in agent; this process receives a citizen's chat message through the normal
  ingestion (``chat_message_accept``: raw row, processing, threading, the event after
  commit, the desk's publish on Redis) and times until the desk's event frame arrives:
  p95 of ``BENCH_DESK_MESSAGES`` (200) messages, one at a time.

Environment: ``BENCH_DATABASE_URL`` (default a ``parvis_bench_desk`` database on the local
PostgreSQL), ``BENCH_REDIS_URL`` (default db 13 of the local Redis, flushed).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parvis_bench_desk"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PAGE_REQUESTS = int(os.environ.get("BENCH_DESK_PAGE_REQUESTS", "300"))
MESSAGES = int(os.environ.get("BENCH_DESK_MESSAGES", "200"))
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["PARVIS_TESTING"] = "false"
os.environ["CONTACTS_MASK_ON_ARRIVAL"] = "false"  # anonymisation is the hub benchmark's
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # no worker: the chat is processed inline
os.environ.setdefault("CHANNEL_LAYER_PREFIX", "parvis-bench-desk")

from harness import measure, setup_django, write_results  # noqa: E402


def _reset_database() -> None:
    import psycopg
    import redis

    base, _, name = DATABASE_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, int(len(ordered) * share) - 1)], 2)


def _prepare():  # type: ignore[no-untyped-def]
    """An agent of an organisation, member of its queue, and a citizen with 500
    interactions; returns (agent, open conversation, chat session of a live chat)."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from parvis.accounts.models import Role
    from parvis.accounts.tests.factories import MembershipFactory
    from parvis.contacts.models import CitizenRecord, Conversation, Direction, Message, Status
    from parvis.contacts.tests.factories import (
        ConversationFactory,
        InboundEndpointFactory,
        QueueFactory,
        QueueMemberFactory,
        channel,
    )
    from parvis.core.crypto import encrypt_text

    for slug in ("courriel", "sms", "chat", "telephone", "guichet"):
        channel(slug)
    queue = QueueFactory()
    organisation = queue.organisation
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    QueueMemberFactory(queue=queue, user=agent)
    citizen = CitizenRecord.objects.create(organisation=organisation, display_name="Usager")
    now = timezone.now()

    def conversation(count: int, **kwargs):  # type: ignore[no-untyped-def]
        made = ConversationFactory(queue=queue, citizen=citizen, **kwargs)
        Message.objects.bulk_create(
            Message(
                conversation=made,
                direction=Direction.INBOUND if i % 2 == 0 else Direction.OUTBOUND,
                channel_id=made.channel_id,
                body_encrypted=encrypt_text(f"Message {i} : où en est mon dossier ?"),
            )
            for i in range(count)
        )
        return made

    for _ in range(80):
        conversation(5, status=Status.CLOSED)
    opened = conversation(100, status=Status.ASSIGNED, assignee=agent, assigned_at=now)
    endpoint = InboundEndpointFactory(organisation=organisation, connector="chat", queue=queue)
    session = "bench-desk-session"
    chat = ConversationFactory(
        queue=queue,
        channel=channel("chat"),
        citizen=citizen,
        status=Status.ASSIGNED,
        assignee=agent,
        thread_key=session,
    )
    assert Message.objects.filter(conversation__citizen=citizen).count() == 500
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them live
        cursor.execute("ANALYZE")
    assert Conversation.objects.filter(citizen=citizen).count() == 82
    return agent, opened, chat, endpoint, session


def _page(agent, opened) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(agent)
    url = reverse("desk:conversation", args=[opened.reference])

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    figures = measure(get, repeat=PAGE_REQUESTS, warmup=10)
    with CaptureQueriesContext(connection) as queries:
        get()
    return {**figures, "queries": len(queries.captured_queries)}


def _timeline(agent, opened) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The timeline's first 50 items, which the desk fetches just after its page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(agent)
    url = reverse("contacts_backoffice:citizen_timeline", args=[opened.citizen_id])

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200 and b"data-kind" in response.content

    figures = measure(get, repeat=PAGE_REQUESTS, warmup=10)
    with CaptureQueriesContext(connection) as queries:
        get()
    return {**figures, "queries": len(queries.captured_queries)}


def _session_cookie(agent) -> str:  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def _deliveries(url: str, cookie: str, origin: str, endpoint, session) -> list[float]:  # type: ignore[no-untyped-def]
    import websockets
    from asgiref.sync import sync_to_async

    from parvis.contacts.services.chat import chat_message_accept

    accept = sync_to_async(chat_message_accept, thread_sensitive=True)
    samples = []
    async with websockets.connect(
        url, additional_headers={"Cookie": cookie, "Origin": origin}
    ) as socket:
        assert "hello" in await socket.recv()
        for index in range(MESSAGES):
            start = time.perf_counter()
            await accept(
                endpoint=endpoint,
                session=session,
                sequence=index,
                text=f"Encore une question n° {index}",
            )
            while True:
                frame = await asyncio.wait_for(socket.recv(), timeout=10)
                if '"desk"' in frame:
                    break
            samples.append((time.perf_counter() - start) * 1000)
            # Drain what the same message also published (queue, user groups).
            await asyncio.sleep(0.02)
            while True:
                try:
                    await asyncio.wait_for(socket.recv(), timeout=0.05)
                except TimeoutError:
                    break
    return samples


def main() -> None:
    _reset_database()
    setup_django()
    agent, opened, chat, endpoint, session = _prepare()
    load_before = os.getloadavg()
    page = _page(agent, opened)
    timeline = _timeline(agent, opened)
    print(f"timeline: {timeline}", flush=True)
    print(f"page: {page}", flush=True)

    from parvis.testing.web import procfile_web

    with (
        tempfile.TemporaryDirectory() as tmp,
        procfile_web(
            Path(tmp), CHANNEL_LAYER_PREFIX=os.environ["CHANNEL_LAYER_PREFIX"], LOG_LEVEL="WARNING"
        ) as base_url,
    ):
        ws_url = base_url.replace("http://", "ws://") + f"/ws/desk/?conversation={chat.reference}"
        samples = asyncio.run(
            _deliveries(ws_url, _session_cookie(agent), base_url, endpoint, session)
        )
    delivery = {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": _percentile(samples, 0.95),
        "max_ms": round(max(samples), 2),
    }
    print(f"websocket: {delivery}", flush=True)
    write_results(
        "desk",
        {
            "conversation_page_p95_ms": page["p95_ms"],
            "conversation_page_target_ms": 100,
            "conversation_page": page,
            "timeline_items_p95_ms": timeline["p95_ms"],
            "timeline_items": timeline,
            "websocket_delivery_p95_ms": delivery["p95_ms"],
            "websocket_delivery_target_ms": 300,
            "websocket_delivery": delivery,
            "setup": {
                "citizen_interactions": 500,
                "open_conversation_messages": 100,
                "stack": "PostgreSQL, Redis channel layer, 1 uvicorn worker (Procfile web)",
                # 2 cores shared with other jobs: the figures move with the load.
                "load_average_1_5_15_before": [round(x, 2) for x in load_before],
                "load_average_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
                "note": "the page renders the conversation and the timeline's frame; the "
                "timeline's first 50 items load just after it (timeline_items)",
            },
        },
    )


if __name__ == "__main__":
    main()
