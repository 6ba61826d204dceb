"""Numbers people and machines read: rounded once, the same way everywhere.

Delays and percentages published by the API and the open data carry one decimal
(``27.9``, never ``27.900000000000002``); a share between 0 and 1 keeps three, so that
its percentage has one decimal (``0.279`` is 27,9 %).
"""

from __future__ import annotations


def one_decimal(value: float | None) -> float | None:
    """``27.900000000000002`` → ``27.9``; ``None`` stays ``None``."""
    return None if value is None else round(float(value), 1)


def share(value: float | None) -> float | None:
    """A share between 0 and 1 whose percentage has one decimal: ``0.27916`` → ``0.279``."""
    return None if value is None else round(float(value), 3)
