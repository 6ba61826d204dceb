"""voice's one door to the language engine: masking and qualification of citizen texts.

The engine loads spaCy (seconds, hundreds of MB), so only Celery tasks call this module,
never a request. Masking is mandatory: its errors propagate and the task retries.
Qualification is advisory: when it is unavailable the text is treated as sensitive, so a
moderator decides on it individually rather than in bulk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog

from parvis.language.anonymiser import PLACEHOLDERS

logger = structlog.get_logger(__name__)

# Placeholders of moderator-added spans: the anonymiser's own, plus a catch-all.
LABEL_PLACEHOLDERS = {**PLACEHOLDERS, "OTHER": "[MASQUÉ]"}
UNAVAILABLE = "qualification_indisponible"


@dataclass
class Analysis:
    masked_title: str
    masked_text: str
    entities: list[dict[str, Any]]  # on the originals, with ``field`` title|text
    qualification: dict[str, Any] = field(default_factory=dict)

    @property
    def sensitive(self) -> bool:
        return bool(self.qualification.get("sensitive", {}).get("flag"))

    @property
    def sensitive_categories(self) -> list[str]:
        return list(self.qualification.get("sensitive", {}).get("categories", []))


def anonymise(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Masked text and its spans as plain dicts (``start``, ``end``, ``label``)."""
    from parvis.language.engine import anonymise as engine_anonymise

    if not text:
        return "", []
    masked, entities = engine_anonymise(text)
    return masked, [
        {"start": e.start, "end": e.end, "label": e.label, "source": "engine"} for e in entities
    ]


def qualify(text: str) -> dict[str, Any]:
    """The engine's qualification, or a conservative stand-in when it is unavailable."""
    from parvis.language.engine import qualify as engine_qualify
    from parvis.language.services import LanguageError

    try:
        return dict(engine_qualify(text))
    except LanguageError as error:
        logger.warning("voice_qualification_unavailable", error=type(error).__name__)
        return {
            "error": UNAVAILABLE,
            "sensitive": {"flag": True, "categories": [UNAVAILABLE], "triggers": []},
        }


def analyse(title: str, text: str) -> Analysis:
    masked_title, title_entities = anonymise(title)
    masked_text, text_entities = anonymise(text)
    entities = [{**e, "field": "title"} for e in title_entities] + [
        {**e, "field": "text"} for e in text_entities
    ]
    return Analysis(masked_title, masked_text, entities, qualify(f"{title}\n{text}"))


# --- Moderator adjustments ------------------------------------------------------------


def resolve_spans(spans: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sorted, non-overlapping spans: overlapping ones are merged into the first label."""
    ordered = sorted(
        (dict(s) for s in spans if int(s["end"]) > int(s["start"])),
        key=lambda s: (int(s["start"]), -int(s["end"])),
    )
    merged: list[dict[str, Any]] = []
    for span in ordered:
        if merged and span["start"] < merged[-1]["end"]:
            merged[-1]["end"] = max(merged[-1]["end"], span["end"])
            continue
        merged.append(span)
    return merged


def apply_mask(text: str, spans: Iterable[dict[str, Any]]) -> str:
    parts: list[str] = []
    position = 0
    for span in resolve_spans(spans):
        parts.append(text[position : span["start"]])
        parts.append(LABEL_PLACEHOLDERS.get(span["label"], LABEL_PLACEHOLDERS["OTHER"]))
        position = span["end"]
    parts.append(text[position:])
    return "".join(parts)


def spans_of_fragment(text: str, fragment: str, label: str) -> list[dict[str, Any]]:
    """Every occurrence of ``fragment`` (case-insensitive, whole words) as spans."""
    fragment = fragment.strip()
    if not fragment:
        return []
    pattern = re.compile(rf"(?<!\w){re.escape(fragment)}(?!\w)", re.IGNORECASE)
    return [
        {"start": m.start(), "end": m.end(), "label": label, "source": "moderator"}
        for m in pattern.finditer(text)
    ]
