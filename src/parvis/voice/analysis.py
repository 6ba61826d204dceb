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


def anonymise_many(texts: list[str]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each text masked, with its spans as plain dicts (``start``, ``end``, ``label``);
    one pass of the engine for all of them."""
    from parvis.language.engine import anonymise_many as engine_anonymise_many

    present = [text for text in texts if text]
    done = iter(engine_anonymise_many(present) if present else [])
    results: list[tuple[str, list[dict[str, Any]]]] = []
    for text in texts:
        if not text:
            results.append(("", []))
            continue
        masked, entities = next(done)
        results.append(
            (
                masked,
                [
                    {"start": e.start, "end": e.end, "label": e.label, "source": "engine"}
                    for e in entities
                ],
            )
        )
    return results


def anonymise(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Masked text and its spans as plain dicts (``start``, ``end``, ``label``)."""
    return anonymise_many([text])[0]


def qualify(text: str) -> dict[str, Any]:
    """The engine's qualification, or a conservative stand-in when it is unavailable."""
    return qualify_many([text])[0]


def qualify_many(texts: list[str]) -> list[dict[str, Any]]:
    """Each text's qualification, in one pass of the qualifier; when it is unavailable,
    a stand-in that sends every text to an individual moderator decision."""
    from parvis.language.engine import qualify_many as engine_qualify_many
    from parvis.language.services import LanguageError

    try:
        return [dict(result) for result in engine_qualify_many(texts)]
    except LanguageError as error:
        logger.warning("voice_qualification_unavailable", error=type(error).__name__)
        return [
            {
                "error": UNAVAILABLE,
                "sensitive": {"flag": True, "categories": [UNAVAILABLE], "triggers": []},
            }
            for _ in texts
        ]


def analyse_many(pairs: list[tuple[str, str]]) -> list[Analysis]:
    """``analyse`` of several ``(title, text)`` pairs in one pass of each model: spaCy
    processes a batch of texts in about half the time per text of one at a time."""
    masked = anonymise_many([part for pair in pairs for part in pair])
    qualifications = qualify_many([f"{title}\n{text}" for title, text in pairs])
    analyses = []
    for index, qualification in enumerate(qualifications):
        (masked_title, title_entities), (masked_text, text_entities) = masked[
            2 * index : 2 * index + 2
        ]
        entities = [{**e, "field": "title"} for e in title_entities] + [
            {**e, "field": "text"} for e in text_entities
        ]
        analyses.append(Analysis(masked_title, masked_text, entities, qualification))
    return analyses


def analyse(title: str, text: str) -> Analysis:
    return analyse_many([(title, text)])[0]


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
