"""Identifiers read aloud in call transcripts, and identifiers written loosely.

People on the phone say their NIR in groups (« un, quatre-vingt-cinq, zéro trois,
soixante-quinze, cent vingt-trois, quatre cent cinquante-six, clé soixante-dix-huit »),
their allocataire number digit by digit or in pairs, their birth date in words (« le douze
cinq quatre-vingt-trois »). A run of number words is read into digits; what the digits are
depends on their count and on the words before them (the same contexts as the written
identifiers). Written identifiers that fail their checksum (an IBAN or a card copied by
hand) are masked when their name stands right before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parvis.language.anonymiser.base import Entity, _compact
from parvis.language.anonymiser.identifiers import (
    _KEY_WORDS,
    CAF_CONTEXT,
    CAF_TEXT_CONTEXT,
    IBAN_LENGTHS,
    NIR_CONTEXT,
    NIR_KEY_AFTER_RE,
    TAX_CONTEXT,
    luhn_valid,
    nir_key,
)

UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16,
}  # fmt: skip
TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    # as Belgians and the Swiss say them
    "septante": 70, "octante": 80, "huitante": 80, "nonante": 90,
}  # fmt: skip
NUMBER_WORD = (
    r"zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
    r"|quinze|seize|vingts?|trente|quarante|cinquante|soixante|septante|octante|huitante"
    r"|nonante|cents?|mille|mil|millions?|et"
)
# A run of number words and digits, with the separators people put between groups.
FILLER = (
    r"euh+|heu+|hum+|alors|attendez|attends|donc|pardon|voila|puis|ensuite|apres|ben|bah|bon"
    r"|hein|enfin|hmm+|mmh+|voyons|je[ \t]+regarde"
)
SPOKEN_RUN_RE = re.compile(
    rf"(?<![\w])(?:(?:{NUMBER_WORD}|\d{{1,4}}|cle|clef|double|[ab](?=[\s,]))"
    rf"(?:[\s,.\-]+(?:(?:{FILLER})[\s,.\-]+)*|$))+",
    re.IGNORECASE,
)


TEENS = frozenset({"dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"})


def _below_hundred(words: list[str], i: int) -> tuple[int | None, int]:
    """A number 0–99 starting at ``words[i]``: (value or None, next index)."""
    n = len(words)
    if i >= n:
        return None, i
    word = words[i]
    if word == "quatre" and i + 1 < n and words[i + 1] in {"vingt", "vingts"}:
        value, i = 80, i + 2
    elif word in TENS:
        value, i = TENS[word], i + 1
    elif word == "dix" and i + 1 < n and words[i + 1] in {"sept", "huit", "neuf"}:
        return 10 + UNITS[words[i + 1]], i + 2
    elif word in UNITS:
        return UNITS[word], i + 1
    else:
        return None, i
    if i < n and words[i] == "et":
        i += 1
    if i < n and value in {60, 80}:
        if words[i] == "dix" and i + 1 < n and words[i + 1] in {"sept", "huit", "neuf"}:
            return value + 10 + UNITS[words[i + 1]], i + 2
        if words[i] in TEENS:
            return value + UNITS[words[i]], i + 1
    if i < n and words[i] in UNITS and 0 < UNITS[words[i]] < 10:
        return value + UNITS[words[i]], i + 1
    return value, i


def _below_thousand(words: list[str], i: int) -> tuple[int | None, int]:
    n = len(words)
    if i < n and words[i] in {"cent", "cents"}:
        rest, j = _below_hundred(words, i + 1)
        return 100 + (rest or 0), j
    value, j = _below_hundred(words, i)
    if value is not None and 1 < value < 10 and j < n and words[j] in {"cent", "cents"}:
        rest, k = _below_hundred(words, j + 1)
        return value * 100 + (rest or 0), k
    return value, j


def read_number_words(words: list[str]) -> list[str]:
    """Digit groups of a run of French number words: « quatre cent cinquante-six » → 456,
    « zéro trois » → 0, 3, « quatre-vingt-dix-sept » → 97, « mille neuf cent
    quatre-vingt-trois » → 1983; digits pass through."""
    groups: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        word = words[i]
        if word.isdigit():
            groups.append(word)
            i += 1
            continue
        if word == "zero":
            groups.append("0")
            i += 1
            continue
        if word in {"mille", "mil"}:
            rest, j = _below_thousand(words, i + 1)
            groups.append(str(1000 + (rest or 0)))
            i = max(j, i + 1)
            continue
        value, j = _below_thousand(words, i)
        if value is None:
            i += 1
            continue
        if j < n and words[j] in {"million", "millions"}:
            # « quatre millions cinq cent dix mille deux cent trois »: one number
            thousands, k = _below_thousand(words, j + 1)
            if k < n and words[k] in {"mille", "mil"}:
                rest, k = _below_thousand(words, k + 1)
                total = value * 1_000_000 + (thousands or 1) * 1000 + (rest or 0)
            else:
                total = value * 1_000_000 + (thousands or 0)
            groups.append(str(total))
            i = k
            continue
        if j < n and words[j] in {"mille", "mil"}:  # « deux mille onze »
            rest, k = _below_thousand(words, j + 1)
            groups.append(str(value * 1000 + (rest or 0)))
            i = k
            continue
        groups.append(str(value))
        i = j
    return groups


SKIPPED = frozenset(
    {"cle", "clef", "a", "b", "euh", "heu", "hum", "alors", "attendez", "attends", "donc"}
    | {"pardon", "voila"}
)


def _words_of(run: str) -> list[str]:
    words = [w.lower() for w in re.findall(r"[a-z]+|\d+", run, re.IGNORECASE)]
    # « double sept » is said for « sept sept »
    out: list[str] = []
    for index, word in enumerate(words):
        if word == "double":
            if index + 1 < len(words) and words[index + 1] in UNITS:
                out.append(words[index + 1])
            continue
        out.append(word)
    return out


def _trim(folded: str, start: int, end: int) -> tuple[int, int]:
    while end > start and not folded[end - 1].isalnum():
        end -= 1
    # a trailing « et » or a lone letter is not part of the number
    tail = re.search(rf"(?i)(?:[\s,.\-]+(?:et|a|b|{FILLER}))+$", folded[start:end])
    if tail:
        end = start + tail.start()
    return start, end


# A caller who stops to check (« … 22 05 613 attendez vingt-deux zéro cinq six un trois »):
# when the whole run is no identifier, each side of the pause is read on its own.
PAUSE_RE = re.compile(r"(?<![\w])(?:attendez|attends|pardon|non|je\s+recommence|euh+|heu+)(?![\w])")


def find_spoken_identifiers(text: str, folded: str) -> Iterable[Entity]:
    """NIR, allocataire and tax numbers read aloud (or mixed words and digits), and the
    same numbers read again in part."""
    found: list[Entity] = []
    unread: list[tuple[int, int]] = []  # runs (or parts of a run) no identifier on their own
    for match in SPOKEN_RUN_RE.finditer(folded):
        start, end = _trim(folded, match.start(), match.end())
        entity = _spoken_identifier(folded, start, end)
        if entity is not None:
            found.append(entity)
            continue
        position = start
        for pause in [*PAUSE_RE.finditer(folded, start, end), None]:
            stop = pause.start() if pause else end
            while position < stop and not folded[position].isalnum():
                position += 1
            part = _trim(folded, position, stop)
            entity = _spoken_identifier(folded, *part) if part[1] > part[0] else None
            if entity is not None:
                found.append(entity)
            elif part[1] > part[0]:
                unread.append(part)
            position = pause.end() if pause else end
    found.extend(_keys_answered(folded))
    found.extend(_nirs_across_turns(folded))
    found.extend(_nirs_in_pieces(folded))
    yield from found
    yield from _read_again(folded, found, unread)


# What a reading again opens with: the key named (« clé soixante-treize »).
KEY_NAMED_RE = re.compile(r"(?:cle|clef)\b", re.IGNORECASE)


def _read_again(
    folded: str, found: list[Entity], unread: list[tuple[int, int]]
) -> Iterable[Entity]:
    """« quatre quatre zéro six euh quatre quatre zéro six un trois huit », « je répète la
    fin zéro zéro neuf clé soixante-treize »: a number read aloud is often started and
    stopped, corrected or read back in part; a run of three digits or more that is part of
    an identifier found in the same text (or the key said alone that ends a NIR), or that
    starts with the same five digits (a misread group), is that identifier too."""
    known = [
        (_run_digits(folded, e.start, e.end), e.label)
        for e in found
        if e.label in {"NIR", "CAF_NUMBER", "TAX_NUMBER"}
    ]
    known = [(digits, label) for digits, label in known if len(digits) >= 5]
    if not known:
        return
    for start, end in unread:
        if any(e.start < end and start < e.end for e in found):
            continue
        digits = _run_digits(folded, start, end)
        if not digits:
            continue
        for identifier, label in known:
            part = len(digits) >= 3 and digits in identifier
            key = (
                label == "NIR"
                and len(identifier) == 15
                and KEY_NAMED_RE.match(folded, start) is not None
                and digits == identifier[-2:]
            )
            misread = len(digits) >= 8 and digits[:5] == identifier[:5]
            if part or key or misread:
                yield Entity(start, end, label)
                break


# A NIR read in parts, the agent acknowledging each (« usager un quatre-vingt-cinq zéro
# trois / agent oui / usager soixante-quinze cent douze … »): the parts, read together.
_SPEAKER_PREFIX = re.compile(
    r"[ \t>]*(?:\[?[a-z]+(?:[ \t][a-z]+)?\]?[ \t]*:|(?:agent|agente|usager|usagere|appelant"
    r"|appelante|conseiller|conseillere|operateur|operatrice|client|cliente|assure|assuree"
    r"|beneficiaire|allocataire|interlocuteur|interlocutrice)(?![\w']))[ \t]*",
    re.IGNORECASE,
)
_ACKNOWLEDGEMENT = re.compile(
    r"(?:(?:oui|ouais|d'accord|daccord|ok|hm+|mm+|mhm|je\s+note|c'est\s+note|note|allez-y"
    r"|continuez|je\s+vous\s+ecoute|tres\s+bien|et\s+ensuite|ensuite|la\s+suite|et\s+apres"
    r"|oui\s+et)[\s,.!?\-]*)+$",
    re.IGNORECASE,
)


def _line_content(folded: str, line_start: int) -> tuple[int, int]:
    """Where a line's words start, after its speaker, and where it ends."""
    line_end = folded.find("\n", line_start)
    line_end = len(folded) if line_end < 0 else line_end
    prefix = _SPEAKER_PREFIX.match(folded, line_start, line_end)
    return (prefix.end() if prefix else line_start), line_end


GROUP_BREAK_RE = re.compile(r",|(?<![\w])(?:cle|clef)(?![\w])", re.IGNORECASE)


def _run_digits(folded: str, start: int, end: int) -> str:
    return "".join(
        "".join(read_number_words([w for w in _words_of(chunk) if w not in SKIPPED]))
        for chunk in GROUP_BREAK_RE.split(folded[start:end])
    )


# « et la clé c'est soixante-neuf », « la clé douze »: the key said on its own turn.
KEY_SAID_RE = re.compile(r"(?:et[ \t]+)?(?:la[ \t]+)?cle(?:f)?[ \t]+(?:c'est[ \t]+|est[ \t]+)?")


def _bare_key(folded: str, start: int, end: int) -> bool:
    """A turn that is nothing but a number of two digits at most, up to 97: the key read
    after the thirteen digits (« agent d'accord / usager trente-deux »)."""
    digits = _run_digits(folded, start, end)
    return bool(digits) and len(digits) <= 2 and int(digits) <= 97


def _nirs_across_turns(folded: str) -> Iterable[Entity]:
    if "\n" not in folded or not NIR_CONTEXT.search(folded):
        return
    for match in SPOKEN_RUN_RE.finditer(folded):
        start, end = _trim(folded, match.start(), match.end())
        line_end = folded.find("\n", end)
        if line_end < 0 or folded[end:line_end].strip(" \t,.") or end <= start:
            continue
        if not NIR_CONTEXT.search(folded[max(0, start - 120) : start]) and not re.search(
            r"numero", folded[max(0, start - 60) : start]
        ):
            continue  # the NIR asked for near, or its number in a text about it
        digits = _run_digits(folded, start, end)
        if digits[:1] not in {"1", "2"} or len(digits) > 13:
            continue  # thirteen digits read at once may still be followed by their key
        last = end
        position = line_end + 1
        for _ in range(6):
            if len(digits) >= 15 or position >= len(folded):
                break
            content, next_end = _line_content(folded, position)
            line = folded[content:next_end].strip()
            if _ACKNOWLEDGEMENT.fullmatch(line) if line else False:
                position = next_end + 1
                continue
            key_said = KEY_SAID_RE.match(folded, content, next_end)
            if key_said:
                content = key_said.end()
            part = SPOKEN_RUN_RE.match(folded, content, next_end)
            if not part or (
                len(digits) >= 13
                and not key_said
                and not (len(digits) == 13 and _bare_key(folded, part.start(), next_end))
            ):
                break  # once the thirteen digits are read, only the key may follow
            part_start, part_end = _trim(folded, part.start(), part.end())
            if part_end <= part_start:
                break
            digits += _run_digits(folded, part_start, part_end)
            last = part_end
            if folded[part_end:next_end].strip(" \t,."):
                break
            position = next_end + 1
        if last > end and 13 <= len(digits) <= 15:
            key = NIR_KEY_AFTER_RE.match(folded, last)
            if key:
                last = key.end()
                while last > start and not folded[last - 1].isalnum():
                    last -= 1
            yield Entity(start, last, "NIR")


# What a caller may say between two parts of a NIR (« … trente-trois d'accord cent deux … »,
# « … quarante-quatre je vous le dis doucement cent neuf … »), or the agent's turn between
# them (« agent oui / appelant vingt-neuf »): a few words, no digit, no question.
_PIECE_GAP_RE = re.compile(r"[^\d?]{1,60}")
_GAP_WORD_RE = re.compile(r"[a-z']+")
# Between two parts, what asks for something else than the NIR (« et l'adresse ? »), or a
# street after the number (the house's number, not a part of the NIR).
OTHER_ITEM_ASKED_RE = re.compile(
    r"adresse|\brue\b|code[ \t]+postal|t[ée]l[ée]phone|\bmail|naissance|immatricul|plaque"
    r"|\biban\b|\brib\b|montant|euros?\b|allocataire|fiscal",
    re.IGNORECASE,
)
HOUSE_NUMBER_AFTER_RE = re.compile(
    r"[ \t]+(?:bis[ \t]+|ter[ \t]+)?(?:rue|avenue|boulevard|bd|chemin|allee|impasse|place|route"
    r"|quai|cours|lotissement|residence)\b",
    re.IGNORECASE,
)


def _nirs_in_pieces(folded: str) -> Iterable[Entity]:
    """A NIR read in parts with an aside or an acknowledgement between them, in one turn or
    across turns: the parts after the number was asked for, when they add up to thirteen to
    fifteen digits from a sex, a year and a month. Each part is masked, not the words
    between them."""
    if not (NIR_CONTEXT.search(folded) or "numero" in folded):
        return
    runs: list[tuple[int, int, str]] = []
    for match in SPOKEN_RUN_RE.finditer(folded):
        start, end = _trim(folded, match.start(), match.end())
        if end > start:
            digits = _run_digits(folded, start, end)
            if digits:
                runs.append((start, end, digits))
    index = 0
    while index < len(runs):
        start, end, digits = runs[index]
        before = folded[max(0, start - 120) : start]
        month = digits[3:5]
        if (
            len(digits) < 5
            or len(digits) > 12
            or digits[:1] not in {"1", "2"}
            or not (month.isdigit() and (1 <= int(month) <= 12 or 20 <= int(month) <= 99))
            or not (NIR_CONTEXT.search(before) or "numero" in before[-60:])
        ):
            index += 1
            continue
        pieces = [(start, end)]
        total = digits
        following = index + 1
        while following < len(runs) and len(total) < 15:
            next_start, next_end, next_digits = runs[following]
            gap = folded[pieces[-1][1] : next_start]
            if (
                not _PIECE_GAP_RE.fullmatch(gap)
                or gap.count("\n") > 2
                or len(_GAP_WORD_RE.findall(gap)) > 6
                or len(total) + len(next_digits) > 15
                or len(next_digits) < 2
                or OTHER_ITEM_ASKED_RE.search(gap)
                or HOUSE_NUMBER_AFTER_RE.match(folded, next_end)
            ):
                break  # « … et l'adresse de livraison / trente et un rue … »: not the NIR
            total += next_digits
            pieces.append((next_start, next_end))
            following += 1
        if len(pieces) > 1 and 13 <= len(total) <= 15:
            for piece_start, piece_end in pieces:
                yield Entity(piece_start, piece_end, "NIR")
            index = following
        else:
            index += 1


def _spoken_identifier(folded: str, start: int, end: int) -> Entity | None:
    """What a run of number words (and digits) between ``start`` and ``end`` is, if any."""
    words = _words_of(folded[start:end])
    spoken = [w for w in words if not w.isdigit() and w not in SKIPPED | {"et"}]
    if len(words) < 4 or not spoken:
        return None
    # commas mark the groups people say (« neuf cinq cinq, cent quatre-vingt-douze »), and
    # so does the key's name (« … zéro quarante clé quatre-vingt-seize »)
    digits = _run_digits(folded, start, end)
    before = folded[max(0, start - 80) : start]
    country = SPOKEN_COUNTRY_RE.search(before)
    if country and len(digits) >= 6 and BANK_CONTEXT.search(folded):
        # « f r quatre-vingt-six trente mille … »: an IBAN read aloud, or read back
        return Entity(start - (len(before) - country.start(1)), end, "IBAN")
    if len(spoken) < 3 and not (
        # « un 85 03 75 123 456 clé 78 »: digits and a word or two, after its name
        13 <= len(digits) <= 15 and digits[:1] in {"1", "2"} and NIR_CONTEXT.search(before)
    ):
        return None
    if (len(digits) >= 10 and digits[:1] in {"1", "2"} and NIR_CONTEXT.search(before)) or (
        # a temporary number (NIA) starts with 7 or 8, a NIR abroad with 3 or 4
        13 <= len(digits) <= 15
        and digits[:1] in {"3", "4", "7", "8"}
        and NIR_CONTEXT.search(before)
    ):
        # a NIR read aloud, even when a group was misread or misspoken
        key = NIR_KEY_AFTER_RE.match(folded, end)
        if key:
            end = key.end()
            while end > start and not folded[end - 1].isalnum():
                end -= 1
        return Entity(start, end, "NIR")
    if (len(digits) == 13 and TAX_CONTEXT.search(folded)) or (
        # a group misread (one digit too many or too few) right after its name
        12 <= len(digits) <= 14 and digits[:1] in "0123" and TAX_CONTEXT.search(before)
    ):
        return Entity(start, end, "TAX_NUMBER")
    if 13 <= len(digits) <= 15 and digits[:1] in {"1", "2"} and NIR_CONTEXT.search(folded):
        # a NIR's shape in a text about the carte Vitale, even named after the number, with
        # its key said after it (« … et la clé c'est vingt-huit »)
        key = NIR_KEY_AFTER_RE.match(folded, end) if len(digits) == 13 else None
        if key:
            end = key.end()
            while end > start and not folded[end - 1].isalnum():
                end -= 1
        return Entity(start, end, "NIR")
    if _nir_shaped(digits, before, ends_text=not folded[end:].strip(" \t\n.,!?")):
        # a NIR read aloud where nothing names it: its key checks, or « numéro » before
        # twelve to fifteen digits whose month is one, or they end the transcript
        return Entity(start, end, "NIR")
    if len(digits) in {15, 16} and CARD_CONTEXT.search(folded):
        return Entity(start, end, "CARD")
    if (5 <= len(digits) <= 10 and CAF_CONTEXT.search(before[-60:])) or (
        6 <= len(digits) <= 8 and (CAF_CONTEXT.search(folded) or CAF_TEXT_CONTEXT.search(folded))
    ):
        return Entity(start, end, "CAF_NUMBER")
    return None


def _nir_shaped(digits: str, before: str, *, ends_text: bool = False) -> bool:
    """A sex, a year and a month: a NIR when its key checks, or when « numéro » announces it
    (a group misheard, the key wrong or cut off), or when the caller ends on it."""
    if digits[:1] not in {"1", "2"} or not 12 <= len(digits) <= 15:
        return False
    month = int(digits[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    if len(digits) == 15 and nir_key(digits[:13]) == int(digits[13:]):
        return True
    if CAF_CONTEXT.search(before[-60:]) or TAX_CONTEXT.search(before[-60:]):
        return False  # another number was asked for
    return bool(re.search(r"numero|\bnum\b|n°", before[-60:])) or (ends_text and len(digits) >= 13)


# « agent et la clé / appelante quatre-vingt-seize »: the NIR's key asked for, answered on
# the next line (after the speaker's name, with or without a colon).
KEY_ANSWER_RE = re.compile(
    r"(?:\bcle|\bclef)\b[^\n\d]{0,20}\n[ \t>]*(?:[a-z]+(?:[ \t]+[a-z]+)?[ \t]*:?[ \t]+)??"
    r"(?:(?:c'est|alors|euh|oui|la[ \t]+cle)[ \t,]+)*"
    rf"(\d{{2}}(?!\d)|{_KEY_WORDS})[ \t.]*(?=$|\n)",
    re.IGNORECASE,
)


def _keys_answered(folded: str) -> Iterable[Entity]:
    if "\n" not in folded or not NIR_CONTEXT.search(folded):
        return
    for match in KEY_ANSWER_RE.finditer(folded):
        start, end = _trim(folded, match.start(1), match.end(1))
        if end > start:
            yield Entity(start, end, "NIR")


# The two letters of an IBAN's country read aloud before its digits (« f r », « F R »).
SPOKEN_COUNTRY_RE = re.compile(r"(?<![\w])((?:f[ \t.\-]*r|fr))[ \t,.\-]+$", re.IGNORECASE)


# --- Bank numbers copied by hand ----------------------------------------------------------

BANK_CONTEXT = re.compile(
    r"\b(?:iban|rib|bic|compte|virement|prelevement|coordonnees\s+bancaires|banque)\b",
    re.IGNORECASE,
)
CARD_CONTEXT = re.compile(
    r"\b(?:carte(?![ \t]+(?:vitale|grise|d'identite|de[ \t]+sejour|d'invalidite|mobilite))|cb"
    r"|visa|mastercard|bancaire|bleue|debit|debitee|paiement)\b",
    re.IGNORECASE,
)
LOOSE_IBAN_RE = re.compile(
    r"(?<![\w])[a-z]{2}\d{2}(?:[ .\-]?[a-z0-9]){10,32}(?![\w])", re.IGNORECASE
)
LOOSE_CARD_RE = re.compile(r"(?<![\w])\d(?:[ .\-]?\d){12,18}(?![\w])")


def find_loose_bank_numbers(text: str, folded: str) -> Iterable[Entity]:
    """An IBAN or a card number whose checksum fails, right after its name (« IBAN : … »,
    « ma carte bancaire … »): a copy error still identifies the account."""
    for match in LOOSE_IBAN_RE.finditer(folded):
        if not BANK_CONTEXT.search(folded[max(0, match.start() - 60) : match.start()]):
            continue
        compact, offsets = _compact(folded, match.start(), match.end())
        expected = IBAN_LENGTHS.get(compact[:2].upper())
        if expected is None or abs(len(compact) - expected) > 1:
            continue
        yield Entity(offsets[0], offsets[-1] + 1, "IBAN")
    for match in LOOSE_CARD_RE.finditer(folded):
        compact, offsets = _compact(folded, match.start(), match.end())
        if len(compact) not in {15, 16} or luhn_valid(compact):
            continue  # a valid card is found by the card rule
        if CARD_CONTEXT.search(folded[max(0, match.start() - 60) : match.start()]):
            yield Entity(offsets[0], offsets[-1] + 1, "CARD")


# --- Number plates read aloud -------------------------------------------------------------

PLATE_TEXT_CONTEXT = re.compile(
    r"immatricul|plaque|voiture|vehicule|carte grise|\bauto\b|moto|scooter|camion|\bpv\b"
    r"|amende|radar|fourriere",
    re.IGNORECASE,
)
# A letter said by its name on the phone (« bé », « enne », « hache », « double v »), or
# written alone.
LETTER = (
    # spelled with a word (« G comme Gaston », « K comme Kilo »)
    r"(?:[a-z][ \t]+comme[ \t]+[a-z][a-z'\-]+"
    r"|double[ \t]+ve?|i[ \t]+grec|hache|ache|effe|elle|emme|enne|erre|esse|zede|zed"
    r"|[bcdgptv]e|ef|el|em|en|er|es|cu|ku|ka|ji|ix|[a-z])(?![\w])"
)
_SEP = r"[ \t,.\-]+"
SPOKEN_PLATE_RE = re.compile(
    rf"(?<![\w])({LETTER}){_SEP}({LETTER}){_SEP}"
    rf"((?:(?:{NUMBER_WORD}|\d{{1,3}}){_SEP}){{1,6}})"
    rf"({LETTER}){_SEP}({LETTER})",
    re.IGNORECASE,
)
# « GH deux cent huit RW »: the two letters glued, in capitals.
GLUED_PLATE_RE = re.compile(
    rf"(?<![\w])([A-Z]{{2}})[ \t]+((?:(?:{NUMBER_WORD}|\d{{1,3}})[ \t\-]+){{1,4}})"
    r"([A-Z]{2})(?![\w])"
)
# « hg trois cent quarante-sept lm »: the two letters glued in lower case, only where the
# plate was named or asked for just before.
GLUED_LOWER_PLATE_RE = re.compile(
    rf"(?<![\w])([a-z]{{2}})[ \t]+((?:(?:{NUMBER_WORD}|\d{{1,3}})[ \t\-]+){{1,4}})"
    r"([a-z]{2})(?![\w])"
)
# The old format read aloud: « deux mille trois cent quarante-cinq z t vingt-neuf ».
OLD_SPOKEN_PLATE_RE = re.compile(
    rf"(?<![\w])((?:(?:{NUMBER_WORD}|\d{{1,4}}){_SEP}){{1,7}})"
    rf"({LETTER}){_SEP}({LETTER})(?:{_SEP}({LETTER}))?"
    rf"((?:{_SEP}(?:{NUMBER_WORD}|\d{{2}}))(?:[ \t\-]+(?:{NUMBER_WORD})){{0,3}})(?![\w])",
    re.IGNORECASE,
)


PLATE_NAMED_BEFORE_RE = re.compile(
    r"(?:immatriculation|immat|plaque|immatricule|immatriculee|(?:voiture|vehicule|moto|scooter)"
    r"[ \t]+(?:c'est|c|est))[^\n\d]{0,15}$",
    re.IGNORECASE,
)


def find_spoken_plates(text: str, folded: str) -> Iterable[Entity]:
    """« A B cent vingt-trois C D », « bé enne sept cent quarante-quatre cu hache », « AB 1 2
    3 CD » read on the phone, in a text about a vehicle; the old format read aloud after its
    name."""
    if not PLATE_TEXT_CONTEXT.search(folded):
        return
    read: set[str] = set()
    last_end = -1000
    for match in SPOKEN_PLATE_RE.finditer(folded):
        letters = "".join(text[match.start(g) : match.end(g)] for g in (1, 2, 4, 5))
        said = " ".join(match.group().lower().split())
        if (
            not (letters.isupper() and len(letters) == 4)
            and said not in read
            and match.start() - last_end > 40  # « … h j non é f quatre cent douze h g »
            and not PLATE_NAMED_BEFORE_RE.search(folded[max(0, match.start() - 30) : match.start()])
            and not PLATE_ASKED_RE.search(folded[max(0, match.start() - 90) : match.start()])
        ):
            continue  # « il y a deux … »: lower-case letters are words, unless the plate
            # was just announced (« l'immatriculation a b cent vingt-trois c d »), asked
            # for on the line before, or read back
        digits = "".join(read_number_words(_words_of(match.group(3))))
        if 1 <= len(digits) <= 3:
            read.add(said)
            last_end = match.end()
            yield Entity(match.start(), match.end(), "PLATE")
    for match in GLUED_PLATE_RE.finditer(text):
        digits = "".join(read_number_words(_words_of(folded[match.start(2) : match.end(2)])))
        if len(digits) == 3 or (1 <= len(digits) <= 3 and re.search(r"[a-z]", match.group(2))):
            yield Entity(match.start(), match.end(), "PLATE")
    for match in GLUED_LOWER_PLATE_RE.finditer(folded):
        if not text[match.start() : match.start() + 2].islower():
            continue  # capitals: the rule above
        before = folded[max(0, match.start() - 90) : match.start()]
        if not (PLATE_NAMED_BEFORE_RE.search(before[-30:]) or PLATE_ASKED_RE.search(before)):
            continue
        digits = "".join(read_number_words(_words_of(match.group(2))))
        if 1 <= len(digits) <= 3:
            yield Entity(match.start(), match.end(), "PLATE")
    for match in OLD_SPOKEN_PLATE_RE.finditer(folded):
        # the letters spelled in capitals by whoever wrote the call down (« … Q T M
        # vingt-neuf »), in a text about a vehicle, or the plate named right before
        spelled = text[match.start(2) : match.end(4) if match.group(4) else match.end(3)]
        if not (
            PLATE_NAMED_BEFORE_RE.search(folded[max(0, match.start() - 40) : match.start()])
            or (spelled.isupper() and len(re.sub(r"[^A-Z]", "", spelled)) == 3)
        ):
            continue
        number = "".join(read_number_words(_words_of(match.group(1))))
        department = "".join(read_number_words(_words_of(match.group(5))))
        if 1 <= len(number) <= 4 and 1 <= len(department) <= 3:
            yield Entity(match.start(), match.end(), "PLATE")
            yield from _plate_start_said_before(folded, match)


def _plate_start_said_before(folded: str, plate: re.Match[str]) -> Iterable[Entity]:
    """« ça commence par sept cent douze euh / … sept cent douze B R K trente-cinq »: the
    plate's number said alone before the whole plate is read."""
    said = " ".join(plate.group(1).split()).strip(" ,.-")
    if len(said) < 6:
        return
    pattern = re.compile(
        r"(?<![\w\-])" + r"[\s,.\-]+".join(map(re.escape, said.split())) + r"(?![\w\-])"
    )
    for match in pattern.finditer(folded, max(0, plate.start() - 300), plate.start()):
        yield Entity(match.start(), match.end(), "PLATE")


# The agent's question on the line before the answer: « quelle est l'immatriculation du
# véhicule / usager : c'est h k quatre cent douze b z ».
PLATE_ASKED_RE = re.compile(
    r"(?:immatriculation|immat|plaque)[^\n\d]{0,40}\n[^\n\d]{0,30}$", re.IGNORECASE
)
