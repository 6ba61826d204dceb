"""Partner intake: the one shape of a partner site's write endpoint.

A partner (a France Services portal, a town hall site, an organisation's own site) sends
what a person wrote with its organisation's write token. Every such endpoint takes a
bearer token only, refuses a body over its size before parsing it (413), then counts the
request against the token's counter and the person's email counter (429, the email
counter shared with the web form, so switching sites does not get round it). Voice
(``POST /experiences/``) and simplification (``POST /simplifications``) declare theirs
with one :class:`PartnerIntake` each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.decorators import decorate_view

from parvis.accounts.api_auth import token_auth, write_token_of
from parvis.accounts.models import ApiToken
from parvis.core import api_limits
from parvis.core.api_schemas import problems

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

# What a partner write can be refused with, documented on each operation.
INTAKE_PROBLEMS = (400, 401, 403, 404, 413, 422, 429)


@dataclass(frozen=True)
class PartnerIntake:
    """The limits of one partner write endpoint, each tuned by its app's settings."""

    max_body_setting: str
    token_limit: api_limits.ApiLimit
    email_limit: api_limits.ApiLimit
    too_many: str  # French detail of the 429

    @property
    def limit_body_size(self) -> Callable[[api_limits.View], api_limits.View]:
        """The 413 check alone, for the app's other writes that share the size limit."""
        return api_limits.limit_body_size(setting=self.max_body_setting)

    def post(
        self,
        router: Router,
        path: str,
        *,
        response: type[Schema],
        summary: str,
        description: str,
    ) -> Callable[[Endpoint], Endpoint]:
        """``router.post`` for the endpoint: token auth, size limit, 201 and its problems."""

        def register(endpoint: Endpoint) -> Endpoint:
            decorated = decorate_view(self.limit_body_size)(endpoint)
            return router.post(
                path,
                auth=[token_auth],
                response={201: response, **problems(*INTAKE_PROBLEMS)},
                summary=summary,
                description=description,
            )(decorated)

        return register

    def admit(self, request: HttpRequest, *, email: str) -> ApiToken:
        """The request's write token, once counted; 403 for another principal, 429 over a
        limit (an empty ``email`` is not counted)."""
        token = write_token_of(request)
        api_limits.enforce_limits(
            (self.token_limit, token.prefix), (self.email_limit, email), detail=self.too_many
        )
        return token
