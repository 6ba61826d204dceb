"""API router of voice."""

from ninja import Router

router = Router(tags=["voice"])
