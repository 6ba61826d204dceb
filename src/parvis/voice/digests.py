"""Digests of voice: what lets parvis recognise a private link or a voter without keeping
them in clear. Pure functions (no database), shared by services and selectors. Authors'
emails use ``core.crypto.email_digest(email, purpose="voice")``, like every app's.
"""

from __future__ import annotations

import hashlib

from django.conf import settings


def _digest(kind: str, value: str) -> str:
    # Empty (the default): derived from SECRET_KEY, as the voter digests stored so far are.
    key = settings.VOICE_DIGEST_KEY or settings.SECRET_KEY
    return hashlib.sha256(f"{key}:voice:{kind}:{value}".encode()).hexdigest()


def private_token_digest(token: str) -> str:
    # The token is 256 random bits: a plain hash suffices and survives SECRET_KEY changes.
    return hashlib.sha256(f"parvis-voice-link:{token}".encode()).hexdigest()


def author_voter_digest(private_token_digest: str | None) -> str:
    """The author's voter key on the answer to their experience: 64 hex characters, like
    every voter digest, the same whether they vote through the private link or from their
    account, so the author rates the answer once. (An erased link digest still gives one
    key per experience, hence per answer.)"""
    return hashlib.sha256(f"author:{private_token_digest}".encode()).hexdigest()


def voter_digest(*, ip: str, user_agent: str) -> str:
    return _digest("voter", f"{ip}|{user_agent[:300]}")


def network_digest(*, ip: str) -> str:
    """The connection a vote came from, alone: changing browsers (or their announced
    name) gives another voter digest, not another network (``VOICE_VOTES_PER_NETWORK``)."""
    return _digest("network", ip)
