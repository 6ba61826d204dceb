"""Anonymisation, issue 12 seventeenth pass: the categories the thirteenth development set
(``devset/dev13.jsonl``, read after its blind score was recorded) leaks or masks wrongly:
chats whose speakers are written in brackets (« [Agent] », « [Usager] »); the contact details
of a desk, a school or an association (a function's mailbox at an institution's domain, a
notice's number, the agent's « nous » number, a form an organisation fills about itself, a
TSA box); establishments named after people or things, references glued to digits, a form's
place of birth; birth dates said as « 8 8 88 », answering « née le ? » or « née quand ? »,
a year alone under « Date de naissance », twins had on a day.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- speakers in brackets ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("[Agent] Bonjour, Violette de la CAF.\n[Usager] bonjour, ma prime ?", "Violette"),
        ("[Agent] Bonsoir, Constant du SIP. Que puis-je faire ?\n[Usager] oui", "Constant"),
        (
            "[Usager] bjr\n[Agent] Bonjour, Perle de l'ANTS.\n[Usager] bonjour perle, mon permis",
            "perle",
        ),
    ],
)
def test_an_agent_greeting_in_a_bracketed_chat_is_masked(text, secret):
    assert_hidden(text, secret)


def test_a_bracketed_chat_without_a_name_is_kept():
    assert_untouched("[Usager] bonjour, page blanche sur le site\n[Agent] Réessayez plus tard.")


# --- contact details of desks, schools and associations ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Votre rendez-vous est confirmé jeudi à 10h. Pour annuler : 04 71 22 90 00",
        "Bonjour,\n\nLa permanence est fermée lundi.\n\nLe service accueil\n"
        "accueil.mediation@mairie-exemple.fr",
        "Le collège organise une réunion (contact : parents@college-exemple.fr).",
        "Bonjour,\n\nÉcrivez-nous à contact@asso-voisins.org.\n\nLe bureau de l'association",
        "Nom de l'organisme : Centre social des Tilleuls\nTéléphone : 03 21 44 80 10\n"
        "Courriel : direction@centre-exemple.fr",
        "Agent : nous répondons plus vite par téléphone, au 09 70 81 12 12.",
        "L'adresse postale est Caisse nationale, TSA 41217, 75951 Paris Cedex 19.",
    ],
)
def test_a_desks_contact_details_are_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Mon mail perso : contact.noemie.varda@gmail.com", "contact.noemie.varda@gmail.com"),
        ("Mon cabinet : contact@lebris-avocats.fr", "contact@lebris-avocats.fr"),
        # A function word does not make a mailbox a desk's when a name goes with it.
        (
            "Écrivez à ma référente : contact.yvonne.kerleau@ccas-exemple.fr",
            "contact.yvonne.kerleau@ccas-exemple.fr",
        ),
        ("Mon adresse : info-tanguy@asso-exemple.fr", "info-tanguy@asso-exemple.fr"),
        # An address the e-mail rule misses (a space before « @ ») keeps its name masked.
        ("mon mail c'est nolwenn.le-gall @orange.fr merci", "nolwenn"),
        (
            "Nom de la structure : France Services du Val\nConseillère : Maëlys Tardieu\n"
            "Courriel : maelys.tardieu@fs-duval.fr",
            "maelys.tardieu@fs-duval.fr",
        ),
        ("Réponse à accueil_bakary.sow@mairie-exemple.fr", "accueil_bakary.sow@mairie-exemple.fr"),
        (
            "Le 2 mars, Odile Brunet <accueil@mairie-exemple.fr> a écrit :\n> Bonjour",
            "accueil@mairie-exemple.fr",
        ),
        ("Agent : je note votre numéro, le 06 41 28 90 13 ?", "06 41 28 90 13"),
        (
            "Nom de l'organisme : Foyer des Acacias\nNom du contact : Sabine Ortiz\n"
            "Téléphone : 06 12 40 77 31",
            "06 12 40 77 31",
        ),
        ("Adresse : Association Abri, BP 21, 59001 Lille Cedex", "BP 21, 59001 Lille Cedex"),
    ],
)
def test_a_persons_contact_details_stay_masked(text, secret):
    assert_hidden(text, secret)


# --- establishments, references and places -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Employeur : Crêperie Ty Gwenn, à Quimper",
        "j'ai travaillé à la conserverie Martin de 1980 à 1985",
        "Organisme : IFSI Jeanne Garnier",
        "Raison sociale : GAEC de Penhoat",
        "Nom commercial : Taxi Ange",
        "Dossier n° MDPH-RDV-2025-44120 en attente.",
    ],
)
def test_establishments_and_references_are_kept(text):
    assert_untouched(text)


def test_a_forms_place_of_birth_is_no_name():
    masked, _ = anonymise("Né le : 03/03/1990\nÀ : Tétouan (Maroc)")
    assert "Tétouan" in masked and "03/03/1990" not in masked


def test_a_transcripts_speaker_a_is_no_place_of_birth():
    assert_hidden("B : votre prénom\nA : Marie-Lou\nB : merci", "Marie-Lou")


# --- birth dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("[Usager] Idriss Kanté\n[Usager] né le 7 7 77", "7 7 77"),
        ("Agent : Née le ?\nAppelante : Le 4 mars, il y a trois semaines.", "4 mars"),
        ("Nom : Perrot\nDate de naissance : 1976", "1976"),
        ("Agent : Il est né quand ?\nAppelant : En 1948, à Oran.", "1948"),
        ("j'ai eu des jumelles le 3 février, comment je les déclare ?", "3 février"),
    ],
)
def test_a_birth_date_said_loosely_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Agent : mes soins ne sont pas remboursés ?\nUsager : la date des soins\nUsager : le 9 mai",
        "Date de la visite : 1976",
        "Agent : Vous êtes venu quand ?\nAppelant : En 2019.",
    ],
)
def test_other_dates_are_kept(text):
    assert_untouched(text)


def test_a_job_seekers_identifier_is_no_allocataire_number():
    assert_untouched(
        "[Agent] Votre identifiant ?\n[Usager] mon ARE est en retard\n[Usager] 5512093K"
    )


# --- a writer introducing themself with one word -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("[Usager] cc\n[Usager] c yanis\n[Usager] ma prime est bloquée", "yanis"),
        ("[Usager] jsuis aboubakar\n[Agent] Bonjour, votre nom complet ?", "aboubakar"),
        ("c'est loreleï, la voisine de mme Petit, on a un souci de courrier", "loreleï"),
        ("mon nouveau mail c'est en pièce jointe, c'est maëlys, merci", "maëlys"),
        ("[Agent] Bonjour, ici Rose.\n[Usager] c'est Céleste\n[Usager] ma carte ?", "Céleste"),
        ("[Agent] Bonjour, vous êtes en contact avec Prudence.\n[Usager] merci", "Prudence"),
    ],
)
def test_one_word_a_writer_introduces_themself_with_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "[Usager] c'est ok, merci",
        "[Usager] je suis perdue\n[Agent] Je vous explique.",
        "c'est urgent, je n'ai plus rien",
        "[Usager] jsuis malade\n[Agent] Avez-vous un arrêt ?",
        "[Usager] c'est clair, merci",
        "[Usager] c'est Gratuit ?",
    ],
)
def test_words_after_an_introduction_cue_are_kept(text):
    assert_untouched(text)


# --- a surname answering its question ------------------------------------------------------------


def test_a_surname_that_is_a_word_answering_its_question_is_masked():
    assert_hidden("Agent : Nom de naissance ?\nAppelante : Boulanger.\nAgent : Merci.", "Boulanger")


@pytest.mark.parametrize(
    "text",
    [
        "Agent : Votre nom ?\nAppelant : Pardon ?\nAgent : Votre nom de famille.",
        "Agent : Et votre nom ?\nAppelant : Attendez.\nAgent : Je patiente.",
    ],
)
def test_other_answers_to_a_name_question_are_kept(text):
    assert_untouched(text)


# --- addresses under their label, names above them, particles and pairs --------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Nom : Kessler\nAdresse : c/o M. Aubry, 9 rue des Forges, 25000 Besançon", "c/o M. Aubry"),
        (
            "Demandeur\nLina Haddad\nAdresse\n"
            "Résidence Horizon, app. 24, 3 rue Vauban, 21000 Dijon",
            "Résidence Horizon, app. 24",
        ),
        (
            "Bonjour,\n\nVoici mon justificatif.\n\n"
            "Gwenaël Le Bihan\nKer Anna, 29410 Pleyber-Christ",
            "Gwenaël Le Bihan",
        ),
        (
            "Le 4 nov. 2026 à 09:12, Gwenaël Le Bihan a écrit :\n> Bonjour\n\nRelance.\n\n"
            "Gwenaël Le Bihan\nKer Anna, 29410 Pleyber-Christ",
            "Gwenaël Le Bihan",
        ),
        ("[Usager] van den Broek Anneke\n[Agent] Bonjour Madame van den Broek", "van den Broek"),
        ("je demande la garde de Timéo et Clémence.", "Clémence"),
        (
            "Merci,\n\nTiago Lopes Ramos\nCasa do Monte, 14 chemin du Bois, 31620 Fronton",
            "Casa do Monte",
        ),
    ],
)
def test_an_address_under_its_label_a_name_above_it_a_particle_or_a_pair_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, la boutique Roux et Fils est fermée le lundi.",
        "L'atelier du Marché et Compagnie ouvre à 9h.",
        "Adresse de l'accueil : 3 place de la Mairie, 29000 Quimper",
    ],
)
def test_pairs_and_desk_addresses_are_kept(text):
    assert_untouched(text)


# --- a party's label, relatives in brackets, names in capitals or glued -------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Demandeur : Okafor\nPartie adverse : Lebrun Sylvain\nObjet : loyers", "Lebrun Sylvain"),
        ("Personnes au foyer : Anja (fille), Rivo (fils)", "Rivo"),
        (
            "Ma mère, Tran Thi Hoa, a un nom mal écrit : « TRAN THI HOA » devenu « TRANTHIHOA ».",
            "TRANTHIHOA",
        ),
        ("Ma mère, Tran Thi Hoa, est inscrite comme « TRAN THI HOA ».", "TRAN THI HOA"),
    ],
)
def test_a_party_a_relative_in_brackets_or_a_name_written_again_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Partie adverse : particulier\nObjet : voisinage",
        "Garde (enfant) : alternée",
        "Le tableau (fils rouge) est prêt.",
    ],
)
def test_words_in_brackets_or_under_a_partys_label_are_kept(text):
    assert_untouched(text)


# --- places before their postcode, streets in other languages, spoken e-mails, plates -----------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("slt c Moinecha, on habite à Tsoundzou 97600 depuis mars", ("Tsoundzou 97600",)),
        (
            "BONJOUR JE SUIS HALIMA ATTOUMANI DE PASSAMAINTY 97600 MAMOUDZOU, MON RSA ?",
            ("HALIMA ATTOUMANI", "PASSAMAINTY 97600 MAMOUDZOU"),
        ),
        (
            "Cordialement,\n\nBernat Castanhièr\n12 carrièra de l'Ort, 31000 Tolosa",
            ("12 carrièra de l'Ort, 31000 Tolosa",),
        ),
        ("Je travaille à lieu-dit Les Bories, 46100 Figeac, c'est chez moi.", ("Les Bories",)),
        (
            "Agent : Votre mail ?\n"
            "Appelante : nadia point ferhat deux mille arobase gmail point com",
            ("nadia point ferhat",),
        ),
    ],
)
def test_a_place_before_its_postcode_a_street_or_a_spoken_email_is_masked(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "La réunion se tient à Lyon 69003, salle du conseil.",
        "Agent : Votre numéro de permis ?\nAppelant : 13 AB 44 02 17 je crois.",
        "Le forum a lieu-dit-on à la mairie.",
    ],
)
def test_a_town_and_its_postcode_or_a_licence_number_is_kept(text):
    assert_untouched(text)


# --- a spelled separator, a name in letters French never writes ----------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Agent : Épelez votre nom ?\nAppelant : D A, espace, S I L V A.",
            "D A, espace, S I L V A",
        ),
        ("[Usager] mon mari c'est Phạm Văn Hải\n[Usager] moi Lan", "Phạm Văn Hải"),
        ("[Usager] ma mère c'est Đỗ Thị Avril\n[Usager] merci", "Đỗ Thị Avril"),
    ],
)
def test_a_spelled_name_or_a_foreign_names_last_word_is_masked(text, secret):
    assert_hidden(text, secret)


def test_a_month_after_a_foreign_name_in_a_sentence_is_kept():
    masked, _ = anonymise("Je suis Nguyễn Văn An et je pars en Mai prochain.")
    assert "Mai prochain" in masked


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "slt c samir, je dors au CCAS de Lorient, 4 rue Paul Bert, 56100 Lorient",
            "CCAS de Lorient, 4 rue Paul Bert, 56100 Lorient",
        ),
        (
            "Envoyez le courrier à Rua do Sol 3, 4990-062 Ponte de Lima, Portugal.",
            "4990-062 Ponte de Lima, Portugal",
        ),
        (
            "Mon adresse : Rua Nova 8, 4700-123 Ponte da Barca, Portugal",
            "4700-123 Ponte da Barca, Portugal",
        ),
    ],
)
def test_a_domiciliation_slept_at_or_a_foreign_town_and_country_are_masked(text, secret):
    assert_hidden(text, secret)


def test_the_ccas_address_without_anyone_living_there_is_kept():
    assert_untouched("Le CCAS de Lorient, 4 rue Paul Bert, 56100 Lorient, ouvre à 9h.")


# --- a desk's or a workshop's address ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mon fils n'a pas internet. L'accueil de la CAF est-il toujours au 8 rue Voltaire ?",
        "Les ateliers reprennent lundi, salle des Tilleuls, 3 allée des Pins.",
    ],
)
def test_a_desk_asked_about_or_a_workshops_room_is_kept(text):
    assert_untouched(text)


def test_a_home_said_in_the_question_stays_masked():
    assert_hidden(
        "L'accueil de la CAF peut-il envoyer le courrier à mon adresse, 8 rue Voltaire ?",
        "8 rue Voltaire",
    )


def test_a_foreign_towns_last_word_is_no_name():
    masked, _ = anonymise(
        "Je vis désormais en Espagne, à Ponte da Barca. Envoyez le courrier à Rua Nova 8, "
        "4980-614 Ponte da Barca, Portugal."
    )
    assert masked.startswith("Je vis désormais en Espagne, à Ponte da Barca.")
    assert "Rua Nova" not in masked
