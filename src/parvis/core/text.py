"""Text helpers: the one cleaner of user input, French sort keys and accent-free search."""

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
# C0 control characters but tab, line feed and carriage return, and DEL. NUL among them
# breaks PostgreSQL (SQLite stores it); the others have no business in a text either.
# And the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
# an override reverses what follows it on screen, so a published title or answer could
# read otherwise than it is written (text spoofing, in the page, its <title>, the API and
# open data). The marks LRM, RLM and ALM (U+200E, U+200F, U+061C) stay: they only set the
# direction of the characters beside them, and text mixing Arabic or Hebrew with Latin
# needs them.
BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"  # ranges, for a regex character class
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + BIDI_CONTROLS + "]")
# Half of a UTF-16 surrogate pair: JSON can carry one ("\ud800"), UTF-8 cannot encode it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
LONE_SURROGATE_MESSAGE = (
    "Le texte contient un caractère invalide (une moitié de paire de substitution "
    "Unicode, par exemple \\ud800) : envoyez du texte en UTF-8 valide."
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s'’\-_.,()/]+")
_ARTICLE = re.compile(r"^(l'|l’|le |la |les )", re.IGNORECASE)


def strip_controls(value: str) -> str:
    """``value`` without C0 control characters (tab and line ends kept), DEL, nor the
    bidirectional embeddings, overrides and isolates (``BIDI_CONTROLS``).

    The one cleaner of user input: forms (``core.forms.ParvisFormMixin``), API schemas
    (``core.api_schemas.InputSchema``) and services (``clean_text``) use it.
    """
    return _CONTROL.sub("", value)


def clean_text(value: str | None) -> str:
    """A free text as stored: control characters removed, line ends ``\\n``, trimmed."""
    return strip_controls((value or "").replace("\r\n", "\n")).strip()


def has_lone_surrogate(value: str) -> bool:
    """True when ``value`` holds half a surrogate pair: not text, refused (not repaired)."""
    return _LONE_SURROGATE.search(value) is not None


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
