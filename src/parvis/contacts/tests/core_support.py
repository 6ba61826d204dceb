"""Helpers of the hub core's tests: a language engine whose answers the test decides."""

from __future__ import annotations

import re
from typing import Any

import pytest


class FakeEngine:
    """``qualify`` answers ``answer`` (set by the test); ``anonymise`` masks capitalised
    words after « je suis » and e-mail addresses, like the real one would."""

    def __init__(self) -> None:
        self.answer: dict[str, Any] = {}
        self.calls: list[tuple[str, str | None]] = []
        self.fail = False

    def propose(self, organisation: str, motif: str, confidence: float, **flags: bool) -> None:
        self.answer = {
            "organisation": organisation,
            "motif": motif,
            "confidence": confidence,
            "alternatives": [],
            "low_confidence": confidence < 0.85,
            "urgency": {"flag": flags.get("urgency", False), "triggers": []},
            "vulnerability": {"flag": flags.get("vulnerability", False), "triggers": []},
            "sensitive": {"flag": False, "categories": [], "triggers": []},
            "tone": "neutre",
            "themes": [],
        }

    def qualify(self, text: str, register: str | None = None) -> dict[str, Any]:
        self.calls.append((text, register))
        if self.fail:
            raise RuntimeError("engine down")
        return dict(self.answer) or {
            "organisation": None,
            "motif": None,
            "confidence": 0.0,
            "alternatives": [],
            "low_confidence": True,
        }

    @staticmethod
    def anonymise(text: str) -> tuple[str, list[Any]]:
        masked = re.sub(r"(?i)(je suis) [A-ZÉ][\w-]+ [A-ZÉ][\w-]+", r"\1 [PERSONNE]", text)
        masked = re.sub(r"\S+@\S+", "[COURRIEL]", masked)
        return masked, []


def install_fake_engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """Replace the language engine's ``qualify`` and ``anonymise`` for one test (the
    tests' ``engine`` fixture)."""
    from parvis.language import engine as language_engine

    fake = FakeEngine()
    monkeypatch.setattr(language_engine, "qualify", fake.qualify)
    monkeypatch.setattr(language_engine, "anonymise", fake.anonymise)
    return fake
