"""The anonymiser: every rule of every family, spaCy persons, then resolution and masking."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from parvis.language.anonymiser.addresses import find_addresses
from parvis.language.anonymiser.base import Entity
from parvis.language.anonymiser.identifiers import (
    find_birthdates,
    find_caf_numbers,
    find_cards,
    find_emails,
    find_ibans,
    find_nirs,
    find_phones,
    find_plates,
    find_spoken_phones,
    find_tax_numbers,
)
from parvis.language.anonymiser.names import NameLexicon, filter_spacy_person, find_names_by_rules
from parvis.language.anonymiser.people import find_people
from parvis.language.anonymiser.resolution import mask, resolve
from parvis.language.anonymiser.spoken import find_loose_bank_numbers, find_spoken_identifiers
from parvis.language.text import fold

# --- Engine -------------------------------------------------------------------------------

# Every rule-based detector but names (they need the lexicon); a new family's detector is
# listed here, and its label gets a placeholder and a priority in ``base``.
RULES: Sequence[Callable[[str, str], Iterable[Entity]]] = (
    find_emails,
    find_ibans,
    find_nirs,
    find_cards,
    find_tax_numbers,
    find_caf_numbers,
    find_phones,
    find_spoken_phones,
    find_spoken_identifiers,
    find_loose_bank_numbers,
    find_plates,
    find_birthdates,
    find_addresses,
)


# A person's name after these words names a place or an institution (« lycée Victor
# Hugo », « hôpital Édouard Herriot »): not personal data.
NAMESAKE_RE = re.compile(
    r"(?:lycee|college|ecole|hopital|clinique|centre|stade|gymnase|salle|residence|quartier"
    r"|cite|pont|gare|mediatheque|bibliotheque|ehpad|foyer|fondation|institut|universite"
    r"|faculte|musee|theatre|piscine|metro|station|arret|campus|maison|groupe\s+scolaire"
    r"|square|parc|jardin|place|rue|avenue|boulevard|allee|quai|impasse|chemin|cours)"
    r"[ \t]+(?:de[ \t]+la[ \t]+|du[ \t]+|des[ \t]+|de[ \t]+|d'|l')?$",
    re.IGNORECASE,
)


def drop_namesakes(text: str, candidates: list[Entity]) -> list[Entity]:
    folded = fold(text)
    return [
        c
        for c in candidates
        if c.label != "PERSON" or not NAMESAKE_RE.search(folded[max(0, c.start - 40) : c.start])
    ]


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
        found.extend(find_people(text, folded, self.lexicon, self.lexicon.places))
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
            entities = resolve(drop_namesakes(text, found))
            results.append((mask(text, entities), entities))
        return results
