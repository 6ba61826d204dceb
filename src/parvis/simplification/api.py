"""Simplification requests API (``/api/v1/simplifications``).

Public reads (no authentication): the list with filters, one request with its history,
the follow-up figures per organisation and year. Writes: a proposal from a partner site
(API token with the write scope), a status change (session of a quality manager, or a
write token of the request's organisation). Errors are problem+json; domain refusals
keep the service's stable ``code``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import EmailStr

from parvis.accounts import scoping
from parvis.accounts.api_auth import AUTH, principal_of
from parvis.accounts.intake import PartnerIntake
from parvis.accounts.scoping import get_visible_or_404
from parvis.core.api_limits import ApiLimit
from parvis.core.api_schemas import (
    VISIBLE_PATTERN,
    InputSchema,
    PageParams,
    page_of,
    paginate,
    problems,
)
from parvis.core.charter import CharterReason
from parvis.core.http import absolute_url
from parvis.directory.models import Motif, Organisation, Theme
from parvis.simplification import selectors, services
from parvis.simplification.models import (
    STATUS_PUBLIC_CODES,
    DeclineReason,
    ProposerKind,
    SimplificationRequest,
    Status,
    StatusChange,
)
from parvis.simplification.services import (
    CERFA_PATTERN,
    COMMENT_MAX,
    PROCEDURE_MAX,
    TEXT_MAX,
)

router = Router(tags=["simplification"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
REFERENCE_PATTERN = r"^SIMP-[0-9]{4}-[0-9]{5,}$"
PublicStatus = Literal["recue", "a-l-etude", "acceptee", "realisee", "refusee"]
AnyStatus = Literal[
    "deposee", "non-publiee", "recue", "a-l-etude", "acceptee", "realisee", "refusee"
]


# The moderation charter's codes this API took before there was one charter (French
# slugs): still accepted for a non-publication (only there: a decline's reasons are
# French public codes, and "doublon" or "autre" mean a decline reason on other moves).
CHARTER_PUBLIC_ALIASES = {
    "propos-injurieux": CharterReason.INSULT,
    "donnees-personnelles": CharterReason.PERSONAL_DATA,
    "hors-sujet": CharterReason.OFF_TOPIC,
    "doublon": CharterReason.DUPLICATE,
    "commercial": CharterReason.COMMERCIAL,
    "autre": CharterReason.OTHER,
}

INTAKE = PartnerIntake(
    max_body_setting="SIMPLIFICATION_API_MAX_BODY_BYTES",
    token_limit=ApiLimit(
        "simplification-api-propose:token",
        setting="SIMPLIFICATION_RATE_LIMITS",
        name="api_propose_token",
    ),
    # The same counter as the web form's: one address, one budget.
    email_limit=ApiLimit(
        "simplification-propose:email",
        setting="SIMPLIFICATION_RATE_LIMITS",
        name="propose_email",
    ),
    too_many="Trop de demandes envoyées : réessayez plus tard.",
)


# --- Schemas -------------------------------------------------------------------------------


class HistoryOut(Schema):
    status: AnyStatus = Field(..., description="Statut atteint.")
    status_label: str
    date: dt.datetime
    by: str = Field(..., description="Équipe qui a changé le statut (jamais un nom).")
    comment: str = Field(..., description="Commentaire public (masqué).")
    reason: str = Field(..., description="Code du motif (refus, non-publication), sinon vide.")

    @staticmethod
    def resolve_status(obj: StatusChange) -> str:
        return STATUS_PUBLIC_CODES.public(obj.to_status)

    @staticmethod
    def resolve_status_label(obj: StatusChange) -> str:
        return str(Status(obj.to_status).label)

    @staticmethod
    def resolve_date(obj: StatusChange) -> dt.datetime:
        return obj.created_at

    @staticmethod
    def resolve_by(obj: StatusChange) -> str:
        return obj.public_actor

    @staticmethod
    def resolve_comment(obj: StatusChange) -> str:
        return obj.public_comment

    @staticmethod
    def resolve_reason(obj: StatusChange) -> str:
        return obj.reason_code


class SimplificationOut(Schema):
    reference: str = Field(..., description="Référence publique stable, ex. SIMP-2026-00042.")
    uuid: uuid.UUID
    url: str
    organisation: str = Field(..., description="Slug de l’organisme.")
    organisation_name: str
    motif: str | None = None
    theme: str | None = None
    procedure_name: str = Field(..., description="Démarche ou formulaire (texte masqué).")
    cerfa_number: str
    difficulty: str = Field(..., description="Ce qui est difficile (texte masqué).")
    proposal: str = Field(..., description="Proposition (texte masqué).")
    proposer_kind: Literal["usager", "agent"]
    status: AnyStatus
    status_label: str
    decline_reason: str = Field(..., description="Code de la raison si non retenue.")
    decline_explanation: str
    support_count: int
    submitted_at: dt.datetime
    received_at: dt.datetime | None = Field(None, description="Date de publication.")
    decided_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    history: list[HistoryOut] = Field(..., description="Historique public daté.")

    @staticmethod
    def resolve_url(obj: SimplificationRequest) -> str:
        return absolute_url(reverse("simplification:detail", args=[obj.reference]))

    @staticmethod
    def resolve_organisation(obj: SimplificationRequest) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_organisation_name(obj: SimplificationRequest) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_motif(obj: SimplificationRequest) -> str | None:
        return obj.motif.slug if obj.motif else None

    @staticmethod
    def resolve_theme(obj: SimplificationRequest) -> str | None:
        return obj.theme_id

    @staticmethod
    def resolve_status(obj: SimplificationRequest) -> str:
        return STATUS_PUBLIC_CODES.public(obj.status)

    @staticmethod
    def resolve_status_label(obj: SimplificationRequest) -> str:
        return str(Status(obj.status).label)

    @staticmethod
    def resolve_history(obj: SimplificationRequest) -> list[Any]:
        history = getattr(obj, "public_history", None)
        if history is None:
            history = list(obj.history.filter(is_public=True).order_by("created_at", "id"))
        return history


class ListFilters(InputSchema):
    organisation: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=80, description="Slug de l’organisme."
    )
    statut: PublicStatus | None = None
    annee: int | None = Field(
        None, ge=selectors.FIRST_YEAR, le=selectors.LAST_YEAR, description="Année de dépôt."
    )
    theme: str | None = Field(None, pattern=SLUG_PATTERN, max_length=50)
    q: str | None = Field(None, max_length=100, description="Mots-clés (sans accents requis).")


class FollowUpFilters(InputSchema):
    organisation: str | None = Field(None, pattern=SLUG_PATTERN, max_length=80)
    annee: int | None = Field(
        None, ge=selectors.FIRST_YEAR, le=selectors.LAST_YEAR, description="Année de dépôt."
    )
    theme: str | None = Field(None, pattern=SLUG_PATTERN, max_length=50)


class FollowUpOut(Schema):
    organisation: str
    organisation_name: str
    year: int
    total: int = Field(..., description="Demandes publiées déposées cette année-là.")
    counts: dict[str, int] = Field(..., description="Nombre de demandes par statut public.")
    decided_n: int = Field(..., description="Demandes ayant reçu une décision (n du délai).")
    median_days_to_decision: float | None = Field(
        ..., description="Délai médian dépôt → décision en jours ; null si n < 10."
    )
    done_n: int
    done_rate: float | None = Field(
        ..., description="Part réalisée en % (n = total) ; null si n < 10."
    )


class ProposalIn(InputSchema):
    organisation: str = Field(
        ..., pattern=SLUG_PATTERN, max_length=80, description="Slug de l’organisme concerné."
    )
    motif: str | None = Field(None, pattern=SLUG_PATTERN, max_length=80)
    theme: str | None = Field(None, pattern=SLUG_PATTERN, max_length=50)
    procedure_name: str = Field(
        ..., min_length=3, max_length=PROCEDURE_MAX, pattern=VISIBLE_PATTERN
    )
    cerfa_number: str = Field(
        "", pattern=rf"^$|{CERFA_PATTERN}", description="Numéro Cerfa, ex. 10840*07."
    )
    difficulty: str = Field(..., min_length=10, max_length=TEXT_MAX, pattern=VISIBLE_PATTERN)
    proposal: str = Field(..., min_length=10, max_length=TEXT_MAX, pattern=VISIBLE_PATTERN)
    proposer_kind: Literal["usager", "agent"] = "usager"
    proposer_email: EmailStr | None = Field(
        None, description="Pour prévenir l’auteur ; chiffrée, jamais publiée."
    )


class ProposalOut(Schema):
    reference: str
    uuid: uuid.UUID
    status: AnyStatus
    status_label: str


class TransitionIn(InputSchema):
    status: AnyStatus = Field(..., description="Statut visé.")
    comment: str = Field("", max_length=COMMENT_MAX, description="Commentaire public.")
    reason: str = Field("", max_length=30, description="Code du motif (refus, non-publication).")
    explanation: str = Field(
        "", max_length=COMMENT_MAX, description="Explication publique d’un refus."
    )


# --- Public reads --------------------------------------------------------------------------


@router.get(
    "",
    auth=None,
    response={200: page_of(SimplificationOut), **problems(400, 422)},
    summary="Demandes de simplification publiées",
)
def list_requests(
    request: HttpRequest, filters: Query[ListFilters], page: Query[PageParams]
) -> dict[str, Any]:
    queryset = selectors.requests_for_public(
        organisation=filters.organisation,
        status=STATUS_PUBLIC_CODES.internal(filters.statut) if filters.statut else None,
        year=filters.annee,
        theme=filters.theme,
        q=filters.q or "",
    ).prefetch_related(selectors.public_history())
    return paginate(queryset, page)


@router.get(
    "/suivi",
    auth=None,
    response={200: list[FollowUpOut], **problems(400, 422)},
    summary="Suivi par organisme et par année",
)
def follow_up(request: HttpRequest, filters: Query[FollowUpFilters]) -> list[dict[str, Any]]:
    rows = selectors.follow_up(
        organisation=filters.organisation, year=filters.annee, theme=filters.theme
    )
    return [row.as_dict() for row in rows]


@router.get(
    "/{reference}",
    auth=None,
    response={200: SimplificationOut, **problems(400, 404, 422)},
    summary="Une demande et son historique",
)
def get_request(request: HttpRequest, reference: str) -> SimplificationRequest:
    try:
        return selectors.request_for_public(reference)
    except SimplificationRequest.DoesNotExist as exc:
        raise Http404 from exc


# --- Writes --------------------------------------------------------------------------------


@INTAKE.post(
    router,
    "",
    response=ProposalOut,
    summary="Déposer une demande (site partenaire)",
    description="Jeton d’API avec le droit d’écriture. La demande n’est publiée qu’après "
    "masquage des données personnelles et relecture par l’organisme.",
)
def propose(request: HttpRequest, payload: ProposalIn) -> Any:
    token = INTAKE.admit(request, email=str(payload.proposer_email or ""))
    organisation = (
        Organisation.objects.administrations()
        .filter(slug=payload.organisation, is_active=True)
        .first()
    )
    if organisation is None:
        raise HttpError(404, "Organisme introuvable.")
    motif = theme = None
    if payload.motif:
        motif = Motif.objects.filter(organisation=organisation, slug=payload.motif).first()
        if motif is None:
            raise HttpError(404, "Motif introuvable pour cet organisme.")
    if payload.theme:
        theme = Theme.objects.filter(slug=payload.theme).first()
        if theme is None:
            raise HttpError(404, "Domaine introuvable.")
    created = services.simplification_request_propose(
        organisation=organisation,
        motif=motif,
        theme=theme,
        procedure_name=payload.procedure_name,
        cerfa_number=payload.cerfa_number,
        difficulty=payload.difficulty,
        proposal=payload.proposal,
        proposer_email=str(payload.proposer_email or ""),
        proposer_kind=ProposerKind(payload.proposer_kind),
        api_token=token,
    )
    return HttpStatus(
        201,
        {
            "reference": created.reference,
            "uuid": created.uuid,
            "status": STATUS_PUBLIC_CODES.public(created.status),
            "status_label": str(Status(created.status).label),
        },
    )


@router.post(
    "/{reference}/statut",
    auth=AUTH,
    response={200: SimplificationOut, **problems(400, 401, 403, 404, 409, 413, 422)},
    summary="Changer le statut d’une demande",
    description="Responsable qualité de l’organisme (session) ou jeton d’écriture de "
    "l’organisme. La publication (deposee → recue ou non-publiee) demande une personne : "
    "un jeton ne peut pas la faire. Un refus (`refusee`) demande `reason` "
    f"({', '.join(DeclineReason.values)}) et `explanation`.",
)
@decorate_view(INTAKE.limit_body_size)
def change_status(request: HttpRequest, reference: str, payload: TransitionIn) -> Any:
    principal = principal_of(request)
    queryset = SimplificationRequest.objects.select_related("organisation", "motif")
    simplification = None
    if scoping.can_moderate(principal):  # platform moderators and admins: every organisation
        simplification = queryset.filter(reference=reference).first()
    if simplification is None:
        simplification = get_visible_or_404(principal, queryset, reference=reference)
    to_status = STATUS_PUBLIC_CODES.internal(payload.status) or ""
    reason = payload.reason
    if to_status == Status.REJECTED:
        reason = CHARTER_PUBLIC_ALIASES.get(reason, reason)
    services.simplification_request_transition(
        request=simplification,
        to_status=to_status,
        actor=principal,
        comment=payload.comment,
        reason=reason,
        explanation=payload.explanation,
    )
    simplification.refresh_from_db()
    return simplification
