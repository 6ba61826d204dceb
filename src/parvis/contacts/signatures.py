"""Signed webhooks, both ways: ``X-Parvis-Signature: t=<unix time>,v1=<hex>`` where
``v1`` is HMAC-SHA256 of ``"<t>.<raw body>"`` under a secret.

Inbound endpoints and organisation webhooks hold two active secrets (current and
previous) so a secret can be rotated without a gap: a signer signs with each (one ``v1``
per secret) and a verifier accepts any ``v1`` made with either. A timestamp more than
``TOLERANCE_SECONDS`` away from now is refused, so a captured request cannot be replayed
later.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

HEADER = "X-Parvis-Signature"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The signature is missing, malformed, stale or made with no active secret."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(
        secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()


def sign(body: bytes, secrets: Iterable[str], *, timestamp: int | None = None) -> str:
    """The header value for ``body``, one ``v1`` per non-empty secret."""
    moment = int(time.time()) if timestamp is None else timestamp
    parts = [f"t={moment}"] + [f"v1={_mac(s, moment, body)}" for s in secrets if s]
    return ",".join(parts)


def verify(
    header: str | None, body: bytes, secrets: Iterable[str], *, now: float | None = None
) -> None:
    """Raise ``SignatureError`` unless ``header`` signs ``body`` with one of ``secrets``
    at a time within the tolerance."""
    if not header:
        raise SignatureError("signature_missing", "Signature absente (en-tête X-Parvis-Signature).")
    timestamp: int | None = None
    macs: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            macs.append(value)
    if timestamp is None or not macs:
        raise SignatureError("signature_malformed", "Signature mal formée.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError(
            "signature_expired", "Signature périmée : horodatage à plus de 5 minutes."
        )
    expected = [_mac(s, timestamp, body) for s in secrets if s]
    if not any(hmac.compare_digest(m, e) for m in macs for e in expected):
        raise SignatureError("signature_invalid", "Signature invalide.")
