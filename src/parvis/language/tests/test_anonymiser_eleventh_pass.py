"""Anonymisation, issue 12 eleventh pass: names that are French words where only a name
fits (a surname that is also a shop, one word after the last full stop, « Fait à …, »
before a signature, more of a form's person labels, « Nom - … »), given names that are
words by their cue or their place in chats (in lower case, an agent's self-introduction,
joined by « et »), the answer to « votre nom ? » with a maiden name, and addresses (a
care-of before the street, a city's district, Breton streets, a lower-case town after an
address's cue).

Every name, number and address below is invented for this file; none comes from an
evaluation set. Each category has its guards (what must stay unmasked) next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- a surname that is also a shop's name, where only a name fits ---------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour, mon dossier est bloqué depuis un mois.\nMerci\nBoulanger", "Boulanger"),
        ("Je n'ai pas eu de réponse.\n\nCordialement,\nBoulanger", "Boulanger"),
        ("Bonjour, je m'appelle Boulanger, j'ai un souci avec ma pension", "Boulanger"),
        ("merci de rappeler, c'est de la part de Boulanger", "Boulanger"),
    ],
)  # fmt: skip
def test_a_surname_that_is_a_shop_where_a_name_fits(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "J'ai acheté un lave-linge chez Boulanger, la facture suffit-elle ?",
        "Je travaille au Leclerc de la zone commerciale depuis mars.",
        "le boulanger m'a dit que la boutique fermait en août",
        "J'ai commandé sur Boulanger un frigo, il est arrivé cassé.",
    ],
)
def test_a_shop_with_its_cue_stays(text):
    assert_untouched(text)


# --- a listed surname alone after the last full stop ----------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Toujours rien reçu pour mon remboursement, je suis très déçu. Renard", "Renard"),
        ("Trois relances sans réponse. Boucher", "Boucher"),
        # a surname that is also a town's name
        ("Je vous remercie de traiter ma demande rapidement. Blanc", "Blanc"),
        # a surname that is a noun, listed or not
        ("Toujours rien reçu, je suis très mécontent. Marteau", "Marteau"),
        ("Merci de me rappeler avant vendredi ! Pommier", "Pommier"),
    ],
)  # fmt: skip
def test_a_listed_surname_after_the_last_full_stop(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Je n'ai rien reçu. Urgent",
        "Le courrier est arrivé abîmé. Dommage",
        "Je voudrais savoir où en est mon dossier, merci. Cordialement",
        "Vous trouverez le document en pièce jointe. Annexe",
        "Je ne comprends pas. Aidez-moi",
        "J'ai payé le 3 mars. Facture",
        "J'attends depuis trois mois. Relance",
        "Tout est réglé. Parfait",
    ],
)
def test_a_closing_word_after_the_last_full_stop_stays(text):
    assert_untouched(text)


# --- « Fait à …, le …, » before who signs ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Je demande le réexamen de mes droits.\nFait à Niort, le 4 avril 2025, Chevalier",
         "Chevalier"),
        ("Je certifie l'exactitude de ces informations.\nFait à Dax, Boucher", "Boucher"),
        # the date first, then the place
        ("Je conteste la décision.\nFait le 3 mars 2025 à Lyon, Pommier", "Pommier"),
    ],
)  # fmt: skip
def test_the_signer_after_the_place_and_date_of_a_letter(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Fait à Rennes, le 2 mai 2025,\nSignature",
        "Fait à Tours, Pour servir et valoir ce que de droit.",
        "Le travail est fait à Brest, Merci de votre aide.",
        "Le dépôt a été fait le 3 mars à Lyon, Pour information.",
    ],
)
def test_what_follows_a_letter_s_place_and_date_that_is_no_name_stays(text):
    assert_untouched(text)


# --- a form's person labels: who pays, who died, who is treated or taught, who signs ---------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Demande en ligne\nContribuable : Marchand\nObjet : taxe foncière", "Marchand"),
        ("Redevable : Petit\nMontant : 138 €", "Petit"),
        ("Patiente : Lebrun Aurore\nService : cardiologie", "Lebrun Aurore"),
        ("Élève : Chevalier Ambre\nClasse : CM2", "Chevalier Ambre"),
    ],
)  # fmt: skip
def test_more_of_a_form_s_person_labels(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Contribuable : non imposable\nObjet : taxe foncière",
        "Patient : hospitalisé depuis lundi",
    ],
)
def test_a_description_under_a_person_label_stays(text):
    assert_untouched(text)


# --- given names that are words, in lower case, by their cue ---------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # « de » not elided before a vowel: a name, not a word
        ("bjr j'ai raté le baptême de ambre samedi, je peux avoir l'attestation ?", "ambre"),
        ("ok je suis la mère de olive voila", "olive"),
        # after an event's « de », at the end of the clause
        ("c pour les soins de céleste svp", "céleste"),
        # word given names added to the list (« vital », « urbain », « martial »…), after a
        # relative, before the clause's verb or at the end of the line
        ("c'est mon gendre vital qui a fait la demande en ligne", "vital"),
        ("c'est pour la naissance de mon fils vital\nil est né le 2 mars", "vital"),
        ("mon beau-frère urbain, il paye le loyer", "urbain"),
        # who the writer had on the phone
        ("ok alors j'ai eu olive au téléphone hier voila", "olive"),
        # « avec » then « on »: no manner
        ("avec mélodie on a appelé deux fois", "mélodie"),
        # a relative in apposition: no namesake of a house
        ("la taxe de la maison de ambre ma tante est arrivée chez moi", "ambre"),
        # who one is partnered with or separated from
        ("on s'est pacsés avec perle en mai, je dois le déclarer ?", "perle"),
        ("je suis séparée de constant depuis janvier", "constant"),
        ("je suis mariée avec prosper depuis 2010", "prosper"),
        # a subject without an article after « que », « quand », before its verb
        ("le loyer est impayé depuis que prosper est parti", "prosper"),
        ("je vous écris parce que céleste ne paye plus la pension", "céleste"),
        ("ok et quand perle m'a appelé j'étais au travail", "perle"),
        # a family after « chez les »
        ("je travaille chez les Marchand à la ferme depuis mai", "Marchand"),
    ],
)  # fmt: skip
def test_a_word_name_by_its_cue(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "c'est une maison de fortune, on attend le relogement.",
        "il a attrapé un coup de soleil au travail",
        "je demande un délai de grâce svp",
        "la mère de famille est venue au guichet",
        "avec patience on y arrive",
        "on s'est mariés avec joie et on déclare ensemble",
        "il faut attendre depuis que patience est notre seule option",
        "je pense que noel est le 25 cette année",
        "mon fils juste avant a appelé le service",
        "je suis hébergé chez les Restos du coeur",
        "les cours vont de avril à juin",
        "j'ai eu peur au téléphone, la dame criait",
        "il y a une fleur au milieu du logo",
    ],
)
def test_the_same_words_as_words_stay(text):
    assert_untouched(text)


# --- a name's label with a dash or an equals sign -------------------------------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("Nom - Fontaine\nPrénom - Claire\nObjet - ma demande de logement",
         ["Fontaine", "Claire"]),
        ("Nom = Petit\nPrénom = Rose\nMessage = où en est mon dossier ?", ["Petit"]),
        ("Nom de naissance – Chevalier\nPrénom – Olive", ["Chevalier", "Olive"]),
    ],
)  # fmt: skip
def test_a_name_after_a_dash_or_an_equals_sign(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "Nom - non renseigné\nObjet - ma demande de logement",
        "Objet - Petit souci avec mon dossier",
        "Prénom - à compléter",
    ],
)
def test_no_name_after_a_dash_stays(text):
    assert_untouched(text)


# --- a listed surname that is a word, introduced in lower case at the opening of a turn -----


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bonjour c'est fontaine je vous appelle pour mon dossier", "fontaine"),
        ("usager: bonjour c'est boulanger je voulais savoir pour la prime", "boulanger"),
        ("agent: caf bonjour\nusager: bonjour c'est prune on s'était parlé hier", "prune"),
    ],
)  # fmt: skip
def test_a_listed_word_name_introduced_at_the_opening(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "bonjour je suis boucher de métier et je cherche du travail",
        "bonjour c'est bon je viens de recevoir le papier",
        "usager: le plus simple c'est fontaine de la place je pense",
    ],
)
def test_a_word_after_an_introduction_that_is_no_name_stays(text):
    assert_untouched(text)


# --- a care-of or a site's name before the street, under the writer's name ----------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour,\n\nCi-joint mon attestation de domiciliation.\n\nAlix Fermier\n"
         "c/o Secours populaire, 9 rue des Acacias 75020 paris\nalloc 1234567",
         "c/o Secours populaire, 9 rue des Acacias 75020 paris"),
        ("Bonjour,\nJe suis sans domicile fixe.\nMerci.\nMarc Trébuchet\n"
         "Secours populaire, 9 rue des Acacias, 31000 Toulouse",
         "Secours populaire, 9 rue des Acacias, 31000 Toulouse"),
    ],
)  # fmt: skip
def test_a_care_of_before_the_street_under_the_writer_s_name(text, secret):
    assert_hidden(text, secret)


def test_a_desk_before_a_street_in_a_sentence_is_not_extended():
    from parvis.language.engine import anonymise

    text = "Bonjour,\nle guichet de la mairie est fermé, 9 rue des Acacias. Pourquoi ?"
    masked, _ = anonymise(text)
    assert "le guichet de la mairie est fermé" in masked


# --- Breton streets with their article --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Mon adresse a changé : 6 hent ar Menez, à Plouzané.", "6 hent ar Menez"),
        ("Mon adresse a changé : 12 straed an Aod, à Roscoff.", "12 straed an Aod"),
    ],
)  # fmt: skip
def test_a_breton_street_with_its_article(text, secret):
    assert_hidden(text, secret)


def test_a_breton_street_named_without_a_number_stays():
    assert_untouched("le hent ar Stêr est fermé pour travaux")


# --- a city's district after the address -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("j'habite 3 rue des Pins 13008 Marseille 8e", "3 rue des Pins 13008 Marseille 8e"),
        ("j'habite 4 rue Oberkampf, Paris 11e depuis mars", "4 rue Oberkampf, Paris 11e"),
        ("mon adresse : 8 rue Garibaldi, Lyon troisième", "8 rue Garibaldi, Lyon troisième"),
        ("la nouvelle c'est 3 av de la gare 33200 bordeaux caudéran. le bail commence",
         "3 av de la gare 33200 bordeaux caudéran"),
    ],
)  # fmt: skip
def test_a_city_s_district_after_the_address(text, secret):
    assert_hidden(text, secret)


def test_a_french_word_after_the_town_is_no_district():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("j'habite 3 rue des Pins 33000 Bordeaux depuis. merci")
    assert masked.endswith(" depuis. merci")


# --- the answer to « votre nom ? » with a maiden or married name -----------------------------


def test_a_name_answered_with_a_maiden_name_then_a_birth_date():
    assert_hidden(
        "Agent : Votre nom ?\nAppelant : Morgane Le Bihan, née Kerjean. Née le douze mars.",
        "Morgane Le Bihan",
        "Kerjean",
    )


def test_a_second_sentence_of_the_answer_is_still_read():
    assert_hidden(
        "Agent : Vous êtes son fils ?\nAppelant : oui, Sékou. Sékou Camara.", "Sékou Camara"
    )


# --- a town in lower case before the street, after an address's cue, in a mixed text --------


def test_a_lower_case_town_after_an_address_cue_in_a_mixed_text():
    assert_hidden(
        "bjr ma carte est arrivée au nom de Dupuis Léa alors que je suis Dupuis-Le Gall. "
        "adresse lorient, 3 impasse des lilas si besoin",
        "lorient, 3 impasse des lilas",
    )


def test_a_lower_case_town_without_an_address_cue_is_not_taken():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("Bonjour Mme Roy, je passe par lorient, 3 rue du port est fermé")
    assert "je passe par lorient," in masked


# --- a word name greeted, or opening a turn before « il » / « elle » -------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("usager: bonjour claire c'est encore moi pour le dossier", "claire"),
        ("agent: caf bonjour\nusager: jade elle a eu son bac, elle garde l'apl ?", "jade"),
        ("capucine elle va avoir 18 ans en mai, on fait quoi", "capucine"),
    ],
)  # fmt: skip
def test_a_word_name_greeted_or_opening_a_turn(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "usager: maman elle a 80 ans et elle vit seule",
        "usager: bonjour juste une question sur la prime",
        "usager: bonjour madame c'est pour l'apl",
    ],
)
def test_a_role_or_a_word_after_a_greeting_stays(text):
    assert_untouched(text)


# --- more of a form's person labels: who sends, shares a lease, inherits, is widowed --------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Formulaire de contact\nÉmetteur : Pommier\nMessage : merci de me répondre.",
         "Pommier"),
        ("Colocataire : Marteau Capucine\nLoyer : 640 €", "Marteau Capucine"),
        ("Ayant droit : Chapeau\nLien : fils", "Chapeau"),
        ("Veuve : Pigeon\nDate du décès : 3 janvier", "Pigeon"),
        ("Héritier : Rossignol\nNotaire : Maître Dubreuil", "Rossignol"),
    ],
)  # fmt: skip
def test_more_person_labels_of_a_form(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Famille : monoparentale\nMessage : merci",
        "Garant : Action Logement",
        "Caution : Visale",
        "Accompagnant : association Emmaüs",
        "Émetteur : CAF de la Gironde",
        "Ayant droit : mon fils",
    ],
)
def test_a_body_or_a_description_under_those_labels_stays(text):
    assert_untouched(text)


# --- a name in lower case closing a message after a closing word ------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bonjour je voudrais savoir pour mon dossier\ncordialement rose marteau",
         "rose marteau"),
        ("slt c'est pour l'apl de ma fille. merci bcp jade", "jade"),
        ("la prime est pas arrivée\ncordialement\nmarteau capucine", "marteau capucine"),
        # a given name that is a word opening an SMS signature before a phone number
        ("toujours rien recu. blanche chapeau 06 12 34 56 78", "blanche chapeau"),
    ],
)  # fmt: skip
def test_a_lower_case_name_closing_a_message(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "merci pour votre aide",
        "cordialement et bonne journée",
        "merci d'avance pour la réponse",
        "cordialement votre allocataire",
        "merci bien",
    ],
)
def test_a_closing_phrase_in_lower_case_stays(text):
    assert_untouched(text)


# --- a word name found once, back with its surname ------------------------------------------


def test_a_word_name_found_once_comes_back_with_its_surname():
    assert_hidden(
        "usager : ma propriétaire s'appelle perle\nusager : perle gaudichon\nagent : merci",
        "perle gaudichon",
    )


def test_a_word_name_as_a_word_elsewhere_stays_a_word():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("usager : ma fille s'appelle perle\nusager : une perle rare cette petite")
    assert masked.endswith("une perle rare cette petite")


# --- an agent introducing themself ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # a first name the vocabulary knows as a word (« aurélien », « lucien »)
        ("salut je comprends pas\nAgent : Bonjour, je suis Aurélien. Le trop-perçu date "
         "de mars.", "Aurélien"),
        ("Usager : bonjour\nConseiller : Bonjour, je suis Aurélien, que puis-je faire ?",
         "Aurélien"),
    ],
)  # fmt: skip
def test_an_agent_introducing_themself(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Usager : bonjour\nAgent : je suis Navrée, le service est fermé.",
        "Usager : bonjour\nAgent : Bonjour, je suis Conseillère à la CAF.",
        "Usager : bonjour je suis Algérien, j'ai une carte de résident",
    ],
)
def test_an_agent_s_state_or_a_nationality_stays(text):
    assert_untouched(text)


# --- a capitalised word name joined to a name -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("mes enfants Perle et Constant vont à l'école du quartier", "Constant"),
        ("conseillère je vois deux enfants à charge\nappelante oui Perle et Constant\n"
         "conseillère d'accord", "Constant"),
    ],
)  # fmt: skip
def test_a_capitalised_word_name_joined_to_a_name(text, secret):
    assert_hidden(text, secret)


def test_a_capitalised_word_joined_to_a_name_that_is_no_given_name_stays():
    from parvis.language.engine import anonymise

    masked, _ = anonymise("J'ai vu Mme Perrot et Associés pour le bail.")
    assert "et Associés" in masked


# --- a listed surname that is a word, in a cleft (« c'est … qui m'a dit ») --------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("ok alors c'est fontaine qui m'a dit d'attendre", "fontaine"),
        ("je vous écris car c'est berger qui s'occupe de mon dossier", "berger"),
        ("ok je suis la mère de olive voila", "olive"),
        ("ok alors je suis la mère de mélodie voila", "mélodie"),
    ],
)  # fmt: skip
def test_a_listed_word_name_in_a_cleft_or_before_voila(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "le plus dur c'est petit qui le dit",
        "c'est blanc qui est écrit sur le papier",
    ],
)
def test_a_description_in_a_cleft_stays(text):
    assert_untouched(text)
