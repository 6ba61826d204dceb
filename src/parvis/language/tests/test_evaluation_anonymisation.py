"""The anonymisation report of ``evaluate_language``: recall, leaks of every label, precision,
false positives, names inside and outside the lexicon, and sets kept outside the project."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parvis.language import evaluation
from parvis.language.anonymiser import Entity, mask


class FixedAnonymiser:
    """Masks what it is told to, by value: enough to check the arithmetic of the report."""

    def __init__(self, secrets: list[tuple[str, str]]):
        self.secrets = secrets

    def anonymise_many(self, texts):  # type: ignore[no-untyped-def]
        results = []
        for text in texts:
            entities = [
                Entity(text.index(value), text.index(value) + len(value), label)
                for value, label in self.secrets
                if value in text
            ]
            results.append((mask(text, entities), sorted(entities)))
        return results


def _row(text: str, spans: list[tuple[str, str]], register: str) -> dict:
    entities = [
        {"start": text.index(value), "end": text.index(value) + len(value), "label": label}
        for value, label in spans
    ]
    return {"text": text, "entities": entities, "register": register}


ROWS = [
    # a listed name caught, an address missed
    _row(
        "Je suis Martin Dupont, 3 rue Haute 64000 Pau.",
        [("Martin Dupont", "PERSON"), ("3 rue Haute 64000 Pau", "ADDRESS")],
        "sms",
    ),
    # a name outside the lexicon caught
    _row("Mme Kerbrat-Quéméner a appelé.", [("Kerbrat-Quéméner", "PERSON")], "courriel"),
    _row("Bonjour, une question sur le RSA.", [], "sms"),
    _row("La CAF de Pau ne répond pas.", [], "chat"),
]


def test_score_counts_every_label_as_a_leak_and_splits_the_lexicon():
    anonymiser = FixedAnonymiser(
        [("Martin Dupont", "PERSON"), ("Kerbrat-Quéméner", "PERSON"), ("CAF de Pau", "PERSON")]
    )
    report = evaluation.score_anonymisation(
        anonymiser, ROWS, lexicon=frozenset({"martin", "dupont"})
    )
    assert report["spans_total"] == 3
    assert report["recall_micro"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["leaks"] == 1
    assert report["leaks_by_label"] == {"ADDRESS": 1}
    assert report["person_recall_in_lexicon"] == 1.0
    assert report["person_spans_outside_lexicon"] == 1
    # three masked spans, one on no gold span
    assert report["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["false_positive_rate"] == 0.5
    assert "misses" not in report  # the texts of a set are never shown unless asked


def test_a_span_is_caught_at_ninety_percent_of_its_characters():
    row = {"text": "Tél. 0612345678", "entities": [{"start": 5, "end": 15, "label": "PHONE"}]}
    nine_of_ten = FixedAnonymiser([("061234567", "PHONE")])
    eight_of_ten = FixedAnonymiser([("06123456", "PHONE")])
    assert evaluation.score_anonymisation(nine_of_ten, [row], lexicon=frozenset())["leaks"] == 0
    assert evaluation.score_anonymisation(eight_of_ten, [row], lexicon=frozenset())["leaks"] == 1


def test_independent_set_report_carries_its_hash(tmp_path):
    path = tmp_path / "extra.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in ROWS) + "\n")
    report = evaluation.evaluate_anonymisation_set(FixedAnonymiser([]), path)
    assert report["sha256"] == evaluation.set_digest(path)
    assert report["leaks"] == 3


def test_evaluate_language_scores_an_extra_set(tmp_path, monkeypatch):
    path = tmp_path / "extra.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in ROWS) + "\n")
    monkeypatch.setattr(
        "parvis.language.engine.get_anonymiser",
        lambda: FixedAnonymiser([("Martin Dupont", "PERSON")]),
    )
    monkeypatch.setattr(
        evaluation,
        "evaluate_generator_anonymisation",
        lambda anonymiser: {"all": evaluation.score_anonymisation(anonymiser, ROWS[:1])},
    )
    out = StringIO()
    call_command("evaluate_language", "--skip-qualification", "--extra-set", str(path), stdout=out)
    printed = out.getvalue()
    assert str(path) in printed
    assert evaluation.set_digest(path) in printed
    assert evaluation.set_digest(evaluation.INDEPENDENT_SET) in printed
    assert "hors lexique" in printed and "précision" in printed

    out = StringIO()
    call_command(
        "evaluate_language",
        "--skip-qualification",
        "--extra-set",
        str(path),
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    extra = report["anonymisation_sets"][-1]
    assert extra["leaks"] == 2 and extra["leaks_by_label"] == {"ADDRESS": 1, "PERSON": 1}


def test_evaluate_language_refuses_a_missing_extra_set(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command(
            "evaluate_language", "--skip-qualification", "--extra-set", str(tmp_path / "no.jsonl")
        )


def test_leaks_are_described_by_coarse_features_never_by_their_text():
    report = evaluation.score_anonymisation(
        FixedAnonymiser([("Martin Dupont", "PERSON")]),
        ROWS,
        lexicon=frozenset({"martin", "dupont"}),
    )
    breakdown = report["leak_breakdown"]
    assert set(breakdown) == {"ADDRESS", "PERSON"}
    address = breakdown["ADDRESS"]
    assert address["(spans)"] == {"all": 1}
    assert address["register"] == {"sms": 1}
    assert address["street type"] == {"yes": 1} and address["postcode"] == {"yes": 1}
    person = breakdown["PERSON"]
    assert person["lexicon"] == {"out": 1} and person["left"] == {"civility": 1}
    assert person["casing"] == {"Title": 1}
    printed = json.dumps(breakdown, ensure_ascii=False)
    assert "Kerbrat" not in printed and "rue Haute" not in printed and "Pau" not in printed
