"""``parvis evaluate_language``: accuracy, macro-F1, confusions and PII recall by type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.language import engine, evaluation, services


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
        parser.add_argument(
            "--skip-splits",
            action="store_true",
            help=(
                "Sans les découpages du corpus généré (qui réentraînent deux modèles) : "
                "seulement le modèle en service sur les jeux d'évaluation."
            ),
        )
        parser.add_argument(
            "--extra-set",
            type=Path,
            action="append",
            default=[],
            metavar="PATH",
            help=(
                "Jeu évalué en plus (JSONL au format de language/eval/independent.jsonl, "
                "gardé hors du projet) ; répétable."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report: dict[str, Any] = {"low_confidence_threshold": engine.low_confidence_threshold()}
        if not options["skip_qualification"]:
            if not options["skip_splits"]:
                report["qualification"] = evaluation.evaluate_qualification(
                    engine.low_confidence_threshold()
                )
            report["qualification_sets"] = self._qualification_sets(options["extra_set"])
        if not options["skip_anonymisation"]:
            report.update(self._anonymisation(options["extra_set"]))
        if options["as_json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self._print(report)

    def _qualification_sets(self, extra_sets: list[Path]) -> list[dict[str, Any]]:
        """The model in service (stored, database motifs) on the independent set and on
        every ``--extra-set``, each text with its register as a hint."""
        for path in extra_sets:
            if not path.is_file():
                raise CommandError(f"Jeu d'évaluation introuvable : {path}")
        try:
            services.require_reference_data()
        except services.LanguageError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        threshold = engine.low_confidence_threshold()
        return [
            evaluation.evaluate_qualification_set(path, threshold)
            for path in [evaluation.INDEPENDENT_SET, *extra_sets]
        ]

    def _anonymisation(self, extra_sets: list[Path]) -> dict[str, Any]:
        for path in extra_sets:
            if not path.is_file():
                raise CommandError(f"Jeu d'évaluation introuvable : {path}")
        anonymiser = engine.get_anonymiser()
        return {
            "anonymisation": evaluation.evaluate_generator_anonymisation(anonymiser),
            "anonymisation_sets": [
                evaluation.evaluate_anonymisation_set(anonymiser, path)
                for path in [evaluation.INDEPENDENT_SET, *extra_sets]
            ],
        }

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
            if split.get("reliability"):
                self._print_reliability(split["reliability"])
        for item in report.get("qualification_sets", []):
            self._print_qualification_set(item)
        if "anonymisation" in report:
            for name, item in report["anonymisation"].items():
                title = "tout le générateur" if name == "all" else f"générateur, {name}"
                self._print_anonymisation(f"Anonymisation — {title}", item)
            for item in report["anonymisation_sets"]:
                self._print_anonymisation(f"Anonymisation — {item['path']}", item)

    def _print_reliability(self, table: list[dict[str, Any]]) -> None:
        write = self.stdout.write
        write("  fiabilité de la confiance (classes de confiance → exactitude observée) :")
        for row in table:
            if row["texts"]:
                write(
                    f"    {row['bin']:<13} {row['texts']:>5} textes  confiance moyenne "
                    f"{row['mean_confidence']:.3f}  exactitude {row['accuracy']:.3f}"
                )

    def _print_qualification_set(self, result: dict[str, Any]) -> None:
        write = self.stdout.write

        def figure(value: float | None) -> str:
            return "-" if value is None else f"{value:.4f}"

        write(self.style.MIGRATE_HEADING(f"Qualification — {result['path']}"))
        write(f"  sha256 {result['sha256']}")
        write(
            f"  {result['texts']} textes, dont {result['texts_without_organisation']} sans "
            f"organisme (comptés à part : justes s'ils partent en tri humain)"
        )
        for key in (
            "organisation_accuracy",
            "organisation_accuracy_all",
            "motif_accuracy",
            "motif_top2",
        ):
            write(f"  {key:<26} {figure(result[key])}")
        write(
            f"  seuil {result['threshold']:.2f} : couverture {figure(result['coverage'])}, "
            f"exactitude au-dessus {figure(result['accuracy_above_threshold'])}"
        )
        write(
            "  balayage : "
            + ", ".join(
                f"{t} → {figure(v['coverage'])}/{figure(v['accuracy'])}"
                for t, v in result["threshold_sweep"].items()
            )
        )
        self._print_reliability(result["reliability"])
        two = result["two_organisations"]
        write(
            f"  deux organismes ({two['texts']} textes) : celui demandé en premier "
            f"{figure(two['asked_first'])}, l'autre dans les alternatives "
            f"{figure(two['other_in_alternatives'])}"
        )
        for flag, title in (("urgency", "urgence"), ("vulnerability", "vulnérabilité")):
            item = result[flag]
            write(
                f"  {title:<14} précision {figure(item['precision'])} rappel "
                f"{figure(item['recall'])} ({item['flagged']} signalés, {item['gold']} attendus)"
            )
        write("  par registre (organisme, motif, couverture, exactitude au-dessus du seuil) :")
        for name, item in result["by_register"].items():
            write(
                f"    {name:<14} {item['texts']:>4} textes  {figure(item['organisation_accuracy'])}"
                f"  {figure(item['motif_accuracy'])}  {figure(item['coverage'])}"
                f"  {figure(item['accuracy_above_threshold'])}"
            )
        if result["organisation_confusions"]:
            write(
                "  confusions d'organisme : "
                + ", ".join(
                    f"{c['gold']} → {c['predicted']} ({c['count']})"
                    for c in result["organisation_confusions"]
                )
            )

    def _print_anonymisation(self, title: str, anon: dict[str, Any]) -> None:
        write = self.stdout.write

        def figure(value: float | None) -> str:
            return "-" if value is None else f"{value:.4f}"

        write(self.style.MIGRATE_HEADING(title))
        if "sha256" in anon:
            write(f"  sha256 {anon['sha256']}")
        write(
            f"  {anon['texts']} textes, {anon['spans_total']} spans ; rappel (micro) "
            f"{figure(anon['recall_micro'])} ; valeurs en clair (spans manqués) {anon['leaks']}"
        )
        for label, value in anon["recall"].items():
            leaks = anon["leaks_by_label"].get(label, 0)
            write(
                f"  {label:<12} {figure(value)}  ({anon['spans'][label]} spans, {leaks} en clair)"
            )
        write(
            f"  noms dans le lexique {figure(anon['person_recall_in_lexicon'])} "
            f"({anon['person_spans_in_lexicon']}) ; hors lexique "
            f"{figure(anon['person_recall_outside_lexicon'])} "
            f"({anon['person_spans_outside_lexicon']})"
        )
        write(
            "  par registre : "
            + ", ".join(f"{k} {figure(v)}" for k, v in anon["recall_by_register"].items())
        )
        write(
            f"  précision (spans masqués touchant une donnée) {figure(anon['precision'])} "
            f"sur {anon['masked_spans']} ; en caractères {figure(anon['char_precision'])}"
        )
        write(
            f"  textes sans donnée personnelle avec un masque : "
            f"{figure(anon['false_positive_rate'])} ({anon['texts_without_pii']} textes)"
        )
        if anon.get("leak_breakdown"):
            # counts of coarse features only: never a span's text (the set is not read)
            write("  valeurs en clair par caractéristique (comptes seulement) :")
            for label, features in anon["leak_breakdown"].items():
                write(f"    {label} ({features['(spans)']['all']})")
                for feature, counts in features.items():
                    if feature != "(spans)":
                        cells = ", ".join(f"{value} {count}" for value, count in counts.items())
                        write(f"      {feature} : {cells}")
