"""Benchmark of the language engine on one core: load time, throughput, resident memory.

    .venv/bin/python benchmarks/language.py [--anonymise N] [--qualify N]

Texts of about 300 characters are built from the shipped corpora (``pii.jsonl`` and
``qualification.jsonl``). Targets (issue 12): anonymise >= 150 texts/s, qualify >= 800
texts/s, load <= 5 s, RSS <= 800 MB. The contact registers (``pii_contact.jsonl``: SMS,
emails with signature and quoted reply, chat, call transcripts) are measured apart, without
a target. Writes ``benchmarks/results/language.json``.
"""

from __future__ import annotations

import os

# One core, one thread: set before numpy / spaCy are imported.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")

TARGETS = {"anonymise_per_s": 150, "qualify_per_s": 800, "load_s": 5.0, "rss_mb": 800}


def texts_of_about(length: int, count: int) -> list[str]:
    from parvis.language.services import CORPUS_DIR, corpus_rows

    pool = [row["text"] for row in corpus_rows(CORPUS_DIR / "pii.jsonl")]
    # the requests of the first corpus only (issue 4), so the texts stay those measured
    # before the contact registers and border requests were added (issue 12)
    pool += [
        row["text"]
        for row in corpus_rows(CORPUS_DIR / "qualification.jsonl")
        if "variant" not in row and "#border" not in row["family"]
    ]
    texts, index = [], 0
    while len(texts) < count:
        text = ""
        while len(text) < length:
            text = f"{text} {pool[index % len(pool)]}".strip()
            index += 7
        texts.append(text[: length + 40])
    return texts


def contact_requests() -> dict[str, list[str]]:
    """The qualification corpus's contact-register texts by register (reported apart)."""
    from parvis.language.services import CORPUS_DIR, corpus_rows

    by_register: dict[str, list[str]] = {}
    for row in corpus_rows(CORPUS_DIR / "qualification.jsonl"):
        if row.get("variant") == "contact":
            by_register.setdefault(row["register"], []).append(row["text"])
    return by_register


def qualify_rate(
    texts: list[str], registers: list[str | None] | None = None
) -> tuple[float, float]:
    """Texts per second of ``engine.qualify_many`` in API-sized batches: wall clock, and
    CPU time of this process (what one core gives when others share the machine)."""
    from parvis.language import engine

    wall, cpu = time.perf_counter(), time.process_time()
    for offset in range(0, len(texts), 100):
        hints = registers[offset : offset + 100] if registers is not None else None
        engine.qualify_many(texts[offset : offset + 100], hints)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return round(len(texts) / wall, 1), round(len(texts) / cpu, 1)


def contact_texts() -> list[str]:
    """The texts of the contact-register corpus, as they are (reported apart)."""
    from parvis.language.services import CORPUS_DIR, corpus_rows

    return [row["text"] for row in corpus_rows(CORPUS_DIR / "pii_contact.jsonl")]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--anonymise", type=int, default=1000)
    parser.add_argument("--qualify", type=int, default=5000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    import django

    django.setup()
    from parvis.language import engine, services

    try:
        services.require_reference_data()
    except services.LanguageError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    services.ensure_model()  # a fresh clone trains here, outside the measured load

    started = time.perf_counter()
    engine.get_anonymiser()
    engine.get_model()
    load_s = time.perf_counter() - started

    texts = texts_of_about(300, max(args.anonymise, args.qualify))
    engine.anonymise_many(texts[:20])  # warm-up
    engine.qualify_many(texts[:20])

    started = time.perf_counter()
    engine.anonymise_many(texts[: args.anonymise])
    anonymise_s = time.perf_counter() - started

    contact = contact_texts()
    started = time.perf_counter()
    engine.anonymise_many(contact)
    anonymise_contact_s = time.perf_counter() - started

    started = time.perf_counter()
    for offset in range(0, args.qualify, 100):  # API-sized batches
        engine.qualify_many(texts[offset : min(offset + 100, args.qualify)])
    qualify_s = time.perf_counter() - started
    _, qualify_cpu = qualify_rate(texts[: args.qualify])
    qualify_contact = {
        register: dict(
            zip(("wall", "cpu"), qualify_rate(items, [register] * len(items)), strict=True)
        )
        | {"texts": len(items)}
        for register, items in sorted(contact_requests().items())
    }

    results = {
        "anonymise_per_s": round(args.anonymise / anonymise_s, 1),
        "anonymise_contact_per_s": round(len(contact) / anonymise_contact_s, 1),
        "qualify_per_s": round(args.qualify / qualify_s, 1),
        "qualify_cpu_per_s": qualify_cpu,
        "qualify_contact_per_s": qualify_contact,
        "load_s": round(load_s, 2),
        "rss_mb": round(rss_mb(), 1),
        "texts": {
            "anonymise": args.anonymise,
            "qualify": args.qualify,
            "mean_chars": round(sum(map(len, texts)) / len(texts)),
            "anonymise_contact": len(contact),
            "contact_mean_chars": round(sum(map(len, contact)) / len(contact)),
        },
        "targets": TARGETS,
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cores_used": 1,
        },
    }
    results["passed"] = {
        "anonymise": results["anonymise_per_s"] >= TARGETS["anonymise_per_s"],
        "qualify": results["qualify_per_s"] >= TARGETS["qualify_per_s"],
        "load": results["load_s"] <= TARGETS["load_s"],
        "rss": results["rss_mb"] <= TARGETS["rss_mb"],
    }
    output = ROOT / "benchmarks" / "results" / "language.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for key in ("anonymise_per_s", "qualify_per_s", "load_s", "rss_mb"):
        print(f"{key:<16} {results[key]:>10}   (cible {TARGETS[key]})")
    print(f"{'qualify_cpu_per_s':<16} {results['qualify_cpu_per_s']:>10}   (temps CPU)")
    for register, rate in results["qualify_contact_per_s"].items():
        print(f"  qualify {register:<14} {rate['wall']:>8} /s ({rate['cpu']} /s CPU)")
    contact_rate = results["anonymise_contact_per_s"]
    print(f"{'anonymise_contact_per_s':<16} {contact_rate:>10}   (registres de contact)")
    print(f"résultats : {output.relative_to(ROOT)}")
    return 0 if all(results["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
