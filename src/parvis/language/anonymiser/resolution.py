"""Overlap resolution between candidate spans, and masking with placeholders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from parvis.language.anonymiser.base import PLACEHOLDERS, PRIORITY, Entity


def resolve(candidates: Iterable[Entity], text: str | None = None) -> list[Entity]:
    """Non-overlapping spans: by priority, then the longest. An address or a name that
    overlaps a span kept before it keeps what lies outside that span."""
    chosen: list[Entity] = []
    ordered = sorted(
        {c for c in candidates if c.end > c.start},
        key=lambda e: (PRIORITY[e.label], -(e.end - e.start), e.start),
    )
    for candidate in ordered:
        overlapping = [
            kept for kept in chosen if candidate.start < kept.end and kept.start < candidate.end
        ]
        if not overlapping:
            chosen.append(candidate)
            continue
        if candidate.label not in {"ADDRESS", "PERSON"}:
            continue
        # an address around a number taken for an identifier (a postcode read as an
        # allocataire number), a name run that ran into an address: what is left of it is
        # still masked
        pieces = _remainder(candidate, overlapping)
        if candidate.label == "PERSON" and text is not None:
            # « Plaque AB-123-CD »: the word that names the identifier is no name
            pieces = [p for p in pieces if not _names_an_identifier(text[p.start : p.end])]
        chosen.extend(pieces)
    return sorted(chosen)


IDENTIFIER_NAMES = frozenset(
    """plaque immatriculation immat tel tél telephone téléphone portable numero numéro num n°
    no iban rib bic carte cb secu sécu nir caf msa mail courriel email e-mail fiscal spi
    allocataire alloc ne né nee née le la de du""".split()  # noqa: SIM905
)


def _names_an_identifier(piece: str) -> bool:
    words = [w.strip(".:,;'()").lower() for w in piece.split()]
    words = [w for w in words if w]
    return not words or any(w in IDENTIFIER_NAMES for w in words)


def _remainder(candidate: Entity, overlapping: Sequence[Entity]) -> list[Entity]:
    pieces = []
    position = candidate.start
    for kept in sorted(overlapping):
        if kept.start > position:
            pieces.append(Entity(position, kept.start, candidate.label))
        position = max(position, kept.end)
    if position < candidate.end:
        pieces.append(Entity(position, candidate.end, candidate.label))
    return [p for p in pieces if p.end - p.start >= 3]


def mask(text: str, entities: Sequence[Entity]) -> str:
    parts = []
    position = 0
    for entity in sorted(entities):
        parts.append(text[position : entity.start])
        parts.append(PLACEHOLDERS[entity.label])
        position = entity.end
    parts.append(text[position:])
    return "".join(parts)
