"""Foundation figures: reference load, large demo seed, health check and API latency.

Runs on a throw-away SQLite database under var/bench/ (or on DATABASE_URL when set:
then it uses that database, so point it at a scratch one).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("DATABASE_URL"):
    bench_dir = ROOT / "var" / "bench"
    shutil.rmtree(bench_dir, ignore_errors=True)
    bench_dir.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'foundation.sqlite3'}"

from harness import measure, rss_mb, setup_django, write_results  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def main() -> None:
    figures: dict[str, object] = {}
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("load_reference", verbosity=0)
    figures["load_reference_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    call_command("load_reference", verbosity=0)
    figures["load_reference_again_s"] = round(time.perf_counter() - start, 2)
    from parvis.demo.services import demo_seed

    start = time.perf_counter()
    counts = demo_seed(scale="large", with_voice=False)
    elapsed = time.perf_counter() - start
    figures["seed_demo_large"] = {
        "rows": counts["total"],
        "seconds": round(elapsed, 2),
        "rows_per_s": round(counts["total"] / elapsed),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {
        "healthz": "/healthz",
        "home_page": "/",
        "api_sites_page": "/api/v1/annuaire/lieux?page=3&page_size=50",
        "api_communes_search": "/api/v1/territoires/communes?q=saint",
        "directory_search_page": "/annuaire/recherche/?q=caf",
    }
    for name, url in pages.items():
        figures[name] = measure(lambda url=url: _get(client, url), repeat=100)
    figures["max_rss_mb"] = rss_mb()
    write_results("foundation", figures)


if __name__ == "__main__":
    main()
