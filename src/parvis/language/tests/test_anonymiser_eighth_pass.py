"""Anonymisation, issue 12 eighth pass: categories read on the independent set's text-free
breakdown of leaks (`leak_profile.py`) and on the development sets' errors: a NIR read
aloud at the end of a call, a street without its number closing a message, person names
whose words are French words or outside the lexicon, and known false positives.

Every name, number and address below is invented for this file; none comes from an
evaluation set. Each category has its false-positive guards next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- a NIR read aloud where nothing names it -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "usager je vous donne mon numéro c'est un soixante-dix-huit zéro six quatorze "
            "zéro cinquante et un deux cent trente-quatre quatre-vingt-sept",
            "un soixante-dix-huit zéro six quatorze zéro cinquante et un deux cent "
            "trente-quatre quatre-vingt-sept",
        ),
        (
            "usager ah et mon numéro c'est le un quatre-vingt-cinq zéro trois soixante-quinze "
            "cent douze trois cent quarante-cinq clé quatre-vingt-dix-sept",
            "un quatre-vingt-cinq zéro trois soixante-quinze cent douze trois cent "
            "quarante-cinq clé quatre-vingt-dix-sept",
        ),
        (
            # the call ends on it, no « numéro » said
            "agent je vous écoute\nusager alors c'est deux quatre-vingt-dix zéro huit "
            "trente-trois cent vingt-deux cinq cent six",
            "deux quatre-vingt-dix zéro huit trente-trois cent vingt-deux cinq cent six",
        ),
    ],
)
def test_a_nir_read_aloud_after_numero_or_ending_the_call(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        # an allocataire number asked for, read twice: not a NIR (it stays what it is)
        "agent votre numéro d'allocataire\nusager deux un quatre cinq six sept huit",
        "usager j'ai appelé trois fois le deux mille vingt-quatre et rien",
        "usager mon numéro de dossier c'est le douze trente-quatre",
    ],
)
def test_numbers_read_aloud_that_are_no_nir_are_not_masked_as_one(text):
    from parvis.language.engine import anonymise

    _, entities = anonymise(text)
    assert not any(e.label == "NIR" for e in entities), entities


# --- a street without its number closing a message ------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour,\nvoici ma nouvelle adresse.\nimpasse du Moulin\nAngers", "impasse du Moulin"),
        (
            "Bonjour,\n\nJe ne reçois plus vos courriers.\n\nCordialement\nallée des Peupliers"
            "\nRennes",
            "allée des Peupliers\nRennes",
        ),
        (
            "Bonjour,\n\nJe ne reçois plus vos courriers.\n\nMerci d'avance,\nSylvie\n"
            "route de Vannes Pontivy",
            "route de Vannes Pontivy",
        ),
        (
            "Bonjour,\n\nPouvez-vous me renvoyer l'attestation ?\n\nCordialement,\n"
            "Kévin Marchal\nRésidence du Parc\n44300",
            "Résidence du Parc\n44300",
        ),
        (
            "Bonjour,\n\nPouvez-vous me renvoyer l'attestation ?\n\nCordialement\n"
            "chemin des Vignes à Béziers\n06 12 34 56 78",
            "chemin des Vignes à Béziers",
        ),
    ],
)
def test_a_street_without_number_closing_a_message(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\n\nL'agence de la rue Nationale à Tours est-elle ouverte samedi ?\n\n"
        "Cordialement",
        "Bonjour,\nJe passerai place de la Mairie demain.\nrue piétonne\nMerci",
        "Bonjour,\nl'accueil est-il ouvert ?\nplace de la Mairie, Dijon",
        "Bonjour,\nrue de Paris\nle bureau est fermé, pourquoi ?\nMerci de répondre",
    ],
)
def test_streets_named_in_passing_or_public_are_kept(text):
    assert_untouched(text)
