"""``parvis train_language``: retrain the qualifier from the corpus and the database."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.language import services


class Command(BaseCommand):
    help = (
        "Entraîne le qualificateur (déterministe) à partir du corpus livré et des exemples "
        "en base. --if-stale : seulement si le modèle stocké manque ou est périmé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Ne réentraîne que si le modèle stocké manque ou est périmé.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["if_stale"]:
                metadata = services.ensure_model()
            else:
                metadata = services.language_model_train()
        except services.LanguageError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        summary = {
            k: metadata.get(k)
            for k in ("examples", "training_seconds", "trained_at", "corpus_hash", "retrained")
        }
        summary["motifs"] = len(metadata.get("motifs", []))
        self.stdout.write(
            self.style.SUCCESS(
                "Modèle de qualification prêt : " + json.dumps(summary, ensure_ascii=False)
            )
        )
