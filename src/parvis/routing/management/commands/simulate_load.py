"""Simulate a day of contacts against the routing engine, in accelerated time.

``--erlang`` runs the check of the engine against Erlang C (``routing.simulation``'s
protocol: seeded M/M/c days on the in-memory adapter, their mean service level beside the
formula); without it, a site-sized day (morning peak, lognormal handling, callers who
hang up, several queues and tiers) is reported in French. ``--json`` ends the output with
one JSON line that scripts and the benchmarks read.

``--database`` plays the day against the real engine (``routing.simulation_db``) on a
throwaway database: a temporary SQLite file, or the PostgreSQL database that
``--database-url`` names (created, then dropped; never one that already exists). Django
reads its database once, at start-up, so the command runs itself again in a child
process pointed at that database, which migrates it and plays the day. On SQLite the
first day's freshly migrated database is kept as a template (SQLite: a file under
``var/simulation/``; PostgreSQL: a database ``parvis_simtpl_<fingerprint>``), named after a
fingerprint of every migration: later days start from a copy of it, and their ``migrate``
only checks it (14 s of migrations became well under one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from parvis.routing import simulation

# The child process's private flag and the database it must find itself on.
CHILD_FLAG = "--database-child"
CHILD_DATABASE = "PARVIS_SIMULATION_DATABASE"
# Where the child keeps the migrated SQLite database as a template (none: copied from it).
CHILD_TEMPLATE = "PARVIS_SIMULATION_TEMPLATE"
# The PostgreSQL templates' names (the prefix, then the migrations' fingerprint).
PG_TEMPLATE_PREFIX = "parvis_simtpl_"
DATABASE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _percent(value: float | None) -> str:
    return "pas de données" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _seconds(value: float | None) -> str:
    return "pas de données" if value is None else f"{value:.0f} s"


class Command(BaseCommand):
    help = (
        "Simulate a day of contacts against the routing engine (in memory, or on a "
        "throwaway database with --database), or compare it with Erlang C (--erlang)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--erlang", action="store_true", help="compare seeded M/M/c days with Erlang C"
        )
        parser.add_argument("--json", action="store_true", help="end with one JSON line")
        parser.add_argument(
            "--database",
            action="store_true",
            help="play the day against the real engine, on a temporary SQLite database",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="with --database: a PostgreSQL database to create, use and drop "
            "(postgres://user@host:port/name; it must not exist)",
        )
        parser.add_argument(CHILD_FLAG, action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--contacts", type=int, default=5000, help="arrivals per day")
        parser.add_argument(
            "--agents", type=int, default=None, help="agents (default: 10 Erlang, 45 day)"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--replications", type=int, default=None, help="days (default: 20 Erlang, 1 day)"
        )
        parser.add_argument(
            "--arrivals-per-hour", type=float, default=96.0, help="Erlang mode arrival rate"
        )
        parser.add_argument(
            "--handling-seconds", type=float, default=300.0, help="Erlang mode mean handling"
        )
        parser.add_argument("--target-seconds", type=float, default=20.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["contacts"] <= 0:
            raise CommandError("--contacts doit être strictement positif.")
        if options["database_url"] and not options["database"]:
            raise CommandError("--database-url va avec --database.")
        if options["database"] and options["erlang"]:
            raise CommandError(
                "La comparaison avec Erlang C se fait en mémoire : retirez --database."
            )
        if options[CHILD_FLAG.lstrip("-").replace("-", "_")]:
            self._database_day(options)
        elif options["database"]:
            self._database(options)
        elif options["erlang"]:
            self._erlang(options)
        else:
            self._day(options)

    def _erlang(self, options: dict[str, Any]) -> None:
        try:
            result = simulation.compare_with_erlang(
                arrivals_per_hour=options["arrivals_per_hour"],
                mean_handling_seconds=options["handling_seconds"],
                agents=options["agents"] or 10,
                target_seconds=options["target_seconds"],
                contacts=options["contacts"],
                replications=options["replications"] or 20,
                seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(f"Paramètres refusés : {error}") from error
        self.stdout.write(
            f"{result.replications} journées de {result.contacts} contacts, "
            f"{result.agents} agents, {result.arrivals_per_hour:g} arrivées/h, "
            f"traitement moyen {result.mean_handling_seconds:g} s"
        )
        self.stdout.write(
            f"Taux de service à {result.target_seconds:g} s : simulé "
            f"{_percent(result.service_level)}, Erlang C {_percent(result.erlang_c_service_level)}"
        )
        self.stdout.write(
            f"Attente moyenne : simulée {_seconds(result.mean_wait)}, "
            f"Erlang C {_seconds(result.erlang_c_mean_wait)} ; "
            f"occupation {_percent(result.occupancy)}"
        )
        if options["json"]:
            payload = {
                "arrivals_per_hour": result.arrivals_per_hour,
                "mean_handling_seconds": result.mean_handling_seconds,
                "agents": result.agents,
                "target_seconds": result.target_seconds,
                "contacts": result.contacts,
                "service_level": round(result.service_level, 4),
                "erlang_c_service_level": round(result.erlang_c_service_level, 4),
                "difference": round(result.service_level - result.erlang_c_service_level, 4),
                "service_level_min": round(min(result.service_levels), 4),
                "service_level_max": round(max(result.service_levels), 4),
                "mean_wait_seconds": round(result.mean_wait, 2),
                "erlang_c_mean_wait_seconds": round(result.erlang_c_mean_wait, 2),
                "occupancy": round(result.occupancy, 4),
                "replications": result.replications,
                "seed": options["seed"],
                "wall_seconds": round(result.wall_seconds, 3),
            }
            self.stdout.write(json.dumps(payload))

    def _day(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        scenario = simulation.site_day_scenario(
            contacts=options["contacts"],
            agents=options["agents"] or 45,
            target_seconds=options["target_seconds"],
        )
        replications = options["replications"] or 1
        reports = [
            simulation.simulate(
                scenario, simulation.MemoryAdapter(), random.Random(f"day-{options['seed']}-{day}")
            )
            for day in range(replications)
        ]
        wall = time.perf_counter() - started
        for day, report in enumerate(reports, start=1):
            self._print_day(day, report, len(scenario.agents))
        if options["json"]:
            payload = {
                "mode": "memory_day",
                "contacts": scenario.contacts,
                "agents": len(scenario.agents),
                "target_seconds": scenario.target_seconds,
                "replications": replications,
                "seed": options["seed"],
                **self._figures(reports),
                "wall_seconds": round(wall, 3),
            }
            self.stdout.write(json.dumps(payload))

    @staticmethod
    def _figures(reports: list[simulation.Report]) -> dict[str, Any]:
        levels = [r.service_level for r in reports if r.service_level is not None]
        return {
            "arrivals": sum(r.arrivals for r in reports),
            "answered": sum(r.answered for r in reports),
            "abandoned": sum(r.abandoned for r in reports),
            "short_abandons": sum(r.short_abandons for r in reports),
            "service_level": round(statistics.fmean(levels), 4) if levels else None,
            "mean_wait_seconds": round(statistics.fmean(r.mean_wait or 0.0 for r in reports), 2),
            "p90_wait_seconds": round(statistics.fmean(r.p90_wait or 0.0 for r in reports), 2),
            "occupancy": round(statistics.fmean(r.occupancy for r in reports), 4),
            "per_queue": {str(queue_id): level for queue_id, level in reports[0].per_queue.items()},
        }

    def _print_day(self, day: int, report: simulation.Report, agents: int) -> None:
        self.stdout.write(
            f"Journée {day} : {report.arrivals} contacts, {agents} agents, "
            f"{report.simulated_seconds / 3600:.1f} h simulées".replace(".", ",")
        )
        self.stdout.write(
            f"  Taux de service (cible {report.target_seconds:g} s, courriels 2 jours) : "
            f"{_percent(report.service_level)}"
        )
        for queue_id, level in report.per_queue.items():
            label = simulation.QUEUE_LABELS.get(queue_id, f"file {queue_id}")
            self.stdout.write(f"    {label} : {_percent(level)}")
        self.stdout.write(
            f"  Attente des contacts répondus : moyenne {_seconds(report.mean_wait)}, "
            f"90 % sous {_seconds(report.p90_wait)}, maximum {_seconds(report.max_wait)}"
        )
        self.stdout.write(
            f"  Abandons : {report.abandoned} dont {report.short_abandons} en moins de 5 s "
            f"(taux d’abandon {_percent(report.abandon_rate)})"
        )
        self.stdout.write(
            f"  Répondus : {report.answered} ; occupation des agents {_percent(report.occupancy)}"
        )

    # --- The day on a throwaway database ----------------------------------------------

    def _database(self, options: dict[str, Any]) -> None:
        """Create the throwaway database, run the day in a child process pointed at it,
        drop it."""
        url = options["database_url"]
        with _throwaway(url) as (database_url, name, template):
            command = [
                sys.executable,
                "-m",
                "parvis",
                "simulate_load",
                "--database",
                CHILD_FLAG,
                "--contacts",
                str(options["contacts"]),
                "--seed",
                str(options["seed"]),
                "--target-seconds",
                str(options["target_seconds"]),
            ]
            if options["agents"]:
                command += ["--agents", str(options["agents"])]
            if options["replications"]:
                command += ["--replications", str(options["replications"])]
            if options["json"]:
                command.append("--json")
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                CHILD_DATABASE: name,
                CHILD_TEMPLATE: str(template or ""),
                # Nothing of the day leaves the child: no Redis, no broker, no worker.
                "REDIS_URL": "",
                "CELERY_BROKER_URL": "memory://",
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "ROUTING_INLINE": "false",
                "PARVIS_TESTING": "false",
                "LOG_LEVEL": "WARNING",
            }
            # This interpreter running this command with its own parsed options.
            child = subprocess.run(  # noqa: S603
                command, env=env, capture_output=True, text=True, check=False
            )
            self.stdout.write(child.stdout, ending="")
            if child.returncode:
                self.stderr.write(child.stderr, ending="")
                raise CommandError("La simulation sur base de données a échoué (voir ci-dessus).")

    def _database_day(self, options: dict[str, Any]) -> None:
        """In the child: migrate the throwaway database, then play the day on it."""
        from parvis.routing import simulation_db

        name = str(settings.DATABASES["default"]["NAME"])
        if not name or name != os.environ.get(CHILD_DATABASE):
            raise CommandError("Refusé : cette base n’est pas la base jetable de la simulation.")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        if template := os.environ.get(CHILD_TEMPLATE):
            _keep_template(template)
        migrated = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A throwaway database: its commits need not wait for the disk.
                cursor.execute("SET synchronous_commit = off")
        scenario = simulation.site_day_scenario(
            contacts=options["contacts"],
            agents=options["agents"] or 45,
            target_seconds=options["target_seconds"],
        )
        replications = options["replications"] or 1
        statements = [0]

        def count(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
            statements[0] += 1
            return execute(sql, *args)

        started = time.perf_counter()
        reports = []
        with (
            simulation_db.engine_settings(),
            simulation_db.hub_followers_muted(),
            connection.execute_wrapper(count),
        ):
            for day in range(replications):
                adapter = simulation_db.DatabaseAdapter(offer_seconds=scenario.offer_seconds)
                rng = random.Random(f"day-{options['seed']}-{day}")
                reports.append(simulation.simulate(scenario, adapter, rng))
        wall = time.perf_counter() - started
        label = (
            f"PostgreSQL (base jetable {name})"
            if connection.vendor == "postgresql"
            else "SQLite (fichier temporaire)"
        )
        for day, report in enumerate(reports, start=1):
            self._print_day(day, report, len(scenario.agents))
        contacts = scenario.contacts * replications
        self.stdout.write(f"Base de données : {label}")
        self.stdout.write(
            f"Durée réelle : {wall:.1f} s pour {replications} journée(s) "
            f"(migrations {migrated:.1f} s en plus) ; {statements[0]} requêtes SQL, "
            f"{statements[0] / contacts:.0f} par contact".replace(".", ",")
        )
        if options["json"]:
            payload = {
                **self._figures(reports),
                "mode": "database_day",
                "database": connection.vendor,
                "contacts": scenario.contacts,
                "agents": len(scenario.agents),
                "target_seconds": scenario.target_seconds,
                "replications": replications,
                "seed": options["seed"],
                "statements": statements[0],
                "statements_per_contact": round(statements[0] / contacts, 1),
                "migrate_seconds": round(migrated, 3),
                "wall_seconds": round(wall, 3),
            }
            self.stdout.write(json.dumps(payload))


def _migrations_fingerprint() -> str:
    """Every migration file and Django's version: a new or changed migration names
    another template."""
    digest = hashlib.sha256(django.get_version().encode())
    for app in apps.get_app_configs():
        for path in sorted((Path(app.path) / "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_template() -> Path:
    """The migrated SQLite database a day starts from."""
    return Path(settings.VAR_DIR) / "simulation" / f"template-{_migrations_fingerprint()}.sqlite3"


def _keep_template(template: str) -> None:
    """In the child, just migrated: its database kept as the template (older ones
    removed). SQLite: a copy written whole, then renamed, so a day never starts from half
    a copy. PostgreSQL: a database copied from this one (``CREATE DATABASE … TEMPLATE``,
    which needs it without connection: the child's own is closed first and reopened by
    the day)."""
    if connection.vendor != "postgresql":
        path = Path(template)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(partial)])
        os.replace(partial, path)
        for old in path.parent.glob("template-*.sqlite3"):
            if old != path:
                old.unlink(missing_ok=True)
        return
    import psycopg

    source = str(connection.settings_dict["NAME"])
    connection.close()
    with psycopg.connect(_maintenance_url(os.environ["DATABASE_URL"]), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{source}"')
        for (old,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            [f"{PG_TEMPLATE_PREFIX}%", template],
        ).fetchall():
            conn.execute(f'DROP DATABASE IF EXISTS "{old}"')


def _maintenance_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres", query=""))


@contextmanager
def _throwaway(url: str) -> Iterator[tuple[str, str, str]]:
    """A database that exists only for the day: (its URL, its name, the template the
    child should keep: empty when the day starts from an existing one)."""
    if not url:
        folder = tempfile.mkdtemp(prefix="parvis-simulation-")
        path = os.path.join(folder, "simulation.sqlite3")
        template = _sqlite_template()
        if template.exists():
            shutil.copyfile(template, path)
        try:
            yield f"sqlite:///{path}", path, "" if template.exists() else str(template)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not DATABASE_NAME.match(name):
        raise CommandError(
            "--database-url : une base PostgreSQL à créer, postgres://utilisateur@hôte:port/nom."
        )
    import psycopg

    maintenance = _maintenance_url(url)
    kept = f"{PG_TEMPLATE_PREFIX}{_migrations_fingerprint()}"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            raise CommandError(
                f"La base {name} existe déjà : la simulation ne prend qu’une base qu’elle crée "
                "(et supprime ensuite)."
            )
        templated = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [kept]).fetchone()
        if templated:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url, name, "" if templated else kept
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
