"""Leave-one-set-out measure of the learned name detector (``anonymiser/learned.py``).

    PYTHONPATH=src .venv/bin/python scripts/learned_names_cv.py [--thresholds 0.7,0.8,0.9]

For each development set k (``devset/dev.jsonl`` … ``dev8.jsonl``) a model is trained on the
other sets (and the generator's corpora, down-weighted), then set k is scored by the rules
alone and by the rules with the detector: leaks, person leaks, recall, precision,
false-positive rate. The threshold is chosen on every fold but the eighth (the set no rule
pass ever read), whose figures are then the blind ones. The generator is scored by the
model trained on every development set. Only aggregate figures are printed, never a text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8,0.85,0.9,0.95")
    parser.add_argument("--c", type=float, default=None, help="inverse regularisation")
    parser.add_argument(
        "--generator-weight", type=float, default=None, help="0 leaves the generator out"
    )
    parser.add_argument(
        "--residual",
        action="store_true",
        help="train on the rules' residue only (the words they leave), not on every word",
    )
    parser.add_argument(
        "--french-words",
        action="store_true",
        help="let the model judge French words too (« patience », « rose »), not only the "
        "words no vocabulary knows",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from parvis.language import engine, evaluation
    from parvis.language.anonymiser import learned

    thresholds = [float(t) for t in args.thresholds.split(",")]
    weight = learned.GENERATOR_WEIGHT if args.generator_weight is None else args.generator_weight
    anonymiser = engine.rules_anonymiser()  # the rules alone, whatever the model dir holds
    started = time.monotonic()
    sets: dict[str, dict[str, Any]] = {}
    for path in [*learned.DEV_SETS, *learned.GENERATOR_SETS]:
        rows = evaluation.read_set(path)
        train_featured, detected, results = learned.featurise_set(
            anonymiser, rows, every_word=not args.residual, french_words=args.french_words
        )
        sets[path.stem] = {
            "rows": rows,
            "train": train_featured,
            "detected": detected,
            "results": results,
            "generator": path in learned.GENERATOR_SETS,
        }
    print(f"rules and features of {len(sets)} sets: {time.monotonic() - started:.1f} s")

    def model_without(held_out: str | None) -> learned.NameDetector:
        rows: list[dict[str, Any]] = []
        labels: list[int] = []
        weights: list[float] = []
        for name, data in sets.items():
            if name == held_out or (data["generator"] and weight <= 0):
                continue
            rows.extend(data["train"].rows)
            labels.extend(data["train"].labels)
            weights.extend([weight if data["generator"] else 1.0] * len(data["train"].rows))
        return learned.fit(
            rows, labels, weights, c=args.c or learned.C, french_words=args.french_words
        )

    def score(name: str, model: learned.NameDetector | None, threshold: float) -> dict[str, Any]:
        data = sets[name]
        texts = [r["text"] for r in data["rows"]]
        results = data["results"]
        if model is not None:
            model.threshold = threshold
            results = anonymiser.with_learned_names(
                texts, data["detected"], results, names_model=model
            )
        report = evaluation.score_anonymisation(anonymiser, data["rows"], results=results)
        return {
            "leaks": report["leaks"],
            "person": report["leaks_by_label"].get("PERSON", 0),
            "recall": report["recall_micro"],
            "precision": report["precision"],
            "fp": report["false_positive_rate"],
            "masked": report["masked_spans"],
            "on_gold": round((report["precision"] or 0) * report["masked_spans"]),
            "clean": report["texts_without_pii"],
            "clean_masked": round(
                (report["false_positive_rate"] or 0) * report["texts_without_pii"]
            ),
        }

    dev_names = [p.stem for p in learned.DEV_SETS]
    started = time.monotonic()
    table: dict[str, dict[str | float, Any]] = {}
    for name in dev_names:
        model = model_without(name)
        table[name] = {"rules": score(name, None, 1.0)}
        for threshold in thresholds:
            table[name][threshold] = score(name, model, threshold)
    print(f"{len(dev_names)} folds: {time.monotonic() - started:.1f} s")

    def line(name: str, cell: dict[str, Any]) -> str:
        return (
            f"{name:<10} {cell['leaks']:>5} {cell['person']:>6} {cell['recall']:>7.4f} "
            f"{cell['precision']:>9.4f} {cell['fp'] * 100:>6.1f} %"
        )

    header = f"{'set':<10} {'leaks':>5} {'PERSON':>6} {'recall':>7} {'precision':>9} {'FP':>8}"
    print("\nThresholds on the folds but dev8 (sums; precision and FP rate: all folds, worst)")
    print(
        f"{'threshold':<10} {'leaks':>5} {'PERSON':>6} {'masked':>7} {'precision':>9} "
        f"{'FP':>7} {'min prec':>9} {'max FP':>8}"
    )
    choosing = [n for n in dev_names if n != "dev8"]
    keys: list[str | float] = ["rules", *thresholds]
    for key in keys:
        cells = [table[n][key] for n in choosing]
        masked = sum(c["masked"] for c in cells)
        precision = sum(c["on_gold"] for c in cells) / masked
        fp = sum(c["clean_masked"] for c in cells) / sum(c["clean"] for c in cells)
        worst_precision = min(c["precision"] for c in cells)
        worst_fp = max(c["fp"] for c in cells)
        print(
            f"{key!s:<10} {sum(c['leaks'] for c in cells):>5} "
            f"{sum(c['person'] for c in cells):>6} {masked:>7} {precision:>9.4f} "
            f"{fp * 100:>5.1f} % {worst_precision:>9.4f} {worst_fp * 100:>6.1f} %"
        )
    for threshold in thresholds:
        print(f"\nLeave one set out, threshold {threshold}: rules alone → rules + learned")
        print(header)
        for name in dev_names:
            print(line(name, table[name]["rules"]))
            print(line("  +learned", table[name][threshold]))

    full = model_without(None)
    print("\nGenerator (model trained on every set): rules alone → rules + learned")
    print(header)
    for name in [p.stem for p in learned.GENERATOR_SETS]:
        print(line(name, score(name, None, 1.0)))
        for threshold in thresholds:
            print(line(f"  +{threshold}", score(name, full, threshold)))


if __name__ == "__main__":
    main()
