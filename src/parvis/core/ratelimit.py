"""Fixed-window rate limits in the shared cache (Redis when configured).

Identifiers (IP addresses, emails) are digested (``crypto.keyed_digest``) before they
become cache keys, so the cache never holds personal data in clear. Callers turn a
refusal into a French message (HTML) or a 429 problem (API) and keep what the user typed.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest

from parvis.core.crypto import keyed_digest
from parvis.core.http import client_ip


@dataclass(frozen=True)
class RateLimit:
    allowed: bool
    remaining: int
    retry_after: int  # seconds until the window resets


def _key(scope: str, identifier: str, window: int) -> tuple[str, int]:
    """The cache key of ``identifier`` (compared trimmed and lowercased) in ``scope`` for
    the current window, and the seconds left in that window."""
    digest = keyed_digest(identifier.strip().lower(), purpose="ratelimit")[:32]
    bucket = int(time.time()) // window
    return f"rl:{scope}:{digest}:{bucket}", (bucket + 1) * window - int(time.time())


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


async def ahit(scope: str, identifier: str, *, limit: int, window_seconds: int) -> RateLimit:
    """``hit`` for code running in the event loop (the webhook door in front of Django):
    one pipelined round trip to the shared Redis, never blocking the loop, on the very
    key and value ``hit`` uses (so both count together). Without Redis the cache is the
    process's memory, and ``hit`` itself does not wait on anything."""
    client = _async_redis()
    if client is None:
        return hit(scope, identifier, limit=limit, window_seconds=window_seconds)
    key, retry_after = _key(scope, identifier, window_seconds)
    full_key = cache.make_and_validate_key(key)
    async with client.pipeline(transaction=False) as pipe:
        pipe.set(full_key, 0, ex=window_seconds + 1, nx=True)
        pipe.incr(full_key)
        _, count = await pipe.execute()
    return _result(int(count), limit, retry_after)


_ASYNC_CLIENTS: dict[int, Any] = {}


def _async_redis() -> Any:
    """An asyncio Redis client on the cache's server, one per event loop (a client is
    bound to the loop it was made in); ``None`` when the cache is not Redis."""
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["default"], RedisCache):
        return None
    loop = asyncio.get_running_loop()
    client = _ASYNC_CLIENTS.get(id(loop))
    if client is None:
        import redis.asyncio

        location = settings.CACHES["default"]["LOCATION"]
        client = redis.asyncio.Redis.from_url(
            location[0] if isinstance(location, list) else location
        )
        _ASYNC_CLIENTS.clear()  # a loop closed (tests) leaves its client behind: one at a time
        _ASYNC_CLIENTS[id(loop)] = client
    return client


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
        f"réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    )
