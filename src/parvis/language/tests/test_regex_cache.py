"""The on-disk store of compiled large regexes changes load time, never what matches."""

from __future__ import annotations

import re
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]

import pytest

from parvis.language import regex_cache

WORDS = [f"mot{index}[-‐]?suite" for index in range(400)]
PATTERN = "(?iu)" + "|".join(f"(?:^{word}[a-zà-ÿœ]*$)" for word in WORDS) + "|(?P<nom>x+)"
SAMPLES = ["mot12-suitex", "MOT399SUITE", "mot4‐suiteé", "mot400-suite", "xxx", "", "mot1 suite"]


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regex_cache, "LARGE_PATTERN", 1000)


def _compiled_through_the_store(directory: Path) -> re.Pattern[str]:
    with regex_cache.reusing_compiled_patterns(directory):
        return _compiler.compile(PATTERN, 0)


def _same_behaviour(first: re.Pattern[str], second: re.Pattern[str]) -> None:
    assert (first.pattern, first.flags, first.groups, dict(first.groupindex)) == (
        second.pattern,
        second.flags,
        second.groups,
        dict(second.groupindex),
    )
    for sample in SAMPLES:
        found, expected = first.match(sample), second.match(sample)
        assert (found and found.span(), found and found.groupdict()) == (
            expected and expected.span(),
            expected and expected.groupdict(),
        )


def test_a_stored_program_is_reused_without_parsing_and_matches_like_re(
    tmp_path: Path, small_threshold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = _compiler.compile(PATTERN, 0)
    _same_behaviour(_compiled_through_the_store(tmp_path), reference)
    assert list(tmp_path.glob("regex-programs-*.json"))

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the stored program should have been used")

    monkeypatch.setattr(_parser, "parse", no_parsing)
    _same_behaviour(_compiled_through_the_store(tmp_path), reference)


def test_an_unreadable_store_is_recompiled_and_rewritten(
    tmp_path: Path, small_threshold: None
) -> None:
    _compiled_through_the_store(tmp_path)
    (stored,) = tmp_path.glob("regex-programs-*.json")
    stored.write_bytes(b"not json")
    _same_behaviour(_compiled_through_the_store(tmp_path), _compiler.compile(PATTERN, 0))
    assert stored.read_bytes() != b"not json"


def test_small_patterns_bypass_the_store_and_the_compiler_is_restored(tmp_path: Path) -> None:
    original = _compiler.compile
    with regex_cache.reusing_compiled_patterns(tmp_path) as store:
        assert _compiler.compile(r"\d+ rue", 0).match("12 rue")
        assert store.programs == {}
    assert _compiler.compile is original
    assert not list(tmp_path.glob("regex-programs-*"))


def test_spacys_french_tokenizer_pattern_round_trips_through_the_store(tmp_path: Path) -> None:
    """The pattern worth storing: spaCy's French ``TOKEN_MATCH`` (about 1.4 M characters),
    compiled once, then read back and matching the hyphenated words as spaCy's own."""
    from spacy.lang.fr.tokenizer_exceptions import TOKEN_MATCH

    spacy_pattern = TOKEN_MATCH.__self__  # type: ignore[attr-defined]
    assert len(spacy_pattern.pattern) > regex_cache.LARGE_PATTERN
    words = ["faux-vampire", "saut-de-ski", "entr'abat", "Burn-out", "hip-hop", "maison", "a-b"]
    for _ in range(2):
        with regex_cache.reusing_compiled_patterns(tmp_path):
            compiled = _compiler.compile(spacy_pattern.pattern, 0)
        assert compiled.flags == spacy_pattern.flags
        assert [bool(compiled.match(w)) for w in words] == [
            bool(spacy_pattern.match(w)) for w in words
        ]
    assert [bool(compiled.match(w)) for w in words[:5]] == [True] * 5


def test_the_engine_loads_spacy_through_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    from parvis.language import engine

    seen: list[object] = []
    monkeypatch.setattr(spacy, "load", lambda *args, **kwargs: seen.append(_compiler.compile))
    engine._load_nlp()
    assert seen and getattr(seen[0], "__self__", None).__class__ is regex_cache.CompiledPatternStore
