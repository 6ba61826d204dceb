"""Common base of the JSON Lines commands (``qualify``, ``anonymise``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.language import cli
from parvis.language.services import LanguageError


class JsonLinesCommand(BaseCommand):
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help='Fichier JSON Lines {"id", "text"}, ou « - » (entrée standard).'
        )

    def process(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Load what the command needs before reading input (clear errors first)."""

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path != "-" and not os.path.isfile(path):
            raise CommandError(f"Fichier introuvable : {path}", returncode=2)
        try:
            self.prepare()
            written, failed = cli.run(path, self.process, sys.stdout, sys.stderr)
        except LanguageError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if failed:
            raise CommandError(
                f"{failed} ligne(s) en erreur, {written} ligne(s) traitée(s).", returncode=1
            )
