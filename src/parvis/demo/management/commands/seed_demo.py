"""``parvis seed_demo --scale small|medium|large``: deterministic demo data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from parvis.demo.services import SCALES, DemoRefused, demo_seed

# The summary's rows in French (``demo_seed`` returns its counts by code).
ROW_LABELS = {
    "local_services": "Services locaux",
    "sites": "Lieux d’accueil",
    "opening_hours": "Horaires d’ouverture",
    "site_partners": "Partenaires des lieux",
    "site_channels": "Canaux des lieux",
    "users": "Comptes",
    "memberships": "Rattachements (rôles)",
    "experiences": "Expériences",
    "simplification_requests": "Demandes de simplification",
    "conversations": "Conversations",
    "quality_history_contacts": "Contacts de l’historique de qualité",
    "quality_reports": "Rapports de qualité",
    "commitment_assessments": "Autoévaluations Services Publics+",
}


class Command(BaseCommand):
    help = "Crée des données de démonstration déterministes (refusé en production)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout._out, highlight=False)  # type: ignore[arg-type]
        start = time.perf_counter()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} lignes"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            tasks: dict[str, Any] = {}

            def advance(label: str, rows: int) -> None:
                if label not in tasks:
                    tasks[label] = progress.add_task(label, total=None)
                progress.update(tasks[label], advance=rows)

            try:
                counts = demo_seed(scale=options["scale"], progress=advance)
            except DemoRefused as refused:
                raise CommandError(str(refused)) from refused
        table = Table(
            title=f"Démonstration « {options['scale']} » ({time.perf_counter() - start:.1f} s)"
        )
        table.add_column("Données")
        table.add_column("Créées", justify="right")
        for name, value in counts.items():
            if name != "total":
                table.add_row(ROW_LABELS.get(name, name), str(value))
        table.add_row("lignes en base (ces tables)", str(counts["total"]))
        console.print(table)
