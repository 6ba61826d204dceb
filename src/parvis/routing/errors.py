"""Routing's one domain error (a ``ParvisError``: stable ``code``, French message)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from parvis.core.errors import ParvisError


class RoutingError(ParvisError):
    statuses: ClassVar[Mapping[str, int]] = {
        "not_found": 404,
        "forbidden": 403,
        "offer_gone": 409,
        "capacity": 409,
    }
