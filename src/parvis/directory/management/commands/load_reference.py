"""Load the reference data (territories, taxonomy) idempotently."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.directory.services import taxonomy_load
from parvis.territories.services import territories_load


class Command(BaseCommand):
    help = "Charge les données de référence (territoires INSEE, taxonomie) ; idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--skip-territories", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_territories"]:
            counts = territories_load()
            self.stdout.write(f"Territoires : {counts}")
        counts = taxonomy_load()
        self.stdout.write(self.style.SUCCESS(f"Taxonomie : {counts}"))
