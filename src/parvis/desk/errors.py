"""The desk's one domain error (a ``ParvisError``: stable ``code``, French message)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from parvis.core.errors import ParvisError


class DeskError(ParvisError):
    statuses: ClassVar[Mapping[str, int]] = {
        "not_found": 404,
        "forbidden": 403,
        "already_taken": 409,
        "switch_precondition": 409,
        "transition_not_allowed": 409,
    }
