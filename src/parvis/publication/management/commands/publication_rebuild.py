"""Rebuild publication's read model from voice; optionally the figures of the experiences
(the quality indicators of the voice of users, ``quality.services.voice_refresh``) and
the open data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parvis.publication import services


class Command(BaseCommand):
    help = "Reconstruit les expériences publiées (modèle de lecture et index de recherche)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--figures",
            action="store_true",
            help="Recalcule aussi les chiffres des expériences (indicateurs de qualité des "
            "13 derniers mois ; « parvis quality_rebuild » pour tous les indicateurs).",
        )
        parser.add_argument(
            "--opendata", action="store_true", help="Écrit aussi les exports de données ouvertes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.publication_rebuild()
        self.stdout.write(
            f"Expériences publiées : {result['synced']}, retirées : {result['removed']}"
        )
        if options["figures"]:
            from parvis.quality.services import voice_refresh

            counts = voice_refresh()
            self.stdout.write(
                f"Chiffres (indicateurs de qualité des expériences) : {counts['facts']} faits, "
                f"{counts['results']} résultats écrits, {counts['revised']} révisés"
            )
        if options["opendata"]:
            exported = services.opendata_export()
            self.stdout.write(f"Données ouvertes : {', '.join(exported['files'])}")
            if exported["skipped"]:
                self.stdout.write(f"Non disponibles : {', '.join(exported['skipped'])}")
