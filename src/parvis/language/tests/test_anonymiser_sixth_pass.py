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
        (
            "Bonjour,\nMerci.\nAnne Roux\nVilleurbanne 12 les Tilleuls, appt 4",
            "Villeurbanne 12 les Tilleuls, appt 4",
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


# --- first names that are French words, by the line or the clause around them ---------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # a chat line ending on the person talked to, the next line saying what they did
        ("bonjour\nj'ai parlé avec prudence\nelle m'a dit de renvoyer", "prudence"),
        ("j ai eu patience au tel\nelle ma dit que c etait bon", "patience"),
        # a relative, then one word ending the chat line or the message
        ("slt\nc est pour ma fille espérance\nelle a pas sa carte vitale", "espérance"),
        ("bonjour\nc'est pour mon fils victoire", "victoire"),
        # « s appelle » without its apostrophe
        ("ma fille s appelle grâce", "grâce"),
        ("la dame s appelait colombe je crois", "colombe"),
        # a capitalised French word opening the line before a name found in part
        ("Patience Lebon\nJe souhaite savoir où en est mon dossier.", "Patience Lebon"),
        # a capitalised first name joined by « et » to a name
        ("Rose et Pierre Lamour, locataires, demandent l'aide au logement.", "Rose"),
        ("Fleur et Prosper Guillou sont retraités.", "Fleur"),
    ],
)
def test_a_first_name_that_is_a_word_by_its_line(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("bonjour\nc'est pour ma fille aînée\nelle a 19 ans", "aînée"),
        ("c'est pour mon père décédé", "décédé"),
        ("c est pour ma mère veuve", "veuve"),
        ("c'est pour mon mari routier", "routier"),
        ("c'est pour mon fils maintenant", "maintenant"),
        ("nous avons un enfant ensemble, Léon, né en janvier", "ensemble"),
        ("j'ai parlé avec attention\net j'ai tout relu", "attention"),
        ("Cordialement Lebon", "Cordialement"),
        ("Objet Dupont et fils", "Objet"),
        ("Merci et Bonne journée Mme Lebon", "Merci"),
    ],
)
def test_a_word_that_describes_or_closes_is_kept(text, kept):
    masked, _ = anonymise(text)
    assert kept in masked


# --- a full name whose first name is a French word ------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Message :\nFleur Lamour, je n'ai pas reçu mon RSA.", "Fleur Lamour"),
        ("Je n'ai pas reçu mon RSA.\nFleur Lamour", "Fleur Lamour"),
        ("Merci de répondre à Colombe Rivière.", "Colombe Rivière"),
        ("Dossier de Prudence Sauvageot", "Prudence Sauvageot"),
    ],
)
def test_a_full_name_whose_first_name_is_a_word(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Je m'appelle Prudence Pouvez-vous préciser", "Pouvez-vous"),
        ("Patience Exigée au guichet", "Exigée"),
    ],
)
def test_a_word_name_before_a_description_is_kept(text, kept):
    masked, _ = anonymise(text)
    assert kept in masked


# --- allocataire numbers without the CAF's name ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bjr ma prime dactivite a baisse ce mois ci pk ? 4829113 merci", "4829113"),
        ("Bonjour, un trop-perçu de 450 euros. Mon numéro : 4829113. Je conteste.", "4829113"),
        ("Bonjour, pas de déclaration trimestrielle à remplir, voici 4829113", "4829113"),
        ("slt la mutualité sociale agricole me répond pas, 482 91 13", "482 91 13"),
        ("bjr mon aide logement a pas ete versee 482.9113", "482.9113"),
        ("Bonjour, la pension alimentaire n'est plus versée, 4829113", "4829113"),
        # seven digits in one run, alone in the sentence, whatever the text is about
        ("bjr toujours rien recu ce mois ci 4829113 merci de regarder", "4829113"),
    ],
)
def test_an_allocataire_number_without_the_caf_named(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Ma commande 4829113 n'est jamais arrivée.",
        "Le colis suivi 4829113 est bloqué.",
        "J'ai payé 1500000 de francs à l'époque",
        "mon numéro de facture 4829113",
        "le contrat n° 4829113 de mon assurance",
        "mon allocation chômage 482 91 13",
        "le montant est de 4829113",
        "j'ai remboursé 4829113 en tout",
    ],
)
def test_seven_digits_announced_as_another_reference_are_kept(text):
    masked, _ = anonymise(text)
    assert "[N° ALLOCATAIRE]" not in masked


# --- a given name that is a French word, introduced in lower case ---------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bjr c colombe jai un pb avec mon dossier", "colombe"),
        ("bonjour c est prudence qui vous ecrit", "prudence"),
        ("cc ici patience pr mon dossier", "patience"),
        ("bonjour je suis clémence", "clémence"),
        ("bonjour\nje suis colombe\nma caf a bloqué mes droits", "colombe"),
        ("slt cest victoire, tjs rien recu", "victoire"),
    ],
)
def test_a_word_name_introduced_in_lower_case(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("c'est parfait merci", "parfait"),
        ("c est juste pour savoir", "juste"),
        ("c'est grâce à vous", "grâce"),
        ("je suis fidèle à la caf depuis 20 ans", "fidèle"),
        ("c'est rose pâle sur le formulaire", "rose"),
    ],
)
def test_a_word_after_c_est_that_says_what_something_is_is_kept(text, kept):
    masked, _ = anonymise(text)
    assert kept in masked


# --- a capitalised noun given as a name, inside a sentence or joined to a name --------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Je souhaite ajouter mes enfants à ma carte vitale : Lucas et Fleur", "Fleur"),
        ("mes deux filles Inès et Prudence sont scolarisées", "Prudence"),
        ("Je demande l'allocation de rentrée pour Colombe", "Colombe"),
        ("Bonjour, je vous contacte au sujet de Patience", "Patience"),
    ],
)
def test_a_capitalised_word_name_inside_a_sentence(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Mon fils s'est engagé dans la Marine", "Marine"),
        ("Nous partons pour Noël chez ma mère", "Noël"),
        ("Le tarif Rose de la SNCF ne me concerne pas", "Rose"),
        ("Le centre Espérance Banlieue nous aide", "Espérance"),
    ],
)
def test_a_capitalised_word_with_a_determiner_or_a_title_is_kept(text, kept):
    masked, _ = anonymise(text)
    assert kept in masked
