"""Postal addresses: street type and name, house number, complements, postcode and city.

spaCy has no address label (it tags street names as LOC), so addresses come from rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parvis.language.anonymiser.base import MONTHS, NUMBER_WORDS, Entity

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
