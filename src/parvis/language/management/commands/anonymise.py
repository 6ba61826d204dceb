"""``parvis anonymise FILE``: mask personal data in JSON Lines texts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parvis.language import engine
from parvis.language.management.commands._base import JsonLinesCommand


class Command(JsonLinesCommand):
    help = 'Masque les données personnelles de textes JSON Lines {"id", "text"}.'

    def prepare(self) -> None:
        engine.get_anonymiser()

    def process(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        return [
            {"text": masked, "entities": [e.as_dict() for e in entities]}
            for masked, entities in engine.anonymise_many(texts)
        ]
