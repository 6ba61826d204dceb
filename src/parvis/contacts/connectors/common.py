"""Helpers the SMS and phone connectors share: phone numbers in E.164 and JSON payloads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import phonenumbers

from parvis.contacts.errors import ContactError
from parvis.core.french import parsed_phone


class InvalidPayload(ContactError, ValueError):
    """A webhook body the connector cannot read: 400 at the door, before anything is
    stored (the door answers 400 to a ``ValueError`` raised by ``accept``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__("invalid_payload", message, field, status=400)


def e164(number: str, *, field: str = "from") -> str:
    """``number`` in E.164 (``+33612345678``); a national number is read in
    ``CONTACTS_PHONE_REGION`` (France). ``InvalidPayload`` (400) when it is no number."""
    parsed = parsed_phone(number)
    if parsed is None:
        raise InvalidPayload("Numéro de téléphone invalide.", field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def json_object(body: bytes) -> dict[str, Any]:
    """The JSON object of a webhook body; ``InvalidPayload`` (400) otherwise."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise InvalidPayload("Contenu illisible : objet JSON attendu.")
    return data


def required_text(data: dict[str, Any], name: str, *, max_length: int = 200) -> str:
    value = data.get(name)
    if not isinstance(value, str | int) or not str(value).strip():
        raise InvalidPayload(f"Champ « {name} » manquant.", name)
    text = str(value).strip()
    if len(text) > max_length:
        raise InvalidPayload(f"Champ « {name} » trop long.", name)
    return text


def timestamp(value: Any, *, field: str) -> dt.datetime:
    """An ISO 8601 provider time as an aware UTC datetime (naive means UTC)."""
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidPayload(
            f"Horodatage « {field} » invalide (ISO 8601 attendu).", field
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
