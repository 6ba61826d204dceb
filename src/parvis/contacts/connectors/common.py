"""Helpers the SMS and phone connectors share: phone numbers in E.164 and JSON payloads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import phonenumbers
from django.conf import settings

from parvis.contacts.errors import ContactError


def e164(number: str, *, field: str = "from") -> str:
    """``number`` in E.164 (``+33612345678``); a national number is read in
    ``CONTACTS_PHONE_REGION`` (France). ``ContactError`` (400) when it is no number."""
    try:
        parsed = phonenumbers.parse(str(number).strip(), settings.CONTACTS_PHONE_REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise ContactError(
            "invalid_phone_number", "Numéro de téléphone invalide.", field, status=400
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def json_object(body: bytes) -> dict[str, Any]:
    """The JSON object of a webhook body; ``ContactError`` (400) otherwise."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise ContactError("invalid_payload", "Contenu illisible : objet JSON attendu.", status=400)
    return data


def required_text(data: dict[str, Any], name: str, *, max_length: int = 200) -> str:
    value = data.get(name)
    if not isinstance(value, str | int) or not str(value).strip():
        raise ContactError("invalid_payload", f"Champ « {name} » manquant.", name, status=400)
    text = str(value).strip()
    if len(text) > max_length:
        raise ContactError("invalid_payload", f"Champ « {name} » trop long.", name, status=400)
    return text


def timestamp(value: Any, *, field: str) -> dt.datetime:
    """An ISO 8601 provider time as an aware UTC datetime (naive means UTC)."""
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ContactError(
            "invalid_payload",
            f"Horodatage « {field} » invalide (ISO 8601 attendu).",
            field,
            status=400,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
