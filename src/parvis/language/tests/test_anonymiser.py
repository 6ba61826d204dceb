"""Anonymisation: every entity type in tricky spellings, the keep-list, properties."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parvis.language.anonymiser import PLACEHOLDERS, iban_valid, luhn_valid, nir_key, nir_valid
from parvis.language.engine import anonymise, anonymise_many


def labels_of(text: str) -> list[tuple[str, str]]:
    _, entities = anonymise(text)
    return [(e.label, text[e.start : e.end]) for e in entities]


def assert_masked(text: str, secret: str, label: str) -> None:
    masked, entities = anonymise(text)
    assert secret not in masked, (masked, entities)
    spans = [(e.label, text[e.start : e.end]) for e in entities]
    covering = [
        e
        for e in entities
        if e.start <= text.index(secret) and e.end >= text.index(secret) + len(secret)
    ]
    assert covering, spans
    assert covering[0].label == label, spans
    assert PLACEHOLDERS[label] in masked


# --- structured identifiers -------------------------------------------------------------

NIR_CASES = [
    "Mon numéro de sécurité sociale : {nir}.",
    "n° secu {nir} merci",
    "NIR {nir}",
]


def _nir(first13: str) -> str:
    return f"{first13}{nir_key(first13):02d}"


@pytest.mark.parametrize("template", NIR_CASES)
@pytest.mark.parametrize(
    "spelling",
    [
        lambda n: n,
        lambda n: f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}",
        lambda n: f"{n[0]}.{n[1:3]}.{n[3:5]}.{n[5:7]}.{n[7:10]}.{n[10:13]}.{n[13:]}",
        lambda n: f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} - {n[13:]}",
    ],
)
@pytest.mark.parametrize(
    "first13", ["1850578006084", "2920475123456", "180052A004012", "299122B123045", "1640897412345"]
)
def test_nir_in_every_spelling(template, spelling, first13):
    nir = spelling(_nir(first13))
    assert_masked(template.format(nir=nir), nir, "NIR")


def test_nir_key_handles_corsica():
    assert nir_valid(_nir("180052A004012"))
    assert nir_valid(_nir("299122B123045"))
    assert nir_key("1800519004012") == nir_key("180052A004012")


def test_a_nir_shaped_number_with_a_wrong_key_is_masked_without_context():
    # people copy their NIR with a wrong key: a number with the NIR's structure (sex,
    # year, month, then ten characters) is no other identifier, context or not
    first13 = "1850578006084"
    wrong = f"{first13}{(nir_key(first13) + 1) % 97:02d}"
    assert not nir_valid(wrong)
    assert ("NIR", wrong) in labels_of(f"Référence {wrong}")


def test_a_fifteen_digit_number_without_the_nir_structure_is_no_nir():
    assert not any(label == "NIR" for label, _ in labels_of("Référence 585057800608492"))
    assert not any(label == "NIR" for label, _ in labels_of("Référence 185157800608492"))


IBANS = [
    "FR7630006000011234567890189",
    "FR1420041010050500013M02606",
    "DE89370400440532013000",
    "BE68539007547034",
]


@pytest.mark.parametrize("iban", IBANS)
@pytest.mark.parametrize("grouped", [True, False])
def test_iban_with_or_without_spaces(iban, grouped):
    assert iban_valid(iban)
    written = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if grouped else iban
    assert_masked(f"Voici mon RIB : {written}. Merci de corriger.", written, "IBAN")


def test_iban_with_a_bad_checksum_is_not_masked():
    assert not iban_valid("FR7630006000011234567890188")
    assert labels_of("Référence FR7630006000011234567890188") == []


@pytest.mark.parametrize(
    "card", ["4970 1012 3456 7893", "4970101234567893", "5555-5555-5555-4444", "378282246310005"]
)
def test_luhn_checked_cards(card):
    assert luhn_valid(re.sub(r"\D", "", card))
    assert_masked(f"J'ai payé avec ma carte {card} hier.", card, "CARD")


def test_a_number_failing_luhn_is_not_a_card():
    assert not luhn_valid("4970101234567890")
    assert ("CARD", "4970 1012 3456 7890") not in labels_of("commande 4970 1012 3456 7890")


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "01 45 67 89 10",
        "07 81 23 45 67",
        "09.51.23.45.67",
    ],
)
def test_phones_in_every_spelling(phone):
    assert_masked(f"Rappelez-moi au {phone} svp", phone, "PHONE")


@pytest.mark.parametrize(
    "email", ["marie.dupont@gmail.com", "j-p.martin+caf@orange.fr", "kevin_92@hotmail.fr"]
)
def test_emails(email):
    assert_masked(f"Mon adresse : {email}, merci.", email, "EMAIL")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Mon numéro allocataire est le 1234567.", "1234567"),
        ("num caf 7654321 merci", "7654321"),
        ("Allocataire n° 2345678, je vous écris car...", "2345678"),
        ("N° d'allocataire : 0123456", "0123456"),
    ],
)
def test_caf_numbers_mask_the_digits_only(text, secret):
    assert_masked(text, secret, "CAF_NUMBER")
    masked, _ = anonymise(text)
    assert "llocataire" in masked or "caf" in masked


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Mon numéro fiscal : 1234567890123.", "1234567890123"),
        ("identifiant fiscal 30 12 345 678 901", "30 12 345 678 901"),
        ("numero fiscal 0123456789012", "0123456789012"),
    ],
)
def test_tax_numbers(text, secret):
    assert_masked(text, secret, "TAX_NUMBER")
    assert "fiscal" in anonymise(text)[0]


@pytest.mark.parametrize("plate", ["AB-123-CD", "AB 123 CD", "AB123CD", "ab-123-cd", "GH-007-TZ"])
def test_plates(plate):
    assert_masked(f"Ma voiture immatriculée {plate} a été vendue.", plate, "PLATE")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Je suis né le 12/03/1985 à Lyon.", "12/03/1985"),
        ("née le 3 mars 1962", "3 mars 1962"),
        ("Date de naissance : 01.02.1990", "01.02.1990"),
        ("mon fils ne le 5 juin 2015 a besoin d'une carte", "5 juin 2015"),
        ("DDN 12/03/85", "12/03/85"),
        ("Madame X (née le 1er janvier 1950)", "1er janvier 1950"),
    ],
)
def test_birth_dates(text, secret):
    assert_masked(text, secret, "BIRTHDATE")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "J'habite au 12 rue des Lilas, 33000 Bordeaux depuis mars.",
            "12 rue des Lilas, 33000 Bordeaux",
        ),
        (
            "Adresse : 3 bis avenue Jean Jaurès, bât. B, appt 12, 69007 Lyon",
            "3 bis avenue Jean Jaurès, bât. B, appt 12, 69007 Lyon",
        ),
        ("jhabite 5 chemin du moulin 87000 limoges", "5 chemin du moulin 87000 limoges"),
        (
            "Résidence Les Pins, 4 allée des Tilleuls, 13100 Aix-en-Provence",
            "Résidence Les Pins, 4 allée des Tilleuls, 13100 Aix-en-Provence",
        ),
        ("je vis au 14 bd Victor Hugo à Nice", "14 bd Victor Hugo à Nice"),
        (
            "Nouvelle adresse : 142 rue du 8 Mai 1945, 42000 Saint-Étienne.",
            "142 rue du 8 Mai 1945, 42000 Saint-Étienne",
        ),
    ],
)
def test_addresses_with_complements_and_city(text, address):
    masked, entities = anonymise(text)
    start = text.index(address)
    covered = sum(
        1
        for i in range(start, start + len(address))
        if any(e.start <= i < e.end and e.label == "ADDRESS" for e in entities)
    )
    assert covered == len(address), (masked, entities)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Je m'appelle Marie Dupont et je vous écris.", "Marie Dupont"),
        ("J'ai été reçue par Mme Garcia à l'accueil.", "Garcia"),
        ("Je vous écris pour M. Jean-Pierre Le Gall que j'accompagne.", "Jean-Pierre Le Gall"),
        ("Cordialement,\nFatima Benali", "Fatima Benali"),
        ("bjr c kevin martin pour mon dossier", "kevin martin"),
        ("Nom : DURAND\nPrénom : Sylvie", "DURAND"),
        ("Mon fils Lucas a 7 ans.", "Lucas"),
        ("Monsieur Dubois m'a raccroché au nez.", "Dubois"),
    ],
)
def test_person_names_without_civility(text, name):
    masked, entities = anonymise(text)
    assert name not in masked, (masked, entities)
    assert any(e.label == "PERSON" for e in entities)
    for civility in ("Mme", "M.", "Monsieur"):
        if civility + " " in text:
            assert civility + " [NOM]" in masked  # the civility stays outside the span


# --- keep-list ------------------------------------------------------------------------------

KEEP = [
    "J'habite à Marseille et la CAF des Bouches-du-Rhône ne répond pas.",
    "Le département du Nord m'a écrit.",
    "J'ai appelé le 3646, le 3949 puis le 39 60 sans réponse.",
    "Le numéro 0809 401 401 ne répond jamais.",
    "Mon RSA de 635,71 € n'est pas arrivé.",
    "J'ai rendez-vous le 14 mars 2025 à 10 h à France Services.",
    "J'ai rempli le cerfa n° 13824*04 et le cerfa 15186*03.",
    "France Travail, la CPAM, l'Urssaf et l'Anah se renvoient la balle.",
    "MaPrimeRénov', la prime d'activité et la Carte Vitale : trois dossiers bloqués.",
    "Le 3939 Allô Service Public m'a orienté vers vous.",
    "Mon loyer est de 450 euros et mon APL de 210 euros.",
    "Rendez-vous fixé au 02/05/2025 à 9h30 au point justice de Saint-Denis.",
]


@pytest.mark.parametrize("text", KEEP)
def test_keep_list_is_not_masked(text):
    masked, entities = anonymise(text)
    assert entities == [], [(e.label, text[e.start : e.end]) for e in entities]
    assert masked == text


def test_offsets_index_the_exact_input_and_placeholders_are_french():
    text = "Mme Léa Martin, tél. 06 12 34 56 78, lea.martin@free.fr"
    masked, entities = anonymise(text)
    assert masked == "Mme [NOM], tél. [TÉLÉPHONE], [COURRIEL]"
    assert [text[e.start : e.end] for e in entities] == [
        "Léa Martin",
        "06 12 34 56 78",
        "lea.martin@free.fr",
    ]


def test_batch_equals_one_by_one():
    texts = ["Je m'appelle Paul Durand.", "", "appelez le 06 11 22 33 44"]
    assert anonymise_many(texts) == [anonymise(t) for t in texts]


# --- properties -----------------------------------------------------------------------------

WORDS = [
    "bonjour",
    "mon",
    "dossier",
    "CAF",
    "RSA",
    "merci",
    "je",
    "voudrais",
    "le",
    "la",
    "3646",
    "12",
    "euros",
    "rendez-vous",
    "Lyon",
    "France",
    "Travail",
    "demande",
    ",",
    ".",
]


@st.composite
def identifiers(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["nir", "iban", "card", "phone", "email"]))
    digits = st.text(alphabet=string.digits, min_size=1, max_size=1)
    if kind == "nir":
        first13 = (
            draw(st.sampled_from("12"))
            + "".join(draw(digits) for _ in range(2))
            + f"{draw(st.integers(1, 12)):02d}"
            + draw(st.sampled_from(["75", "2A", "2B", "13"]))
            + "".join(draw(digits) for _ in range(6))
        )
        return _nir(first13)
    if kind == "iban":
        bban = "".join(draw(digits) for _ in range(23))
        numeric = "".join(str(int(ch, 36)) for ch in bban + "FR00")
        return f"FR{98 - int(numeric) % 97:02d}{bban}"
    if kind == "card":
        body = "4" + "".join(draw(digits) for _ in range(14))
        return next(body + str(k) for k in range(10) if luhn_valid(body + str(k)))
    if kind == "phone":
        return "06" + "".join(draw(digits) for _ in range(8))
    user = draw(st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=8))
    return f"{user}@exemple.fr"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(st.sampled_from(WORDS), max_size=8),
    secret=identifiers(),
    after=st.lists(st.sampled_from(WORDS), max_size=8),
)
# A local part that is also a desk's function, at a domain that names no institution.
@example(before=["Bonjour"], secret="rh@exemple.fr", after=["merci"])
@example(before=[], secret="info@example.fr", after=[])
def test_property_offsets_valid_and_identifiers_never_leak(before, secret, after):
    text = " ".join([*before, secret, *after])
    masked, entities = anonymise(text)
    previous_end = 0
    for entity in entities:
        assert 0 <= previous_end <= entity.start < entity.end <= len(text)
        previous_end = entity.end
    rebuilt, position = [], 0
    for entity in entities:
        rebuilt += [text[position : entity.start], PLACEHOLDERS[entity.label]]
        position = entity.end
    assert "".join([*rebuilt, text[position:]]) == masked
    assert secret not in masked


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_property_any_text_gives_valid_offsets(text):
    masked, entities = anonymise(text)
    for entity in entities:
        assert 0 <= entity.start < entity.end <= len(text)
    assert sorted(entities) == entities
    if not entities:
        assert masked == text


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        (
            "Mme BENSAID Nadia\n14 allée Camille Claudel\nBât C – Apt 23\n"
            "91000 ÉVRY-COURCOURONNES\nTél : 06.98.76.54.32",
            ["BENSAID Nadia", "Camille Claudel", "Apt 23", "91000 ÉVRY-COURCOURONNES", "06.98"],
        ),
        ("Signature : Jean-Baptiste N'Diaye", ["Jean-Baptiste", "N'Diaye"]),
        ("DUPONT Jean, allocataire CAF n° 1234567", ["DUPONT", "Jean", "1234567"]),
        (
            "oui alors mon numéro c'est le zéro six douze trente-quatre cinquante-six "
            "soixante-dix-huit voilà",
            ["zéro six douze", "soixante-dix-huit"],
        ),
        ("jsuis la fille de mme roux jeanne elle a 88 ans", ["roux jeanne"]),
        ("bonjour je suis monsieur Benoît Lefèvre et j'appelle pour ma femme", ["Lefèvre"]),
    ],
)
def test_letters_transcripts_and_sms(text, secrets):
    masked, _ = anonymise(text)
    for secret in secrets:
        assert secret not in masked, masked


def test_no_break_spaces_of_french_typography():
    phone = "\u00a0".join(["06", "12", "34", "56", "78"])
    nir = "\u202f".join(["1", "85", "05", "78", "006", "084", "36"])
    text = f"Tél.\u00a0: {phone}, NIR {nir}"
    masked, entities = anonymise(text)
    assert [e.label for e in entities] == ["PHONE", "NIR"]
    assert masked == "Tél.\u00a0: [TÉLÉPHONE], NIR [NIR]"


def test_a_phone_number_is_not_swallowed_with_the_next_word():
    assert anonymise("tel 06 12 34 56 78 et merci")[0] == "tel [TÉLÉPHONE] et merci"
