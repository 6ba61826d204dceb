"""Accounts API: who am I, and API tokens of an organisation (for its administrators)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from parvis.accounts import selectors, services
from parvis.accounts.api_auth import principal_of, session_auth
from parvis.accounts.models import ApiToken, User
from parvis.accounts.scoping import Perm, get_visible_or_404, require_permission, visible_to
from parvis.core.api_schemas import InputSchema, problems
from parvis.directory.models import Organisation

router = Router(tags=["comptes"])


class MembershipOut(Schema):
    role: str
    organisation: str | None
    local_service: str | None
    site: str | None


class MeOut(Schema):
    kind: str = Field(..., description="`user` ou `api_token`.")
    email: str | None = None
    organisation: str | None = None
    is_platform_admin: bool = False
    memberships: list[MembershipOut] = []


class TokenIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    scope: ApiToken.Scope = ApiToken.Scope.READ
    expires_in_days: int | None = Field(None, ge=1, le=730)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    organisation: str = Field(..., alias="organisation.slug")
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Secret affiché une seule fois.")


@router.get("/moi", response={200: MeOut, **problems(400, 401)}, summary="Identité de l’appelant")
def me(request: HttpRequest) -> MeOut:
    principal = principal_of(request)
    if isinstance(principal, ApiToken):
        return MeOut(kind="api_token", organisation=principal.organisation.slug)
    user: User = principal
    return MeOut(
        kind="user",
        email=user.email,
        is_platform_admin=user.is_platform_admin,
        memberships=[
            MembershipOut(
                role=m.role,
                organisation=m.organisation.slug if m.organisation else None,
                local_service=m.local_service.slug if m.local_service else None,
                site=m.site.slug if m.site else None,
            )
            for m in selectors.memberships_of(user)
        ],
    )


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    principal = principal_of(request)
    organisation = get_visible_or_404(principal, Organisation.objects.all(), slug=slug)
    require_permission(principal, Perm.MANAGE_TOKENS, organisation)
    return organisation


@router.get(
    "/organismes/{slug}/jetons",
    auth=session_auth,
    response={200: list[TokenOut], **problems(400, 401, 403, 404, 422)},
    summary="Jetons d’API d’un organisme",
)
def token_list(request: HttpRequest, slug: str) -> list[ApiToken]:
    organisation = _managed_organisation(request, slug)
    return list(
        selectors.api_tokens_visible_to(principal_of(request)).filter(organisation=organisation)
    )


@router.post(
    "/organismes/{slug}/jetons",
    auth=session_auth,
    response={201: TokenCreatedOut, **problems(400, 401, 403, 404, 413, 422)},
    summary="Créer un jeton d’API",
)
def token_create(request: HttpRequest, slug: str, payload: TokenIn) -> Status:
    organisation = _managed_organisation(request, slug)
    token, raw = services.api_token_create(
        actor=principal_of(request),
        organisation=organisation,
        name=payload.name,
        scope=payload.scope,
        expires_in_days=payload.expires_in_days,
    )
    token.token = raw  # type: ignore[attr-defined]  # shown once, never stored
    return Status(201, token)


@router.delete(
    "/jetons/{token_id}",
    auth=session_auth,
    response={200: TokenOut, **problems(400, 401, 403, 404, 422)},
    summary="Révoquer un jeton",
)
def token_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    principal = principal_of(request)
    token = (
        visible_to(principal, ApiToken.objects.select_related("organisation"), Perm.VIEW)
        .filter(pk=token_id)
        .first()
    )
    if token is None:
        raise HttpError(404, "Jeton introuvable.")
    require_permission(principal, Perm.MANAGE_TOKENS, token)
    return services.api_token_revoke(actor=principal, token=token)
