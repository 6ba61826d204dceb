"""Anonymisation, issue 12 seventh pass: categories read on the independent set's text-free
breakdown of leaks (`leak_profile.py`) and on the development sets' errors: an allocataire
number in any written grouping closing a form, …

Every name, number and address below is invented for this file; none comes from an
evaluation set. Each category has its false-positive guards next to it.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- seven digits with separators closing a form ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Nom : Lambert\nQuestion : je n'ai pas reçu le paiement, pouvez-vous vérifier ?\n"
            "12 34 567",
            "12 34 567",
        ),
        ("Question : pouvez-vous vérifier mon dossier ? 123 45 67", "123 45 67"),
        ("Question : pouvez-vous vérifier ?\nCode : 123.45.67", "123.45.67"),
        ("Objet : attestation\nMessage : merci de me l'envoyer.\n1234-567", "1234-567"),
    ],
)
def test_seven_digits_in_groups_closing_a_form(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Question : pouvez-vous vérifier ?\nRéférence : 123 45 67",
        "Question : combien vais-je toucher ?\nMontant : 1 234 567",
        "Question : où en est mon colis ?\nN° de commande : 123 45 67",
        "Merci de votre aide.\nLe 12.03.2024",
    ],
)
def test_seven_digits_closing_a_form_under_another_reference_are_kept(text):
    assert_untouched(text)


# --- a name before a firm's name, a desk's address, a vehicle's sticker ----------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Question : Mon voisin Ignace Boulanger ne reçoit plus ses courriers",
            "Ignace Boulanger",
        ),
        ("J'ai vu Ignace Boulanger hier.", "Ignace Boulanger"),
    ],
)
def test_an_unknown_first_name_before_a_firms_name_makes_a_person(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai acheté un frigo chez Boulanger et Darty",
        "Question : j'ai travaillé chez Auchan puis chez Boulanger",
        "Question : Magasin Boulanger de Rennes, je suis vendeur",
        "Objet : voiture\nMessage : mon véhicule Crit'Air 4 peut-il circuler ?",
        "Organisme : CAF de la Loire-Atlantique\nAdresse de l'accueil : 10 rue de la Victoire, "
        "Nantes\nHoraires : du lundi au vendredi",
        "Adresse de l'agence : 4 place Graslin, 44000 Nantes",
    ],
)
def test_firms_desks_and_stickers_are_kept(text):
    assert_untouched(text)


def test_a_citizens_address_under_its_label_is_masked():
    assert_hidden("Adresse : 10 rue de la Victoire, Nantes", "10 rue de la Victoire, Nantes")


# --- a NIR read aloud in parts, the agent acknowledging each ---------------------------------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        (
            "agent votre numéro de sécurité sociale\nusager un quatre-vingt-cinq zéro trois\n"
            "agent oui\nusager soixante-quinze cent douze trois cent quarante-cinq vingt-deux",
            ("un quatre-vingt-cinq zéro trois", "soixante-quinze cent douze trois cent"),
        ),
        (
            "agent: votre numéro de sécu\nusager: un quatre-vingt-cinq zéro trois soixante-quinze"
            "\nagent: d'accord je note\nusager: cent douze trois cent quarante-cinq\nagent: oui\n"
            "usager: clé vingt-deux",
            ("cent douze trois cent quarante-cinq", "clé vingt-deux"),
        ),
        (
            "agent votre numéro de sécurité sociale\nusager un quatre-vingt-cinq\nagent oui\n"
            "usager zéro trois\nagent hm\nusager soixante-quinze cent douze\nagent oui\n"
            "usager trois cent quarante-cinq vingt-deux",
            ("un quatre-vingt-cinq", "zéro trois", "trois cent quarante-cinq vingt-deux"),
        ),
    ],
)
def test_a_nir_read_in_parts_across_turns(text, secrets):
    assert_hidden(text, *secrets)


@pytest.mark.parametrize(
    "text",
    [
        "agent votre numéro de sécurité sociale\nusager deux\nagent oui\nusager trois enfants",
        "agent vous avez quel âge\nusager un\nagent oui\nusager quatre-vingt-cinq ans",
    ],
)
def test_numbers_in_turns_that_make_no_nir_are_kept(text):
    assert_untouched(text)


# --- an address at the end of an email's body: a town first, a regional street type --------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Bonjour,\npouvez-vous m'envoyer le document à Trégunc, 8 hent Kerouel",
            "Trégunc, 8 hent Kerouel",
        ),
        ("Bonjour,\nje loge chez un ami à Arles, 7 mas des Saules", "Arles, 7 mas des Saules"),
        (
            "Bonjour,\nmon adresse : 12 les Hauts de Kerlann, Vannes",
            "12 les Hauts de Kerlann, Vannes",
        ),
        (
            "Bonjour,\nje vous écris car j'ai déménagé, nouvelle adresse Sète, 12 quai de Bosc",
            "Sète, 12 quai de Bosc",
        ),
        ("Bonjour,\nVoici mon adresse : Gap, 3 montée des Cèdres", "Gap, 3 montée des Cèdres"),
    ],
)
def test_an_address_ending_an_email_town_first(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour,\nj'ai rendez-vous à Arles, 7 mas ont brûlé cet été.",
        "Mon adresse mail a changé : 3 jours, Lyon",
        "Objet : adresse\nCoordonnées : 2 enfants, Lyon",
        "Les mas de Provence sont beaux.",
        "Nous avons visité 3 mas en Camargue.",
        "Adresse de l'accueil : bâtiment B, Nantes",
    ],
)
def test_numbers_and_towns_that_make_no_address_are_kept(text):
    assert_untouched(text)


# --- a first name in lower case after a preposition or thanks, by what follows --------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("[Vous] bjr c pour la carte vitale de modeste mon fils", "modeste"),
        ("[Vous] la conseillère a dit a yanis de rappeler", "yanis"),
        ("[Vous] je remplis pour noémie qui est handicapée", "noémie"),
        ("[Vous] ok merci bcp ghislaine", "ghislaine"),
        ("[Vous] jai la garde alternée de maëlys avec son père", "maëlys"),
    ],
)
def test_a_lower_case_name_after_a_preposition_by_what_follows(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "[Vous] j'ai un rdv avec pole emploi qui est fermé",
        "[Vous] merci bcp bisous",
        "[Vous] merci beaucoup cdt",
        "[Vous] je suis allé chez darty qui m'a refusé",
        "[Vous] je travaille pour ubereats qui ne paye pas",
        "[Vous] c'est pour la paje qui est en retard",
        "[Vous] jai vu le courier de lalocation est arrivé",
        "[Vous] je vais sur doctolib qui marche pas",
        "[Vous] je fais ça pour aider mon fils.",
        "[Vous] de nouveau mon fils est malade",
    ],
)
def test_words_after_a_preposition_that_are_nobody_are_kept(text):
    assert_untouched(text)


# --- a full name of French words opening a form's line ---------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Message : Bonjour\nConstant Marin souhaite un rendez-vous.", "Constant Marin"),
        ("Message : Bonjour\nBlanche Neveu souhaite un rendez-vous.", "Blanche Neveu"),
        ("Modeste Pasteur, retraité, demande la révision de sa pension.", "Modeste Pasteur"),
    ],
)
def test_a_full_name_of_french_words_opening_a_line(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Fleur Bleue est le nom de la crèche.",
    ],
)
def test_word_pairs_that_are_things_are_kept(text):
    masked, _ = anonymise(text)
    assert "[NOM]" not in masked


# --- what names no one: a tax notice's reference, a reference code, an administration's
# address in a sentence, a street named after a doctor, the GRETA ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Objet : taxe foncière\nRéférence de l'avis : 25 44 7654321 18. Le montant a doublé.",
        "Bjr je peux payer en 3 fois la taxe foncière ? avis 25 71 8812034 33",
        "Dossier MSA Bretagne, référence ADH-2025-443812. L'appel est arrivé en retard.",
        "Bonjour,\nl'accueil de la CAF, 12 rue des Lilas à Rennes, est-il ouvert le lundi ?",
        "Bonjour,\nLe tribunal judiciaire à Lyon, 67 rue Servient, reçoit-il sans rendez-vous ?",
        "J'ai envoyé le dossier à la CPAM, rue du Docteur Moreau-Lasalle.\nMerci",
        "Bonjour,\nLe Greta du Velay propose-t-il la formation d'aide-soignant ?",
    ],
)
def test_references_and_public_addresses_are_kept(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Mon numéro fiscal : 1234567890123", "1234567890123"),
        (
            "Je suis domicilié au CCAS :\nAngers, CCAS, 3 rue des Ardoises, 49000 Angers",
            "3 rue des Ardoises, 49000 Angers",
        ),
        (
            "Adresse : aire d'accueil des gens du voyage, emplacement 9, route de Metz, 57000 Metz",
            "emplacement 9, route de Metz, 57000 Metz",
        ),
        ("c'est le cabinet du docteur Olive à Sarlat", "Olive"),
    ],
)
def test_personal_data_beside_an_administration_is_masked(text, secret):
    assert_hidden(text, secret)


# --- an allocataire number announced at the end of a chat; a NIR's key said after it ---------


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        ("ok merci\nje suis jade\net le numéro c'est 6120 448", ("6120 448",)),
        ("Rédigé par la locataire\n5 37 21 09", ("5 37 21 09",)),
        (
            "mon numéro de sécurité sociale il passe pas je vérifie avec vous c'est un "
            "quatre-vingt-sept zéro cinq trente-trois zéro douze zéro quarante-quatre et la clé "
            "c'est trente et un",
            ("quarante-quatre", "trente et un"),
        ),
        (
            "je voudrais ma carte vitale j'ai mon numéro définitif c'est deux zéro quatre zéro "
            "six vingt-neuf trois cent douze zéro dix-huit clé quatre-vingt-deux",
            ("deux zéro quatre zéro six", "quatre-vingt-deux"),
        ),
    ],
)
def test_numbers_announced_at_the_end_and_nir_keys(text, secrets):
    assert_hidden(text, *secrets)


def test_a_number_announced_as_an_order_is_kept():
    assert_untouched("le numéro de commande c'est 123 45 67")


# --- a town written before its street, with or without the number ---------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Merci.\n\nLucie Arnaud\nSaint-Girons, avenue de la Gare",
            "Saint-Girons, avenue de la Gare",
        ),
        (
            "Bonjour,\nLe dossier concerne la maison de Moissac, chemin des Vignes. Merci.",
            "Moissac, chemin des Vignes",
        ),
        ("c'est pour l'appart de quimper, résidence penhars", "quimper, résidence penhars"),
        (
            "je confirme l'adresse c'est bien eysines, 9 rue des lilas, merci",
            "eysines, 9 rue des lilas",
        ),
        ("Domiciliée au CCAS :\nBéziers, CCAS, 4 rue du Temple", "Béziers, CCAS, 4 rue du Temple"),
        (
            "Je n'ai pas déménagé.\nJean Hoarau\nLe Tampon, 12e km, 8 rue de la Plaine",
            "Le Tampon, 12e km, 8 rue de la Plaine",
        ),
        (
            "Je déclare ses revenus. Adresse inchangée : Le Lamentin, quartier Bois Rouge",
            "Le Lamentin, quartier Bois Rouge",
        ),
    ],
)
def test_a_town_before_its_street(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, je vais à Lyon, rue de la République il y a du monde.",
        "Bonjour, la réunion est à Lyon, place Bellecour.",
        "Bonjour, j'habite à Nantes, 12 mars je déménage",
        "Bonjour, le rendez-vous est à la CAF de Nantes, rue Paul Bellamy.",
        "Bonjour, c'est à Paris, 3 fois par semaine",
        "Bonjour, Paris, 12 mars 2026",
    ],
)
def test_a_town_before_no_street_is_kept(text):
    masked, _ = anonymise(text)
    assert "[ADRESSE]" not in masked


# --- first names in lower case by their line and their relatives ----------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("vous pouvez demander à fatima\nc'est elle qui suit le dossier", "fatima"),
        (
            "je viens de me mettre en couple avec djamel\non habite ensemble, je dois le dire ?",
            "djamel",
        ),
        ("j'ai hérité de la maison de mon grand père anselme\nje paye la taxe ?", "anselme"),
        ("je vis avec ma sœur prudence depuis mars, c'est déclaré", "prudence"),
        ("ma belle-mère espérance garde les enfants le mercredi", "espérance"),
        ("il faut voir avec yaelle du ccas mais elle est en congé", "yaelle"),
        ("j'étais saisonnier chez schmitz et je voudrais savoir", "schmitz"),
        ("bonsoir le vendeur c gaëtan il repond plus", "gaëtan"),
    ],
)
def test_a_lower_case_first_name_by_its_line_or_relative(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "on m'a désinscrit de pôle emploi pour une absence",
        "on m a désinscrit de pôle emploi pour une absence",
        "je vis avec ma sœur aînée depuis mars",
        "je suis allée voir avec la dame du ccas",
        "je ne sais pas quoi faire avec\nla caf",
    ],
)
def test_verbs_and_descriptions_after_a_preposition_are_kept(text):
    assert_untouched(text)


# --- a NIR read with fillers, a temporary number, Belgian tens; seven digits ending a form --


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "agent votre numéro de sécurité sociale\nusager alors c'est un quatre-vingt-cinq zéro "
            "trois puis soixante-quinze cent douze ensuite trois cent quarante-cinq et vingt-deux",
            "un quatre-vingt-cinq zéro trois puis soixante-quinze cent douze ensuite trois cent",
        ),
        (
            "usager mon numéro de sécu c'est sept cinquante-cinq zéro trois quatre-vingt-dix-neuf "
            "trois cent douze trois cent quarante-cinq vingt-deux",
            "sept cinquante-cinq zéro trois quatre-vingt-dix-neuf trois cent douze",
        ),
        (
            "usager mon numéro de sécu c'est un quatre-vingt-cinq zéro trois septante-cinq cent "
            "douze trois cent quarante-cinq vingt-deux",
            "un quatre-vingt-cinq zéro trois septante-cinq cent douze",
        ),
        (
            "Objet : paiement\nMessage : je n'ai toujours rien reçu ce mois-ci merci 123 45 67",
            "123 45 67",
        ),
    ],
)
def test_nirs_with_fillers_and_seven_digits_ending_a_form(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Question : je dois rembourser combien 1 234 567",
        "Objet : colis\nMessage : mon suivi 123 45 67",
        "Question : le loyer est de 1 234 567",
        "Question : il y a 1 234 567 habitants",
    ],
)
def test_seven_digits_ending_a_form_as_an_amount_or_reference_are_kept(text):
    assert_untouched(text)


def test_a_filler_after_a_nir_is_not_masked():
    masked, _ = anonymise(
        "usager mon numéro de sécu c'est un quatre-vingt-cinq zéro trois soixante-quinze cent "
        "douze trois cent quarante-cinq enfin je crois"
    )
    assert masked.endswith("[NIR] enfin je crois")


# --- a household or a firm of someone named in full; a full name alone on the last line -----


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Déclaration faite pour le foyer de Killian Rozenn Tanguy\n5.602.481",
            "Killian Rozenn Tanguy",
        ),
        (
            "Mon employeur est la société de Gaspard Lelièvre, qui m'a remis l'attestation.",
            "Gaspard Lelièvre",
        ),
        ("Merci de mettre à jour pour\nYolaine Kerbiriou", "Yolaine Kerbiriou"),
        ("Merci de mettre à jour pour\nYolaine Marchand", "Yolaine Marchand"),
    ],
)
def test_a_household_of_someone_or_a_name_closing_the_form(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "je suis au lycée Victor Hugo depuis septembre",
        "Question : où en est mon dossier\nCaisse Primaire",
        "Question : où en est mon dossier\nService Client",
        "je travaille à la boulangerie de la Gare",
    ],
)
def test_namesakes_and_closing_labels_are_kept(text):
    masked, _ = anonymise(text)
    assert "[NOM]" not in masked


# --- a NIR read aloud where nothing names it ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "agent vous avez votre numéro\nusager oui c'est un quatre-vingt-cinq zéro trois "
        "soixante-quinze cent douze trois cent quarante-cinq",
        "agent je vous écoute\nusager alors un quatre-vingt-cinq zéro trois soixante-quinze cent "
        "douze trois cent quarante-cinq quatre-vingt-quatorze",
    ],
)
def test_a_nir_read_aloud_by_its_shape(text):
    assert_hidden(text, "quatre-vingt-cinq zéro trois soixante-quinze cent douze")


def test_an_amount_read_aloud_is_no_nir():
    assert_untouched(
        "usager j'ai payé un quatre-vingt-cinq zéro trois soixante-quinze cent douze trois cent "
        "quarante-cinq euros"
    )


# --- « chez » a first name, « c'est » a name, a lawyer's client ------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("je bosse chez pierre le boulanger depuis septembre", "pierre"),
        ("j'étais saisonnier chez albert fourcade dans les vignes", "albert fourcade"),
        ("elle s'appelle maëlle et le petit c'est noham elle me demande", "noham"),
        ("pour le dossier de ma cliente sandra elle a déposé une demande", "sandra"),
    ],
)
def test_a_first_name_after_chez_c_est_or_a_client(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "je vais chez carrefour market",
        "c'est ameli qui rembourse",
    ],
)
def test_firms_and_administrations_after_chez_or_c_est_are_kept(text):
    masked, _ = anonymise(text)
    assert "[NOM]" not in masked


def test_a_first_name_that_is_a_word_opening_a_name_line():
    assert_hidden(
        "Merci.\n\nCordialement,\nMai Linh Nguyen\nVilleurbanne, 128 cours Émile Zola",
        "Mai Linh Nguyen",
    )


def test_a_greeting_before_a_name_is_not_the_name():
    masked, _ = anonymise("Cordialement\nMerci Julien Kerbiriou")
    assert masked.startswith("Cordialement\nMerci [NOM]")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bjr jai pas pu mactualiser le site bug. Loup Estève id 4471203Z", "Loup Estève"),
        ("merci d'avance. Colombe Kerbiriou n° 1234567", "Colombe Kerbiriou"),
    ],
)
def test_a_name_signing_before_an_identifier(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    ["Ma Carte Vitale n° 123", "Pôle Emploi id 1234567", "Service Client n° 12345"],
)
def test_capitalised_words_before_an_identifier_that_are_no_name_are_kept(text):
    masked, _ = anonymise(text)
    assert "[NOM]" not in masked


# --- a birth day and month, « c'est X et », « je suis X Y sa sœur » --------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("cc c pour ma fille elle est née le 3/11 merci de me rappeler", "3/11"),
        ("je me suis mariée, maintenant c'est kerbiriou et je voudrais changer", "kerbiriou"),
        ("moi je suis pascale bernardini sa sœur et son numéro de sécu", "pascale bernardini"),
    ],
)
def test_a_birth_day_a_new_name_and_a_speaker_named_with_a_relative(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "je suis allée voir sa sœur",
        "je suis partie chez sa sœur",
        "je suis arrivé le 3/11",
        "c'est bloqué et je ne sais pas",
    ],
)
def test_visits_arrivals_and_states_are_kept(text):
    assert_untouched(text)


def test_a_listed_first_name_that_is_a_word_ending_the_line_after_par():
    assert_hidden("envoyé hier par aurore\nc'est moi qui ai fait la demande", "aurore")


@pytest.mark.parametrize("text", ["j'ai envoyé par courrier\nmerci", "je paie par carte\nmerci"])
def test_means_ending_the_line_after_par_are_kept(text):
    assert_untouched(text)
