"""French typography of the templates: a guillemet is held to its text by a no-break
space (U+00A0), never a plain one, so that « or » never ends up alone at a line end."""

from __future__ import annotations

import re
from pathlib import Path

PARVIS = Path(__file__).resolve().parents[2]  # .../src/parvis
# A plain space (or a tab) inside guillemets: « text » written with U+0020.
PLAIN_SPACE = re.compile("\u00ab[ \t]|[ \t]\u00bb")


def _templates() -> list[Path]:
    return sorted(
        path
        for path in PARVIS.glob("*/templates/**/*")
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
    )


def test_the_templates_hold_guillemets_to_their_text_with_a_no_break_space():
    templates = _templates()
    assert len(templates) > 100  # the glob found parvis's templates
    found = [
        f"{path.relative_to(PARVIS)}:{number}: {line.strip()[:80]}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PLAIN_SPACE.search(line)
    ]
    assert not found, "Espace insécable (U+00A0) attendue dans les guillemets :\n" + "\n".join(
        found
    )


def test_the_check_sees_a_plain_space():
    assert PLAIN_SPACE.search("le bouton « Filtrer »")
    assert not PLAIN_SPACE.search("le bouton «\u00a0Filtrer\u00a0»")
