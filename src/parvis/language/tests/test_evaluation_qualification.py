"""Scores of qualification on a labelled set (issue 12): how rows count, the reliability
table, two organisations, flags; ``evaluate_language`` on the independent set and on an
extra set kept outside the project. Made-up rows and results only."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from parvis.language import evaluation


def result(organisation, motif, confidence, *, low=False, alternatives=(), urgent=False):
    return {
        "organisation": organisation,
        "motif": motif,
        "confidence": confidence,
        "low_confidence": low,
        "alternatives": [
            {"organisation": o, "motif": m, "confidence": c} for o, m, c in alternatives
        ],
        "urgency": {"flag": urgent, "triggers": []},
        "vulnerability": {"flag": False, "triggers": []},
    }


def row(organisation, motif, register="sms", *, second=None, urgency=False):
    return {
        "text": "…",
        "register": register,
        "organisation": organisation,
        "motif": motif,
        "second_organisation": second,
        "urgency": urgency,
        "vulnerability": False,
    }


def test_how_rows_count():
    rows = [
        row("caf", "rsa", urgency=True),
        row("caf", "rsa", "chat"),
        row("msa", "prestations-msa", second="assurance-maladie"),
        row(None, None),  # about no organisation: right only when sent to triage
        row(None, None),
        row("assurance-maladie", None),  # an organisation without a motif
    ]
    results = [
        result("caf", "rsa", 0.97, urgent=True),
        result("caf", "aide-logement", 0.6, alternatives=[("caf", "rsa", 0.3)]),
        result(
            "assurance-maladie",
            "remboursement-soins",
            0.9,
            alternatives=[("msa", "prestations-msa", 0.08)],
            urgent=True,
        ),
        result("caf", "rsa", 0.4, low=True),
        result("caf", "rsa", 0.95),
        result("assurance-maladie", "carte-vitale", 0.5, low=True),
    ]
    scores = evaluation.score_qualification(rows, results, threshold=0.8)
    assert scores["texts_with_organisation"] == 4 and scores["texts_without_organisation"] == 2
    assert scores["organisation_accuracy"] == 0.75  # 3 of the 4 rows with an organisation
    assert scores["organisation_accuracy_all"] == pytest.approx(4 / 6, abs=1e-4)
    assert scores["motif_accuracy"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["motif_top2"] == 1.0  # the MSA answer is the first alternative
    # above 0.8: the CAF row (right), the MSA row and a text about no organisation (wrong)
    assert scores["coverage"] == 0.5 and scores["accuracy_above_threshold"] == pytest.approx(
        1 / 3, abs=1e-4
    )
    assert scores["two_organisations"] == {
        "texts": 1,
        "asked_first": 0.0,
        "other_in_alternatives": 0.0,
    }
    assert scores["urgency"] == {"gold": 1, "flagged": 2, "precision": 0.5, "recall": 1.0}
    assert scores["by_register"]["chat"]["organisation_accuracy"] == 1.0
    assert scores["organisation_confusions"] == [
        {"gold": "msa", "predicted": "assurance-maladie", "count": 1}
    ]


def test_reliability_table_bins_confidence_against_accuracy():
    table = evaluation.reliability_table(
        [0.1, 0.92, 0.94, 1.0, 0.97], [False, True, False, True, True]
    )
    by_bin = {b["bin"]: b for b in table}
    assert by_bin["[0.00, 0.30)"] == {
        "bin": "[0.00, 0.30)",
        "texts": 1,
        "mean_confidence": 0.1,
        "accuracy": 0.0,
    }
    assert by_bin["[0.90, 0.95)"]["accuracy"] == 0.5
    assert by_bin["[0.95, 1.00]"]["texts"] == 2  # 1.0 falls in the last bin
    assert sum(b["texts"] for b in table) == 5


@pytest.mark.usefixtures("reference")
def test_evaluate_language_scores_the_independent_set_and_an_extra_set(tmp_path, capsys):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                row("caf", "rsa") | {"text": "jai plus de rsa depuis 2 mois", "entities": []},
                row("dgfip", "impots-locaux", "courriel")
                | {"text": "Bonjour,\n\nma taxe foncière a doublé\n\nCordialement", "entities": []},
            ]
        ),
        encoding="utf-8",
    )
    call_command(
        "evaluate_language", "--skip-anonymisation", "--skip-splits", "--extra-set", str(extra)
    )
    out = capsys.readouterr().out
    assert f"Qualification — {evaluation.INDEPENDENT_SET}" in out
    assert f"Qualification — {extra}" in out
    assert "fiabilité de la confiance" in out and "deux organismes" in out
    assert "urgence" in out and "vulnérabilité" in out


@pytest.mark.usefixtures("reference")
def test_evaluate_language_refuses_a_missing_extra_set(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="introuvable"):
        call_command(
            "evaluate_language",
            "--skip-anonymisation",
            "--skip-splits",
            "--extra-set",
            str(tmp_path / "absent.jsonl"),
        )
