"""The generator's held-out names stay outside the engine's lexicon (issue 12)."""

from __future__ import annotations

import json
import random

from parvis.language.corpus import names
from parvis.language.corpus.build import HERE
from parvis.language.corpus.contact import build_contact, nir_spoken, say_digits, words_99


def _rows() -> list[dict]:
    text = (HERE / "pii_contact.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def test_held_out_pools_are_outside_the_lexicon():
    pools = [*names.HELD_OUT_FIRST.values(), *names.HELD_OUT_LAST.values()]
    listed = [name for pool in pools for name in pool if names.name_in_lexicon(name)]
    assert listed == [], "held-out names must not be in language/data/*.txt"


def test_contact_corpus_draws_names_inside_and_outside_the_lexicon():
    rows = _rows()
    persons = [
        row["text"][e["start"] : e["end"]]
        for row in rows
        for e in row["entities"]
        if e["label"] == "PERSON"
    ]
    outside = sum(not names.name_in_lexicon(p) for p in persons)
    assert 0.3 < outside / len(persons) < 0.7
    assert any(not row["entities"] for row in rows)


def test_the_committed_contact_corpus_is_what_the_generator_writes():
    from parvis.language.corpus.build import SEED

    rows = build_contact(random.Random(SEED + 2))
    committed = _rows()
    assert rows == committed


def test_name_in_lexicon_reads_generously():
    lexicon = frozenset({"martin", "jean", "pierre", "diaye"})
    assert names.name_in_lexicon("Jean-Pierre MARTIN", lexicon)
    assert names.name_in_lexicon("M A R T I N", lexicon)
    assert names.name_in_lexicon("N'Diaye", lexicon)
    assert not names.name_in_lexicon("Jean Kerbrat", lexicon)


def test_spoken_numbers():
    assert words_99(71) == "soixante et onze"
    assert words_99(80) == "quatre-vingts"
    assert words_99(97) == "quatre-vingt-dix-sept"
    assert words_99(21) == "vingt et un"
    rng = random.Random(1)
    for _ in range(20):
        assert not any(ch.isdigit() for ch in say_digits("1034567", rng))
        assert not any(ch.isdigit() for ch in nir_spoken("185037512345678", rng))
