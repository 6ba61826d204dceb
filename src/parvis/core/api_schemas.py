"""Shared API schemas: problem details and pagination."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model


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


class PageParams(Schema):
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
