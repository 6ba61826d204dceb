"""Identity rules of the citizen record, shared by its services and selectors (pure
functions and one scoping rule, no write): the NIR's normalisation, key check, digest and
masking, phone normalisation, the identity digest (names and birth date) and who works in
an organisation (who may edit its records)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from parvis.accounts.scoping import grants_for, is_platform_admin, organisations_of
from parvis.core.crypto import keyed_digest
from parvis.core.text import search_key

NIR_PURPOSE = "contacts.nir"
IDENTITY_PURPOSE = "contacts.identity"
_NIR = re.compile(r"^[1-478]\d{4}(?:\d{2}|2A|2B)\d{6}\d{2}$")


def works_in(principal: Any, organisation_id: int) -> bool:
    """Whether ``principal`` holds a grant in ``organisation_id`` (its own, a local
    service's or a site's): who may edit its records (a consent only lets others read)."""
    if is_platform_admin(principal):
        return True
    grants = grants_for(principal)
    if not grants:
        return False
    return organisations_of(grants).filter(pk=organisation_id).exists()


def normalise_nir(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def nir_is_valid(value: str) -> bool:
    """A 15-character NIR with its key (97 − number mod 97; Corsica's 2A/2B count as
    19/18)."""
    if not _NIR.match(value):
        return False
    body = value[:13].replace("2A", "19").replace("2B", "18")
    return 97 - int(body) % 97 == int(value[13:])


def nir_digest(value: str) -> str:
    return keyed_digest(normalise_nir(value), purpose=NIR_PURPOSE)


def mask_nir(value: str) -> str:
    """« ••••••••••••123 »: the last 3 characters only."""
    return "•" * max(len(value) - 3, 0) + value[-3:]


def normalise_phone(value: str) -> str:
    """French national numbers as E.164 (« 06 12 34 56 78 » → « +33612345678 »), the form
    the connectors store."""
    digits = "".join(c for c in value if c.isdigit() or c == "+")
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    if digits.startswith("0033"):
        return "+" + digits[2:]
    return digits


def identity_digest(first_name: str, last_name: str, birth_date: dt.date | None) -> str:
    """The keyed digest of a person's folded names and birth date ("" if incomplete)."""
    if not (first_name.strip() and last_name.strip() and birth_date):
        return ""
    key = f"{search_key(last_name)}|{search_key(first_name)}|{birth_date.isoformat()}"
    return keyed_digest(key, purpose=IDENTITY_PURPOSE)


def contact_digest(kind: str, value: str) -> str:
    """The digest a contact point of ``kind`` and ``value`` is found by (the hub's one
    normalisation and purpose, ``services.conversations.contact_point_digest``)."""
    from parvis.contacts.services.conversations import contact_point_digest

    return contact_point_digest(kind, value)
