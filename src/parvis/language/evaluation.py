"""Evaluation of the language engine on the shipped corpora.

Qualification is measured twice: on a split by *template family* (every text generated
from one hand-written request is on the same side, so the test set holds requests the model
never saw in any register) and on a random split (which overstates accuracy, because the
same request leaks across registers). Anonymisation is measured on the generator's
``pii.jsonl``, on the independent set ``eval/independent.jsonl`` and on any set of the same
format kept outside the project (:func:`score_anonymisation`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parvis.language import qualifier
from parvis.language.anonymiser import Anonymiser, Entity
from parvis.language.corpus.build import split_of
from parvis.language.corpus.names import name_in_lexicon, name_lexicon
from parvis.language.leak_profile import leak_breakdown, span_features
from parvis.language.services import CORPUS_DIR, corpus_rows


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
    train_sorted = sorted(
        train_rows, key=lambda r: (f"{r['organisation']}/{r['motif']}", r["text"], r["family"])
    )
    pairs = [
        (
            qualifier.qualification_text(r["text"], r.get("register")),
            f"{r['organisation']}/{r['motif']}",
        )
        for r in train_sorted
    ]
    model = qualifier.train(pairs, groups=[r["family"] for r in train_sorted])
    probabilities = model.probabilities(
        [qualifier.qualification_text(r["text"], r.get("register")) for r in test_rows]
    )
    rankings = qualifier.rank(model, probabilities, set(model.labels))
    for ranked in rankings:  # the first answer's confidence, as the engine gives it
        ranked[0] = qualifier.Ranked(
            ranked[0].organisation, ranked[0].motif, model.calibrated(ranked[0].confidence)
        )
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
        "reliability": reliability_table(
            [r[0].confidence for r in rankings],
            [g == p for g, p in zip(gold, predicted, strict=True)],
        ),
        "calibration": model.metadata.get("calibration"),
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
    # texts about no organisation are learnt (on the training side of each split) and not
    # scored: the independent set scores that case
    out_of_scope = [
        r | {"organisation": "-", "motif": "hors-perimetre"}
        for r in corpus_rows(CORPUS_DIR / "out_of_scope.jsonl")
    ]
    family_train = [r for r in rows if split_of(r["family"]) == "train"]
    family_test = [r for r in rows if split_of(r["family"]) == "test"]
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    cut = int(len(shuffled) * 0.8)
    out_train = [r for r in out_of_scope if split_of(r["family"]) == "train"]
    return {
        "family_split": evaluate_split(family_train + out_train, family_test, threshold),
        "random_split": evaluate_split(shuffled[:cut] + out_train, shuffled[cut:], threshold),
    }


def _masked_share(gold: dict[str, Any], masked: list[bool], text: str) -> float:
    positions = [i for i in range(gold["start"], gold["end"]) if not text[i].isspace()]
    if not positions:
        return 1.0
    return sum(masked[i] for i in positions) / len(positions)


def _caught(gold: dict[str, Any], masked: list[bool], text: str) -> bool:
    return _masked_share(gold, masked, text) >= 0.9


def evaluate_anonymisation(anonymiser: Anonymiser, path: Path | None = None) -> dict[str, Any]:
    """The generator's PII corpus (``pii.jsonl``), scored like every anonymisation set."""
    rows = list(corpus_rows(path or CORPUS_DIR / "pii.jsonl"))
    return score_anonymisation(anonymiser, rows, show_misses=True)


GENERATOR_SETS = ("pii.jsonl", "pii_contact.jsonl")


def evaluate_generator_anonymisation(anonymiser: Anonymiser) -> dict[str, Any]:
    """Both generator corpora apart (``pii.jsonl``; ``pii_contact.jsonl``, the contact
    registers with half of the names outside the lexicon) and together."""
    rows = {name: list(corpus_rows(CORPUS_DIR / name)) for name in GENERATOR_SETS}
    results = {name: anonymiser.anonymise_many([r["text"] for r in rows[name]]) for name in rows}
    report = {
        name: score_anonymisation(anonymiser, rows[name], results=results[name], show_misses=True)
        for name in rows
    }
    report["all"] = score_anonymisation(
        anonymiser,
        [row for name in rows for row in rows[name]],
        results=[result for name in rows for result in results[name]],
    )
    return report


# --- Anonymisation on any labelled set (issue 12) -----------------------------------------

INDEPENDENT_SET = Path(__file__).resolve().parent / "eval" / "independent.jsonl"


def set_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_set(path: Path) -> list[dict[str, Any]]:
    """Rows of a labelled JSONL set (``text``, ``entities`` with ``start``/``end``/``label``)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def score_anonymisation(
    anonymiser: Anonymiser,
    rows: Sequence[dict[str, Any]],
    *,
    show_misses: bool = False,
    lexicon: frozenset[str] | None = None,
    results: Sequence[tuple[str, list[Entity]]] | None = None,
) -> dict[str, Any]:
    """Recall, leaks, precision and false positives of the anonymiser on a labelled set.

    * a gold span is *caught* when at least 90 % of its non-space characters are masked;
      recall is micro-averaged over spans; every span not caught is a *leak*, whatever its
      label;
    * ``precision`` (span-based, the one with a target): masked spans that overlap a gold
      span (any label) / all masked spans; ``char_precision``: masked non-space characters
      inside gold spans / all masked non-space characters (a civility masked with its name
      counts against it);
    * ``false_positive_rate``: texts without any gold span that get at least one mask;
    * person spans are split into *in the lexicon* (every meaningful word listed in
      ``language/data/``) and *outside*.

    ``show_misses`` lists missed spans and false positives: only for the generator's own
    corpus, never for the independent set (which is measured, not read).
    """
    lexicon = name_lexicon() if lexicon is None else lexicon
    if results is None:
        results = anonymiser.anonymise_many([r["text"] for r in rows])
    caught: dict[str, list[bool]] = defaultdict(list)
    by_register: dict[str, list[bool]] = defaultdict(list)
    person_lexicon: dict[str, list[bool]] = {"in": [], "out": []}
    masked_spans = masked_spans_on_gold = 0
    masked_chars = masked_chars_on_gold = 0
    clean_texts = clean_with_mask = 0
    misses: list[dict[str, Any]] = []
    false_positives: list[dict[str, Any]] = []
    leak_profiles: list[tuple[str, dict[str, str]]] = []
    for row, (_masked_text, entities) in zip(rows, results, strict=True):
        text = row["text"]
        masked = [False] * len(text)
        for entity in entities:
            for i in range(entity.start, entity.end):
                masked[i] = True
        on_gold = [False] * len(text)
        for gold in row["entities"]:
            for i in range(gold["start"], gold["end"]):
                on_gold[i] = True
        for entity in entities:
            masked_spans += 1
            if any(on_gold[entity.start : entity.end]):
                masked_spans_on_gold += 1
            elif show_misses and len(false_positives) < 60:
                false_positives.append(
                    {
                        "label": entity.label,
                        "span": text[entity.start : entity.end],
                        "text": text[:240],
                    }
                )
        for i, is_masked in enumerate(masked):
            if is_masked and not text[i].isspace():
                masked_chars += 1
                masked_chars_on_gold += on_gold[i]
        for gold in row["entities"]:
            share = _masked_share(gold, masked, text)
            ok = share >= 0.9
            if not ok:
                names = getattr(anonymiser, "lexicon", None)
                leak_profiles.append(
                    (gold["label"], span_features(row, gold, share, lexicon, names))
                )
            caught[gold["label"]].append(ok)
            by_register[row.get("register") or "-"].append(ok)
            if gold["label"] == "PERSON":
                value = text[gold["start"] : gold["end"]]
                person_lexicon["in" if name_in_lexicon(value, lexicon) else "out"].append(ok)
            if not ok and show_misses and len(misses) < 60:
                misses.append(
                    {
                        "label": gold["label"],
                        "span": text[gold["start"] : gold["end"]],
                        "text": text[:240],
                    }
                )
        if not row["entities"]:
            clean_texts += 1
            clean_with_mask += bool(entities)
    spans = sum(len(v) for v in caught.values())
    hits = sum(sum(v) for v in caught.values())
    report: dict[str, Any] = {
        "texts": len(rows),
        "spans_total": spans,
        "recall_micro": _ratio(hits, spans),
        "recall": {label: _ratio(sum(v), len(v)) for label, v in sorted(caught.items())},
        "spans": {label: len(v) for label, v in sorted(caught.items())},
        "leaks": spans - hits,
        "leaks_by_label": {
            label: len(v) - sum(v) for label, v in sorted(caught.items()) if len(v) > sum(v)
        },
        "person_recall_in_lexicon": _ratio(sum(person_lexicon["in"]), len(person_lexicon["in"])),
        "person_recall_outside_lexicon": _ratio(
            sum(person_lexicon["out"]), len(person_lexicon["out"])
        ),
        "person_spans_in_lexicon": len(person_lexicon["in"]),
        "person_spans_outside_lexicon": len(person_lexicon["out"]),
        "recall_by_register": {
            key: _ratio(sum(v), len(v)) for key, v in sorted(by_register.items())
        },
        "masked_spans": masked_spans,
        "precision": _ratio(masked_spans_on_gold, masked_spans),
        "char_precision": _ratio(masked_chars_on_gold, masked_chars),
        "texts_without_pii": clean_texts,
        "false_positive_rate": _ratio(clean_with_mask, clean_texts),
        # counts of coarse features of the leaked spans, never their text (leak_profile.py)
        "leak_breakdown": leak_breakdown(leak_profiles),
    }
    if show_misses:
        report["misses"] = misses
        report["false_positives"] = false_positives
    return report


def evaluate_anonymisation_set(anonymiser: Anonymiser, path: Path) -> dict[str, Any]:
    """An independent labelled set (the committed one or one kept outside the project):
    aggregate figures and the file's sha256, never the texts."""
    report = score_anonymisation(anonymiser, read_set(path))
    report["path"] = "eval/independent.jsonl" if path == INDEPENDENT_SET else str(path)
    report["sha256"] = set_digest(path)
    return report


def entity_json(entities: Sequence[Entity]) -> str:
    return json.dumps([e.as_dict() for e in entities])


# --- Qualification on a labelled set (issue 12) -------------------------------------------

RELIABILITY_BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)


def reliability_table(
    confidences: Sequence[float], right: Sequence[bool], bins: Sequence[float] = RELIABILITY_BINS
) -> list[dict[str, Any]]:
    """Bins of confidence against the observed share of right first answers (the last bin
    includes 1.0): a calibrated confidence has accuracy close to its mean in every bin."""
    table = []
    for index, (low, high) in enumerate(itertools.pairwise(bins)):
        last = index == len(bins) - 2
        members = [
            (c, r)
            for c, r in zip(confidences, right, strict=True)
            if low <= c < high or (last and c == high)
        ]
        table.append(
            {
                "bin": f"[{low:.2f}, {high:.2f}{']' if last else ')'}",
                "texts": len(members),
                "mean_confidence": _mean([c for c, _ in members]),
                "accuracy": _mean([float(r) for _, r in members]),
            }
        )
    return table


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _precision_recall(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, Any]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    return {
        "gold": tp + fn,
        "flagged": tp + fp,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
    }


def score_qualification(
    rows: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]], threshold: float
) -> dict[str, Any]:
    """Qualification scores of engine ``results`` against a labelled set.

    How the rows count:

    * ``organisation_accuracy``, ``motif_accuracy`` and ``motif_top2`` are over the rows
      with an organisation (a row with an organisation but no motif counts for the
      organisation only); ``organisation_accuracy_all`` is over every row, a row about no
      organisation being right when the engine sends it to human triage
      (``low_confidence``);
    * *right* for the confidence (reliability table, coverage, accuracy above the
      threshold) means organisation and motif both right; a row about no organisation is
      never right, so a confident answer on it counts against the accuracy;
    * two organisations: the one asked about must come first, the other one must be among
      ``alternatives``;
    * urgency and vulnerability: the engine's flag against the row's, on every row.
    """
    right: list[bool] = []
    confidences: list[float] = []
    organisation_hits: list[bool] = []
    organisation_all: list[bool] = []
    motif_hits: list[bool] = []
    top2: list[bool] = []
    second_first: list[bool] = []
    second_offered: list[bool] = []
    confusions: Counter[tuple[str, str]] = Counter()
    by_register: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for row, result in zip(rows, results, strict=True):
        gold_org, gold_motif = row.get("organisation"), row.get("motif")
        confidence = float(result["confidence"])
        org_ok = gold_org is not None and result["organisation"] == gold_org
        motif_ok = org_ok and gold_motif is not None and result["motif"] == gold_motif
        register = by_register[row.get("register") or "?"]
        confidences.append(confidence)
        right.append(motif_ok)
        if gold_org is None:
            organisation_all.append(bool(result["low_confidence"]))
        else:
            organisation_hits.append(org_ok)
            organisation_all.append(org_ok)
            register["organisation"].append(org_ok)
            if not org_ok:
                confusions[(gold_org, str(result["organisation"]))] += 1
        if gold_motif is not None:
            motif_hits.append(motif_ok)
            register["motif"].append(motif_ok)
            answers = [(result["organisation"], result["motif"])] + [
                (a["organisation"], a["motif"]) for a in result["alternatives"][:1]
            ]
            top2.append((gold_org, gold_motif) in answers)
        if row.get("second_organisation"):
            second_first.append(org_ok)
            second_offered.append(
                any(a["organisation"] == row["second_organisation"] for a in result["alternatives"])
            )
        if confidence >= threshold:
            register["confident"].append(motif_ok)
        register["all"].append(motif_ok)
    n = len(rows)
    confident = [r for r, c in zip(right, confidences, strict=True) if c >= threshold]
    return {
        "texts": n,
        "texts_with_organisation": len(organisation_hits),
        "texts_without_organisation": n - len(organisation_hits),
        "organisation_accuracy": _mean([float(x) for x in organisation_hits]),
        "organisation_accuracy_all": _mean([float(x) for x in organisation_all]),
        "motif_accuracy": _mean([float(x) for x in motif_hits]),
        "motif_top2": _mean([float(x) for x in top2]),
        "threshold": threshold,
        "coverage": _ratio(len(confident), n),
        "accuracy_above_threshold": _mean([float(x) for x in confident]),
        "threshold_sweep": {
            f"{t:.2f}": {
                "coverage": _ratio(sum(1 for c in confidences if c >= t), n),
                "accuracy": _mean(
                    [float(r) for r, c in zip(right, confidences, strict=True) if c >= t]
                ),
            }
            for t in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
        },
        "reliability": reliability_table(confidences, right),
        "two_organisations": {
            "texts": len(second_first),
            "asked_first": _mean([float(x) for x in second_first]),
            "other_in_alternatives": _mean([float(x) for x in second_offered]),
        },
        "urgency": _precision_recall(
            [bool(r.get("urgency")) for r in rows], [x["urgency"]["flag"] for x in results]
        ),
        "vulnerability": _precision_recall(
            [bool(r.get("vulnerability")) for r in rows],
            [x["vulnerability"]["flag"] for x in results],
        ),
        "by_register": {
            name: {
                "texts": len(values["all"]),
                "organisation_accuracy": _mean([float(x) for x in values["organisation"]]),
                "motif_accuracy": _mean([float(x) for x in values["motif"]]),
                "coverage": _ratio(len(values["confident"]), len(values["all"])),
                "accuracy_above_threshold": _mean([float(x) for x in values["confident"]]),
            }
            for name, values in sorted(by_register.items())
        },
        "organisation_confusions": [
            {"gold": g, "predicted": p, "count": c} for (g, p), c in confusions.most_common(10)
        ],
    }


def evaluate_qualification_set(path: Path, threshold: float) -> dict[str, Any]:
    """The engine (as configured: stored model, database motifs) on a labelled set; each
    text is given its register as a hint, as the contact hub will."""
    from parvis.language import engine

    rows = read_set(path)
    results = engine.qualify_many([r["text"] for r in rows], [r.get("register") for r in rows])
    return {"path": str(path), "sha256": set_digest(path)} | score_qualification(
        rows, results, threshold
    )
