"""Anonymisation, issue 12 sixteenth pass: the categories the twelfth development set
(``devset/dev12.jsonl``, read after its blind score was recorded) leaks or masks wrongly:
birth dates said loosely (« le 3 du 7 », « le trois du onze quatre-vingt-cinq »), in a
household's list, in brackets after a relative, after a child was had or after « né où ? »;
plates read with glued lower-case letters or a spelling alphabet; an IBAN spelled character
by character; given names in the frames only a person fills (employed, lived with, a
relative's, thanked at the end of a turn, born, hosting, listed with the writer, twins,
the subject of a clause), a name spelled with « tiret », a particle after a civility, an
initial and a surname, a name in capitals corrected; and, on the precision side, rooms
named after people, nouns after an article, foreign towns where a place is named, what a
person is after their name, a request in capitals after « merci », desks' phones and
e-mails and the address of a desk asked for or under a structure's name.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- birth dates said loosely -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mon fils est né le 9 du 4 et toujours rien", "9 du 4"),
        ("Date de naissance : 21 du 6 1971", "21 du 6 1971"),
        ("Agent : Votre date de naissance ?\nVous : Joris Vallet, 5 du 11 88", "5 du 11 88"),
        (
            "conseiller : votre date de naissance\nappelante : le vingt du six soixante-dix",
            "vingt du six soixante-dix",
        ),
        (
            "agent : et sa date de naissance\nappelant : le quatre du deux deux mille quinze",
            "quatre du deux deux mille quinze",
        ),
    ],
)
def test_a_loose_birth_date_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "le rendez-vous est le 3 du mois prochain",
        "je passe le 12 du courant à l'accueil",
    ],
)
def test_a_day_of_the_month_without_birth_is_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        (
            "Composition du foyer :\n- Odile Ferrand, mère, 14/02/1985\n- Tom, fils, 03/07/2016",
            ("14/02/1985", "03/07/2016"),
        ),
        ("Membres du foyer :\n1. Ferrand Odile - 14/02/1985", ("14/02/1985",)),
    ],
)
def test_a_household_lists_dates_are_masked(text, secrets):
    assert_hidden(text, *secrets)


def test_a_list_of_appointments_keeps_its_dates():
    assert_untouched("Prochains créneaux :\n- Jeudi, 12/03/2026\n- Vendredi, 13/03/2026")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("j'ai déclaré ma fille Ondine (lycéenne, 8 octobre 2008) par erreur", "8 octobre 2008"),
        ("bjr jai eu un bebe tao le 14/9 et la prime rien", "14/9"),
        (
            "conseillère : vous êtes née où\nappelante : à Dakar au Sénégal le deux mai "
            "quatre-vingt-un",
            "deux mai quatre-vingt-un",
        ),
    ],
)
def test_a_birth_date_in_context_is_masked(text, secret):
    assert_hidden(text, secret)


# --- plates and IBAN read on the phone --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "agent : l'immatriculation du véhicule\nappelant : fk deux cent douze bt",
            "fk deux cent douze bt",
        ),
        (
            "A : la plaque\nB : D comme Denise, M comme Mike, cent quarante, R comme Robert, "
            "T comme Thérèse",
            "D comme Denise, M comme Mike, cent quarante, R comme Robert, T comme Thérèse",
        ),
        (
            "agent : votre IBAN\nappelant : F R 9 0 1 4 5 0 5 0 0 0 0 1 0 4 1 2 3 4 5 6 7 8 9 1 2",
            "F R 9 0 1 4 5 0 5 0 0 0 0 1 0 4 1 2 3 4 5 6 7 8 9 1 2",
        ),
    ],
)
def test_a_plate_or_an_iban_read_aloud_is_masked(text, secret):
    assert_hidden(text, secret)


def test_lower_case_letters_around_a_number_are_words_without_a_plate_asked():
    assert_untouched("A : la voiture est loin\nB : il y a deux cent vingt km")


# --- given names in the frames only a person fills ------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Vous : jemploie honorine pour le repassage, en cesu", "honorine"),
        ("J'emploie Li Wenjie comme jardinier depuis mai.", "Li Wenjie"),
        ("je n'habite plus avec kelyan, on s'est séparés", "kelyan"),
        ("je vis avec ma sœur perle qui est malade", "perle"),
        ("j'ai vu avec colombe, la voisine, elle garde les enfants", "colombe"),
        ("ma prime a baissé depuis que aurore a repris un emploi", "aurore"),
        ("Vous : ok super merci capucine\nAgent : Avec plaisir.", "capucine"),
        ("Vu Mme Traoré, naissance de Prosper le 2 mars. Acte apporté.", "Prosper"),
        ("appelante : chez une amie, Constance, au 3 rue des Lilas", "Constance"),
        ("B : Ana Popa-Lungu, Popa tiret Lungu", "Popa tiret Lungu"),
        ("maitre ben amor m'a dit d'écrire", "ben amor"),
        ("un avis de passage pour K. Habyarimana, mon colocataire", "K. Habyarimana"),
        ("le nom est mal écrit : KERBRAT au lieu de KERBRAST", "KERBRAST"),
        ("rdv pour fleur et ange (jumeaux nés en 2020)", "fleur"),
        ("on est trois : moi, parfait et sylvestre. merci", "sylvestre"),
        ("Vous : je vous écris pour séraphin mon frère, il est hospitalisé", "séraphin"),
    ],
)
def test_a_given_name_in_a_persons_frame_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "merci pour la rose, c'est gentil",
        "je vis avec elle depuis deux ans, merci bien",
        "depuis que le dossier a été envoyé, rien",
        "Vous : merci beaucoup\nAgent : Avec plaisir.",
        "j'habite avec mes parents depuis mars.",
        "le CERFA au lieu de LA DEMANDE, je me suis trompé",
    ],
)
def test_the_same_frames_without_a_name_are_kept(text):
    assert_untouched(text)


# --- precision: what is no one's name, phone, e-mail or address -------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "rdv annulé, la salle Lucie Aubrac est fermée pour travaux.",
        "A : je cherche la salle Olympe de Gouges pour l'atelier numérique",
        "la claire-voie du jardin est cassée, merci de prévenir",
        "Question : je suis arrivée de Kandahar en mai, je dois déclarer ?",
        "A : lieu\nB : Kandahar, en Afghanistan",
        "Pays de naissance : Bolivie",
        "Vous : non au kosovo, a gjilan",
        "Agent : Bonjour, pour un rendez-vous, appelez le 05 49 00 11 22 ou passez à l'accueil.",
        "Agent : Vous pouvez écrire à accueil.conciliation@justice.fr ou passer.",
        "Message : merci de mettre à jour la fiche de la permanence, le numéro est désormais le "
        "05 49 00 33 44.",
        "Bonjour,\nPouvez-vous me confirmer l'adresse du centre des finances publiques ? "
        "On m'a dit 4 rue du Maréchal Leclerc mais je ne trouve pas.",
        "Nom de la structure : Maison France services de Figeac\nAdresse : 6 place du "
        "Commandant Vidal, 46100 Figeac\nDemande : 100 dépliants",
    ],
)
def test_places_rooms_and_desks_are_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Vu ce jour M. Anton Belov, réfugié, souhaite s'inscrire.", "réfugié"),
        ("BONJOUR JE SUIS AWA KONATE MERCI DE ME RAPPELER AU 07 12 34 56 78", "DE ME"),
    ],
)
def test_words_next_to_a_name_stay_words(text, kept):
    from parvis.language.tests.test_anonymiser_second_pass import anonymise

    masked, _ = anonymise(text)
    assert kept in masked, masked


# --- names completed or repeated -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Demandeur : WANG Meixiu\nFormation souhaitée : CAP", "WANG Meixiu"),
        ("Agent : Bonjour, je suis Perle.\nVous : perle c joli ! ma question : le rsa", "perle"),
        ("Vous : j'étais apprenti chez prosper Kerbiriou le menuisier", "prosper Kerbiriou"),
        ("A : vous êtes né à Brest\nB : oui, à Brest, Le Gall Jean-Yves", "Le Gall Jean-Yves"),
    ],
)
def test_a_name_is_completed_or_repeated(text, secret):
    assert_hidden(text, secret)


def test_the_agents_name_as_a_word_later_is_kept():
    text = "Agent : Bonjour, je suis Rose.\nVous : merci pour la rose des vents"
    from parvis.language.tests.test_anonymiser_second_pass import anonymise

    masked, _ = anonymise(text)
    assert "la rose des vents" in masked, masked


# --- addresses: a residence before its building, a home's town before its street -----------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Elle habite Les Tilleuls, bât. C, 8 rue du Colonel, 69000 Lyon.",
            "Les Tilleuls, bât. C, 8 rue du Colonel, 69000 Lyon",
        ),
        (
            "la maison de Valloire, chemin des Granges a été vendue en mai.",
            "Valloire, chemin des Granges",
        ),
    ],
)
def test_an_address_in_another_order_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("appelant : j'habite le lieu-dit les Vergnes à Aurillac", "j'habite le "),
        ("Vous : Sana Idrissi, née 3.4.1990, mail sana.idrissi@gmail.com", ", née "),
        ("Vous : Sana Idrissi, née 3.4.1990, mail sana.idrissi@gmail.com", ", mail "),
        ("Employeur : Boulangerie Lune et Miel (gérante Odile Faure)", "Lune et Miel"),
    ],
)
def test_words_around_found_data_stay_words(text, kept):
    from parvis.language.tests.test_anonymiser_second_pass import anonymise

    masked, _ = anonymise(text)
    assert kept in masked, masked


def test_an_interjection_is_no_name():
    assert_untouched(
        "appelant : je cherche la gendarmerie\nconseiller : appelez le 17\nappelant : ah pardon"
    )


def test_a_programme_subject_of_a_clause_is_no_name():
    assert_untouched("bjr l'artisan dit que maprimerenov va refuser le devis")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Mon bailleur, M. Trần Văn Sơn ne répond plus.", "Trần Văn Sơn"),
        ("Note : M. Petrossian, 80 ans. Fils Vahan référent : 06 11 22 33 44.", "Vahan"),
    ],
)
def test_a_foreign_spelling_or_a_notes_relative_is_a_name(text, secret):
    assert_hidden(text, secret)


def test_a_relative_before_a_word_in_a_note_is_kept():
    assert_untouched("Fils aîné de la famille, rien à signaler.")


def test_an_article_left_of_a_spoken_address_is_kept():
    from parvis.language.tests.test_anonymiser_second_pass import anonymise

    text = (
        "appelant : j'habite le lieu-dit les Granges à Saint-Martin-de-Belleville, "
        "soixante-treize quatre cent quarante"
    )
    masked, _ = anonymise(text)
    assert "j'habite le " in masked, masked


def test_an_initial_before_a_word_or_a_town_is_kept():
    assert_untouched("les J.O. Paris 2024 et S. Lyon aussi. N.B. Merci")
