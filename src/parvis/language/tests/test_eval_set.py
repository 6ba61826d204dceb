"""The independent evaluation set is frozen: done is decided on it, so it never changes
silently (issue 12). Changing it on purpose means a new file name and a new hash here,
with the reason in the commit; the engine is never tuned by reading its errors one by one.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import parvis.language

EVAL_DIR = Path(parvis.language.__file__).parent / "eval"
INDEPENDENT_SET = EVAL_DIR / "independent.jsonl"
INDEPENDENT_SET_SHA256 = "7dfa82f5d5ac1443478220f9e4d18ef4ed221bd92b43d704480c6d60ff596276"


def test_the_independent_set_has_not_changed():
    digest = hashlib.sha256(INDEPENDENT_SET.read_bytes()).hexdigest()
    assert digest == INDEPENDENT_SET_SHA256, (
        "language/eval/independent.jsonl changed: the evaluation set is frozen."
    )


def test_the_independent_set_is_well_formed():
    rows = [json.loads(line) for line in INDEPENDENT_SET.read_text().splitlines() if line]
    assert len(rows) >= 400
    assert len({row["text"] for row in rows}) == len(rows)
    for row in rows:
        spans = sorted((e["start"], e["end"]) for e in row["entities"])
        assert all(0 <= s < e <= len(row["text"]) for s, e in spans), row["id"]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), row["id"]
