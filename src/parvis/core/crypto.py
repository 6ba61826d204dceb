"""Encryption at rest of personal data (e.g. original citizen texts, contact emails), and
keyed digests of what must be matched without being kept (``keyed_digest``,
``email_digest``).

Encryption keys come from ``PARVIS_ENCRYPTION_KEYS`` (comma-separated Fernet keys, the
first one encrypts, every one decrypts) so keys can be rotated: add a new key in front,
run ``parvis rotate_encryption`` (every field registered with ``register_encrypted``),
then drop the old key. The local profile generates one key into ``var/encryption_keys``.
Digests are keyed by ``SECRET_KEY``.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

# Every model field holding ciphertext, registered by its app in ``AppConfig.ready``: the
# rotation command must not forget one, or its data becomes unreadable once the old key
# is dropped.
_ENCRYPTED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {}


class DecryptionError(Exception):
    """The ciphertext was made with a key that is no longer configured, or altered."""


@lru_cache(maxsize=1)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.PARVIS_ENCRYPTION_KEYS))


def encrypt_text(plain: str) -> str:
    return _current().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionError("Texte chiffré illisible avec les clés configurées.") from exc


def rotate_ciphertext(token: str) -> str:
    """Re-encrypt ``token`` with the current (first) key."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("Texte chiffré illisible avec les clés configurées.") from exc


def keyed_digest(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under a key derived from ``SECRET_KEY`` and ``purpose``.

    For values that must be matched or counted but never read back (an address in the
    outbound log, a voter): without the key, a digest cannot be tested against a list of
    guessed addresses. ``purpose`` separates uses, so one digest cannot be joined to
    another use's. Normalise ``value`` (e.g. strip and lowercase an email) before.
    Rotating ``SECRET_KEY`` changes every digest.
    """
    return salted_hmac(f"parvis.{purpose}", value, algorithm="sha256").hexdigest()


def email_digest(email: str, *, purpose: str) -> str:
    """The one digest of an email address: matched whatever its case or surrounding
    spaces, and separated per use (``purpose`` is the app, e.g. "voice"), so that one
    app's digests cannot be joined to another's."""
    return keyed_digest(email.strip().lower(), purpose=f"{purpose}.email")


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def register_encrypted(model: type[models.Model], *fields: str) -> None:
    _ENCRYPTED_FIELDS[model] = tuple(dict.fromkeys(_ENCRYPTED_FIELDS.get(model, ()) + fields))


def encrypted_fields() -> dict[type[models.Model], tuple[str, ...]]:
    return dict(_ENCRYPTED_FIELDS)


def rotate_registered(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every registered field with the current key; rows changed per model."""
    changed: dict[str, int] = {}
    for model, fields in _ENCRYPTED_FIELDS.items():
        count = 0
        manager = model._default_manager
        for row in manager.only("pk", *fields).iterator(chunk_size=batch_size):
            changes = {f: rotate_ciphertext(getattr(row, f)) for f in fields if getattr(row, f)}
            if changes:
                manager.filter(pk=row.pk).update(**changes)
                count += 1
        changed[model._meta.label] = count
    return changed
