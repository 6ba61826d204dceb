"""Rebuild the quality facts from platform data and recompute the results."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parvis.quality import services


class Command(BaseCommand):
    help = "Reconstruit les faits quotidiens et recalcule les résultats de qualité."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="premier jour (AAAA-MM-JJ) ; 13 mois par défaut")
        parser.add_argument("--until", help="dernier jour (AAAA-MM-JJ) ; aujourd’hui par défaut")
        parser.add_argument(
            "--results-only", action="store_true", help="recalcule les résultats sans les faits"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        try:
            until = dt.date.fromisoformat(options["until"]) if options["until"] else today
            since = (
                dt.date.fromisoformat(options["since"])
                if options["since"]
                else services.month_of(today - dt.timedelta(days=395))
            )
        except ValueError as error:
            raise CommandError(f"Date invalide : {error}") from error
        if since > until:
            raise CommandError("--since doit précéder --until.")
        started = time.perf_counter()
        if not options["results_only"]:
            rows = services.facts_refresh(first_day=since, last_day=until)
            self.stdout.write(f"Faits : {rows} lignes en {time.perf_counter() - started:.1f} s")
        months, month = [], services.month_of(since)
        while month <= until:
            months.append(month)
            month = services.next_month(month)
        started = time.perf_counter()
        written = services.results_compute(months=months, today=today)
        self.stdout.write(
            f"Résultats : {written['results']} écrits, {written['revised']} révisés, "
            f"en {time.perf_counter() - started:.1f} s"
        )
