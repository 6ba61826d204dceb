from __future__ import annotations

import pytest

from parvis.contacts.signatures import SignatureError, sign, verify


def test_a_body_signed_with_either_active_secret_is_accepted():
    header = sign(b"{}", ["old"], timestamp=1_000)
    verify(header, b"{}", ["new", "old"], now=1_010)


@pytest.mark.parametrize(
    ("header", "body", "now", "code"),
    [
        (None, b"{}", 1_000, "signature_missing"),
        ("t=abc", b"{}", 1_000, "signature_malformed"),
        (sign(b"{}", ["s"], timestamp=1_000), b"{}", 1_301, "signature_expired"),
        (sign(b"{}", ["s"], timestamp=1_000), b"{ }", 1_000, "signature_invalid"),
        (sign(b"{}", ["other"], timestamp=1_000), b"{}", 1_000, "signature_invalid"),
    ],
)
def test_refusals(header, body, now, code):
    with pytest.raises(SignatureError) as caught:
        verify(header, body, ["s"], now=now)
    assert caught.value.code == code
