"""Postal addresses: street type and name, house number, complements, postcode and city.

spaCy has no address label (it tags street names as LOC), so addresses come from rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from parvis.language.anonymiser.base import MONTHS, NUMBER_WORDS, Entity
from parvis.language.anonymiser.spoken import read_number_words
from parvis.language.registers import split_email
from parvis.language.text import fold

# --- Addresses ----------------------------------------------------------------------------

STREET_TYPES = (
    r"rue|avenue|avnue|avenu|aveune|boulvard|boulevar|impase|av\.?|ave|bd|bld|blvd|bvd|boulevard|boul\.?|allee|allees|chemin|che\.?|ch\.|impasse"
    r"|imp\.?|place|pl\.|route|rte|quai|cours|square|sq\.?|residence|res\.|lotissement|lot\."
    r"|lieu[- ]dit|lieudit|cite|hameau|chaussee|faubourg|fbg|voie|sentier|passage|rond[- ]point"
    r"|promenade|esplanade|parvis|villa|montee|traverse|venelle|clos|domaine|quartier|cour"
    r"|r\.|r(?=[ \t]+(?:de|du|des|d'|[A-Z]))|crs|q\.|all\.|cote|rampe|levee|digue|butte|tertre"
    r"|sente|cavee|val|vallon|plateau|morne|servitude|tribu"
    # regional: a Provençal farmstead, a Breton road (« 7 mas des Saules », « 8 hent Kerouel »)
    # (Breton articles too: « 6 hent ar Stêr », « 3 straed an Iliz »)
    r"|(?:mas|hent|straed|bali)(?=[ \t]+(?:(?:de[ \t]+la|des|du|de|le|la|les|ar|an|al)[ \t]+"
    r"|d'|l')?(?-i:[A-ZÀ-Þ]))"
    r"|ancien\s+chemin|petite\s+rue|grande\s+rue|rond-point|voie\s+communale"
    r"|parc|mail|ruelle|carrefour|galerie|zone|za|zi|zac|lieu dit|grande rue|grand rue"
    r"|grand'rue|grande-rue|grand-rue|hlm"
    # the street type left out, a title opening the name (« 12 Général de Gaulle »): only
    # after a house number (see ``TITLE_STREET``)
    r"|general|president|marechal|amiral|commandant|colonel|capitaine|docteur|professeur"
    # abroad (pensions paid to Portugal, Spain, Italy, Germany, Belgium…)
    r"|rua|avenida|travessa|largo|calle|carrer|via|viale|piazza|strasse|straße|weg|straat"
    r"|res(?=[ \t]+(?:les?[ \t]+|la[ \t]+)?[A-Z])"
)
FOREIGN_STREET_TYPES = frozenset(
    "rua avenida travessa largo calle carrer via viale piazza strasse straße weg straat".split()  # noqa: SIM905
)
# « 4700-309 Braga », « 1050 Bruxelles », « 28013 Madrid »: a foreign postcode and its town.
FOREIGN_POSTCODE_CITY_RE = re.compile(
    r"[ \t]*(?:,|\n)?[ \t]*(?:[A-Z]-)?\d{4,5}(?:-\d{3})?"
    r"[ \t]+[A-Z][\w'’\-]+(?:[ \t]+[A-Z][\w'’\-]+)?"
)
TITLE_STREET = frozenset(
    (
        "general",
        "president",
        "marechal",
        "amiral",
        "commandant",
        "colonel",
        "capitaine",
        "docteur",
        "professeur",
    )
)
# Street types that are also ordinary words: without a number, only with a capitalised name.
AMBIGUOUS_STREET_TYPES = frozenset(
    [
        "mail",
        "parc",
        "zone",
        "voie",
        "cour",
        "cours",
        "val",
        "plateau",
        "passage",
        "cote",
        "digue",
        "butte",
        "clos",
        "domaine",
        "villa",
        "place",
        "route",
        "sentier",
        "carrefour",
        "galerie",
        "levee",
        "rampe",
        "traverse",
        "morne",
        "mas",
        "hent",
    ]
)
STREET_NEEDS_NO_NUMBER = re.compile(
    r"residence|res\.?|lotissement|lot\.|lieu[- ]?dit|cite|hameau|domaine|clos|hlm|villa|servitude"
    r"|tribu",
    re.IGNORECASE,
)
HOUSE_NUMBER = (
    # « 12 », « 12 bis », « 12-14 », « 12/14 »
    rf"(?:(?:\d{{1,4}}\s?[-/]\s?)?\d{{1,4}}(?:\s?(?:bis|ter|quater|[a-d])\b)?|(?:(?:{NUMBER_WORDS})[\s-]+){{1,4}}"
    r"(?:(?:bis|ter)\s+)?)"
)
STREET_RE = re.compile(
    # never a date's year read as a house number (« née 1.9.1994, mail … »)
    rf"(?<![\w])(?:(n°\s?|numero\s)?(?<![./])({HOUSE_NUMBER})\s*,?\s*(?:(?:euh|heu|ben|bah)\s+)?"
    r"(?:de\s+la\s+|du\s+|de\s+l'|de\s+)?)?"
    rf"(?:\b)({STREET_TYPES})(?=[\s,.']|$)",
    re.IGNORECASE,
)
HABITAT_TRIGGER = re.compile(
    r"(?<![a-z])(?:j'?)?(?:habite|habitons|habitent|habitez|demeurant|domicilie|domiciliee|domicile|adresse"
    r"|reside|residant|residons|demenage|loge|vis|vit|vivons|situe|situee|courrier|envoy\w*"
    r"|expedi\w*|heberge|hebergee|installe|installee)\b[^\n.]{0,25}$",
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
# Stop words that never open a street's name (« rue Sans-Souci », « rue aux Ours » may).
_NO_STREET_START = """et mais car donc je j on il elle nous vous ils elles qui que qu ou est suis
ai sont ont ne n pas plus svp merci bonjour alors puis quand si parce c ca cela"""
NO_STREET_START = frozenset(_NO_STREET_START.split())
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
# Street particles that are a name on their own when nothing follows them.
TITLES = frozenset(
    ("general", "gal", "marechal", "docteur", "dr", "president", "abbe", "saint", "sainte")
)
COMPLEMENT_RE = re.compile(
    r"\s*[,\-–—]?\s*(?:(?i:n°|b[aâ]t(?:iment)?\.?|bt|appartement|appart\.?|appt?\.?|apt\.?|app\.?"
    r"|esc(?:alier)?\.?|[ée]tage|porte|logement|log\.?|r[ée]sidence|r[ée]s\.|bo[iî]te\s(?:aux\s)?lettres"
    r"|bal|bp|cs|tour|immeuble|entr[ée]e|lot|chambre|emplacement|bloc|studio|esq\.?|dto\.?"
    r"|caravane|mobil[- ]?home"
    r"|chez\s(?:m\.|mme|mr)?)\s*(?:n°\s?)?[\w\-']{1,20}"
    r"(?:\s(?i:[ée]tage|et\.))?(?:[ \t]+[A-Z][\w\-']*){0,2}"
    r"|\d{1,2}\s?(?i:e|eme|ème|er|ere|ère)\s+(?i:[ée]tage|gauche|droite)"
    r"|\d{1,2}\s?[º°ª](?:\s+(?i:esq|dto|dta|andar|piso|izq|dcha)\.?)?"
    r"|(?i:sans\s+num[ée]ro|s/n))",
)
POSTCODE_CITY_RE = re.compile(
    r"\s*[,\-–—]?\s*(?<!\d)((?:[0-9]{2}|2[ABab])\s?\d{3})(?!\d)"
    r"(?:[ \t]*[,\-]?[ \t]*((?:(?i:les|le|la)[ \t]+|(?i:l')[ \t]?)?(?:[A-Za-z][\w']*(?:-[\w']+)*)"
    r"(?:[ \t]+(?:(?:sur|sous|en|les|le|la|de|du|des|d'|l'|aux|et)[ \t]+)?"
    r"[A-Z][\w']*(?:-[\w']+)*){0,3}))?(?:\s+(?i:cedex)(?:\s?\d{1,2})?)?",
)
CITY_AFTER_RE = re.compile(
    r"\s*(?:,\s*|\s)(?:(?:euh|heu|alors|donc)[ \t,]+)?(?i:a|au|sur)\s+"
    r"((?:(?i:le|la|les|l')[ \t]?)?(?:[A-Za-z][\w']*)(?:-[\w']+)*"
    r"(?:[\s](?:sur|sous|en|les|le|la|de)[\s\-](?!(?i:code|cp)\b)[A-Za-z][\w'\-]*)?)",
)
WORD_RE = re.compile(r"[\w'\-\.]+|\S")
# « 3 place du Marché, Saint-Flour »: a town after a comma, then the end of the clause
CITY_AFTER_COMMA_RE = re.compile(
    r"[ \t]*,[ \t]*((?:(?:Le|La|Les|L')[ \t]?)?[A-Z][a-z'’]+(?:-[A-Za-z'’]+)*"
    r"(?:[ \t]+(?:sur|sous|en|les|le|la|de|du)[ \t\-]+[A-Z][\w'’\-]*)?)"
    r"(?=[ \t]*(?:$|[\n.,;!?)]|[ \t](?:depuis|et|mais|pour|je|j'|car|donc|ou|avec|svp|merci)\b))"
)
LOWER_CITY_AFTER_COMMA_RE = re.compile(
    r"[ \t]*,[ \t]*([a-z][a-z'’]{2,}(?:[\- ](?:sur|sous|en|les|le|la|de|du)[\- ][a-z'’]+"
    r"|-[a-z'’]+)*)(?=[ \t]*(?:$|[\n.,;!?)]))"
)
CLAUSE_END_RE = re.compile(
    r"[ \t]*(?:$|[\n.,;!?)]|(?:depuis|et|mais|pour|je|j'|car|donc|ou|avec|svp|merci|stp)\b)"
)
TOWN_AFTER_RE = re.compile(r"[ \t]+(?:à|a)[ \t]+(?:(?:Le|La|Les|L')[ \t]?)?[A-ZÀ-Þ][\w'’]+")
STREET_START_RE = re.compile(rf"(?:{STREET_TYPES})[\s.]", re.IGNORECASE)


# A street named by a number (« rue n° 4 » in a mining town's cité)
NUMBERED_STREET_RE = re.compile(r"[ \t]+(?:n°|no|numero)[ \t]*\d{1,4}(?![\w])", re.IGNORECASE)
BRACKET_COMPLEMENT_RE = re.compile(
    r"[ \t]*\((?i:sonnette|interphone|code|digicode|chez|bo[iî]te|b[aâ]t|appt?|porte)"
    r"[^()\n]{1,30}\)"
)
WHOLE_STREET_RE = re.compile(r"grande?[\s\-']rue", re.IGNORECASE)
NUMBER_AFTER_RE = re.compile(
    r"[ \t]*,?[ \t]*(?:(?:au[ \t]+)?(?:n°|numero|num\.?|no\.?)[ \t]*\d{1,4}|\d{1,4})"
    r"(?:[ \t]?(?:bis|ter)\b)?"
    r"(?=[ \t]*(?:$|[\n,.;!?)]|[ \t](?:a|au|sur|en|depuis|et|mais)\b|[ \t]+\d{5}))",
    re.IGNORECASE,
)


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
    title_end = 0
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
        if lowered in STREET_STOP_WORDS and (words > 0 or lowered in NO_STREET_START):
            break  # (« l'office HLM mais la gardienne »: no street is named « mais »)
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
        elif lowered in TITLES:
            title_end = position
    if end == start and title_end:
        return title_end  # « boulevard Amiral », « avenue Général »: the title is the name
    return end


def _merge_adjacent(entities: list[Entity], folded: str) -> list[Entity]:
    merged: list[Entity] = []
    for entity in sorted(entities):
        if (merged and re.fullmatch(r"[\s,\-()>]*", folded[merged[-1].end : entity.start])) or (
            merged and entity.start < merged[-1].end
        ):
            previous = merged.pop()
            entity = Entity(previous.start, max(previous.end, entity.end), "ADDRESS")
        merged.append(entity)
    return merged


# --- Postal blocks: what stands before a postcode and its city -------------------------------

# never the tail of a longer number written in groups (« 22 05 613 »)
POSTCODE_RE = re.compile(
    r"(?<![\w€$])(?<![A-Za-z]-)((?:[0-9]{2}|2[AB])(?:(?<!\d[ .]\d\d)[ ])?\d{3})"
    r"(?![\w,.]?\d|-\w\b)",
    re.IGNORECASE,
)
NOT_A_POSTCODE_AFTER = re.compile(
    r"^\s*(?:€|euros?\b|eur\b|e\b|habitants|km|m2|m²|personnes|h\b|\*|%|/|dollars|francs|cv\b)",
    re.IGNORECASE,
)
NOT_A_POSTCODE_BEFORE = re.compile(
    r"(?:cerfa|article|art\.|n°|no|numero|num|ref|reference|dossier|montant|de|pour|plus|moins"
    r"|environ|€|allocataire|fiscal|compte|facture|contrat|siret|siren|tel|code)\s*:?\s*$",
    re.IGNORECASE,
)
CITY_WORD = r"(?:[A-ZÀ-Þ][\w'’]*(?:-[\w'’]+)*)"
CITY_PARTICLE = r"(?:sur|sous|en|les|le|la|de|du|des|d'|l'|aux|et|lès|les)"
CITY_AFTER_POSTCODE_RE = re.compile(
    rf"[ \t]*[,\-]?[ \t]*((?:(?i:le|la|les|l')[ \t]?)?{CITY_WORD}"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,3}}"
    r"(?:[ \t]+(?i:cedex)(?:[ \t]?\d{1,2})?)?)"
)
CITY_AFTER_POSTCODE_LOWER_RE = re.compile(
    r"[ \t]*[,\-]?[ \t]*((?:(?:les|le|la)[ \t]+|l'[ \t]?)?[a-z][\w'’]*(?:-[\w'’]+)*)"
)
CITY_BEFORE_POSTCODE_RE = re.compile(
    rf"((?:(?i:le|la|les|l')[ \t]?)?{CITY_WORD}"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,3}})"
    r"[ \t]*(?:\([ \t]*|,[ \t]*)?$"
)
# What may stand, comma-separated, before a postcode: a PO box, a kilometre point, a lot, a
# complement, or the name of a place (lieu-dit, quartier, lotissement, hamlet, farm…).
PO_BOX_RE = re.compile(
    r"(?:\bb\.?p\.?|boite\s+postale|\bcs|\btsa|\bpk|\blot|\bbat(?:iment)?\.?|\bappt?\.?|\bapt\.?"
    r"|\bappartement|\besc(?:alier)?\.?|\betage|\bporte|\bchambre|\bch\.|\bemplacement|\bbloc"
    r"|\bvilla|\bmaison|\bbureau|\blocal)"
    r"\s*n?°?\s*[\w]{1,6}(?:[,.]\d{1,3})?"
    r"(?:[ \t]+cote[ \t]+(?:mer|montagne))?$",
    re.IGNORECASE,
)
PLACE_LEAD_WORDS = (
    r"lieu[- ]?dit|lieudit|hameau|quartier|lotissement|residence|cite|tribu|village|servitude"
    r"|morne|mas|ferme|domaine|chemin|route|impasse|rue|allee|manoir|moulin"
    r"|les|le|la|l'|au"
)
PLACE_PARTICLE = r"(?:de|du|des|la|le|les|d'|l'|ar|an|al|en|aux)"
PLACE_NAME_RE = re.compile(
    rf"(?<![\w])(?:(?i:{PLACE_LEAD_WORDS})[ \t]+)?(?:{CITY_WORD}|{PLACE_PARTICLE})"
    rf"(?:(?:[ \t]+|(?<=['’]))(?:{CITY_WORD}|{PLACE_PARTICLE}|\d{{1,3}})){{0,5}}$"
)
# A site named in lower case before the postcode (« camping municipal, emplacement 14, 51160
# … », « aire d'accueil des gens du voyage, route de Lens, 59260 … »).
HOUSING_PART_RE = re.compile(
    r"(?<![\w])(?:camping|aire|foyer|chrs|residence|res|cite|maison|ferme|lieu[- ]?dit|hameau"
    r"|village|mas|quartier|manoir|moulin)(?:[ \t]+[\w'’\-]+){1,6}$"
)
ADDRESS_TRIGGER = re.compile(
    r"(?:adresse|habite|habitons|habitent|domicile|domicilie|domiciliee|demeurant|demenage"
    r"|reside|residant|expedie|envoye|envoyer|partir|courrier|livr\w*|\bau|\bchez|:)\s*$",
    re.IGNORECASE,
)


PLACE_GLUE = STREET_PARTICLES | {"ar", "an", "al", "en", "aux", "au"}
PLACE_STOP_WORDS = STREET_STOP_WORDS - {
    "appt", "apt", "app", "bat", "residence", "res", "porte", "etage", "esc", "escalier"
}  # fmt: skip


def _postal_parts_before(text: str, folded: str, start: int) -> int:
    """Start of the address parts written before ``start`` (comma, dash or line apart)."""
    for _ in range(4):
        separator = re.search(r"(?:[ \t]*[,\-–][ \t]*|[ \t]*\n[ \t>]*|[ \t]+)$", folded[:start])
        if not separator:
            break
        head = folded[max(0, separator.start() - 80) : separator.start()]
        original = text[max(0, separator.start() - 80) : separator.start()]
        unit = PO_BOX_RE.search(head)
        housing = None if unit else HOUSING_PART_RE.search(head)
        part = unit or housing or PLACE_NAME_RE.search(original)
        if not part or part.end() - part.start() < 2:
            break
        words = re.findall(r"[\w'’]+", part.group())
        if not words or all(w.lower() in PLACE_GLUE for w in words):
            break
        stops = [w for w in words[1:] if w.lower() in PLACE_STOP_WORDS]
        named_place = (
            housing is not None
            and all(w.lower() in PLACE_GLUE for w in stops)
            and re.search(r"[A-Z]", original[part.start() :])
        )  # « ferme de la Croix aux Moines, 51300 … »: « aux » inside a place's name
        if not unit and stops and not named_place:
            break  # (a unit's letter may be any: « bât c », « esc a »)
        start = separator.start() - (len(head) - part.start())
        # a single capitalised word right after a sentence is not a place (« Merci, 33000 »)
    return start


LOWER_PLACE_BEFORE_RE = re.compile(
    r"(?:adresse|habite|domicilie|domiciliee|demeurant|reside|residons)"
    r"[ \t]*(?::|c'est|c|est)?[ \t]+"
    # « mon adresse c 12 les hauts de chantepie 35135 … »: a house number, then the place
    r"((?:\d{1,4}(?:[ \t]?(?:bis|ter))?[ \t]+)?(?:[a-z][\w'\-]*[ \t]+){0,4}[a-z][\w'\-]*)"
    r"[ \t]*,?[ \t]*$"
)


def find_postal_blocks(text: str, folded: str) -> Iterable[Entity]:
    lowercase_text = not any(ch.isupper() for ch in text[1:])
    for match in POSTCODE_RE.finditer(folded):
        start, end = match.start(1), match.end(1)
        if NOT_A_POSTCODE_AFTER.match(folded[end:]) or NOT_A_POSTCODE_BEFORE.search(
            folded[max(0, start - 25) : start]
        ):
            continue
        city = CITY_AFTER_POSTCODE_RE.match(text, end)
        if city is None and (lowercase_text or _postal_parts_before(text, folded, start) < start):
            # a town in lower case after a postcode: in a text all in lower case, or in a
            # mixed one when address parts come first (« hlm les fauvettes esc B 16000
            # angouleme », « res les tilleuls bat C apt 12 33300 bordeaux »)
            city = CITY_AFTER_POSTCODE_LOWER_RE.match(folded, end)
            if city and (
                city.group(1).lower() in STREET_STOP_WORDS or city.group(1).lower() in NOT_A_CITY
            ):
                city = None
        block_start = start
        before = CITY_BEFORE_POSTCODE_RE.search(text[max(0, start - 60) : start])
        if city is None and before is None and lowercase_text:
            before = re.search(r"([a-z][\w'’\-]*)[ \t]*\(?$", folded[max(0, start - 40) : start])
            if before and before.group(1) in STREET_STOP_WORDS:
                before = None
        if city is None and before is None:
            continue
        block_end = city.end(1) if city else end
        if text[block_end : block_end + 1] == ")":
            block_end += 1
        if before is not None and (city is None or text[start - 1 : start] == "("):
            block_start = start - (min(60, start) - before.start(1))
        parts_start = _postal_parts_before(text, folded, block_start)
        lower_place = LOWER_PLACE_BEFORE_RE.search(folded[max(0, parts_start - 60) : parts_start])
        if lower_place and not any(
            w in STREET_STOP_WORDS - STREET_PARTICLES
            for w in re.findall(r"[\w'\-]+", lower_place.group(1).lower())
        ):
            # « domiciliée la grange neuve, 56100 lorient »: a place named in lower case
            parts_start -= len(lower_place.group()) - lower_place.start(1) + lower_place.start()
            parts_start = max(0, parts_start)
        anchored = parts_start < block_start or ADDRESS_TRIGGER.search(
            folded[max(0, block_start - 40) : block_start]
        )
        line_start = folded.rfind("\n", 0, block_start) + 1
        line_end = folded.find("\n", block_end)
        own_line = not folded[line_start:block_start].strip(" >") and not folded[
            block_end : line_end if line_end >= 0 else len(folded)
        ].strip(" .,")
        if anchored or own_line:
            yield Entity(parts_start, block_end, "ADDRESS")


CITY_FIRST_RE = re.compile(
    rf"(?:^|(?<=[\n:(\s]))[ \t>]*((?:(?i:le|la|les|l')[ \t]?)?{CITY_WORD}"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,3}}(?:[ \t]*\(\d{{5}}\))?)"
    r"[ \t]*(?:,|[ \t][\-–])[ \t]*$"
    r"|(?:habite|habitons|adresse|domicile|demeurant|vis|vit|loge|au|a|est|:)[ \t]+"
    rf"((?:(?i:le|la|les|l')[ \t]?)?{CITY_WORD}"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,3}}(?:[ \t]*\(\d{{5}}\))?)"
    r"[ \t]*(?:,|[ \t][\-–])[ \t]*$",
)


NOT_A_CITY = frozenset(
    {"bonjour", "bonsoir", "merci", "madame", "monsieur", "cordialement", "oui", "non", "alors"}
    | {"adresse", "nouvelle", "ancienne", "actuellement", "desormais", "domicile", "je", "j"}
)


# « Grenoble 38000, 4 rue… », « Lyon 3e, 14 rue… », « rennes 35000 12 rue… », « à Limoges
# euh 8 rue… », « à Saint-Denis 12 rue… »: a town with its postcode or district, or after
# « à » (and a filler), before the street.
# a town in lower case, one word or hyphenated (« a bordeaux », « à saint-nazaire »)
LOWER_CITY = r"[a-z][a-z'’]{2,}(?:-[a-z'’]+)*"
CITY_POSTCODE_FIRST_RE = re.compile(
    rf"(?:^|(?<=[\s:(,>]))((?:(?i:le|la|les|l')[ \t]?)?(?:{CITY_WORD}|[a-z][\w'’]*(?:-[\w'’]+)*)"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,3}})"
    r"[ \t]*,?[ \t]*(?:\(?[ \t]*(?:\d{5}|\d{2}[ ]\d{3})[ \t]*\)?"
    r"|\d{1,2}[ \t]?(?:e|er|eme|ème|è)(?![\w])"
    # a postcode said aloud (« Nantes quarante-quatre mille trois rue … »)
    rf"|(?:(?:{NUMBER_WORDS}|zero)[ \t\-]+){{1,4}}mille(?:[ \t\-]+(?:{NUMBER_WORDS}|zero)){{0,3}})"
    r"[ \t]*[,\-–]?[ \t]*(?:(?:au|euh|heu|alors|donc|c'est)[ \t,]+)*$"
    # « à Toulouse, 8 allée … », « j'habite Villeurbanne 15 cours … »: a town after « à » or
    # after the verb of living, right before the house number
    rf"|(?:(?:(?<=[\s'])(?:a|à|sur)|(?<![\w])(?:(?i:habite|habitons|habitent|habitant|habitante"
    r"|demeurant|demeurante|domicili[ée]e?|r[ée]side|r[ée]sidant|r[ée]sidons|c'est)))[ \t]+)"
    rf"((?:(?i:le|la|les|l')[ \t]?)?(?:{CITY_WORD}|{LOWER_CITY})"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,3}})"
    r"[ \t]*,?[ \t]*(?:(?:au|euh|heu|alors|donc)[ \t,]+)*$"
)


def _city_first(text: str, folded: str, start: int) -> int:
    """« Pau, 8 rue Rose »: a city written before the street belongs to the address."""
    window = max(0, start - 60)
    match = CITY_FIRST_RE.search(folded[window:start])
    if not match:
        loose = CITY_POSTCODE_FIRST_RE.search(text[window:start])
        if not loose:
            return start
        group = 1 if loose.group(1) else 2
        city_start = window + loose.start(group)
        # « reside a Lens 62300 8 rue … »: the town starts after the words that lead to it
        for word in re.finditer(r"[\w'’\-]+", fold(loose.group(group)).lower()):
            if word.group() not in STREET_STOP_WORDS | NOT_A_CITY | NOT_TOWN_WORDS | {"sur"}:
                return city_start + word.start()
        return start
    group = 1 if match.group(1) else 2
    city = match.group(group)
    key = fold(city).lower()
    if key in STREET_STOP_WORDS | NOT_A_CITY or key.split()[0] in STREET_STOP_WORDS | NOT_A_CITY:
        return start
    city_start = window + match.start(group)
    postcode = re.search(r"(?<![\w])(?:\d{2}|2[AB])[ ]?\d{3}[ \t]*,?[ \t]*$", folded[:city_start])
    return postcode.start() if postcode else city_start


# A PO box or a kilometre point with its town and no postcode (overseas: « BP 123
# Dzaoudzi », « PK 15 côté montagne, Paea »), « le Bourg » of a village before its town.
BOX_TOWN_RE = re.compile(
    r"(?<![\w])(?:(?i:b\.?p\.?|bo[iî]te[ \t]+postale|pk|cs|tsa)[ \t]*n?°?[ \t]*\d{1,5}"
    r"(?:[,.]\d{1,3})?"
    r"(?:[ \t]+(?i:c[oô]t[ée])[ \t]+(?i:mer|montagne))?"
    r"|(?i:au|le)[ \t]+Bourg)"
    rf"[ \t]*(?:,|[ \t]|[ \t]+(?i:a|à)[ \t]+)[ \t]*((?:(?:Le|La|Les|L')[ \t]?)?{CITY_WORD}"
    rf"(?:(?:[ \t]+{CITY_PARTICLE})?[ \t]+{CITY_WORD}){{0,2}})"
)


# « la résidence secondaire », « la résidence change de gestionnaire »: what a residence
# is or does, not its name.
NOT_A_RESIDENCE_NAME = frozenset(
    re.split(
        r"\s+",
        """secondaire secondaires principale principales fiscale habituelle change a est
        sera etait va ferme fermee""",
    )
)
# « rue Condorcet à partir de mars », « à compter du 1er »: a locution after « à », no town.
LOCUTIONS_AFTER_A = frozenset(
    re.split(r"\s+", "partir compter cause peine condition moins part nouveau cote propos temps")
)
# « une résidence étudiante », « résidence seniors »: what kind of residence it is, not its
# name (a word in lower case after it).
RESIDENCE_KINDS = frozenset(
    re.split(
        r"\s+",
        """etudiante etudiantes universitaire universitaires senior seniors sociale sociales
        autonomie services hoteliere jeunes""",
    )
)


# « moi j'habite 22190 », « hébergée chez ma cousine ndeye à 91000 », « je suis à mamoudzou
# 97600 », « je reste à la bergerie, 46500 gramat »: where one lives, given by its postcode
# (a place or a town in lower case before it, a town after it); never « né à 97300 », a
# sum (« je suis à 15000 euros ») nor « je n'habite plus à … ».
RESIDENCE_POSTCODE_RE = re.compile(
    r"(?<![\w])(?:j'?habite|habitons|habitent|on[ \t]+habite|je[ \t]+vis|on[ \t]+vit"
    r"|je[ \t]+reste|je[ \t]+suis|heberge\w*|domicilie\w*)[ \t]+"
    r"(?:chez[ \t]+(?:[a-z][\w'\-]*[ \t]+){1,3}?)?(?:(?:a|au|sur)[ \t]+)?"
    r"(?P<address>(?:(?:la|le|les|l')[ \t]?[a-z][\w'\-]*,?[ \t]+|[a-z][\w'\-]{2,}[ \t]+)?"
    r"(?:0[1-9]|[1-8]\d|9[0-5]|97|98|2a|2b)\d{3}"
    r"(?![\w,.]?\d|[ \t]*(?:€|euros?\b|eur\b|km\b|m\b|habitants?\b))"
    r"(?:[ \t]+(?!(?:et|mais|je|j|on|il|elle|pour|depuis|car|donc|merci|svp|stp|maintenant"
    r"|desormais|aussi|encore|toujours|avec|chez)\b)[a-z][\w'\-]{2,})?)",
    re.IGNORECASE,
)


def _residence_postcodes(folded: str) -> Iterable[Entity]:
    for match in RESIDENCE_POSTCODE_RE.finditer(folded):
        yield Entity(match.start("address"), match.end("address"), "ADDRESS")


# « la maison de Pralognan, chemin des Chalets », « j'habite Saint-Agrève, route du Lac »: a
# home's town first, then its street without a number.
HOME_TOWN_THEN_STREET_RE = re.compile(
    r"(?i:maison|appartement|logement|chalet|terrain|studio|j'habite|habite|habitons|vivons"
    r"|domicilie\w*)[ \t]+(?:(?i:de|d'|a|à|au)[ \t]*)?"
    r"((?:Saint|Sainte|St|Ste)?[A-ZÀ-Þ][\w'’\-]+(?:[ \t][A-ZÀ-Þ][\w'’\-]+)?[ \t]*,[ \t]*"
    r"(?i:chemin|route|rue|impasse|all[ée]e|avenue|lieu[- ]dit|hameau|place|sentier|mont[ée]e)"
    r"[ \t]+(?:(?i:des|du|de[ \t]+la|de[ \t]+l'|de|d'|la|le|les)[ \t]*)?"
    r"[A-ZÀ-Þ][\w'’\-]+(?:[ \t]+[A-ZÀ-Þ][\w'’\-]+)?)"
)


def find_addresses(text: str, folded: str) -> Iterable[Entity]:
    found: list[Entity] = []
    for home in HOME_TOWN_THEN_STREET_RE.finditer(text):
        found.append(Entity(home.start(1), home.end(1), "ADDRESS"))
    for box in BOX_TOWN_RE.finditer(text):
        if fold(box.group(1)).lower().split()[0] not in NOT_A_CITY | STREET_STOP_WORDS:
            found.append(Entity(box.start(), box.end(1), "ADDRESS"))
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
        if name_end <= match.end(3) and number is not None and WHOLE_STREET_RE.fullmatch(street):
            name_end = match.end(3)  # « 14 Grand Rue »: the type is the whole name
        elif name_end <= match.end(3) and (
            numbered := NUMBERED_STREET_RE.match(folded, match.end(3))
        ):
            name_end = numbered.end()  # « Cité des Mineurs, rue n° 4, maison 17 »
        elif name_end <= match.end(3):
            continue
        numbered_street = bool(NUMBERED_STREET_RE.fullmatch(folded, match.end(3), name_end))
        if street.lower() == "r" and number is None:
            continue  # « r » alone is a street only after a house number
        if street.lower() == "mail" and re.search(
            r"(?:adresse|par|un|une|le|mon|ton|votre|son)[ \t]+$", folded[: match.start(3)]
        ):
            continue  # « l'adresse mail de la CAF », « par mail »: an e-mail, not a mall
        if street.lower() in TITLE_STREET and (
            number is None
            or not text[match.start(3)].isupper()
            or not (
                triggered
                or POSTCODE_CITY_RE.match(folded, name_end)
                or TOWN_AFTER_RE.match(text, name_end)
            )
        ):
            continue  # a title opens a street's name only after a number, where one lives
        if number is None:
            name = text[match.end(3) : name_end].strip()
            name_words = [w for w in re.split(r"[\s']+", name) if w]
            capitalised_name = any(
                w[:1].isupper() and w.lower() not in STREET_PARTICLES for w in name_words
            )
            if name_words and fold(name_words[0]).lower() in RESIDENCE_KINDS:
                continue  # « une résidence étudiante rue … »: a kind of residence
            # « rue des Lilas à Tulle »: a named street followed by its town
            town_after = (capitalised_name or (triggered and lowercase_text)) and bool(
                TOWN_AFTER_RE.match(text, name_end)
                or CITY_AFTER_COMMA_RE.match(folded, name_end)
                or (
                    (town := CITY_AFTER_RE.match(folded, name_end))
                    and CLAUSE_END_RE.match(folded, town.end(1))
                    and town.group(1).split()[0].lower() not in LOCUTIONS_AFTER_A
                )
            )
            ambiguous = street.lower() in AMBIGUOUS_STREET_TYPES  # « un mail », « le parc »
            # « chemin des crêtes 84110 vaison-la-romaine »: a street without number, then its
            # postcode and its town
            postcode_after = (
                not ambiguous
                and (postal := POSTCODE_CITY_RE.match(folded, name_end)) is not None
                and postal.group(2) is not None
                and not NOT_A_POSTCODE_AFTER.match(folded, postal.end(1))
                and postal.group(2).split()[0].lower() not in STREET_STOP_WORDS
            )
            if not (
                numbered_street
                or postcode_after
                or (triggered and (capitalised_name or (lowercase_text and not ambiguous)))
                # « Rua do Carmo 15 »: abroad the number follows the street's name
                or (
                    street.lower() in FOREIGN_STREET_TYPES
                    and capitalised_name
                    and NUMBER_AFTER_RE.match(folded, name_end)
                )
                or (capitalised_name and STREET_NEEDS_NO_NUMBER.fullmatch(street.lower()))
                or town_after
            ):
                if STREET_NEEDS_NO_NUMBER.fullmatch(street.lower()) and not (
                    name_words and name_words[0].lower() in NOT_A_RESIDENCE_NAME
                ):
                    weak.append(Entity(start, name_end, "ADDRESS"))
                continue
        end = name_end
        if number is None and (after := NUMBER_AFTER_RE.match(folded, end)):
            end = after.end()  # « rue de la Paix au numéro 5 », « rue du Faubourg 12 »
            start = min(start, match.start(3))
        while True:
            complement = COMPLEMENT_RE.match(text, end) or BRACKET_COMPLEMENT_RE.match(text, end)
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
        if street.lower() in FOREIGN_STREET_TYPES and (
            foreign := FOREIGN_POSTCODE_CITY_RE.match(text, end)
        ):
            end = foreign.end()
        elif postcode:
            end = postcode.end()
            if postcode.group(2) is None:
                tail = re.match(r"\s+([a-z][\w'\-]*)", folded[end:])
                if tail and tail.group(1).lower() not in STREET_STOP_WORDS:
                    end += tail.end()
            # « …, 59000 Lille, chambre 308 »: the room or the caravan after the town
            while (complement := COMPLEMENT_RE.match(text, end)) and complement.end() > end:
                end = complement.end()
        elif (
            city_comma := (
                CITY_AFTER_COMMA_RE.match(folded, end)
                # « 4 rue du commandant, brest »: a street in lower case, its town too
                or (
                    None
                    if any(ch.isupper() for ch in text[start:end])
                    else LOWER_CITY_AFTER_COMMA_RE.match(folded, end)
                )
            )
        ):
            if (
                fold(city_comma.group(1)).lower().split("-")[0]
                not in NOT_A_CITY | STREET_STOP_WORDS | NOT_TOWN_WORDS
            ):
                end = city_comma.end(1)
        else:
            city = CITY_AFTER_RE.match(folded, end)
            if (
                city
                and (
                    text[city.start(1)].isupper()
                    or lowercase_text
                    or not any(ch.isupper() for ch in text[start:end])
                    # « rue de Verdun à reims depuis mars »: a town, then the clause ends
                    or CLAUSE_END_RE.match(folded, city.end(1))
                )
                and city.group(1).split()[0].lower() not in STREET_STOP_WORDS
                and city.group(1).split()[0].lower() not in LOCUTIONS_AFTER_A
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
        start = entity.start
        unit = UNIT_BEFORE_NUMBER_RE.search(folded[max(0, start - 20) : start])
        if unit:
            start -= len(unit.group())  # « bât. 3, cité des Fleurs »: the number was the unit's
        before = PREFIX_COMPLEMENT_RE.search(folded[max(0, start - 90) : start])
        start = start - len(before.group()) if before else start
        if (
            re.match(r"\d", folded[start : start + 1])
            or STREET_START_RE.match(folded, start)
            or SPOKEN_NUMBER_RE.match(folded, start)  # « à Vannes, trois rue du port »
        ):
            start = _city_first(text, folded, start)
        extended.append(Entity(start, entity.end, "ADDRESS"))
    extended.extend(find_postal_blocks(text, folded))
    extended.extend(_answered_addresses(text, folded))
    extended.extend(_labelled_values(folded))
    extended.extend(_spoken_postcodes(text, folded))
    extended.extend(_residence_postcodes(folded))
    return _repeated_towns(
        folded,
        _merge_adjacent(
            [
                _from_label(folded, _with_labelled_parts(folded, _with_city_tail(folded, e)))
                for e in extended
            ],
            folded,
        ),
    )


# A postcode and its town inside an address found (« … 2B 20250 corte »).
POSTCODE_TOWN_RE = re.compile(
    r"(?<![\w])(?:\d{5}|\d{2}[ ]\d{3})[ \t]+[a-z][\w'\-]{2,}", re.IGNORECASE
)


def _repeated_towns(folded: str, entities: list[Entity]) -> list[Entity]:
    """« … je suis a 1 rue du pont neuf 20250 corte / Vous : pardon 20250 corte »: the
    postcode and town of an address found, said again, are masked again (thirteenth
    pass)."""
    said = {
        match.group().lower()
        for e in entities
        if e.label == "ADDRESS"
        for match in POSTCODE_TOWN_RE.finditer(folded, e.start, e.end)
    }
    if not said:
        return entities
    again = [
        Entity(match.start(), match.end(), "ADDRESS")
        for match in POSTCODE_TOWN_RE.finditer(folded)
        if match.group().lower() in said
        and not any(e.start < match.end() and match.start() < e.end for e in entities)
    ]
    return sorted(entities + again, key=lambda e: e.start) if again else entities


# « Adresse : … », « Adresse de domiciliation : … », « Nouvelle adresse : … », « reçoit son
# courrier en domiciliation : … »: what the label announces, up to the street found, is the
# address (a building, a flat, a host organisation, the town written first).
ADDRESS_LABEL_RE = re.compile(
    r"(?:adresse|domiciliation)[^\n:.!?]{0,40}:[ \t]*$|(?:^|\n)[ \t]*(?:complement|domicile)"
    r"[^\n:.!?]{0,20}:[ \t]*$",
    re.IGNORECASE,
)
LABEL_GAP_STOP_WORDS = PLACE_STOP_WORDS - {
    "n", "c", "batiment", "appartement", "appart", "logement", "bt", "cedex"
} | {"j'habite", "habite", "suis", "vis"}  # fmt: skip


def _from_label(folded: str, entity: Entity) -> Entity:
    """An address found after its label's colon starts at the colon, when what lies between
    is a list of address parts on the same line (no sentence, no verb)."""
    line_start = folded.rfind("\n", 0, entity.start) + 1
    head = folded[max(line_start, entity.start - 130) : entity.start]
    labels = list(re.finditer(r":[ \t]*", head))
    label = labels[-1] if labels else None
    if label is None or label.end() == len(head):
        return entity
    if not ADDRESS_LABEL_RE.search(head[: label.end()]):
        return entity
    gap = head[label.end() :]
    if len(gap) > 90 or re.search(r"[.!?;](?:\s|$)|\d{5}", gap):
        return entity
    words = [w for w in re.findall(r"[\w'’]+", gap.lower()) if len(w) > 1]
    if any(w in LABEL_GAP_STOP_WORDS for w in words):
        return entity
    return Entity(entity.start - len(gap), entity.end, entity.label)


# « Code postal : 97 200 », « CP 38100 »: a postcode under its label is the person's; a
# « Complément : bât C, 4e étage » line is part of the address.
LABELLED_VALUE_RE = re.compile(
    r"(?:\bcode[ \t]+postal(?:[ \t]+(?:de[ \t]+r[ée]sidence|du[ \t]+domicile))?|\bc\.?p\.?)"
    r"[ \t]*(?:c'est[ \t]+|est[ \t]+|:[ \t]*)?"
    r"((?:\d{2}|2[ab])[ ]?\d{3})(?![\w])"
    r"|(?:^|\n)[ \t]*compl[ée]ment(?:[ \t]+d'adresse)?[ \t]*:[ \t]*([^\n]{2,80}?)[ \t.]*(?=$|\n)",
    re.IGNORECASE,
)
# « conseiller le code postal / usager soixante-neuf cent »: the postcode said on the line
# after the question.
SPOKEN_POSTCODE_ANSWER_RE = re.compile(
    r"code[ \t]+postal[^\n\d]{0,20}\n[ \t>]*(?:[a-z]+(?:[ \t]+[a-z]+)?[ \t]*:?[ \t]+)??"
    r"(?:(?:c'est|alors|euh|oui|le)[ \t,]+)*"
    rf"((?:(?:{NUMBER_WORDS}|zero|mille|\d{{1,5}})(?:[ \t\-]+|(?=[ \t.]*(?:$|\n)))){{1,8}})"
    r"[ \t.]*(?=$|\n)",
    re.IGNORECASE,
)


# A postcode said aloud in a call: the département, then the rest in hundreds or thousands
# (« soixante-quatre quatre cent trente », « quatre-vingt-dix-sept trois cent », « douze
# quatre cent quatre-vingt-dix »), then maybe the town.
_NUMBER_WORD = rf"(?:{NUMBER_WORDS}|zero)"
SPOKEN_POSTCODE_FULL_RE = re.compile(
    rf"(?<![\w])((?:{_NUMBER_WORD}[ \t\-]+){{1,4}}(?:(?:{_NUMBER_WORD}[ \t\-]+)?cents?"
    rf"|mille)(?:[ \t\-]+{_NUMBER_WORD}){{0,4}})(?![\w])"
    rf"(?:[ \t]+(?:(?:Le|La|Les|L')[ \t]?)?({CITY_WORD}))?",
    re.IGNORECASE,
)
SPOKEN_PLACE_LEAD_RE = re.compile(
    rf"(?<![\w])(?:{STREET_TYPES}|ferme|maison|mas|lieu[- ]?dit|bo[iî]te[ \t]+postale|b\.?p\.?"
    r"|hameau|quartier|village|cite|lotissement|residence|association)(?![\w])",
    re.IGNORECASE,
)
ADDRESS_TALK_RE = re.compile(
    r"adresse|habite|domicili|code[ \t]+postal|envoy|commune|ville", re.IGNORECASE
)


def _spoken_postcodes(text: str, folded: str) -> Iterable[Entity]:
    """A postcode read aloud in an address (« ferme Bordaberria soixante-quatre quatre cent
    trente Banca »): with the place said before it on its line and the town after it."""
    if "cent" not in folded and "mille" not in folded:
        return
    for match in SPOKEN_POSTCODE_FULL_RE.finditer(text):
        words = re.findall(r"[a-z]+", fold(match.group(1)).lower())
        digits = "".join(read_number_words(words))
        if len(digits) != 5 or not "01" <= digits[:2] <= "98":
            continue
        line_start = folded.rfind("\n", 0, match.start()) + 1
        lead = SPOKEN_PLACE_LEAD_RE.search(folded, line_start, match.start())
        if lead is None and not ADDRESS_TALK_RE.search(folded[max(0, match.start() - 200) :]):
            continue
        start = lead.start() if lead else match.start(1)
        town = CITY_BEFORE_POSTCODE_RE.search(text[max(line_start, start - 60) : start])
        if lead is None and town:
            start -= len(text[max(line_start, start - 60) : start]) - town.start(1)
        end = match.end(2) if match.group(2) else match.end(1)
        yield Entity(start, end, "ADDRESS")


def _labelled_values(folded: str) -> Iterable[Entity]:
    for match in LABELLED_VALUE_RE.finditer(folded):
        group = 1 if match.group(1) else 2
        yield Entity(match.start(group), match.end(group), "ADDRESS")
    if "\n" in folded:
        for match in SPOKEN_POSTCODE_ANSWER_RE.finditer(folded):
            start, end = match.start(1), match.end(1)
            while end > start and not folded[end - 1].isalnum():
                end -= 1
            yield Entity(start, end, "ADDRESS")


# The agent's question in a call or chat: the caller's next line is where they live.
ADDRESS_QUESTION_RE = re.compile(
    r"(?:quelle[ \t]+adresse|votre[ \t]+(?:nouvelle[ \t]+)?adresse|habitez|vous[ \t]+vivez"
    # « agent l'adresse du bien »: the agent's line asking for it in two words
    r"|^[ \t]*(?:agent|agente|conseill[eè]re?)[ \t:]+(?:et[ \t]+)?l'adresse\b"
    r"|installee?s?[ \t]+o[uù]|domicili\w*[ \t]+o[uù]"
    r"|o[uù][ \t]+(?:est-ce[ \t]+que[ \t]+)?vous[ \t]+(?:habitez|vivez|[eê]tes))",
    re.IGNORECASE | re.MULTILINE,
)
ANSWER_LINE_RE = re.compile(
    # the speaker before a colon, or named without one (« appelant chemin des … »)
    r"[ \t>]*(?:[^\n:\d]{1,25}:|(?:appelant|appelante|usager|usagere|usagère|client|cliente"
    r"|assure|assuree|assuré|assurée|allocataire)[ \t]+)[ \t]*"
    r"(?:(?:oui|non|alors|euh|ben|bah|c'est|toujours|j'habite"
    r"|au|a|à)[ \t,]+)*(?P<value>[^\n]{3,80}?)[ \t.]*$",
    re.IGNORECASE,
)
# In the answer: a street or place word, then « à Town »
ANSWERED_PLACE_RE = re.compile(
    rf"(?:\b(?:{STREET_TYPES}|ferme|village|mas)\b[^\n]*|[^\n]*)[ \t]+(?:a|à)[ \t]+"
    r"[A-ZÀ-Þ][\w'’\-]+(?:[ \t]+[A-ZÀ-Þ][\w'’\-]+)?",
    re.IGNORECASE,
)


def _spoken_place_answer(value: str) -> bool:
    """The whole answer is an address said in lower case: it opens on a street or place word
    (« lieu-dit la rivière le bourg à … », « résidence le parc bâtiment b … ») or holds a
    postcode, written or read aloud (« ty nevez kerguidal vingt-neuf cent quatre-vingt-dix
    plouider »)."""
    folded = fold(value).lower()
    if SPOKEN_PLACE_LEAD_RE.match(folded):
        return bool(re.search(r"[ \t](?:a|à)[ \t]+\S", folded) or re.search(r"\d", folded))
    if re.search(r"(?<!\d)\d{5}(?!\d)", folded):
        return True
    for match in SPOKEN_POSTCODE_FULL_RE.finditer(folded):
        words = re.findall(r"[a-z]+", match.group(1))
        digits = "".join(read_number_words(words))
        if len(digits) == 5 and "01" <= digits[:2] <= "98":
            return True
    return False


def _answered_addresses(text: str, folded: str) -> Iterable[Entity]:
    """« agent: vous habitez à quelle adresse / usager: Kawéni village rue du stade à
    Mamoudzou », « agent: vous êtes installé où / usager: ferme Etxeparea à Larrau »: the
    answer on the caller's line, a place and its town."""
    if "\n" not in text or not ADDRESS_QUESTION_RE.search(folded):
        return
    lines = text.split("\n")
    position = 0
    offsets = []
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    for number in range(1, len(lines)):
        if not ADDRESS_QUESTION_RE.search(fold(lines[number - 1])):
            continue
        answer = ANSWER_LINE_RE.fullmatch(lines[number])
        if not answer:
            continue
        value = answer.group("value")
        words = value.split()
        if not 2 <= len(words) <= 12:
            continue
        if _spoken_place_answer(value):
            pass
        elif not (len(words) <= 8 and ANSWERED_PLACE_RE.fullmatch(value)):
            continue
        elif not any(w[:1].isupper() for w in words[:-1]) and not re.search(
            rf"\b(?:{STREET_TYPES}|ferme|village|mas)\b", fold(value), re.IGNORECASE
        ):
            continue  # « je suis à Paris »: a town alone is no address
        start = offsets[number] + answer.start("value")
        yield Entity(start, start + len(value), "ADDRESS")


# « …, code postal 19000 Tulle », « CP : 19000 » / « Ville : Tulle » on the next lines
LABELLED_PART_RE = re.compile(
    r"(?:[ \t]*[,\-]?[ \t]*|[ \t]*\n[ \t>]*)(?:le[ \t]+)?"
    r"(?:code[ \t]+postal|c\.?p\.?|ville|commune|localite)[ \t]*(?:c'est[ \t]+|est[ \t]+|:[ \t]*)?"
    r"((?:[^\n,.;:!?]{1,40}?))(?=[ \t]*(?:$|[\n,.;!?]|(?:et|mais|merci|voila|depuis)\b))",
    re.IGNORECASE | re.MULTILINE,
)


def _with_labelled_parts(folded: str, entity: Entity) -> Entity:
    end = entity.end
    for _ in range(2):
        part = LABELLED_PART_RE.match(folded, end)
        if not part or len(part.group(1).split()) > 5:
            break
        end = part.end(1)
    return entity if end == entity.end else Entity(entity.start, end, entity.label)


SAINT_END_RE = re.compile(r"(?i:\b(?:saint|sainte|st|ste))$")
NEXT_WORD_RE = re.compile(r"[ \t\-]+([A-Za-z][\w'’]*)")
CITY_PARTICLE_WORD_RE = re.compile(
    r"[ \t\-]+(?i:sur|sous|en|les|la|le|de|du|des|aux|d'|l')[ \t\-]*([A-Za-z][\w'’]*)"
)
# Words after « la », « le », « de »… that continue the sentence, not the town's name.
NOT_TOWN_WORDS = frozenset(
    [
        "semaine",
        "journee",
        "veille",
        "fin",
        "mairie",
        "caf",
        "cpam",
        "msa",
        "poste",
        "prefecture",
        "rue",
        "maison",
        "gare",
        "ville",
        "plus",
        "meme",
        "suite",
        "fois",
        "date",
        "demande",
        "lettre",
        "part",
        "mois",
        "annee",
        "matin",
        "soir",
        "nuit",
        "derniere",
        "dernier",
        "prochaine",
        "prochain",
        "depuis",
        "dossier",
        "loyer",
        "proprietaire",
        "famille",
        "banque",
        "porte",
        "cle",
        "courrier",
        "reponse",
        "situation",
        "sorte",
        "facon",
        "manière",
        "maniere",
        "pension",
        "retraite",
        "prime",
    ]
)
SPOKEN_POSTCODE_RE = re.compile(
    rf"(?:[ \t,\-]+(?:{NUMBER_WORDS}|mille|zero))+[ \t]+[a-z][\w'’]*(?:-[\w'’]+)*",
    re.IGNORECASE,
)
SPOKEN_NUMBER_RE = re.compile(rf"(?<![\w])(?:{NUMBER_WORDS}|mille|zero)(?![\w])", re.IGNORECASE)
SPOKEN_NUMBER_END_RE = re.compile(rf"(?<![\w])(?:{NUMBER_WORDS}|zero)$", re.IGNORECASE)
TOWN_IN_BRACKETS_RE = re.compile(r"[ \t]*\((?:[A-Za-z][\w'’]*(?:[ \t\-]+[\w'’]+){0,3})\)")
REGION_AFTER_RE = re.compile(
    # on the same line, or alone on the next one (a signature's last address line)
    r"(?:[ \t]*,?[ \t]*|[ \t]*\n[ \t]*(?=[^\n]{4,12}(?:\n|$)))"
    r"(?:\(?(?i:martinique|guadeloupe|guyane|la reunion|reunion|mayotte|corse"
    r"|france|cedex(?:[ \t]?\d{1,2})?|portugal|espagne|italie|allemagne|belgique|suisse"
    r"|luxembourg|maroc|alg[eé]rie|tunisie|s[eé]n[eé]gal|turquie|pologne|roumanie)\)?)(?![\w])"
)


def _with_city_tail(folded: str, entity: Entity) -> Entity:
    """The rest of a town's name written without hyphens (« saint yrieix la perche »,
    « bourg en bresse »), and the region or country after it."""
    end = entity.end
    if SAINT_END_RE.search(folded[entity.start : end]):
        following = NEXT_WORD_RE.match(folded, end)
        if following and following.group(1).lower() not in NOT_TOWN_WORDS:
            end = following.end()
    for _ in range(2):
        chain = CITY_PARTICLE_WORD_RE.match(folded, end)
        if not chain or chain.group(1).lower() in NOT_TOWN_WORDS | STREET_STOP_WORDS:
            break
        if not re.search(r"[A-Za-z]{2,}$", folded[entity.start : end]):
            break
        end = chain.end()
    spoken = SPOKEN_POSTCODE_RE.match(folded, end)
    if spoken and (
        "mille" in spoken.group()
        or len(SPOKEN_NUMBER_RE.findall(spoken.group())) >= 2
        or SPOKEN_NUMBER_END_RE.search(folded[entity.start : end])
    ):
        end = spoken.end()  # « … quinze mille aurillac »: a postcode said aloud, then the town
    town = TOWN_IN_BRACKETS_RE.match(folded, end)
    if town and not re.search(r"\d{5}|\(", folded[entity.start : end]):
        end = town.end()
    region = REGION_AFTER_RE.match(folded, end)
    if region:
        end = region.end()
    if end == entity.end and re.search(r"(?<!\d)\d{5}$", folded[entity.start : end]):
        tail = TOWN_TO_LINE_END_RE.match(folded, end)
        if tail and not any(
            word in NOT_TOWN_WORDS | STREET_STOP_WORDS | TAIL_STOP_WORDS
            for word in re.split(r"[ \t\-]+", tail.group(1).lower())
        ):
            end = tail.end(1)
    return entity if end == entity.end else Entity(entity.start, end, entity.label)


# « …, ferme de Kerlann 29420 plouvorn », « Lot Bellevue 98600 uvea »: a town in lower case
# after the postcode, closing the line or the message.
TOWN_TO_LINE_END_RE = re.compile(
    r"[ \t]+((?:(?:le|la|les|l')[ \t]+)?[a-zà-ÿ][a-zà-ÿ'’]+(?:[ \t\-]+[a-zà-ÿ'’]+){0,2})"
    r"[ \t.!]*(?=\n|$)"
)
TAIL_STOP_WORDS = frozenset(
    """merci svp stp cordialement bonjour urgent depuis encore toujours aussi svp""".split()  # noqa: SIM905
)


UNIT_BEFORE_NUMBER_RE = re.compile(
    r"(?<![\w])(?:b[aâ]t(?:iment)?|appartement|appart|appt?|apt|esc(?:alier)?|porte|logement"
    r"|lot|tour|immeuble)\.?[ \t]*(?:n°[ \t]?)?$",
    re.IGNORECASE,
)
PREFIX_COMPLEMENT_RE = re.compile(
    r"(?:(?<![\w'’])(?:l['’][ \t]?)?(?:"
    # « bâtiment les Lilas », « bât. Les Érables »: a building named with its article
    r"b[aâ]t(?:iment)?\.?[ \t]*(?:les|le|la|l')[ \t']*[\w\-]{2,20}"
    r"|(?:b[aâ]t(?:iment)?\.?|appartement|appart\.?|appt?\.?|apt\.?|esc(?:alier)?\.?|etage"
    r"|porte|logement|log\.?|chambre|emplacement|bloc|studio|caravane|mobil[- ]?home"
    r"|chez\s+(?:m\.|mme|mr)?\s*[\w\-]+)\s*(?:n°\s?)?[\w\-]{1,10}"
    # « au rez-de-chaussée, 6 rue … », « terrain chemin … »: the floor or the plot alone
    r"|rez[- ]de[- ]chaussee|rdc|terrain"
    # a named building or site before the street (« Foyer Adoma, chambre 17, 12 rue … »,
    # « CHRS L'Escale, 3 rue … », « res les alizes bat b apt 12 … »)
    r"|(?:residence|res\.?|lotissement|lot\.|quartier|cite|immeuble|hameau|domaine|tour|foyer"
    r"|chrs|camping|aire|maison|ferme|(?:les[ \t]+)?jardins|village|mas|bastide|villa|hlm"
    r"|ehpad|internat|fjt|foyer[ \t]+de[ \t]+jeunes[ \t]+travailleurs)"
    r"(?:[ \t]+[\w'’\-]+){1,5}"
    # « appt 3, 2e étage, 9 rue … »: the floor or the side of the landing
    r"|\d{1,2}[ \t]?(?:e|eme|er|ere)[ \t]+(?:etage|gauche|droite))"
    r"\s*[,\-]?\s*)+$",
    re.IGNORECASE,
)


# --- A town line without postcode (issue 12, sixth pass) ------------------------------------

# What may stand beside a town on a signature's address line when no postcode is written:
# a building part, a named site, a house number before a place (« bât. B, Villeurbanne »,
# « Ferme de la Haie, Saint-Aubin », « 7 les Bruyères, Saint-Malo », « Nantes, quartier
# Malakoff »).
TOWN_LINE_PART_RE = re.compile(
    r"(?:b[aâ]t(?:iment)?\.?|bt|appt?\.?|apt\.?|appart(?:ement)?\.?|esc(?:alier)?\.?|[ée]tage"
    r"|porte|logement|log\.|r[ée]sidence|r[ée]s\.|tour|immeuble|bloc|entr[ée]e|chambre|villa"
    r"|maison|ferme|domaine|lieu[- ]?dit|lieudit|hameau|quartier|lotissement|lot\.?|cit[ée]"
    r"|mas|clos|chalet|moulin|manoir|camping|foyer|chez"
    # a street without its number (« Saint-Girons, rue du Pont »)
    r"|rue|avenue|av\.|boulevard|bd|chemin|impasse|all[ée]e|route|place|zone|za|zi|quai|cours"
    r"|traverse|mont[ée]e|sente|venelle)(?![\w])[ \t.]*[\w'’]"
    r"|\d{1,2}[ \t]?(?:e|[eè]me|er|[eè]re)[ \t]+[ée]tage"
    r"|\d{1,4}(?:[ \t]?(?:bis|ter))?[ \t]+[A-Za-zÀ-ÿ]",
    re.IGNORECASE,
)
TOWN_LINE_RE = re.compile(r"^[ \t>]*(\S[^\n]*?)[ \t.]*$", re.MULTILINE)
# A named site in capitals (« Le Clos Fleuri », « Les Hauts de Chantepie »): only on a
# signature's line, after the writer's name.
CAPITALISED_SITE_RE = re.compile(
    r"(?:Le|La|Les|L['’])[ \t]?[A-ZÀ-Þ][\w'’\-]*(?:[ \t]+(?:de|du|des|la|le|les|d['’]|l['’])?"
    r"[ \t]*[A-ZÀ-Þ][\w'’\-]*){0,3}"
)
NAME_LINE_RE = re.compile(
    r"^[ \t>]*(?:[A-ZÀ-Þ][\w'’\-]*\.?)"
    r"(?:[ \t]+(?:[A-ZÀ-Þ][\w'’\-]*\.?|de|du|da|dos|van|ben|el|le|la)){0,4}[ \t,]*$"
)
MONTH_WORD_RE = re.compile(rf"(?<![\w])(?:{MONTHS})(?![\w])", re.IGNORECASE)
NEXT_LINE_CONTACT_RE = re.compile(r"\+?\d[\d .\-]{7,}\d|@|\barobase\b", re.IGNORECASE)
LINE_ADDRESS_TRIGGER = re.compile(
    r"(?:adresse|habite|domicile|domicili[ée]e?|demeurant|coordonn[ée]es)[^\n]{0,20}[:\-]?[ \t]*$",
    re.IGNORECASE,
)


INLINE_ADDRESS_LABEL_RE = re.compile(
    r"(?<![\w])(?:adresse|domicile|coordonn[ée]es)[^\n:]{0,15}:[ \t]*", re.IGNORECASE
)


# What may follow a town's name on an address line: its département, region or country in
# brackets or after a dash (« Mérignac (Gironde) », « Pau (64) », « Mérignac – Gironde »).
TOWN_TAIL_RE = re.compile(r"[ \t]*(?:\([^()\n]{1,30}\)|[ \t][–—-][ \t]+[^\n,]{2,30})$")


def _town_key(value: str) -> str:
    key = fold(value).lower().strip(" .")
    key = TOWN_TAIL_RE.sub("", key)
    return re.sub(r"[ \t]+cedex(?:[ \t]*\d{1,2})?$", "", key)


TOWN_TAIL_WORDS = frozenset({"france", "centre", "centre-ville", "centre ville"})


def _town_in(key: str, places: frozenset[str]) -> bool:
    """A known town, alone or followed by its département, region or country without
    brackets, or its centre (« mérignac gironde », « le lamentin martinique », « pau
    centre »)."""
    if key in places:
        return True
    words = key.split()
    return any(
        " ".join(words[:-size]) in places and " ".join(words[-size:]) in places | TOWN_TAIL_WORDS
        for size in (1, 2)
        if len(words) > size
    )


def _known_town(value: str, places: frozenset[str]) -> bool:
    key = _town_key(value)
    return value[:1].isupper() and (_town_in(key, places) or bool(re.match(r"saint?e?-\w", key)))


# An administration's or a desk's place is no one's address (« Maison France Services,
# Vannes », « Accueil CAF, bâtiment A, Quimper »).
PUBLIC_PLACE_RE = re.compile(
    r"(?<![\w])(?:caf|cpam|msa|carsat|urssaf|france[ \t]+services|france[ \t]+travail|pole"
    r"[ \t]+emploi|mairie|ccas|prefecture|sous-prefecture|tribunal|impots|sip|tresorerie"
    r"|accueil|agence|antenne|permanence|centre[ \t]+social|hotel[ \t]+de[ \t]+ville)(?![\w])"
)


# The types of a street whose name follows them (read on folded text).
OWN_NAME_STREET_RE = re.compile(
    r"(?<![\w])(?:rue|avenue|av|boulevard|bd|allee|chemin|impasse|place|route|quai|cours"
    r"|square|passage|esplanade|parvis|promenade|ruelle|venelle|sentier|faubourg|chaussee"
    r"|rond-point|residence|cite|lotissement|hameau|lieu-dit)(?![\w])",
    re.IGNORECASE,
)


# A desk one goes to, spoken of in the message (« l'accueil est-il ouvert ? », « les horaires
# de l'agence »): a street named after a public building is then that building's.
DESK_TALK_RE = re.compile(
    r"(?<![\w])(?:accueil|agences?|antennes?|permanences?|guichets?|bureaux?|locaux"
    r"|ouvert\w*|horaires?|se[ \t]+trouve\w*|situee?s?)(?![\w])",
    re.IGNORECASE,
)


def desk_talk(folded: str) -> bool:
    return DESK_TALK_RE.search(folded) is not None


def _public_place(value: str, *, desk_talk: bool = True) -> bool:
    """A desk named in a place (« Accueil CAF, bâtiment A »). A street named after a public
    building (« rue de la Poste », « place de la Mairie ») is anyone's unless the message
    speaks of a desk one goes to (``desk_talk``)."""
    folded = fold(value).lower()
    street = OWN_NAME_STREET_RE.search(folded)
    if street and not desk_talk and not folded[: street.start()].strip(" \t>,"):
        return False
    return bool(PUBLIC_PLACE_RE.search(folded))


def _town_line_part(part: str, *, signature: bool) -> bool:
    part = part.strip()
    if not part or len(part) > 45 or len(part.split()) > 6:
        return False
    if _public_place(part):
        return False
    if MONTH_WORD_RE.search(fold(part)) and re.search(r"\d", part):
        return False  # « Nantes, 12 mars »: a date
    if TOWN_LINE_PART_RE.match(part):
        return True
    return signature and bool(CAPITALISED_SITE_RE.fullmatch(part))


def find_town_lines(text: str, folded: str, places: frozenset[str]) -> Iterable[Entity]:
    """A line of parts and a known town, comma apart, with no postcode (« bât. B,
    Villeurbanne », « Nantes, quartier Malakoff »), where addresses stand: under the
    writer's name, above their phone or e-mail, or after « adresse : »."""
    if "," not in text or not places:
        return
    lines = list(TOWN_LINE_RE.finditer(text))
    for index, line in enumerate(lines):
        content = line.group(1)
        # the last label of the line (« … décembre. Adresse inchangée : … »)
        labels = list(INLINE_ADDRESS_LABEL_RE.finditer(content))
        label = labels[-1] if labels else None
        if label and label.end() < len(content):
            # « mon adresse : 12 les Hauts de Kerlann, Vannes »: the line after its label
            parts = content[label.end() :].split(",")
            if (
                len(parts) > 1
                and not re.search(r"(?i)mail|electronique|courriel", fold(content[: label.end()]))
                and not any(re.fullmatch(r"[ \t]*\d+[ \t]+[a-zà-ÿ]+[ \t]*", p) for p in parts)
                and "\n" not in content
                and not re.search(r"\d{5}", content)
                and (
                    (
                        _known_town(parts[-1].strip(), places)
                        and all(_town_line_part(p, signature=False) for p in parts[:-1])
                    )
                    or (
                        _known_town(parts[0].strip(), places)
                        and all(_town_line_part(p, signature=False) for p in parts[1:])
                    )
                )
            ):
                yield Entity(line.start(1) + label.end(), line.end(1), "ADDRESS")
                continue
        if "," not in content or len(content) > 90 or re.search(r"\d{5}", content):
            continue
        previous = next(
            (lines[i].group(1) for i in range(index - 1, -1, -1) if lines[i].group(1).strip()), ""
        )
        following = lines[index + 1].group(1) if index + 1 < len(lines) else ""
        under_name = bool(NAME_LINE_RE.match(previous)) and not previous.rstrip().endswith(".")
        context = (
            under_name
            or bool(LINE_ADDRESS_TRIGGER.search(previous))
            or bool(NEXT_LINE_CONTACT_RE.search(following))
        )
        if not context:
            continue
        parts = content.split(",")
        town_last, town_first = parts[-1].strip(), parts[0].strip()
        start = line.start(1)
        if (
            _known_town(town_last, places)
            and all(_town_line_part(p, signature=under_name) for p in parts[:-1])
        ) or (
            _town_first(town_first, places)
            and all(_town_line_part(p, signature=False) for p in parts[1:])
        ):
            yield Entity(start, line.end(1), "ADDRESS")


# « éleveur à Arette, quartier Lanne », « la maison de Moissac, chemin de Rouzet. »,
# « l'appart de quimper, résidence kerfeunteun »: a town after « à » or « de », then a street
# or a place without its number, closing the sentence or the line.
TOWN_THEN_PLACE_RE = re.compile(
    r"(?<![\w])(?:a|de|d'|depuis)[ \t]+((?:[a-z][\w'\-]*)(?:[ \t]+[a-z][\w'\-]*){0,2}),[ \t]*"
    r"((?:quartier|residence|res\.|lieu-dit|lieudit|hameau|lotissement|cite|rue|avenue"
    r"|boulevard|chemin|impasse|allee|route|zone|quai|cours|traverse|montee|mas"
    r"|domaine)(?![\w])[^\n.,;!?]{2,40}?)[ \t]*(?=$|\n|[.;!?])",
    re.IGNORECASE,
)


def _town_anycase(value: str, places: frozenset[str], lowercase: bool) -> bool:
    key = _town_key(value)
    keys = {key, key.replace(" ", "-")}
    return (value[:1].isupper() or lowercase) and any(_town_in(k, places) for k in keys)


# A home placed by its town then its street, no number and no comma (« la maison à Bidart
# chemin Xyzetxea », « j'habite à Sare route Ibarla »).
HOME_TOWN_STREET_RE = re.compile(
    r"(?<![\w])(?:maison|logement|appartement|appart|terrain|propriete|ferme|habite|habitons"
    r"|vis|vivons|domicilie\w*|demeurant)[ \t]+(?:a|au|en)[ \t]+"
    r"((?:[A-Za-z][\w'\-]*)(?:[ \t]+[A-Za-z][\w'\-]*){0,2}?)[ \t]+"
    r"((?:quartier|residence|lieu-dit|lieudit|hameau|lotissement|rue|avenue|boulevard|chemin"
    r"|impasse|allee|route|quai|traverse|montee)[ \t]+[^\n.,;!?]{2,40}?)[ \t]*(?=$|\n|[.,;!?])",
    re.IGNORECASE,
)


def find_town_then_place(text: str, folded: str, places: frozenset[str]) -> Iterable[Entity]:
    """A town and its street or place, no number, after « à » or « de »; and a town (with
    up to two short parts) written before an address found on its own."""
    if not places:
        return
    for match in HOME_TOWN_STREET_RE.finditer(folded):
        town = text[match.start(1) : match.end(1)]
        name = text[match.start(2) : match.end(2)].split()[1:]
        if (
            _town_anycase(town, places, False)
            and name
            and all(w[:1].isupper() or fold(w).lower() in PLACE_NAME_PARTICLES for w in name)
        ):
            yield Entity(match.start(1), match.end(2), "ADDRESS")
    if "," not in text:
        return
    lowercase = sum(ch.isupper() for ch in text) <= 2
    for match in TOWN_THEN_PLACE_RE.finditer(folded):
        town = text[match.start(1) : match.end(1)]
        if not _town_anycase(town, places, lowercase):
            continue
        if MONTH_WORD_RE.search(folded[match.start(2) : match.end(2)]):
            continue
        name = text[match.start(2) : match.end(2)].split()[1:]
        if len(name) > 5 or not (
            lowercase
            or all(w[:1].isupper() or fold(w).lower() in PLACE_NAME_PARTICLES for w in name)
        ):
            continue  # « à Lyon, rue de la République il y a du monde »: a sentence goes on
        yield Entity(match.start(1), match.end(2), "ADDRESS")


PLACE_NAME_PARTICLES = frozenset(
    ["de", "du", "des", "la", "le", "les", "d'", "l'", "d", "l", "aux", "au"]
)


# « eysines, 6 rue de la pierre », « Le Tampon, 14e km, 22 rue … »: the town and the short
# parts written before an address.
TOWN_BEFORE_RE = re.compile(
    r"(?:^|(?<=[\s:]))((?:[\w'\-]+[ \t]+){0,2}[\w'\-]+)[ \t]*"
    r"(,[ \t]*(?:[^,\n]{1,16},[ \t]*){0,2}|[ \t]+)$"
)


ADDRESS_CUE_BEFORE_RE = re.compile(
    r"(?<![\w])(?:adresse|habite|j'habite|domicile|domicilie\w*|appart\w*|demenage\w*)"
    r"[ \t]*(?::|c'est|c|est)?[ \t]*(?:a|au|sur)?[ \t]*$",
    re.IGNORECASE,
)


def extend_with_town(text: str, entities: list[Entity], places: frozenset[str]) -> list[Entity]:
    """Address entities preceded on their line by a known town (« eysines, 6 rue … »,
    « Béziers, CCAS, 2 rue … ») start at the town."""
    if not any(e.label == "ADDRESS" for e in entities):
        return entities
    lowercase = sum(ch.isupper() for ch in text) <= 2
    out = []
    for entity in entities:
        if entity.label == "ADDRESS":
            entity = _with_town(text, entity, places, lowercase)
        out.append(entity)
    return out


def _with_town(text: str, entity: Entity, places: frozenset[str], lowercase: bool) -> Entity:
    line_start = text.rfind("\n", 0, entity.start) + 1
    before = fold(text[line_start : entity.start])
    match = TOWN_BEFORE_RE.search(before)
    if not match or MONTH_WORD_RE.search(match.group(2)) or re.search(r"\d{3}", match.group(2)):
        return entity
    words = list(re.finditer(r"[\w'\-]+", match.group(1)))
    # « adresse kervignac, 3 impasse … »: a town in lower case right after an address's cue,
    # even in a text with capitals (eleventh pass)
    for first in words:  # the longest run of words that is a known town
        start = line_start + match.start(1) + first.start()
        cued = lowercase or bool(
            ADDRESS_CUE_BEFORE_RE.search(before, 0, match.start(1) + first.start())
        )
        if _town_anycase(text[start : line_start + match.end(1)], places, cued):
            return Entity(start, entity.end, entity.label)
    return entity


# « Villeurbanne 12 les Tilleuls »: a town, then a house number and the place, no comma
TOWN_THEN_NUMBER_RE = re.compile(r"^(.+?)[ \t]+(\d{1,4}(?:[ \t]?(?:bis|ter))?[ \t]+[^\d].*)$")


def _town_first(part: str, places: frozenset[str]) -> bool:
    """The first part of a town line: a known town alone, or followed by a house number
    and the place it numbers."""
    if _known_town(part, places):
        return True
    split = TOWN_THEN_NUMBER_RE.match(part)
    return bool(
        split
        and _known_town(split.group(1), places)
        and _town_line_part(split.group(2), signature=False)
    )


# --- A street without its number closing a message (issue 12, eighth pass) ----------------

# A street or a place named alone on its line, no number: its type, then capitalised words
# and particles (« impasse du Moulin », « allée des Peupliers »), a known town after it or
# not (« route de Vannes Pontivy », « chemin des Vignes à Béziers »).
BARE_STREET_LINE_RE = re.compile(
    r"[ \t>]*((?i:rue|avenue|av\.|boulevard|bd|chemin|impasse|all[ée]e|route|place|quai|cours"
    r"|square|r[ée]sidence|lotissement|lieu[- ]?dit|hameau|quartier|cit[ée]|domaine|clos"
    r"|traverse|mont[ée]e|sente|venelle|passage|villa|mas)(?![\w])"
    r"(?:[ \t]+(?:(?i:de|du|des|la|le|les|d'|l'|d’|l’|aux|au)[ \t]*|[A-ZÀ-Þ][\w'’\-]*)){1,6}"
    r"(?:[ \t]*,[ \t]*|[ \t]+(?:à|a)[ \t]+|[ \t]+)?)[ \t.]*$"
)
LINE_POSTCODE_RE = re.compile(r"[ \t>]*((?:\d{2}|2[AB])[ \t]?\d{3})(?:[ \t]+(\S.*?))?[ \t.]*$")


# « sentier des mimosas, arcachon », « Chemin des vignes, pessac »: a street or a place in
# any case (lower or mixed: the capitalised ones have rules of their own), any of its types
# (those a sentence also uses as words: « voie », « parc », « mail », « côte »…), then a
# comma and a town, alone on a line among a message's last ones (``find_closing_streets``
# checks the town is known and that nothing but contact lines follows).
LOWER_STREET_TOWN_LINE_RE = re.compile(
    r"[ \t>]*((?:rue|avenue|av\.|boulevard|bd|chemin|impasse|all[ée]e|route|place|quai|cours"
    r"|square|r[ée]sidence|lotissement|lieu[- ]?dit|hameau|quartier|cit[ée]|domaine|clos"
    r"|traverse|mont[ée]e|sente|sentier|venelle|passage|villa|mas|voie|mail|rampe|rocade"
    r"|carrefour|c[ôo]te|lev[ée]e|dr[èe]ve|zone|parc|coteau|galerie|corniche|pont|esplanade"
    r"|promenade|parvis|ruelle|faubourg|chauss[ée]e)(?![\w])"
    r"(?:[ \t]+[a-zà-ÿ'’\-]+){1,6})[ \t]*,[ \t]*([a-zà-ÿ][a-zà-ÿ'’\- ]{1,40}?)[ \t.]*$",
    re.IGNORECASE,
)


# The types of a street no sentence uses as a word (not « place », « voie », « parc »…).
PLAIN_STREET_TYPE_RE = re.compile(
    r"(?:rue|avenue|boulevard|bd|chemin|impasse|all[ée]e|route|quai|lotissement|lieu[- ]?dit"
    r"|hameau|sentier|venelle|ruelle|faubourg)[ \t]",
    re.IGNORECASE,
)


# A phone's or a mail program's line under the message (« Envoyé de mon iPhone »).
SENT_FROM_RE = re.compile(
    r"(?i)(?:envoy[ée] (?:de|depuis) (?:mon|ma)|sent from my|obtenir outlook)"
)


def _street_line_town(line: str, places: frozenset[str]) -> int | None:
    """Where the known town that ends a bare street line starts, or None."""
    words = list(re.finditer(r"[\w'’\-]+", line))
    for index in range(1, len(words)):
        if _known_town(line[words[index].start() : words[-1].end()], places):
            return words[index].start()
    return None


# A place without number beside its town (« Moulin de Kerbrat », « Les Hauts de Kerbrat »,
# « Kerbrat »): capitalised words and particles, or a street without its number in any case
# (« brest, rue des lilas »).
SITE_RE = re.compile(
    r"(?:(?:Le|La|Les|L['’])[ \t]?)?[A-ZÀ-Þ][\w'’\-]+"
    r"(?:[ \t]+(?:(?:de|du|des|la|le|les|d['’]|l['’])[ \t]*)?[A-ZÀ-Þ][\w'’\-]+){0,3}"
)
LOOSE_STREET_RE = re.compile(
    r"(?i:rue|avenue|boulevard|chemin|impasse|all[ée]e|route|place|quai|r[ée]sidence"
    r"|lotissement|lieu[- ]?dit|hameau|quartier|cit[ée]|domaine|cours|square|passage"
    r"|(?:av|bd|bld|blvd|imp|all|rte|pl|che|r)\.?)(?:[ \t]+[\w'’\-]+){1,5}"
)
POSTCODE_TOWN_RE = re.compile(r"((?:\d{2}|2[AB])[ \t]?\d{3})[ \t]+(\S.*)")
# What a place and its town follow when they close the message inline (« je vis au Moulin de
# Kerbrat, Brest », « j'habite Les Hauts de Kerbrat, Brest », « à mon domicile … »), not
# « je suis au Secours populaire, Brest ».
SITE_BEFORE_RE = re.compile(
    r"(?:(?<![\w])(?:habite|habitons|domicile|vis|vit|demeure|reside|installee?)"
    r"(?:[ \t]+(?:toujours|maintenant|desormais|actuellement))?[ \t]+(?:a[ \t]+la|au|aux|a)?"
    r"|(?<![\w])(?:adresse|domicile)[ \t]*:?)[ \t]*$",
    re.IGNORECASE,
)


def _town_part(part: str, places: frozenset[str], lowercase: bool) -> bool:
    part = part.strip(" .")
    postcode = POSTCODE_TOWN_RE.fullmatch(part)
    if postcode:
        part = postcode.group(2)
    return _town_anycase(part, places, lowercase) or (
        bool(postcode) and part[:1].isupper() and len(part) > 2
    )


def _site_part(
    part: str, places: frozenset[str], lowercase: bool, *, desk_talk: bool = True
) -> bool:
    part = part.strip(" .")
    if not part or len(part) > 45 or _public_place(part, desk_talk=desk_talk):
        return False
    if LOOSE_STREET_RE.fullmatch(part):
        return True
    if lowercase or part.isupper() or not SITE_RE.fullmatch(part) or _town_key(part) in places:
        return False
    return _town_key(part) not in NOT_A_SITE


# Capitalised words that are no place beside a town (« Brest, Bretagne », « Brest, France »).
NOT_A_SITE = frozenset(
    re.split(
        r"\s+",
        """france bretagne normandie provence alsace corse guadeloupe martinique reunion
        guyane mayotte belgique suisse merci cordialement bonjour""",
    )
)


def _place_and_town(
    line: str, places: frozenset[str], lowercase: bool, *, desk_talk: bool = True
) -> bool:
    """« Brest, rue des Lilas », « 29200 Brest, Kerbrat », « Les Hauts de Kerbrat, Brest »: a
    known town (or a postcode and a town) and a place without number, comma apart."""
    parts = line.split(",")
    if len(parts) != 2:
        return False
    first, second = parts
    return (
        _town_part(first, places, lowercase)
        and _site_part(second, places, lowercase, desk_talk=desk_talk)
    ) or (
        _town_part(second, places, lowercase)
        and _site_part(first, places, lowercase, desk_talk=desk_talk)
    )


def find_closing_streets(text: str, folded: str, places: frozenset[str]) -> Iterable[Entity]:
    """A street or a place without its number on the last lines of a message, with its
    town (on the line or the next) or its postcode, or under the writer's name, a closing
    or an announcement of the address (« Cordialement\\nallée des Peupliers\\nRennes »,
    « voici ma nouvelle adresse.\\nimpasse du Moulin\\nAngers »)."""
    if not places:
        return
    lines = [m for m in TOWN_LINE_RE.finditer(text) if m.group(1).strip(" >")]
    lowercase = sum(ch.isupper() for ch in text) <= 2
    desk = desk_talk(folded)
    if lines:
        yield from _closing_place(text, lines, places, lowercase, desk)
    if "\n" not in text:
        return
    for index, line in enumerate(lines[-3:], start=max(0, len(lines) - 3)):
        street = BARE_STREET_LINE_RE.fullmatch(line.group(0))
        if not street or _public_place(line.group(1), desk_talk=desk):
            continue
        rest = lines[index + 1 :]
        end = line.end(1)
        town = _street_line_town(line.group(1), places) is not None
        if rest:
            following = rest[0].group(1)
            postcode = LINE_POSTCODE_RE.fullmatch(following)
            if _known_town(following.strip(" ."), places) or (
                postcode and (not postcode.group(2) or postcode.group(2)[:1].isupper())
            ):
                end, town, rest = rest[0].end(1), True, rest[1:]
        if any(not NEXT_LINE_CONTACT_RE.search(other.group(1)) for other in rest):
            continue  # the message goes on: a street named in passing
        previous = lines[index - 1].group(1) if index else ""
        announced = (
            bool(NAME_LINE_RE.match(previous))
            or bool(LINE_ADDRESS_TRIGGER.search(previous))
            or bool(re.search(r"(?i)adresse", fold(previous)))
            or fold(previous).strip(" ,.!").lower() in {"cordialement", "merci", "bien a vous"}
        )
        if town or announced:
            yield Entity(line.start(1), end, "ADDRESS")
    # In the body's last lines or in the signature (a closing, a name, a quoted reply may
    # follow), never in the quoted reply itself (the other party's words).
    parts = None  # split once, and only when a line has the shape
    for index, line in enumerate(lines):
        lower = LOWER_STREET_TOWN_LINE_RE.fullmatch(line.group(0))
        if not lower:
            continue
        if parts is None:
            parts = split_email(text)
        body_end = parts.body.end
        if (
            line.end(1) <= parts.signature.end
            and not _public_place(lower.group(1), desk_talk=desk)
            and _town_anycase(lower.group(2).strip(), places, True)
            and (
                # a street's own type (never a word of a sentence) and its town written
                # with its capital stand in the body's middle too (« …\nrue des lilas,
                # Colmar\nle chauffage … »)
                (PLAIN_STREET_TYPE_RE.match(lower.group(1)) and lower.group(2)[:1].isupper())
                or all(
                    NEXT_LINE_CONTACT_RE.search(other.group(1))
                    or SENT_FROM_RE.match(other.group(1))
                    for other in lines[index + 1 :]
                    if other.start(1) < body_end
                )
            )
        ):
            yield Entity(line.start(0) + lower.start(1), line.start(0) + lower.end(2), "ADDRESS")


def _closing_place(
    text: str, lines: list[re.Match[str]], places: frozenset[str], lowercase: bool, desk: bool
) -> Iterable[Entity]:
    """A place and its town ending the message: its last line, under the text (« …
    attestation.\nBrest, rue des Lilas »), or its last words after « j'habite », « je suis
    au », « adresse : » (« je suis au Moulin de Kerbrat, Brest »)."""
    last = lines[-1]
    content = last.group(1)
    if "\n" in text and _place_and_town(content, places, lowercase, desk_talk=desk):
        yield Entity(last.start(1), last.end(1), "ADDRESS")
        return
    label = INLINE_ADDRESS_LABEL_RE.search(content) or re.search(
        r"(?i)adresse[^:\n]{0,20}:[ \t]*", content
    )
    if label and _place_and_town(content[label.end() :], places, lowercase, desk_talk=desk):
        # « Mon adresse a changé : Brest, Kerbrat »
        yield Entity(last.start(1) + label.end(), last.end(1), "ADDRESS")
        return
    if content.count(",") < 1:
        return
    comma = content.rfind(",")
    town = content[comma + 1 :]
    if not _town_part(town, places, lowercase):
        return
    head = content[:comma].rstrip()
    for word in re.finditer(r"(?<![\w'’])(?=[A-ZÀ-Þ])", head):
        site = head[word.start() :]
        if (
            SITE_RE.fullmatch(site)
            and SITE_BEFORE_RE.search(fold(head[: word.start()]))
            and _site_part(site, places, lowercase, desk_talk=desk)
        ):
            yield Entity(last.start(1) + word.start(), last.end(1), "ADDRESS")
            return


# « j'ai déménagé à la cité des fleurs à Nîmes », « je suis à la résidence les peupliers a
# bobigny », « au moulin de la roche a saint-yrieix », « le logement se trouve au hameau de
# Chez Gaudin, Confolens »: a named place without number, then its known town, in any case.
PLACE_AT_TOWN_RE = re.compile(
    r"(?<![\w])((?:(?:la|le)[ \t]+)?(?:cite|residence|hameau|moulin|manoir|lotissement|domaine"
    r"|ferme|lieu-dit|lieudit|terrain|camping)(?:[ \t]+[\w'\-]+){1,5}?)"
    r"(?:[ \t]*,[ \t]*|[ \t]+a[ \t]+)([a-z][\w'\-]*(?:[ \t\-](?:sur|sous|en|les|le|la|de|du)"
    r"[ \t\-][\w'\-]+)?)((?:[ \t]+\d{1,2}(?:e|eme))?)(?=[ \t]*(?:$|[\n.,;!?]))",
    re.IGNORECASE | re.MULTILINE,
)
PLACE_AT_TOWN_CUE_RE = re.compile(
    r"(?:habit|demenag|suis|sommes|trouve|adresse|logement|maison|vis\b|vit\b|domicil"
    r"|install|heberg|au|chez|c'est|cest)[^.!?\n]{0,30}$"
    r"|^[ \t>]*(?:\w+[ \t]*:[ \t]*)?(?:au|a[ \t]+la)?[ \t]*$",
    re.IGNORECASE,
)


def find_places_at_towns(text: str, folded: str, places: frozenset[str]) -> Iterable[Entity]:
    """A named place without its number (a cité, a résidence, a hamlet, a mill…) and its
    known town after « à » or a comma, closing the clause, where someone lives."""
    if not places:
        return
    for match in PLACE_AT_TOWN_RE.finditer(folded):
        town = match.group(2).lower()
        if not (
            town in places or town.replace(" ", "-") in places or re.match(r"saint?e?-\w", town)
        ):
            continue
        line_start = folded.rfind("\n", 0, match.start()) + 1
        if not PLACE_AT_TOWN_CUE_RE.search(folded[line_start : match.start()]):
            continue
        if _public_place(folded[match.start(1) : match.end(1)], desk_talk=desk_talk(folded)):
            continue
        yield Entity(match.start(1), match.end(3) if match.group(3) else match.end(2), "ADDRESS")


# A postcode and its known town closing a message (an SMS signed with the writer's address:
# « … odile le goff 12 ker an dour 29860 plabennec »), with the house's number and name
# before it when a word of the name is no French word.
CLOSING_POSTCODE_RE = re.compile(
    r"(?<![\w])(\d{5})[ \t]+((?:(?:les|le|la)[ \t]+|l')?[a-z][\w'’]*(?:[- ][\w'’]+){0,3}?)"
    r"[ \t.!]*$",
    re.IGNORECASE,
)
HOUSE_BEFORE_POSTCODE_RE = re.compile(
    r"(?<![\w,/.])(\d{1,4})(?:[ \t]+(?:bis|ter))?(?:[ \t]+[a-z][\w'’\-]*){1,4}[ \t]*,?[ \t]*$",
    re.IGNORECASE,
)
BORN_AT_BEFORE_RE = re.compile(r"\bn[ée]e?s?[ \t]+(?:a|à)[ \t]*$", re.IGNORECASE)


def find_closing_postcodes(
    text: str, folded: str, places: frozenset[str], is_word: Callable[[str], bool]
) -> Iterable[Entity]:
    """« … 12 ker an dour 29860 plabennec »: a postcode and a known town ending the message,
    in any case, with the house's number and name before them; never a birthplace."""
    match = CLOSING_POSTCODE_RE.search(folded)
    if not match or _town_key(match.group(2)) not in places:
        return
    before = folded[: match.start(1)]
    if NOT_A_POSTCODE_BEFORE.search(before) or BORN_AT_BEFORE_RE.search(before):
        return
    start = match.start(1)
    house = HOUSE_BEFORE_POSTCODE_RE.search(before)
    if house:
        words = re.findall(r"[a-z][\w'’\-]*", house.group().lower())
        if any(not is_word(word) for word in words if len(word) > 2):
            start = house.start(1)  # « 12 ker an dour », not « 3 enfants a nourrir »
    end = match.end(2)
    yield Entity(start, end, "ADDRESS")


# « on est à M'tsapéré 97600 maintenant », « JE SUIS X DE KAWÉNI 97600 MAMOUDZOU »: a village
# or a quarter no list of towns knows, after « à » or « de », then its postcode (and its
# town): where someone lives (a known town and its postcode alone stays a town).
PLACE_THEN_POSTCODE_RE = re.compile(
    r"(?<![\w'’])(?i:a|de|au)[ \t]+((?:[A-Z][\w'’\-]+[ \t]+){1,2}?)((?:0[1-9]|[1-8]\d|9[0-8])\d{3})"
    r"((?:[ \t]+[A-Z][\w'’\-]+(?:[ \t\-]+[A-Z][\w'’\-]+){0,2})?)(?![\w])"
)


def find_places_then_postcodes(text: str, folded: str, places: frozenset[str]) -> Iterable[Entity]:
    if not places or not re.search(r"\d{5}", folded):
        return
    for match in PLACE_THEN_POSTCODE_RE.finditer(folded):
        place = match.group(1).strip()
        if fold(place).lower() in places or fold(place).lower().replace(" ", "-") in places:
            continue
        end = match.end(3) if match.group(3) else match.end(2)
        yield Entity(match.start(1), end, "ADDRESS")


# « Agent : votre identifiant et votre code postal ? / Vous : 4821093R / Vous : 35000 »: a
# caller's line that is nothing but a postcode, under the question asking for it.
POSTCODE_ASKED_RE = re.compile(r"code[ \t]+postal|cp\b[^\n]*\?", re.IGNORECASE)
POSTCODE_ANSWER_RE = re.compile(
    r"^[ \t>]*(?:\[[\d:.,]+\][ \t]*)?(?:vous|visiteur|visiteuse|usager|usagere|client|cliente"
    r"|appelant|appelante|citoyen|citoyenne|contribuable|internaute)[ \t]*:[ \t]*"
    r"((?:0[1-9]|[1-8]\d|9[0-8])\d{3})[ \t.]*$",
    re.IGNORECASE | re.MULTILINE,
)


def find_postcode_answers(text: str, folded: str) -> Iterable[Entity]:
    """A postcode given alone as the answer to « code postal ? » asked up to three lines
    above: where the caller lives, even without the street."""
    if "\n" not in folded or "postal" not in folded:
        return
    for match in POSTCODE_ANSWER_RE.finditer(folded):
        above = folded[: match.start()].rstrip("\n").split("\n")[-3:]
        if any("?" in line and POSTCODE_ASKED_RE.search(line) for line in above):
            yield Entity(match.start(1), match.end(1), "ADDRESS")
