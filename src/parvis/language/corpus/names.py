"""Person names of the generator, split into the engine's lexicon and a held-out pool.

The engine's name lexicon is ``language/data/first_names.txt`` and ``last_names.txt``. The
contact-register corpus draws half of its names from it and half from the *held-out* pools
below, which the lexicon must never absorb (a test checks it): recall on held-out names
measures the rules, context and spaCy, not the list. :func:`name_in_lexicon` is the one
reading of "in the lexicon" used by the corpus and by the evaluation report (the same as
``scripts/build_eval_set.py``, which stays free of parvis imports).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
NAME_LISTS = ("first_names.txt", "last_names.txt")

# Words that do not decide whether a name is in the lexicon: particles and initials.
PARTICLES = frozenset(
    (
        *("de", "du", "des", "la", "le", "les", "d", "l", "da", "do", "dos", "das", "di"),
        *("del", "della", "van", "von", "der", "den", "ben", "bin", "ibn", "el", "al"),
        *("ould", "n", "mc"),
    )
)


def fold_word(value: str) -> str:
    """Case- and accent-insensitive form of a word."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def name_lexicon() -> frozenset[str]:
    """Every first and last name the engine lists, folded."""
    names: set[str] = set()
    for filename in NAME_LISTS:
        for line in (DATA_DIR / filename).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                names.add(fold_word(line))
    return frozenset(names)


def name_in_lexicon(value: str, lexicon: frozenset[str] | None = None) -> bool:
    """True when every meaningful word of a person's name is listed, read generously:
    case and accents ignored, particles and initials ignored, a compound in when its whole
    form, its form without hyphen or apostrophe, or each part is listed, a name spelled
    letter by letter read as one word."""
    lexicon = name_lexicon() if lexicon is None else lexicon
    tokens = [t.strip(".,;:()") for t in value.split()]
    tokens = [t for t in tokens if t]
    if tokens and all(len(t) == 1 for t in tokens):
        tokens = ["".join(tokens)]
    tokens = [t.replace("-", "") if re.fullmatch(r"(?:\w-)+\w", t) else t for t in tokens]
    meaningful = [fold_word(t) for t in tokens if len(t) > 1 and fold_word(t) not in PARTICLES]
    if not meaningful:
        return True
    if fold_word(" ".join(tokens)) in lexicon:
        return True

    def known(token: str) -> bool:
        if token in lexicon or re.sub(r"[-'’]", "", token) in lexicon:
            return True
        parts = [p for p in re.split(r"[-'’]", token) if len(p) > 1 and p not in PARTICLES]
        return bool(parts) and all(p in lexicon for p in parts)

    return all(known(t) for t in meaningful)


# --- Held-out pools: never in the engine's lexicon ------------------------------------------

HELD_OUT_FIRST = {
    "regional": [
        "Gwenaëlle",
        "Maïwenn",
        "Goulven",
        "Nolwenn",
        "Riwal",
        "Katell",
        "Soazig",
        "Yannig",
        "Iñaki",
        "Maialen",
        "Ximun",
        "Beñat",
        "Ghjuvanni",
        "Lisandru",
        "Saveria",
        "Petru",
        "Estève",
        "Guilhem",
        "Arnaud-Guilhem",
        "Loeiz",
        "Annaïg",
        "Yann-Vari",
        "Brieuc",
        "Gurvan",
        "Enora",
        "Mikel",
        "Joxe",
        "Paskal",
        "Anjela",
        "Fanch",
    ],
    "overseas": [
        "Rosemond",
        "Dieudonné",
        "Fritz-Gérald",
        "Ketty",
        "Line-Rose",
        "Marie-Lourdes",
        "Zaïnaba",
        "Anrafa",
        "Moinecha",
        "Teiki",
        "Hinano",
        "Tehani",
        "Vaitiare",
        "Heimana",
        "Raimana",
        "Manutea",
        "Wassissi",
        "Siosaia",
        "Félicité",
        "Eddy-Max",
        "Loïs-Marie",
        "Mahamoudou",
        "Chamsia",
        "Roukia",
        "Nahéma",
    ],
    "foreign": [
        "Nourredine",
        "Fatiha",
        "Abdelhak",
        "Zoulikha",
        "Mabrouk",
        "Hayet",
        "Lahcen",
        "Kheira",
        "Oumy",
        "Sokhna",
        "Bakary",
        "Ndeye",
        "Assitan",
        "Nurettin",
        "Hüseyin",
        "Emine",
        "Joaquim",
        "Idalina",
        "Adelino",
        "Xiaoling",
        "Bogdan",
        "Svitlana",
        "Radu",
        "Ioana",
        "Olena",
        "Taras",
        "Thi Lan",
        "Minh Tuan",
        "Zhiwei",
        "Gulnara",
        "Aliou",
        "Ramatoulaye",
        "Bintou",
        "Habiba",
        "Abdelmalek",
        "Seyni",
        "Dragana",
        "Afroza",
        "Ravindra",
    ],
    "compound": [
        "Jean-Eudes",
        "Marie-Gwénola",
        "Anne-Soazig",
        "Marie-Noëlle",
        "Jean-Tugdual",
        "Pierre-Alexis",
        "Marie-Ghislaine",
        "Aymeric-Gwendal",
        "Anne-Gaëlle",
        "Jean-Wilfried",
    ],
}
HELD_OUT_LAST = {
    "regional": [
        "Le Squeren",
        "Kerneis",
        "Guéguen",
        "Quéméner",
        "Cadiou",
        "Jaouen",
        "Kerbrat",
        "Etcheverry",
        "Iribarne",
        "Harispe",
        "Goyhenetche",
        "Elissalde",
        "Santoni",
        "Pieri",
        "Orsoni",
        "Schwoerer",
        "Kieffer",
        "Muckensturm",
        "Hueber",
        "Castagné",
        "Peyrot",
        "Vandewalle",
        "Dewaele",
        "Wattiez",
        "Verhaeghe",
        "Le Moigne",
        "Troadec",
        "Iriart",
        "Paoli-Santucci",
        "Spitz",
    ],
    "overseas": [
        "Lollia",
        "Bellance",
        "Jean-Théodose",
        "Ursulet",
        "Sainte-Rose",
        "Larifla",
        "Tévanin",
        "Ousseni",
        "Soilihi",
        "Attoumani",
        "Tetuanui",
        "Teriitahi",
        "Tauraa",
        "Wamytan",
        "Gowé",
        "Ho-A-Chuck",
        "Maillot-Lapierre",
        "Latchoumanin",
        "Sinimalé",
        "Payet-Cadet",
        "Madi Said",
        "Abdallah Combo",
        "Tuheiava",
        "Zébus",
        "Bellon-Théodore",
    ],
    "foreign": [
        "Bouzidi",
        "Benkhelifa",
        "Aït Ouarab",
        "Hamdaoui",
        "Belkacemi",
        "Zeghdoudi",
        "Khenniche",
        "Sissoko",
        "Kanouté",
        "Ouattara-Sanou",
        "Kaboré",
        "N'Guessan",
        "Tounkara",
        "Çelikkaya",
        "Magalhães",
        "Figueiredo",
        "Kowalczyk",
        "Popescu",
        "Wróblewska",
        "Shevchenko",
        "Quách",
        "Vo Thi",
        "Zhou-Lepetit",
        "Okonkwo",
        "Mbappé-Ndongo",
        "Abdelaziz",
        "Traïkia",
        "Bensalah",
        "Diabira",
        "Nakamura",
        "Ramanantsoa",
        "Rakotomalala",
        "Dos Reis",
    ],
    "particle": [
        "de La Rochère",
        "Le Bris",
        "Da Veiga",
        "Ben Saïd",
        "El Ouazzani",
        "d'Harcourt",
        "Van der Berghe",
        "Mac Gregor",
        "Abou Zeid",
        "du Plessis-Mornay",
        "de Saint-Exupéry",
        "Dos Anjos Lobo",
        "Van Hoecke",
        "Le Goasguen",
        "Des Rieux",
    ],
}
# First names that are also French words, used as names (and, elsewhere, as words).
WORD_FIRST_NAMES = [
    "Rose",
    "Pierre",
    "Claire",
    "Olive",
    "Ange",
    "Marine",
    "Prune",
    "Marin",
    "Blanche",
    "Fleur",
    "Violette",
    "Prosper",
    "Désiré",
    "Céleste",
    "Constance",
    "Victoire",
    "Aurore",
    "Perle",
    "Ambre",
    "Jade",
]


def held_out_first() -> list[str]:
    return [n for pool in HELD_OUT_FIRST.values() for n in pool if not name_in_lexicon(n)]


def held_out_last() -> list[str]:
    return [n for pool in HELD_OUT_LAST.values() for n in pool if not name_in_lexicon(n)]


def lexicon_first() -> list[str]:
    return _listed("first_names.txt")


def lexicon_last() -> list[str]:
    return _listed("last_names.txt")


def _listed(filename: str) -> list[str]:
    lines = (DATA_DIR / filename).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
