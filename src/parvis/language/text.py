"""Small text helpers shared by the anonymiser and the qualifier."""

from __future__ import annotations

import functools
import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "‘": "'"})


def fold(value: str) -> str:
    """Accent-free, same length as the input (see :func:`_fold`); words are cached."""
    if value.isascii():
        return value
    if len(value) <= 40:
        return _fold_word(value)
    return _fold(value)


@functools.lru_cache(maxsize=65536)
def _fold_word(value: str) -> str:
    return _fold(value)


def _fold_char(ch: str) -> str:
    if ch in "’‘":
        return "'"
    if ch in "\u00a0\u202f\u2009\u2007":  # no-break and thin spaces of French typography
        return " "
    if ch in "\u2010\u2011\u2012\u2013":  # hyphens and en dash (« AB–123–CD »)
        return "-"
    if ch == "º":  # the ordinal indicator typed for « n° »
        return "°"
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


class _FoldTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character (one character
    in, one out: the length is kept)."""

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def _fold(value: str) -> str:
    """Accent-free, same length as the input (used for matching).

    Every character gives one character (a letter without its accents, typographic
    apostrophes, spaces and hyphens as their ASCII forms, anything else as it is), so regex
    offsets found in ``fold(text)`` are offsets into ``text``.
    """
    return value.translate(_FOLD_TABLE)


def _normalise_slow(value: str) -> str:
    value = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
    return re.sub(r"\s+", " ", value).strip()


class _NormaliseTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character: what
    :func:`_normalise_slow` makes of it (decomposition, accents dropped, case folded)."""

    def __missing__(self, code: int) -> str:
        value = unicodedata.normalize("NFKD", chr(code).translate(_LIGATURES))
        value = "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()
        self[code] = value
        return value


_NORMALISE_TABLE = _NormaliseTable()


def normalise(value: str) -> str:
    """Lower-case, accent-free, single-spaced text for the classifier and the lexicons.

    Character by character through a cached table (the qualifier calls it on every text):
    the same result as decomposing the whole string, dropping accents and folding case.
    """
    if value.isascii():
        return " ".join(value.lower().split())
    return " ".join(value.translate(_NORMALISE_TABLE).split())
