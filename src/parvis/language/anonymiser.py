"""Anonymisation of French citizen texts: rules for identifiers, rules + spaCy for names.

Detection runs on ``fold(text)`` (accent-free, same length as the text), so every offset
is an index into the exact input. Structured identifiers are validated (NIR key, IBAN
mod-97, Luhn) before they are masked; names and addresses come from rules, a first-name
gazetteer and the ``PER`` entities of spaCy ``fr_core_news_md`` filtered against a French
vocabulary. Overlaps are resolved by priority (identifiers first, then addresses, then
names), and each kept span is replaced by the placeholder of its kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from parvis.language.text import fold

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


# --- Checksums ----------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def nir_key(first13: str) -> int:
    """The key of a NIR (Corsica: 2A counts as 19, 2B as 18)."""
    number = first13.upper().replace("2A", "19").replace("2B", "18")
    return 97 - int(number) % 97


def nir_valid(compact: str) -> bool:
    compact = compact.upper()
    if len(compact) != 15 or not re.fullmatch(r"[1-478]\d{4}(\d{2}|2A|2B)\d{6}\d{2}", compact):
        return False
    return nir_key(compact[:13]) == int(compact[13:])


def iban_valid(compact: str) -> bool:
    compact = compact.upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


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


# --- Structured identifiers ---------------------------------------------------------------

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[\w.+'-]+(?:@|\s?\(at\)\s?|\s?\[at\]\s?|\s(?:arobase|arobas)\s)"
    r"[\w-]+(?:(?:\.|\s(?:point|dot)\s)[\w-]+)*(?:\.|\s(?:point|dot)\s)"
    r"(?:fr|com|net|org|eu|be|ch|info|io|biz|gouv\.fr|[a-z]{2,6})\b",
    re.IGNORECASE,
)

PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-79]|0[ .]?[1-79])(?:[ .\-/]{0,2}\d){8}(?!\d)"
    r"|(?<![\w+])(?:\+|00)\s?(?:2[1-9]\d|3[0-24-9]\d?|4\d|5\d\d?|6\d|9\d)(?:[ .\-]?\d){7,11}(?!\d)",
)

NIR_SEP = r"(?:\s?[.\-/]\s?|\s)?"
NIR_RE = re.compile(
    rf"(?<![\w])[1-478](?:{NIR_SEP}\d){{4}}{NIR_SEP}(?:\d{NIR_SEP}\d|2{NIR_SEP}[ABab])(?:{NIR_SEP}\d){{6}}"
    rf"(?:{NIR_SEP}\d{NIR_SEP}\d)?(?![\w])"
)
NIR_CONTEXT = re.compile(
    r"secu|securite sociale|\bnir\b|\bn\.?i\.?r\b|\bss\b|insee|carte vitale|assure social"
    r"|immatriculation|matricule",
    re.IGNORECASE,
)
TAX_CONTEXT = re.compile(
    r"fisca|\bspi\b|contribuable|impot|\bnif\b|teledeclarant|avis d'imposition", re.IGNORECASE
)
CAF_CONTEXT = re.compile(
    r"allocataire|\bcaf\b|\bmsa\b|n° d'alloc|numero d'alloc|matricule", re.IGNORECASE
)
PLATE_CONTEXT = re.compile(
    r"immatricul|plaque|voiture|vehicule|carte grise|auto\b|moto|scooter|camion|\bpv\b|amende"
    r"|radar|stationnement|fourriere|certificat",
    re.IGNORECASE,
)

IBAN_RE = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ .\-]?[A-Za-z0-9]){11,34}", re.IGNORECASE)
CARD_RE = re.compile(r"(?<![\w])\d(?:[ .\-]?\d){12,18}(?!\w)")
LONG_DIGITS_RE = re.compile(r"(?<![\w])\d(?:[ .\-]?\d){11,14}(?!\w)")

CAF_RE = re.compile(
    r"(?:allocataire|\bcaf\b|\bmsa\b|matricule|dossier|n°\s?d'alloc)"
    r"[^\n\d.?!]{0,30}?(?<![\w])(\d(?:[ ]?\d){4,9})(?![\d\w])",
    re.IGNORECASE,
)
TAX_RE = re.compile(
    r"(?:fiscal|fiscale|\bspi\b|contribuable|\bnif\b)"
    r"[^\n\d.?!]{0,30}?(?<![\w])([0-3](?:[ .]?\d){12})(?![\d\w])",
    re.IGNORECASE,
)

_PLATE_LETTERS = "A-HJ-NP-TV-Z"
PLATE_RE = re.compile(
    rf"(?<![\w])([{_PLATE_LETTERS}]{{2}})([ \-]?)(\d{{3}})([ \-]?)"
    rf"([{_PLATE_LETTERS}]{{2}})(?![\w])",
    re.IGNORECASE,
)
OLD_PLATE_RE = re.compile(r"(?<![\w])\d{1,4}[ -]?[A-Z]{1,3}[ -]?(?:\d{2}|2A|2B|97\d)(?![\w])")

MONTHS = (
    r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
    r"|janv\.?|fevr?\.?|avr\.?|juil\.?|sept\.?|oct\.?|nov\.?|dec\.?"
)
NUMBER_WORDS = (
    r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze"
    r"|seize|vingt|vingts|trente|quarante|cinquante|soixante|cent|cents|mille|et|premier"
)
DATE_RE = (
    r"(?:\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:19|20)?\d{2}"
    rf"|(?:1er|\d{{1,2}})\s+(?:{MONTHS})(?:\s+(?:19|20)?\d{{2}})?"
    rf"|(?:(?:{NUMBER_WORDS})[\s-]+)+(?:{MONTHS})(?:\s+(?:(?:mil|{NUMBER_WORDS})[\s-]*)+|\s+\d{{4}})?"
    r"|(?:19|20)\d{2})"
)
BIRTH_RE = re.compile(
    r"(?:\bne|\bnee|\bnes|\bnees|\bne\(e\)|\bne\s?\(e\)|date\s+de\s+naissance|\bddn\b|\bd\.d\.n\.?"
    r"|naissance|\bnaiss\.|anniversaire\s+(?:est|c'est)?)"
    r"[^\n.?!\d]{0,40}?\s*:?\s*"
    rf"(?<![\w])({DATE_RE})(?![\w/])",
    re.IGNORECASE,
)


def find_emails(text: str, folded: str) -> Iterable[Entity]:
    for match in EMAIL_RE.finditer(folded):
        yield Entity(match.start(), match.end(), "EMAIL")


def find_phones(text: str, folded: str) -> Iterable[Entity]:
    for match in PHONE_RE.finditer(folded):
        start, end = match.start(), match.end()
        while end > start and folded[end - 1] in _SEPARATOR_CHARS:
            end -= 1
        yield Entity(start, end, "PHONE")


UNITS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
}
TEENS = {
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
SPOKEN_NUMBER_RE = re.compile(
    r"(?<![\w])(?:(?:zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
    r"|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|et|\d{1,2})"
    r"(?:[\s,.\-]+|$)){6,}",
    re.IGNORECASE,
)


def spoken_groups(words: list[str]) -> list[str]:
    """« zéro six douze trente-quatre » → ["0", "6", "12", "34"] (French number words)."""
    groups: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            groups.append(word)
            i += 1
            continue
        value: int | None = None
        if word == "quatre" and i + 1 < len(words) and words[i + 1] in {"vingt", "vingts"}:
            value, i = 80, i + 2
        elif word in TENS:
            value, i = TENS[word], i + 1
        if value is not None:
            if i < len(words) and words[i] == "et":
                i += 1
            if i < len(words) and value in {60, 80} and words[i] in TEENS:
                if (
                    words[i] == "dix"
                    and i + 1 < len(words)
                    and words[i + 1] in {"sept", "huit", "neuf"}
                ):
                    value += 10 + UNITS[words[i + 1]]
                    i += 2
                else:
                    value += TEENS[words[i]]
                    i += 1
            elif i < len(words) and words[i] in UNITS and words[i] != "zero":
                value += UNITS[words[i]]
                i += 1
            groups.append(str(value))
            continue
        if word == "dix" and i + 1 < len(words) and words[i + 1] in {"sept", "huit", "neuf"}:
            groups.append(str(10 + UNITS[words[i + 1]]))
            i += 2
            continue
        if word in TEENS:
            groups.append(str(TEENS[word]))
        elif word in UNITS:
            groups.append(str(UNITS[word]))
        i += 1
    return groups


def find_spoken_phones(text: str, folded: str) -> Iterable[Entity]:
    """Phone numbers read aloud in transcripts: « zéro six douze trente-quatre ... »."""
    for match in SPOKEN_NUMBER_RE.finditer(folded):
        words = [w.lower() for w in re.findall(r"[a-z]+|\d+", match.group(), re.IGNORECASE)]
        if not any(w.isalpha() and w != "et" for w in words):
            continue  # digits only: the written-number rule handles them
        digits = "".join(spoken_groups(words))
        if len(digits) == 10 and re.fullmatch(r"0[1-79]\d{8}", digits):
            end = match.end()
            while end > match.start() and not folded[end - 1].isalnum():
                end -= 1
            if re.search(r"(?i)[\s,.\-]et$", folded[match.start() : end]):
                end -= 3
            yield Entity(match.start(), end, "PHONE")


def find_nirs(text: str, folded: str) -> Iterable[Entity]:
    for match in NIR_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if len(compact) == 15:
            if (
                nir_valid(compact)
                or (
                    _context(folded, match.start(), NIR_CONTEXT)
                    and re.fullmatch(r"[1-478]\d{2}(0[1-9]|1[0-2]|[2-9]\d)", compact[:5])
                )
                or nir_valid(compact[:13] + compact[13:])
            ):
                yield Entity(offsets[0], offsets[-1] + 1, "NIR")
        elif len(compact) == 13 and (
            _context(folded, match.start(), NIR_CONTEXT)
            and not _context(folded, match.start(), TAX_CONTEXT)
            and re.fullmatch(r"[1-478]\d{2}(0[1-9]|1[0-2]|[2-9]\d)", compact[:5])
        ):
            yield Entity(offsets[0], offsets[-1] + 1, "NIR")


# IBAN lengths of the countries French residents most often bank in.
IBAN_LENGTHS = {
    "FR": 27,
    "MC": 27,
    "DE": 22,
    "BE": 16,
    "LU": 20,
    "CH": 21,
    "ES": 24,
    "IT": 27,
    "PT": 25,
    "NL": 18,
    "GB": 22,
    "IE": 22,
    "AT": 20,
    "PL": 28,
    "RO": 24,
    "MA": 28,
    "TN": 24,
    "DZ": 26,
    "SN": 28,
    "CI": 28,
    "TR": 26,
    "GR": 27,
    "SE": 24,
    "DK": 18,
    "FI": 18,
    "NO": 15,
}


def find_ibans(text: str, folded: str) -> Iterable[Entity]:
    for match in IBAN_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        known = IBAN_LENGTHS.get(compact[:2].upper())
        lengths = [known] if known else list(range(min(len(compact), 34), 14, -1))
        for length in lengths:
            if length > len(compact) or not iban_valid(compact[:length]):
                continue
            end = offsets[length - 1] + 1
            if end < len(folded) and folded[end].isalnum():
                continue  # an IBAN ends at a word boundary
            yield Entity(offsets[0], end, "IBAN")
            break


def _card_in(digits: str) -> int:
    """Length of a Luhn-valid card number at the start of ``digits``, or 0."""
    for length in (len(digits), 16, 15, 19, 14, 13, 18, 17):
        if 13 <= length <= len(digits) and luhn_valid(digits[:length]):
            return 0 if len(set(digits[:length])) == 1 else length  # 0000 0000 … is no card
    return 0


def find_cards(text: str, folded: str) -> Iterable[Entity]:
    for match in CARD_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        # The run may start with other digits (« 12 4000 0000 0000 0002 »): also try from
        # each group boundary, where a separator precedes the digit.
        starts = [0] + [i for i in range(1, len(compact)) if offsets[i] - offsets[i - 1] > 1]
        for start in starts:
            length = _card_in(compact[start:])
            if length:
                yield Entity(offsets[start], offsets[start + length - 1] + 1, "CARD")
                break


def find_caf_numbers(text: str, folded: str) -> Iterable[Entity]:
    for match in CAF_RE.finditer(folded):
        digits = re.sub(r"\D", "", match.group(1))
        if 5 <= len(digits) <= 10:
            yield Entity(match.start(1), match.end(1), "CAF_NUMBER")


def find_tax_numbers(text: str, folded: str) -> Iterable[Entity]:
    for match in TAX_RE.finditer(folded):
        yield Entity(match.start(1), match.end(1), "TAX_NUMBER")
    # A bare 13-digit number starting 0-3 is the shape of a tax number (SPI).
    for match in LONG_DIGITS_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if len(compact) == 13 and compact[0] in "0123" and not compact.startswith("0033"):
            yield Entity(offsets[0], offsets[-1] + 1, "TAX_NUMBER")


def find_plates(text: str, folded: str) -> Iterable[Entity]:
    for match in PLATE_RE.finditer(folded):
        letters = match.group(1) + match.group(5)
        separators = match.group(2) + match.group(4)
        upper = letters.isupper()
        if match.group(1).upper() == "SS":
            continue
        if (
            upper
            or "-" in separators
            or (separators == "" and _context(folded, match.start(), PLATE_CONTEXT, 80))
            or _context(folded, match.start(), PLATE_CONTEXT, 80)
        ):
            yield Entity(match.start(), match.end(), "PLATE")
    for match in OLD_PLATE_RE.finditer(text):
        if _context(folded, match.start(), PLATE_CONTEXT, 80):
            yield Entity(match.start(), match.end(), "PLATE")


def find_birthdates(text: str, folded: str) -> Iterable[Entity]:
    for match in BIRTH_RE.finditer(folded):
        start, end = match.start(1), match.end(1)
        while end > start and folded[end - 1] in " -":
            end -= 1
        yield Entity(start, end, "BIRTHDATE")


# --- Addresses ----------------------------------------------------------------------------

STREET_TYPES = (
    r"rue|avenue|av\.?|ave|bd|bld|blvd|bvd|boulevard|boul\.?|allee|allees|chemin|che\.?|ch\.|impasse"
    r"|imp\.?|place|pl\.|route|rte|quai|cours|square|sq\.?|residence|res\.|lotissement|lot\."
    r"|lieu[- ]dit|lieudit|cite|hameau|chaussee|faubourg|fbg|voie|sentier|passage|rond[- ]point"
    r"|promenade|esplanade|parvis|villa|montee|traverse|venelle|clos|domaine|quartier|cour"
    r"|parc|mail|ruelle|carrefour|galerie|zone|za|zi|zac|lieu dit|grande rue|grand rue|hlm"
)
STREET_NEEDS_NO_NUMBER = re.compile(
    r"residence|res\.|lotissement|lot\.|lieu[- ]?dit|cite|hameau|domaine|clos|hlm|villa",
    re.IGNORECASE,
)
HOUSE_NUMBER = (
    rf"(?:\d{{1,4}}(?:\s?(?:bis|ter|quater|[a-d])\b)?|(?:(?:{NUMBER_WORDS})[\s-]+){{1,4}})"
)
STREET_RE = re.compile(
    rf"(?<![\w])(?:(n°\s?|numero\s)?({HOUSE_NUMBER})\s*,?\s*(?:de\s+la\s+|du\s+|de\s+l'|de\s+)?)?"
    rf"(?:\b)({STREET_TYPES})(?=[\s,.'])",
    re.IGNORECASE,
)
HABITAT_TRIGGER = re.compile(
    r"(?<![a-z])(?:j'?)?(?:habite|habitons|habitent|habitez|demeurant|domicilie|domiciliee|domicile|adresse"
    r"|reside|residant|residons|demenage|loge|vis|vit|vivons|situe|situee)\b[^\n.]{0,25}$",
    re.IGNORECASE,
)
STREET_STOP_WORDS = {
    "et",
    "a",
    "depuis",
    "pour",
    "mais",
    "car",
    "donc",
    "je",
    "j",
    "on",
    "il",
    "elle",
    "nous",
    "vous",
    "ils",
    "elles",
    "qui",
    "que",
    "qu",
    "ou",
    "avec",
    "sans",
    "chez",
    "dans",
    "sur",
    "au",
    "aux",
    "en",
    "ce",
    "cette",
    "ces",
    "mon",
    "ma",
    "mes",
    "ton",
    "ta",
    "son",
    "sa",
    "ses",
    "notre",
    "votre",
    "leur",
    "est",
    "suis",
    "ai",
    "as",
    "ont",
    "sont",
    "pas",
    "ne",
    "n",
    "plus",
    "svp",
    "merci",
    "bonjour",
    "alors",
    "puis",
    "quand",
    "si",
    "parce",
    "comme",
    "c",
    "ca",
    "cela",
    "ceci",
    "avant",
    "apres",
    "pendant",
    "jusqu",
    "vers",
    "par",
    "tel",
    "tél",
    "tel.",
    "telephone",
    "portable",
    "mail",
    "courriel",
    "email",
    "e-mail",
    "voila",
    "voici",
    "euh",
    "bon",
    "enfin",
    "aussi",
    "tout",
    "tous",
    "toute",
    "rien",
    "y",
    "me",
    "m",
    "te",
    "se",
    "s",
    "lui",
    "nom",
    "numero",
    "code",
    "ville",
    "appartement",
    "cordialement",
    "madame",
    "monsieur",
    "mme",
    "mr",
    "m.",
    "actuellement",
    "maintenant",
    "aujourd",
    "hier",
    "demain",
    "ici",
    "la-bas",
    "lorsque",
    "puisque",
    "afin",
    "moi",
    "toi",
    "eux",
    "ni",
    "soit",
    "dont",
    "où",
    "etait",
    "etais",
    "avais",
    "avait",
    "ete",
    "avoir",
    "etre",
    "fait",
    "va",
    "vais",
    "sera",
    "serai",
    "seront",
    "peux",
    "peut",
    "appt",
    "apt",
    "app",
    "appart",
    "bat",
    "bat.",
    "batiment",
    "bt",
    "esc",
    "escalier",
    "etage",
    "residence",
    "res",
    "porte",
    "logement",
    "cedex",
}
STREET_PARTICLES = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "saint",
    "sainte",
    "st",
    "ste",
    "general",
    "gal",
    "marechal",
    "docteur",
    "dr",
    "president",
    "abbe",
}
COMPLEMENT_RE = re.compile(
    r"\s*[,\-–—]?\s*(?:(?i:n°|b[aâ]t(?:iment)?\.?|bt|appartement|appart\.?|appt?\.?|apt\.?|app\.?"
    r"|esc(?:alier)?\.?|[ée]tage|porte|logement|log\.?|r[ée]sidence|r[ée]s\.|bo[iî]te\s(?:aux\s)?lettres"
    r"|bal|bp|cs|tour|immeuble|entr[ée]e|lot|chez\s(?:m\.|mme|mr)?)\s*(?:n°\s?)?[\w\-']{1,20}"
    r"(?:\s(?i:[ée]tage|et\.))?(?:\s+[A-Z][\w\-']*){0,2}|\d{1,2}\s?(?i:e|eme|ème|er|ere|ère)\s+(?i:[ée]tage))",
)
POSTCODE_CITY_RE = re.compile(
    r"\s*[,\-–—]?\s*(?<!\d)((?:[0-9]{2}|2[ABab])\s?\d{3})(?!\d)"
    r"(?:[ \t]*[,\-]?[ \t]*((?:[A-Za-z][\w']*(?:-[\w']+)*)"
    r"(?:[ \t]+(?:(?:sur|sous|en|les|le|la|de|du|des|d'|l'|aux|et)[ \t]+)?"
    r"[A-Z][\w']*(?:-[\w']+)*){0,3}))?(?:\s+(?i:cedex)(?:\s?\d{1,2})?)?",
)
CITY_AFTER_RE = re.compile(
    r"\s*(?:,\s*|\s)(?:a|au|sur)\s+((?:[A-Za-z][\w']*)(?:-[\w']+)*"
    r"(?:[\s](?:sur|sous|en|les|le|la|de)[\s\-][A-Za-z][\w'\-]*)?)",
)
WORD_RE = re.compile(r"[\w'\-\.]+|\S")


def _street_name_end(text: str, folded: str, start: int) -> int:
    """End of the street name that starts at ``start`` (after the street type).

    A name whose first word is capitalised ("rue Victor Hugo") stops at the first
    lower-case word that is not a particle; an all-lower-case name ("rue des lilas") stops
    at a stop word, a number or four words.
    """
    end = start
    words = 0
    position = start
    capitalised: bool | None = None
    previous_month = False
    while words < 7:
        gap = re.match(r"[ \t]*", folded[position:])
        assert gap is not None
        cursor = position + gap.end()
        match = WORD_RE.match(folded, cursor)
        if not match or cursor >= len(folded) or folded[cursor] in '\n,;:!?()[]"«»':
            break
        word = match.group().rstrip(".")
        original = text[cursor : cursor + len(word)]
        lowered = word.lower().strip("'")
        if not word or re.fullmatch(r"\d{5}", word):
            break
        if (
            re.fullmatch(r"\d+", word)
            and words > 0
            and not previous_month
            and not re.match(
                r"\s+(?:mai|juin|juillet|aout|novembre|mars|avril|fevrier|septembre|octobre|decembre"
                r"|janvier)\b",
                folded[match.end() :],
                re.IGNORECASE,
            )
        ):
            break
        particle = (
            lowered in STREET_PARTICLES
            or lowered in {"l'", "d'"}
            or (bool(re.fullmatch(r"[ld]'.*", lowered)) and not original[2:3].isupper() and False)
        )
        if lowered in STREET_STOP_WORDS and words > 0:
            break
        if "'" in lowered and lowered.split("'")[0] in {"j", "qu", "n", "c", "s", "m"}:
            break
        if not particle and capitalised is None and not re.fullmatch(r"\d+", word):
            capitalised = original[:1].isupper()
        elif (
            not particle
            and capitalised
            and original[:1].islower()
            and not re.fullmatch(r"\d+", word)
        ):
            break
        if capitalised is False and words >= 4:
            break
        words += 1
        position = match.end()
        previous_month = bool(re.fullmatch(MONTHS, lowered, re.IGNORECASE))
        if match.group().endswith(".") and len(word) > 3:
            end = position - 1
            break
        if not particle:
            end = position
    return end


def _merge_adjacent(entities: list[Entity], folded: str) -> list[Entity]:
    merged: list[Entity] = []
    for entity in sorted(entities):
        if (merged and re.fullmatch(r"[\s,\-]*", folded[merged[-1].end : entity.start])) or (
            merged and entity.start < merged[-1].end
        ):
            previous = merged.pop()
            entity = Entity(previous.start, max(previous.end, entity.end), "ADDRESS")
        merged.append(entity)
    return merged


def find_addresses(text: str, folded: str) -> Iterable[Entity]:
    found: list[Entity] = []
    weak: list[Entity] = []  # a residence without number: kept only next to a full address
    lowercase_text = not any(ch.isupper() for ch in text[1:])
    for match in STREET_RE.finditer(folded):
        number = match.group(2)
        street = match.group(3)
        if number is not None and re.fullmatch(r"\s*(et|un|une)\s*", number, re.IGNORECASE):
            number = None
        triggered = bool(HABITAT_TRIGGER.search(folded[max(0, match.start() - 40) : match.start()]))
        start = match.start(2) if number is not None else match.start(3)
        name_end = _street_name_end(text, folded, match.end(3))
        if name_end <= match.end(3):
            continue
        if number is None:
            name = text[match.end(3) : name_end].strip()
            name_words = [w for w in re.split(r"[\s']+", name) if w]
            capitalised_name = any(
                w[:1].isupper() and w.lower() not in STREET_PARTICLES for w in name_words
            )
            if not (
                (triggered and (capitalised_name or lowercase_text))
                or (capitalised_name and STREET_NEEDS_NO_NUMBER.fullmatch(street.lower()))
            ):
                if STREET_NEEDS_NO_NUMBER.fullmatch(street.lower()):
                    weak.append(Entity(start, name_end, "ADDRESS"))
                continue
        end = name_end
        while True:
            complement = COMPLEMENT_RE.match(text, end)
            if complement and complement.end() > end:
                end = complement.end()
                continue
            break
        skipped = re.match(r"(?:[ \t,]+[a-z][\w'\-]*){1,3}?(?=[ \t]*,?[ \t]*\d{5}\b)", folded[end:])
        if skipped and not any(
            w in STREET_STOP_WORDS for w in re.findall(r"[\w'\-]+", skipped.group().lower())
        ):
            end += skipped.end()  # the rest of a lower-case residence name before the postcode
        postcode = POSTCODE_CITY_RE.match(folded, end)
        if postcode:
            end = postcode.end()
            if postcode.group(2) is None:
                tail = re.match(r"\s+([a-z][\w'\-]*)", folded[end:])
                if tail and tail.group(1).lower() not in STREET_STOP_WORDS:
                    end += tail.end()
        else:
            city = CITY_AFTER_RE.match(folded, end)
            if (
                city
                and (
                    text[city.start(1)].isupper()
                    or lowercase_text
                    or not any(ch.isupper() for ch in text[start:end])
                )
                and city.group(1).split()[0].lower() not in STREET_STOP_WORDS
            ):
                end = city.end(1)
        while end > start and folded[end - 1] in " ,-.":
            end -= 1
        found.append(Entity(start, end, "ADDRESS"))
    for candidate in weak:
        if any(
            re.fullmatch(r"[\s,\-]*", folded[candidate.end : strong.start])
            or re.fullmatch(r"[\s,\-]*", folded[strong.end : candidate.start])
            for strong in found
            if strong.start >= candidate.end or strong.end <= candidate.start
        ):
            found.append(candidate)
    extended = []
    for entity in found:
        before = PREFIX_COMPLEMENT_RE.search(folded[max(0, entity.start - 60) : entity.start])
        start = entity.start - len(before.group()) if before else entity.start
        extended.append(Entity(start, entity.end, "ADDRESS"))
    return _merge_adjacent(extended, folded)


PREFIX_COMPLEMENT_RE = re.compile(
    r"(?:(?:b[aâ]t(?:iment)?\.?|appartement|appart\.?|appt?\.?|apt\.?|esc(?:alier)?\.?|etage"
    r"|porte|logement|log\.?|chez\s+(?:m\.|mme|mr)?\s*[\w\-]+)\s*(?:n°\s?)?[\w\-]{1,10}\s*[,\-]?\s*)+$",
    re.IGNORECASE,
)


# --- Names --------------------------------------------------------------------------------

CIVILITY = (
    r"m\.|mr\.?|mme\.?|mmes|mlle\.?|melle|monsieur|madame|mademoiselle|maitre|dr\.?"
    r"|docteur|pr\.|professeur"
)
CIVILITY_RE = re.compile(rf"(?<![\w])(?:{CIVILITY})(?:(?<=\.)|(?![\w]))\s*", re.IGNORECASE)
INTRO_RE = re.compile(
    r"(?:je\s+m'?\s?appel+e?s?|j\s+m'?appel+e?|je\s+me\s+nomme|mon\s+nom\s+(?:est|c'est|c\s+est|:)"
    r"|mon\s+nom\s+et\s+pr[eé]nom\s+(?:sont|:)|moi\s+c'?\s?est|c'?\s?est\s+moi|ici|de\s+la\s+part\s+de"
    r"|je\s+suis|c'est|c\s+est|ces|\bc(?=\s)|nom\s*:|pr[eé]nom\s*:|nom\s+et\s+pr[eé]nom\s*:"
    r"|nom\s+de\s+naissance\s*:|nom\s+d'usage\s*:|signe|sign[eé]e?\s*:?|pour\s+le\s+compte\s+de"
    r"|au\s+nom\s+de|concernant|accompagne|j'accompagne|accompagnons|je\s+represente)\s+",
    re.IGNORECASE,
)
RELATIVE_RE = re.compile(
    r"(?:mon|ma|notre|son|sa|leur|votre|le|la)\s+(?:fils|fille|mari|femme|epouse|epoux|pere|mere"
    r"|frere|soeur|conjoint|conjointe|compagnon|compagne|enfant|bebe|petit-fils|petite-fille"
    r"|petit\s+fils|petite\s+fille|neveu|niece|oncle|tante|beau-pere|belle-mere|cousin|cousine"
    r"|grand-mere|grand-pere|voisin|voisine|ami|amie|copain|copine|concubin|concubine|ex"
    r"|proprietaire|proprio|employeur|patron|patronne|tuteur|tutrice|curateur|curatrice"
    r"|conseiller|conseillere|agent|agente|assistante\s+sociale|assistant\s+social|referent"
    r"|referente|interlocuteur|interlocutrice|collegue|medecin|docteur|avocat|avocate"
    r"|gestionnaire|aidant|aidante|aide\s+a\s+domicile|auxiliaire\s+de\s+vie|belle-soeur"
    r"|beau-frere|gendre|belle-fille|beau-fils|filleul|filleule|mandataire)"
    r"(?:\s+(?:qui\s+s'appelle|qui\s+s'apelle|nomme|nommee|prenomme|prenommee|appele|appelee))?"
    r"\s*,?\s+",
    re.IGNORECASE,
)
CLOSING_RE = re.compile(
    r"(?<![\w])(?:cordialement|bien\s+cordialement|salutations(?:\s+distinguees)?|distinguees|respectueusement"
    r"|bien\s+a\s+vous|merci(?:\s+d'avance|\s+par\s+avance|\s+beaucoup|\s+a\s+vous)?"
    r"|bonne\s+journee|bonne\s+soiree|a\s+bientot|sinceres\s+salutations|signature|cdlt|cdt"
    r"|slt|bisous|amicalement)\s*[.,!]?\s*(?:\n\s*)*",
    re.IGNORECASE,
)
NAME_TOKEN_RE = re.compile(
    r"(?:(?i:d'|l'|de\s+la\s+|de\s+|du\s+|des\s+|le\s+|la\s+|van\s+|von\s+|ben\s+|el\s+|al\s+|da\s+|dos\s+|di\s+)?"
    r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'\-]*)"
)
NOT_NAMES = {
    # words that follow a civility or a trigger without being a name
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "de",
    "du",
    "directeur",
    "directrice",
    "president",
    "presidente",
    "maire",
    "juge",
    "prefet",
    "ministre",
    "conseiller",
    "conseillere",
    "agent",
    "responsable",
    "chef",
    "depute",
    "senateur",
    "procureur",
    "greffier",
    "madame",
    "monsieur",
    "mme",
    "m",
    "mr",
    "et",
    "ou",
    "votre",
    "mon",
    "ma",
    "son",
    "sa",
    "notre",
    "mes",
    "ses",
    "vous",
    "nous",
    "tout",
    "tous",
    "bonjour",
    "bonsoir",
    "merci",
    "cordialement",
    "salut",
    "objet",
    "oui",
    "non",
    "euh",
    "alors",
    "donc",
    "bien",
    "tres",
    "pas",
    "plus",
    "en",
    "au",
    "aux",
    "a",
    "pour",
    "par",
    "sur",
    "dans",
    "avec",
    "que",
    "qui",
    "quoi",
    "est",
    "suis",
    "caf",
    "cpam",
    "msa",
    "urssaf",
    "anah",
    "ants",
    "dgfip",
    "carsat",
    "cnav",
    "france",
    "poste",
    "travail",
    "emploi",
    "pole",
    "services",
    "service",
    "public",
    "publique",
    "allocataire",
    "assure",
    "assuree",
    "beneficiaire",
    "demandeur",
    "demandeuse",
    "usager",
    "il",
    "elle",
    "ils",
    "elles",
    "on",
    "je",
    "j",
    "ce",
    "cette",
    "ces",
    "ca",
    "cela",
    "rien",
    "personne",
    "quelqu'un",
    "sans",
    "chez",
    "depuis",
    "ici",
    "la-bas",
    "encore",
    "deja",
    "toujours",
    "jamais",
    "aussi",
    "mais",
    "car",
    "si",
    "ne",
    "n",
    "c",
    "d",
    "s",
    "y",
    "handicape",
    "handicapee",
    "malade",
    "seul",
    "seule",
    "perdu",
    "perdue",
    "desespere",
    "desesperee",
    "inquiet",
    "inquiete",
    "enceinte",
    "retraite",
    "retraitee",
    "chomeur",
    "chomeuse",
    "etudiant",
    "etudiante",
    "salarie",
    "salariee",
    "agriculteur",
    "agricultrice",
    "exploitant",
    "exploitante",
    "infirmier",
    "infirmiere",
    "mere",
    "pere",
    "veuf",
    "veuve",
    "divorce",
    "divorcee",
    "celibataire",
    "auto-entrepreneur",
    "micro-entrepreneur",
    "inscrit",
    "inscrite",
    "dossier",
    "numero",
    "concernant",
    "rappeler",
    "madame,",
    "monsieur,",
    "sms",
    "mail",
    "courriel",
    "avoir",
    "etre",
    "desole",
    "desolee",
    "vraiment",
    "assistante",
    "assistant",
    "sociale",
    "social",
    "travailleuse",
    "travailleur",
    "educatrice",
    "educateur",
    "mandataire",
    "referent",
    "referente",
    "aidant",
    "aidante",
    "tel",
    "telephone",
    "portable",
    "ref",
    "reference",
    "mois",
    "ans",
    "jours",
    "semaine",
    "semaines",
    "annee",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "allo",
    "allô",
    "hello",
    "coucou",
    "ok",
    "d'accord",
    "voila",
}


@dataclass
class NameLexicon:
    """First names, last names and the French vocabulary used to filter name candidates."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    vocabulary: frozenset[str]

    def is_first_name(self, word: str) -> bool:
        return fold(word).lower() in self.first_names

    def is_known_name(self, word: str) -> bool:
        key = fold(word).lower()
        return key in self.first_names or key in self.last_names

    def is_common_word(self, word: str) -> bool:
        key = fold(word).lower().strip("'-")
        if key in self.vocabulary or key in NOT_NAMES:
            return True
        # plural and feminine forms of words whose lemma is known
        return any(
            key.endswith(suffix) and key[: -len(suffix)] in self.vocabulary
            for suffix in ("s", "e", "es", "x")
        )

    def name_like(self, word: str, *, lowercase_ok: bool, expected: bool = False) -> bool:
        """Could ``word`` be part of a person's name? ``expected``: after "Nom :", "Mme"..."""
        key = fold(word).lower().strip("'-")
        if len(key) < 2 or key in NOT_NAMES or key in DOMAIN_WORDS or not re.search(r"[a-z]", key):
            return False
        if re.search(r"\d", key):
            return False
        if ELISION_RE.match(key) and not re.match(r"^\w+'[A-ZÀ-Þ]", word):
            return False  # m'aide, l'artisan, qu'il: a pronoun or an article (not N'Diaye)
        if word[:1].isupper():
            # acronyms (RSA, APL, CAF) are not names, unless a name is expected here
            return (
                expected
                or not word.isupper()
                or len(word) > 5
                or key not in self.vocabulary
                or key in self.last_names
            )
        if not lowercase_ok:
            return False
        return self.is_known_name(word) or not self.is_common_word(word)


ELISION_RE = re.compile(r"^(?:j|m|t|s|n|c|qu|l|jusqu|lorsqu|puisqu)'")
# Names of administrations, programmes and documents: never a person.
DOMAIN_WORDS = {
    "caf",
    "cpam",
    "cnaf",
    "cnam",
    "cnav",
    "carsat",
    "msa",
    "urssaf",
    "anah",
    "ants",
    "dgfip",
    "ameli",
    "cesu",
    "vitale",
    "franceconnect",
    "colissimo",
    "siret",
    "siren",
    "acre",
    "cpf",
    "neph",
    "mdph",
    "ccas",
    "c2s",
    "css",
    "cmu",
    "aah",
    "apl",
    "als",
    "alf",
    "rsa",
    "are",
    "ass",
    "paje",
    "prepare",
    "cmg",
    "ars",
    "asf",
    "aspa",
    "ij",
    "dsn",
    "spi",
    "nir",
    "iban",
    "rib",
    "cerfa",
    "sip",
    "sie",
    "ppa",
    "dtr",
    "rsi",
    "ircantec",
    "agirc",
    "arrco",
    "pole",
    "emploi",
    "travail",
    "france",
    "services",
    "service",
    "poste",
    "justice",
    "impots",
    "gouv",
    "mairie",
    "prefecture",
    "departement",
    "region",
    "conseil",
    "tribunal",
    "carte",
    "grise",
    "maprimerenov",
    "maprimeadapt",
    "renov",
    "rénov",
    "prime",
    "allocations",
    "familiales",
    "assurance",
    "maladie",
    "retraite",
    "securite",
    "sociale",
    "finances",
    "publiques",
    "objet",
    "agirc-arrco",
    "edf",
    "engie",
    "sncf",
    "ratp",
    "cheque",
    "energie",
    "sante",
    "solidaire",
    "complementaire",
    "credit",
    "agricole",
    "banque",
    "postale",
    "bpi",
    "ursaf",
    "insee",
    "internet",
    "whatsapp",
    "facebook",
    "google",
    "android",
    "iphone",
    "smic",
    "covid",
    "paques",
    "toussaint",
    "emmaus",
    "croix-rouge",
    "restos",
    "secours",
    "ramadan",
    "aid",
    "pentecote",
    "ascension",
}


def _name_tokens(
    text: str,
    folded: str,
    position: int,
    lexicon: NameLexicon,
    *,
    lowercase_ok: bool,
    max_tokens: int = 3,
) -> int:
    """End offset of a run of name-like tokens starting at ``position`` (or ``position``)."""
    end = position
    count = 0
    cursor = position
    while count < max_tokens:
        match = NAME_TOKEN_RE.match(text, cursor)
        if not match:
            break
        token = match.group()
        core = re.sub(
            r"^(d'|l'|de la |de |du |des |le |la |van |von |ben |el |al |da |dos |di )",
            "",
            token,
            flags=re.IGNORECASE,
        )
        if core != token and not core[:1].isupper():
            # a particle only counts before a capitalised name ("de la Fontaine")
            core_match = re.match(r"[\w'\-]+", text[cursor:])
            if not core_match:
                break
            token = core = core_match.group()
            match_end = cursor + core_match.end()
        else:
            match_end = match.end()
        if not lexicon.name_like(core, lowercase_ok=lowercase_ok, expected=True):
            break
        count += 1
        end = match_end
        gap = re.match(r"[ \t]+|\s?-\s?", text[end:])
        if not gap or "\n" in gap.group():
            break
        cursor = end + gap.end()
    # strip trailing apostrophes / dashes
    while end > position and text[end - 1] in "'-":
        end -= 1
    return end


def find_names_by_rules(text: str, folded: str, lexicon: NameLexicon) -> Iterable[Entity]:
    lowercase_text = sum(ch.isupper() for ch in text) <= 2
    for match in CIVILITY_RE.finditer(folded):
        if match.end() < len(folded) and folded[match.end() - 1 : match.end()] == ",":
            continue
        end = _name_tokens(text, folded, match.end(), lexicon, lowercase_ok=lowercase_text)
        if end > match.end():
            yield Entity(match.end(), end, "PERSON")
    for pattern in (INTRO_RE, RELATIVE_RE):
        for match in pattern.finditer(folded):
            trigger = match.group().lower()
            strict = trigger.startswith(
                (
                    "je suis",
                    "c'est",
                    "c est",
                    "ces",
                    "ici",
                    "concernant",
                    "accompagne",
                    "j'accompagne",
                    "accompagnons",
                )
            ) or (trigger.strip() == "c")
            position = match.end()
            civility = CIVILITY_RE.match(folded, position)
            if civility:
                continue  # handled by the civility rule
            if strict:
                end = _strict_names(text, position, lexicon, lowercase_text=True)
            elif pattern is RELATIVE_RE:
                end = _name_tokens(
                    text, folded, position, lexicon, lowercase_ok=False, max_tokens=2
                )
                if end == position and lexicon.is_first_name(
                    re.match(r"[\w'\-]*", text[position:]).group()  # type: ignore[union-attr]
                ):
                    word_end = position + len(re.match(r"[\w'\-]*", text[position:]).group())  # type: ignore[union-attr]
                    if not lexicon.is_common_word(text[position:word_end]):
                        end = word_end
            else:
                end = _name_tokens(text, folded, position, lexicon, lowercase_ok=True)
            if end > position:
                yield Entity(position, end, "PERSON")
    for match in CLOSING_RE.finditer(folded):
        position = match.end()
        end = _name_tokens(text, folded, position, lexicon, lowercase_ok=lowercase_text)
        if end > position:
            rest = text[end:].strip()
            if not rest or rest[:1] in "\n" or text[end : end + 1] in "\n" or len(rest) < 40:
                yield Entity(position, end, "PERSON")
    # gazetteer: a known first name followed by a capitalised word or a known name
    for match in re.finditer(r"(?<![\w'])[A-Za-zÀ-ÖØ-öø-ÿ][\w\-]+", text):
        word = match.group()
        if not lexicon.is_first_name(word):
            continue
        capitalised = word[:1].isupper()
        if not capitalised and not lowercase_text:
            continue
        if lexicon.is_common_word(word) and not capitalised:
            continue
        end = _name_tokens(
            text, folded, match.start(), lexicon, lowercase_ok=lowercase_text or capitalised
        )
        surname = re.search(r"(?<![\w'])([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'\-]+)[ \t]+$", text[: match.start()])
        if (
            capitalised
            and surname
            and fold(surname.group(1)).lower() not in DOMAIN_WORDS | NOT_NAMES
        ):
            yield Entity(surname.start(1), max(end, match.end()), "PERSON")
            continue
        if end <= match.end():
            # a first name alone: only when capitalised, not a common word, not sentence-initial
            before = text[: match.start()].rstrip()
            sentence_start = not before or before[-1] in ".!?\n:"
            if not lexicon.is_common_word(word) and (
                (capitalised and not sentence_start) or (lowercase_text and not capitalised)
            ):
                yield Entity(match.start(), match.end(), "PERSON")
            continue
        yield Entity(match.start(), end, "PERSON")


def _strict_names(text: str, position: int, lexicon: NameLexicon, *, lowercase_text: bool) -> int:
    """After weak triggers ("je suis", "c'est", "c"): capitalised names that are known or
    not common words; in lower case, a run of two or three words holding a known name, or
    of unknown words only (a typo alone is not a name)."""
    run: list[tuple[int, str]] = []
    cursor = position
    while len(run) < 3:
        particle = re.match(
            r"(?i)(?:le|la|de|du|da|dos|van|ben|el)[ \t]+(?=[A-Za-zÀ-ÖØ-öø-ÿ])", text[cursor:]
        )
        if run and particle:
            cursor += particle.end()
            continue
        match = re.match(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'\-]*", text[cursor:])
        if not match:
            break
        word = match.group()
        key = fold(word).lower()
        if (
            key in NOT_NAMES
            or key in DOMAIN_WORDS
            or ELISION_RE.match(key)
            or len(key) < 2
            or re.search(r"\d", key)
        ):
            break
        run.append((cursor + match.end(), word))
        gap = re.match(r"[ \t]+", text[cursor + match.end() :])
        if not gap:
            break
        cursor = cursor + match.end() + gap.end()
    if not run:
        return position
    words = [w for _, w in run]
    if words[0][:1].isupper():
        kept = 0
        for word in words:
            if not word[:1].isupper() or not (
                lexicon.is_known_name(word) or not lexicon.is_common_word(word)
            ):
                break
            kept += 1
        return run[kept - 1][0] if kept else position
    if not lowercase_text:
        return position
    known = [lexicon.is_known_name(w) for w in words]
    unknown = [not lexicon.is_common_word(w) for w in words]
    for size in range(len(words), 0, -1):
        part_known, part_unknown = known[:size], unknown[:size]
        if size >= 2 and (any(part_known) or all(part_unknown)):
            return run[size - 1][0]
        if size == 1 and part_known[0] and part_unknown[0]:
            return run[0][0]
    return position


def filter_spacy_person(
    text: str, start: int, end: int, lexicon: NameLexicon
) -> tuple[int, int] | None:
    """Trim a spaCy PER span to its name-like tokens; None when nothing plausible remains."""
    tokens = [
        (m.start() + start, m.end() + start, m.group())
        for m in re.finditer(r"[\w'\-\.]+", text[start:end])
    ]

    # drop civilities and non-name words at both ends
    def plausible(word: str) -> bool:
        key = fold(word).lower().strip(".'-")
        if re.fullmatch(rf"(?:{CIVILITY})", key + ("." if word.endswith(".") else "")):
            return False
        if key in NOT_NAMES or key in DOMAIN_WORDS or ELISION_RE.match(key):
            return False
        if not word[:1].isupper():
            return lexicon.is_known_name(word) and not lexicon.is_common_word(word)
        return not (word.isupper() and len(word) <= 5 and key in lexicon.vocabulary)

    while tokens and not plausible(tokens[0][2]):
        tokens.pop(0)
    while tokens and not plausible(tokens[-1][2]):
        tokens.pop()
    if not tokens:
        return None
    words = [token[2] for token in tokens]
    if any(not plausible(word) for word in words):
        return None
    strong = any(
        lexicon.is_known_name(w) or not lexicon.is_common_word(w.strip(".")) for w in words
    )
    if not strong:
        return None
    if len(words) == 1:
        before = text[: tokens[0][0]].rstrip()
        sentence_start = not before or before[-1] in ".!?\n:"
        if sentence_start and not lexicon.is_known_name(words[0]):
            return None
    return tokens[0][0], tokens[-1][1]


# --- Engine -------------------------------------------------------------------------------

RULES: Sequence[Callable[[str, str], Iterable[Entity]]] = (
    find_emails,
    find_ibans,
    find_nirs,
    find_cards,
    find_tax_numbers,
    find_caf_numbers,
    find_phones,
    find_spoken_phones,
    find_plates,
    find_birthdates,
    find_addresses,
)


def resolve(candidates: Iterable[Entity]) -> list[Entity]:
    """Non-overlapping spans: by priority, then the longest."""
    chosen: list[Entity] = []
    ordered = sorted(
        {c for c in candidates if c.end > c.start},
        key=lambda e: (PRIORITY[e.label], -(e.end - e.start), e.start),
    )
    for candidate in ordered:
        if any(candidate.start < kept.end and kept.start < candidate.end for kept in chosen):
            # a name overlapping an address or an identifier is dropped; an address that
            # overlaps a name is kept whole because addresses rank first
            continue
        chosen.append(candidate)
    return sorted(chosen)


def mask(text: str, entities: Sequence[Entity]) -> str:
    parts = []
    position = 0
    for entity in sorted(entities):
        parts.append(text[position : entity.start])
        parts.append(PLACEHOLDERS[entity.label])
        position = entity.end
    parts.append(text[position:])
    return "".join(parts)


class Anonymiser:
    """Rules plus an optional spaCy pipeline (``ner`` only) and a name lexicon."""

    def __init__(self, nlp: Any | None, lexicon: NameLexicon) -> None:
        self.nlp = nlp
        self.lexicon = lexicon

    def rule_entities(self, text: str) -> list[Entity]:
        folded = fold(text)
        found: list[Entity] = []
        for rule in RULES:
            found.extend(rule(text, folded))
        found.extend(find_names_by_rules(text, folded, self.lexicon))
        return found

    def anonymise_many(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> list[tuple[str, list[Entity]]]:
        candidates = [self.rule_entities(text) for text in texts]
        if self.nlp is not None:
            docs = self.nlp.pipe(texts, batch_size=batch_size)
            for index, doc in enumerate(docs):
                for ent in doc.ents:
                    if ent.label_ != "PER":
                        continue
                    span = filter_spacy_person(
                        texts[index], ent.start_char, ent.end_char, self.lexicon
                    )
                    if span:
                        candidates[index].append(Entity(span[0], span[1], "PERSON"))
        results = []
        for text, found in zip(texts, candidates, strict=True):
            entities = resolve(found)
            results.append((mask(text, entities), entities))
        return results
