"""Rebuild publication's read model (and optionally figures and open data) from voice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.publication import services


class Command(BaseCommand):
    help = "Reconstruit les expériences publiées (modèle de lecture et index de recherche)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--figures", action="store_true", help="Recalcule aussi les chiffres.")
        parser.add_argument(
            "--opendata", action="store_true", help="Écrit aussi les exports de données ouvertes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.publication_rebuild()
        self.stdout.write(
            f"Expériences publiées : {result['synced']}, retirées : {result['removed']}"
        )
        if options["figures"]:
            self.stdout.write(f"Chiffres : {services.figures_refresh()} synthèses")
        if options["opendata"]:
            exported = services.opendata_export()
            self.stdout.write(f"Données ouvertes : {', '.join(exported['files'])}")
            if exported["skipped"]:
                self.stdout.write(f"Non disponibles : {', '.join(exported['skipped'])}")
