"""Overlap resolution between candidate spans, and masking with placeholders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from parvis.language.anonymiser.base import PLACEHOLDERS, PRIORITY, Entity


def resolve(candidates: Iterable[Entity]) -> list[Entity]:
    """Non-overlapping spans: by priority, then the longest."""
    chosen: list[Entity] = []
    ordered = sorted(
        {c for c in candidates if c.end > c.start},
        key=lambda e: (PRIORITY[e.label], -(e.end - e.start), e.start),
    )
    for candidate in ordered:
        if any(candidate.start < kept.end and kept.start < candidate.end for kept in chosen):
            # a name overlapping an address or an identifier is dropped; an address that
            # overlaps a name is kept whole because addresses rank first
            continue
        chosen.append(candidate)
    return sorted(chosen)


def mask(text: str, entities: Sequence[Entity]) -> str:
    parts = []
    position = 0
    for entity in sorted(entities):
        parts.append(text[position : entity.start])
        parts.append(PLACEHOLDERS[entity.label])
        position = entity.end
    parts.append(text[position:])
    return "".join(parts)
