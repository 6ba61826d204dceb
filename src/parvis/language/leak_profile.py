"""Coarse, text-free features of the spans an anonymiser leaks (issue 12, sixth pass).

The independent evaluation set is measured, never read error by error. To fix *categories*
of leaks without reading them, :func:`leak_breakdown` describes each leaked span by a few
coarse features (its label, the register, the casing of the span, whether a name is in the
lexicon, the part of an email it stands in, the kind of word before it, the shape of an
address or an identifier…) and returns only counts of each feature's values by label:
never the span, its text or its position. The same breakdown on the development sets, whose
errors may be read, tells which of their categories match the independent set's.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from parvis.language.anonymiser.names import NameLexicon
from parvis.language.anonymiser.people import CIVILITIES, ROLES
from parvis.language.corpus.names import name_in_lexicon
from parvis.language.registers import EMAIL_REGISTERS, split_email
from parvis.language.text import fold

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_STREET_TYPE = re.compile(
    r"\b(?:rue|r|avenue|av|bd|boulevard|bld|blvd|allee|chemin|ch|impasse|imp|place|pl|route|rte"
    r"|quai|cours|crs|square|sq|passage|villa|cite|residence|res|lotissement|lot|lieu-dit"
    r"|lieudit|hameau|domaine|clos|sentier|voie|rond-point|parvis|esplanade|promenade|mail"
    r"|traverse|montee|faubourg|fg|zone|za|zi|bp|cs|quartier|servitude|morne|tribu|chemin)\b"
)
_POSTCODE = re.compile(r"(?<!\d)(?:\d{5}|\d{2}\s\d{3})(?!\d)")
_SPELLED_NUMBER = re.compile(
    r"\b(?:zero|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
    r"|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille)\b"
)
_INTRO_CUES = frozenset(
    {"appelle", "appelais", "appelait", "nom", "prenom", "part", "signe", "moi", "c", "cest"}
    | {"suis"}
)
_TALK_CUES = frozenset(
    {"a", "à", "avec", "par", "merci", "parle", "parlé", "eu", "vu", "recu", "reçu", "reçue"}
    | {"recue", "aupres", "auprès", "de", "pour"}
)
_PARTICLES = frozenset({"de", "du", "da", "dos", "van", "ben", "el", "le", "la"})
_ID_CUES = re.compile(
    r"(?:allocataire|alloc|caf|msa|secu|securite|nir|vitale|fiscal|spi|matricule|numero|num"
    r"|n°|no|dossier|identifiant|immat|plaque)"
)


def _casing(value: str) -> str:
    letters = [c for c in value if c.isalpha()]
    if not letters:
        return "no letters"
    if all(c.islower() for c in letters):
        return "lower"
    if all(c.isupper() for c in letters):
        return "UPPER"
    words = _WORD.findall(value)
    if words and all(w[:1].isupper() and not w[1:].isupper() for w in words):
        return "Title"
    if words and any(w.isupper() and len(w) > 1 for w in words):
        return "UPPER+Title"
    return "mixed"


def _zone(text: str, start: int, register: str | None) -> str:
    if (register or "").lower() not in EMAIL_REGISTERS:
        return "body (not an email)"
    parts = split_email(text)
    if parts.quoted and start >= parts.quoted.start:
        return "quoted part"
    if parts.signature and start >= parts.signature.start:
        return "signature"
    return "body"


def _line_place(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start].strip()
    after = text[end:line_end].strip(" \t,.;:!?")
    if not before and not after:
        return "alone on its line"
    if not before:
        return "opens its line"
    if not after:
        return "ends its line"
    return "inside a line"


def _left_cue(folded_before: str) -> str:
    words = [w.lower() for w in _WORD.findall(folded_before)][-3:]
    tail = folded_before.rstrip()
    if not tail or tail[-1] in ".!?\n":
        return "sentence or text start"
    if words and words[-1] in {fold(w) for w in CIVILITIES}:
        return "civility"
    if any(w in ROLES or fold(w) in {fold(r) for r in ROLES} for w in words):
        return "role or relative"
    if any(w in _INTRO_CUES for w in words):
        return "introduction"
    if tail[-1] in ",:;(-":
        return "punctuation"
    if words and words[-1] in _TALK_CUES:
        return "talk or preposition"
    return "other word"


def _right_cue(text: str, end: int) -> str:
    rest = text[end : end + 20]
    stripped = rest.lstrip(" \t")
    if not stripped:
        return "text end"
    if stripped[0] == "\n":
        return "line end"
    if stripped[0] in ",.;:!?)":
        return "punctuation"
    if re.match(r"(?i)(?:m['’ ]|me |nous |qui |a |est |va |doit |devait |etait |était )", stripped):
        return "verb or clause"
    return "other word"


def _person_features(value: str, lexicon: frozenset[str], names: NameLexicon | None) -> dict:
    words = _WORD.findall(value)
    features: dict[str, str] = {
        "lexicon": "in" if name_in_lexicon(value, lexicon) else "out",
        "words": str(min(len(words), 3)) + ("+" if len(words) >= 3 else ""),
        "hyphen or particle": "yes"
        if "-" in value or any(w.lower() in _PARTICLES for w in words)
        else "no",
        "spelled letter by letter": "yes"
        if len(words) >= 3 and sum(len(w) == 1 for w in words) >= len(words) - 1
        else "no",
    }
    if names is not None:
        common = [w for w in words if len(w) > 1 and names.is_common_word(w)]
        features["a French word in it"] = "yes" if common else "no"
        features["a listed first name in it"] = (
            "yes" if any(names.is_first_name(w) for w in words) else "no"
        )
    return features


_COMPLEMENT = re.compile(
    r"\b(?:bat|batiment|appt|apt|appartement|etage|escalier|esc|porte|residence|res|chez|c/o"
    r"|entree|logement|log)\b"
)


def _address_features(
    value: str, text: str, start: int, names: NameLexicon | None = None
) -> dict[str, str]:
    folded = fold(value).lower()
    words = _WORD.findall(folded)
    first_digit = re.search(r"\d", folded)
    street = _STREET_TYPE.search(folded)
    return {
        "street type": "yes" if street else "no",
        "house number": "yes" if re.search(r"(?<!\d)\d{1,4}(?!\d)", folded) else "no",
        "postcode": "yes" if _POSTCODE.search(folded) else "no",
        "starts with": "digit"
        if folded[:1].isdigit()
        else ("street type" if street and street.start() == 0 else "other word"),
        "city or place before the number": "yes"
        if first_digit
        and re.search(r"[a-z]{3,}", folded[: first_digit.start()])
        and not (street and street.start() < first_digit.start())
        else "no",
        "numbers in words": "yes" if _SPELLED_NUMBER.search(folded) else "no",
        "lines": "several" if "\n" in value else "one",
        "parts between commas": str(min(folded.count(",") + 1, 3))
        + ("+" if folded.count(",") >= 2 else ""),
        "complement (bat., appt, résidence, chez)": "yes" if _COMPLEMENT.search(folded) else "no",
        "a known town in it": "yes"
        if names is not None
        and (
            any(w in names.places for w in words)
            or any(f"{a} {b}" in names.places for a, b in itertools.pairwise(words))
        )
        else "no",
        "length": "short (< 25)" if len(value) < 25 else "long",
    }


def _identifier_features(value: str, text: str, start: int, end: int) -> dict[str, str]:
    folded = fold(value).lower()
    digits = sum(c.isdigit() for c in folded)
    before = fold(text[max(0, start - 40) : start]).lower()
    after = fold(text[end : end + 40]).lower()
    numbers = len(_SPELLED_NUMBER.findall(folded))
    return {
        "digits": "none"
        if not digits
        else (
            "1-5"
            if digits <= 5
            else str(digits)
            if digits <= 8
            else ("9-12" if digits <= 12 else "13+")
        ),
        "number words": "none" if not numbers else ("1-8" if numbers <= 8 else "9+"),
        "cue word within 40 characters after": "yes" if _ID_CUES.search(after) else "no",
        "written in words": "yes" if _SPELLED_NUMBER.search(folded) else "no",
        "separators": "yes" if re.search(r"\d[\s.\-/]+\d", folded) else "no",
        "letters in it": "yes" if re.search(r"[a-z]", folded) else "no",
        "cue word within 40 characters before": "yes" if _ID_CUES.search(before) else "no",
    }


def span_features(
    row: dict[str, Any],
    gold: dict[str, Any],
    masked_share: float,
    lexicon: frozenset[str],
    names: NameLexicon | None = None,
) -> dict[str, str]:
    """Coarse features of one gold span (no part of its text)."""
    text, start, end, label = row["text"], gold["start"], gold["end"], gold["label"]
    value = text[start:end]
    features = {
        "register": row.get("register") or "-",
        "masked": "nothing" if masked_share == 0 else "in part",
        "casing": _casing(value),
        "zone": _zone(text, start, row.get("register")),
        "line": _line_place(text, start, end),
        "left": _left_cue(fold(text[max(0, start - 60) : start])),
        "right": _right_cue(text, end),
    }
    line_start = text.rfind("\n", 0, start) + 1
    features["line has a label or speaker (« X : »)"] = (
        "yes" if re.match(r"[^\n:]{1,30}:", text[line_start:start]) else "no"
    )
    if label == "PERSON":
        features |= _person_features(value, lexicon, names)
        features["casing x register"] = f"{features['casing']} / {features['register']}"
        features["casing x left"] = f"{features['casing']} / {features['left']}"
    elif label == "ADDRESS":
        features |= _address_features(value, text, start, names)
    elif label != "EMAIL":
        features |= _identifier_features(value, text, start, end)
    return features


def leak_breakdown(
    profiles: Sequence[tuple[str, dict[str, str]]],
) -> dict[str, dict[str, dict[str, int]]]:
    """``{label: {feature: {value: count}}}`` over the leaked spans' features: marginal
    counts only (one feature at a time), so every cell stays coarse."""
    table: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for label, features in profiles:
        table[label]["(spans)"]["all"] += 1
        for feature, value in features.items():
            table[label][feature][value] += 1
    return {
        label: {feature: dict(counter.most_common()) for feature, counter in features.items()}
        for label, features in sorted(table.items())
    }
