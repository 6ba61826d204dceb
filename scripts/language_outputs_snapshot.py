"""Digest of the language engine's outputs over every shipped text set: a guard for speed work.

    .venv/bin/python scripts/language_outputs_snapshot.py [--output FILE] [--jobs N]

Anonymises and qualifies every text of the benchmark (``benchmarks/language.py``), the
generator corpora (``corpus/*.jsonl``), the development sets (``devset/dev*.jsonl``) and the
independent evaluation set (``eval/independent.jsonl``), then prints one sha256 per set and
per operation (masked text and spans; qualification results with scores rounded to six
decimals). A change meant only to make the engine faster must leave every digest as it was.

The evaluation set goes through the digest only: its texts and individual results are never
printed or written, so it stays independent. ``--output`` writes the per-set digests as
JSON (for a later comparison with ``--compare``).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

LANGUAGE_DIR = ROOT / "src" / "parvis" / "language"
BENCHMARK_TEXTS = 5000
# ``--qualify-only``: for a change to the qualifier alone (anonymisation takes most of the time)
ANONYMISE = "--qualify-only" not in sys.argv


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: _round(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_round(item) for item in value]
    return value


def text_sets() -> dict[str, list[tuple[str, str | None]]]:
    """Every set by name: ``(text, register hint or None)`` pairs."""
    sets: dict[str, list[tuple[str, str | None]]] = {}
    paths = sorted((LANGUAGE_DIR / "corpus").glob("*.jsonl"))
    paths += sorted((LANGUAGE_DIR / "devset").glob("dev*.jsonl"))
    paths += [LANGUAGE_DIR / "eval" / "independent.jsonl"]
    for path in paths:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        sets[str(path.relative_to(LANGUAGE_DIR))] = [
            (row["text"], row.get("register")) for row in rows if row.get("text")
        ]
    return sets


def _setup() -> None:
    import django

    django.setup()


def digest_set(name: str, items: list[tuple[str, str | None]]) -> dict[str, Any]:
    from parvis.language import engine

    texts = [text for text, _ in items]
    started = time.perf_counter()
    anonymised = engine.anonymise_many(texts) if ANONYMISE else []
    anonymise_s = time.perf_counter() - started
    started = time.perf_counter()
    plain, hinted = [], []
    for offset in range(0, len(texts), 100):  # API-sized batches, as the benchmark
        plain += engine.qualify_many(texts[offset : offset + 100])
        hinted += engine.qualify_many(
            texts[offset : offset + 100], [h for _, h in items[offset : offset + 100]]
        )
    qualify_s = time.perf_counter() - started
    anonymise_rows = [
        json.dumps([masked, [e.as_dict() for e in entities]], ensure_ascii=False)
        for masked, entities in anonymised
    ] or [""] * len(texts)
    qualify_rows = [
        json.dumps(_round([a, b]), ensure_ascii=False, sort_keys=True)
        for a, b in zip(plain, hinted, strict=True)
    ]
    return {
        "set": name,
        "texts": len(texts),
        "anonymise": hashlib.sha256("\n".join(anonymise_rows).encode()).hexdigest(),
        "qualify": hashlib.sha256("\n".join(qualify_rows).encode()).hexdigest(),
        # per-text digests: which rows moved, without their texts (not for the eval set)
        "rows": None
        if name.startswith("eval/")
        else [
            hashlib.sha256(f"{a}\n{q}".encode()).hexdigest()[:12]
            for a, q in zip(anonymise_rows, qualify_rows, strict=True)
        ],
        "seconds": {"anonymise": round(anonymise_s, 1), "qualify": round(qualify_s, 1)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--compare", type=Path, help="an earlier --output to compare with")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--only", help="sets whose name contains this")
    parser.add_argument(
        "--qualify-only", action="store_true", help="qualification only (compare: qualify)"
    )
    args = parser.parse_args()

    _setup()
    from language import texts_of_about  # benchmarks/language.py

    sets = {"benchmark": [(t, None) for t in texts_of_about(300, BENCHMARK_TEXTS)]}
    sets.update(text_sets())
    if args.only:
        sets = {k: v for k, v in sets.items() if args.only in k}
    # largest first, so the workers finish together
    order = sorted(sets, key=lambda k: -len(sets[k]))
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs, initializer=_setup) as pool:
            results = list(pool.map(digest_set, order, [sets[k] for k in order]))
    else:
        results = [digest_set(k, sets[k]) for k in order]
    report = {r["set"]: r for r in sorted(results, key=lambda r: r["set"])}
    for name, result in report.items():
        print(
            f"{name:<32} {result['texts']:>6}  anonymise {result['anonymise'][:16]}"
            f"  qualify {result['qualify'][:16]}  {result['seconds']}"
        )
    if args.output:
        args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.compare:
        earlier = json.loads(args.compare.read_text(encoding="utf-8"))
        changed = 0
        for name, result in report.items():
            before = earlier.get(name)
            for key in ("qualify",) if args.qualify_only else ("anonymise", "qualify"):
                if before is None or before[key] != result[key]:
                    changed += 1
                    moved = ""
                    if before and result["rows"] and before.get("rows") and not args.qualify_only:
                        moved = str(
                            [
                                i
                                for i, (a, b) in enumerate(
                                    zip(before["rows"], result["rows"], strict=False)
                                )
                                if a != b
                            ][:20]
                        )
                    print(f"CHANGED {name} {key} {moved}")
        print("IDENTICAL" if not changed else f"{changed} digests changed")
        return 1 if changed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
