"""The simulator: the Erlang C check (the issue's protocol, in full), a site-sized day,
and the ``simulate_load`` command."""

from __future__ import annotations

import json
import os
import random
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command

from parvis.routing import core, simulation
from parvis.routing.tests.pure import pure


@pure
def test_mean_service_level_of_twenty_days_is_within_three_points_of_erlang_c():
    # Stationary Poisson, exponential handling, nobody abandons, one FCFS queue, ten
    # identical agents of one contact each, no wrap-up, load 0.8; 5 % warm-up left out.
    result = simulation.compare_with_erlang(
        arrivals_per_hour=96.0,
        mean_handling_seconds=300.0,
        agents=10,
        target_seconds=20.0,
        contacts=5000,
        replications=20,
        seed=0,
    )
    assert len(result.service_levels) == 20
    assert result.erlang_c_service_level == pytest.approx(0.6419, abs=1e-4)
    assert abs(result.service_level - result.erlang_c_service_level) <= 0.03
    assert result.occupancy == pytest.approx(0.8, abs=0.03)


@pure
def test_erlang_days_answer_everyone_and_leave_out_the_warm_up():
    scenario = simulation.erlang_scenario(
        arrivals_per_hour=96.0,
        mean_handling_seconds=300.0,
        agents=10,
        target_seconds=20.0,
        contacts=400,
    )
    report = simulation.simulate(scenario, simulation.MemoryAdapter(), random.Random(3))
    assert report.arrivals == 380
    assert report.answered == 380
    assert report.abandoned == 0


@pure
def test_a_seed_gives_the_same_day():
    scenario = simulation.site_day_scenario(contacts=600, agents=8)
    first = simulation.simulate(scenario, simulation.MemoryAdapter(), random.Random(5))
    again = simulation.simulate(scenario, simulation.MemoryAdapter(), random.Random(5))
    assert first == again


@pure
def test_a_site_day_reports_abandons_waits_and_occupancy():
    scenario = simulation.site_day_scenario(contacts=5000, agents=45)
    report = simulation.simulate(scenario, simulation.MemoryAdapter(), random.Random(1))
    assert report.arrivals == 5000
    assert report.answered + report.abandoned == 5000  # every contact ends one way
    assert 0 < report.short_abandons < report.abandoned
    assert report.service_level is not None and 0.5 < report.service_level < 1.0
    assert 0.0 < report.occupancy < 1.0
    assert report.p90_wait is not None and report.mean_wait is not None
    assert report.p90_wait >= report.mean_wait
    assert set(report.per_queue) == {1, 2, 3, 4}


@pure
def test_understaffing_shows():
    scenario = simulation.site_day_scenario(contacts=1500, agents=6)
    report = simulation.simulate(scenario, simulation.MemoryAdapter(), random.Random(2))
    roomy = simulation.simulate(
        simulation.site_day_scenario(contacts=1500, agents=30),
        simulation.MemoryAdapter(),
        random.Random(2),
    )
    assert report.abandoned > roomy.abandoned
    assert report.occupancy > roomy.occupancy


@pure
def test_tiers_and_wrap_up_in_the_loop():
    # Only a level-1 agent: the expert contacts reach them after the tier delay.
    scenario = simulation.Scenario(
        queues=(
            core.QueueRule(
                id=1,
                tiers=(core.TierRule(min_level=2), core.TierRule(min_wait=60.0, position=2)),
            ),
        ),
        agents=(core.AgentView(id=1, levels={1: 1}),),
        streams=(simulation.Stream(queue_id=1, mean_handling_seconds=10.0),),
        contacts=50,
        arrivals_per_hour=30.0,
        wrap_up_seconds=5.0,
    )
    report = simulation.simulate(scenario, simulation.MemoryAdapter(), random.Random(4))
    assert report.answered == 50
    assert report.mean_wait is not None and report.mean_wait >= 60.0


def last_json(out: StringIO) -> dict:
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pure
def test_simulate_load_erlang_json():
    out = StringIO()
    call_command(
        "simulate_load",
        "--erlang",
        "--json",
        "--replications",
        "3",
        "--contacts",
        "1000",
        stdout=out,
    )
    figures = last_json(out)
    for key in (
        "arrivals_per_hour",
        "mean_handling_seconds",
        "agents",
        "target_seconds",
        "service_level",
        "erlang_c_service_level",
        "replications",
        "wall_seconds",
    ):
        assert key in figures
    assert figures["replications"] == 3
    assert "Taux de service à 20 s" in out.getvalue()


@pure
def test_simulate_load_day_report_in_french():
    out = StringIO()
    call_command("simulate_load", "--contacts", "800", "--agents", "10", "--json", stdout=out)
    text = out.getvalue()
    assert "Taux de service" in text
    assert "Abandons" in text
    assert "occupation des agents" in text
    assert last_json(out)["arrivals"] == 800


def _small_database_day(*options: str) -> StringIO:
    """A day of 150 contacts and 6 agents on a throwaway database (``--database``)."""
    out = StringIO()
    call_command(
        "simulate_load",
        "--database",
        *options,
        "--contacts",
        "150",
        "--agents",
        "6",
        "--json",
        stdout=out,
    )
    return out


@pure
def test_the_database_day_runs_in_a_child_and_starts_later_days_from_a_template(tmp_path, settings):
    """``--database``: the child process plays the day on a throwaway SQLite file; the
    first run keeps its migrated database as a template, the next copies it (its
    ``migrate`` only checks) and plays the same day."""
    settings.VAR_DIR = tmp_path
    runs = []
    for _ in range(2):
        out = _small_database_day()
        runs.append(last_json(out))
        assert "Base de données : SQLite (fichier temporaire)" in out.getvalue()
    first, second = runs
    assert first["mode"] == "database_day" and first["arrivals"] == 150
    assert first["statements"] > 0
    (template,) = (tmp_path / "simulation").glob("template-*.sqlite3")
    assert template.stat().st_size > 0
    assert second["migrate_seconds"] < first["migrate_seconds"]
    # The day's figures, not its statement count: process memos expire on the wall clock
    # (a calendar read again, a few statements more or less).
    for figure in ("answered", "abandoned", "short_abandons", "service_level", "occupancy"):
        assert second[figure] == first[figure], figure


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL pass names the server",
)
def test_the_postgresql_day_keeps_a_template_database_and_drops_its_own():
    """``--database-url``: the day's database is created, then dropped; the first day
    keeps its migrated database as ``parvis_simtpl_<fingerprint>``, which the next day
    is created from (its ``migrate`` only checks) to play the same day."""
    import psycopg

    from parvis.routing.management.commands import simulate_load as command

    server = os.environ["DATABASE_URL"]
    maintenance = command._maintenance_url(server)
    kept = f"{command.PG_TEMPLATE_PREFIX}{command._migrations_fingerprint()}"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{kept}"')
    name = f"parvis_simtest_{os.getpid()}"
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}", query=""))
    runs = []
    for _ in range(2):
        runs.append(last_json(_small_database_day("--database-url", url)))
        with psycopg.connect(maintenance, autocommit=True) as conn:
            databases = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        assert kept in databases
        assert name not in databases
    first, second = runs
    assert first["mode"] == "database_day" and first["arrivals"] == 150
    assert second["migrate_seconds"] < first["migrate_seconds"]
    for figure in ("answered", "abandoned", "short_abandons", "service_level", "occupancy"):
        assert second[figure] == first[figure], figure
