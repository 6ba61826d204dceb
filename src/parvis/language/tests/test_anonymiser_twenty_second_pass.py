"""Anonymisation, issue 12 twenty-second pass: categories read from the independent set's
text-free leak profile (an e-mail's last line, a street without number and a known town
after a word; names closing a form or a chat, capitalised, that the vocabulary holds as
words) and rebuilt from made-up cases: a signer's street named after a public building in
a message that speaks of a desk (« …\\nJeanne Kerbellec\\nRue de la Poste, Libourne »); a
capitalised name after a letter's courtesy sentence (« Merci de votre retour rapide
Gaspard », « Je vous remercie par avance. Hélio Tavares »); an agent's name from the turn's
prefix greeted in lower case (« Agent Sylvain : … Vous : bjr sylvain je … »); each with the
guards that keep desks' addresses, closings and wishes.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- a signer's street named after a public building -----------------------------------------

DESK_TALK = (
    "Bonjour,\n\nJe suis passée à l'accueil de votre agence la semaine dernière mais personne "
    "n'a pu me renseigner sur mon dossier.\n\n"
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (DESK_TALK + "Jeanne Kerbellec\nRue de la Poste, Libourne", "Rue de la Poste, Libourne"),
        (DESK_TALK + "Mme Rose Blanc\nPlace de la Mairie, Cestas", "Place de la Mairie, Cestas"),
        (
            "Bonjour,\nLe bureau de Libourne est-il ouvert le samedi matin ?\n"
            "Jeanne Kerbellec\nAllée de la Piscine, Libourne\n06 12 34 56 78",
            "Allée de la Piscine, Libourne",
        ),
        (
            DESK_TALK + "Cordialement,\nJeanne et Paul Kerbellec\nRue du Tribunal, Libourne",
            "Rue du Tribunal, Libourne",
        ),
        (
            DESK_TALK + "KERBELLEC Jeanne\nRoute de la Gendarmerie, Libourne",
            "Route de la Gendarmerie, Libourne",
        ),
    ],
)
def test_a_signers_street_named_after_a_desk_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        # the desk's address on its own line under a sentence, the message going on
        "Bonjour,\nL'accueil de la CAF est-il ouvert le samedi ? Je suis allée\n"
        "Place de la Mairie, Libourne\nmais c'était fermé.",
    ],
)
def test_a_desks_street_line_stays(text):
    masked, _ = anonymise(text)
    assert "Libourne" in masked


# --- a capitalised name after a letter's courtesy sentence -----------------------------------

FORM = (
    "Objet : Demande de remboursement\nMessage : Bonjour, j'ai envoyé ma facture le mois "
    "dernier et je n'ai toujours rien reçu. "
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (FORM + "Merci de votre retour rapide Gaspard", "Gaspard"),
        (FORM + "Merci de votre retour rapide Séraphin", "Séraphin"),
        (FORM + "Je vous remercie par avance. Hélio Tavares", "Hélio Tavares"),
        (FORM + "Dans l'attente de votre réponse, Gaspard Tavares", "Gaspard Tavares"),
        (FORM + "Je reste disponible pour tout complément. Dimitri", "Dimitri"),
        (FORM + "\nEn vous remerciant, Colombe Prairie", "Colombe Prairie"),
        (
            "[10:05] Agent (Léa) : Le versement arrivera le 5.\n"
            "[10:06] Vous : c'est noté, merci encore Gaspard Tavares",
            "Gaspard Tavares",
        ),
        ("[10:06] Vous : super merci bcp Hélio", "Hélio"),
    ],
)
def test_a_capitalised_name_after_a_courtesy_sentence_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        FORM + "Merci de votre retour rapide Cordialement",
        FORM + "Je vous remercie par avance. Bonne Journée",
        FORM + "Dans l'attente de votre réponse, Salutations Distinguées",
        FORM + "Merci d'avance Madame",
        FORM + "Merci de votre aide Caf",
        FORM + "Je vous remercie par avance. Bien Cordialement",
        FORM + "Merci pour tout Bonne Soirée",
        FORM + "Merci Beaucoup Pour Votre Aide",
        FORM + "Merci et Bon Weekend",
        FORM + "Je vous remercie par avance. En Attente",
        FORM + "Dans l'attente de votre réponse, Urgent",
        FORM + "Merci à Vous Tous",
        "ok merci bonne journée Monsieur",
        # a French word in lower case after thanks stays the other rules' call
        "ok merci pour tout bonne continuation",
    ],
)
def test_closings_and_wishes_after_thanks_stay(text):
    assert_untouched(text)


# --- an agent's name greeted in lower case ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "[10:41] Agent Sylvain : Bonjour, en quoi puis-je vous aider ?\n"
            "[10:42] Vous : bjr sylvain je narrive pas a mactualiser",
            "sylvain",
        ),
        (
            "10:41 - Conseillère Céleste : Bonjour.\n10:42 - Vous : slt céleste mon rsa est pas "
            "arrivé",
            "céleste",
        ),
    ],
)
def test_an_agents_name_greeted_in_lower_case_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        # a civility or a role greeted is no name, even beside an agent's name
        "[10:41] Agent Sylvain : Bonjour, en quoi puis-je vous aider ?\n"
        "[10:42] Vous : bonjour monsieur je narrive pas a mactualiser",
        "[10:41] Agent Sylvain : Bonjour.\n[10:42] Vous : bonjour agent je narrive pas",
    ],
)
def test_a_civility_greeted_beside_an_agents_name_stays(text):
    masked, _ = anonymise(text)
    assert masked.split("\n")[1] == text.split("\n")[1], masked


# --- the rest of a lower-case name found in part ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # the given name between an introduction and a surname found, even a French word
        ("[10:35] Vous : je suis gaspard ekwalla jai recu un refus", "gaspard ekwalla"),
        ("[17:22] Vous : le patron du garage c dimitri kostopoulos", "dimitri kostopoulos"),
        ("bonjour c'est séraphin mbarga pour mon dossier apl", "séraphin mbarga"),
        # a surname after a given name found that opens as no French word does
        ("au nom de ma mere colombe nsimba alors quelle est decedee", "colombe nsimba"),
        ("mon voisin rudy ngoma a reçu mon colis", "rudy ngoma"),
    ],
)
def test_the_rest_of_a_lower_case_name_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "je suis allée voir la caf",
        "bonjour je suis enceinte de 3 mois",
        "je suis maman solo depuis mars",
        "je suis infirmière libérale depuis 2019",
        "je suis bien inscrite",
        "c'est urgent svp",
        "je suis perdue avec ce dossier ndlr",
    ],
)
def test_an_introduction_without_a_name_stays(text):
    assert_untouched(text)


def test_laughter_after_a_given_name_stays_unmasked():
    masked, _ = anonymise("mon fils noah mdr il a perdu sa carte")
    assert "mdr il a perdu" in masked, masked


# --- whom one met, closing the message after « avec » -------------------------------------

CHAT = (
    "[10:02] Agent (Léa) : Bonjour, que puis-je pour vous ?\n"
    "[10:05] Agent (Léa) : Avez-vous déjà contacté quelqu'un ?\n[10:06] Vous : "
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (CHAT + "j'ai eu rdv hier avec séraphin", "séraphin"),
        (CHAT + "ok je vois ça avec gaspard", "gaspard"),
        (CHAT + "j'en ai déjà parlé avec dimitri.", "dimitri"),
        ("j'ai rendez-vous jeudi avec colombe", "colombe"),
    ],
)
def test_whom_one_met_closing_the_message_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai rdv avec madame",
        "je vis avec maman",
        "je vis avec lui",
        "j'ai parlé avec quelqu'un",
        "je vois ça avec eux",
        "j'ai rdv demain avec conseiller",
        "je vois ça avec employeur",
        "j'en ai parlé avec médecin",
        "j'ai rdv lundi avec pole emploi",
        "j'ai parlé avec accueil",
        "je vois ça avec banque",
        "je vis avec chien",
        "j'ai vu ça avec caf",
        "on se voit avec plaisir",
    ],
)
def test_what_closes_a_message_after_avec_without_a_name_stays(text):
    assert_untouched(text)
