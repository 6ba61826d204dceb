"""Shared API schemas: the base of every input, problem details, pagination, strict
ISO 8601 dates and the bridge that runs a service's rule on a field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, create_model, field_validator
from pydantic_core import PydanticCustomError

from parvis.core.errors import ParvisError
from parvis.core.text import (
    BIDI_CONTROLS,
    LONE_SURROGATE_MESSAGE,
    has_lone_surrogate,
    strip_controls,
)

# A free text that must say something: at least one character that is neither a space
# nor a control character (those the cleaner drops), so cleaning cannot leave it empty.
VISIBLE_PATTERN = r"[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + BIDI_CONTROLS + "]"


def clean_input(value: Any) -> Any:
    """Every string in ``value`` (lists and objects walked) without control characters;
    ``ValueError`` (a 422 naming the field) when one holds a lone surrogate."""
    if isinstance(value, str):
        if has_lone_surrogate(value):
            raise ValueError(LONE_SURROGATE_MESSAGE)
        return strip_controls(value)
    if isinstance(value, list):
        return [clean_input(item) for item in value]
    if isinstance(value, dict):
        return {key: clean_input(item) for key, item in value.items()}
    return value


class InputSchema(Schema):
    """Base of every schema the API reads (bodies and query parameters).

    Input is validated as sent, as the OpenAPI document describes it; then its strings
    lose their C0 control characters (``core.text.strip_controls``, as forms do:
    PostgreSQL refuses NUL), and a lone surrogate, which JSON can carry but UTF-8 cannot
    encode, is refused (422 naming the field) before any handler sees it. A free text
    that must not end up empty says so with ``VISIBLE_PATTERN``.
    ``api/tests/test_bad_requests.py`` checks that every operation's inputs use it.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _clean_strings(cls, value: Any) -> Any:
        return clean_input(value)


class FieldError(Schema):
    field: str = Field(..., description="Chemin du champ en erreur, par ex. `body.name`.")
    code: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    code: str = Field(..., description="Code stable, lisible par une machine.")
    detail: str = Field(..., description="Explication en français.")
    errors: list[FieldError] | None = None
    instance: str | None = None


class PageParams(InputSchema):
    page: int = Field(1, ge=1, le=100_000, description="Numéro de page, à partir de 1.")
    page_size: int = Field(
        settings.API_PAGE_SIZE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description="Nombre d’éléments par page.",
    )


_PAGE_SCHEMAS: dict[type, type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A named ``<Item>Page`` schema: ``count``, ``page``, ``page_size``, ``pages``, ``results``."""
    if item_schema not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[item_schema] = create_model(
            f"{item_schema.__name__}Page",
            __base__=Schema,
            count=(int, ...),
            page=(int, ...),
            page_size=(int, ...),
            pages=(int, ...),
            results=(list[item_schema], ...),  # type: ignore[valid-type]
        )
    return _PAGE_SCHEMAS[item_schema]


def paginate(queryset: QuerySet[Any] | list[Any], params: PageParams) -> dict[str, Any]:
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (params.page - 1) * params.page_size
    pages = max(1, -(-count // params.page_size))
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": pages,
        "results": list(queryset[start : start + params.page_size]),
    }


def problems(*statuses: int) -> dict[int, type[Problem]]:
    """Response map documenting the 4xx an operation returns."""
    return dict.fromkeys(statuses, Problem)


# --- Dates -------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?"
)
# « 08:30:00 01:00 »: a « + » sent unencoded in a query string arrives as a space.
_UNENCODED_PLUS = re.compile(r".*\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)? \d{2}:?\d{2}")
DATETIME_EXAMPLE = "2030-01-07T08:30:00+01:00"


def _iso_date_only(value: Any) -> Any:
    # pydantic would also read « 0 » or « 1700000000 » as Unix timestamps: AAAA-MM-JJ only.
    if isinstance(value, dt.datetime) or (
        not isinstance(value, dt.date)
        and not (isinstance(value, str) and _ISO_DATE.fullmatch(value))
    ):
        raise PydanticCustomError(
            "date_parsing", "Une date est attendue (AAAA-MM-JJ).", {"french": True}
        )
    return value


def _iso_datetime_only(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATETIME.fullmatch(value):
        return value
    if isinstance(value, str) and _UNENCODED_PLUS.fullmatch(value):
        message = (
            "Le « + » du décalage horaire doit s’écrire %2B dans l’adresse, par exemple "
            "2030-01-07T08:30:00%2B01:00."
        )
    else:
        message = f"Une date et une heure ISO 8601 sont attendues, par exemple {DATETIME_EXAMPLE}."
    raise PydanticCustomError("datetime_parsing", message, {"french": True})


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
"""A day written ``AAAA-MM-JJ``, nothing else (no Unix timestamp)."""

IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime_only)]
"""An ISO 8601 date and time (``AAAA-MM-JJTHH:MM[:SS][±HH:MM|Z]``), with or without an
offset (no Unix timestamp); the operation decides what a time without offset means."""


def field_error(error: ParvisError) -> PydanticCustomError:
    """A service's refusal as a pydantic error of the field being validated (422
    ``validation_error``, the rule's ``code`` and French message in ``errors``)."""
    return PydanticCustomError(error.code, error.message, {"french": True})


def domain_rule(rule: Callable[[Any], object]) -> Any:
    """Run a service's rule on a field (``Annotated[dt.date, domain_rule(rule)]``): the
    :class:`ParvisError` it raises becomes this field's 422 error, so a form and the API
    share one rule."""

    def check(value: Any) -> Any:
        if value is not None:
            try:
                rule(value)
            except ParvisError as error:
                raise field_error(error) from error
        return value

    return AfterValidator(check)
