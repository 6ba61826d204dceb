"""API of voice (``/api/v1/experiences``): partner sites submit experiences.

A partner (a France Services portal, a town hall site, an organisation's own site) sends
what a citizen wrote with its write token; the experience follows the same path as on
parvis (encrypted original, masking, moderation) and the answer gives the citizen's
private link, to be shown to them. Any organisation may be named: a token gives no more
power than the public form, and submissions are rate limited per token and per email.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from parvis.accounts.intake import PartnerIntake
from parvis.core.api_limits import ApiLimit
from parvis.core.api_schemas import VISIBLE_PATTERN, InputSchema, IsoDate, problems
from parvis.core.charter import CharterReason
from parvis.directory.models import Channel, JourneyStage, LocalService, Organisation, Site
from parvis.voice import services
from parvis.voice.notifications import private_link
from parvis.voice.services import (
    HAPPENED_ON_EARLIEST,
    TEXT_MAX,
    TITLE_MAX,
    Actor,
    VoiceError,
)

router = Router(tags=["voice"])
SLUG = r"^[-a-zA-Z0-9_]+$"


INTAKE = PartnerIntake(
    max_body_setting="VOICE_API_MAX_BODY_BYTES",
    token_limit=ApiLimit(
        "voice:api:token",
        setting="VOICE_RATE_LIMITS",
        name="api_token",
    ),
    # The same counter as the web form's: one address, one budget.
    email_limit=ApiLimit(
        "voice:submit:email",
        setting="VOICE_RATE_LIMITS",
        name="submit_email",
    ),
    too_many="Trop d’expériences envoyées : réessayez plus tard.",
)


class ExperienceIn(InputSchema):
    organisation: str = Field(
        ..., max_length=80, pattern=SLUG, description="Identifiant (slug) de l’organisme concerné."
    )
    local_service: str | None = Field(
        None,
        max_length=120,
        pattern=SLUG,
        description="Identifiant du service local, s’il est connu.",
    )
    site: str | None = Field(
        None,
        max_length=140,
        pattern=SLUG,
        description="Identifiant du lieu d’accueil, s’il est connu.",
    )
    title: str = Field(..., min_length=1, max_length=TITLE_MAX, pattern=VISIBLE_PATTERN)
    text: str = Field(
        ...,
        min_length=1,
        max_length=TEXT_MAX,
        pattern=VISIBLE_PATTERN,
        description="Récit de l’usager ; les données personnelles seront masquées "
        "avant toute publication.",
    )
    journey_stage: str | None = Field(None, max_length=50, pattern=SLUG)
    channel: str | None = Field(None, max_length=50, pattern=SLUG)
    tone: Literal["positif", "neutre", "negatif"] | None = None
    happened_on: IsoDate | None = Field(
        None,
        description="Jour de l’expérience (AAAA-MM-JJ), du "
        f"{HAPPENED_ON_EARLIEST:%d/%m/%Y} à aujourd’hui.",
    )
    # Checked by Django's validator in the service (pydantic's refuses some valid domains).
    email: str | None = Field(
        None,
        max_length=254,
        json_schema_extra={"format": "email"},
        description="Pour envoyer à l’usager son lien privé et la "
        "réponse du service ; jamais publiée.",
    )
    notify_on_publication: bool = Field(
        True,
        description="Prévenir l’usager par courriel quand son expérience est publiée "
        "(s’il a donné une adresse).",
    )


class SubmittedOut(Schema):
    uuid: UUID
    reference: str = Field(
        ...,
        description="Référence courte (EXP-AAAA-NNNNN) que l’usager peut citer au service.",
    )
    status: str
    private_url: str = Field(
        ...,
        description="Lien privé de l’usager (suivre, corriger, "
        "retirer) : à lui montrer, ne pas conserver.",
    )


class RejectionReasonOut(Schema):
    code: str
    label: str


def _unknown(field: str, what: str) -> VoiceError:
    return VoiceError(f"unknown_{field}", f"{what} introuvable.", field=field, status=404)


def _resolve(payload: ExperienceIn) -> dict[str, Any]:
    organisation = (
        Organisation.objects.administrations()
        .filter(slug=payload.organisation, is_active=True)
        .first()
    )
    if organisation is None:
        raise _unknown("organisation", "Organisme")
    resolved: dict[str, Any] = {"organisation": organisation}
    lookups: list[tuple[str, Any, str]] = [
        ("local_service", LocalService.objects.filter(is_active=True), "Service local"),
        ("site", Site.objects.filter(is_active=True), "Lieu d’accueil"),
        ("journey_stage", JourneyStage.objects.all(), "Étape de démarche"),
        ("channel", Channel.objects.all(), "Canal"),
    ]
    for field, queryset, label in lookups:
        value = getattr(payload, field)
        resolved[field] = None
        if value:
            resolved[field] = queryset.filter(slug=value).first()
            if resolved[field] is None:
                raise _unknown(field, label)
    return resolved


@INTAKE.post(
    router,
    "/",
    response=SubmittedOut,
    summary="Déposer une expérience (site partenaire)",
    description="Jeton d’API avec le droit d’écriture. Rien n’est publié automatiquement : "
    "le texte est masqué puis relu par un modérateur.",
)
def submit(request: HttpRequest, payload: ExperienceIn) -> Any:
    token = INTAKE.admit(request, email=str(payload.email or ""))
    submitted = services.experience_submit(
        **_resolve(payload),
        title=payload.title,
        text=payload.text,
        tone=payload.tone or "",
        happened_on=payload.happened_on,
        email=str(payload.email or ""),
        notify_on_publication=payload.notify_on_publication,
        actor=token,
        actor_label=Actor.PARTNER,
    )
    experience = submitted.experience
    return HttpStatus(
        201,
        {
            "uuid": experience.uuid,
            "reference": experience.reference,
            "status": experience.status,
            "private_url": private_link(submitted.private_token),
        },
    )


@router.get(
    "/motifs-de-refus",
    auth=None,
    response={200: list[RejectionReasonOut], **problems(400)},
    summary="Charte de modération : motifs de refus",
)
def rejection_reasons(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, label in CharterReason.choices]
