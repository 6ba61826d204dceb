"""Evaluation of the language engine on the shipped corpora.

Qualification is measured twice: on a split by *template family* (every text generated
from one hand-written request is on the same side, so the test set holds requests the model
never saw in any register) and on a random split (which overstates accuracy, because the
same request leaks across registers). Anonymisation is measured on ``pii.jsonl``: a gold
span is caught when at least 90 % of its non-space characters are masked.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parvis.language import qualifier
from parvis.language.anonymiser import Anonymiser, Entity
from parvis.language.corpus.build import split_of
from parvis.language.services import CORPUS_DIR, corpus_rows
from parvis.language.text import normalise

STRUCTURED = ("EMAIL", "PHONE", "NIR", "IBAN", "CARD", "CAF_NUMBER", "TAX_NUMBER", "PLATE")


def _macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def evaluate_split(
    train_rows: list[dict[str, Any]], test_rows: list[dict[str, Any]], threshold: float
) -> dict[str, Any]:
    pairs = sorted(
        ((r["text"], f"{r['organisation']}/{r['motif']}") for r in train_rows),
        key=lambda p: (p[1], p[0]),
    )
    model = qualifier.train(pairs)
    probabilities = model.probabilities([r["text"] for r in test_rows])
    rankings = qualifier.rank(model, probabilities, set(model.labels))
    gold = [f"{r['organisation']}/{r['motif']}" for r in test_rows]
    predicted = [f"{r[0].organisation}/{r[0].motif}" for r in rankings]
    top2 = [
        g in {f"{x.organisation}/{x.motif}" for x in r[:2]}
        for g, r in zip(gold, rankings, strict=True)
    ]
    confident = [
        (g == p)
        for g, p, r in zip(gold, predicted, rankings, strict=True)
        if r[0].confidence >= threshold
    ]
    by_register: dict[str, list[bool]] = defaultdict(list)
    for row, g, p in zip(test_rows, gold, predicted, strict=True):
        by_register[row["register"]].append(g == p)
    confusion = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    n = len(test_rows)
    return {
        "train": len(train_rows),
        "test": n,
        "organisation_accuracy": sum(
            g.split("/")[0] == p.split("/")[0] for g, p in zip(gold, predicted, strict=True)
        )
        / n,
        "motif_accuracy": sum(g == p for g, p in zip(gold, predicted, strict=True)) / n,
        "motif_top2": sum(top2) / n,
        "macro_f1": _macro_f1(gold, predicted),
        "confident_share": len(confident) / n,
        "confident_accuracy": (sum(confident) / len(confident)) if confident else None,
        "threshold_sweep": {
            f"{t:.2f}": _at_threshold(gold, predicted, rankings, t)
            for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85)
        },
        "by_register": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_register.items())},
        "top_confusions": [
            {"gold": g, "predicted": p, "count": c} for (g, p), c in confusion.most_common(12)
        ],
    }


def _at_threshold(
    gold: list[str], predicted: list[str], rankings: list[Any], threshold: float
) -> dict[str, float]:
    kept = [
        g == p
        for g, p, r in zip(gold, predicted, rankings, strict=True)
        if r[0].confidence >= threshold
    ]
    return {
        "share": round(len(kept) / len(gold), 4),
        "accuracy": round(sum(kept) / len(kept), 4) if kept else 0.0,
    }


def evaluate_qualification(threshold: float, path: Path | None = None) -> dict[str, Any]:
    rows = list(corpus_rows(path or CORPUS_DIR / "qualification.jsonl"))
    family_train = [r for r in rows if split_of(r["family"]) == "train"]
    family_test = [r for r in rows if split_of(r["family"]) == "test"]
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    cut = int(len(shuffled) * 0.8)
    return {
        "family_split": evaluate_split(family_train, family_test, threshold),
        "random_split": evaluate_split(shuffled[:cut], shuffled[cut:], threshold),
    }


def _caught(gold: dict[str, Any], masked: list[bool], text: str) -> bool:
    positions = [i for i in range(gold["start"], gold["end"]) if not text[i].isspace()]
    if not positions:
        return True
    return sum(masked[i] for i in positions) / len(positions) >= 0.9


def evaluate_anonymisation(anonymiser: Anonymiser, path: Path | None = None) -> dict[str, Any]:
    rows = list(corpus_rows(path or CORPUS_DIR / "pii.jsonl"))
    results = anonymiser.anonymise_many([r["text"] for r in rows])
    caught: dict[str, list[bool]] = defaultdict(list)
    clean_texts = 0
    clean_with_entity = 0
    leaks = 0
    misses: list[dict[str, Any]] = []
    false_positives: list[dict[str, Any]] = []
    for row, (masked_text, entities) in zip(rows, results, strict=True):
        masked = [False] * len(row["text"])
        for entity in entities:
            for i in range(entity.start, entity.end):
                masked[i] = True
        for gold in row["entities"]:
            ok = _caught(gold, masked, row["text"])
            caught[gold["label"]].append(ok)
            if not ok and len(misses) < 40:
                misses.append(
                    {
                        "label": gold["label"],
                        "span": row["text"][gold["start"] : gold["end"]],
                        "text": row["text"][:200],
                    }
                )
            if gold["label"] in STRUCTURED and normalise(
                row["text"][gold["start"] : gold["end"]]
            ) in normalise(masked_text):
                leaks += 1
        if not row["entities"]:
            clean_texts += 1
            if entities:
                clean_with_entity += 1
                if len(false_positives) < 40:
                    false_positives.append(
                        {
                            "text": row["text"][:200],
                            "entities": [(e.label, row["text"][e.start : e.end]) for e in entities],
                        }
                    )
    return {
        "texts": len(rows),
        "recall": {label: round(sum(v) / len(v), 4) for label, v in sorted(caught.items())},
        "spans": {label: len(v) for label, v in sorted(caught.items())},
        "structured_leaks": leaks,
        "texts_without_pii": clean_texts,
        "false_positive_rate": round(clean_with_entity / clean_texts, 4) if clean_texts else None,
        "misses": misses,
        "false_positives": false_positives,
    }


def entity_json(entities: Sequence[Entity]) -> str:
    return json.dumps([e.as_dict() for e in entities])
