"""``parvis qualify FILE``: qualify JSON Lines texts (organisation, motif, flags...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parvis.language import engine, services
from parvis.language.management.commands._base import JsonLinesCommand


class Command(JsonLinesCommand):
    help = 'Qualifie des textes JSON Lines {"id", "text"} : organisme, motif, urgence...'

    def prepare(self) -> None:
        services.require_reference_data()
        engine.get_model()

    def process(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        return engine.qualify_many(texts)
