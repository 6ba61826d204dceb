"""Anonymisation, issue 12 twentieth pass: the categories the independent set still leaks,
read from its text-free leak profile (never its texts) and rebuilt here from made-up
cases: an e-mail address written to escape robots (« [at] », « (arobase) », « [dot] », a
dot with a space, a comma for the dot, a provider without its domain) or a desk's address
in the previous message an e-mail quotes; a street named after a public building (« rue
de la Poste », « place de la Mairie ») standing alone as someone's address; a street line
whose town carries its département, region or country; a name closing a chat or a message
after a sign-off (« merci pour tout Xavéria »).

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.engine import anonymise
from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- e-mail addresses written to escape robots ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "mon mail : lucille.perrot [at] gmail [dot] com merci",
            "lucille.perrot [at] gmail [dot] com",
        ),
        ("Contact : gaston.vidal[at]orange[dot]fr", "gaston.vidal[at]orange[dot]fr"),
        ("écrivez-moi à ines.roussel (arobase) free.fr svp", "ines.roussel (arobase) free.fr"),
        ("mail: tom.bardin{at}laposte.net", "tom.bardin{at}laposte.net"),
        ("adresse : yvon.lecoq(a)wanadoo.fr", "yvon.lecoq(a)wanadoo.fr"),
        ("Mon adresse est noemie.faure@gmail .com, merci", "noemie.faure@gmail .com"),
        ("courriel : basile.marchal@sfr. fr", "basile.marchal@sfr. fr"),
        ("mon mail c'est romain.tessier@hotmail,com", "romain.tessier@hotmail,com"),
        ("vous pouvez m'écrire sur anais.leroux@gmail", "anais.leroux@gmail"),
        ("> Courriel : aline.morin＠yahoo.fr a été enregistré", "aline.morin＠yahoo.fr"),
        ("mon adresse : claude.petit@@orange.fr", "claude.petit@@orange.fr"),
        ("Contact : celia.boyer@asso-quartier.bretagne", "celia.boyer@asso-quartier.bretagne"),
        ("jules dot garnier at gmail dot com", "jules dot garnier at gmail dot com"),
        ("c'est sylvie point le gall arobase orange point fr", "sylvie point le gall arobase"),
        ("mail lina.haddad arrobase gmail point com", "lina.haddad arrobase gmail point com"),
    ],
)
def test_an_email_written_to_escape_robots_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Je lui ai écrit à marc@free. Merci de votre aide.", "Merci"),
        ("Le rendez-vous est à 10h (a) la CAF, merci.", "la CAF, merci"),
    ],
)
def test_words_around_a_loose_email_stay(text, kept):
    masked, _ = anonymise(text)
    assert kept in masked, masked


# --- a desk's address in the quoted previous message ---------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "Merci, je vous renvoie le document.\n\n"
            "Le 3 février 2026 à 09:12, ne-pas-repondre@caf.fr a écrit :\n"
            "> Votre demande a bien été enregistrée.",
            "ne-pas-repondre@caf.fr",
        ),
        (
            "Bien reçu.\n\nLe mar. 4 mars 2026 à 16:40, contact@urssaf.fr a écrit :\n"
            "> Bonjour, merci de compléter votre dossier.",
            "contact@urssaf.fr",
        ),
        (
            "Voici la pièce.\n\n-----Message d'origine-----\nDe : accueil@mairie-exemple.fr\n"
            "Objet : dossier\n\nBonjour, il manque une pièce.",
            "accueil@mairie-exemple.fr",
        ),
    ],
)
def test_a_desks_address_in_a_quoted_reply_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, j'ai écrit à contact@urssaf.fr sans réponse, que faire ?",
        "Bonjour,\nles mails de ne-pas-repondre@caf.fr arrivent dans mes spams.\nMerci",
    ],
)
def test_a_desks_address_in_the_writers_own_words_stays(text):
    assert_untouched(text)


# --- a street named after a public building -------------------------------------------------

_ASK = (
    "Bonjour,\nJe n'ai pas reçu la réponse à la demande envoyée le mois dernier. "
    "Pouvez-vous la renvoyer ?\nMerci par avance.\n"
)


@pytest.mark.parametrize(
    "street",
    [
        "rue de la Poste, Libourne",
        "place de la Mairie, Cestas",
        "rue de la Réunion, Bègles",
        "rue des Ateliers, Cenon",
        "allée de la Piscine, Eysines",
        "rue du Tribunal, Agen",
        "rue de la Gendarmerie, Blaye",
        "place de la mairie, cestas",
    ],
)
def test_a_street_named_after_a_public_building_is_someones_address(street):
    assert_hidden(_ASK + street, street)


def test_a_street_named_after_a_public_building_under_a_signature():
    text = _ASK + "Cordialement\nAnne Durand\nrue de la Mairie\nPessac"
    assert_hidden(text, "rue de la Mairie\nPessac")


@pytest.mark.parametrize(
    "text",
    [
        "Je suis passée à l'accueil de la CAF, rue de la Poste, Libourne, personne.",
        "Bonjour, où se trouve votre agence ? Agent : rue de la Mairie, Pessac",
    ],
)
def test_a_desk_in_a_street_named_after_a_public_building_stays(text):
    masked, entities = anonymise(text)
    assert not [e for e in entities if e.label == "ADDRESS"], masked


# --- a name closing a chat or a form after a sign-off ---------------------------------------

_CHAT = "Vous : bonjour je n'ai pas reçu mon attestation de droits\nAgent : Je vous l'envoie.\n"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bonjour je n'arrive pas à télécharger l'attestation merci pour tout Xavéria", "Xavéria"),
        ("bjr jarrive pas a telecharger lattestation merci pour tout xavéria", "xavéria"),
        ("je rappelle demain pour le dossier a+ Sitraka", "Sitraka"),
        ("ok pour le rdv, bonne journée à vous\ntahina rakotobe", "tahina rakotobe"),
        (_CHAT + "Vous : merci infiniment Divine", "Divine"),
        ("jai pas recu lattestation\nje vous lenvoie par mail\nmerci infiniment divine", "divine"),
        ("jai pas recu lattestation\nok super bonne journée\nprudence", "prudence"),
    ],
)
def test_a_name_closing_the_message_after_a_sign_off_is_masked(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "bonjour je n'arrive pas à télécharger l'attestation merci pour tout ptdr",
        "bonjour je n'arrive pas à télécharger l'attestation merci pour tout mdrr",
        "bonjour je n'arrive pas à télécharger l'attestation merci d'avance svp",
        "bonjour je n'arrive pas à télécharger l'attestation merci pour votre retour rapide",
        "bonjour je n'arrive pas à télécharger l'attestation merci encore doctolib",
        "jai pas recu lattestation\nok super bonne journée\nparfait",
    ],
)
def test_what_closes_a_message_after_a_sign_off_without_a_name_stays(text):
    masked, entities = anonymise(text)
    assert not [e for e in entities if e.label == "PERSON"], masked


# --- a street line whose town carries its département, region, country or centre ----------

_REFUND = (
    "Bonjour,\nJe n'ai toujours pas reçu le remboursement de mes soins du mois dernier.\n"
    "Pourriez-vous vérifier mon dossier ?\nMerci d'avance\n"
)


@pytest.mark.parametrize(
    "street",
    [
        "Avenue de la Libération, Mérignac (Gironde)",
        "avenue de la Libération, Mérignac Gironde",
        "Chemin des Vignes, Libourne (33)",
        "Rue des Lilas, Mérignac France",
        "rue des Lilas, Mérignac – Gironde",
        "avenue des Pyrénées, Pau (64)",
        "rue de Paris, Saint-Denis (La Réunion)",
        "rue Victor Hugo, Le Lamentin Martinique",
        "avenue du Général Leclerc, Mérignac centre",
    ],
)
def test_a_street_line_with_its_towns_departement_or_country_is_an_address(street):
    masked, entities = anonymise(_REFUND + street)
    assert [e.label for e in entities] == ["ADDRESS"], masked
    assert masked.endswith("[ADRESSE]"), masked


def test_a_town_and_its_region_alone_are_no_address():
    masked, entities = anonymise(_REFUND + "Mérignac (Gironde)")
    assert "ADDRESS" not in [e.label for e in entities], masked
