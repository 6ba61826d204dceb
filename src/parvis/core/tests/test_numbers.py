"""One rounding for what the API and the open data publish."""

from __future__ import annotations

from parvis.core.numbers import one_decimal, share


def test_one_decimal():
    assert one_decimal(27.900000000000002) == 27.9
    assert one_decimal(5) == 5.0
    assert one_decimal(None) is None


def test_share_keeps_a_percentage_with_one_decimal():
    assert share(4 / 12) == 0.333
    assert share(0.27916) == 0.279
    assert share(None) is None
