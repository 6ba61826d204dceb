"""Encryption at rest of personal data (e.g. original citizen texts, contact emails).

Keys come from ``PARVIS_ENCRYPTION_KEYS`` (comma-separated Fernet keys, the first one
encrypts, every one decrypts) so keys can be rotated: add a new key in front, run the
rotation command of the data's owner app (``rotate_ciphertext``), then drop the old key.
The local profile generates one key into ``var/encryption_keys``.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


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


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
