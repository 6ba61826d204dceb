"""Limits of the write endpoints: request size and per-token (and per-email) rate limits.

The refusals are problem+json with stable codes: ``payload_too_large`` (413, checked
before the body is parsed) and ``rate_limited`` (429, with ``Retry-After``, raised as
:class:`RateLimited`, a domain error the root API answers). Each app names its own
settings, defaults and counters; the HTML forms share the email counters, so a person
cannot get round a limit by switching from the site to a partner's. Partner sites' write
endpoints combine them with a write token in ``accounts.intake.PartnerIntake``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from parvis.core.errors import ParvisError
from parvis.core.problems import problem_response
from parvis.core.ratelimit import configured_limit, hit

View = Callable[..., HttpResponse]


def limit_body_size(*, setting: str) -> Callable[[View], View]:
    """Decorator: 413 before anything else when the body exceeds ``settings.<setting>``.

    For ninja operations, through ``@decorate_view(limit_body_size(...))``.
    """

    def decorator(run: View) -> View:
        @functools.wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            maximum = int(getattr(settings, setting))  # declared in settings.py
            try:
                too_big = len(request.body) > maximum
            except RequestDataTooBig:
                too_big = True
            if too_big:
                return problem_response(
                    status=413,
                    code="payload_too_large",
                    detail=f"La requête dépasse la taille maximale de {maximum // 1024} Kio.",
                )
            return run(request, *args, **kwargs)

        return wrapper

    return decorator


@dataclass(frozen=True)
class ApiLimit:
    """A rate limit counted in ``scope``, tuned by ``settings.<setting>[name]``."""

    scope: str
    setting: str
    name: str


class RateLimited(ParvisError):
    """Too many requests for one counter: 429 with ``Retry-After``."""

    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__("rate_limited", message, headers={"Retry-After": str(retry_after)})


def enforce_limits(*checks: tuple[ApiLimit, str], detail: str) -> None:
    """Count each ``(limit, identifier)``; raise :class:`RateLimited` for the first one
    over its limit, with ``detail`` as its French message.

    Checks count in order and stop at the first refusal; an empty identifier (an optional
    email left out) is not counted.
    """
    for limit, identifier in checks:
        if not identifier:
            continue
        hits, window = configured_limit(limit.setting, limit.name)
        result = hit(limit.scope, identifier, limit=hits, window_seconds=window)
        if not result.allowed:
            raise RateLimited(detail, retry_after=result.retry_after)
