"""French typography of the templates: no-break spaces before high punctuation and
inside guillemets, in the text only."""

from __future__ import annotations

from pathlib import Path

import pytest

from parvis.core.typography import NBSP, NNBSP, fix_template, templates

SRC = Path(__file__).resolve().parents[2]


def test_every_template_is_typeset():
    """A template written with a plain space before « : », « ? »… fails here: run
    ``python scripts/french_typography.py``."""
    left = [
        str(path.relative_to(SRC))
        for path in templates(SRC)
        if fix_template(source := path.read_text(encoding="utf-8")) != source
    ]
    assert len(templates(SRC)) > 150
    assert left == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Motif : aide</p>", f"<p>Motif{NBSP}: aide</p>"),
        (
            "<p>Vraiment ? Oui ! Non ; peut-être</p>",
            f"<p>Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP}; peut-être</p>",
        ),
        (
            "<p>le jeton « {{ name }} » ?</p>",
            f"<p>le jeton «{NBSP}{{{{ name }}}}{NBSP}» ?</p>".replace(" ?", f"{NNBSP}?"),
        ),
        ("{% if x %} : {{ y }}{% endif %}", f"{{% if x %}}{NBSP}: {{{{ y }}}}{{% endif %}}"),
        ("<strong>Niveau</strong> : 2", f"<strong>Niveau</strong>{NBSP}: 2"),
    ],
)
def test_the_text_gets_no_break_spaces(source, expected):
    assert fix_template(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '<a href="/x?a=1" title="Fermer : la fenêtre">x</a>',  # attributes are left
        "<script>const a = b ? c : d;</script>",
        "<style>a { color : red; }</style>",
        "{{ value|date:'H : i' }}{% url 'a' x %}{# note : ici #}",
        "<code>a ? b : c</code><pre>x : y</pre>",
        "{% comment %}Pourquoi : parce que{% endcomment %}",
        "<p>Déjà{NBSP}: fait</p>".replace("{NBSP}", NBSP),
        "<p>10:30 et http://exemple.fr ?a</p>",
    ],
)
def test_what_is_not_text_is_left_alone(source):
    assert fix_template(source) == source
