"""Qualification of contact-hub texts (issue 12): what is read of an email or a call, two
organisations named, a calibrated confidence, texts about no organisation, flags.

Every text here is made up for the tests (never taken from the evaluation set).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from parvis.language import engine, lexicons, qualifier, services
from parvis.language.engine import qualify, qualify_many
from parvis.language.tests.flag_cases import CASES as FLAG_CASES
from parvis.language.tests.two_organisation_cases import CASES as TWO_ORGANISATIONS
from parvis.language.text import _normalise_slow, normalise

EMAIL = """Bonjour,

Je n'ai toujours pas reçu ma carte Vitale commandée en janvier, pouvez-vous vérifier ?

Cordialement,
Odile Ferrandon
06 11 22 33 44

Le lun. 3 févr. 2025 à 10:12, CAF <ne-pas-repondre@caf.fr> a écrit :
> Bonjour, votre demande d'aide au logement est en cours d'instruction.
> Votre allocation logement sera recalculée après réception de l'attestation de loyer.
"""

TRANSCRIPT = """[00:00:01] Agent : France Travail bonjour, je vous écoute
[00:00:04] Usager : euh oui bonjour j'ai oublié de m'actualiser ce mois-ci
[00:00:09] Agent : d'accord
[00:00:11] Usager : est-ce que je vais être radié"""


# --- What qualification reads -------------------------------------------------------------


def test_an_email_is_read_without_its_signature_and_quoted_reply():
    body = qualifier.qualification_text(EMAIL, "courriel")
    assert "carte Vitale" in body
    assert "Ferrandon" not in body and "aide au logement" not in body


def test_a_text_on_several_lines_without_hint_is_read_as_an_email():
    assert qualifier.qualification_text(EMAIL) == qualifier.qualification_text(EMAIL, "courriel")


def test_a_transcript_is_read_without_speaker_tags_timestamps_or_fillers():
    words = qualifier.qualification_text(TRANSCRIPT, "transcription")
    assert "Agent" not in words and "00:00" not in words and "euh" not in words
    assert "actualiser" in words


def test_a_one_line_text_is_read_as_it_is():
    text = "bjr jai pas recu mon apl, cordialement"
    assert qualifier.qualification_text(text) == text
    assert qualifier.qualification_text(text, "sms") == text


def test_a_body_cut_to_a_greeting_falls_back_to_everything_before_the_quote():
    text = "Bonjour\nMerci\nmon allocation logement n'est pas arrivée ce mois-ci"
    assert "allocation logement" in qualifier.qualification_text(text, "courriel")


@pytest.mark.usefixtures("reference")
def test_an_email_is_qualified_on_its_body_not_on_the_quoted_message():
    result = qualify(EMAIL, "courriel")
    assert (result["organisation"], result["motif"]) == ("assurance-maladie", "carte-vitale")


@pytest.mark.usefixtures("reference")
def test_a_transcript_is_qualified_with_its_register():
    result = qualify(TRANSCRIPT, "transcription")
    assert (result["organisation"], result["motif"]) == ("france-travail", "actualisation")


@pytest.mark.usefixtures("reference")
def test_flags_ignore_the_quoted_reply():
    text = (
        "Bonjour,\n\nComment déclarer mon nouveau médecin traitant ?\n\nCordialement\n\n"
        "-----Message d'origine-----\nDe : moi\nEnvoyé : lundi\nObjet : urgent\n\n"
        "C'est urgent, l'huissier passe demain pour l'expulsion."
    )
    assert qualify(text, "courriel")["urgency"]["flag"] is False


def test_register_hints_are_one_per_text():
    with pytest.raises(ValueError, match="one register hint per text"):
        qualify_many(["a", "b"], ["sms"])


# --- Two organisations --------------------------------------------------------------------


def test_organisations_named_in_a_text_in_order():
    text = normalise("Pôle emploi m'a dit de voir la CAF, pas la sécu ni les impôts.")
    assert qualifier.mentioned_organisations(text) == [
        "france-travail",
        "caf",
        "assurance-maladie",
        "dgfip",
    ]
    assert qualifier.mentioned_organisations(normalise("la mairie et le café du coin")) == []


def test_a_named_organisation_takes_the_place_of_the_weakest_alternative():
    ranked = [
        qualifier.Ranked("caf", "rsa", 0.6),
        qualifier.Ranked("caf", "prime-activite", 0.2),
        qualifier.Ranked("caf", "aide-logement", 0.1),
        qualifier.Ranked("dgfip", "paiement-impot", 0.05),
        qualifier.Ranked("urssaf", "micro-entreprise", 0.03),
        qualifier.Ranked("urssaf", "cesu-emploi-domicile", 0.02),
    ]
    chosen = qualifier.alternatives(ranked, ["caf", "urssaf"])
    assert [(r.organisation, r.motif) for r in chosen] == [
        ("caf", "prime-activite"),
        ("caf", "aide-logement"),
        ("urssaf", "micro-entreprise"),
    ]
    assert qualifier.alternatives(ranked, []) == ranked[1:4]
    assert qualifier.alternatives(ranked[:1], ["urssaf"]) == []


@pytest.mark.usefixtures("reference")
def test_when_two_organisations_are_named_the_other_is_offered_with_its_score():
    results = qualify_many([c[1] for c in TWO_ORGANISATIONS], [c[0] for c in TWO_ORGANISATIONS])
    asked_first = 0
    for (_, text, asked, _, other), result in zip(TWO_ORGANISATIONS, results, strict=True):
        answers = [result["organisation"], *(a["organisation"] for a in result["alternatives"])]
        assert other in answers and asked in answers, text
        assert len(result["alternatives"]) == 3
        assert all(0 <= a["confidence"] <= 1 for a in result["alternatives"])
        asked_first += result["organisation"] == asked
    assert asked_first / len(TWO_ORGANISATIONS) >= 0.8


# --- Calibrated confidence, texts about no organisation -----------------------------------


@pytest.mark.usefixtures("reference")
def test_the_confidence_is_calibrated_on_held_out_requests():
    model = engine.get_model()
    assert model.calibration is not None
    calibration = model.metadata["calibration"]
    assert calibration["held_out_texts"] > 1000
    assert 0.5 <= calibration["suggested_threshold"] <= 0.95
    scores = [model.calibrated(p) for p in (0.0, 0.05, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)]
    assert scores == sorted(scores) and scores[0] < 0.3 and scores[-1] > 0.9
    assert all(0 <= score <= 1 for score in scores)


@pytest.mark.usefixtures("reference")
@pytest.mark.parametrize(
    "text",
    [
        "Le lampadaire de l'impasse des Mésanges ne s'allume plus le soir.",
        "bonjour vous fermez a quelle heure le samedi",
        "Je voudrais réserver la salle polyvalente pour un mariage en juin.",
    ],
)
def test_a_text_about_no_organisation_goes_to_human_triage(text):
    assert qualify(text)["low_confidence"] is True


def test_the_out_of_scope_class_is_never_an_answer_but_lowers_every_score():
    model = qualifier.MotifModel(
        pipeline=None, labels=["caf/rsa", qualifier.OUT_OF_SCOPE, "msa/prestations-msa"]
    )  # type: ignore[arg-type]
    probabilities = np.array([[0.2, 0.7, 0.1]])
    ranked = qualifier.rank(model, probabilities, {"caf/rsa", "msa/prestations-msa"})[0]
    assert [(r.organisation, round(r.confidence, 2)) for r in ranked] == [
        ("caf", 0.2),
        ("msa", 0.1),
    ]


# --- Features and text helpers ------------------------------------------------------------


def test_fast_features_are_the_fitted_vectorisers():
    rows = list(services.corpus_rows())[::25]
    pairs = sorted((r["text"], f"{r['organisation']}/{r['motif']}") for r in rows)
    model = qualifier.train(pairs)
    texts = [r["text"] for r in rows[:300]] + ["", "a", "é", "jai pa recu mon apl!!", "\n\n"]
    steps = dict(model.pipeline.steps)
    normalised = steps["normalise"].transform(texts)
    expected = sparse.hstack(
        [t.transform(normalised) for _, t in steps["features"].transformer_list]
    ).tocsr()
    assert abs(expected - model.features(texts)).max() < 1e-6
    assert abs(expected - model.features(texts)).max() < 1e-6  # with the word cache warm


def test_normalise_by_table_is_the_decomposition():
    for text in [
        "Œuvre d'Été",
        "İstanbul ﬁn Straße",
        "e\u0301te\u0301\u00a0x\u202fy",
        "\t a \x85 b ",
    ]:
        assert normalise(text) == _normalise_slow(text)


@pytest.mark.parametrize(("text", "urgency", "vulnerability"), FLAG_CASES)
def test_urgency_and_vulnerability_proposals(text, urgency, vulnerability):
    normalised = normalise(text)
    assert lexicons.urgency(normalised)["flag"] is urgency, lexicons.urgency(normalised)
    assert lexicons.vulnerability(normalised)["flag"] is vulnerability, lexicons.vulnerability(
        normalised
    )
