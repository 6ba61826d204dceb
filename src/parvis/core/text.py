"""French text helpers: sort keys for collation and accent-insensitive search."""

from __future__ import annotations

import re
import unicodedata

# Month names in French, January first (dates written out without a translation lookup).
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s'’\-_.,()/]+")
_ARTICLE = re.compile(r"^(l'|l’|le |la |les )", re.IGNORECASE)


def unaccent(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(value: str) -> str:
    """Lower-case, accent-free, single-spaced: « Saint-Étienne » → « saint etienne »."""
    return _SEPARATORS.sub(" ", unaccent(value).casefold()).strip()


def sort_key(value: str) -> str:
    """A key that sorts like French collation (accents and case ignored at first level).

    ``Écully`` sorts between ``Eysines`` and ``Ecouen`` would be wrong; with this key
    « Écully » sorts with the E's: ecully. Ties fall back to the original string.
    """
    base = search_key(value)
    # \x01, not \x00: PostgreSQL text refuses NUL; \x01 still sorts before any letter.
    return f"{base}\x01{value.casefold()}"[:200]
