"""Anonymisation, issue 12 fourteenth pass: the categories that still leak on the independent
set (read as counts only) and on the tenth development set (``devset/dev10.jsonl``, read
after its blind score was recorded): person names that are French words or out of the
lists, in web forms and chats, where the context says who they are; a street without
number and its town alone on a body line.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set. Each category has its guards (what must still be kept) next
to it.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- a given name and a surname that is a French word, after whom one talked to -----------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("jai vu avec rose prairie hier elle ma dit dattendre", "prairie"),
        ("bjr je suis aurore vigneron jai une question pr mon apl", "aurore vigneron"),
        ("slt jai parlé à capucine tisserand ce matin au tel", "tisserand"),
        # a given name and a listed name closing a chat message, after any word
        ("jai tjs rien recu pour ma prime capucine fontaine", "capucine"),
        ("toujours pas de virement depuis lundi rose kerbellec", "rose"),
    ],
)
def test_a_given_name_and_its_surname_in_lower_case_are_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "bjr je suis rose pale de colere, toujours rien recu",
        "c'est claire comme explication, merci",
        "jai une robe rose fuchsia pour le mariage",
        "je suis constance enceinte de 3 mois",
    ],
)
def test_a_given_name_before_a_description_is_kept(text):
    assert_untouched(text)


# --- capitalised pairs inside a sentence ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "J'ai eu rendez-vous avec Garance Kerbellec la semaine dernière mais rien depuis.",
            "Kerbellec",
        ),
        ("Mon dossier a été suivi par Blanche Pradier à l'agence de Niort.", "Blanche Pradier"),
        (
            "je n'ai toujours rien reçu pour ma prime depuis deux mois Garance Boulanger",
            "Garance Boulanger",
        ),
    ],
)
def test_a_capitalised_pair_after_a_talk_word_or_closing_the_message_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "J'ai perdu mon emploi chez Laborde Transports en août, que dois-je faire ?",
        "Bonjour, mon dossier est suivi par Action Logement depuis janvier.",
        "Je voudrais un rendez-vous avec Pôle Emploi la semaine prochaine.",
        "Bonjour, la Marine nationale m'a proposé un contrat, est-ce compatible avec le RSA ?",
        "J'ai acheté une rose pour ma mère chez le boulanger.",
    ],
)
def test_firms_services_and_words_in_a_sentence_are_kept(text):
    assert_untouched(text)


# --- a given name that is a French word opening a clause before what someone did ----------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour,\nRose a déposé une demande pour moi en mars.", "Rose"),
        ("Bonjour. Aurore a transmis les justificatifs hier.", "Aurore"),
        ("et Capucine a reçu sa carte vitale mais pas moi", "Capucine"),
    ],
)
def test_a_given_name_opening_a_clause_before_a_participle_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\nPatience a été mise à rude épreuve avec ce dossier.",
        "Avril a été difficile pour nous.",
        "Noël a été triste sans les allocations.",
        "Marine nationale a validé mon contrat.",
    ],
)
def test_a_word_opening_a_clause_is_kept(text):
    assert_untouched(text)


# --- given names joined by « et », hosts, agents answering ---------------------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("slt je suis en coloc avec tiago et yliane depuis septembre", ("tiago", "yliane")),
        (
            "bjr pour mes enfants kylian, maëlo et sohane il faut faire quoi",
            ("kylian", "maëlo", "sohane"),
        ),
        ("je suis hébergée chez clémence une copine depuis mars", ("clémence",)),
        ("le courrier est parti chez olive mon ancienne voisine", ("olive",)),
        ("agent caf bonjour perle à votre écoute\nappelant bonjour", ("perle",)),
        ("A retraite bonjour céleste à l'appareil\nB oui bonjour", ("céleste",)),
    ],
)
def test_joined_names_hosts_and_agents_are_masked(text, secrets):
    for secret in secrets:
        assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai droit à l'apl et au rsa ?",
        "je vais chez le médecin une fois par mois",
        "bonjour madame à votre écoute",
        "Bonjour, les frais de dossier et de notaire sont-ils déductibles ?",
    ],
)
def test_words_joined_and_greetings_are_kept(text):
    assert_untouched(text)


# --- a street without number and its town alone on a body line -----------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Bonjour,\nJe suis locataire depuis 2019.\nrue des tanneurs, Colmar\n"
            "Le propriétaire ne fait pas les travaux.",
            "rue des tanneurs",
        ),
        (
            "Bonjour,\nJe suis locataire depuis 2019.\nChemin des vignes, Pessac\n"
            "Le chauffage est en panne.\nCordialement",
            "Chemin des vignes",
        ),
    ],
)
def test_a_street_and_its_capitalised_town_on_a_body_line_are_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        # the town in lower case, the message goes on: named in passing (eighth pass)
        "Bonjour,\nrue des lilas, rennes\nle facteur ne passe plus depuis lundi.\nCordialement",
        "Bonjour\nplace de la mairie, merci",
    ],
)
def test_streets_named_in_passing_are_kept(text):
    assert_untouched(text)


# --- a chat signed by a listed surname; a given name before a surname found ----------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("c est quand le paiement des allocs ? fontaine", "fontaine"),
        (
            "A retraite bonjour\nB c'est pour mon père\nA il s'appelait comment\n"
            "B fidèle pradier p r a d i e r\nA merci",
            "fidèle",
        ),
    ],
)
def test_a_signing_surname_and_a_given_name_before_a_surname_are_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "rien recu. merci",
        "je voulais savoir si c est normal ? bref",
    ],
)
def test_closing_words_after_the_last_sentence_are_kept(text):
    assert_untouched(text)


# --- who someone is to the writer after a preposition; an agent greeting --------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mon colis a été remis à chevalier le voisin, il dit rien recu", "chevalier"),
        ("bjr jai oublie de declarer les revenus de tiago mon fils majeur", "tiago"),
        ("conseillère caf bonjour ombeline\nappelant bonjour je voulais savoir", "ombeline"),
        ("Conseiller : Bonjour, Anthelme, Finances publiques.\nVous : bonjour", "Anthelme"),
    ],
)
def test_a_name_before_who_they_are_and_an_agents_greeting_are_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Objet : changement de situation\nMon conjoint a trouvé un CDD.",
        "jai un courrier a retirer mais je suis a lhopital, ma fille peut y aller ?",
        "changement de situation mon conjoint a trouvé un cdd",
        "Conseiller : Bonjour, Madame, que puis-je faire ?",
        "Agent : Bonjour, Bienvenue à la CAF.",
    ],
)
def test_nouns_before_a_relative_and_greetings_of_agents_are_kept(text):
    assert_untouched(text)
