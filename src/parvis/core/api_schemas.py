"""Shared API schemas: the base of every input, problem details and pagination."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model, field_validator

from parvis.core.text import LONE_SURROGATE_MESSAGE, has_lone_surrogate, strip_controls

# A free text that must say something: at least one character that is neither a space
# nor a control character (those the cleaner drops), so cleaning cannot leave it empty.
VISIBLE_PATTERN = r"[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


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
