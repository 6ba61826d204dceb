"""Template context of accounts: whether the signed-in person is an agent (header links)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from parvis.accounts.selectors import is_agent


def roles(request: HttpRequest) -> dict[str, Any]:
    # Lazy: evaluated only by a template that asks, and sharing the request's cached
    # grants (accounts.scoping.grants_for) with the view.
    return {"USER_IS_AGENT": SimpleLazyObject(lambda: is_agent(getattr(request, "user", None)))}
