"""Anonymisation, issue 12 twenty-first pass: false masks first (the precision margin on
the independent set was one span), by category as the development sets show them: an
e-mail provider said without its domain (« chez free »), a service's own name as a chat's
speaker before its desk (« Greffe – accueil : »), interjections and English shorthand after
« merci » (« inshallah », « thx », « hihi »), a wish (« bon weekend »), a month written short
in an e-mail client's English header (« Nov »), the article glued to a word or a programme
(« lapl », « lurssaf », « lattestation »), the Urssaf's Pajemploi; each with the guards
that keep the names around them.

Every name, number and address below is invented for this file; none comes from a
development or evaluation set.
"""

from __future__ import annotations

import pytest

from parvis.language.tests.test_anonymiser_second_pass import assert_hidden, assert_untouched

# --- an e-mail provider said without its domain ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mon adresse c'est mon prénom point mon nom chez free",
        "j'ai une boite chez gmail mais je la regarde pas",
        "le mail part pas depuis hotmail",
    ],
)
def test_an_email_provider_is_no_name(text):
    assert_untouched(text)


# --- a service's own name as a chat speaker before its desk ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[11:02] Greffe – accueil : Bonjour, comment puis-je vous aider ?\n"
        "[11:03] Vous : je voudrais le formulaire pour un divorce",
        "[10:45] Conciliateur – permanence : Bonjour, décrivez votre litige.\n"
        "[10:46] Vous : mon voisin fait du bruit",
    ],
)
def test_a_desk_named_as_a_chat_speaker_is_no_name(text):
    assert_untouched(text)


def test_an_agent_named_before_their_organisation_is_still_masked():
    assert_hidden("[10:05] Gaspard – CAF : Bonjour, que puis-je faire ?", "Gaspard")


# --- interjections and wishes after « merci » -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ok merci inshallah",
        "merci beaucoup inchallah",
        "merci thx",
        "ok merci hihi",
        "merci bon weekend",
        "merci et bon weekend",
    ],
)
def test_interjections_and_wishes_after_thanks_are_no_name(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [("ok merci laura", "laura"), ("merci pour tout Xavéria", "Xavéria")],
)
def test_a_name_after_thanks_is_still_masked(text, secret):
    assert_hidden(text, secret)


# --- a month written short in an English header -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "---------- Forwarded message ---------\nDate: Mon, Nov 23, 2026 at 6:10 PM\n"
        "Subject: attestation\n\nBonjour, voici le document.",
        "Date: Thu, 19 Nov 2026 11:40:07 +0100\nSujet : arrêt de travail",
        "Date: Fri, Oct 2, 2026 at 9:12 AM\nSubject: dossier",
    ],
)
def test_a_month_written_short_in_a_header_is_no_name(text):
    assert_untouched(text)


# --- the article glued to a word, an administration or a programme --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "bjr c pour lapl de ce mois",
        "merci a lequipe pour tout",
        "la caf dit que cest lurssaf qui gere",
        "mon proprio veut pas signé lattestation. que faire",
        "jemploie une nounou via pajemploi, cest ok ?",
    ],
)
def test_a_glued_article_or_a_programme_is_no_name(text):
    assert_untouched(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("bjr c lucas pour lapl", "lucas"),
        ("usager : bonjour c laurence pour le dossier", "laurence"),
    ],
)
def test_a_name_beside_a_glued_article_is_still_masked(text, secret):
    assert_hidden(text, secret)


# --- a chat whose times stand before a bar -------------------------------------------------------


def test_a_name_answered_in_a_chat_with_barred_times_is_masked():
    text = (
        "14:02 | Conseiller : Merci. Et votre nom ?\n14:03 | Vous : brahimi\n"
        "14:03 | Conseiller : Prénom ?\n14:04 | Vous : nadir"
    )
    assert_hidden(text, "brahimi", "nadir")


def test_a_timetable_with_bars_stays():
    assert_untouched(
        "Horaires :\n08:30 | 12:00 : accueil sans rendez-vous\n14:00 | 17:00 : sur rendez-vous"
    )


# --- a weekday as a surname after a civility ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bonjour M. Mercredi, je vous écoute.", "Mercredi"),
        ("Madame Samedi a appelé ce matin pour son dossier", "Samedi"),
        (
            "[18:30] Vous : bonsoir, j'ai déménagé\n[18:31] Agent CAF : Bonsoir M. Dimanche, "
            "que puis-je pour vous ?",
            "Dimanche",
        ),
    ],
)
def test_a_weekday_after_a_civility_is_a_surname(text, secret):
    assert_hidden(text, secret)


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous à la mairie Lundi 12 à 10h",
        "la permanence de Mme est le Mardi matin",
    ],
)
def test_a_weekday_as_a_day_stays(text):
    assert_untouched(text)
