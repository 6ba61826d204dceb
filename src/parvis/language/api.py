"""API router of the language engine (issue 4)."""

from ninja import Router

router = Router(tags=["langue"])
