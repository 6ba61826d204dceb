"""Anonymisation of French citizen texts: rules for identifiers, rules + spaCy for names.

Detection runs on ``fold(text)`` (accent-free, same length as the text), so every offset
is an index into the exact input. Structured identifiers are validated (NIR key, IBAN
mod-97, Luhn) before they are masked; names and addresses come from rules, a first-name
gazetteer and the ``PER`` entities of spaCy ``fr_core_news_md`` filtered against a French
vocabulary. Overlaps are resolved by priority (identifiers first, then addresses, then
names), and each kept span is replaced by the placeholder of its kind.

One module per detector family: ``identifiers`` (validated structured identifiers and
their checksums), ``addresses``, ``names``; ``base`` holds the labels and the span type,
``resolution`` the overlap resolution and masking, ``pipeline`` the list of rules and the
:class:`Anonymiser`. Import from this package: the split is an implementation detail.
"""

from parvis.language.anonymiser.addresses import find_addresses
from parvis.language.anonymiser.base import LABELS, PLACEHOLDERS, PRIORITY, Entity
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
    iban_valid,
    luhn_valid,
    nir_key,
    nir_valid,
    spoken_groups,
)
from parvis.language.anonymiser.names import (
    NameLexicon,
    filter_spacy_person,
    find_names_by_rules,
)
from parvis.language.anonymiser.pipeline import RULES, Anonymiser
from parvis.language.anonymiser.resolution import mask, resolve

__all__ = [
    "LABELS",
    "PLACEHOLDERS",
    "PRIORITY",
    "RULES",
    "Anonymiser",
    "Entity",
    "NameLexicon",
    "filter_spacy_person",
    "find_addresses",
    "find_birthdates",
    "find_caf_numbers",
    "find_cards",
    "find_emails",
    "find_ibans",
    "find_names_by_rules",
    "find_nirs",
    "find_phones",
    "find_plates",
    "find_spoken_phones",
    "find_tax_numbers",
    "iban_valid",
    "luhn_valid",
    "mask",
    "nir_key",
    "nir_valid",
    "resolve",
    "spoken_groups",
]
