"""Anonymisation, issue 12 sixth pass: categories read on the independent set's text-free
breakdown of leaks (`leak_profile.py`): an address line with a town and no postcode under
the writer's name, …

Every name, number and address below is invented for this file; none comes from an
evaluation set. Each category has its false-positive guards next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden

# --- an address line with its town and no postcode ------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour,\nMerci.\nAnne Roux\nbât. B, Villeurbanne", "bât. B, Villeurbanne"),
        ("Bonjour,\nMerci.\nAnne Roux\nappartement 12, Les Mureaux", "appartement 12, Les Mureaux"),
        (
            "Bonjour,\nMerci.\nAnne Roux\nescalier B 3e étage, Nanterre",
            "escalier B 3e étage, Nanterre",
        ),
        ("Merci,\nAnne Roux\nLes Hauts de Chantepie, Rennes", "Les Hauts de Chantepie, Rennes"),
        ("Merci,\nAnne Roux\n7 les Bruyères, Saint-Malo", "7 les Bruyères, Saint-Malo"),
        (
            "Merci,\nAnne Roux\nTour Pleyel, 5e étage, Saint-Denis",
            "Tour Pleyel, 5e étage, Saint-Denis",
        ),
        ("Merci,\nAnne Roux\nNantes, quartier Malakoff", "Nantes, quartier Malakoff"),
        ("Bonjour, voici mon adresse\nVilleurbanne, bâtiment C", "Villeurbanne, bâtiment C"),
        (
            "Cordialement\nimmeuble Les Cèdres, Créteil\n06 12 34 56 78",
            "immeuble Les Cèdres, Créteil",
        ),
    ],
)
def test_an_address_line_with_its_town_and_no_postcode(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\nMerci.\nAnne Roux\nNantes, le 3 mars 2026",
        "Bonjour,\nMerci.\nAnne Roux\nNantes, 12 mars",
        "Bonjour,\nje vais à Lyon, 3 jours chez ma fille.\nMerci",
        "Merci,\nCAF du Rhône\nLyon, Villeurbanne et Vénissieux",
        "Rendez-vous pris.\nMaison France Services, Vannes\nhoraires : 9h-12h",
        "Marie Lenoir\nMaison France Services, Vannes\n02 97 00 00 00",
        "Paul Morel\nAccueil CAF, bâtiment A, Quimper",
    ],
)
def test_a_town_with_a_date_or_in_a_sentence_is_kept(text):
    masked, _ = anonymise(text)
    assert "[ADRESSE]" not in masked
