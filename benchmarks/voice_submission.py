"""Submission throughput of experiences, end to end, with a real Celery worker.

Each submission goes through ``voice.services.experience_submit`` (validation, encryption,
transition, audit) and ``voice.tasks.process_experience`` runs in a separate worker
process (anonymisation + qualification by the language engine, then moderation queue).
The clock runs from the first submission until the last experience is in moderation.

Embedded profile by default (SQLite WAL, SQLite broker) on a scratch database under
var/bench/; with DATABASE_URL and REDIS_URL set it measures that stack instead (point
DATABASE_URL at a scratch database).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "600"))
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "2"))
if not os.environ.get("DATABASE_URL"):
    bench_dir = ROOT / "var" / "bench-submission"
    shutil.rmtree(bench_dir, ignore_errors=True)
    bench_dir.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_dir / 'voice.sqlite3'}"
    os.environ["CELERY_BROKER_URL"] = f"sqla+sqlite:///{bench_dir / 'broker.sqlite'}"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"

from harness import setup_django, write_results  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402

STORIES = [
    "J'ai appelé plusieurs fois le 06 12 34 56 78 sans réponse, mon dossier d'aide au "
    "logement est bloqué depuis trois mois. Mme Martin m'a dit de renvoyer les pièces.",
    "Très bon accueil au guichet, la conseillère a pris le temps de m'expliquer la prime "
    "d'activité et m'a aidé à faire la déclaration trimestrielle en ligne. Merci !",
    "Mon remboursement de soins n'arrive pas, j'ai envoyé la feuille de soins le 3 mars. "
    "Je m'appelle Paul Durand, j'habite 12 rue des Lilas 33000 Bordeaux.",
    "Impossible de joindre le service, le formulaire en ligne plante à la dernière étape "
    "et personne ne répond aux courriels. C'est épuisant pour une démarche simple.",
]


def main() -> None:
    from parvis.directory.models import Organisation
    from parvis.voice.models import Experience, ExperienceStatus
    from parvis.voice.services import experience_submit

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    call_command("train_language", "--if-stale", verbosity=0)
    organisation = Organisation.objects.get(slug="caf")
    log = (ROOT / "var" / "bench-worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "parvis",
            "worker",
            "-c",
            str(WORKER_CONCURRENCY),
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env={**os.environ, "PARVIS_TESTING": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # Start-up and engine load happen once per worker process, not per message: a
        # first experience, analysed before the clock starts, proves the worker is ready.
        warm = experience_submit(organisation=organisation, title="Préchauffage", text=STORIES[0])
        deadline = time.monotonic() + 120
        while Experience.objects.filter(pk=warm.experience.pk, status="submitted").exists():
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not start in 2 minutes")
            time.sleep(0.2)
        time.sleep(6)  # the second process loads its engine in the background
        start = time.perf_counter()
        for index in range(SUBMISSIONS):
            experience_submit(
                organisation=organisation,
                title=f"Expérience {index}",
                text=STORIES[index % len(STORIES)],
                tone="negatif",
            )
        submitted = time.perf_counter() - start
        pending = Experience.objects.exclude(status=ExperienceStatus.IN_MODERATION)
        left_when_submitted = pending.count()
        deadline = time.monotonic() + 1200
        while pending.exists():
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not process every submission in 20 minutes")
            time.sleep(0.2)
        total = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
    from django.db import connection

    write_results(
        f"voice_submission_{connection.vendor}",
        {
            "submissions": SUBMISSIONS,
            "worker_concurrency": WORKER_CONCURRENCY,
            "submit_only_per_s": round(SUBMISSIONS / submitted, 1),
            "end_to_end_per_s": round(SUBMISSIONS / total, 1),
            "end_to_end_seconds": round(total, 1),
            "waiting_when_last_submitted": left_when_submitted,
            "stack": "services called in this process (no HTTP); worker: prefork, "
            f"{WORKER_CONCURRENCY} processes, prefetch multiplier "
            f"{os.environ.get('CELERY_WORKER_PREFETCH_MULTIPLIER', '4')}",
            "target_per_s": 50,
        },
    )


if __name__ == "__main__":
    main()
