"""Personal data in the contact registers: the generator's second anonymisation corpus.

``pii_contact.jsonl`` (same format as ``pii.jsonl``: ``{text, entities, register, family}``)
holds SMS, emails (greeting, body, signature, quoted reply), chat lines, call transcripts
and web forms with personal data written the way people write or say it: names outside the
lexicon (regional, overseas, of foreign origin, compound, with particles), in capitals,
in lower case with context, spelled letter by letter, after « Mme », « M. », « ma
conseillère », in signatures and quoted replies; NIR and allocataire numbers written
loosely or read aloud; birth dates loose or in words; addresses written city first, with a
street name that is a bare title or common noun, lieux-dits, PO boxes, overseas; emails
read aloud; IBAN and card numbers mistyped next to their name. Clean texts carry the traps:
first names used as words (« un parapluie rose »), organisations in capitals, cities,
appointment dates, amounts.

Half of the person names come from the engine's lexicon, half from the held-out pools of
:mod:`parvis.language.corpus.names`; the evaluation reports recall on each. Every family is
``contact:<category>#<n>``.
"""

# ruff: noqa: E501 - hand-written data: one template per line reads best

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from parvis.core.text import FRENCH_MONTHS as MONTH_NAMES
from parvis.language.corpus import names as name_pools
from parvis.language.corpus.motifs import MOTIFS

# --- Spoken numbers -----------------------------------------------------------------------

_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def words_99(n: int) -> str:
    """0–99 in French words (« soixante et onze », « quatre-vingt-douze »)."""
    if n < 17:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _TENS[tens]
        return f"{_TENS[tens]} et un" if unit == 1 else f"{_TENS[tens]}-{_UNITS[unit]}"
    if n < 80:
        return "soixante et onze" if n == 71 else "soixante-" + words_99(n - 60)
    if n == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + words_99(n - 80)


def words_999(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return words_99(n)
    head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent" + ("s" if not rest else "")
    return head if not rest else f"{head} {words_99(rest)}"


def words_year(year: int) -> str:
    if year >= 2000:
        return "deux mille" + (f" {words_99(year - 2000)}" if year > 2000 else "")
    return f"mille neuf cent {words_99(year - 1900)}" if year >= 1900 else str(year)


def say_digits(digits: str, rng: random.Random) -> str:
    """Digits read one by one, or in pairs and triples as people do on the phone."""
    if rng.random() < 0.5:
        return " ".join(_UNITS[int(d)] for d in digits)
    groups, index = [], 0
    while index < len(digits):
        size = 3 if len(digits) - index == 3 else 2
        if len(digits) - index == 1:
            size = 1
        chunk = digits[index : index + size]
        if chunk.startswith("0") and len(chunk) > 1:
            groups.append("zéro " + words_999(int(chunk)))
        else:
            groups.append(words_999(int(chunk)))
        index += size
    return " ".join(groups)


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- Values -------------------------------------------------------------------------------

CITIES = [
    ("64000", "Pau"),
    ("33600", "Pessac"),
    ("67000", "Strasbourg"),
    ("29200", "Brest"),
    ("59100", "Roubaix"),
    ("13013", "Marseille"),
    ("69008", "Lyon"),
    ("31000", "Toulouse"),
    ("87100", "Limoges"),
    ("44300", "Nantes"),
    ("35000", "Rennes"),
    ("21000", "Dijon"),
    ("63000", "Clermont-Ferrand"),
    ("76600", "Le Havre"),
    ("80000", "Amiens"),
    ("51100", "Reims"),
    ("2A000", "Ajaccio"),
    ("20200", "Bastia"),
    ("64100", "Bayonne"),
    ("24500", "Eymet"),
    ("12400", "Saint-Affrique"),
    ("93200", "Saint-Denis"),
    ("94400", "Vitry-sur-Seine"),
    ("77100", "Meaux"),
    ("60000", "Beauvais"),
    ("62100", "Calais"),
    ("57000", "Metz"),
    ("86000", "Poitiers"),
    ("47000", "Agen"),
    ("38100", "Grenoble"),
    ("06300", "Nice"),
    ("83000", "Toulon"),
    ("30000", "Nîmes"),
    ("66000", "Perpignan"),
    ("25000", "Besançon"),
    ("45000", "Orléans"),
    ("18000", "Bourges"),
    ("23000", "Guéret"),
    ("48000", "Mende"),
    ("15000", "Aurillac"),
    ("05000", "Gap"),
    ("09000", "Foix"),
    ("22300", "Lannion"),
    ("56100", "Lorient"),
    ("85000", "La Roche-sur-Yon"),
    ("17000", "La Rochelle"),
]
OVERSEAS_CITIES = [
    ("97232", "Le Lamentin"),
    ("97224", "Ducos"),
    ("97122", "Baie-Mahault"),
    ("97400", "Saint-Denis"),
    ("97410", "Saint-Pierre"),
    ("97351", "Matoury"),
    ("97300", "Cayenne"),
    ("97600", "Mamoudzou"),
    ("97625", "Kani-Kéli"),
    ("98713", "Papeete"),
    ("98718", "Punaauia"),
    ("98800", "Nouméa"),
    ("97110", "Pointe-à-Pitre"),
    ("97200", "Fort-de-France"),
    ("97420", "Le Port"),
]
STREETS_NAMED = [
    "rue des Tanneurs",
    "allée Mozart",
    "avenue Jean Moulin",
    "rue Victor Hugo",
    "boulevard de la Liberté",
    "chemin des Vignes",
    "impasse des Acacias",
    "rue Paul Bert",
    "place du Marché",
    "rue Louise Michel",
    "avenue Aristide Briand",
    "rue du Docteur Roux",
    "quai de la Fosse",
    "cours Gambetta",
    "rue Saint-Nicolas",
    "rue de Verdun",
    "allée des Peupliers",
    "route de Bayonne",
    "rue Jules Ferry",
    "square Molière",
]
# Street names that are a bare title or a common noun: the whole name is the address.
STREETS_BARE = [
    "boulevard Amiral",
    "rue Colonel",
    "avenue Président",
    "rue Fontaine",
    "rue Soleil",
    "allée Printemps",
    "rue Capitaine",
    "place Liberté",
    "rue Commandant",
    "impasse Jardin",
    "rue Paix",
    "chemin Verger",
    "rue Maréchal",
    "avenue Général",
    "rue Docteur",
    "rue Abbé",
    "rue Lieutenant",
    "quai Amiral",
    "rue Chanoine",
    "rue de la Gare",
    "rue du Stade",
    "rue de l'Église",
    "route de la Mer",
    "chemin des Écoliers",
    "rue Rose",
    "rue Pierre",
    "allée Claire",
    "rue Marine",
    "impasse Lavoir",
    "rue Moulin",
    "avenue Gare",
    "rue Château",
    "rue Prairie",
    "chemin Source",
    "rue Poste",
]
# Towns of several words: people write them with or without hyphens, in lower case.
LONG_TOWNS = [
    ("87500", "Saint-Yrieix-la-Perche"),
    ("01000", "Bourg-en-Bresse"),
    ("78100", "Saint-Germain-en-Laye"),
    ("85000", "La Roche-sur-Yon"),
    ("19200", "Saint-Angel"),
    ("64500", "Saint-Jean-de-Luz"),
    ("62200", "Boulogne-sur-Mer"),
    ("13200", "Arles"),
]
REGIONS = {"97": ["Martinique", "Guadeloupe", "La Réunion", "Guyane", "Mayotte"]}
UNITS = ["bât. 3", "Bât. B", "appt 12", "appartement 4", "bâtiment C", "porte 6"]
LIEUX_DITS = [
    "lieu-dit Kerbastard",
    "Le Bourg",
    "La Grange Neuve",
    "Hameau de Vaux",
    "Mas des Oliviers",
    "lieu-dit Les Granges",
    "Le Moulin de Bas",
    "La Croix Blanche",
    "lieudit Pen ar Hoat",
    "Ferme de la Motte",
]
OVERSEAS_PLACES = [
    "Lotissement Les Flamboyants",
    "Quartier Bois-Rouge",
    "Cité Ozanam, bât. C",
    "Chemin Ravine Blanche",
    "Résidence Les Alizés",
    "Morne Rouge",
    "Village de Passamaïnty",
    "Servitude Teriierooiterai, PK 12",
    "Lotissement Cotonnière",
    "Tribu de Saint-Louis",
    "Quartier Chemin Neuf",
    "Impasse des Goyaviers",
    "Lotissement Bellevue, lot 14",
]
COMPLEMENTS = ["", "", "", ", bât. B", ", appt 12", " appartement 4", ", 3e étage", ", escalier C"]


def house_number(rng: random.Random) -> str:
    return rng.choice(
        [
            str(rng.randrange(1, 120)),
            f"{rng.randrange(1, 40)} bis",
            str(rng.randrange(1, 15)),
            f"{rng.randrange(1, 30)} ter",
        ]
    )


def address(rng: random.Random, style: str) -> str:
    postcode, city = rng.choice(CITIES)
    number = house_number(rng)
    complement = rng.choice(COMPLEMENTS)
    if style == "named":
        return f"{number} {rng.choice(STREETS_NAMED)}{complement}, {postcode} {city}"
    if style == "bare":
        street = rng.choice(STREETS_BARE)
        return rng.choice(
            [
                f"{number} {street}, {postcode} {city}",
                f"{number} {street} {postcode} {city}",
                f"{number} {street}{complement}",
                f"{number} {street} à {city}",
            ]
        )
    if style == "city_first":
        street = rng.choice(STREETS_NAMED + STREETS_BARE)
        return rng.choice(
            [
                f"{city}, {number} {street}",
                f"{city} {postcode}, {number} {street}",
                f"{postcode} {city}, {number} {street}{complement}",
                f"{city} ({postcode}), {number} {street}",
            ]
        )
    if style == "lieu_dit":
        return f"{rng.choice(LIEUX_DITS)}, {postcode} {city}"
    if style == "po_box":
        place_postcode, place = rng.choice(CITIES + OVERSEAS_CITIES)
        return rng.choice(
            [
                f"BP {rng.randrange(1, 9999)}, {place_postcode} {place}",
                f"BP {rng.randrange(1, 999)} - {place_postcode} {place}",
                f"Boîte postale {rng.randrange(1, 999)}, {place_postcode} {place}",
            ]
        )
    if style == "overseas":
        place_postcode, place = rng.choice(OVERSEAS_CITIES)
        return f"{rng.choice(OVERSEAS_PLACES)}, {place_postcode} {place}"
    if style == "abbrev":
        street = rng.choice(STREETS_NAMED)
        for full, short in (
            ("rue ", "r. "),
            ("avenue ", "av. "),
            ("boulevard ", "bd "),
            ("allée ", "all. "),
            ("impasse ", "imp. "),
            ("chemin ", "ch. "),
            ("place ", "pl. "),
            ("route ", "rte "),
            ("square ", "sq. "),
            ("quai ", "q. "),
            ("cours ", "crs "),
        ):
            street = street.replace(full, short)
        return f"{number} {street}, {postcode} {city}"
    if style == "spoken":
        street = rng.choice(STREETS_NAMED + STREETS_BARE).lower()
        said = words_99(rng.randrange(1, 99))
        if not postcode.isdigit():
            return f"{said} {street} à {city.lower()}"
        spoken_postcode = f"{words_99(int(postcode[:2]))} {words_999(int(postcode[2:])) if int(postcode[2:]) else 'mille'}"
        return rng.choice(
            [
                f"{said} {street} à {city.lower()}",
                f"{said} {street} {spoken_postcode} {city.lower()}",
            ]
        )
    if style == "no_number":
        # « rue des Lilas à Tulle »: a named street and its town, no house number
        named = re.sub(r"^\d+\s*", "", rng.choice(STREETS_NAMED))
        return rng.choice([f"{named} à {city}", f"{named}, {city}", f"{named} à {city.lower()}"])
    if style == "long_town":
        town_postcode, town = rng.choice(LONG_TOWNS)
        street = rng.choice(STREETS_NAMED + STREETS_BARE)
        written = town.replace("-", " ") if rng.random() < 0.6 else town
        if rng.random() < 0.5:
            written = strip_accents(written.lower())
        return rng.choice(
            [
                f"{number} {street} {town_postcode} {written}",
                f"{number} {street} à {written}",
                f"{number} {street} ({town})",
            ]
        )
    if style == "unit_first":
        street = rng.choice(STREETS_NAMED + STREETS_BARE)
        return rng.choice(
            [
                f"{rng.choice(UNITS)}, {number} {street}, {postcode} {city}",
                f"{rng.choice(UNITS)} {number} {street} à {city}",
                f"{rng.choice(UNITS)}, {rng.choice(OVERSEAS_PLACES).split(',')[0]}, {postcode} {city}",
            ]
        )
    if style == "region":
        place_postcode, place = rng.choice(OVERSEAS_CITIES[:9] + OVERSEAS_CITIES[12:])
        region = rng.choice(REGIONS["97"])
        street = rng.choice(STREETS_NAMED + OVERSEAS_PLACES[:4])
        return f"{number} {street}, {place_postcode} {place}, {region}"
    if style == "sms_r":
        named = re.sub(
            r"^\d+\s*rue\s", "", rng.choice([s for s in STREETS_NAMED if " rue " in f" {s} "])
        )
        return strip_accents(f"{number} r {named} {postcode} {city}".lower())
    if style == "multiline":
        street = rng.choice(STREETS_NAMED + STREETS_BARE)
        head = rng.choice(["", "", "Bât. C, appt 12\n", "Résidence Les Tilleuls\n"])
        return f"{head}{number} {street}\n{postcode} {city}"
    raise ValueError(style)


def nir(rng: random.Random) -> str:
    sex = rng.choice("12")
    year = f"{rng.randrange(30, 100):02d}" if rng.random() < 0.8 else f"{rng.randrange(0, 8):02d}"
    month = f"{rng.randrange(1, 13):02d}"
    dept = rng.choice(["75", "13", "69", "33", "59", "2A", "2B", "93", "64", "29", "97", "99"])
    commune = f"{rng.randrange(1, 999):03d}"
    if dept == "97":
        commune = rng.choice(["209", "411", "302", "113", "611"]) + ""
        dept = "97"
    order = f"{rng.randrange(1, 999):03d}"
    first13 = sex + year + month + dept + commune + order
    key = 97 - int(first13.replace("2A", "19").replace("2B", "18")) % 97
    return first13 + f"{key:02d}"


def nir_loose(value: str, rng: random.Random) -> str:
    parts = [value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]]
    style = rng.choice(
        [
            "key_word",
            "key_dash",
            "dots",
            "dashes",
            "key_apart",
            "no_key",
            "pairs",
            "compact_key",
            "key_brackets",
            "double_spaces",
            "wrong_key",
        ]
    )
    if style == "key_word":
        return (
            " ".join(parts[:-1]) + rng.choice([" clé ", " cle ", " clef ", " - clé "]) + parts[-1]
        )
    if style == "key_dash":
        return " ".join(parts[:-1]) + " - " + parts[-1]
    if style == "dots":
        return ".".join(parts)
    if style == "dashes":
        return "-".join(parts)
    if style == "key_apart":
        return "".join(parts[:-1]) + " " + parts[-1]
    if style == "no_key":
        return " ".join(parts[:-1])
    if style == "compact_key":
        return "".join(parts[:-1]) + "/" + parts[-1]
    if style == "key_brackets":
        return " ".join(parts[:-1]) + f" (clé {parts[-1]})"
    if style == "double_spaces":
        return "  ".join(parts)
    if style == "wrong_key":
        # copied by hand: the key no longer holds
        return " ".join(parts[:-1]) + f" {(int(parts[-1]) + rng.randrange(1, 90)) % 97:02d}"
    flat = value
    return " ".join(flat[i : i + 2] for i in range(0, 14, 2)) + flat[14:]


def nir_spoken(value: str, rng: random.Random) -> str:
    parts = [value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]]
    said = []
    for index, part in enumerate(parts):
        if not part.isdigit():
            said.append(" ".join(_UNITS[int(c)] if c.isdigit() else c for c in part))
        elif index == len(parts) - 1 and rng.random() < 0.5:
            said.append("clé " + words_99(int(part)))
        elif part.startswith("0") and len(part) > 1:
            said.append("zéro " + words_999(int(part)))
        else:
            said.append(
                words_999(int(part))
                if rng.random() < 0.8
                else " ".join(_UNITS[int(c)] for c in part)
            )
    return rng.choice([" ", ", ", " "]).join(said)


def nir_mixed(value: str, rng: random.Random) -> str:
    """Digits said with a word or two (« un 85 03 75 123 456, et la clé soixante-dix-huit »)."""
    parts = [value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]]
    head = ("un" if parts[0] == "1" else "deux") + " " + " ".join(parts[1:-1])
    key = rng.choice([f"clé {parts[-1]}", f"et la clé {words_99(int(parts[-1]))}"])
    return f"{head}, {key}" if rng.random() < 0.5 else f"{head} {key}"


def caf_number(rng: random.Random) -> str:
    return str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(6))


def caf_loose(value: str, rng: random.Random) -> str:
    style = rng.choice(
        ["plain", "plain", "split3", "pairs", "dots", "letter", "glued", "one_three_three"]
    )
    if style == "glued":
        return value + rng.choice("ABCDEFGH")
    if style == "one_three_three":
        return f"{value[0]} {value[1:4]} {value[4:]}"
    if style == "split3":
        return f"{value[:3]} {value[3:]}"
    if style == "pairs":
        return f"{value[:2]} {value[2:4]} {value[4:]}"
    if style == "dots":
        return f"{value[:3]}.{value[3:]}"
    if style == "letter":
        return value + " " + rng.choice("ABCDEFGH")
    return value


def birthdate(rng: random.Random, style: str) -> str:
    day, month, year = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(1932, 2021)
    month_name = MONTH_NAMES[month - 1]
    if style == "loose":
        return rng.choice(
            [
                f"{day}/{month}/{year % 100:02d}",
                f"{day:02d}.{month:02d}.{year % 100:02d}",
                f"{day:02d} {month:02d} {year}",
                f"{day:02d}-{month:02d}-{year}",
                f"{day} {month_name} {year % 100:02d}",
                f"{day}/{month:02d}/{year}",
                f"{day:02d}{month:02d}{year}",
                f"{'1er' if day == 1 else day} {month_name[:3]}. {year}",
                f"{day} {month_name} {year}",
            ]
        )
    if style == "words":
        spoken_day = "premier" if day == 1 else words_99(day)
        return rng.choice(
            [
                f"{spoken_day} {month_name} {words_99(year % 100)}",
                f"{spoken_day} {month_name} {words_year(year)}",
                f"{words_99(day)} {words_99(month)} {words_99(year % 100)}",
                f"{day} {month_name} {words_year(year)}",
            ]
        )
    return f"{day:02d}/{month:02d}/{year}"


def phone(rng: random.Random) -> str:
    digits = rng.choice(["06", "07", "05", "02", "09"]) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    return rng.choice(
        [" ".join(pairs), ".".join(pairs), digits, "+33 " + digits[1] + " " + " ".join(pairs[1:])]
    )


def phone_spoken(rng: random.Random) -> str:
    digits = rng.choice(["06", "07"]) + "".join(str(rng.randrange(10)) for _ in range(8))
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    return " ".join(
        ("zéro " + _UNITS[int(p[1])]) if p.startswith("0") else words_99(int(p)) for p in pairs
    )


def email(first: str, last: str, rng: random.Random) -> str:
    f = re.sub(r"[^a-z]", "", strip_accents(first.lower()))
    surname = re.sub(r"[^a-z]", "", strip_accents(last.lower()))
    domain = rng.choice(
        [
            "gmail.com",
            "orange.fr",
            "hotmail.fr",
            "free.fr",
            "laposte.net",
            "yahoo.fr",
            "sfr.fr",
            "outlook.fr",
            "wanadoo.fr",
        ]
    )
    local = rng.choice(
        [
            f"{f}.{surname}",
            f"{f}{surname}{rng.randrange(10, 99)}",
            f"{f[0]}{surname}",
            f"{surname}.{f}",
            f"{f}_{surname}",
        ]
    )
    return f"{local}@{domain}"


def email_spoken(first: str, last: str, rng: random.Random) -> str:
    f = re.sub(r"[^a-z]", "", strip_accents(first.lower()))
    surname = re.sub(r"[^a-z]", "", strip_accents(last.lower()))
    domain = rng.choice(
        [
            "gmail point com",
            "orange point fr",
            "hotmail point fr",
            "free point fr",
            "yahoo point fr",
        ]
    )
    local = rng.choice(
        [
            f"{f} point {surname}",
            f"{surname} tiret {f}",
            f"{f} {surname}",
            f"{f} underscore {surname}",
        ]
    )
    return f"{local} {rng.choice(['arobase', 'arobase', 'at'])} {domain}"


def iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(23))
    numeric = "".join(str(int(ch, 36)) for ch in bban + "FR00")
    check = 98 - int(numeric) % 97
    return f"FR{check:02d}{bban}"


def mistype(value: str, rng: random.Random) -> str:
    """One digit changed: a checksum no longer holds (people copy numbers by hand)."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit() and i > 3]
    i = rng.choice(positions)
    return value[:i] + str((int(value[i]) + rng.randrange(1, 9)) % 10) + value[i + 1 :]


def bank_format(value: str, rng: random.Random, *, lower: bool = False) -> str:
    style = rng.choice(["spaced", "plain", "lower"] if lower else ["spaced", "plain"])
    if style == "plain":
        return value
    return spaced(value).lower() if style == "lower" else spaced(value)


def spaced(value: str, size: int = 4) -> str:
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def card(rng: random.Random) -> str:
    digits = [rng.choice([4, 5])] + [rng.randrange(10) for _ in range(14)]
    for check in range(10):
        candidate = "".join(map(str, [*digits, check]))
        total = 0
        for position, char in enumerate(reversed(candidate)):
            v = int(char) * (2 if position % 2 else 1)
            total += v - 9 if v > 9 else v
        if total % 10 == 0:
            return candidate
    raise AssertionError


def plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    a = rng.choice(letters) + rng.choice(letters)
    b = rng.choice(letters) + rng.choice(letters)
    n = f"{rng.randrange(1, 1000):03d}"
    return rng.choice(
        [
            f"{a}-{n}-{b}",
            f"{a} {n} {b}",
            f"{a}{n}{b}".lower(),
            f"{a}-{n}-{b}".lower(),
            f"{a} {n}-{b}",
            f"{a}.{n}.{b}",
        ]
    )


def tax_number(rng: random.Random) -> str:
    value = str(rng.randrange(0, 4)) + "".join(str(rng.randrange(10)) for _ in range(12))
    return rng.choice(
        [
            value,
            f"{value[:2]} {value[2:4]} {value[4:7]} {value[7:10]} {value[10:]}",
            spaced(value, 3),
        ]
    )


# --- People -------------------------------------------------------------------------------


class People:
    """Names drawn half from the engine's lexicon, half from the held-out pools."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lex_first = name_pools.lexicon_first()
        self.lex_last = name_pools.lexicon_last()
        self.out_first = name_pools.held_out_first()
        self.out_last = name_pools.held_out_last()

    def person(self) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return self.rng.choice(self.lex_first), self.rng.choice(self.lex_last)
        if self.rng.random() < 0.5:
            return self.rng.choice(self.out_first), self.rng.choice(self.out_last)
        # mixed: a listed first name with a held-out last name, or the reverse
        if self.rng.random() < 0.5:
            return self.rng.choice(self.lex_first), self.rng.choice(self.out_last)
        return self.rng.choice(self.out_first), self.rng.choice(self.lex_last)


SPELLING_WORDS = {
    "A": "Anatole", "B": "Berthe", "C": "Célestin", "D": "Désiré", "E": "Eugène", "F": "François",
    "G": "Gaston", "H": "Henri", "I": "Irma", "J": "Joseph", "K": "Kléber", "L": "Louis",
    "M": "Marcel", "N": "Nicolas", "O": "Oscar", "P": "Pierre", "Q": "Quintal", "R": "Raoul",
    "S": "Suzanne", "T": "Thérèse", "U": "Ursule", "V": "Victor", "W": "William", "X": "Xavier",
    "Y": "Yvonne", "Z": "Zoé",
}  # fmt: skip


def spelling_alphabet(word: str, rng: random.Random) -> str:
    """« D comme Désiré, U comme Ursule… »: the French spelling alphabet on the phone."""
    letters = [ch for ch in strip_accents(word).upper() if ch.isalpha()]
    separator = rng.choice([", ", " ", " puis "])
    return separator.join(f"{ch} comme {SPELLING_WORDS[ch]}" for ch in letters)


def spelled_with_words(word: str, rng: random.Random) -> str:
    """Letters one by one, with the words people say for what is no letter (« N apostrophe
    D I A Y E », « L E tiret G O F F », « D U espace P O N T »)."""
    out = []
    for ch in strip_accents(word).upper():
        if ch.isalpha():
            out.append(ch)
        elif ch == "'":
            out.append("apostrophe")
        elif ch == "-":
            out.append(rng.choice(["tiret", "trait d'union"]))
        elif ch == " ":
            out.append(rng.choice(["espace", "en deux mots"]))
    if len(out) > 2 and rng.random() < 0.3:
        index = rng.randrange(1, len(out))
        if out[index] == out[index - 1] and len(out[index]) == 1:
            out[index - 1 : index + 1] = [f"deux {out[index]}"]
    return " ".join(out)


def spelled(word: str, rng: random.Random) -> str:
    letters = [ch for ch in strip_accents(word).upper() if ch.isalpha()]
    separator = rng.choice([" ", " ", "-", ". ", ", "])
    return separator.join(letters) + ("." if separator == ". " else "")


# --- Templates ----------------------------------------------------------------------------
# ``{P.full}`` etc. are the person's name in one form; ``{A.…}`` a second person (an agent,
# a relative); other slots are identifiers. Literal text around them is kept as written.

Slot = Callable[["TextState"], tuple[str | None, str]]


class TextState:
    def __init__(self, rng: random.Random, people: People) -> None:
        self.rng = rng
        self.p = people.person()
        self.a = people.person()
        self.nir = nir(rng)
        self.caf = caf_number(rng)


def _name_forms(first: str, last: str, rng: random.Random) -> dict[str, str]:
    return {
        "full": f"{first} {last}",
        "first": first,
        "last": last,
        "LAST_first": f"{last.upper()} {first}",
        "CAPS": f"{first} {last}".upper(),
        "last_first": f"{last} {first}",
        "lower": strip_accents(f"{first} {last}".lower())
        if rng.random() < 0.6
        else f"{first} {last}".lower(),
        "lower_first": strip_accents(first.lower()),
        "lower_last": strip_accents(last.lower()),
        "initial_last": f"{first[0]}. {last}",
    }


def slot_value(name: str, state: TextState) -> tuple[str | None, str]:
    rng = state.rng
    if name.startswith("W."):
        word = rng.choice(name_pools.WORD_FIRST_NAMES)
        return "PERSON", strip_accents(word.lower()) if name == "W.lower" else word
    if name.startswith(("P.", "A.")):
        first, last = state.p if name[0] == "P" else state.a
        form = name[2:]
        if form == "spelled":
            return "PERSON", spelled(last, rng)
        if form == "spelled_words":
            return "PERSON", spelled_with_words(last, rng)
        if form == "alphabet":
            return "PERSON", spelling_alphabet(last, rng)
        if form == "CAPS_last":
            return "PERSON", last.upper()
        if form == "email":
            return "EMAIL", email(first, last, rng)
        if form == "email_spoken":
            return "EMAIL", email_spoken(first, last, rng)
        return "PERSON", _name_forms(first, last, rng)[form]
    makers: dict[str, Callable[[], tuple[str | None, str]]] = {
        "ADDRESS": lambda: (
            "ADDRESS",
            address(
                rng,
                rng.choice(
                    ["named", "bare", "bare", "city_first", "lieu_dit", "overseas", "po_box"]
                ),
            ),
        ),
        "ADDRESS_BARE": lambda: ("ADDRESS", address(rng, "bare")),
        "ADDRESS_CITY_FIRST": lambda: ("ADDRESS", address(rng, "city_first")),
        "ADDRESS_MULTILINE": lambda: ("ADDRESS", address(rng, "multiline")),
        "ADDRESS_ABBREV": lambda: ("ADDRESS", address(rng, "abbrev")),
        "ADDRESS_CAPS": lambda: ("ADDRESS", address(rng, "named").upper()),
        "ADDRESS_SPOKEN": lambda: ("ADDRESS", address(rng, "spoken")),
        "ADDRESS_NO_NUMBER": lambda: ("ADDRESS", address(rng, "no_number")),
        "ADDRESS_LONG_TOWN": lambda: ("ADDRESS", address(rng, "long_town")),
        "ADDRESS_UNIT": lambda: ("ADDRESS", address(rng, "unit_first")),
        "ADDRESS_REGION": lambda: ("ADDRESS", address(rng, "region")),
        "ADDRESS_SMS": lambda: ("ADDRESS", address(rng, "sms_r")),
        "NIR_MIXED": lambda: ("NIR", nir_mixed(state.nir, rng)),
        "ADDRESS_OVERSEAS": lambda: (
            "ADDRESS",
            address(rng, rng.choice(["overseas", "po_box", "lieu_dit"])),
        ),
        "PHONE": lambda: ("PHONE", phone(rng)),
        "PHONE_SPOKEN": lambda: ("PHONE", phone_spoken(rng)),
        "NIR": lambda: ("NIR", nir_loose(state.nir, rng)),
        "NIR_SPOKEN": lambda: ("NIR", nir_spoken(state.nir, rng)),
        "CAF": lambda: ("CAF_NUMBER", caf_loose(state.caf, rng)),
        "CAF_SPOKEN": lambda: ("CAF_NUMBER", say_digits(state.caf, rng)),
        "BIRTH": lambda: ("BIRTHDATE", birthdate(rng, "loose")),
        "BIRTH_WORDS": lambda: ("BIRTHDATE", birthdate(rng, "words")),
        "IBAN_TYPO": lambda: (
            "IBAN",
            bank_format(mistype(iban(rng), rng), rng, lower=True),
        ),
        "IBAN": lambda: ("IBAN", bank_format(iban(rng), rng)),
        "CARD_TYPO": lambda: ("CARD", bank_format(mistype(card(rng), rng), rng)),
        "PLATE": lambda: ("PLATE", plate(rng)),
        "TAX": lambda: ("TAX_NUMBER", tax_number(rng)),
        # a service's address: masked like anyone's (the rules cannot tell a service's
        # inbox from a person's), but for a no-reply address, which names nobody (the
        # hand-written sets' convention, fifteenth pass)
        "ORG_EMAIL": lambda: _org_email(
            rng.choice(
                [
                    "ne-pas-repondre@caf.fr",
                    "contact@msa-gironde.fr",
                    "noreply@dgfip.finances.gouv.fr",
                    "accueil@ccas-ville.fr",
                    "service.usagers@cpam-paris.fr",
                ]
            )
        ),
        "DATE": lambda: (
            None,
            f"{rng.choice(['lun.', 'mar.', 'mer.', 'jeu.', 'ven.'])} {rng.randrange(1, 29)} {rng.choice(MONTH_NAMES)} 2025 à {rng.randrange(8, 18)}:{rng.randrange(0, 60):02d}",
        ),
        "CORE": lambda: (None, rng.choice(CORES)),
        "ORG": lambda: (
            None,
            rng.choice(
                [
                    "la CAF",
                    "la CPAM",
                    "la MSA",
                    "France Travail",
                    "les impôts",
                    "la Carsat",
                    "l'Urssaf",
                    "l'ANTS",
                ]
            ),
        ),
    }
    return makers[name]()


SLOT_RE = re.compile(r"\{([A-Za-z_.]+)\}")
CORES = [core for motif in MOTIFS.values() for core in motif["cores"]]


def render(template: str, state: TextState) -> list[Any]:
    parts: list[Any] = []
    position = 0
    for match in SLOT_RE.finditer(template):
        parts.append(template[position : match.start()])
        label, value = slot_value(match.group(1), state)
        parts.append((label, value) if label else value)
        position = match.end()
    parts.append(template[position:])
    return parts


def transform(parts: list[Any], register: str, rng: random.Random) -> list[Any]:
    """SMS and chat spellings, applied piece by piece so offsets stay exact."""
    if register not in {"sms", "chat"}:
        return parts
    lower = register == "sms" or rng.random() < 0.4
    accents = rng.random() < (0.7 if register == "sms" else 0.3)

    def apply(value: str) -> str:
        if lower:
            value = value.lower()
        if accents:
            value = strip_accents(value)
        return value

    out: list[Any] = []
    for part in parts:
        if isinstance(part, tuple):
            label, value = part
            out.append((label, apply(value) if label == "PERSON" or rng.random() < 0.5 else value))
        else:
            out.append(apply(part))
    return out


def assemble(parts: list[Any], register: str, family: str) -> dict[str, Any]:
    text = ""
    entities = []
    for part in parts:
        if isinstance(part, tuple):
            label, value = part
            entities.append({"start": len(text), "end": len(text) + len(value), "label": label})
            text += value
        else:
            text += part
    return {"text": text, "entities": entities, "register": register, "family": family}


# One list per category: (register, template). A template may hold several slots.
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "civility": [
        (
            "courriel",
            "Bonjour,\n\nJ'ai eu Mme {A.last} au téléphone hier, elle devait me rappeler. {CORE}\n\nCordialement",
        ),
        ("chat", "la conseillère Mme {A.last} m'a dit de vous écrire ici"),
        ("sms", "bjr jai vu mr {A.last} a l accueil il ma dit de renvoyer le papier"),
        ("formulaire", "J'ai été reçu par M. {A.full} le 3 mars. {CORE}"),
        (
            "transcription",
            "oui alors j'ai eu madame {A.last} la semaine dernière et elle m'a dit que c'était bon",
        ),
        (
            "courriel",
            "Madame, Monsieur,\nSuite à mon rendez-vous avec Monsieur {A.LAST_first}, je vous transmets les pièces. {CORE}",
        ),
        ("chat", "Mme {A.CAPS} ne répond plus à mes mails"),
        (
            "formulaire",
            "Demande faite pour le compte de Mme {P.full}, dont je suis la tutrice. {CORE}",
        ),
        ("sms", "c pour m {A.lower_last} qui devait me rappeler"),
        ("courriel", "Bonjour Madame {A.last},\n\n{CORE}\n\nBien à vous"),
        (
            "transcription",
            "Agent : vous avez eu qui\nAppelant : euh mme {A.lower_last} je crois\nAgent : d'accord",
        ),
        ("formulaire", "Maître {A.last}, mon avocat, a déposé le dossier. {CORE}"),
        ("chat", "Dr {A.last} a fait l'arrêt de travail, {CORE}"),
        ("courriel", "Bonjour,\nJe vous écris de la part de Mme {P.initial_last}. {CORE}\nMerci"),
    ],
    "role": [
        ("chat", "ma conseillère {A.first} m'a dit que c'était en cours"),
        ("sms", "ma conseillere {A.lower_first} ma dit d attendre"),
        (
            "courriel",
            "Bonjour,\nMon conseiller {A.full} est parti et personne ne suit mon dossier. {CORE}\nCordialement",
        ),
        (
            "formulaire",
            "L'agent {A.first} {A.last} m'a donné un mauvais renseignement au guichet. {CORE}",
        ),
        ("transcription", "j'ai eu votre collègue {A.first} ce matin elle m'a dit de rappeler"),
        ("chat", "l'assistante sociale {A.full} a envoyé le dossier le mois dernier"),
        ("sms", "mon assistante sociale {A.lower} a fait le dossier"),
        (
            "courriel",
            "Bonjour,\nJ'ai été reçue par votre collaboratrice {A.first} à l'accueil. {CORE}",
        ),
        ("formulaire", "Mon référent France Travail, {A.full}, ne répond plus. {CORE}"),
        ("chat", "c'est ma fille {A.first} qui écrit pour moi. {CORE}"),
        ("sms", "mon fils {A.lower_first} a 3 ans et la caf ne le compte pas"),
        ("transcription", "oui c'est mon mari {A.lower} qui s'occupe des papiers d'habitude"),
        (
            "courriel",
            "Bonjour,\nMon propriétaire, M. {A.last}, refuse de remplir l'attestation de loyer. {CORE}",
        ),
        ("formulaire", "Ma curatrice {A.full} est d'accord pour la demande."),
    ],
    "intro": [
        ("sms", "bonjour c {P.lower} jattends mon virement"),
        ("chat", "Bonjour, je m'appelle {P.full}, {CORE}"),
        ("transcription", "allo oui bonjour c'est {P.lower} je vous appelle pour mon dossier"),
        ("courriel", "Bonjour,\nJe suis {P.full}, allocataire depuis 2019. {CORE}"),
        ("sms", "moi c {P.lower_first} {P.lower_last} jai un souci avec {ORG}"),
        ("chat", "{P.full} ici, {CORE}"),
        ("formulaire", "Je soussignée {P.full} atteste sur l'honneur que {CORE}"),
        (
            "transcription",
            "bonjour je suis madame {P.lower_last} {P.lower_first} j'appelle pour ma retraite",
        ),
        ("chat", "mon nom c'est {P.last_first}"),
        ("sms", "slt ici {P.lower_first} la fille de {A.lower}"),
    ],
    "lowercase_context": [
        ("sms", "j'ai parlé à {A.lower_first} ce matin elle dit que c'est bon"),
        ("sms", "{A.lower} m'a rappelé hier pour mon dossier"),
        ("chat", "j ai eu {A.lower_first} au tel, elle a dit 15 jours"),
        ("sms", "c {A.lower_first} de l'accueil qui m'a dit de renvoyer"),
        (
            "transcription",
            "alors j'ai appelé la semaine dernière j'ai eu {A.lower_first} qui m'a dit que le dossier était complet",
        ),
        ("sms", "dites a {A.lower_first} que jai envoye les papiers"),
        ("chat", "je vois avec {A.lower} demain pour le dossier"),
        ("sms", "{A.lower_first} m a dit de vous ecrire"),
        ("transcription", "et là {A.lower} m'a répondu qu'il fallait attendre"),
        ("sms", "mon ex {A.lower} ne paie plus la pension"),
        ("chat", "bonjour, je suis la voisine de {A.lower}, elle est malade"),
        ("sms", "jai rdv avec {A.lower} jeudi"),
    ],
    "capitals": [
        ("formulaire", "Nom : {P.last}\nPrénom : {P.first}\nMessage : {CORE}"),
        ("formulaire", "NOM : {P.CAPS}\nObjet : réclamation\n{CORE}"),
        ("courriel", "Bonjour,\n{CORE}\n\n{P.LAST_first}"),
        ("chat", "{P.LAST_first}, dossier en attente depuis 2 mois"),
        ("formulaire", "Nom et prénom : {P.LAST_first}\nDate de naissance : {BIRTH}\n{CORE}"),
        ("courriel", "Madame, Monsieur,\n{CORE}\nVeuillez agréer mes salutations.\n{P.CAPS}"),
        ("sms", "{P.CAPS} DOSSIER BLOQUE MERCI DE ME RAPPELER"),
        ("formulaire", "Nom de naissance : {P.last}\nNom d'usage : {A.last}\n{CORE}"),
    ],
    "spelled": [
        (
            "transcription",
            "Agent : votre nom s'il vous plaît\nAppelant : {P.last} {P.spelled}\nAgent : merci",
        ),
        ("transcription", "c'est {P.lower_last} ça s'écrit {P.spelled}"),
        ("transcription", "oui madame {P.lower_last} alors j'épelle {P.spelled} voilà"),
        (
            "transcription",
            "Appelant : mon nom {P.lower_last} {P.spelled} et le prénom {P.lower_first}",
        ),
        ("chat", "je répète mon nom : {P.spelled}"),
        ("transcription", "bonjour c'est pour ma mère madame {P.lower_last} {P.spelled}"),
    ],
    "signature": [
        ("courriel", "Bonjour,\n\n{CORE}\n\nCordialement,\n{P.full}"),
        ("courriel", "Bonjour,\n{CORE}\nMerci d'avance\n\n{P.first} {P.last}\n{PHONE}"),
        (
            "courriel",
            "Madame, Monsieur,\n\n{CORE}\n\nBien à vous,\n\n{P.full}\n{ADDRESS_MULTILINE}\nTél. : {PHONE}",
        ),
        ("courriel", "Bonjour\n{CORE}\n--\n{P.first} {P.last}\n{P.email}"),
        ("courriel", "Bonjour,\n{CORE}\nCdlt\n{P.first}"),
        ("courriel", "Bonjour,\n{CORE}\nSalutations,\nMme {P.full}"),
        ("courriel", "{CORE}\n\nBonne journée\n{P.first} ({PHONE})"),
        ("courriel", "Bonjour,\n{CORE}\n\nRespectueusement,\n{P.last_first}\nallocataire n° {CAF}"),
        ("chat", "{CORE} merci, {P.first}"),
        ("sms", "{CORE} merci {P.lower_first}"),
    ],
    "quoted": [
        (
            "courriel",
            "Bonjour,\n\nToujours rien reçu.\n\nCordialement,\n{P.full}\n\nLe {DATE}, {A.full} <{ORG_EMAIL}> a écrit :\n> Madame {P.last},\n> Votre dossier est en cours de traitement.\n> {A.full}\n> Conseillère",
        ),
        (
            "courriel",
            "Merci pour votre réponse, je vous renvoie le justificatif.\n{P.first}\n\n-----Message d'origine-----\nDe : {A.full} <{ORG_EMAIL}>\nEnvoyé : {DATE}\nÀ : {P.email}\nObjet : Votre demande\n\nBonjour Monsieur {P.last},\nMerci de nous transmettre votre avis d'imposition.",
        ),
        (
            "courriel",
            "Je confirme mon adresse ci-dessous.\n\nLe {DATE}, {P.full} <{P.email}> a écrit :\n> Bonjour, j'ai déménagé au {ADDRESS}.\n> Mon numéro de sécurité sociale : {NIR}",
        ),
        (
            "courriel",
            "Bonjour,\nvoir ci-dessous.\n\n> Le {DATE}, {A.full} a écrit :\n>> Merci de rappeler votre numéro allocataire {CAF}.\n\nBien à vous\n{P.full}",
        ),
        (
            "courriel",
            "Re-bonjour, {CORE}\n\nDe : {P.full}\nEnvoyé : {DATE}\nÀ : {ORG_EMAIL}\nObjet : dossier\n\nBonjour, mon téléphone est le {PHONE}, merci de me rappeler.",
        ),
    ],
    "nir": [
        ("sms", "mon num de secu {NIR}"),
        ("formulaire", "N° de sécurité sociale : {NIR}\n{CORE}"),
        ("chat", "voilà mon numéro de sécu : {NIR}"),
        ("courriel", "Bonjour,\n{CORE}\nMon NIR : {NIR}\nCordialement"),
        ("transcription", "mon numéro de sécurité sociale c'est le {NIR_SPOKEN} voilà"),
        ("transcription", "Agent : votre numéro de sécu\nAppelant : alors {NIR_SPOKEN}"),
        ("sms", "num secu {NIR} merci"),
        ("chat", "numéro d'assuré social {NIR}"),
    ],
    "caf": [
        ("sms", "mon num alloc {CAF}"),
        ("chat", "n° allocataire : {CAF}, {CORE}"),
        ("formulaire", "Numéro d'allocataire CAF : {CAF}\n{CORE}"),
        ("courriel", "Bonjour,\n{CORE}\nMa référence allocataire est {CAF}.\nCordialement"),
        ("transcription", "mon numéro d'allocataire c'est le {CAF_SPOKEN}"),
        (
            "transcription",
            "Agent : vous avez votre numéro allocataire\nAppelant : oui attendez euh {CAF_SPOKEN}",
        ),
        ("sms", "jsuis allocataire num {CAF} jai rien recu"),
        ("chat", "mon identifiant caf c'est {CAF}"),
        ("formulaire", "Matricule MSA : {CAF}\n{CORE}"),
        ("sms", "dossier caf {CAF} svp"),
    ],
    "birthdate": [
        ("sms", "nee le {BIRTH} a {ORG}"),
        ("formulaire", "Date de naissance : {BIRTH}\n{CORE}"),
        ("chat", "je suis né le {BIRTH}, {CORE}"),
        ("transcription", "je suis née le {BIRTH_WORDS} voilà"),
        ("transcription", "Agent : votre date de naissance\nAppelant : le {BIRTH_WORDS}"),
        ("courriel", "Bonjour,\nJe suis née le {BIRTH}. {CORE}"),
        ("sms", "ddn {BIRTH}"),
        ("chat", "mon fils est né le {BIRTH} et la caf ne l'a pas pris en compte"),
        ("formulaire", "Né(e) le : {BIRTH}\n{CORE}"),
    ],
    "address": [
        ("sms", "jhabite {ADDRESS_BARE} depuis mars"),
        ("courriel", "Bonjour,\nJ'ai déménagé : ma nouvelle adresse est {ADDRESS}.\n{CORE}"),
        ("formulaire", "Adresse : {ADDRESS}\n{CORE}"),
        ("chat", "j'habite {ADDRESS_CITY_FIRST}, {CORE}"),
        ("transcription", "alors j'habite {ADDRESS_BARE} voilà"),
        ("formulaire", "Adresse postale : {ADDRESS_OVERSEAS}\n{CORE}"),
        ("courriel", "Bonjour,\n{CORE}\nMon adresse : {ADDRESS_CITY_FIRST}\nMerci"),
        ("sms", "nouvelle adresse {ADDRESS_OVERSEAS}"),
        ("chat", "Je suis au {ADDRESS_BARE}"),
        ("formulaire", "Domicile : {ADDRESS_BARE}\n{CORE}"),
        (
            "courriel",
            "Bonjour,\nle courrier doit partir au {ADDRESS}, pas à l'ancienne adresse.\nCordialement",
        ),
    ],
    "email": [
        ("transcription", "mon adresse mail c'est {P.email_spoken}"),
        ("chat", "vous pouvez m'écrire sur {P.email}"),
        ("sms", "mon mail {P.email}"),
        ("transcription", "Agent : votre courriel\nAppelant : {P.email_spoken}"),
    ],
    "phone": [
        ("transcription", "rappelez-moi au {PHONE_SPOKEN} merci"),
        ("sms", "mon tel {PHONE}"),
        ("chat", "joignable au {PHONE} après 17h"),
    ],
    "bank": [
        ("courriel", "Bonjour,\nVoici mon nouvel IBAN : {IBAN_TYPO}\n{CORE}"),
        ("sms", "mon rib {IBAN_TYPO}"),
        ("formulaire", "IBAN : {IBAN}\n{CORE}"),
        ("chat", "ma carte bancaire {CARD_TYPO} a été débitée deux fois"),
        (
            "courriel",
            "Bonjour,\nLe prélèvement sur ma CB n° {CARD_TYPO} a été refusé.\nCordialement",
        ),
    ],
    "vehicle_tax": [
        ("sms", "ma voiture {PLATE} a ete vendue"),
        ("chat", "immatriculation {PLATE}, carte grise pas reçue"),
        ("formulaire", "Numéro fiscal : {TAX}\n{CORE}"),
        ("courriel", "Bonjour,\nMon numéro fiscal est le {TAX}.\n{CORE}"),
    ],
    "call": [
        (
            "transcription",
            "Agent : {ORG} bonjour\nAppelant : oui bonjour c'est {P.lower} je suis née le {BIRTH_WORDS} et j'habite {ADDRESS_BARE}\nAgent : très bien",
        ),
        (
            "transcription",
            "[00:00:03] Agent : bonjour à qui ai-je l'honneur\n[00:00:05] Appelant : {P.lower_first} {P.lower_last}\n[00:00:09] Agent : vous pouvez épeler\n[00:00:11] Appelant : {P.spelled}",
        ),
        (
            "transcription",
            "Conseiller : votre numéro de sécurité sociale\nUsager : {NIR_SPOKEN}\nConseiller : et votre téléphone\nUsager : {PHONE_SPOKEN}",
        ),
        (
            "transcription",
            "allo oui c'est madame {P.lower_last} {P.lower_first} j'appelle pour ma mère qui habite {ADDRESS_OVERSEAS}",
        ),
    ],
    "contexts": [
        ("chat", "mes enfants {A.first} et {P.first} sont scolarisés à Lorient, {CORE}"),
        ("sms", "mes enfants {A.lower_first} et {P.lower_first} sont a ma charge"),
        ("courriel", "Bonjour,\nConcernant {P.full}, {CORE}\nCordialement"),
        ("formulaire", "À l'attention de {A.full}\n{CORE}"),
        ("formulaire", "Bénéficiaire : {P.full}\nObjet : {CORE}"),
        ("formulaire", "Titulaire du compte : {P.LAST_first}\n{CORE}"),
        ("formulaire", "Demandeur : {P.full}\nReprésentant légal : {A.full}\n{CORE}"),
        ("courriel", "Bonjour {A.first},\n\n{CORE}\n\nBonne journée"),
        ("chat", "Bonsoir {A.first} ! {CORE}"),
        ("chat", "Merci à {A.first} de l'accueil pour son aide, {CORE}"),
        ("formulaire", "Bravo à {A.full} qui a débloqué mon dossier en une semaine."),
        ("chat", "grâce à {A.first} j'ai enfin reçu mes droits"),
        ("courriel", "Bonjour,\n{A.full}, ma conseillère, m'a demandé de vous écrire. {CORE}"),
        ("chat", "{A.first}, l'agent d'accueil, m'a très bien reçue"),
        ("formulaire", "L'agent d'accueil, {A.first}, m'a orientée vers vous. {CORE}"),
        ("sms", "je suis la maman de {P.lower_first} jai pas recu l'allocation"),
        ("chat", "Je suis hébergée chez {A.full} depuis janvier, {CORE}"),
        ("courriel", "Bonjour,\n{CORE}\nCordialement,\n{P.initial_last}"),
        ("transcription", "alors mon nom c'est {P.lower_last} {P.alphabet}"),
        ("formulaire", "Mme {P.full} née {A.last}\n{CORE}"),
        ("chat", "{A.first} est très gentille mais elle ne peut rien faire pour moi"),
        ("courriel", "Bonjour,\nMa fille ({P.first}, 4 ans) n'est pas prise en compte. {CORE}"),
        ("chat", "la famille {P.last} est hébergée chez moi"),
        ("formulaire", "M. {P.CAPS_last}, je conteste la décision. {CORE}"),
        ("sms", "cest {A.lower_first} qui soccupe de mon dossier maintenant"),
        (
            "courriel",
            "Bonjour,\nJe vous écris pour mon père, {P.full}, qui est hospitalisé. {CORE}",
        ),
    ],
    "identifiers_far": [
        (
            "courriel",
            "Bonjour,\nJe suis allocataire depuis 2015 et je n'ai rien reçu. Mon numéro est le {CAF}.\nCordialement",
        ),
        ("chat", "La CAF ne répond pas. Voici mon numéro : {CAF}"),
        ("formulaire", "Organisme : CAF de la Gironde\nNuméro : {CAF}\n{CORE}"),
        (
            "courriel",
            "Bonjour,\nJ'ai perdu ma carte Vitale. Pour info voici le numéro inscrit dessus : {NIR}\nMerci",
        ),
        ("chat", "j'ai payé en ligne, le paiement a été prélevé deux fois sur {CARD_TYPO}"),
        (
            "sms",
            "ma voiture a ete vendue le mois dernier l'acheteur a rien fait c'etait la {PLATE}",
        ),
        (
            "courriel",
            "Bonjour,\nJe conteste l'avis des impôts. Pour mémoire, mon numéro : {TAX}\nCordialement",
        ),
        (
            "transcription",
            "Agent : vous êtes allocataire chez nous\nAppelant : oui oui\nAgent : votre numéro\nAppelant : {CAF_SPOKEN}",
        ),
    ],
    "forms_and_spelling": [
        ("formulaire", "Nom de l'agent : {A.full}\nMotif : {CORE}"),
        ("formulaire", "Conseiller rencontré : {A.first}\n{CORE}"),
        ("formulaire", "Enfant à charge : {P.first}\nConjoint : {A.full}\n{CORE}"),
        ("formulaire", "Personne à contacter : {A.LAST_first}\n{CORE}"),
        ("transcription", "oui c'est {P.lower_last} alors {P.spelled_words}"),
        ("transcription", "Agent : vous pouvez épeler\nAppelant : {P.spelled_words}"),
        ("chat", "{CORE} merci {W.lower}"),
        ("sms", "bonjour {W.lower}, {CORE}"),
        ("chat", "ok merci beaucoup {W.lower} !"),
    ],
    "addresses_more": [
        ("courriel", "Bonjour,\nMon adresse : {ADDRESS_ABBREV}\nMerci"),
        ("formulaire", "ADRESSE : {ADDRESS_CAPS}\n{CORE}"),
        ("transcription", "j'habite au {ADDRESS_SPOKEN} voilà"),
        ("chat", "Je suis domiciliée {ADDRESS}, {CORE}"),
        ("courriel", "Bonjour,\n{CORE}\n\n{P.full}\n{ADDRESS_MULTILINE}"),
    ],
}

TEMPLATES["second_pass"] = [
    # issue 12, second pass: shapes the first generator did not write
    ("sms", "jhabite {ADDRESS_NO_NUMBER} depuis mars"),
    ("chat", "envoyez le courrier {ADDRESS_NO_NUMBER} svp"),
    ("sms", "mon adresse {ADDRESS_LONG_TOWN}"),
    (
        "courriel",
        "Bonjour,\nJe vous écris depuis mon nouveau logement au {ADDRESS_LONG_TOWN}.\n{CORE}",
    ),
    ("formulaire", "Adresse : {ADDRESS_UNIT}\n{CORE}"),
    ("chat", "j'habite {ADDRESS_REGION}, {CORE}"),
    ("sms", "jhabite au {ADDRESS_SMS}"),
    ("chat", "mon numéro de sécu : {NIR}"),
    ("transcription", "Agent : votre numéro de sécu\nAppelant : alors c'est le {NIR_MIXED}"),
    ("sms", "je suis a la caf depuis 2010, mon numero : {CAF}, jai rien recu"),
    ("chat", "{CAF} c'est mon numéro allocataire"),
    ("courriel", "Bonjour,\nMon numéro fiscal (sur l'avis d'impôt) : {TAX}\n{CORE}"),
    ("chat", "j'ai vendu ma voiture, plaque {PLATE}, et l'acheteur n'a rien fait"),
    ("chat", "{A.first} est très gentille mais le dossier n'avance pas"),
    ("sms", "{A.lower_first} ma conseillère est partie"),
    ("chat", "j'ai été reçue par {W.lower} à l'accueil, {CORE}"),
    ("sms", "slt cé moi {P.lower_first}, ma demande avance ?"),
    ("sms", "je suis la maman de {P.lower_first} et de {A.lower_first}"),
    ("courriel", "Bonjour,\n{CORE}\nMerci de me rappeler.\n{P.first}"),
    ("formulaire", "{P.LAST_first}, né le {BIRTH}\n{CORE}"),
    ("transcription", "Agent : votre nom ?\nAppelant : {P.CAPS_last}, {P.spelled}"),
]

# Clean texts: nothing to mask, with the words that look like names or numbers.
CLEAN = [
    ("sms", "jai perdu mon parapluie rose a l'accueil de la caf"),
    ("chat", "La pierre tombale de mon père, est-ce que la MSA rembourse les frais d'obsèques ?"),
    ("sms", "c pas clair votre courrier"),
    ("chat", "Je vends de l'huile d'olive sur les marchés, je dois me déclarer à l'Urssaf ?"),
    ("formulaire", "Je suis marin pêcheur à Lorient, quelle caisse pour ma retraite ?"),
    (
        "courriel",
        "Bonjour,\nJ'ai reçu un courrier de la CPAM DE LA GIRONDE que je ne comprends pas.\nCordialement",
    ),
    ("sms", "la CAF m'a envoyé un mail mais le lien marche pas"),
    ("chat", "J'ai rendez-vous le 12/03/2025 à 14h à France Services de Mauléon."),
    (
        "transcription",
        "Agent : Assurance maladie bonjour\nAppelant : oui bonjour c'est pour un remboursement de lunettes\nAgent : je vous écoute",
    ),
    (
        "courriel",
        "Bonjour,\nVotre demande a bien été transmise.\n\nLe lun. 3 mars 2025 à 10:12, CAF de la Gironde a écrit :\n> Bonjour,\n> Votre demande a bien été enregistrée.",
    ),
    ("courriel", "Bonjour,\nMerci de me rappeler au sujet de mon RSA.\n\nEnvoyé de mon iPhone"),
    ("sms", "Bonjour, ma demande de prime d'activité est bloquée depuis le 5 avril. Merci"),
    ("chat", "Le montant de 1 250,50 € ne correspond pas à ce que j'ai déclaré."),
    ("formulaire", "J'ai rempli le cerfa 12345*06 et l'article 4 du règlement ne s'applique pas."),
    ("sms", "ma fille est en terminale au lycée Victor Hugo, on a droit à la bourse ?"),
    (
        "courriel",
        "Madame, Monsieur,\nJe conteste la décision du 14 février 2025.\nJe vous prie d'agréer mes salutations distinguées.",
    ),
    ("chat", "La fleur de sel que je vends sur les marchés, ça compte comme revenu agricole ?"),
    ("sms", "ange gardien de ma mere c moi, elle est en ehpad, on fait comment pour l'apl"),
    (
        "transcription",
        "oui bonjour alors voilà j'ai un souci avec la carte vitale euh elle marche plus depuis lundi",
    ),
    ("formulaire", "Je travaille à la Poste de Saint-Denis depuis 2012 et je demande ma retraite."),
    (
        "chat",
        "j'ai carte blanche de mon employeur pour poser mes congés, mais france travail veut une attestation",
    ),
    (
        "courriel",
        "Bonjour,\nLe centre des finances publiques de Bourges ne répond pas.\nBien à vous",
    ),
    ("sms", "le 3646 repond jamais"),
    (
        "chat",
        "Mon dossier à l'Anah est bloqué depuis janvier, la MAISON FRANCE SERVICES ne peut rien faire.",
    ),
    (
        "transcription",
        "Conseillère : vous appelez pour quel motif\nUsager : c'est pour la prime de Noël du RSA\nConseillère : d'accord",
    ),
    (
        "formulaire",
        "Je suis une perle rare pour mon employeur mais il ne déclare pas mes heures à l'Urssaf.",
    ),
    ("sms", "mes prunes et olives de mon verger, c agricole ?"),
    (
        "courriel",
        "Bonjour,\nPouvez-vous m'indiquer les horaires de l'accueil de Pau ?\nMerci d'avance\nUne allocataire",
    ),
    ("chat", "J'habite à Bayonne depuis 2020 et je change de caisse."),
    ("sms", "rdv annulé le 12 mars a 9h30, merci de me redonner une date"),
    (
        "formulaire",
        "Demande d'aide juridictionnelle pour mon divorce, audience le 4 juin 2025 au tribunal de Brest.",
    ),
    ("chat", "le violette de Toulouse, c'est le bonbon que je vends, je suis micro-entrepreneur"),
    (
        "transcription",
        "allo oui bonjour euh j'appelle parce que j'ai reçu un avis de la Carsat pour ma pension de réversion",
    ),
    (
        "courriel",
        "Bonjour,\n\nJe vous renvoie le formulaire signé.\n\nCordialement,\nLe service des ressources humaines",
    ),
    ("sms", "Rose ou bleu le courrier ? jai recu les deux"),
    ("chat", "La Marine nationale m'a versé ma solde en retard, les impôts me comptent deux fois."),
    (
        "formulaire",
        "Je suis en arrêt maladie depuis le 2 janvier et les indemnités journalières ne sont pas versées.",
    ),
    ("sms", "c urgent jai plus rien pour manger ce mois ci"),
    ("courriel", "Bonjour,\nJe vais passer au bureau de poste de la rue principale demain.\nMerci"),
    (
        "chat",
        "Pierre qui roule n'amasse pas mousse, moi j'ai déménagé trois fois, la CAF s'y perd.",
    ),
    ("sms", "la rue etait bloquee par les travaux je suis pas venu au rdv"),
    ("chat", "Je suis à la rue depuis deux mois, la CAF ne répond pas."),
    ("courriel", "Bonjour,\nFait à Limoges, le 3 avril 2025.\nMerci de votre retour."),
    ("chat", "j'ai une rose dans mon jardin et une pierre tombale à payer, la MSA aide ?"),
    ("formulaire", "J'ai rendez-vous à la CAF de Tulle le 12 mars, salle 3."),
    ("sms", "c pas claire votre lettre, le montant de 1 234 euros est faux"),
]


def _org_email(address: str) -> tuple[str | None, str]:
    no_reply = address.startswith(("ne-pas-repondre@", "noreply@"))
    return (None if no_reply else "EMAIL", address)


def build_contact(
    rng: random.Random, per_template: int = 8, clean_repeats: int = 4
) -> list[dict[str, Any]]:
    people = People(rng)
    rows: list[dict[str, Any]] = []
    for category, templates in TEMPLATES.items():
        for index, (register, template) in enumerate(templates):
            for _ in range(per_template):
                state = TextState(rng, people)
                parts = transform(render(template, state), register, rng)
                rows.append(assemble(parts, register, f"contact:{category}#{index}"))
    for index, (register, text) in enumerate(CLEAN):
        for repeat in range(clean_repeats):
            value = text
            if repeat and register in {"sms", "chat"}:
                value = strip_accents(value.lower()) if repeat % 2 else value.lower()
            elif repeat == 2:
                value = f"{rng.choice(CORES)} {text}"
            elif repeat == 3:
                value = f"{text}\n{rng.choice(CORES)}"
            rows.append(
                {
                    "text": value,
                    "entities": [],
                    "register": register,
                    "family": f"contact:clean#{index}",
                }
            )
    unique: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in rows:
        if row["text"] not in seen:
            seen.add(row["text"])
            unique.append(row)
    return unique
