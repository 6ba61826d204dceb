"""The receipt of an experience recorded at a counter: its private link as a QR code.

The citizen has no email (or prefers paper): the adviser prints the receipt, and the
QR code takes the citizen's phone to their follow-up page. The code is drawn as inline
SVG (``segno``, no image file and no third-party service), so the link is never written
anywhere but on the page being printed.
"""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(link: str) -> SafeString:
    """The QR code of ``link`` as an inline ``<svg>`` (black on white, readable printed
    at about 4 cm; error correction M survives a fold or a smudge)."""
    code = segno.make(link, error="m", micro=False)
    svg = code.svg_inline(
        scale=4, border=2, dark="#000", light="#fff", svgclass="parvis-qr", omitsize=False
    )
    # segno writes the whole element from the link (URL characters only, escaped by segno
    # in its attributes): nothing a person typed reaches this markup.
    return mark_safe(svg)  # noqa: S308
