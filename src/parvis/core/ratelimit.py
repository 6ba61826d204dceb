"""Fixed-window rate limits in the shared cache (Redis when configured).

Identifiers (IP addresses, emails) are digested (``crypto.keyed_digest``) before they
become cache keys, so the cache never holds personal data in clear. Callers turn a
refusal into a French message (HTML) or a 429 problem (API) and keep what the user typed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from parvis.core.crypto import keyed_digest
from parvis.core.french import plural_suffix
from parvis.core.http import client_ip


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    remaining: int
    retry_after: int  # seconds until the window resets


def _now() -> float:
    """The clock of the windows (the test suite holds it still: a test's hits must not
    straddle two windows)."""
    return time.time()


def _key(scope: str, identifier: str, window: int) -> tuple[str, int]:
    """The cache key of ``identifier`` (compared trimmed and lowercased) in ``scope`` for
    the current window, and the seconds left in that window."""
    digest = keyed_digest(identifier.strip().lower(), purpose="ratelimit")[:32]
    now = int(_now())
    bucket = now // window
    return f"rl:{scope}:{digest}:{bucket}", (bucket + 1) * window - now


def _increment(key: str, window_seconds: int) -> int:
    if cache.add(key, 1, timeout=window_seconds + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds + 1)
        return 1


def _result(count: int, limit: int, retry_after: int) -> RateLimit:
    return RateLimit(count <= limit, max(0, limit - count), max(1, retry_after))


def hit(scope: str, identifier: str, *, limit: int, window_seconds: int) -> RateLimit:
    """Count one hit of ``identifier`` in ``scope``; refuse beyond ``limit`` per window."""
    key, retry_after = _key(scope, identifier, window_seconds)
    return _result(_increment(key, window_seconds), limit, retry_after)


def hit_distinct(
    scope: str, identifier: str, member: str, *, limit: int, window_seconds: int
) -> RateLimit:
    """Count ``member`` once per window for ``identifier`` in ``scope``: the count is of
    distinct members (say, distinct accounts failing to log in from one address), so
    repeating one member costs nothing more. Refuses beyond ``limit`` distinct members."""
    key, retry_after = _key(scope, identifier, window_seconds)
    seen, _ = _key(f"{scope}:member", f"{identifier.strip()}\n{member.strip()}", window_seconds)
    if cache.add(seen, 1, timeout=window_seconds + 1):
        count = _increment(key, window_seconds)
    else:
        count = int(cache.get(key) or 0)
    return _result(count, limit, retry_after)


def peek(scope: str, identifier: str, *, limit: int, window_seconds: int) -> RateLimit:
    """Where ``identifier`` stands in ``scope`` without counting anything: ``allowed`` is
    False once ``limit`` is reached (the next hit would be refused)."""
    key, retry_after = _key(scope, identifier, window_seconds)
    count = int(cache.get(key) or 0)
    return RateLimit(count < limit, max(0, limit - count), max(1, retry_after))


def exceeded(scope: str, identifier: str, *, limit: int, window_seconds: int) -> bool:
    """Whether ``identifier`` is already over ``limit`` in ``scope`` (counts nothing)."""
    return not peek(scope, identifier, limit=limit, window_seconds=window_seconds).allowed


def exceeded_ip(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    return exceeded(f"{scope}:ip", client_ip(request), limit=limit, window_seconds=window_seconds)


def hit_ip(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> RateLimit:
    return hit(f"{scope}:ip", client_ip(request), limit=limit, window_seconds=window_seconds)


def peek_ip(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> RateLimit:
    return peek(f"{scope}:ip", client_ip(request), limit=limit, window_seconds=window_seconds)


def hit_distinct_ip(
    request: HttpRequest, scope: str, member: str, *, limit: int, window_seconds: int
) -> RateLimit:
    return hit_distinct(
        f"{scope}:ip", client_ip(request), member, limit=limit, window_seconds=window_seconds
    )


def configured_limit(setting: str, name: str) -> tuple[int, int]:
    """``(hits, window_seconds)`` from ``settings.<setting>[name]``.

    Each app keeps its limits in one settings dict, declared with every name in
    ``settings.py`` (``ACCOUNTS_RATE_LIMITS``, ``VOICE_RATE_LIMITS``,
    ``SIMPLIFICATION_RATE_LIMITS``): no default in code, so a limit is declared once.
    """
    configured = getattr(settings, setting)[name]
    return int(configured[0]), int(configured[1])


def refusal_message(
    result: RateLimit, *, attempts: str = "envois", by_address: bool = False
) -> str:
    """The French refusal shown with the form kept: what was over the limit and when to
    try again (whole minutes, at least one)."""
    minutes = max(1, -(-result.retry_after // 60))
    where = "depuis votre connexion" + (" ou avec cette adresse" if by_address else "")
    return (
        f"Trop d’{attempts} en peu de temps {where}. Vos saisies sont conservées : "
        f"réessayez dans {minutes} minute{plural_suffix(minutes)}."
    )
