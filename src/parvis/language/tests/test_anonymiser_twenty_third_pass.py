"""Anonymisation, issue 12 twenty-third pass: categories read from the eighteenth
development set's errors (false masks on clean texts and professionals' messages first,
then names) and rebuilt from made-up cases: an office's address under a professional
signature's role line (« Avocate au barreau de …\\n6 rue … »); a desk's address « est
désormais situé » somewhere; references that took an identifier's shape (a tax notice's
reference after « est », a dated request number, the last groups of a reference read as a
phone, a switchboard read aloud); a desk's town or word read as a name (« la maison France
Services de Quintin », « Accueil France Services »), a word of an establishment's name on
its form line; a role's name in lower case after « c'est » (« ma conseillère cest
clemence »); each with the guards that keep people's homes, numbers and names masked.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched


def assert_kept(text: str, *fragments: str) -> None:
    masked, entities = anonymise(text)
    for fragment in fragments:
        assert fragment in masked, [(e.label, text[e.start : e.end]) for e in entities]


# --- an office's address under a professional signature ---------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Bonjour,\n\nLa permanence sera fermée lundi 4 mai.\n\nL'équipe France Services\n"
            "12 rue Joseph-Le-Goff, 22110 Glomel",
            "12 rue Joseph-Le-Goff, 22110 Glomel",
        ),
        (
            "Bonjour,\n\nJe vous transmets la demande de mon client.\n\nMe Claire Dubosq\n"
            "Avocate au barreau de Nantes\n8 rue Crébillon, 44000 Nantes",
            "8 rue Crébillon, 44000 Nantes",
        ),
        (
            "Bonjour,\n\nLe locataire a quitté le logement le 28 février.\n\nCordialement,\n"
            "Odile Marquer\nGestionnaire locative\nAgence Immo Argoat\n"
            "5 quai du Port, 22300 Lannion",
            "5 quai du Port, 22300 Lannion",
        ),
        (
            "Bonjour,\n\nJ'accompagne une famille dont l'aide est suspendue.\n\nClaire Dubosq\n"
            "Assistante sociale – CCAS de Brest\n2 rue de Siam, 29200 Brest",
            "2 rue de Siam, 29200 Brest",
        ),
    ],
)
def test_an_office_address_under_a_role_line_is_kept(text, kept):
    assert_kept(text, kept)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # a signer's home right under their name
        (
            "Bonjour,\n\nJe n'ai pas reçu mon attestation.\n\nCordialement,\nJeanne Kerbellec\n"
            "12 rue des Lilas, 35000 Rennes",
            "12 rue des Lilas, 35000 Rennes",
        ),
        # a farm's manager: the name line above, the farm is a home
        (
            "Bonjour,\n\nPour le GAEC du Moulin,\nBernard Roudil, co-gérant\nLe Moulin Haut\n"
            "12390 Rignac",
            "12390 Rignac",
        ),
        # a transcript's turns are no signature (« agent vous habitez où »)
        (
            "agent oui bonjour\nappelante c'est pour le rsa\nagent vous habitez où\n"
            "appelante quarante-sept chemin des Goyaves à Saint-Benoît",
            "chemin des Goyaves",
        ),
        ("Agent : votre adresse svp\nUsager : 12 rue des Lilas, 35000 Rennes", "12 rue des Lilas"),
    ],
)
def test_a_home_address_stays_masked(text, secret):
    assert_hidden(text, secret)


# --- a desk's address « est désormais situé » ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\n\nPour rappel, l'accueil de la CAF est désormais situé 12 rue Rose-Bertin, "
        "35000 Rennes.\n\nCordialement",
        "Bonjour,\n\nPour rappel, le point d'accueil de l'Assurance retraite est désormais situé "
        "3 rue Rose-Bertin, 35000 Rennes, et non plus place de Bretagne.\n\nCordialement",
    ],
)
def test_a_desk_moved_address_is_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour, j'ai déménagé au 4 rue des Chênes, 29000 Quimper.", "4 rue des Chênes"),
        (
            "Bonjour, mon agence est désormais située 3 rue Victor-Hugo, 35000 Rennes, mais je vis "
            "toujours 4 rue des Chênes, 29000 Quimper.",
            "4 rue des Chênes, 29000 Quimper",
        ),
    ],
)
def test_someones_address_after_a_move_stays_masked(text, secret):
    assert_hidden(text, secret)


# --- references that took an identifier's shape ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, la référence de l'avis est 26 35 123 456 789. Merci de mettre à jour.",
        "Bonjour, ma demande en ligne (numéro de demande 2026-04-000183947) est sans réponse.",
        "Usager : oui j'ai payé, référence 2615 0987 6543 21",
        "vous avez le numéro\noui c'est le zéro deux quatre-vingt-dix-huit quarante-quatre "
        "vingt-deux zéro zéro c'est le standard de la mairie\nmerci",
    ],
)
def test_a_reference_or_a_switchboard_is_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour, mon numéro de sécu 2 84 05 75 123 456 12 merci", "2 84 05 75 123 456 12"),
        ("Bonjour, mon numéro fiscal est 1 23 45 678 901 23. Merci", "1 23 45 678 901 23"),
        ("dossier en retard, appelez moi au 06 12 34 56 78", "06 12 34 56 78"),
        (
            "votre numéro\nc'est le zéro six douze trente-quatre cinquante-six soixante-dix-huit",
            "douze trente-quatre",
        ),
    ],
)
def test_identifiers_stay_masked(text, secret):
    assert_hidden(text, secret)


# --- a desk's town or word, an establishment's name ------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Nom de la structure : Épicerie solidaire Le Panier de Rose\n"
            "Objet : une permanence dans nos locaux",
            "Le Panier de Rose",
        ),
        (
            "Bonjour,\n\nLe point d'accueil a changé d'horaires.\n\nCordialement,\n"
            "Accueil France Services – Rennes Maurepas",
            "Accueil France Services",
        ),
    ],
)
def test_a_desk_or_an_establishment_is_no_name(text, kept):
    assert_kept(text, kept)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Nom : Rose Marquer\nAdresse : 4 place du Marché, 29300 Quimperlé", "Rose Marquer"),
        ("Organisme : Association Solidaire\nContact : Jeanne Dupuis", "Jeanne Dupuis"),
    ],
)
def test_a_person_on_a_form_stays_masked(text, secret):
    assert_hidden(text, secret)


# --- a role's name in lower case after « c'est » ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("ma conseillere cest clemence mais elle est en conge", "clemence"),
        ("ma conseillere c'est clemence mais elle est en conge", "clemence"),
        ("mon referent cest yannick le goff depuis mars", "yannick le goff"),
        ("ma conseillere cest elodie", "elodie"),
    ],
)
def test_a_roles_name_after_cest_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "mon conseiller c'est qui maintenant ?",
        "ma conseillere cest la meme depuis 2 ans",
        "ma conseillere cest bien elle",
        "ma conseillere c'est toujours la meme",
        "mon conseiller cest moi qui lai appele",
        "ma conseillere cest pas la bonne",
        "mon conseiller c nul il repond jamais",
    ],
)
def test_what_follows_a_role_and_cest_is_kept(text):
    assert_untouched(text)


# --- a host's name found inside an address, said again ---------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Yasmine : mon adresse c'est chez Mme Sultan, 8 cité des Fleurs, 75019 Paris\n"
            "Conseiller : le nom doit figurer sur la boîte aux lettres.\n"
            "Yasmine : ah il y a que Sultan dessus",
            "Sultan",
        ),
        (
            "Adresse : chez M. Pacha, 3 rue des Lilas, 35000 Rennes\n"
            "Objet : le courrier arrive au nom de Pacha",
            "Pacha",
        ),
    ],
)
def test_a_hosts_name_said_again_is_masked(text, secret):
    masked, _ = anonymise(text)
    assert secret not in masked, masked  # in the address and on the last line


def test_a_street_named_after_the_host_is_kept():
    assert_kept(
        "Je suis hébergée chez Mme Martin, 3 rue des Lilas, 35000 Rennes. La rue Martin est à "
        "côté.",
        "La rue Martin",
    )
