"""Inbound HTML sanitised before an agent sees it (nh3)."""

from __future__ import annotations

import pytest

from parvis.contacts.html import sanitise_html

REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Bonjour <b>Madame</b>,</p>", "<p>Bonjour <b>Madame</b>,</p>"),
        ("<p onclick='vol()'>Texte</p>", "<p>Texte</p>"),
        ("<script>alert(1)</script><p>après</p>", "<p>après</p>"),
        ("<style>p { color: red }</style>visible", "visible"),
        ('<img src="https://pisteur.example/pixel.gif">vu', "vu"),
        ('<a href="javascript:alert(1)">lien</a>', f"<a {REL}>lien</a>"),
        ('<a href="/compte/">interne</a>', f"<a {REL}>interne</a>"),
        (
            '<a href="https://www.caf.fr/" target="_blank">CAF</a>',
            '<a href="https://www.caf.fr/" rel="noopener noreferrer nofollow">CAF</a>',
        ),
        ('<iframe src="https://x"></iframe><form><input name="a"></form>ok', "ok"),
        ("<!-- commentaire --><blockquote>cité</blockquote>", "<blockquote>cité</blockquote>"),
        ('<table><tr><td colspan="2" style="x">c</td></tr></table>',
         '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'),
        ("texte\x00 avec\x1b contrôle", "texte avec contrôle"),
        ("", ""),
    ],
)  # fmt: skip
def test_sanitise_html(html, expected):
    assert sanitise_html(html) == expected
