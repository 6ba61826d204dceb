"""API router of publication."""

from ninja import Router

router = Router(tags=["publication"])
