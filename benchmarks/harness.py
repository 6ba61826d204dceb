"""Helpers shared by benchmarks: Django set-up, timing percentiles, result files.

Benchmarks print their figures and write ``benchmarks/results/<name>.json``; they never
assert on timings (targets are compared and reported, not enforced by the test suite).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()


def measure(fn: Callable[[], Any], *, repeat: int, warmup: int = 3) -> dict[str, float]:
    """Call ``fn`` ``repeat`` times; latency percentiles in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "n": repeat,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max_ms": round(samples[-1], 2),
    }


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def python_loop_ms() -> float:
    """A fixed piece of pure Python (three million additions), best of three, timed when
    the figures are written: how fast this machine ran at that moment. Virtual machines
    share their cores with their host: the same code measured 0.26 s here one hour and
    0.5 s the next, with nothing else running. A first sign only: it measures the
    processor's arithmetic, and a database-bound benchmark slowed twofold once while
    this loop did not; compare codes back to back."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def write_results(name: str, figures: dict[str, Any]) -> Path:
    from django.conf import settings

    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "redis": bool(settings.REDIS_URL),
            "python_loop_ms": python_loop_ms(),
        },
        "figures": figures,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return path
