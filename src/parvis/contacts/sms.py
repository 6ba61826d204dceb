"""What an SMS costs before it is sent: French typography normalised, the encoding chosen
(GSM-7 or UCS-2) and the segments counted.

GSM 03.38's basic table holds é è ù ì ò à É Ç (and ä ö ñ ü) but not ç in lower case,
nor ê â ô î û ë ï, nor À È Ê Ô. One such letter switches the whole message to UCS-2:
70 characters in a single segment, 67 per segment once concatenated, instead of 160 and
153 septets. The typographic
apostrophe, guillemets, narrow and no-break spaces, the ellipsis character, œ and dashes
of French templates are not GSM-7 either, but have plain equivalents: ``normalise``
replaces them before counting and sending, so that a template is not charged double for
its typography. Letters with accents are never stripped (a name must stay right).

Extension characters (``^ { } \\ [ ~ ] | €``) take two septets (an escape and the
character) and are never split across two segments; a character outside the Basic
Multilingual Plane (an emoji) takes two UCS-2 units and is never split either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# GSM 03.38 basic character set (0x00–0x7F; 0x1B, the escape, left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Its extension table, reached through the escape: two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_CONCATENATED = 153
UCS2_SINGLE = 70
UCS2_CONCATENATED = 67

_TYPOGRAPHY = {
    "\u2019": "'",  # right single quotation mark (the typographic apostrophe)
    "\u2018": "'",
    "\u02bc": "'",  # modifier letter apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space (before ; : ! ? and inside guillemets)
    "\u2009": " ",  # thin space
    "\u2007": " ",  # figure space
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2011": "-",  # non-breaking hyphen
    "\u2010": "-",
    "\u2212": "-",  # minus sign
}
_TYPOGRAPHY_TABLE = str.maketrans(_TYPOGRAPHY)
# « Bonjour » → "Bonjour": the spaces French sets inside guillemets go with them.
_OPENING_GUILLEMET = re.compile("\u00ab[ \u00a0\u202f\u2009]*")
_CLOSING_GUILLEMET = re.compile("[ \u00a0\u202f\u2009]*\u00bb")


def normalise(text: str) -> str:
    """``text`` with French typography replaced by GSM-7 equivalents (see the module)."""
    text = _OPENING_GUILLEMET.sub('"', text)
    text = _CLOSING_GUILLEMET.sub('"', text)
    return text.translate(_TYPOGRAPHY_TABLE)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


@dataclass(frozen=True)
class Segments:
    """How ``text`` travels: ``encoding`` ("gsm7" or "ucs2"), ``units`` (septets or
    UTF-16 code units) and the number of ``segments`` charged."""

    text: str
    encoding: Literal["gsm7", "ucs2"]
    units: int
    segments: int


def _pack(widths: list[int], single: int, concatenated: int) -> int:
    """Segments for characters of these widths: one if they all fit in ``single``, else
    as many ``concatenated`` segments as needed without splitting a character."""
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    count, room = 1, concatenated
    for width in widths:
        if width > room:
            count, room = count + 1, concatenated
        room -= width
    return count


def segments(text: str, *, normalised: bool = True) -> Segments:
    """The encoding and segment count of ``text`` (normalised first unless told not to)."""
    if normalised:
        text = normalise(text)
    if is_gsm7(text):
        widths = [2 if c in GSM7_EXTENSION else 1 for c in text]
        return Segments(text, "gsm7", sum(widths), _pack(widths, GSM7_SINGLE, GSM7_CONCATENATED))
    widths = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return Segments(text, "ucs2", sum(widths), _pack(widths, UCS2_SINGLE, UCS2_CONCATENATED))


def max_segments_chars(count: int, *, encoding: Literal["gsm7", "ucs2"]) -> int:
    """How many single-unit characters fit in ``count`` segments (for forms' counters)."""
    if encoding == "gsm7":
        return GSM7_SINGLE if count == 1 else GSM7_CONCATENATED * count
    return UCS2_SINGLE if count == 1 else UCS2_CONCATENATED * count
