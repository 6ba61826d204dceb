"""Template helpers of the brand: a primary colour that is safe to put in CSS and readable."""

from __future__ import annotations

import re

import structlog
from django import template

register = template.Library()
logger = structlog.get_logger(__name__)

HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# DSFR grey-200: 11:1 on white. Used when the configured colour is unusable.
FALLBACK_PRIMARY = "#3a3a3a"
MIN_CONTRAST_ON_WHITE = 4.5


def _relative_luminance(color: str) -> float:
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(color: str) -> float:
    """WCAG 2 contrast ratio of ``color`` (``#rgb`` or ``#rrggbb``) against white."""
    return 1.05 / (_relative_luminance(color) + 0.05)


def safe_primary_color(color: str) -> str:
    """``color`` if it is a hex colour with at least 4.5:1 contrast on white, else a dark grey.

    The primary colour carries link text and white button labels: a lighter colour would
    make every page fail RGAA criterion 3.2, so it is refused rather than trusted.
    """
    if not HEX_COLOR.match(color or ""):
        logger.warning("brand_primary_color_invalid")
        return FALLBACK_PRIMARY
    if contrast_on_white(color) < MIN_CONTRAST_ON_WHITE:
        logger.warning("brand_primary_color_low_contrast", color=color)
        return FALLBACK_PRIMARY
    return color


@register.simple_tag
def brand_primary_color(color: str) -> str:
    return safe_primary_color(color)
