"""Fine-tune fr_core_news_md's ner (its own internal tok2vec with static vectors) for PER
on the development sets minus the held-out ones, plus the generator corpora.

    OMP_NUM_THREADS=1 python train_ner.py --fold A --held dev15,dev16 --minutes 18

Labels: gold PERSON -> PER. Silver LOC/ORG/MISC from the stock model where they overlap no
gold PERSON span (to keep the model's other distinctions instead of teaching them as O).
Everything else O. Only aggregate figures are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import filter_spans

ROOT = Path(__file__).resolve().parents[2] / "src" / "parvis" / "language"
DEV_NAMES = ["dev"] + [f"dev{i}" for i in range(2, 17)]
GENERATOR = [ROOT / "corpus" / "pii.jsonl", ROOT / "corpus" / "pii_contact.jsonl"]
OUT = Path(os.environ.get("NER_EXPERIMENT_DIR", "var/ner-experiment")).resolve()
UNUSED = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def reference(nlp, stock, text: str, entities: list[dict], silver: bool) -> Doc:
    doc = nlp.make_doc(text)
    spans = []
    gold_person = []
    for e in entities:
        if e["label"] != "PERSON":
            continue
        span = doc.char_span(e["start"], e["end"], label="PER", alignment_mode="expand")
        if span is not None:
            spans.append(span)
            gold_person.append((span.start, span.end))
    if silver and stock is not None:
        for ent in stock(text).ents:
            if ent.label_ == "PER":
                continue
            if any(ent.start < e and s < ent.end for s, e in gold_person):
                continue
            spans.append(Span(doc, ent.start, ent.end, label=ent.label_))
    doc.ents = filter_spans(spans)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fold", required=True)
    parser.add_argument("--held", required=True)
    parser.add_argument("--minutes", type=float, default=18.0)
    parser.add_argument("--no-silver", action="store_true")
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch-words", type=int, default=1000)
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=4)
    args = parser.parse_args()
    held = {h for h in args.held.split(",") if h}
    assert not held - set(DEV_NAMES)
    fold_dir = OUT / f"fold{args.fold}"
    fold_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    stock = spacy.load("fr_core_news_md", exclude=UNUSED)
    nlp = spacy.load("fr_core_news_md", exclude=UNUSED)
    paths = [ROOT / "devset" / f"{n}.jsonl" for n in DEV_NAMES if n not in held] + GENERATOR
    for path in paths:
        assert "eval" not in path.parts and path.stem not in held
    rows = [(path.stem, r) for path in paths for r in read(path)]
    rng = random.Random(0)
    rng.shuffle(rows)
    cut = len(rows) // 10
    dev_rows, train_rows = rows[:cut], rows[cut:]
    silver = not args.no_silver

    def examples(part):
        out = []
        for _, r in part:
            ref = reference(nlp, stock, r["text"], r["entities"], silver)
            out.append(Example(nlp.make_doc(r["text"]), ref))
        return out

    if (fold_dir / "dev.spacy").exists():

        def load(name):
            docs = DocBin().from_disk(fold_dir / name).get_docs(nlp.vocab)
            return [Example(nlp.make_doc(d.text), d) for d in docs]

        train, dev = load("train.spacy"), load("dev.spacy")
    else:
        train = examples(train_rows)
        dev = examples(dev_rows)
        DocBin(docs=[e.reference for e in train]).to_disk(fold_dir / "train.spacy")
        DocBin(docs=[e.reference for e in dev]).to_disk(fold_dir / "dev.spacy")
    n_words = sum(len(e.reference) for e in train)
    n_per = sum(1 for e in train for s in e.reference.ents if s.label_ == "PER")
    print(
        f"fold {args.fold}: held {sorted(held)}; train {len(train)} docs {n_words} tokens "
        f"{n_per} PER; dev {len(dev)} docs; prep {time.monotonic() - started:.1f} s",
        flush=True,
    )

    def evaluate() -> dict:
        scores = nlp.evaluate(dev)
        per = scores["ents_per_type"].get("PER", {"p": 0, "r": 0, "f": 0})
        return {"p": per["p"], "r": per["r"], "f": per["f"], "ents_f": scores["ents_f"]}

    print("stock model on dev:", evaluate(), flush=True)
    optimizer = nlp.resume_training()
    train_started = time.monotonic()
    deadline = train_started + args.minutes * 60
    best, best_epoch, log = -1.0, -1, []
    for epoch in range(args.max_epochs):
        rng.shuffle(train)
        losses: dict = {}
        # batch by words
        batch, size = [], 0
        for ex in train:
            batch.append(ex)
            size += len(ex.reference)
            if size >= args.batch_words:
                nlp.update(batch, sgd=optimizer, drop=args.dropout, losses=losses)
                batch, size = [], 0
        if batch:
            nlp.update(batch, sgd=optimizer, drop=args.dropout, losses=losses)
        with nlp.use_params(optimizer.averages):
            score = evaluate()
            elapsed = time.monotonic() - train_started
            entry = {
                "epoch": epoch + 1,
                "loss": round(float(losses.get("ner", 0)), 1),
                **score,
                "seconds": round(elapsed, 1),
            }
            log.append(entry)
            print(json.dumps(entry), flush=True)
            if score["f"] > best:
                best, best_epoch = score["f"], epoch + 1
                nlp.to_disk(fold_dir / "model-best")
        if epoch + 1 - best_epoch >= args.patience:
            print("early stop", flush=True)
            break
        per_epoch = elapsed / (epoch + 1)
        if time.monotonic() + per_epoch > deadline:
            print("time budget reached", flush=True)
            break
    meta = {
        "fold": args.fold,
        "held": sorted(held),
        "best_epoch": best_epoch,
        "best_f": float(best),
        "log": log,
        "train_docs": len(train),
        "dev_docs": len(dev),
        "silver": silver,
        "dropout": args.dropout,
        "batch_words": args.batch_words,
        "train_seconds": round(time.monotonic() - train_started, 1),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    (fold_dir / "train_meta.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps({k: v for k, v in meta.items() if k != "log"}), flush=True)


if __name__ == "__main__":
    main()
