"""Score rules / rules + fold LR detector / + fine-tuned NER on held-out and training sets.

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=parvis.settings OMP_NUM_THREADS=1 \
      python eval_ner.py --fold A --held dev15,dev16 [--model foldA/model-best]

Only aggregate figures are printed (never a text or a span).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import django

django.setup()

import spacy  # noqa: E402

from parvis.language import engine, evaluation  # noqa: E402
from parvis.language.anonymiser import learned  # noqa: E402
from parvis.language.anonymiser.base import Entity  # noqa: E402
from parvis.language.anonymiser.pipeline import mask  # noqa: E402

OUT = Path(os.environ.get("NER_EXPERIMENT_DIR", "var/ner-experiment")).resolve()


def ner_persons(nlp, texts: list[str]) -> list[list[tuple[int, int]]]:
    return [
        [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]
        for doc in nlp.pipe(texts, batch_size=64)
    ]


def union(
    text: str, entities: list[Entity], spans: list[tuple[int, int]], keep
) -> tuple[str, list[Entity]]:
    """The anonymiser's entities plus every NER PER span not already fully masked; a span
    overlapping a PERSON is merged with it, one overlapping another label is skipped."""
    out = list(entities)
    for start, end in spans:
        if not keep(text, start, end):
            continue
        overlapping = [e for e in out if e.start < end and start < e.end]
        if any(e.label != "PERSON" for e in overlapping):
            continue
        if overlapping:
            s = min([start] + [e.start for e in overlapping])
            t = max([end] + [e.end for e in overlapping])
            if all(e.start <= start and end <= e.end for e in overlapping):
                continue  # already masked
            out = [e for e in out if e not in overlapping] + [Entity(s, t, "PERSON")]
        else:
            out.append(Entity(start, end, "PERSON"))
    out.sort(key=lambda e: (e.start, e.end))
    return mask(text, out), out


class WithNer:
    """A names model for ``Anonymiser.with_learned_names``: the LR detector's words plus the
    NER's PER spans (not already masked), so the rules filter, complete and repeat them."""

    def __init__(self, lr, ner_spans: dict[int, list[tuple[int, int]]], keep, index_of):
        self.lr = lr
        self.ner_spans = ner_spans
        self.keep = keep
        self.index_of = index_of

    def find_many(self, texts, threshold=None):
        found = self.lr.find_many(texts) if self.lr is not None else [[] for _ in texts]
        out = []
        for (tokens, entities), extra in zip(texts, found, strict=True):
            idx = self.index_of[id(tokens)]
            spans = [
                Entity(s, e, "PERSON")
                for s, e in self.ner_spans[idx]
                if self.keep(tokens.text, s, e)
                and not any(x.start <= s and e <= x.end for x in entities)
                and not any(x.start < e and s < x.end and x.label != "PERSON" for x in entities)
            ]
            out.append(extra + spans)
        return out


class Combined:
    """What ``score_anonymisation`` calls: ``anonymise_many``."""

    def __init__(self, anonymiser, lr, nlp, keep, integrated: bool):
        self.anonymiser, self.lr, self.nlp, self.keep, self.integrated = (
            anonymiser,
            lr,
            nlp,
            keep,
            integrated,
        )
        self.lexicon = anonymiser.lexicon

    def anonymise_many(self, texts, detected=None, results=None, spans=None):
        if detected is None:
            detected = self.anonymiser.detect_many(texts)
            results = [
                self.anonymiser.finish(t, k, tok)
                for t, (k, tok) in zip(texts, detected, strict=False)
            ]
        if spans is None:
            spans = ner_persons(self.nlp, list(texts))
        if self.integrated:
            model = WithNer(
                self.lr,
                dict(enumerate(spans)),
                self.keep,
                {id(tok): i for i, (_, tok) in enumerate(detected)},
            )
            return self.anonymiser.with_learned_names(texts, detected, results, names_model=model)
        if self.lr is not None:
            results = self.anonymiser.with_learned_names(
                texts, detected, results, names_model=self.lr
            )
        return [
            union(t, ents, sp, self.keep)
            for t, (_, ents), sp in zip(texts, results, spans, strict=False)
        ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fold", required=True)
    parser.add_argument("--held", required=True)
    parser.add_argument("--model", default=None)
    parser.add_argument("--all-sets", action="store_true", help="also score training sets")
    args = parser.parse_args()
    held = args.held.split(",")
    model_path = (
        Path(args.model)
        if args.model and args.model != "fr_core_news_md"
        else OUT / f"fold{args.fold}" / "model-best"
    )

    started = time.monotonic()
    anonymiser = engine.rules_anonymiser()
    lexicon = anonymiser.lexicon
    nlp = spacy.load(
        args.model if args.model == "fr_core_news_md" else model_path,
        exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"],
    )
    print(f"loaded in {time.monotonic() - started:.1f} s", flush=True)

    sets: dict[str, dict[str, Any]] = {}
    for path in [*learned.DEV_SETS, *learned.GENERATOR_SETS]:
        assert "eval" not in path.parts
        rows = evaluation.read_set(path)
        featured, detected, results = learned.featurise_set(anonymiser, rows, every_word=True)
        sets[path.stem] = {
            "rows": rows,
            "train": featured,
            "detected": detected,
            "results": results,
            "generator": path in learned.GENERATOR_SETS,
        }
    print(f"rules on {len(sets)} sets: {time.monotonic() - started:.1f} s", flush=True)

    rows_, labels, weights = [], [], []
    for name, data in sets.items():
        if name in held:
            continue
        rows_.extend(data["train"].rows)
        labels.extend(data["train"].labels)
        weights.extend(
            [learned.GENERATOR_WEIGHT if data["generator"] else 1.0] * len(data["train"].rows)
        )
    lr = learned.fit(rows_, labels, weights)
    print(f"fold LR fitted ({len(rows_)} words), threshold {lr.threshold}", flush=True)

    def oov_word(text, s, e):
        """Some word of the span no French vocabulary knows (or a listed name)."""
        words = [w for w in text[s:e].replace("-", " ").split() if any(c.isalpha() for c in w)]
        return any(lexicon.is_known_name(w) or not lexicon.word_like(w, typos=False) for w in words)

    def capitalised_or_oov(text, s, e):
        return text[s : s + 1].isupper() or oov_word(text, s, e)

    def words(text, s, e):
        return [w for w in text[s:e].replace("-", " ").split() if any(c.isalpha() for c in w)]

    def nonword(text, s, e):
        """Some word of the span no French vocabulary knows (name lists ignored)."""
        return any(not lexicon.word_like(w, typos=False) for w in words(text, s, e))

    def multi_or_nonword(text, s, e):
        """Two words or more, or one word no French vocabulary knows."""
        return len(words(text, s, e)) >= 2 or nonword(text, s, e)

    keeps = {
        "all": lambda t, s, e: True,
        "oov": oov_word,
        "nonword": nonword,
        "multi|nonword": multi_or_nonword,
    }

    def report(name, results):
        r = evaluation.score_anonymisation(anonymiser, sets[name]["rows"], results=results)
        return {
            "recall": r["recall_micro"],
            "leaks": r["leaks"],
            "person_leaks": r["leaks_by_label"].get("PERSON", 0),
            "person_recall": r["recall"].get("PERSON"),
            "precision": r["precision"],
            "fp": r["false_positive_rate"],
            "masked": r["masked_spans"],
            "clean": r["texts_without_pii"],
        }

    names = list(sets) if args.all_sets else held
    table: dict[str, dict[str, Any]] = {}
    for name in names:
        data = sets[name]
        texts = [r["text"] for r in data["rows"]]
        t0 = time.monotonic()
        spans = ner_persons(nlp, texts)
        ner_s = time.monotonic() - t0
        row = {
            "rules": report(name, data["results"]),
            "rules+lr": report(
                name,
                anonymiser.with_learned_names(
                    texts, data["detected"], data["results"], names_model=lr
                ),
            ),
        }
        for kname, keep in keeps.items():
            for integrated in (False, True):
                c = Combined(anonymiser, lr, nlp, keep, integrated)
                res = c.anonymise_many(texts, data["detected"], data["results"], spans)
                row[f"+ner[{kname}]{'[int]' if integrated else ''}"] = report(name, res)
        # the NER alone on top of the rules (no LR)
        c = Combined(anonymiser, None, nlp, keeps["all"], True)
        row["rules+ner[all][int] (no LR)"] = report(
            name, c.anonymise_many(texts, data["detected"], data["results"], spans)
        )
        row["_ner_texts_per_s"] = round(len(texts) / ner_s, 1)
        table[name] = row
        print(
            f"\n== {name} ({'HELD OUT' if name in held else 'in training'}) {len(texts)} texts",
            flush=True,
        )
        print(
            f"{'system':<30} {'recall':>7} {'leaks':>5} {'PER':>4} {'prec':>7} "
            f"{'FP%':>6} {'masked':>6}"
        )
        for k, v in row.items():
            if k.startswith("_"):
                continue
            print(
                f"{k:<30} {v['recall']:>7.4f} {v['leaks']:>5} {v['person_leaks']:>4} "
                f"{v['precision']:>7.4f} {100 * (v['fp'] or 0):>5.1f}% {v['masked']:>6}"
            )
    (OUT / f"fold{args.fold}" / f"scores{'_all' if args.all_sets else ''}.json").write_text(
        json.dumps(table, indent=1)
    )
    print(f"\ntotal {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
