"""The simulated day on the real engine (issue 15, « Simulation »: a site-sized day of
5,000 contacts on a throwaway database in < 60 s).

Runs ``parvis simulate_load --database --json`` (a temporary SQLite file, the default)
and, when ``BENCH_SIMULATION_POSTGRESQL`` is not ``0``, ``--database-url`` on the local
PostgreSQL, each twice: the first run may migrate a new template (after a migration
changed), the second starts from it as every later day does. The figures of the second
run go to ``benchmarks/results/routing_simulation.json``: the day's wall time
(``day_seconds``: what the issue's target measures), the command's whole time
(``command_seconds``: both processes' start-up, the template's copy and ``migrate``'s
check included), statements per contact, and the day's report (service level, waits,
abandons, occupancy), the same for every run of a seed.

Environment: ``BENCH_SIMULATION_CONTACTS`` (5,000), ``BENCH_SIMULATION_SEED`` (0),
``BENCH_SIMULATION_POSTGRESQL`` (1), ``BENCH_DATABASE_URL`` (a
``parvis_bench_simulation`` database on the local PostgreSQL: created and dropped by the
command; it must not exist).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
CONTACTS = int(os.environ.get("BENCH_SIMULATION_CONTACTS", "5000"))
SEED = int(os.environ.get("BENCH_SIMULATION_SEED", "0"))
POSTGRESQL = os.environ.get("BENCH_SIMULATION_POSTGRESQL", "1") != "0"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parvis_bench_simulation"
)
TARGET_SECONDS = 60.0
ROOT = Path(__file__).resolve().parent.parent

from harness import setup_django, write_results  # noqa: E402


def _day(extra: list[str]) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "parvis",
        "simulate_load",
        "--database",
        "--json",
        "--contacts",
        str(CONTACTS),
        "--seed",
        str(SEED),
        *extra,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "day_seconds": figures["wall_seconds"],
        "command_seconds": round(wall, 1),
        "migrate_seconds": figures["migrate_seconds"],
        "statements_per_contact": figures["statements_per_contact"],
        "contacts": figures["contacts"],
        "agents": figures["agents"],
        "service_level": figures["service_level"],
        "mean_wait_seconds": figures["mean_wait_seconds"],
        "p90_wait_seconds": figures["p90_wait_seconds"],
        "abandoned": figures["abandoned"],
        "short_abandons": figures["short_abandons"],
        "occupancy": figures["occupancy"],
    }


def _measured(extra: list[str], label: str) -> dict[str, Any]:
    first = _day(extra)
    second = _day(extra)
    print(
        f"{label} : journée {second['day_seconds']} s (cible < {TARGET_SECONDS:g} s), "
        f"commande entière {second['command_seconds']} s ; première exécution "
        f"{first['day_seconds']} s + migrations {first['migrate_seconds']} s",
        flush=True,
    )
    return {**second, "first_run_migrate_seconds": first["migrate_seconds"]}


def main() -> int:
    setup_django()
    figures: dict[str, Any] = {
        "target_seconds": TARGET_SECONDS,
        "seed": SEED,
        "sqlite": _measured([], "SQLite"),
    }
    if POSTGRESQL:
        figures["postgresql"] = _measured(["--database-url", DATABASE_URL], "PostgreSQL")
    figures["day_seconds"] = figures["sqlite"]["day_seconds"]
    write_results("routing_simulation", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
