"""The contact hub's one domain error (a ``ParvisError``: stable ``code``, French message,
HTTP status, optional field), turned into problem+json by the API and messages by views."""

from __future__ import annotations

from parvis.core.errors import ParvisError


class ContactError(ParvisError):
    pass
