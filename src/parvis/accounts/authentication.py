"""Login throttling around Django's authentication, for every path that authenticates
with a request (the login form, the admin login, any session login to come).

django-axes locks one account from one client address after ``AXES_FAILURE_LIMIT``
failures, on the normalised address (``axes_username``). Spraying, one password tried on
many accounts from one address, never trips that lock, so this module also counts the
distinct accounts failing from each client address (``ACCOUNTS_RATE_LIMITS
["login_accounts_ip"]``) and, past the limit, refuses every login from that address until
its window ends. The refusal goes through axes' own flag (``request.axes_locked_out``),
so axes' middleware answers it as it answers its own lockout, with ``lockout_response``:
a 429 in French. (Like a refusal of axes' own, axes still records the attempt as a
failure of that account from that address.)
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parvis.accounts.models import normalize_email
from parvis.core import ratelimit
from parvis.core.french import plural_suffix
from parvis.core.http import wants_json
from parvis.core.problems import problem_response

SCOPE = "accounts:login_accounts"
LOCKOUT_TEMPLATE = "accounts/lockout.html"


def _limit() -> tuple[int, int]:
    return ratelimit.configured_limit("ACCOUNTS_RATE_LIMITS", "login_accounts_ip")


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """``AXES_USERNAME_CALLABLE``: lockout counters key on the normalised address, so
    ``Agent@X.fr`` and ``agent@x.fr`` share one counter."""
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    return normalize_email(raw) if isinstance(raw, str) and raw else ""


class AddressGuardBackend:
    """First of ``AUTHENTICATION_BACKENDS``: refuses any login from a client address
    over its limit of distinct failing accounts. It authenticates nobody and loads no
    user (no ``get_user``, as axes' backend), so sessions name the model backend."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if request is None:
            return None
        limit, window = _limit()
        if not ratelimit.peek_ip(request, SCOPE, limit=limit, window_seconds=window).allowed:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.parvis_address_locked = True  # type: ignore[attr-defined]
            raise PermissionDenied
        return None


@receiver(user_login_failed, dispatch_uid="parvis.accounts.count_failed_account")
def count_failed_account(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Each failure counts its account once per window for the client address."""
    username = credentials.get("username")
    if request is None or not isinstance(username, str) or not username:
        return
    limit, window = _limit()
    ratelimit.hit_distinct_ip(
        request, SCOPE, normalize_email(username), limit=limit, window_seconds=window
    )


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with a French message, problem+json for the API.
    Says whether the account (axes) or the whole client address (spraying) is locked."""
    by_address = getattr(request, "parvis_address_locked", False)
    minutes = None
    headers = {}
    if by_address:
        limit, window = _limit()
        state = ratelimit.peek_ip(request, SCOPE, limit=limit, window_seconds=window)
        minutes = max(1, -(-state.retry_after // 60))
        headers["Retry-After"] = str(state.retry_after)
    if wants_json(request):
        detail = (
            "Trop de connexions ont échoué depuis cette adresse, sur plusieurs comptes : "
            f"réessayez dans {minutes} minute{plural_suffix(minutes)}."
            if by_address
            else "Trop de connexions ont échoué pour ce compte : réessayez plus tard."
        )
        return problem_response(status=429, code="login_locked", detail=detail, headers=headers)
    response = render(
        request,
        LOCKOUT_TEMPLATE,
        {"title": "Connexion temporairement bloquée", "by_address": by_address, "minutes": minutes},
        status=429,
    )
    for key, value in headers.items():
        response[key] = value
    return response
