"""The parvis JSON API (``/api/v1``): one NinjaAPI, routers from each domain app.

Every error is RFC 9457 problem details with a stable ``code`` and a French ``detail``.
"""

from __future__ import annotations

from typing import Any

import structlog
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from parvis.accounts.api_auth import AUTH
from parvis.core.errors import ParvisError, is_overload
from parvis.core.problems import PROBLEM_CONTENT_TYPE, domain_error_response, problem_response
from parvis.core.views import ERROR_MESSAGES, OVERLOAD_RETRY_AFTER

logger = structlog.get_logger(__name__)


# Any operation may answer 400 for a request it cannot read (``on_bad_request``, and a
# NUL byte refused by ``core.middleware.RefuseNulMiddleware`` before any operation).
UNREADABLE_REQUEST = {
    "description": "Requête illisible : caractère nul dans l’adresse ou un en-tête, trop de "
    "paramètres, corps multipart mal formé, octets qui ne sont pas de l’UTF-8.",
    "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


# What a parameter without a pattern of its own may hold: anything but NUL.
NO_NUL_PATTERN = r"^[^\x00]*$"


def _forbid_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "format", "enum"} & schema.keys():
        schema["pattern"] = NO_NUL_PATTERN
    for option in schema.get("anyOf", []):
        _forbid_nul(option)


class ParvisSwagger(Swagger):
    """Swagger UI in a page that declares its language, French (ninja's own has no ``lang``)."""

    template = "api/swagger.html"


class ParvisNinjaAPI(NinjaAPI):
    """Documents error responses under ``application/problem+json``, as they are sent,
    the 400 every operation may answer, and that no parameter may hold NUL."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault(400, UNREADABLE_REQUEST)
                for parameter in operation.get("parameters", []):
                    _forbid_nul(parameter.get("schema", {}))
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = ParvisNinjaAPI(
    title="API parvis",
    version="1.0.0",
    description=(
        "API de parvis : annuaire des services publics, territoires, habilitations. "
        "Authentification par session ou par jeton d’organisme (`Authorization: Bearer …`). "
        "Les erreurs suivent la RFC 9457 (`application/problem+json`) avec un `code` stable."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=ParvisSwagger(),
    openapi_url="/openapi.json",
    auth=AUTH,
)

# Sent with every 401 of the API (``ApiProblemMiddleware`` adds it where a handler did not).
BEARER_CHALLENGE = 'Bearer realm="parvis"'

HTTP_ERROR_CODES = {
    400: ("invalid_request", "La requête est invalide (corps JSON illisible ou mal formé)."),
    401: ("authentication_required", "Authentification requise : session ou jeton d’API."),
    403: ("forbidden", "Votre rôle ne permet pas cette action."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non autorisée."),
    413: ("payload_too_large", "La requête est trop volumineuse."),
    429: ("rate_limited", "Trop de requêtes : réessayez plus tard."),
}


def _translate_location(loc: list[Any] | tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


# French messages for pydantic's error types; ``{…}`` fields come from the error's ctx.
FRENCH_VALIDATION_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Au moins {min_length} caractère(s) attendu(s).",
    "string_too_long": "Au plus {max_length} caractère(s) autorisé(s).",
    "string_pattern_mismatch": "Le format n’est pas valide.",
    "too_short": "Au moins {min_length} élément(s) attendu(s).",
    "too_long": "Au plus {max_length} élément(s) autorisé(s).",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "bool_type": "Une valeur vrai/faux est attendue (true ou false).",
    "bool_parsing": "Une valeur vrai/faux est attendue (true ou false).",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "date_type": "Une date est attendue (AAAA-MM-JJ).",
    "date_parsing": "Une date est attendue (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Une date est attendue (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "Une date sans heure est attendue (AAAA-MM-JJ).",
    "datetime_type": "Une date et une heure sont attendues (ISO 8601).",
    "datetime_parsing": "Une date et une heure sont attendues (ISO 8601).",
    "datetime_from_date_parsing": "Une date et une heure sont attendues (ISO 8601).",
    "time_type": "Une heure est attendue (HH:MM).",
    "time_parsing": "Une heure est attendue (HH:MM).",
    "uuid_type": "Un identifiant UUID est attendu.",
    "uuid_parsing": "Un identifiant UUID est attendu.",
    "enum": "Valeur inconnue ; valeurs possibles : {expected}.",
    "literal_error": "Valeur inconnue ; valeurs possibles : {expected}.",
    "json_invalid": "Le corps de la requête n’est pas un JSON valide.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "list_type": "Une liste est attendue.",
    "extra_forbidden": "Ce champ n’est pas accepté.",
    "url_parsing": "Une adresse web est attendue.",
    "url_scheme": "Une adresse web en http ou https est attendue.",
}


def _french_message(error: dict[str, Any]) -> str:
    """pydantic's message in French; a validator's own message (already French, raised
    as ValueError) is kept without pydantic's « Value error, » prefix."""
    kind = str(error.get("type", ""))
    if (error.get("ctx") or {}).get("french"):  # parvis's own errors (``core.api_schemas``)
        return str(error.get("msg", ""))
    if kind in {"value_error", "assertion_error"}:
        message = str(error.get("msg", ""))
        return message.split(", ", 1)[1] if ", " in message else message
    template = FRENCH_VALIDATION_MESSAGES.get(kind)
    if template is None:
        return "Valeur invalide."
    context = {
        # pydantic lists choices as "'a' or 'b'"
        key: str(value).replace("' or '", "' ou '")
        for key, value in (error.get("ctx") or {}).items()
    }
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "Valeur invalide."


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": _translate_location(error.get("loc", ())),
            "code": error.get("type", "invalid"),
            "message": _french_message(error),
        }
        for error in exc.errors
    ]
    return problem_response(
        status=422,
        code="validation_error",
        detail="Certaines valeurs sont invalides.",
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = str(exc) if str(exc) not in {"", "Unauthorized"} else HTTP_ERROR_CODES[401][1]
    return problem_response(
        status=401,
        code="authentication_required",
        detail=message,
        headers={"WWW-Authenticate": BEARER_CHALLENGE},
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code, detail = HTTP_ERROR_CODES.get(status, ("error", str(exc)))
    if status == 403 and "CSRF" in str(exc):
        code, detail = "csrf_failed", "Jeton CSRF manquant ou invalide."
    elif status not in {400, 401, 403} and str(exc):
        detail = str(exc)
    return problem_response(status=status, code=code, detail=detail)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(status=404, code="not_found", detail=HTTP_ERROR_CODES[404][1])


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(status=403, code="forbidden", detail=HTTP_ERROR_CODES[403][1])


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_response(status=413, code="payload_too_large", detail=HTTP_ERROR_CODES[413][1])


def _bad_request_problem(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, TooManyFieldsSent):
        return (
            "too_many_fields",
            "La requête compte trop de paramètres ou de champs "
            f"(au plus {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}).",
        )
    if isinstance(exc, TooManyFilesSent):
        return (
            "too_many_files",
            "La requête compte trop de fichiers "
            f"(au plus {settings.DATA_UPLOAD_MAX_NUMBER_FILES}).",
        )
    if isinstance(exc, MultiPartParserError):
        return (
            "invalid_multipart",
            "Le corps multipart de la requête est mal formé (délimiteur absent ou invalide).",
        )
    if isinstance(exc, UnicodeDecodeError):
        return "invalid_encoding", "La requête n’est pas encodée en UTF-8 valide."
    return HTTP_ERROR_CODES[400]


def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """What Django refuses while reading a request (thousands of parameters, a multipart
    body without boundary, bytes that are not UTF-8…) is the client's error: 400, as
    Django answers outside the API, not the catch-all's 500."""
    code, detail = _bad_request_problem(exc)
    logger.info("api_bad_request", path=request.path, error=type(exc).__name__)
    return problem_response(status=400, code=code, detail=detail)


for _bad_request in (SuspiciousOperation, BadRequest, MultiPartParserError, UnicodeDecodeError):
    api.exception_handler(_bad_request)(on_bad_request)


@api.exception_handler(ParvisError)
def on_domain_error(request: HttpRequest, exc: ParvisError) -> HttpResponse:
    """Every app's domain error (``VoiceError``, ``SimplificationError``, ...)."""
    return domain_error_response(exc)


@api.exception_handler(ValidationError)
def on_model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": f"body.{field}", "code": "invalid", "message": str(message)}
        for field, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
        for message in messages
    ]
    return problem_response(
        status=422,
        code="validation_error",
        detail="Certaines valeurs sont invalides.",
        errors=errors,
    )


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_overload(exc):
        logger.warning("api_overloaded", path=request.path)
        code, detail = ERROR_MESSAGES[503]
        return problem_response(
            status=503, code=code, detail=detail, headers={"Retry-After": OVERLOAD_RETRY_AFTER}
        )
    logger.exception("api_unexpected_error", path=request.path, error=type(exc).__name__)
    return problem_response(
        status=500, code="server_error", detail="Une erreur inattendue est survenue."
    )


def _mount_routers() -> None:
    from parvis.accounts.api import router as accounts_router
    from parvis.contacts.api import router as contacts_router
    from parvis.directory.api import router as directory_router
    from parvis.language.api import legacy_router as language_legacy_router
    from parvis.language.api import router as language_router
    from parvis.publication.api import router as publication_router
    from parvis.quality.api import router as quality_router
    from parvis.routing.api import router as routing_router
    from parvis.routing.callback_api import router as callback_router
    from parvis.simplification.api import router as simplification_router
    from parvis.territories.api import router as territories_router
    from parvis.voice.api import router as voice_router

    api.add_router("/territoires", territories_router)
    api.add_router("/annuaire", directory_router)
    api.add_router("/langue", language_router)
    api.add_router("/language", language_legacy_router)  # deprecated English paths
    api.add_router("/experiences", voice_router)
    api.add_router("/simplifications", simplification_router)
    api.add_router("/publications", publication_router)
    api.add_router("/qualite", quality_router)
    api.add_router("/", accounts_router)
    api.add_router("/", contacts_router)  # /conversations…, /events
    api.add_router("/routage", routing_router)
    api.add_router("/rappels", callback_router)


_mount_routers()
