"""SMS segments: GSM-7 (160, 153 concatenated, extension characters count two), UCS-2
(70, 67 concatenated) as soon as one character is outside GSM-7, French typography
normalised first."""

from __future__ import annotations

import pytest

from parvis.contacts.sms import is_gsm7, normalise, segments

# Templates as a French administration writes them: typographic apostrophe, guillemets,
# narrow no-break spaces before « : » and « ? », an ellipsis, a dash, « œ ».
RAPPEL = (
    "Bonjour, votre rendez-vous à l’accueil de la CAF est fixé au 12/01 à 9\u202fh\u00a030. "
    "Munissez-vous de votre « attestation » \u2013 merci\u2026"
)
DOSSIER = (
    "Votre dossier n\u00b0 2026-0042 est complet\u202f: nous l’instruisons. Cœur de métier\u202f?"
)


def test_french_typography_becomes_gsm7() -> None:
    assert normalise(RAPPEL) == (
        "Bonjour, votre rendez-vous à l'accueil de la CAF est fixé au 12/01 à 9 h 30. "
        'Munissez-vous de votre "attestation" - merci...'
    )
    assert is_gsm7(normalise(RAPPEL))
    assert not is_gsm7(RAPPEL)


def test_a_normalised_template_fits_one_gsm7_segment_and_the_raw_one_would_not() -> None:
    counted = segments(RAPPEL)
    assert (counted.encoding, counted.segments) == ("gsm7", 1)
    raw = segments(RAPPEL, normalised=False)
    assert (raw.encoding, raw.segments) == ("ucs2", 2)


def test_oe_ligature_is_spelt_out_but_the_degree_sign_is_not_gsm7() -> None:
    counted = segments(DOSSIER)
    assert "Coeur" in counted.text
    assert counted.encoding == "ucs2"  # « n° »: ° is not in GSM-7


@pytest.mark.parametrize(
    ("letter", "gsm7"),
    [
        ("é", True),
        ("è", True),
        ("à", True),
        ("ù", True),
        ("ì", True),
        ("ò", True),
        ("É", True),
        ("Ç", True),
        ("ü", True),
        ("ä", True),
        ("ö", True),
        ("ñ", True),
        ("ê", False),
        ("â", False),
        ("ô", False),
        ("î", False),
        ("û", False),
        ("ë", False),
        ("ï", False),
        ("ç", False),
        ("À", False),
        ("È", False),
        ("Ê", False),
    ],
)
def test_accented_letters_of_french(letter: str, gsm7: bool) -> None:
    assert is_gsm7(letter) is gsm7


def test_an_accent_outside_gsm7_switches_to_ucs2_segments() -> None:
    text = "Votre carte est prête. " + "x" * 47  # 70 characters
    assert (segments(text).encoding, segments(text).segments) == ("ucs2", 1)
    assert segments(text + "x").segments == 2  # 71 > 70: 67 a segment
    assert segments("ê" * 134).segments == 2
    assert segments("ê" * 135).segments == 3


def test_gsm7_limits() -> None:
    assert segments("a" * 160).segments == 1
    assert segments("a" * 161).segments == 2
    assert segments("a" * 306).segments == 2
    assert segments("a" * 307).segments == 3
    assert segments("").segments == 0


def test_extension_characters_count_two_and_are_never_split() -> None:
    euros = segments("Montant : 30 €")
    assert (euros.encoding, euros.units) == ("gsm7", 15)
    assert segments("€" * 80).segments == 1
    assert segments("€" * 80 + "a").segments == 2
    # 152 septets then an extension character: it does not fit the first segment's last
    # septet, so it opens the second segment.
    assert segments("a" * 152 + "€" + "a" * 152).segments == 3
    assert segments("a" * 151 + "€" + "a" * 153).segments == 2


def test_an_emoji_takes_two_ucs2_units_and_is_never_split() -> None:
    assert segments("👍").units == 2
    assert segments("a" * 66 + "👍" + "a" * 3).segments == 2
    assert segments("a" * 66 + "👍" + "a" * 66).segments == 3
