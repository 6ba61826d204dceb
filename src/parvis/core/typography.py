"""French typography of the templates' text (the Imprimerie nationale's rules, as the
DSFR's editorial guide applies them): a no-break space before « : », a narrow no-break
space before « ; », « ! » and « ? », no-break spaces inside « guillemets ». A line never
starts with the punctuation that closes the previous word.

``fix_template`` rewrites a template's text, never its tags, variables, attributes,
scripts or code; ``scripts/french_typography.py`` applies it (``--check`` lists what is
left) and a test keeps every template as it leaves it. Plain-text templates (e-mails,
SMS: a no-break space is not in the SMS alphabet) are left alone."""

from __future__ import annotations

import re
from pathlib import Path

NBSP, NNBSP = "\u00a0", "\u202f"

# What is not the page's text: template tags, variables and comments, HTML tags (their
# attributes), scripts and styles, verbatim and comment blocks.
_NOT_TEXT = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*verbatim\s*%\}.*?\{%\s*endverbatim\s*%\}"
    r"|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<pre\b.*?</pre\s*>|<code\b.*?</code\s*>"
    r"|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<!--.*?-->|<[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_BEFORE = re.compile(r"(?<=\S) ([:;!?])(?=[\s<{\"'»)]|$)")
_OPENING = re.compile(r"« ")
_CLOSING = re.compile(r"(?<=\S) »")


def _fix_text(text: str) -> str:
    text = _BEFORE.sub(lambda m: (NBSP if m.group(1) == ":" else NNBSP) + m.group(1), text)
    text = _OPENING.sub("«" + NBSP, text)
    return _CLOSING.sub(NBSP + "»", text)


def fix_template(source: str) -> str:
    """``source`` with its text's spaces before high punctuation made no-break; the rest
    (tags, variables, attributes, scripts) as it is. A space right after a tag or a
    variable counts as the text's own: in « {{ count }} : », the space becomes a no-break
    space."""
    out, position = [], 0
    for match in _NOT_TEXT.finditer(source):
        out.append(_fix_segment(source, position, match.start()))
        out.append(match.group())
        position = match.end()
    out.append(_fix_segment(source, position, len(source)))
    return "".join(out)


def _fix_segment(source: str, start: int, end: int) -> str:
    # The character before the segment (the end of a tag or a variable) decides whether
    # its first space precedes punctuation after a word.
    before = source[start - 1] if start else ""
    fixed = _fix_text(before + source[start:end])
    return fixed[len(before) :]


def templates(root: Path) -> list[Path]:
    """The HTML templates under ``root`` (plain-text ones are not typeset)."""
    return sorted(root.rglob("templates/**/*.html"))
