"""Open data: daily CSV and JSON exports under Licence Ouverte 2.0, with Table Schemas.

Datasets:

* ``experiences``: published experiences with their public answer, from the read model
  (masked texts only; stable identifier = the experience's public UUID).
* ``demandes-simplification``: simplification requests, from
  ``parvis.simplification.selectors.simplification_requests_for_open_data()``, which
  returns an iterable of mappings keyed by the field names of ``SIMPLIFICATION_FIELDS``
  (missing keys are exported empty, other keys ignored; ``historique`` is a list).
  Until that selector exists the dataset is skipped and the data page says so.

Each dataset has ``<name>.csv``, ``<name>.json`` (an array of objects with the same
fields, exact texts) and ``<name>.schema.json`` (Table Schema); ``datapackage.json``
describes them all with the licence. In the CSV only, text cells starting with ``=``,
``+``, ``-`` or ``@`` are prefixed with an apostrophe so that spreadsheets do not run them
as formulas (said in each schema).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from parvis.core.http import absolute_url
from parvis.publication.models import PublicExperience, PublicExperienceTheme

LICENCE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}
FORMULA_PREFIXES = ("=", "+", "-", "@")
ESCAPE_NOTE = (
    "Dans le fichier CSV uniquement, une cellule de texte qui commence par =, +, - ou @ "
    "est précédée d’une apostrophe (') pour qu’un tableur ne l’exécute pas comme une "
    "formule ; le fichier JSON contient le texte exact."
)
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, boolean, date, datetime, array
    title: str
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    format: str = ""

    def descriptor(self) -> dict[str, Any]:
        descriptor: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        description = self.description
        if self.type == "string":
            description = f"{description} {ESCAPE_NOTE}".strip()
        if description:
            descriptor["description"] = description
        if self.format:
            descriptor["format"] = self.format
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


EXPERIENCE_FIELDS: tuple[Column, ...] = (
    Column(
        "identifiant",
        "string",
        "Identifiant",
        "Identifiant public stable (UUID) de l’expérience ; il ne change jamais.",
        required=True,
        format="uuid",
    ),
    Column("url", "string", "Adresse de la page publique", required=True, format="uri"),
    Column("organisme", "string", "Organisme (code)", required=True),
    Column("organisme_nom", "string", "Organisme", required=True),
    Column("service_local", "string", "Service local (code)"),
    Column("service_local_nom", "string", "Service local"),
    Column("lieu", "string", "Lieu d’accueil (code)"),
    Column("lieu_nom", "string", "Lieu d’accueil"),
    Column("departement", "string", "Département (code INSEE)"),
    Column("commune", "string", "Commune (code INSEE)"),
    Column("commune_nom", "string", "Commune"),
    Column("motif", "string", "Motif (code, propre à l’organisme)"),
    Column("motif_libelle", "string", "Motif"),
    Column("themes", "string", "Thèmes", "Codes des thèmes séparés par « ; »."),
    Column("etape_parcours", "string", "Étape du parcours (code)"),
    Column("canal", "string", "Canal (code)"),
    Column(
        "tonalite",
        "string",
        "Tonalité",
        "positif, neutre ou negatif ; vide si non renseignée.",
        enum=("positif", "neutre", "negatif"),
    ),
    Column("date_experience", "date", "Date de l’expérience"),
    Column("date_publication", "datetime", "Date de publication (UTC)", required=True),
    Column("titre", "string", "Titre", "Titre masqué (données personnelles retirées)."),
    Column(
        "texte", "string", "Texte", "Texte masqué (données personnelles retirées).", required=True
    ),
    Column("repondue", "boolean", "A reçu une réponse publique", required=True),
    Column("reponse_texte", "string", "Réponse du service", "Texte masqué."),
    Column("reponse_signataire", "string", "Service signataire de la réponse"),
    Column("date_reponse", "datetime", "Date de publication de la réponse (UTC)"),
    Column(
        "delai_reponse_jours_ouvres",
        "integer",
        "Délai de réponse (jours ouvrés)",
        "Jours ouvrés entre la publication de l’expérience et celle de la réponse, au "
        "calendrier du lieu de l’expérience (samedis, dimanches et jours fériés de son "
        "département exclus ; calendrier métropolitain pour un service national). Le même "
        "nombre que la page de l’expérience et les délais médians des chiffres publiés. "
        "Remplace la colonne « delai_reponse_jours » (jours calendaires).",
    ),
    Column("reponse_utile_oui", "integer", "Lecteurs pour qui la réponse a aidé"),
    Column("reponse_utile_non", "integer", "Lecteurs pour qui la réponse n’a pas aidé"),
    Column("archivee", "boolean", "Archivée", required=True),
)

SIMPLIFICATION_FIELDS: tuple[Column, ...] = (
    Column(
        "identifiant",
        "string",
        "Identifiant",
        "Identifiant public stable (UUID) de la demande.",
        required=True,
    ),
    Column("reference", "string", "Référence", "Référence lisible de la demande."),
    Column("url", "string", "Adresse de la page publique", format="uri"),
    Column("organisme", "string", "Organisme (code)"),
    Column("organisme_nom", "string", "Organisme"),
    Column("theme", "string", "Thème (code)"),
    Column("demarche", "string", "Démarche ou formulaire concerné"),
    Column("cerfa", "string", "Numéro Cerfa"),
    Column("difficulte", "string", "Ce qui est difficile", "Texte publié (masqué)."),
    Column("proposition", "string", "Proposition de simplification", "Texte publié (masqué)."),
    Column(
        "statut",
        "string",
        "Statut (code)",
        "recue, a-l-etude, acceptee, realisee ou refusee.",
        enum=("recue", "a-l-etude", "acceptee", "realisee", "refusee"),
    ),
    Column("statut_libelle", "string", "Statut"),
    Column("motif_refus_code", "string", "Motif de refus (code)"),
    Column("motif_refus", "string", "Motif de refus"),
    Column("explication_refus", "string", "Explication du refus"),
    Column("date_depot", "date", "Date de dépôt"),
    Column("date_statut", "date", "Date du dernier changement de statut"),
    Column("date_publication", "datetime", "Date de publication (UTC)"),
    Column("date_decision", "datetime", "Date de la décision (UTC)"),
    Column("date_realisation", "datetime", "Date de réalisation (UTC)"),
    Column("soutiens", "integer", "Nombre de soutiens"),
    Column("annee", "integer", "Année de dépôt"),
    Column(
        "historique",
        "array",
        "Historique public daté",
        "Liste des changements de "
        "statut : objets {statut, date, auteur, commentaire} ; encodée en JSON dans le "
        "fichier CSV.",
    ),
)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Mapping[str, Any]] | None]

    def schema(self) -> dict[str, Any]:
        return {
            "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
            "name": self.name,
            "title": self.title,
            "description": f"{self.description} {ESCAPE_NOTE}",
            "fields": [column.descriptor() for column in self.columns],
            "primaryKey": ["identifiant"],
            "missingValues": [""],
        }


def opendata_root() -> Path:
    return Path(settings.PUBLICATION_OPENDATA_ROOT or Path(settings.MEDIA_ROOT) / "opendata")


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def experience_rows() -> Iterator[dict[str, Any]]:
    """Every public experience as an export row, in chunks (memory stays flat)."""
    base_url = absolute_url()
    columns = (
        "pk",
        "uuid",
        "organisation__slug",
        "organisation__name",
        "local_service__slug",
        "local_service__name",
        "site__slug",
        "site__name",
        "departement_id",
        "commune_id",
        "commune__name",
        "motif__slug",
        "motif__label",
        "journey_stage_id",
        "channel_id",
        "tone",
        "happened_on",
        "published_at",
        "title",
        "text",
        "is_answered",
        "answer_text",
        "answer_signer",
        "answer_published_at",
        "answer_delay_days",
        "helpful_yes",
        "helpful_no",
        "is_archived",
    )
    last = 0
    while True:
        chunk = list(
            PublicExperience.objects.filter(pk__gt=last).order_by("pk").values(*columns)[:CHUNK]
        )
        if not chunk:
            return
        last = chunk[-1]["pk"]
        themes: dict[int, list[str]] = {}
        for experience_id, theme_id in (
            PublicExperienceTheme.objects.filter(experience_id__in=[r["pk"] for r in chunk])
            .order_by("theme_id")
            .values_list("experience_id", "theme_id")
        ):
            themes.setdefault(experience_id, []).append(theme_id)
        for r in chunk:
            yield {
                "identifiant": str(r["uuid"]),
                "url": base_url + reverse("publication:experience_detail", args=[r["uuid"]]),
                "organisme": r["organisation__slug"],
                "organisme_nom": r["organisation__name"],
                "service_local": r["local_service__slug"],
                "service_local_nom": r["local_service__name"],
                "lieu": r["site__slug"],
                "lieu_nom": r["site__name"],
                "departement": r["departement_id"],
                "commune": r["commune_id"],
                "commune_nom": r["commune__name"],
                "motif": r["motif__slug"],
                "motif_libelle": r["motif__label"],
                "themes": ";".join(themes.get(r["pk"], [])) or None,
                "etape_parcours": r["journey_stage_id"],
                "canal": r["channel_id"],
                "tonalite": r["tone"] or None,
                "date_experience": r["happened_on"].isoformat() if r["happened_on"] else None,
                "date_publication": _iso(r["published_at"]),
                "titre": r["title"] or None,
                "texte": r["text"],
                "repondue": r["is_answered"],
                "reponse_texte": r["answer_text"] or None,
                "reponse_signataire": r["answer_signer"] or None,
                "date_reponse": _iso(r["answer_published_at"]),
                "delai_reponse_jours_ouvres": r["answer_delay_days"],
                "reponse_utile_oui": r["helpful_yes"] if r["is_answered"] else None,
                "reponse_utile_non": r["helpful_no"] if r["is_answered"] else None,
                "archivee": r["is_archived"],
            }


def simplification_rows() -> Iterable[Mapping[str, Any]] | None:
    """Rows from the simplification app, or ``None`` while its selector does not exist."""
    try:
        selectors = importlib.import_module("parvis.simplification.selectors")
    except ModuleNotFoundError as error:
        if error.name != "parvis.simplification.selectors":
            raise
        return None
    provider = getattr(selectors, "simplification_requests_for_open_data", None)
    return provider() if provider is not None else None


DATASETS: dict[str, Dataset] = {
    "experiences": Dataset(
        "experiences",
        "Expériences des usagers et réponses des services publics",
        "Expériences publiées par les usagers sur un service public nommé, après masquage des "
        "données personnelles et modération, avec la réponse publique du service.",
        EXPERIENCE_FIELDS,
        experience_rows,
    ),
    "demandes-simplification": Dataset(
        "demandes-simplification",
        "Demandes de simplification de démarches et de formulaires",
        "Demandes de simplification déposées par des usagers ou des agents, avec leur statut "
        "public et son historique daté.",
        SIMPLIFICATION_FIELDS,
        simplification_rows,
    ),
}


def escape_formula(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def _normalise(column: Column, value: Any) -> Any:
    """Datetimes as UTC « 2026-01-31T09:30:00Z » whatever the source gave (object or ISO
    string with an offset)."""
    if column.type == "datetime" and value:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        return _iso(moment)
    return value


def _csv_cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.type == "array":
        return json.dumps(value, ensure_ascii=False)
    if column.type == "boolean":
        return "true" if value else "false"
    if column.type == "string":
        return escape_formula(str(value))
    return str(value)


def _json_value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.type == "integer":
        return int(value)
    if column.type == "boolean":
        return bool(value)
    if column.type == "array":
        return list(value)
    return str(value)


class _Writers:
    """One pass over the rows feeds the CSV and the JSON files."""

    def __init__(self, columns: tuple[Column, ...], csv_file: TextIO, json_file: TextIO):
        self.columns = columns
        self.csv = csv.writer(csv_file, lineterminator="\n")
        self.csv.writerow([column.name for column in columns])
        self.json_file = json_file
        self.count = 0
        json_file.write("[")

    def write(self, row: Mapping[str, Any]) -> None:
        values = [(c, _normalise(c, row.get(c.name))) for c in self.columns]
        self.csv.writerow([_csv_cell(c, value) for c, value in values])
        record = {c.name: _json_value(c, value) for c, value in values}
        self.json_file.write(("," if self.count else "") + "\n")
        self.json_file.write(json.dumps(record, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.json_file.write("\n]\n")


@dataclass(frozen=True)
class WrittenFile:
    name: str
    dataset: str
    format: str
    title: str
    description: str
    rows: int | None
    size: int
    sha256: str


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _finish(tmp: Path, final: Path) -> tuple[int, str]:
    os.replace(tmp, final)  # atomic: readers never see a half-written file
    return final.stat().st_size, _digest(final)


def write_dataset(dataset: Dataset, root: Path) -> list[WrittenFile] | None:
    """Write one dataset's three files; ``None`` when its source is not available."""
    rows = dataset.rows()
    if rows is None:
        return None
    root.mkdir(parents=True, exist_ok=True)
    names = {fmt: f"{dataset.name}.{fmt}" for fmt in ("csv", "json")}
    names["schema"] = f"{dataset.name}.schema.json"
    tmp = {fmt: root / f".{name}.tmp" for fmt, name in names.items()}
    with (
        tmp["csv"].open("w", encoding="utf-8", newline="") as csv_file,
        tmp["json"].open("w", encoding="utf-8") as json_file,
    ):
        writers = _Writers(dataset.columns, csv_file, json_file)
        for row in rows:
            writers.write(row)
        writers.close()
    tmp["schema"].write_text(
        json.dumps(dataset.schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written = []
    labels = {"csv": "CSV", "json": "JSON", "schema": "Schéma (Table Schema)"}
    for fmt, name in names.items():
        size, sha = _finish(tmp[fmt], root / name)
        written.append(
            WrittenFile(
                name=name,
                dataset=dataset.name,
                format=fmt,
                title=f"{dataset.title} — {labels[fmt]}",
                description=dataset.description,
                rows=None if fmt == "schema" else writers.count,
                size=size,
                sha256=sha,
            )
        )
    return written


def write_datapackage(root: Path, files: Iterable[WrittenFile]) -> WrittenFile:
    """``datapackage.json``: every published resource, its schema and the licence."""
    resources = [
        {
            "name": f"{f.dataset}-{f.format}",
            "path": f.name,
            "title": f.title,
            "format": f.format,
            "mediatype": "text/csv" if f.format == "csv" else "application/json",
            "encoding": "utf-8",
            "bytes": f.size,
            "hash": f"sha256:{f.sha256}",
            "schema": f"{f.dataset}.schema.json",
            "licenses": [LICENCE],
        }
        for f in files
        if f.format in {"csv", "json"}
    ]
    package = {
        "name": "parvis-voix-des-usagers",
        "title": "Voix des usagers des services publics",
        "licenses": [LICENCE],
        "created": _iso(timezone.now()),
        "resources": resources,
    }
    tmp, final = root / ".datapackage.json.tmp", root / "datapackage.json"
    tmp.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    size, sha = _finish(tmp, final)
    return WrittenFile(
        name="datapackage.json",
        dataset="catalogue",
        format="datapackage",
        title="Description des jeux de données (Data Package)",
        description="Liste des fichiers, schémas et licence.",
        rows=None,
        size=size,
        sha256=sha,
    )
