"""Month labels and place names after « de » (``core.french.de``, the ``de_elide``
filter): elided before a vowel, escaped in templates."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from parvis.core.french import de
from parvis.core.text import FRENCH_MONTHS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("octobre 2026", "d’octobre 2026"),
        ("août 2026", "d’août 2026"),
        ("avril 2026", "d’avril 2026"),
        ("mars 2026", "de mars 2026"),
        ("Évry-Courcouronnes", "d’Évry-Courcouronnes"),
        ("Hazebrouck", "de Hazebrouck"),
        ("Le Mans", "du Mans"),
    ],
)
def test_de_elides_before_a_vowel(text: str, expected: str) -> None:
    assert de(text) == expected


def test_every_month_reads_right() -> None:
    elided = {m for m in FRENCH_MONTHS if de(m).startswith("d’")}
    assert elided == {"avril", "août", "octobre"}


def test_the_template_filter_escapes_what_it_is_given() -> None:
    template = Template("{% load french %}Synthèse du mois {{ label|de_elide }}")
    assert template.render(Context({"label": "octobre 2026"})) == "Synthèse du mois d’octobre 2026"
    assert template.render(Context({"label": "<b>"})) == "Synthèse du mois de &lt;b&gt;"
