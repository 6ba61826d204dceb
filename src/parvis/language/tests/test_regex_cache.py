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


def test_the_engine_loads_spacy_through_the_store() -> None:
    """spaCy's French tokenizer regex (about 1.4 M characters) is the one worth storing."""
    from parvis.language import engine, services

    engine.rules_anonymiser()
    (stored,) = services.model_dir().glob("regex-programs-*.json")
    assert stored.stat().st_size > 100_000
