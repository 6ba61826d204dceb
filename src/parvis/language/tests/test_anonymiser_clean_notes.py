"""Anonymisation, after the fifteenth and sixteenth development sets (``devset/dev15.jsonl``
and ``dev16.jsonl``, read after their blind scores and the eighteenth pass's were
recorded): the categories of clean texts the rules masked. An agent's note whose label
names the agent (« Commentaire de l'agent : »), a form left blank (« Nom :\\nPrénom : »), a
room named after someone under a form's label (« Salle : »), a form's cerfa number after
« dossier », an « adresse mail » read as a mall, and a technical desk's mailbox. Names
keep being masked where these words stand beside a person.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched


@pytest.mark.parametrize(
    "text",
    [
        "Commentaire de l'agent : dossier complet, transmis au service instructeur lundi.",
        "Note de la conseillère : atelier numérique reporté à la semaine prochaine.",
        "Remarque de l'agent d'accueil : borne en panne, usagers orientés vers le guichet 2.",
        "Observation du conseiller : permanence du jeudi maintenue malgré les travaux.",
    ],
)
def test_a_note_labelled_by_its_author_is_free_text(text):
    assert_untouched(text)


def test_a_note_still_masks_the_person_it_names():
    text = "Commentaire de l'agent : Mme Gwendoline Karaboudjan rappellera demain."
    assert_hidden(text, "Karaboudjan")


@pytest.mark.parametrize(
    "text",
    [
        "Nom :\nPrénom :\nObjet : Question sur les horaires\nMessage : Ouvert le samedi ?",
        "Nom :\nPrénom :\nCourriel :\nMessage : Quels documents pour une carte grise ?",
    ],
)
def test_a_blank_form_has_no_name_in_its_labels(text):
    assert_untouched(text)


def test_a_filled_form_on_two_lines_is_still_masked():
    assert_hidden("Nom :\nTchakarova\nPrénom :\nIlinka", "Tchakarova")


@pytest.mark.parametrize(
    "text",
    [
        "Réservation\nSalle : Louise Michel (1er étage)\nDate : 14/01/2027, 9h-11h",
        "Lieu de l'atelier\nSalle : Olympe de Gouges\nAnimé par l'équipe numérique",
    ],
)
def test_a_room_named_after_someone_under_its_label_is_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    "text",
    [
        "le dossier cerfa 13406 est a rendre avant la fin du mois",
        "Votre dossier, formulaire 12100, doit être signé par les deux parents.",
    ],
)
def test_a_forms_number_after_dossier_is_no_allocataire_number(text):
    assert_untouched(text)


def test_an_allocataire_number_after_dossier_is_still_masked():
    assert_hidden("mon dossier caf 4417203 est bloqué depuis un mois", "4417203")


@pytest.mark.parametrize(
    "text",
    [
        "je voudrais l'adresse mail de la CAF pour envoyer mon attestation",
        "Je vous ai répondu par mail de la Mairie hier soir.",
    ],
)
def test_an_email_address_asked_for_is_no_street(text):
    assert_untouched(text)


def test_a_street_called_mail_is_still_an_address():
    assert_hidden("J'habite 4 mail des Tilleuls, 44000 Nantes.", "mail des Tilleuls")


@pytest.mark.parametrize(
    "address",
    ["maintenance@mairie-exemple.fr", "voirie@ville-exemple.fr", "culture@agglo-exemple.fr"],
)
def test_a_technical_desks_mailbox_is_kept(address):
    assert_untouched(f"Signalement transmis : {address}, merci de traiter.")
