"""The audit journal's French labels: every action the code writes has one, and the codes
inside a row's data are read through the owning model's choices."""

from __future__ import annotations

import ast
from pathlib import Path

from parvis.accounts import audit
from parvis.accounts.audit import AuditAction

PARVIS = Path(__file__).resolve().parents[2]


def _written_actions() -> dict[str, str]:
    """``action="..."`` of every ``audit_record(...)`` call in the source (tests and
    migrations aside) → where it is written. Formatted actions are checked below."""
    found: dict[str, str] = {}
    for path in PARVIS.rglob("*.py"):
        parts = path.relative_to(PARVIS).parts
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            name = node.func.id if isinstance(node.func, ast.Name) else name
            if name != "audit_record":
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    found[keyword.value.value] = f"{path.relative_to(PARVIS)}:{node.lineno}"
    return found


def test_every_action_written_has_a_french_label():
    written = _written_actions()
    assert len(written) > 20
    missing = {code: where for code, where in written.items() if code not in audit.registered()}
    assert missing == {}, "register these in the owning app's audit.py"


def test_every_formatted_action_has_a_french_label():
    """``experience.<move>`` for each move of the lifecycle, and the follow-up's two."""
    from parvis.voice.services import EXPERIENCE_LIFECYCLE

    formatted = {f"experience.{move.name}" for move in EXPERIENCE_LIFECYCLE}
    formatted |= {"experience.answer_reminded", "experience.answer_escalated"}
    assert formatted - set(audit.registered()) == set()


def test_details_are_french_and_hide_codes():
    assert audit.action_label("experience.publish") == "Expérience publiée"
    assert audit.action_label("someone.did_something") == "Action enregistrée"
    line = audit.details(
        "experience.reject", {"from": "in_moderation", "to": "rejected", "reason": "off_topic"}
    )
    assert line == "de « En modération » à « Refusée », motif : Hors sujet"
    assert audit.details("experience.submit", {"from": "", "to": "submitted", "source": "assisted"})
    assert "recueillie au guichet" in audit.details(
        "experience.submit", {"from": "", "to": "submitted", "source": "assisted"}
    )
    line = audit.details(
        "simplification.status_changed",
        {
            "reference": "SIMP-2026-00001",
            "from": "under_study",
            "to": "declined",
            "reason": "contrainte-juridique",
        },
    )
    assert "« À l’étude » à « Non retenue »" in line
    assert "Contrainte juridique" in line and "SIMP-2026-00001" in line
    assert audit.details(
        "membership.role_changed", {"user_id": 3, "from": "agent", "to": "supervisor"}
    ) == ("de « Agent » à « Superviseur », compte n° : 3")
    # Updated fields by their French names; unknown keys are left out.
    assert (
        audit.details(
            "site.updated",
            {"fields": ["name", "phone"], "secret_key": "x"},
            field_labels={"name": "nom", "phone": "téléphone"},
        )
        == "champs modifiés : nom, téléphone"
    )
    assert audit.details("answer.sent_to_moderation", {"sensitive": True}) == "sensible : oui"


def test_actor_labels():
    assert audit.actor_label("system") == "Système"
    assert audit.actor_label("token:ab12cd34") == "Jeton d’API ab12cd34…"


def test_registering_an_action():
    audit.register(AuditAction("test.thing_done", "Chose faite", values={"to": {"x_y": "X Y"}}))
    try:
        assert audit.details("test.thing_done", {"to": "x_y"}) == "état : « X Y »"
        assert "x_y" in set(audit.vocabulary())
    finally:
        audit.registered().pop("test.thing_done")


def test_a_change_from_zero_and_a_date_read_in_french():
    """A supervisor's priority from 0 to 300 read « état : « 300 » » and a report's period
    « date : 2025-01-01 »."""
    assert audit.details("routing.priority_changed", {"from": 0, "to": 300}) == "de « 0 » à « 300 »"
    assert audit.details("report.published", {"date": "2025-01-01"}) == "date : 1er janvier 2025"
