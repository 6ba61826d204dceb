"""The clause that asks and the organisation it names (issue 12): when a text names two
organisations, the one the citizen asks about comes first and the other one is offered in
``alternatives`` with its score.

Every text here is made up for the tests (never taken from the evaluation set).
"""

from __future__ import annotations

import pytest

from parvis.language import qualifier
from parvis.language.engine import qualify_many
from parvis.language.qualifier import Ranked
from parvis.language.tests.asking_cases import CASES
from parvis.language.text import normalise

# --- The asking clause --------------------------------------------------------------------


def test_the_context_sentence_is_not_the_asking_clause():
    text = (
        "J'ai déjà appelé la CAF qui m'a dit de voir avec vous. "
        "Est-ce que les impôts peuvent étaler ma taxe foncière ?"
    )
    assert qualifier.asking_clause(text).startswith("est-ce que les impots")
    assert qualifier.asked_organisations(text) == ["dgfip"]


def test_the_clause_starts_at_the_request_inside_a_long_sentence():
    text = (
        "Suite à mon appel à la MSA, qui m'a confirmé que je n'en relève plus, je voudrais "
        "savoir pourquoi la CPAM ne rembourse pas mes séances de kiné."
    )
    clause = qualifier.asking_clause(text)
    assert clause.startswith("je voudrais savoir")
    assert "msa" not in clause
    assert qualifier.asked_organisations(text) == ["assurance-maladie"]


def test_a_transcript_without_punctuation_asks_from_its_request_cue():
    text = (
        "bonjour alors la carsat m a renvoye vers vous et ma question c est est-ce que je "
        "dois encore faire mon actualisation a france travail"
    )
    clause = qualifier.asking_clause(text)
    assert clause.startswith("ma question") and "carsat" not in clause
    assert qualifier.asked_organisations(text) == ["france-travail"]


def test_an_organisation_named_as_the_sender_in_the_request_is_not_the_one_asked():
    text = "Bonjour. Pourquoi la CAF m'a dit de voir avec vous pour mon RSA ?"
    assert qualifier.asked_organisations(text) == []


def test_a_text_without_a_request_has_no_asking_clause():
    assert qualifier.asking_clause("Mon dossier est à la CAF. Tout va bien.") == ""


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("J'ai déjà appelé la CAF qui m'a dit de voir avec la MSA.", "zzsourcecaf"),
        ("L'Urssaf m'a répondu que ce n'était pas de leur ressort.", "zzsourceurssaf"),
        ("Après avoir contacté France Travail plusieurs fois, l'Urssaf", "zzsourcefrancetravail"),
        ("On m'a renvoyé vers vous depuis la CAF, les impôts", "zzsourcecaf"),
        ("la msa m'a dit que c'était pas chez eux", "zzsourcemsa"),
    ],
)
def test_redirections_mark_the_organisation_the_citizen_was_sent_away_from(text, source):
    assert source in qualifier._roles(normalise(text).replace("'", " "))


@pytest.mark.parametrize(
    "text",
    [
        "la CAF refuse mon APL",
        "la CAF m'a dit que mon dossier est complet",
        "après avoir contacté la CAF, toujours pas d'APL",  # one organisation named
    ],
)
def test_an_organisation_asked_about_is_not_read_as_a_sender(text):
    assert "zzsource" not in qualifier._roles(normalise(text).replace("'", " "))


# --- Putting the organisation asked about first -------------------------------------------

RANKED = [
    Ranked("caf", "aide-logement", 0.7),
    Ranked("caf", "rsa", 0.1),
    Ranked("dgfip", "impots-locaux", 0.08),
    Ranked("dgfip", "paiement-impot", 0.05),
    Ranked("urssaf", "micro-entreprise", 0.01),
]


def test_the_organisation_named_in_the_request_comes_first():
    text = "La CAF m'a renvoyée vers vous. Est-ce que les impôts peuvent étaler ma taxe foncière ?"
    promoted = qualifier.promote_asked(RANKED, text)
    assert (promoted[0].organisation, promoted[0].motif) == ("dgfip", "impots-locaux")
    assert sorted(promoted, key=id) == sorted(RANKED, key=id)
    offered = qualifier.alternatives(promoted, ["caf", "dgfip"])
    assert "caf" in [r.organisation for r in offered]


def test_the_model_stands_when_the_request_names_both_or_neither():
    both = "Pourquoi la CAF et les impôts n'ont-ils pas les mêmes revenus ?"
    neither = "La CAF m'a renvoyée vers les impôts. Comment étaler ce que je dois ?"
    assert qualifier.promote_asked(RANKED, both) == RANKED
    assert qualifier.promote_asked(RANKED, neither) == RANKED


def test_the_model_stands_when_it_gives_the_organisation_named_almost_nothing():
    text = "La CAF m'a renvoyée vers vous. Est-ce que l'Urssaf peut m'aider pour mon APL ?"
    assert qualifier.promote_asked(RANKED, text) == RANKED


def test_a_farmer_naming_another_fund_stays_with_the_msa():
    ranked = [Ranked("msa", "prestations-msa", 0.6), Ranked("caf", "prestations-familiales", 0.3)]
    text = "Je suis éleveur de chèvres. Est-ce que la CAF va verser la prime de naissance ?"
    assert qualifier.promote_asked(ranked, text) == ranked


@pytest.mark.usefixtures("reference")
def test_made_up_texts_naming_two_organisations_ask_the_right_one_first():
    results = qualify_many([c[1] for c in CASES], [c[0] for c in CASES])
    asked_first = offered = 0
    for (_, _, asked, _, other), result in zip(CASES, results, strict=True):
        asked_first += result["organisation"] == asked
        offered += other == asked or other in [a["organisation"] for a in result["alternatives"]]
        assert all(0 <= a["confidence"] <= 1 for a in result["alternatives"])
    assert asked_first / len(CASES) >= 0.85
    assert offered / len(CASES) >= 0.85


# --- A farmer's benefit question is the MSA's ------------------------------------------------

FARMER_RANKED = [
    Ranked("assurance-maladie", "remboursement-soins", 0.55),
    Ranked("msa", "prestations-msa", 0.3),
    Ranked("msa", "cotisations-agricoles", 0.05),
]


def test_a_farmers_health_question_goes_to_the_msa():
    text = "Je suis bergère dans les Pyrénées, mes soins dentaires ne sont pas remboursés."
    promoted = qualifier.promote_asked(FARMER_RANKED, text)
    assert (promoted[0].organisation, promoted[0].motif) == ("msa", "prestations-msa")


@pytest.mark.parametrize(
    "text",
    [
        "J'ai grandi dans une ferme, mais je suis au régime général : mes soins sont impayés.",
        "La MSA m'a dit que ce n'était pas chez eux, je suis ancien éleveur : mes soins ?",
        "Mes soins dentaires ne sont pas remboursés.",
    ],
)
def test_the_farmer_rule_stands_back_when_the_story_says_otherwise(text):
    assert qualifier.promote_asked(FARMER_RANKED, text) == FARMER_RANKED
