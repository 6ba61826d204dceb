"""Open data: exports valid against their Table Schema (frictionless), formula-injection
escaping in the CSV only, no personal data, simplification requests when available."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
import types

import pytest
from frictionless import Resource, Schema

from parvis.directory.tests.factories import ThemeFactory
from parvis.publication import opendata, services
from parvis.publication.models import OpenDataFile, PublicExperience
from parvis.voice.tests.factories import AUTHOR_EMAIL, ORIGINAL_TEXT, PublicAnswerFactory

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def exported(opendata_root, publish):
    theme = ThemeFactory(slug="delai")
    publish(masked_title="=SOMME(A1:A9)", masked_text="+33 [TÉLÉPHONE] a appelé", themes=[theme])
    publish(masked_title="@commande", masked_text="-moins bien qu’avant", tone="positif")
    # Published on a Friday, answered on the Tuesday after: two working days.
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience__published_at=dt.datetime(2026, 6, 5, 10, tzinfo=dt.UTC),
        published_at=dt.datetime(2026, 6, 9, 10, tzinfo=dt.UTC),
        masked_text="Bonjour, c’est corrigé.",
    )
    services.publication_sync(experience_id=answer.experience_id)
    result = services.opendata_export()
    return opendata_root, result


def _validate(path, schema_path):
    schema = Schema.from_descriptor(json.loads(schema_path.read_text()))
    report = Resource(path=path.name, basepath=str(path.parent), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return report


def _rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.fixture
def without_simplification_selector(monkeypatch):
    """The simplification app as it was before its open-data selector existed."""
    monkeypatch.setitem(
        sys.modules,
        "parvis.simplification.selectors",
        types.ModuleType("parvis.simplification.selectors"),
    )


def test_exports_are_valid_against_their_table_schema(exported):
    root, result = exported
    assert result["skipped"] == []
    schema = root / "experiences.schema.json"
    _validate(root / "experiences.csv", schema)
    _validate(root / "experiences.json", schema)
    assert len(_rows(root / "experiences.csv")) == 3
    assert len(json.loads((root / "experiences.json").read_text())) == 3
    simplification = root / "demandes-simplification.schema.json"
    _validate(root / "demandes-simplification.csv", simplification)


def test_files_are_recorded_with_size_and_digest(exported):
    root, _ = exported
    names = set(OpenDataFile.objects.values_list("name", flat=True))
    stems = set(opendata.DATASETS)
    assert {"experiences", "demandes-simplification", "chiffres"} <= stems
    assert names == {
        *(f"{stem}.{suffix}" for stem in stems for suffix in ("csv", "json", "schema.json")),
        "datapackage.json",
    }
    record = OpenDataFile.objects.get(name="experiences.csv")
    assert record.rows == 3 and record.size == (root / "experiences.csv").stat().st_size
    package = json.loads((root / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert {r["path"] for r in package["resources"]} == {
        f"{stem}.{suffix}" for stem in stems for suffix in ("csv", "json")
    }


def test_csv_text_cells_starting_with_a_formula_sign_are_escaped(exported):
    root, _ = exported
    rows = _rows(root / "experiences.csv")
    titles = {r["titre"] for r in rows}
    texts = {r["texte"] for r in rows}
    assert "'=SOMME(A1:A9)" in titles and "'@commande" in titles
    assert "'+33 [TÉLÉPHONE] a appelé" in texts and "'-moins bien qu’avant" in texts
    for row in rows:
        for column in opendata.EXPERIENCE_FIELDS:
            value = row[column.name]
            assert not value.startswith(opendata.FORMULA_PREFIXES), (column.name, value)
    # The JSON keeps the exact text; the schema says so.
    records = json.loads((root / "experiences.json").read_text())
    assert "=SOMME(A1:A9)" in {r["titre"] for r in records}
    schema = json.loads((root / "experiences.schema.json").read_text())
    assert "apostrophe" in schema["description"]
    assert "apostrophe" in next(f for f in schema["fields"] if f["name"] == "texte")["description"]


def test_no_personal_data_in_exports(exported):
    root, _ = exported
    for name in ("experiences.csv", "experiences.json"):
        content = (root / name).read_text(encoding="utf-8")
        assert ORIGINAL_TEXT not in content and AUTHOR_EMAIL not in content
        assert "gAAAAA" not in content
        assert EMAIL.findall(content) == []


def test_stable_identifiers_and_answers(exported):
    root, _ = exported
    records = json.loads((root / "experiences.json").read_text())
    answered = [r for r in records if r["repondue"]]
    assert len(answered) == 1
    assert answered[0]["reponse_texte"] == "Bonjour, c’est corrigé."
    assert answered[0]["delai_reponse_jours_ouvres"] == 2
    first = {r["identifiant"] for r in records}
    services.opendata_export()
    again = {r["identifiant"] for r in json.loads((root / "experiences.json").read_text())}
    assert first == again
    assert all(r["url"].endswith(f"/experiences/{r['identifiant']}/") for r in records)
    assert {r["themes"] for r in records} >= {"delai"}


def test_simplification_requests_are_exported_when_their_selector_exists(
    opendata_root, monkeypatch
):
    module = types.ModuleType("parvis.simplification.selectors")
    module.simplification_requests_for_open_data = lambda: [  # type: ignore[attr-defined]
        {
            "identifiant": "d8e0c1d2-0000-4000-8000-000000000001",
            "organisme": "caf",
            "demarche": "Formulaire de demande d’aide",
            "difficulte": "=trop de cases",
            "statut": "a-l-etude",
            "date_depot": "2026-01-15",
            "soutiens": 4,
            "annee": 2026,
            "date_publication": "2026-01-16T10:30:00+01:00",
            "historique": [{"statut": "recue", "date": "2026-01-16"}],
            "inconnu": "ignoré",
        },
    ]
    monkeypatch.setitem(sys.modules, "parvis.simplification.selectors", module)

    result = services.opendata_export()

    assert result["skipped"] == []
    root = opendata_root
    _validate(root / "demandes-simplification.csv", root / "demandes-simplification.schema.json")
    _validate(root / "demandes-simplification.json", root / "demandes-simplification.schema.json")
    row = _rows(root / "demandes-simplification.csv")[0]
    assert row["difficulte"] == "'=trop de cases" and row["soutiens"] == "4"
    assert row["date_publication"] == "2026-01-16T09:30:00Z"
    assert json.loads(row["historique"]) == [{"statut": "recue", "date": "2026-01-16"}]
    record = json.loads((root / "demandes-simplification.json").read_text())[0]
    assert record["historique"] == [{"statut": "recue", "date": "2026-01-16"}]


def test_without_the_simplification_selector_the_dataset_is_skipped(
    opendata_root, without_simplification_selector, client
):
    assert services.opendata_export()["skipped"] == ["demandes-simplification"]
    assert not (opendata_root / "demandes-simplification.csv").exists()
    assert "pas encore été exporté" in client.get("/donnees/").content.decode()


def test_a_simplification_change_marks_its_dataset_for_the_next_export(
    opendata_root, monkeypatch, without_simplification_selector
):
    from parvis.publication.models import OpenDataChange
    from parvis.simplification import events

    events.request_changed(1)
    assert OpenDataChange.objects.get(dataset="demandes-simplification").changed_at
    # Without a selector the changed dataset is still skipped, and stays pending.
    assert services.opendata_export_changed()["skipped"] == ["demandes-simplification"]
    module = types.ModuleType("parvis.simplification.selectors")
    module.simplification_requests_for_open_data = lambda: []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "parvis.simplification.selectors", module)
    assert "demandes-simplification.csv" in services.opendata_export_changed()["files"]
    assert services.opendata_export_changed() == {"files": [], "skipped": []}


def test_data_page_lists_files_and_serves_them(client, exported):
    html = client.get("/donnees/").content.decode()
    assert "experiences.csv" in html and "Licence Ouverte" in html
    assert "demandes-simplification.csv" in html
    response = client.get("/donnees/fichiers/experiences.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"identifiant" in b"".join(response.streaming_content)
    # Consuming a streamed response closes its file (test client).
    schema = client.get("/donnees/fichiers/experiences.schema.json")
    assert schema["Content-Type"] == "application/json"
    assert json.loads(b"".join(schema.streaming_content))["primaryKey"] == ["identifiant"]
    # Only names recorded by the export are served.
    assert client.get("/donnees/fichiers/inconnu.csv").status_code == 404
    assert client.get("/donnees/fichiers/.experiences.csv.tmp").status_code == 404


def test_data_page_before_any_export(client):
    response = client.get("/donnees/")
    assert response.status_code == 200
    assert "pas encore été exporté" in response.content.decode()


# --- Corrections reach the open data at the next 15-minute export -----------------------------


def _experience_files(root) -> str:
    """Every file of the experiences dataset, as one text."""
    names = OpenDataFile.objects.filter(dataset="experiences").values_list("name", flat=True)
    return "".join((root / name).read_text(encoding="utf-8") for name in names)


def test_a_withdrawn_experience_is_gone_from_every_file_at_the_next_export(
    exported, django_capture_on_commit_callbacks
):
    from parvis.voice import services as voice_services
    from parvis.voice.models import Experience

    root, _ = exported
    kept, withdrawn = PublicExperience.objects.order_by("pk")[:2]
    assert str(withdrawn.uuid) in _experience_files(root)
    assert services.opendata_export_changed() == {"files": [], "skipped": []}

    with django_capture_on_commit_callbacks(execute=True):
        voice_services.experience_withdraw(
            experience=Experience.objects.get(pk=withdrawn.experience_id)
        )
    result = services.opendata_export_changed()

    assert "experiences.csv" in result["files"]
    files = _experience_files(root)
    assert str(withdrawn.uuid) not in files and withdrawn.text not in files
    assert str(kept.uuid) in files


def test_a_masking_correction_after_publication_is_exported_at_once(exported):
    from parvis.voice.models import Experience

    root, _ = exported
    row = PublicExperience.objects.filter(text__contains="moins bien").get()
    Experience.objects.filter(pk=row.experience_id).update(masked_text="[MASQUÉ] corrigé")

    services.publication_sync(experience_id=row.experience_id)
    services.opendata_export_changed()

    files = _experience_files(root)
    assert "moins bien" not in files and "[MASQUÉ] corrigé" in files


def test_votes_and_new_publications_wait_for_the_nightly_export(exported, publish):
    row = PublicExperience.objects.filter(is_answered=True).get()
    PublicExperience.objects.filter(pk=row.pk).update(helpful_yes=row.helpful_yes + 5)
    services.publication_sync(experience_id=row.experience_id)  # counters back from voice
    publish(masked_text="Une nouvelle expérience publiée.")

    assert services.opendata_export_changed() == {"files": [], "skipped": []}
