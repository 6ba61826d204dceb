"""What every detector family shares: the labels, the span type, text helpers.

Every detector takes ``(text, folded)`` where ``folded = fold(text)`` (accent-free, same
length as the text) and yields :class:`Entity` spans whose offsets index the exact input.
A new kind of personal data needs a label here (its placeholder and its priority) and a
detector in the module of its family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PLACEHOLDERS = {
    "PERSON": "[NOM]",
    "EMAIL": "[COURRIEL]",
    "PHONE": "[TÉLÉPHONE]",
    "NIR": "[NIR]",
    "IBAN": "[IBAN]",
    "CARD": "[CARTE BANCAIRE]",
    "ADDRESS": "[ADRESSE]",
    "CAF_NUMBER": "[N° ALLOCATAIRE]",
    "TAX_NUMBER": "[N° FISCAL]",
    "PLATE": "[IMMATRICULATION]",
    "BIRTHDATE": "[DATE DE NAISSANCE]",
}
LABELS = tuple(PLACEHOLDERS)

# Lower wins when two candidate spans overlap.
PRIORITY = {
    "EMAIL": 0,
    "IBAN": 1,
    "NIR": 2,
    "CARD": 3,
    "TAX_NUMBER": 4,
    "CAF_NUMBER": 5,
    "PHONE": 6,
    "PLATE": 7,
    "BIRTHDATE": 8,
    "ADDRESS": 9,
    "PERSON": 10,
}


@dataclass(frozen=True, order=True)
class Entity:
    start: int
    end: int
    label: str

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


# --- Helpers ------------------------------------------------------------------------------

SEP = r"[ .\-]?"
_SEPARATOR_CHARS = " .-/\u00a0\t"


def _compact(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Characters of text[start:end] without separators, with their offsets."""
    chars, offsets = [], []
    for index in range(start, end):
        if text[index] not in _SEPARATOR_CHARS:
            chars.append(text[index])
            offsets.append(index)
    return "".join(chars), offsets


def _context(folded: str, start: int, pattern: re.Pattern[str], before: int = 60) -> bool:
    return bool(pattern.search(folded[max(0, start - before) : start]))


# --- French number and date words (birth dates, house numbers) ----------------------------

MONTHS = (
    r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
    r"|janv\.?|fevr?\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|dec\.?"
    r"|jan\.|mar\.|jui\.|aou\.|sep\.|fev\."
)
NUMBER_WORDS = (
    r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
    r"|seize|vingt|vingts|trente|quarante|cinquante|soixante|cent|cents|mille|et|premier"
)
