"""``parvis train_language``: retrain the qualifier from the corpus and the database, and
the anonymiser's learned name detector from the development sets."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.language import services


class Command(BaseCommand):
    help = (
        "Entraîne le qualificateur (déterministe) à partir du corpus livré et des exemples "
        "en base, et le détecteur appris de noms de l'anonymiseur à partir des jeux de "
        "développement. --if-stale : seulement si un modèle stocké manque ou est périmé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Ne réentraîne que si le modèle stocké manque ou est périmé.",
        )
        parser.add_argument(
            "--only",
            choices=("qualification", "noms"),
            help=(
                "N’entraîne que le qualificateur ou que le détecteur de noms (les deux "
                "peuvent tourner en parallèle ; le détecteur ne lit pas la base)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = options.get("only")
        try:
            if only != "noms":
                self._qualification(if_stale=options["if_stale"])
            if only != "qualification":
                self._names(if_stale=options["if_stale"])
        except services.LanguageError as exc:
            raise CommandError(exc.message, returncode=2) from exc

    def _qualification(self, *, if_stale: bool) -> None:
        metadata = services.ensure_model() if if_stale else services.language_model_train()
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

    def _names(self, *, if_stale: bool) -> None:
        names = _train_names(if_stale=if_stale)
        names_summary = {
            k: names.get(k)
            for k in ("words", "names", "training_seconds", "trained_at", "retrained")
        }
        self.stdout.write(
            self.style.SUCCESS(
                "Détecteur de noms prêt : " + json.dumps(names_summary, ensure_ascii=False)
            )
        )


def _train_names(*, if_stale: bool) -> dict[str, Any]:
    """The learned name detector, read by the rules of an anonymiser without it."""
    from parvis.language import engine

    anonymiser = engine.rules_anonymiser()
    if if_stale:
        metadata = services.ensure_names_model(anonymiser=anonymiser)
    else:
        metadata = services.names_model_train(anonymiser=anonymiser) | {"retrained": True}
    if metadata["retrained"]:
        engine.reset_anonymiser()  # this process reads the new model from now on
    return metadata
