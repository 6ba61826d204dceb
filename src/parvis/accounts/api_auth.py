"""API authentication: Django session (with CSRF) or a per-organisation bearer token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from parvis.accounts.models import ApiToken
from parvis.accounts.scoping import Perm, has_permission
from parvis.accounts.services import api_token_authenticate


def _authorization(request: HttpRequest) -> str:
    return request.headers.get("Authorization", "").strip()


class ParvisSession(SessionAuth):
    """Session cookie of a signed-in user; unsafe methods need the CSRF token.

    ninja's cookie auth checks CSRF before it authenticates, which would answer an
    anonymous or token write « 403 csrf_failed » instead of 401: the user is looked at
    first, and only a signed-in user's unsafe request is refused for its CSRF token. A
    request carrying an ``Authorization`` header is judged on that header alone, never on
    the session it may also carry.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if _authorization(request):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        return super().__call__(request)  # CSRF check (unsafe methods), then authenticate

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer pvs_<prefix>_<secret>``; revoked or expired tokens fail, and
    so does any other scheme (``Basic``, ``Token``…): 401, never a fallback to the session."""

    def __call__(self, request: HttpRequest) -> Any:
        value = _authorization(request)
        if value and value.split(" ", 1)[0].lower() != self.openapi_scheme:
            raise AuthenticationError(
                401, "Seule l’authentification « Authorization: Bearer <jeton> » est acceptée."
            )
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token)
        if api_token is None:
            raise AuthenticationError(401, "Jeton d’API invalide, expiré ou révoqué.")
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


def principal_of(request: HttpRequest) -> Any:
    """The authenticated user or API token of an API request (``request.auth``)."""
    return getattr(request, "auth", None)


def write_token_of(request: HttpRequest) -> ApiToken:
    """The API token of a partner site's write request; 403 for anything else (a session,
    a read-only token)."""
    token = principal_of(request)
    if not isinstance(token, ApiToken) or not has_permission(token, Perm.API_WRITE):
        raise PermissionDenied
    return token


session_auth = ParvisSession()
token_auth = ApiTokenAuth()
# Token first: a request carrying a bearer token is judged on it alone.
AUTH = [token_auth, session_auth]
