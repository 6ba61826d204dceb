"""Contact hub ingestion: acceptance, processing and acceptance-to-event latency.

PostgreSQL (pooled connections in the web processes) and Redis, all on this machine's
cores, on a scratch database that is dropped and created again:

- Phase A, workers stopped: a load generator (raw asyncio HTTP/1.1, keep-alive, one
  message a request) posts pre-signed, distinct SMS bodies for ``BENCH_HUB_SECONDS`` (60)
  to 2 uvicorn workers on ``/hooks/<uuid>/``. Acceptance = 202 answers per second; every
  202 must have its raw row (lost) and no external id may be stored twice (duplicated).
- Phase B: 2 Celery processes start and drain the backlog; processing rate = rows ÷
  (last processed − first processed), read from the rows (server side). Processing is
  the whole of it but anonymisation: connector, threading, qualification, save, event
  (the events log's row). Anonymisation is its own task (``contacts.mask_message``),
  counted apart as the issue asks: ``CONTACTS_MASK_ON_ARRIVAL`` is off in phases B and C.
- Phase C: 50 messages/s open loop for ``BENCH_HUB_C_SECONDS`` (30); p95 of processed −
  received of those rows (both stamped by the server).
- Phase D: the same 2 processes mask ``BENCH_HUB_MASK_COUNT`` (2,000) of those messages
  (``contacts.mask_message``, one task each): masking rate = messages ÷ wall time.

Environment: ``BENCH_DATABASE_URL`` (default a ``parvis_bench_hub`` database on the local
PostgreSQL), ``BENCH_REDIS_URL`` (default db 12 of the local Redis, flushed).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parvis_bench_hub"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECONDS_A = float(os.environ.get("BENCH_HUB_SECONDS", "60"))
SECONDS_C = float(os.environ.get("BENCH_HUB_C_SECONDS", "30"))
RATE_C = float(os.environ.get("BENCH_HUB_C_RATE", "50"))
CONNECTIONS = int(os.environ.get("BENCH_HUB_CONNECTIONS", "24"))
MASK_COUNT = int(os.environ.get("BENCH_HUB_MASK_COUNT", "2000"))
PORT = int(os.environ.get("BENCH_HUB_PORT", "8791"))
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ.pop("CELERY_BROKER_URL", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["PARVIS_TESTING"] = "false"
os.environ["CONTACTS_MASK_ON_ARRIVAL"] = "false"  # anonymisation is measured apart (phase D)

from harness import setup_django, write_results  # noqa: E402

TEXTS = [
    "Bonjour, je n'ai pas recu mon paiement de la prime d'activite ce mois ci, merci",
    "bjr mon dossier apl est bloque depuis 2 mois que faire svp",
    "Je voudrais un rdv pour ma declaration de revenus, je suis dispo mardi",
    "Mon remboursement de soins n'arrive pas, feuille envoyee le 3 mars",
    "Est ce que je dois declarer la pension de ma mere pour le RSA ?",
]


def _reset_database() -> None:
    import psycopg

    base, _, name = DATABASE_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _prepare() -> tuple[str, str]:
    """Schema, reference data, an SMS endpoint; returns (endpoint uuid, secret)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    call_command("train_language", "--if-stale", verbosity=0)
    from parvis.contacts.models import InboundEndpoint
    from parvis.core.crypto import encrypt_text
    from parvis.directory.models import Organisation

    secret = secrets.token_urlsafe(32)
    endpoint = InboundEndpoint.objects.create(
        organisation=Organisation.objects.get(slug="caf"),
        connector="sms",
        name="Banc d'essai SMS",
        address="+33900000000",
        secret_encrypted=encrypt_text(secret),
    )
    return str(endpoint.uuid), secret


def _bodies(prefix: str, count: int, secret: str, path: str) -> list[bytes]:
    from parvis.contacts.signatures import sign

    now = int(time.time())
    requests = []
    for index in range(count):
        body = json.dumps(
            {
                "id": f"{prefix}-{index}",
                "from": f"+3361{index % 50000:07d}",
                "to": "+33900000000",
                "text": TEXTS[index % len(TEXTS)],
                "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            }
        ).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n"
            "Content-Type: application/json\r\n"
            f"X-Parvis-Signature: {sign(body, [secret], timestamp=now)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        requests.append(head + body)
    return requests


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _closed_loop(requests: list[bytes], seconds: float) -> tuple[int, int, dict[int, int]]:
    """Send as fast as the server answers, ``CONNECTIONS`` keep-alive connections."""
    cursor = iter(range(len(requests)))
    statuses: dict[int, int] = {}
    sent = 0
    stop_at = time.monotonic() + seconds

    async def connection() -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        try:
            while time.monotonic() < stop_at:
                index = next(cursor, None)
                if index is None:
                    return
                writer.write(requests[index])
                sent += 1
                status = await _read_response(reader)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    start = time.monotonic()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    elapsed = time.monotonic() - start
    return sent, round(elapsed * 1000), statuses


async def _open_loop(requests: list[bytes], rate: float) -> dict[int, int]:
    """One request every 1/rate seconds whatever the answers' pace."""
    statuses: dict[int, int] = {}
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(8):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", PORT))

    async def send(request: bytes) -> None:
        reader, writer = await pool.get()
        writer.write(request)
        status = await _read_response(reader)
        statuses[status] = statuses.get(status, 0) + 1
        pool.put_nowait((reader, writer))

    start = time.monotonic()
    tasks = []
    for index, request in enumerate(requests):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(request)))
    await asyncio.gather(*tasks)
    return statuses


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - local server
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {timeout} s")


def main() -> None:
    _reset_database()
    setup_django()
    endpoint_uuid, secret = _prepare()
    path = f"/hooks/{endpoint_uuid}/"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings", "PYTHONPATH": "src"}
    logs = (ROOT / "var" / "bench-hub.log").open("w")
    web = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "parvis.asgi:application",
            "--host", "127.0.0.1", "--port", str(PORT), "--workers", "2",
            "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        ],
        env=env, cwd=ROOT, stdout=logs, stderr=subprocess.STDOUT,
    )  # fmt: skip
    workers: list[subprocess.Popen[bytes]] = []
    try:
        _wait_http(f"http://127.0.0.1:{PORT}/healthz")
        from parvis.contacts.models import InboundRow

        # Phase A: acceptance, workers stopped.
        requests = _bodies("a", int(SECONDS_A * 1500), secret, path)
        sent, elapsed_ms, statuses = asyncio.run(_closed_loop(requests, SECONDS_A))
        accepted = statuses.get(202, 0)
        rows = InboundRow.objects.count()
        distinct = InboundRow.objects.values("external_id").distinct().count()
        acceptance = accepted / (elapsed_ms / 1000)
        print(f"A: sent {sent}, 202 {accepted}, rows {rows}, {acceptance:.0f}/s", flush=True)

        # Phase B: two worker processes drain the backlog.
        for _ in range(2):
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "parvis",
                        "worker",
                        "-c",
                        "1",
                        "-l",
                        "WARNING",
                        "--without-gossip",
                        "--without-mingle",
                        "-n",
                        f"bench{len(workers)}@%h",
                    ],
                    env={**env, "PARVIS_PROCESS": "worker"},
                    cwd=ROOT,
                    stdout=logs,
                    stderr=subprocess.STDOUT,
                )
            )
        pending = InboundRow.objects.filter(status="pending")
        deadline = time.monotonic() + 3600
        while pending.exists():
            if time.monotonic() > deadline:
                raise SystemExit("the workers did not drain the backlog in an hour")
            time.sleep(1)
        done = InboundRow.objects.filter(processed_at__isnull=False).order_by("processed_at")
        first = done.values_list("processed_at", flat=True).first()
        last = done.values_list("processed_at", flat=True).last()
        processed = done.count()
        processing = (processed - 1) / max((last - first).total_seconds(), 1e-6)
        print(f"B: {processed} processed, {processing:.0f}/s", flush=True)

        # Phase C: open loop at RATE_C messages/s.
        c_requests = _bodies("c", int(SECONDS_C * RATE_C), secret, path)
        c_statuses = asyncio.run(_open_loop(c_requests, RATE_C))
        c_rows = InboundRow.objects.filter(external_id__startswith="c-")
        deadline = time.monotonic() + 120
        while c_rows.filter(processed_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        latencies = sorted(
            (row.processed_at - row.received_at).total_seconds() * 1000
            for row in c_rows.exclude(processed_at__isnull=True)
        )
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else None
        print(f"C: {len(latencies)} rows, p95 {p95} ms", flush=True)

        # Phase D: anonymisation, apart, by the same two worker processes.
        from parvis.contacts.models import Message
        from parvis.contacts.tasks import mask_message

        to_mask = list(
            Message.objects.filter(body_masked="").order_by("pk").values_list("pk", flat=True)
        )[:MASK_COUNT]
        started = time.monotonic()
        for message_id in to_mask:
            mask_message.delay(message_id)
        unmasked = Message.objects.filter(pk__in=to_mask, body_masked="")
        deadline = time.monotonic() + 1200
        while unmasked.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        masked = len(to_mask) - unmasked.count()
        masking = masked / max(time.monotonic() - started, 1e-6)
        print(f"D: {masked} masked, {masking:.0f}/s", flush=True)
    finally:
        for process in [web, *workers]:
            process.terminate()
        for process in [web, *workers]:
            process.wait(timeout=60)
        logs.close()

    write_results(
        "contact_hub",
        {
            "acceptance_per_s": round(acceptance, 1),
            "processing_per_s": round(processing, 1),
            "lost": max(0, accepted - rows),
            "duplicated": rows - distinct,
            "accept_to_event_p95_ms": round(p95, 1) if p95 is not None else None,
            "phase_a": {
                "seconds": SECONDS_A,
                "sent": sent,
                "statuses": statuses,
                "connections": CONNECTIONS,
            },
            "phase_b": {"processed": processed, "worker_processes": 2},
            "phase_c": {"rate_per_s": RATE_C, "seconds": SECONDS_C, "statuses": c_statuses},
            "masking_per_s": round(masking, 1),
            "phase_d": {"masked": masked, "worker_processes": 2},
            "stack": "PostgreSQL (pooled, 2 uvicorn workers), Redis broker, 2 Celery "
            "processes, load generator on the same 2 cores",
            "load_average_1min_at_end": round(os.getloadavg()[0], 2),
            "targets": {
                "acceptance_per_s": 500,
                "processing_per_s": 100,
                "lost": 0,
                "duplicated": 0,
                "accept_to_event_p95_ms": 1000,
            },
        },
    )


if __name__ == "__main__":
    main()
