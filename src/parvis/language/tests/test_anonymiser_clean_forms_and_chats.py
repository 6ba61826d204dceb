"""Anonymisation, after the seventeenth development set (``devset/dev17.jsonl``, read after
its blind score was recorded): the categories of clean texts the rules masked. A chat's
automated speaker (« Chatbot : »), an agent named by their organisation's acronym (« Agent
ANTS : Demandez … »), a form an organisation fills about itself (« Nom : Agence … », its
address under it), a blank form whose next label has two words, a centre or a house named
after someone (« centre hospitalier Simone-Veil »), an adverb after « madame » in a
transcript, a desk's mailbox at a small town's domain, a reference whose last groups look
like an old plate, a tax notice's number shaped like a NIR. People keep being masked where
these words stand beside them.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched


@pytest.mark.parametrize(
    "text",
    [
        "Chatbot : Bonjour ! Je suis l'assistant virtuel.\nMoi : attestation de paiement\n"
        "Chatbot : Vous la trouverez dans votre espace personnel.",
        "[09:12] Bot : Le 3646 est un numéro gratuit.\n[09:13] Vous : merci",
        "Robot : Votre demande est enregistrée.\nMoi : ok",
    ],
)
def test_an_automated_speaker_is_nobody(text):
    assert_untouched(text)


def test_a_person_talking_to_a_chatbot_is_still_masked():
    assert_hidden("Chatbot : Votre nom ?\nMoi : Bertille Ouedraogo-Lamy", "Ouedraogo")


@pytest.mark.parametrize(
    "text",
    [
        "[11:40] Vous : le vendeur ne répond plus\nAgent ANTS : Demandez-lui une nouvelle "
        "déclaration de cession.",
        "Conseillère CAF : Vérifiez votre espace, le courrier y est déposé.",
    ],
)
def test_an_agent_named_by_their_organisation_speaks_a_sentence(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    "text",
    [
        "Formulaire de contact\nNom : Agence immobilière des Trois Ponts\n"
        "Adresse : 8 quai Fulchiron, 69005 Lyon\nMessage : nous gérons plusieurs logements.",
        "Saisine en ligne\nDemandeur : Association des usagers des transports du soir\n"
        "Objet : charges de chauffage",
        "Nom : Collège Germaine-Tillion, Montfermeil\nObjet : sortie scolaire",
        "Nom : Maison de santé Marie-Marvingt\nMessage : nouveaux horaires du secrétariat",
    ],
)
def test_a_form_an_organisation_fills_about_itself_names_no_one(text):
    assert_untouched(text)


def test_the_person_to_contact_on_an_organisations_form_is_still_masked():
    text = (
        "Nom : Association Entraide Vallée\nPersonne à contacter : Ysaline Kerboul\n"
        "Téléphone : 06 71 42 18 93"
    )
    assert_hidden(text, "Ysaline", "Kerboul", "06 71 42 18 93")


def test_a_persons_form_is_still_masked():
    text = "Nom : Maisonneuve\nPrénom : Anatole\nAdresse : 3 impasse des Genêts, 47000 Agen"
    assert_hidden(text, "Maisonneuve", "Anatole", "3 impasse des Genêts")


def test_a_blank_form_before_a_two_word_label_has_no_name():
    assert_untouched("Nom :\nPrénom :\nFormation souhaitée : CAP petite enfance")


@pytest.mark.parametrize(
    "text",
    [
        "Stage au centre hospitalier Lucie-Aubrac de Bourg, service de pédiatrie.",
        "Rendez-vous à la maison de santé Henri-Dunant, au premier étage.",
        "Atelier au centre social Nelson-Mandela mardi.",
    ],
)
def test_a_centre_or_a_house_named_after_someone_is_kept(text):
    assert_untouched(text)


def test_an_adverb_after_madame_in_a_transcript_is_no_name():
    assert_untouched("oui je peux la payer en deux fois non madame seulement pour la taxe foncière")


def test_a_lower_case_name_after_madame_is_still_masked():
    assert_hidden("j'ai eu madame kerbrat au téléphone", "kerbrat")


@pytest.mark.parametrize(
    "text",
    [
        "Courriel : etat-civil@villeneuvelesbordes.fr",
        "L'équipe France Services\nfranceservices@pays-de-retz.bzh",
        "Inscriptions : coordination.franceservices@cc-val-de-loire.fr",
    ],
)
def test_a_desks_mailbox_at_a_small_towns_domain_is_kept(text):
    assert_untouched(text)


def test_a_persons_mailbox_at_a_towns_domain_is_still_masked():
    assert_hidden("Écrivez à lea.fromentin@villeneuvelesbordes.fr", "lea.fromentin")


def test_a_references_last_groups_are_no_plate():
    assert_untouched("Agent ANTS : votre numéro de pré-demande ?\nVous : 2026-05-02-417-B33")


def test_an_old_plate_is_still_masked():
    assert_hidden("ma voiture immatriculée 417 BHX 33 a été vendue", "417 BHX 33")


def test_a_tax_notices_number_in_the_sentence_is_no_nir():
    assert_untouched("Réclamation taxe foncière 2026, avis n° 26 47 019 204 771 12")


# --- Leaks of the seventeenth set, by category ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[14:02] Agent CAF – Perrine : Bonjour, que puis-je pour vous ?", "Perrine"),
        ("[14:02] Agent CAF – Aurore : Bonjour !\n[14:03] Vous : bonjour", "Aurore"),
        ("Conseillère ameli (Sixtine) : Votre numéro de sécurité sociale ?", "Sixtine"),
        ("[08:40] Agent impots.gouv (Anselme) : Bonjour", "Anselme"),
        ("Conseiller France Travail – Constant : Je regarde votre dossier.", "Constant"),
        ("Technicienne ANTS (Maëlys) > Votre numéro de pré-demande ?", "Maëlys"),
    ],
)
def test_an_agents_name_in_their_turns_prefix_is_masked_whatever_the_word(text, name):
    assert_hidden(text, name)


@pytest.mark.parametrize(
    "text",
    [
        "Conseiller (CAF) : Bonjour, que puis-je pour vous ?",
        "Agent (Accueil) : Votre dossier est complet.",
        "Agent CAF - Lyon : Bonjour.",
        "Conseillère France Travail – Rennes : Bonjour.",
    ],
)
def test_an_organisation_or_a_desk_in_a_turns_prefix_is_no_name(text):
    assert_untouched(text)


def test_a_form_written_as_a_table_masks_the_cells_under_its_name_and_birth_columns():
    text = (
        "NOM | PRÉNOM | NÉ(E) LE | VILLE\n"
        "FAKAVA | Tevita | 03/05/1991 | Nouméa\n"
        "FAKAVA | Mele | 21/11/2015 | Nouméa\n"
        "Message : mise à jour de la composition du foyer"
    )
    assert_hidden(text, "FAKAVA", "Tevita", "Mele", "03/05/1991", "21/11/2015")
    assert "Nouméa" in anonymise(text)[0]


def test_a_table_with_semicolons_masks_names_even_when_they_are_words():
    assert_hidden("Nom ; Prénom ; Lien\nRose ; Blanche ; mère\nRose ; Constant ; fils", "Blanche")


@pytest.mark.parametrize(
    "text",
    [
        "Date ; Motif ; Montant\n12/03/2026 ; loyer ; 450 €",
        "Nom\tCentre social\nPrénom\t(non renseigné)\nObjet\tatelier",
    ],
)
def test_a_table_without_a_name_column_or_a_label_with_its_value_is_no_table(text):
    _, entities = anonymise(text)
    assert not [e for e in entities if e.label == "PERSON"], entities
