"""Anonymisation, issue 12 third pass: names by context when they are also French words or
look like a typo, business names, addresses and identifiers written loosely.

Every name, number and address below is invented for this file; none comes from an
evaluation set. Each category has its false-positive guards next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- a word after a relative, before a verb ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mon fils tiburcio a 4 ans et il est malade", "tiburcio"),
        ("oui c'est mon mari tiburce lagadec qui s'occupe des papiers", "tiburce lagadec"),
        ("ma fille prune m'a dit de vous écrire", "prune"),
    ],
)
def test_a_word_after_a_relative_before_a_verb_is_a_name(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "mon fils aîné a 19 ans",
        "ma fille cadette est handicapée",
        "mon mari décédé a travaillé 30 ans",
        "ma mère malade est à l'hôpital",
        "mon fils handicapé a besoin d'aide",
        "mon mari artisan a fermé son entreprise",
        "mon conseiller bancaire m'a dit de vous écrire",
    ],
)
def test_a_description_after_a_relative_is_no_name(text):
    assert_untouched(text)


# --- a clause that opens on a name, then a verb said to the writer ---------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("yolaine m a dit de vous ecrire", "yolaine"),
        ("et là anouchka dos reis m'a répondu qu'il fallait attendre", "anouchka dos reis"),
        ("félicité est très gentille mais elle ne peut rien faire", "félicité"),
        ("gwendal kerbrat m'a rappele hier pour mon dossier", "gwendal kerbrat"),
        ("Eliane de la CAF m'a rappelée hier", "Eliane"),
    ],
)
def test_a_clause_opening_on_a_name_before_a_verb_of_contact(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Personne m'a rappelé depuis 3 semaines",
        "quelqu'un m'a dit d'envoyer un mail",
        "Internet m'a dit que c'était possible",
        "maman m'a dit de vous appeler",
        "le facteur m'a dit que le recommandé était reparti",
        "Rendez-vous au guichet à 9 h",
    ],
)
def test_subjects_that_are_nobody(text):
    assert_untouched(text)


# --- the person the citizen dealt with -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("j'ai été reçue par fleur à l'accueil, je voudrais une médiation", "fleur"),
        ("c maëlwenn de l'accueil qui m'a dit de renvoyer", "maëlwenn"),
        ("grâce à zoubida j'ai enfin reçu mes droits", "zoubida"),
        ("demandez à céleste elle connaît le dossier", "céleste"),
    ],
)
def test_the_person_the_citizen_dealt_with(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai eu affaire à l'accueil hier et rien",
        "grâce à internet j'ai pu faire ma demande",
        "j'ai eu peur qu'on me coupe l'APL",
        "c'est fermé à l'accueil le mercredi",
        "j'ai parlé à quelqu'un de l'accueil",
    ],
)
def test_what_the_citizen_dealt_with_is_no_name(text):
    assert_untouched(text)


# --- addresses: town first, number after, overseas, read aloud -------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Lyon 3e, 14 rue Professeur", "Lyon 3e, 14 rue Professeur"),
        ("Toulouse 31000 - 9 allée Capitaine", "Toulouse 31000 - 9 allée Capitaine"),
        ("mon adresse c'est rennes 35000 12 rue de la gare", "rennes 35000 12 rue de la gare"),
        ("Appelant : alors c'est à Limoges euh 8 rue Abbé", "Limoges euh 8 rue Abbé"),
        ("j'habite rue de la Paix au numéro 5 à Chartres", "rue de la Paix au numéro 5 à Chartres"),
        ("Mon adresse : 14 Grand Rue 67000 Strasbourg", "14 Grand Rue 67000 Strasbourg"),
        ("PK 12,5 côté mer 98718 Punaauia", "PK 12,5 côté mer 98718 Punaauia"),
        ("BP 123 Dzaoudzi", "BP 123 Dzaoudzi"),
        (
            "Servitude Teaha, PK 15 côté montagne, Paea",
            "Servitude Teaha, PK 15 côté montagne, Paea",
        ),
        ("j'habite au Bourg à Plouaret", "au Bourg à Plouaret"),
        ("j habite le bourg 23400 bourganeuf", "le bourg 23400 bourganeuf"),
        ("je réside Morne Rouge, Le Lamentin", "Morne Rouge, Le Lamentin"),
        (
            "Mas des Oliviers, route d'Uzès, 30000 Nîmes",
            "Mas des Oliviers, route d'Uzès, 30000 Nîmes",
        ),
        ("j'habite au douze bis rue des lilas", "douze bis rue des lilas"),
        (
            "Appelant : j'habite au douze euh rue des tilleuls à villeurbanne",
            "douze euh rue des tilleuls à villeurbanne",
        ),
        (
            "Appelant : trois rue du moulin vingt-neuf deux cents quimper",
            "trois rue du moulin vingt-neuf deux cents quimper",
        ),
        (
            "4 rue Jean Moulin (sonnette Durand), 44000 Nantes",
            "4 rue Jean Moulin (sonnette Durand), 44000 Nantes",
        ),
    ],
)
def test_addresses_town_first_number_after_overseas_read_aloud(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "merci d'envoyer le formulaire à la CAF de Grenoble",
        "j'ai vu un bourg magnifique en Bretagne",
        "une vie morne depuis le chômage",
        "le BP 2 de la société a été validé",
    ],
)
def test_no_address_without_one(text):
    assert_untouched(text)


# --- a caller's answer to « vous êtes ? » with fillers -----------------------------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Agent : vous êtes ?\nAppelant : Olive euh Olive Baptiste", ("Olive", "Olive Baptiste")),
        ("Agent : votre nom s'il vous plaît\nAppelant : euh oui c'est kerboriou", ("kerboriou",)),
    ],
)
def test_a_callers_answer_with_fillers(text, secrets):
    assert_hidden(text, *secrets)


def test_a_form_line_under_a_name_line_is_no_answer():
    text = "Nom : Kerzerho\nPrénom : Tugdual\nMessage : je n'ai pas reçu mon APL"
    masked, _ = anonymise(text)
    assert masked == "Nom : [NOM]\nPrénom : [NOM]\nMessage : je n'ai pas reçu mon APL"


# --- spelled names and one-word signatures ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("mon nom c'est B O U A Z I Z A bouaziza", ("B O U A Z I Z A", "bouaziza")),
        (
            "alors mon nom c'est spitz S comme Suzanne, P comme Pierre, I comme Irma, T comme "
            "Thérèse, Z comme Zoé",
            ("spitz",),
        ),
        ("Appelant : mon nom le moigne L, E, M, O, I, G, N, E", ("le moigne",)),
        (
            "Merci pour votre réponse.\nFélicité\n\n-----Message d'origine-----\n"
            "De : CAF <ne-pas-repondre@caf.fr>",
            ("Félicité",),
        ),
        ("Merci pour votre réponse.\nPaskal", ("Paskal",)),
    ],
)
def test_spelled_names_and_one_word_signatures(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "Merci pour votre réponse.\nCordialement",
        "Je vous remercie.\nBonne journée",
        "Merci d'avance.\nAmicalement",
    ],
)
def test_closing_words_are_no_signature(text):
    assert_untouched(text)


# --- business names are not persons -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mon employeur Carrefour Market ne m'a pas envoyé l'attestation",
        "Je travaille chez Leroy Merlin à mi-temps",
        "Auchan ne m'a pas payé mes heures",
        "j'ai acheté le frigo chez Boulanger à crédit",
    ],
)
def test_business_names_are_no_persons(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("J'ai été reçue par Mme Boulanger à l'accueil", "Boulanger"),
        ("Représentant légal : Daniel Boulanger", "Daniel Boulanger"),
    ],
)
def test_a_person_who_bears_a_firms_name(text, secret):
    assert_hidden(text, secret)
