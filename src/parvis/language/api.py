"""API of the language engine: ``POST /api/v1/langue/qualifier`` and ``/anonymiser``.

Thin adapters over :mod:`parvis.language.engine`. Limits: 100 texts and 1 MiB per
request (413), 5,000 characters per text (422), each answered in problem+json with a
stable ``code``.

The first English paths (``/api/v1/language/qualify`` and ``/anonymise``) stay as
deprecated aliases (``legacy_router``): the same operations, marked ``deprecated`` in
OpenAPI, answering with ``Deprecation`` and a ``Link`` to their successor (RFC 9745).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from pydantic import StrictInt, StrictStr

from parvis.core.api_schemas import InputSchema, problems
from parvis.core.errors import ParvisError
from parvis.language import engine

router = Router(tags=["langue"])
legacy_router = Router(tags=["langue"])
DEPRECATED_SINCE = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)

MAX_TEXTS = 100
MAX_BODY_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 5000


class TextIn(InputSchema):
    id: StrictStr | StrictInt | None = Field(
        None, description="Identifiant de l'appelant, renvoyé tel quel."
    )
    text: str = Field(..., description=f"Texte en français ({MAX_TEXT_CHARS} caractères au plus).")
    register_hint: StrictStr | None = Field(
        None,
        max_length=40,
        description=(
            "Qualification : ce qu'est le texte (« courriel », « transcription », « sms », "
            "« chat », « formulaire »). Un courriel est lu sans sa signature ni le message "
            "cité, une transcription sans les noms des interlocuteurs ; sans indication, un "
            "texte de plusieurs lignes est lu comme un courriel."
        ),
    )


class TextsIn(InputSchema):
    texts: list[TextIn] = Field(
        ..., min_length=1, description=f"De 1 à {MAX_TEXTS} textes (1 Mio par requête au plus)."
    )


class EntityOut(Schema):
    start: int = Field(..., description="Début (indice de caractère dans le texte d'entrée).")
    end: int = Field(..., description="Fin, exclue.")
    label: str = Field(..., description="PERSON, EMAIL, PHONE, NIR, IBAN, CARD, ADDRESS, ...")


class AnonymisedOut(Schema):
    id: StrictStr | StrictInt | None
    text: str = Field(..., description="Texte masqué ([NOM], [TÉLÉPHONE], ...).")
    entities: list[EntityOut]


class AnonymiseOut(Schema):
    results: list[AnonymisedOut]


class Flag(Schema):
    flag: bool
    triggers: list[str]


class SensitiveFlag(Flag):
    categories: list[str]


class Alternative(Schema):
    organisation: str
    motif: str
    confidence: float


class QualifiedOut(Schema):
    id: StrictStr | StrictInt | None
    organisation: str | None
    motif: str | None
    confidence: float = Field(..., ge=0, le=1)
    alternatives: list[Alternative]
    low_confidence: bool = Field(..., description="À orienter vers un tri humain.")
    urgency: Flag
    vulnerability: Flag
    sensitive: SensitiveFlag
    tone: str = Field(..., description="positif, neutre ou negatif.")
    journey_stage: str
    themes: list[str]


class QualifyOut(Schema):
    results: list[QualifiedOut]


def _check_limits(request: HttpRequest, payload: TextsIn) -> None:
    if len(request.body) > MAX_BODY_BYTES:
        raise ParvisError("payload_too_large", "La requête dépasse 1 Mio.", status=413)
    if len(payload.texts) > MAX_TEXTS:
        raise ParvisError(
            "too_many_texts",
            f"Au plus {MAX_TEXTS} textes par requête ({len(payload.texts)} reçus).",
            status=413,
        )
    too_long = [i for i, item in enumerate(payload.texts) if len(item.text) > MAX_TEXT_CHARS]
    if too_long:
        raise ParvisError(
            "text_too_long",
            f"Un texte dépasse {MAX_TEXT_CHARS} caractères.",
            field_errors=[
                (f"texts.{i}.text", f"{MAX_TEXT_CHARS} caractères au plus.") for i in too_long
            ],
        )


ANONYMISE: dict[str, Any] = {
    "response": {200: AnonymiseOut, **problems(400, 401, 403, 413, 422)},
    "summary": "Masquer les données personnelles",
}
QUALIFY: dict[str, Any] = {
    "response": {200: QualifyOut, **problems(400, 401, 403, 413, 422, 503)},
    "summary": "Qualifier une demande (organisme, motif, urgence, vulnérabilité...)",
}


def deprecated_alias(successor: str) -> Callable[..., Any]:
    """View decorator of a deprecated path: ``Deprecation`` and the successor's ``Link``."""

    def decorator(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = run(request, *args, **kwargs)
            response["Deprecation"] = f"@{int(DEPRECATED_SINCE.timestamp())}"
            response["Link"] = f'<{successor}>; rel="successor-version"'
            return response

        return wrapper

    return decorator


@router.post("/anonymiser", operation_id="language_anonymise", **ANONYMISE)
def anonymise(request: HttpRequest, payload: TextsIn) -> Any:
    """Remplace noms, courriels, téléphones, NIR, IBAN, cartes, adresses, numéros
    d'allocataire et fiscaux, immatriculations et dates de naissance par des marqueurs."""
    _check_limits(request, payload)
    results = engine.anonymise_many([item.text for item in payload.texts])
    return {
        "results": [
            {"id": item.id, "text": masked, "entities": [e.as_dict() for e in entities]}
            for item, (masked, entities) in zip(payload.texts, results, strict=True)
        ]
    }


@router.post("/qualifier", operation_id="language_qualify", **QUALIFY)
def qualify(request: HttpRequest, payload: TextsIn) -> Any:
    """Organisme et motif (avec confiance et alternatives), urgence, vulnérabilité,
    données sensibles, ton, étape du parcours et thèmes de chaque texte."""
    _check_limits(request, payload)
    results = engine.qualify_many(
        [item.text for item in payload.texts], [item.register_hint for item in payload.texts]
    )
    return {
        "results": [
            {"id": item.id, **result} for item, result in zip(payload.texts, results, strict=True)
        ]
    }


def _deprecated_alias(
    legacy_path: str,
    view: Callable[[HttpRequest, TextsIn], Any],
    *,
    successor: str,
    operation_id: str,
    operation: dict[str, Any],
) -> None:
    """Serve ``view`` at its former English ``legacy_path`` too, marked deprecated."""

    def alias(request: HttpRequest, payload: TextsIn) -> Any:
        return view(request, payload)

    alias.__name__ = f"{view.__name__}_deprecated"
    legacy_router.post(
        legacy_path,
        operation_id=f"{operation_id}_deprecated",
        deprecated=True,
        description=f"Ancien chemin de `POST {successor}`, conservé pour les appelants existants.",
        **operation,
    )(decorate_view(deprecated_alias(successor))(alias))


_deprecated_alias(
    "/anonymise",
    anonymise,
    successor="/api/v1/langue/anonymiser",
    operation_id="language_anonymise",
    operation=ANONYMISE,
)
_deprecated_alias(
    "/qualify",
    qualify,
    successor="/api/v1/langue/qualifier",
    operation_id="language_qualify",
    operation=QUALIFY,
)
