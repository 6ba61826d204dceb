"""Command line: JSON Lines in and out, order kept, malformed lines reported, exit codes."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def write_lines(tmp_path, lines: list[str]):  # type: ignore[no-untyped-def]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def records(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.mark.usefixtures("reference")
def test_qualify_keeps_input_order(tmp_path, capsys):
    lines = [
        json.dumps({"id": i, "text": text}, ensure_ascii=False)
        for i, text in enumerate(
            [
                "Mon RSA n'est pas arrivé.",
                "J'ai perdu ma carte Vitale.",
                "Ma taxe foncière a doublé.",
                "Mon permis de conduire a été volé.",
            ]
            * 100
        )
    ]
    call_command("qualify", write_lines(tmp_path, lines))
    out = records(capsys.readouterr().out)
    assert [r["id"] for r in out] == list(range(400))
    assert [r["motif"] for r in out[:4]] == [
        "rsa",
        "carte-vitale",
        "impots-locaux",
        "permis-conduire",
    ]
    assert {
        "organisation",
        "confidence",
        "alternatives",
        "low_confidence",
        "urgency",
        "vulnerability",
        "sensitive",
        "tone",
        "journey_stage",
        "themes",
    } <= set(out[0])


def test_anonymise_reports_malformed_lines_and_goes_on(tmp_path, capsys):
    lines = [
        json.dumps({"id": "a", "text": "Je m'appelle Marie Dupont, 06 12 34 56 78."}),
        "ceci n'est pas du JSON",
        json.dumps(["une", "liste"]),
        json.dumps({"id": "d"}),
        "",
        json.dumps({"id": "e", "text": "Rien de personnel ici."}),
    ]
    with pytest.raises(CommandError) as error:
        call_command("anonymise", write_lines(tmp_path, lines))
    assert error.value.returncode == 1
    captured = capsys.readouterr()
    out = records(captured.out)
    assert [r["id"] for r in out] == ["a", "e"]
    assert out[0]["text"] == "Je m'appelle [NOM], [TÉLÉPHONE]."
    assert out[0]["entities"] == [
        {"start": 13, "end": 25, "label": "PERSON"},
        {"start": 27, "end": 41, "label": "PHONE"},
    ]
    errors = records(captured.err)
    assert [e["line"] for e in errors] == [2, 3, 4]
    assert all(e["error"] for e in errors)


def test_anonymise_reads_standard_input(monkeypatch, capsys):
    data = json.dumps({"id": 1, "text": "IBAN FR76 3000 6000 0112 3456 7890 189"}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    call_command("anonymise", "-")
    out = records(capsys.readouterr().out)
    assert out == [
        {"id": 1, "text": "IBAN [IBAN]", "entities": [{"start": 5, "end": 38, "label": "IBAN"}]}
    ]


def test_success_exits_zero(tmp_path, capsys):
    call_command("anonymise", write_lines(tmp_path, [json.dumps({"id": 1, "text": "Bonjour"})]))
    assert records(capsys.readouterr().out)[0]["text"] == "Bonjour"


def test_qualify_without_reference_data_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="load_reference") as error:
        call_command("qualify", write_lines(tmp_path, [json.dumps({"id": 1, "text": "RSA"})]))
    assert error.value.returncode == 2


def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="introuvable"):
        call_command("anonymise", "/nonexistent/file.jsonl")
