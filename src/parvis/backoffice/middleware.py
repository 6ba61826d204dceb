"""The agents' space is for agents: a citizen's account never sees its pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from parvis.accounts.selectors import is_agent

CITIZEN_NOTICE = (
    "L’espace agents est réservé aux agents des services publics. Si vous êtes agent, "
    "demandez à l’administrateur de votre organisme de vous attribuer un rôle."
)


class AgentsOnlyMiddleware:
    """Every page under the agents' space sends a signed-in user with no role (a
    citizen, or an agent still waiting for one) to their own experiences, instead of
    empty, role-scoped shells. Views still check their own permissions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._prefix is None:
            self._prefix = reverse("backoffice:dashboard")
        user = getattr(request, "user", None)
        if (
            request.path.startswith(self._prefix)
            and user is not None
            and user.is_authenticated
            and not is_agent(user)
        ):
            messages.info(request, CITIZEN_NOTICE)
            return redirect("voice:my_experiences")
        return self.get_response(request)
