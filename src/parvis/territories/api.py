"""API router of this domain (filled in its own slice)."""

from ninja import Router

router = Router(tags=["territoires"])
