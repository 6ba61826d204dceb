"""Anonymisation, issue 12 twelfth pass: categories measured on the seventh development set
(``devset/dev7.jsonl``, written blind: web forms and chats full of names that are French
words). False positives first: an establishment named by a form's label or by its head noun
(« Nom de la crèche : … », « Employeur : Boulangerie du … »), an address on an
establishment's line or pointed to by the agent in a chat, a locution after « à » read as a
town, a kind of residence read as its name.

Every name, number and address below is invented for this file; none comes from an
evaluation set. Each category has its guards (what must still be masked) next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- an establishment named by a form's label or by its head noun -----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Nom de l'établissement : Clinique des Tilleuls Rivière\nService : cardiologie\n"
        "Question : le forfait hospitalier est-il remboursé ?",
        "Nom de la crèche : Les Petits Chaperons\nMessage : quelle attestation fournir ?",
        "Nom de l'exploitation : Domaine du Grand Chêne\nType : arboriculture\n"
        "Message : la prime n'est pas arrivée.",
        "Type de véhicule : Peugeot Partner, couleur grise\n"
        "Message : le certificat de cession est-il valable sans signature ?",
    ],
)
def test_an_establishment_named_by_a_form_label_is_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secrets", "kept"),
    [
        ("Nom : Fourcade\nPrénom : Anselme\nEmployeur : Boulangerie du Lavoir\n"
         "Message : mes indemnités ne sont pas versées.",
         ["Fourcade", "Anselme"], "Boulangerie du Lavoir"),
        ("Bonjour, mon dernier employeur (Menuiserie Castagnet, Pau) ne m'a pas donné "
         "l'attestation.\nCordialement,\nIsaure Dambielle",
         ["Isaure Dambielle"], "Menuiserie Castagnet"),
        ("Fournisseur : granulés, Établissements Larrouturou\nNom : Lagarde\nPrénom : Émeric",
         ["Lagarde", "Émeric"], "Établissements Larrouturou"),
    ],
)  # fmt: skip
def test_a_firm_opened_by_its_trade_is_kept_beside_the_person(text, secrets, kept):
    from parvis.language.engine import anonymise

    assert_hidden(text, *secrets)
    assert kept in anonymise(text)[0]


def test_a_person_under_a_form_label_is_still_masked():
    assert_hidden(
        "Nom de l'allocataire : Sauveterre\nNom de l'enfant : Capucine Sauveterre\n"
        "Message : la crèche demande une attestation.",
        "Sauveterre",
        "Capucine Sauveterre",
    )


# --- an address on an establishment's line, or pointed to by the agent ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Organisme : Institut de formation des Bâtisseurs, 8 rue Condorcet\nDurée : 6 mois\n"
        "Message : puis-je garder mon allocation pendant la formation ?",
        "Nom de la crèche : Les Lutins\nAdresse de la crèche : 4 rue Voltaire\n"
        "Message : où télécharger l'attestation ?",
        "Citoyen : la borne pour la carte vitale est où ?\nAgent : Bonjour, il y a une borne à "
        "la pharmacie du Marché, 6 place Carnot, et une autre à l'accueil.\nCitoyen : merci",
        "Citoyen : le centre des impôts a déménagé ?\nAgent : Oui, le service des impôts "
        "est désormais 11 boulevard Gambetta, au 1er étage.\nCitoyen : merci",
        "Vous : où faire mon passeport ?\nAgent : Vous pouvez prendre rendez-vous à la mairie "
        "de Brive, ou à celle de Malemort, 3 rue Grande.\nVous : ok",
    ],
)
def test_an_establishment_or_desk_address_is_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Agent : Bonjour, vous habitez toujours au 14 rue Voltaire à Tulle ?",
         ["14 rue Voltaire à Tulle"]),
        ("Agent : Votre adresse est bien 6 place Carnot, 19100 Brive, près de la mairie ?",
         ["6 place Carnot, 19100 Brive"]),
        ("Adresse de l'employeur : 9 chemin des Vignes, 24100 Bergerac",
         ["9 chemin des Vignes, 24100 Bergerac"]),
    ],
)  # fmt: skip
def test_a_home_address_said_by_the_agent_is_still_masked(text, secrets):
    assert_hidden(text, *secrets)


# --- a locution after « à » is no town; a kind of residence is no residence's name ------------


@pytest.mark.parametrize(
    "text",
    [
        "Je vais louer un studio dans une résidence étudiante rue Condorcet à partir de mars. "
        "Faut-il faire la demande avant ?",
        "Ma mère entre dans une résidence autonomie rue Voltaire à compter de janvier, que "
        "faut-il déclarer ?",
    ],
)
def test_a_locution_or_a_kind_of_residence_is_no_address(text):
    assert_untouched(text)


def test_a_numbered_street_before_a_locution_is_still_masked():
    assert_hidden("J'habite au 5 rue Condorcet à partir de mars.", "5 rue Condorcet")


# --- a reference under its label, a file's number after « dossier » --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Nom de l'organisme : Service des impôts de Tulle\n"
        "Référence de l'avis : 18 43 260 715 338 21\nObjet : taxe d'habitation",
        "Bonjour, la consultation du 4/10 n'est pas remboursée, dossier 31-207-5586. Merci",
    ],
)
def test_a_reference_or_a_file_number_is_no_identifier(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # a valid NIR under a reference's label stays a NIR
        ("Référence : 1 84 07 75 116 023 21", "1 84 07 75 116 023 21"),
        ("mon dossier caf 7 204 318 est bloqué", "7 204 318"),
    ],
)
def test_a_nir_or_an_allocataire_number_is_still_masked(text, secret):
    assert_hidden(text, secret)


# --- the agent introduces themself with a word (« Je suis Romane. ») ------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Citoyen : bonjour ma prime a baissé\nAgent : Bonjour, je suis Romane. Je regarde "
         "votre dossier.", "Romane"),
        ("Vous : salut\nAgent : Bonsoir, je suis Fortunée. Que puis-je faire ?", "Fortunée"),
        ("Agent : MSA, bonjour, Célestine à votre écoute.\nAppelant : oui bonjour", "Célestine"),
        ("Citoyen : allo\nAgent : Bonjour, ici Séraphine de la CAF.", "Séraphine"),
    ],
)  # fmt: skip
def test_the_agent_introducing_themself_with_a_word_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Citoyen : bonjour\nAgent : Bonjour, je suis Conseillère à la CAF, que puis-je faire ?",
        "Citoyen : c'est où ?\nAgent : Bonjour, ici France Services, au rez-de-chaussée.",
        "Citoyen : Je suis Désolé pour le retard.\nAgent : Pas de souci.",
        "Citoyen : allo ?\nAgent : Bonjour, je suis Désolée, le site est en panne.",
    ],
)
def test_no_agent_name_without_the_agent_introducing_themself(text):
    assert_untouched(text)


# --- a form's value: a person by their state, a surname that is a day, capitals, a slash ----


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Retraité : Mouton Sylvain\nMotif : changement de banque", ["Mouton Sylvain"]),
        ("Exploitant : Fermier Sylvain\nDemande : échéancier des cotisations",
         ["Fermier Sylvain"]),
        ("Mineure : Hermine, née le 3 mai 2015\nQuestion : faut-il les deux parents ?",
         ["Hermine"]),
        ("Conjoint : Barthélémy Samedi\nDéclarante : Ursule Samedi\nQuestion : rattachement",
         ["Barthélémy Samedi", "Ursule Samedi"]),
        ("Nom marital : COQ\nPrénom : Héloïse", ["COQ"]),
        ("Nom / Prénom : Corbeau / Sylvain\nMessage : le chèque est refusé", ["Sylvain"]),
    ],
)  # fmt: skip
def test_a_form_value_names_the_person(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "Date du rendez-vous : Jeudi\nMotif : renouvellement de la carte vitale",
        "Nom de l'organisme : CAF\nObjet : attestation de paiement",
        "Stagiaire : non\nDurée de la formation : six mois",
    ],
)
def test_a_form_value_that_names_no_one_is_kept(text):
    assert_untouched(text)


# --- a child's line of a form with the birth year after a comma -------------------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Demandeur : Ormeau Théodule\nEnfant 1 : Lilas Ormeau, 2016\nEnfant 2 : Basile Ormeau, "
         "2019\nObservation : bulletins envoyés", ["2016", "2019", "Lilas Ormeau"]),
        ("Fille : Capucine, née en 2012\nQuestion : la bourse est-elle maintenue ?",
         ["2012", "Capucine"]),
    ],
)  # fmt: skip
def test_a_childs_birth_year_after_a_comma_is_masked(text, secrets):
    assert_hidden(text, *secrets)


def test_a_year_after_a_comma_on_another_line_is_kept():
    assert_untouched("Montant : 120 €, 2026\nObjet : régularisation de l'avance")


# --- addresses: the floor before the street, a landing's side, a postcode of residence, ------
# --- a farm's seat, the town alone on the label's line ----------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Citoyen : bonjour jhabite appt 8, 3e étage, 21 rue Lamartine, 87000 Limoges",
         "appt 8, 3e étage, 21 rue Lamartine, 87000 Limoges"),
        ("Citoyen : merci. Mon adresse : 5 rue Voltaire, 4e droite, 69003 Lyon",
         "5 rue Voltaire, 4e droite, 69003 Lyon"),
        ("Code postal de résidence : 97430\nCommune : Le Tampon\nMessage : réinscription",
         "97430"),
        ("Exploitante : Garrigues Odile\nAdresse du siège : Ferme des Trois Chênes, 12200 "
         "Villefranche-de-Rouergue\nDemande : échéancier",
         "Ferme des Trois Chênes, 12200 Villefranche-de-Rouergue"),
        ("Nouvelle adresse : Colomiers\n9 allée du Pinson, bâtiment C, appt 4\n"
         "Date du déménagement : 2 mars", "Colomiers\n9 allée du Pinson, bâtiment C, appt 4"),
    ],
)  # fmt: skip
def test_a_home_address_with_its_parts_is_masked_whole(text, secret):
    assert_hidden(text, secret)


def test_the_seat_of_an_administration_is_kept():
    assert_untouched(
        "Adresse du siège de la caisse : 10 rue de la Paix, 75002 Paris\nObjet : réclamation"
    )


# --- the answer to the agent's name question on « Citoyen : » / « Vous : » lines -------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Citoyen : ma voisine n'a pas reçu son chèque\nAgent : Bonjour. Quel est son nom ?\n"
         "Citoyen : Cerfeuil. Amandine Cerfeuil.\nAgent : Merci.", ["Cerfeuil. Amandine Cerfeuil"]),
        ("Vous : mon dossier est bloqué\nAgent : Bonjour, votre nom svp ?\nVous : marronnier\n"
         "Vous : éloïse marronnier\nAgent : Merci.", ["marronnier", "éloïse marronnier"]),
        ("Citoyen : mon nom c'est tilleul\nAgent : Merci, et votre prénom ?\nCitoyen : hortense",
         ["hortense"]),
    ],
)  # fmt: skip
def test_the_callers_answer_to_the_name_question_is_masked(text, secrets):
    assert_hidden(text, *secrets)


def test_an_answer_that_is_no_name_is_kept():
    assert_untouched(
        "Citoyen : bonjour\nAgent : Bonjour, votre nom svp ?\nCitoyen : attendez\n"
        "Citoyen : je cherche la lettre\nAgent : Prenez votre temps."
    )


# --- a name explained by the same French word (« Cerise, comme le fruit » is not it) ---------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Agent : Le nom de votre bailleur ?\nAppelant : euh Citron, comme le citron, il "
         "habite à côté.", "Citron, comme"),
        ("Agent : Monsieur ?\nAppelant : Bouleau. Comme un bouleau. Voilà.", "Bouleau"),
        ("Agent : Lhirondelle comme l'hirondelle ?\nAppelant : oui, en un mot.", "Lhirondelle"),
    ],
)  # fmt: skip
def test_a_name_explained_by_the_same_word_is_masked(text, secret):
    assert_hidden(text, secret.split(",")[0])


def test_a_comparison_with_another_word_is_kept():
    assert_untouched("Agent : C'est Rapide comme un éclair, ce service ?\nAppelant : oui.")


# --- a form's labels are no names; an initial before a surname belongs to the name ------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Titulaire : Anselme Garrigou\nCo-titulaire : Blanche Garrigou\nVéhicule : vendu",
         "Co-titulaire"),
        ("Message : mon loyer a augmenté.\nNom : Sorbier, prénom : Ambroisine, n° allocataire : "
         "4410732", "prénom"),
    ],
)  # fmt: skip
def test_a_forms_label_is_no_name(text, label):
    from parvis.language.engine import anonymise

    assert label in anonymise(text)[0]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Déclarant : Théophile Marchal\nMessage : l'APL baisse-t-elle ?\nCordialement, "
         "T. Marchal", "T. Marchal"),
    ],
)  # fmt: skip
def test_an_initial_before_a_surname_is_masked(text, secret):
    assert_hidden(text, secret)


def test_a_civility_before_a_surname_is_not_an_initial():
    from parvis.language.engine import anonymise

    assert anonymise("Bonjour, M. Sorbier m'a dit de vous écrire.")[0].startswith("Bonjour, M. ")


# --- two words in lower case after « je m'appelle », « c »; a compound of a found name -------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Citoyen : bonjour je m'appelle désiré fournier\nAgent : Bonjour monsieur.",
         "désiré fournier"),
        ("Citoyen : ok merci dites lui que c thomas gateau", "thomas gateau"),
        ("Vous : mon permis est au nom de lemarchand\nVous : maintenant c lemarchand-dufour\n"
         "Agent : Bonjour.", "lemarchand-dufour"),
    ],
)  # fmt: skip
def test_a_name_introduced_in_lower_case_or_compounded_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Citoyen : bonjour c'est claire maintenant\nAgent : Très bien.",
        "Citoyen : je suis très contente\nAgent : Tant mieux.",
        "Vous : j'ai rendez-vous à Saint-Pierre avec Pierre Lebon\nAgent : noté",
    ],
)
def test_no_pair_or_compound_without_a_name(text):
    from parvis.language.engine import anonymise

    masked = anonymise(text)[0]
    assert "claire maintenant" in masked or "très contente" in masked or "Saint-Pierre" in masked


# --- a capitalised word-name found once comes back capitalised --------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Agent : Votre nom ?\nAppelant : Vert. V-E-R-T. Prosper Vert.\nAgent : Merci.",
         "Prosper Vert"),
    ],
)  # fmt: skip
def test_a_found_word_name_is_masked_where_it_comes_back(text, secret):
    assert_hidden(text, secret)


def test_the_word_after_an_article_stays_a_word():
    from parvis.language.engine import anonymise

    masked = anonymise(
        "Bonjour,\nMme Marine Soubeyran, ancienne de la Marine nationale, demande sa pension."
    )[0]
    assert "de la Marine nationale" in masked


# --- the writer's capitalised word after a greeting and « ici » / « c » -----------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour, ici Lavande, en arrêt depuis le 3/11, toujours pas d'IJ. Merci", "Lavande"),
        ("Coucou c Pâquerette ta nounou, pas reçu le cesu de novembre", "Pâquerette"),
    ],
)  # fmt: skip
def test_the_writer_opening_with_a_capitalised_word_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, ici Pôle solidarité, votre dossier est complet.",
        "Bonjour, c'est Urgent, mon RSA n'est pas arrivé.",
    ],
)
def test_an_opening_capitalised_word_that_names_no_one_is_kept(text):
    assert_untouched(text)


# --- two words in lower case after « mon père », « ma fille » ---------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Citoyen : bonjour mon père prosper tilleul est décédé en mars", "prosper tilleul"),
        ("Citoyen : c'est pour ma fille aurore marronnier\nAgent : Bonjour.",
         "aurore marronnier"),
    ],
)  # fmt: skip
def test_a_relative_named_in_lower_case_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Citoyen : mon fils constant travaille bien à l'école\nAgent : Très bien.",
        "Citoyen : ma fille aînée est partie\nAgent : D'accord.",
    ],
)
def test_a_relative_followed_by_words_is_kept(text):
    from parvis.language.engine import anonymise

    masked = anonymise(text)[0]
    assert "travaille bien" in masked or "aînée est" in masked


# --- a caller's turn that is nothing but a name; the name again in lower case -----------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Vous : je prépare la retraite de mon père\nVous : prosper cormier\nAgent : Bonjour.\n"
         "Vous : cormier prosper c bien lui", ["prosper cormier", "cormier prosper"]),
        ("Citoyen : le dossier de ma femme\nCitoyen : aurore noisetier\nAgent : Bien reçu.",
         ["aurore noisetier"]),
    ],
)  # fmt: skip
def test_a_name_alone_on_a_callers_turn_or_repeated_in_lower_case_is_masked(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "Vous : je voudrais une attestation\nVous : claire nette\nAgent : Bien sûr.",
        "Citoyen : merci beaucoup\nAgent : Avec plaisir.",
    ],
)
def test_a_callers_short_turn_without_a_name_is_kept(text):
    assert_untouched(text)


# --- a given name explained by what the word names --------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Citoyen : bonjour c'est pour ma belle-mère\nCitoyen : violette comme la fleur lol\n"
         "Agent : Bonjour.", "violette"),
        ("Appelante : Le prénom ? Prune, comme le fruit.\nAgent : Merci.", "Prune"),
    ],
)  # fmt: skip
def test_a_given_name_explained_by_what_it_names_is_masked(text, secret):
    assert_hidden(text, secret)


def test_a_comparison_with_a_kind_without_a_given_name_is_kept():
    assert_untouched("Citoyen : c'est clair comme le jour\nAgent : Tant mieux.")


# --- a word closing a line, spelled on the next one -------------------------------------------


def test_a_word_spelled_on_the_next_line_is_masked():
    assert_hidden(
        "Citoyen : mon nom c'est tilleul\nCitoyen : T I L L E U L\nAgent : Merci.", "tilleul"
    )


def test_a_word_followed_by_other_letters_is_kept():
    from parvis.language.engine import anonymise

    assert "dossier" in anonymise("Citoyen : j'ai le dossier\nCitoyen : A B C\nAgent : ok")[0]


# --- a listed surname in lower case, then who the person is -----------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Citoyen : je dors chez fournier un pote depuis une semaine", "fournier"),
        ("Citoyen : la voiture de bourdon mon beau-frère est à mon nom", "bourdon"),
        ("Citoyen : j'ai travaillé chez cordier le plombier jusqu'en mai", "cordier"),
    ],
)
def test_a_surname_followed_by_who_the_person_is_is_masked(text, secret):
    assert_hidden(text, secret)


def test_a_trade_after_an_article_is_kept():
    assert_untouched("Citoyen : je passe chez le boulanger un peu plus tard\nAgent : ok")


# --- a newborn's given name after « accouché … de », twins' given names -----------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Citoyen : jai accouché le 4 mars de capucine\nAgent : Félicitations !", ["capucine"]),
        ("Citoyen : les jumelles fleur et perle sont nées hier\nAgent : Félicitations !",
         ["fleur", "perle"]),
    ],
)  # fmt: skip
def test_a_newborns_or_twins_given_names_are_masked(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "Citoyen : j'ai accouché d'une fille le 4 mars\nAgent : Félicitations !",
        "Citoyen : les jumeaux dorment mieux maintenant\nAgent : Tant mieux !",
    ],
)
def test_a_birth_without_a_given_name_is_kept(text):
    assert_untouched(text)


# --- found after the pass, on made-up probes: « tout à l'heure » with its accent ------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("oui c'est moi qui ai parlé avec gaspard tout à l'heure", ["gaspard"]),
        ("j'ai parlé avec ysaline aujourd’hui", ["ysaline"]),
    ],
)
def test_a_lower_case_name_talked_with_before_when_written_with_accents(text, secrets):
    # The time after the person (« tout à l'heure », « aujourd’hui ») was read without its
    # accent or with a straight apostrophe only.
    assert_hidden(text, *secrets)
