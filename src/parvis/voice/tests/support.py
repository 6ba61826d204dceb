"""Test support shared by voice's unit tests and its browser test.

``lexicon_qualify`` stands in for the engine's ``qualify`` (lexicons only: tone,
sensitive, stage, themes; no trained motif model, which needs the reference data).
Real SMTP (``smtp_inbox``) comes from the ``parvis.testing.mail`` plugin.
"""

from __future__ import annotations

from typing import Any


def lexicon_qualify(text: str) -> dict[str, Any]:
    from parvis.language import lexicons
    from parvis.language.text import normalise

    normalised = normalise(text)
    return {
        "organisation": None,
        "motif": None,
        "confidence": 0.0,
        "alternatives": [],
        "low_confidence": True,
        "urgency": lexicons.urgency(normalised),
        "vulnerability": lexicons.vulnerability(normalised),
        "sensitive": lexicons.sensitive(normalised),
        "tone": lexicons.tone(normalised),
        "journey_stage": lexicons.journey_stage(normalised),
        "themes": lexicons.themes(normalised, None),
    }
