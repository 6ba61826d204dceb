"""The DSFR stylesheet for the neutral brand: same components, no Marianne font.

The DSFR and its Marianne typeface are reserved to State websites. Operators that are not
entitled to them (``PARVIS_BRAND=neutral``) get the DSFR stylesheet rewritten once per
process: the Marianne ``@font-face`` rules are removed (the font files are never
requested) and every ``font-family`` that named Marianne uses the system font stack.
Relative ``url(../…)`` references are made absolute so the icons still resolve from the
view's address.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.templatetags.static import static

DSFR_CSS_PATH = "dsfr/dist/dsfr/dsfr.min.css"
DSFR_DIST_PREFIX = "dsfr/dist/"
SYSTEM_FONT_STACK = (
    'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",'
    '"Liberation Sans",sans-serif'
)

_MARIANNE_FONT_FACE = re.compile(r"@font-face\{[^}]*font-family:\s*\"?Marianne\"?;[^}]*\}")
_MARIANNE_FAMILY = re.compile(r"font-family:\s*\"?Marianne\"?(?:,[^;}!]*)?")
_RELATIVE_URL = re.compile(r"url\((['\"]?)\.\./([^)'\"]+)\1\)")


@dataclass(frozen=True)
class Stylesheet:
    content: bytes
    gzipped: bytes
    etag: str


def rewrite_dsfr_css(source: str) -> str:
    """The DSFR stylesheet without Marianne, with absolute asset URLs."""
    css = _MARIANNE_FONT_FACE.sub("", source)
    css = _MARIANNE_FAMILY.sub(f"font-family:{SYSTEM_FONT_STACK}", css)
    css = _RELATIVE_URL.sub(
        lambda m: f"url({m.group(1)}{static(DSFR_DIST_PREFIX + m.group(2))}{m.group(1)})", css
    )
    return css


@functools.cache
def neutral_dsfr_stylesheet() -> Stylesheet:
    path = finders.find(DSFR_CSS_PATH)
    if not path:
        raise FileNotFoundError(f"{DSFR_CSS_PATH} not found by the static files finders.")
    with open(path, encoding="utf-8") as handle:
        content = rewrite_dsfr_css(handle.read()).encode()
    return Stylesheet(
        content=content,
        gzipped=gzip.compress(content, mtime=0),
        etag=f'"{hashlib.sha256(content).hexdigest()[:32]}"',
    )
