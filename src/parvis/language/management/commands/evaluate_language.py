"""``parvis evaluate_language``: accuracy, macro-F1, confusions and PII recall by type."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parvis.language import engine, evaluation


class Command(BaseCommand):
    help = (
        "Évalue le moteur de langue : qualification (découpage par famille de modèles et "
        "découpage aléatoire) et anonymisation (rappel par type, faux positifs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help="Rapport complet en JSON sur la sortie standard.",
        )
        parser.add_argument("--skip-anonymisation", action="store_true")
        parser.add_argument("--skip-qualification", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        report: dict[str, Any] = {"low_confidence_threshold": engine.low_confidence_threshold()}
        if not options["skip_qualification"]:
            report["qualification"] = evaluation.evaluate_qualification(
                engine.low_confidence_threshold()
            )
        if not options["skip_anonymisation"]:
            report["anonymisation"] = evaluation.evaluate_anonymisation(engine.get_anonymiser())
        if options["as_json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self._print(report)

    def _print(self, report: dict[str, Any]) -> None:
        write = self.stdout.write
        for name, split in report.get("qualification", {}).items():
            title = {
                "family_split": "Découpage par famille de modèles (et registre)",
                "random_split": "Découpage aléatoire (surestime la qualité)",
            }[name]
            write(self.style.MIGRATE_HEADING(f"Qualification — {title}"))
            write(f"  apprentissage {split['train']} / test {split['test']}")
            for key in (
                "organisation_accuracy",
                "motif_accuracy",
                "motif_top2",
                "macro_f1",
                "confident_share",
                "confident_accuracy",
            ):
                value = split[key]
                write(f"  {key:<24} {value:.4f}" if value is not None else f"  {key:<24} -")
            write(
                "  par registre : "
                + ", ".join(f"{k} {v:.3f}" for k, v in split["by_register"].items())
            )
            write("  confusions principales :")
            for item in split["top_confusions"][:8]:
                write(f"    {item['gold']:<45} → {item['predicted']:<45} {item['count']}")
        if "anonymisation" in report:
            anon = report["anonymisation"]
            write(self.style.MIGRATE_HEADING("Anonymisation — rappel par type"))
            for label, value in anon["recall"].items():
                write(f"  {label:<12} {value:.4f}  ({anon['spans'][label]} spans)")
            write(f"  identifiants structurés restés en clair : {anon['structured_leaks']}")
            write(
                f"  textes sans donnée personnelle avec une entité : "
                f"{anon['false_positive_rate']:.4f} ({anon['texts_without_pii']} textes)"
            )
