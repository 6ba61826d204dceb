"""API router of simplification."""

from ninja import Router

router = Router(tags=["simplification"])
