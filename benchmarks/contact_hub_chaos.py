"""Contact hub chaos at ``make bench`` size: 10,000 inbound messages (issue 13,
"Reliability").

Runs ``src/parvis/contacts/tests/test_chaos.py`` with ``PARVIS_CHAOS_SCALE=10``: 5,000
SMS from 1,000 senders, 3,000 emails in 1,000 threads, 500 calls of 4 events, each
webhook delivered 2 or 3 times and out of order through the real door, while a real
Celery worker is SIGKILLed and the broker (a Redis server the test starts on its own
port, without persistence) is killed and restarted. The test asserts exactly one raw row
per delivery key, nothing pending or quarantined, one message per distinct message and
the right threading; this script reports whether it passed and how long it took.

Environment: ``BENCH_DATABASE_URL`` (default the local PostgreSQL; pytest-django makes
its own ``test_`` database from it), ``BENCH_REDIS_URL`` (default db 11 of the local
Redis; the broker under chaos is the test's own server).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
SCALE = int(os.environ.get("BENCH_CHAOS_SCALE", "10"))


def main() -> int:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parvis_bench_chaos"
        ),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"),
        "PARVIS_CHAOS_SCALE": str(SCALE),
    }
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
            "src/parvis/contacts/tests/test_chaos.py", "-k", "test_chaos_every_delivery",
        ],
        cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    seconds = round(time.monotonic() - started, 1)
    messages = SCALE * (100 * 5 + 100 * 3 + 50 * 4)
    passed = result.returncode == 0
    print(f"chaos: {messages} messages, {'passed' if passed else 'FAILED'} in {seconds} s")
    from harness import write_results

    os.environ.update({key: env[key] for key in ("DATABASE_URL", "REDIS_URL")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    write_results(
        "contact_hub_chaos",
        {"messages": messages, "scale": SCALE, "passed": passed, "seconds": seconds},
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
