"""Alternations grouped by first character find the same matches as written (speed only)."""

from __future__ import annotations

import random
import re

import pytest

from parvis.language import lexicons, qualifier
from parvis.language.alternation import alternation, compile_alternations

CASES = [
    # shared prefixes, a shorter word after a longer one and before it
    ["rembourse\\w*", "remboursement", "rem", "re", "paiements?", "pas (?:ete )?pay\\w+"],
    # a group first, an optional first part, a class first, a digit class first
    ["(?:je n'?ai|j'?ai|jai|g) plus", "(?:d'?)?internet", "[- ]x", "\\d+ ?(?:€|eur)", "dette"],
    # word boundaries, a greedy repeat first, the empty alternative of a group
    ["\\bmdph\\b", "a+h", "c(?:hui|est|)", "\\?", "aah", "ma", "m", "mad(?:ame)?"],
]
ALPHABET = "aehijmnoprstuxdc'?- 0123456789€\n"


def _samples() -> list[str]:
    generator = random.Random(12)
    samples = [
        "j'ai plus internet, jai plus d'internet et je n'ai plus de remboursement",
        "mdph? la mdph amdph, aaah 12 €, 3eur - x rem re remboursements cest chui c",
        "madame ma m mad",
    ]
    samples += ["".join(generator.choices(ALPHABET, k=60)) for _ in range(3000)]
    return samples


@pytest.mark.parametrize("alternatives", CASES)
@pytest.mark.parametrize("boundaries", [("", ""), (r"(?<![\w])", r"(?![\w])")])
def test_same_matches_as_written(alternatives: list[str], boundaries: tuple[str, str]) -> None:
    before, after = boundaries
    written = re.compile(before + "(?:" + "|".join(alternatives) + ")" + after)
    grouped = re.compile(before + alternation(alternatives) + after)
    assert grouped.pattern != written.pattern
    for sample in _samples():
        assert [m.span() for m in grouped.finditer(sample)] == [
            m.span() for m in written.finditer(sample)
        ]


def test_what_it_cannot_group_is_kept() -> None:
    for alternatives in (["(a)b", "c"], ["a?", "b"], ["a+?b", "c"], ["(?i:a)", "b"]):
        assert alternation(alternatives) == "(?:" + "|".join(alternatives) + ")"


def test_capturing_group_around_the_alternation() -> None:
    pattern = (
        r"\b(" + "|".join(["jai", "j", "jsuis", "c", "cest", "chui", "g", "ds", "dc"]) + r")\b"
    )
    compiled = compile_alternations(pattern)
    assert compiled.pattern != pattern and compiled.groups == 1
    for sample in _samples():
        assert [(m.span(), m.group(1)) for m in compiled.finditer(sample)] == [
            (m.span(), m.group(1)) for m in re.finditer(pattern, sample)
        ]


def test_the_lexicons_and_the_qualifier_use_it() -> None:
    written = "(?:" + "|".join(v for values in lexicons.THEMES.values() for v in values) + ")"
    assert not lexicons._THEME_GATE.pattern.startswith(r"(?<![\w])" + written)
    assert qualifier._AGRICULTURE.pattern.startswith(r"\b(?:a(?:")
