"""Open data: daily CSV and JSON exports under Licence Ouverte 2.0, with Table Schemas.

Datasets:

* ``experiences``: published experiences with their public answer, from the read model
  (masked texts only; stable identifier = the experience's public UUID).
* ``demandes-simplification``: simplification requests, from
  ``parvis.simplification.selectors.simplification_requests_for_open_data()``, which
  returns an iterable of mappings keyed by the field names of ``SIMPLIFICATION_FIELDS``
  (missing keys are exported empty, other keys ignored; ``historique`` is a list).
  Until that selector exists the dataset is skipped and the data page says so.
* ``chiffres``: the figures of the experiences (national, organisation, an organisation's
  département, local service; per month and over twelve months), read from the quality
  catalogue's indicators (``selectors.figures_at``) with their counts ``n``; a rate is
  empty exactly where the figures pages and the API withhold it (below the indicator's
  ``min_n_publish``).
* the directory, one dataset per entity (group ``annuaire``): ``annuaire-organismes``,
  ``annuaire-services-locaux``, ``annuaire-lieux``, ``annuaire-lieux-canaux`` (each
  channel of a site with its public contact detail), ``annuaire-horaires`` (weekly) and
  ``annuaire-horaires-exceptionnels`` (dates to come). Active entries only, as the public
  directory shows them; no personal data, only the services' public contact details.

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
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from parvis.core.http import absolute_url
from parvis.directory import selectors as directory_selectors
from parvis.directory.channels import channel_detail
from parvis.directory.models import OpeningException, OpeningHours, Organisation, Site
from parvis.publication.models import (
    LAST_12_MONTHS,
    FigureScope,
    PublicExperience,
    PublicExperienceTheme,
)

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
    # Table Schema type: string, integer, number, boolean, date, time, datetime,
    # yearmonth, array
    type: str
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
    Column("themes", "string", "Thèmes", "Codes des thèmes séparés par « ; »."),
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
        "Remplace la colonne « delai_reponse_jours » (jours calendaires).",
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
    primary_key: tuple[str, ...] = ("identifiant",)
    # Datasets of one group (``GROUPS``) are listed together on the data page.
    group: str = ""
    # What changed in the file's columns, oldest first: (AAAA-MM-JJ, French text), written
    # into its schema as ``changelog``.
    changelog: tuple[tuple[str, str], ...] = ()

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
            "name": self.name,
            "title": self.title,
            "description": f"{self.description} {ESCAPE_NOTE}",
            "fields": [column.descriptor() for column in self.columns],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }
        if self.changelog:
            schema["changelog"] = [
                {"date": date, "description": text} for date, text in self.changelog
            ]
        return schema


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


# --- Figures -------------------------------------------------------------------------------
# The experiences' indicators of the quality catalogue (``selectors.figures_at``: stored
# monthly results, and the twelve months taken together), as the figures pages show them.

FIGURES_CHANGELOG: tuple[tuple[str, str], ...] = (
    (
        "2026-12-04",
        "Chiffres lus dans le catalogue des indicateurs de qualité (indicateurs "
        "experiences-repondues, experiences-positives, experiences-negatives, "
        "delai-reponse-experiences, delai-reponse-experiences-p90, experiences-refusees) : "
        "chaque part et chaque délai est publié à partir de l’effectif minimal de son "
        "indicateur, sinon la cellule est vide (les effectifs restent donnés) ; les "
        "nombres d’expériences positives, négatives et refusées sont vides quand leur part "
        "n’est pas publiée ; colonne « neutres » retirée ; délais au jour ouvré entier, au "
        "rang le plus proche ; le niveau département est celui d’un organisme (colonne "
        "organisme renseignée, identifiant « departement:organisme:code:période ») ; les "
        "thèmes sont ceux des expériences publiées, le refus par motif ceux des décisions ; "
        "date_calcul est celle du calcul des résultats.",
    ),
)

FIGURE_FIELDS: tuple[Column, ...] = (
    Column(
        "identifiant",
        "string",
        "Identifiant",
        "« niveau:code:période » (code « france » au niveau national), "
        "« departement:organisme:code:période » au niveau département ; stable d’un export "
        "à l’autre.",
        required=True,
    ),
    Column(
        "niveau",
        "string",
        "Niveau (code)",
        "national, organisation, service (service local) ou departement (les expériences "
        "d’un organisme dans un département).",
        required=True,
        enum=tuple(FigureScope.values),
    ),
    Column("niveau_libelle", "string", "Niveau", required=True),
    Column(
        "code",
        "string",
        "Code",
        "Code de l’organisme ou du service local, code INSEE du département ; vide au niveau "
        "national.",
    ),
    Column("libelle", "string", "Nom", required=True),
    Column(
        "organisme",
        "string",
        "Organisme (code)",
        "Pour un organisme, un département ou un service local.",
    ),
    Column(
        "periode",
        "string",
        "Période",
        "Un mois « AAAA-MM », ou « 12m » : le mois du calcul et les onze précédents, pris "
        "ensemble.",
        required=True,
    ),
    Column("mois", "yearmonth", "Mois", "Vide pour la période « 12m »."),
    Column(
        "experiences",
        "integer",
        "Expériences publiées (n)",
        "Comptées dans le mois de leur publication ; effectif des parts et du taux de réponse.",
        required=True,
    ),
    Column(
        "positives",
        "integer",
        "Expériences positives",
        "Vide quand la part d’expériences positives n’est pas publiée.",
    ),
    Column(
        "negatives",
        "integer",
        "Expériences négatives",
        "Vide quand la part d’expériences négatives n’est pas publiée.",
    ),
    Column(
        "part_positive",
        "number",
        "Part d’expériences positives (%)",
        "Indicateur experiences-positives ; pourcentage à une décimale ; vide sous son "
        "effectif minimal de publication.",
    ),
    Column(
        "part_negative",
        "number",
        "Part d’expériences négatives (%)",
        "Indicateur experiences-negatives ; pourcentage à une décimale ; vide sous son "
        "effectif minimal de publication.",
    ),
    Column(
        "repondues",
        "integer",
        "Expériences ayant reçu une réponse (n)",
        "Effectif des délais de réponse.",
        required=True,
    ),
    Column(
        "taux_reponse",
        "number",
        "Taux de réponse (%)",
        "Indicateur experiences-repondues ; pourcentage à une décimale ; vide sous son "
        "effectif minimal de publication.",
    ),
    Column(
        "delai_median_jours",
        "number",
        "Délai médian de réponse (jours ouvrés)",
        "Indicateur delai-reponse-experiences : jours ouvrés entiers, au rang le plus "
        "proche ; vide sous son effectif minimal de publication.",
    ),
    Column(
        "delai_p90_jours",
        "number",
        "Délai de réponse du 9e décile (jours ouvrés)",
        "Indicateur delai-reponse-experiences-p90 : 90\u202f% des réponses sont publiées en au "
        "plus ce délai ; vide sous son effectif minimal de publication.",
    ),
    Column(
        "moderees",
        "integer",
        "Expériences modérées (n)",
        "Décisions de modération du mois (publication ou refus) ; effectif du taux de refus.",
        required=True,
    ),
    Column(
        "refusees",
        "integer",
        "Expériences refusées en modération",
        "Vide quand le taux de refus n’est pas publié.",
    ),
    Column(
        "taux_refus",
        "number",
        "Taux de refus en modération (%)",
        "Indicateur experiences-refusees ; pourcentage à une décimale ; vide sous son "
        "effectif minimal de publication.",
    ),
    Column(
        "themes_principaux",
        "array",
        "Thèmes les plus cités",
        "Cinq au plus, quand le nombre d’expériences est publié : objets {code, libelle, "
        "nombre, nombre_periode_precedente} ; encodée en JSON dans le fichier CSV.",
    ),
    Column(
        "refus_par_motif",
        "array",
        "Refus par motif de la charte",
        "Quand le taux de refus est publié : objets {code, libelle, nombre} ; encodée en "
        "JSON dans le fichier CSV.",
    ),
    Column("date_calcul", "datetime", "Date du calcul (UTC)", required=True),
)


def one_decimal(value: float | None) -> float | None:
    """A published figure, rounded to one decimal (never 27.900000000000002)."""
    return None if value is None else round(value, 1)


def _percent(share: float | None) -> float | None:
    return None if share is None else one_decimal(share * 100)


def _value(place: Any, column: str) -> float | None:
    cell = place.cells.get(column)
    return cell.shown.value if cell else None


def _numerator(place: Any, column: str) -> int | None:
    cell = place.cells.get(column)
    if cell is None or cell.shown.value is None or cell.shown.numerator is None:
        return None
    return int(cell.shown.numerator)


FIGURE_LEVELS = (
    FigureScope.NATIONAL,
    FigureScope.ORGANISATION,
    FigureScope.DEPARTEMENT,
    FigureScope.SERVICE,
)


def figure_rows() -> Iterator[dict[str, Any]]:
    """Every place's figures of the twelve months and of each month with results, with
    each indicator's publication minimum applied (``quality.selectors.shown``), the same
    as on the figures pages."""
    from parvis.publication import selectors

    levels = dict(FigureScope.choices)
    for period in (LAST_12_MONTHS, *reversed(selectors.figures_periods())):
        for level in FIGURE_LEVELS:
            places = selectors.figures_at(level=level, period=period)
            themes = selectors.themes_by_place(level=level, period=period)
            rejections = selectors.rejections_by_place(level=level, period=period)
            for place in sorted(places, key=lambda p: (p.organisation, p.code)):
                where = (place.organisation_id, place.key)
                code = place.code or "france"
                if level == FigureScope.DEPARTEMENT:
                    code = f"{place.organisation}:{place.code}"
                rejected = place.cells.get("rejected")
                yield {
                    "identifiant": f"{level}:{code}:{period}",
                    "niveau": level,
                    "niveau_libelle": str(levels.get(level, level)),
                    "code": place.code or None,
                    "libelle": place.label if place.code else "France entière",
                    "organisme": place.organisation or None,
                    "periode": period,
                    "mois": place.month.strftime("%Y-%m") if place.month else None,
                    "experiences": place.experiences,
                    "positives": _numerator(place, "positive"),
                    "negatives": _numerator(place, "negative"),
                    "part_positive": _percent(_value(place, "positive")),
                    "part_negative": _percent(_value(place, "negative")),
                    "repondues": place.answered,
                    "taux_reponse": _percent(_value(place, "answered")),
                    "delai_median_jours": one_decimal(_value(place, "delay_median")),
                    "delai_p90_jours": one_decimal(_value(place, "delay_p90")),
                    "moderees": place.moderated,
                    "refusees": _numerator(place, "rejected"),
                    "taux_refus": _percent(_value(place, "rejected")),
                    "themes_principaux": [
                        {
                            "code": theme["slug"],
                            "libelle": theme["label"],
                            "nombre": theme["count"],
                            "nombre_periode_precedente": theme["previous"],
                        }
                        for theme in (themes.get(where, []) if place.is_rated else [])
                    ],
                    "refus_par_motif": [
                        {"code": r["code"], "libelle": r["label"], "nombre": r["count"]}
                        for r in (
                            rejections.get(where, [])
                            if rejected is not None and rejected.published
                            else []
                        )
                    ],
                    "date_calcul": place.computed_at,
                }


# --- Directory -----------------------------------------------------------------------------

DIRECTORY_GROUP = "annuaire"
CONTACT_NOTE = "Coordonnées publiques du service (aucune donnée personnelle)."

ORGANISATION_FIELDS: tuple[Column, ...] = (
    Column("identifiant", "string", "Identifiant (code de l’organisme)", required=True),
    Column("nom", "string", "Nom", required=True),
    Column("nom_court", "string", "Nom court"),
    Column("services_locaux", "integer", "Nombre de services locaux", required=True),
    Column("url", "string", "Adresse de la page publique", required=True, format="uri"),
)

LOCAL_SERVICE_FIELDS: tuple[Column, ...] = (
    Column("identifiant", "string", "Identifiant (code du service local)", required=True),
    Column("nom", "string", "Nom", required=True),
    Column("organisme", "string", "Organisme (code)", required=True),
    Column("organisme_nom", "string", "Organisme", required=True),
    Column("departement_principal", "string", "Département principal (code INSEE)"),
    Column(
        "departements",
        "string",
        "Départements couverts",
        "Codes INSEE des départements couverts, séparés par « ; ».",
    ),
    Column("fuseau_horaire", "string", "Fuseau horaire", "Nom IANA (Europe/Paris…)."),
    Column("telephone", "string", "Téléphone", CONTACT_NOTE),
    Column("courriel", "string", "Courriel", CONTACT_NOTE),
    Column("url", "string", "Adresse de la page publique", required=True, format="uri"),
)

SITE_FIELDS: tuple[Column, ...] = (
    Column("identifiant", "string", "Identifiant (code du lieu)", required=True),
    Column("nom", "string", "Nom", required=True),
    Column(
        "type",
        "string",
        "Type (code)",
        "guichet (accueil physique), centre-contact ou france-services.",
        required=True,
        enum=tuple(Site.Kind.values),
    ),
    Column("type_libelle", "string", "Type", required=True),
    Column(
        "organisme",
        "string",
        "Organisme (code)",
        "L’organisme qui tient le lieu ; vide pour une structure France Services portée par "
        "une collectivité ou une association.",
    ),
    Column("organisme_nom", "string", "Organisme"),
    Column("service_local", "string", "Service local (code)"),
    Column("service_local_nom", "string", "Service local"),
    Column("structure_porteuse", "string", "Structure porteuse"),
    Column(
        "partenaires",
        "string",
        "Organismes partenaires",
        "France Services : codes des organismes partenaires, séparés par « ; ».",
    ),
    Column("adresse", "string", "Adresse"),
    Column("code_postal", "string", "Code postal"),
    Column("commune", "string", "Commune (code INSEE)", required=True),
    Column("commune_nom", "string", "Commune", required=True),
    Column("departement", "string", "Département (code INSEE)", required=True),
    Column(
        "fuseau_horaire",
        "string",
        "Fuseau horaire",
        "Nom IANA ; les horaires du lieu sont des heures locales de ce fuseau.",
        required=True,
    ),
    Column(
        "couverture",
        "string",
        "Public servi",
        "local : le public du lieu ; national : toute la France (centre de contact) ; "
        "departements : les départements listés dans departements_couverts. La commune "
        "d’un centre de contact ne donne que son fuseau horaire.",
        required=True,
        enum=("local", "national", "departements"),
    ),
    Column(
        "departements_couverts",
        "string",
        "Départements couverts (codes INSEE)",
        "Séparés par « ; », seulement quand couverture vaut departements.",
    ),
    Column("telephone", "string", "Téléphone", CONTACT_NOTE),
    Column("courriel", "string", "Courriel", CONTACT_NOTE),
    Column("site_web", "string", "Site internet ou formulaire en ligne", format="uri"),
    Column(
        "canaux",
        "string",
        "Canaux proposés",
        "Codes des canaux séparés par « ; » (détail dans annuaire-lieux-canaux).",
    ),
    Column("url", "string", "Adresse de la page publique", required=True, format="uri"),
)

SITE_CHANNEL_FIELDS: tuple[Column, ...] = (
    Column("lieu", "string", "Lieu (code)", required=True),
    Column("canal", "string", "Canal (code)", required=True),
    Column("canal_libelle", "string", "Canal", required=True),
    Column(
        "contact",
        "string",
        "Coordonnée publique",
        "Téléphone, courriel, adresse ou site internet par lequel joindre le lieu sur ce canal "
        "(une coordonnée par canal, règle de l’annuaire) ; vide quand "
        f"l’annuaire n’en indique pas. {CONTACT_NOTE}",
    ),
)

OPENING_HOURS_FIELDS: tuple[Column, ...] = (
    Column("lieu", "string", "Lieu (code)", required=True),
    Column("jour", "integer", "Jour (1 = lundi … 7 = dimanche)", required=True),
    Column("jour_libelle", "string", "Jour", required=True),
    Column("ouverture", "time", "Ouverture (heure locale du lieu)", required=True),
    Column("fermeture", "time", "Fermeture (heure locale du lieu)", required=True),
)

OPENING_EXCEPTION_FIELDS: tuple[Column, ...] = (
    Column("lieu", "string", "Lieu (code)", required=True),
    Column("date", "date", "Date", required=True),
    Column("ferme", "boolean", "Fermé toute la journée", required=True),
    Column("ouverture", "time", "Ouverture (heure locale du lieu)", "Vide si fermé."),
    Column("fermeture", "time", "Fermeture (heure locale du lieu)", "Vide si fermé."),
    Column("motif", "string", "Motif"),
)

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _page(url_name: str, slug: str, base_url: str) -> str:
    return base_url + reverse(f"directory:{url_name}", args=[slug])


def _joined(values: Iterable[str]) -> str | None:
    return ";".join(values) or None


def organisation_rows() -> Iterator[dict[str, Any]]:
    base_url = absolute_url()
    for organisation in directory_selectors.organisations_for_public():
        yield {
            "identifiant": organisation.slug,
            "nom": organisation.name,
            "nom_court": organisation.short_name or None,
            "services_locaux": organisation.local_service_count,  # type: ignore[attr-defined]
            "url": _page("organisation_detail", organisation.slug, base_url),
        }


def local_service_rows() -> Iterator[dict[str, Any]]:
    base_url = absolute_url()
    for service in directory_selectors.local_services_search():
        yield {
            "identifiant": service.slug,
            "nom": service.name,
            "organisme": service.organisation.slug,
            "organisme_nom": service.organisation.name,
            "departement_principal": service.main_departement_id,
            "departements": _joined(sorted(d.code for d in service.departements.all())),
            "fuseau_horaire": service.timezone,
            "telephone": service.phone or None,
            "courriel": service.email or None,
            "url": _page("local_service_detail", service.slug, base_url),
        }


def _public_sites() -> QuerySet[Site]:
    return directory_selectors.sites_search()


def site_rows() -> Iterator[dict[str, Any]]:
    base_url = absolute_url()
    for site in _public_sites():
        service = site.local_service
        # A France Services operator is not an administration of « annuaire-organismes »:
        # its name is the « structure porteuse ».
        organisation = (
            site.organisation
            if site.organisation.kind == Organisation.Kind.ADMINISTRATION
            else None
        )
        yield {
            "identifiant": site.slug,
            "nom": site.name,
            "type": site.kind,
            "type_libelle": site.get_kind_display(),
            "organisme": organisation.slug if organisation else None,
            "organisme_nom": organisation.name if organisation else None,
            "service_local": service.slug if service else None,
            "service_local_nom": service.name if service else None,
            "structure_porteuse": site.operator_name or None,
            "partenaires": _joined(sorted(p.slug for p in site.partners.all())),
            "adresse": site.address or None,
            "code_postal": site.postcode or None,
            "commune": site.commune_id,
            "commune_nom": site.commune.name,
            "departement": site.commune.departement_id,
            "fuseau_horaire": site.timezone,
            "couverture": site.coverage,
            "departements_couverts": _joined(
                sorted(d.code for d in site.covered_departements.all())
            ),
            "telephone": site.phone or None,
            "courriel": site.email or None,
            "site_web": site.website or None,
            "canaux": _joined(c.slug for c in site.channels.all()),
            "url": _page("site_detail", site.slug, base_url),
        }


def site_channel_rows() -> Iterator[dict[str, Any]]:
    for site in _public_sites():
        for channel in site.channels.all():
            yield {
                "lieu": site.slug,
                "canal": channel.slug,
                "canal_libelle": channel.label,
                "contact": contact.value if (contact := channel_detail(site, channel)) else None,
            }


def _hhmmss(moment: dt.time | None) -> str | None:
    return moment.strftime("%H:%M:%S") if moment is not None else None


def opening_hours_rows() -> Iterator[dict[str, Any]]:
    rows = (
        OpeningHours.objects.filter(site__in=_public_sites().values("pk"))
        .order_by("site__sort_key", "site_id", "weekday", "opens")
        .values_list("site__slug", "weekday", "opens", "closes")
    )
    for slug, weekday, opens, closes in rows.iterator(chunk_size=CHUNK):
        yield {
            "lieu": slug,
            "jour": weekday + 1,
            "jour_libelle": WEEKDAYS[weekday],
            "ouverture": _hhmmss(opens),
            "fermeture": _hhmmss(closes),
        }


def opening_exception_rows() -> Iterator[dict[str, Any]]:
    """Exceptions from today on (platform date): past ones are no use to a visitor."""
    rows = (
        OpeningException.objects.filter(
            site__in=_public_sites().values("pk"), date__gte=timezone.localdate()
        )
        .order_by("site__sort_key", "site_id", "date")
        .values_list("site__slug", "date", "is_closed", "opens", "closes", "label")
    )
    for slug, date, is_closed, opens, closes, label in rows.iterator(chunk_size=CHUNK):
        yield {
            "lieu": slug,
            "date": date.isoformat(),
            "ferme": is_closed,
            "ouverture": None if is_closed else _hhmmss(opens),
            "fermeture": None if is_closed else _hhmmss(closes),
            "motif": label or None,
        }


# --- Quality results -----------------------------------------------------------------------
# From the quality app's read side: ``quality.selectors.export_rows`` and
# ``quality.public.published`` (a figure below the indicator's ``min_n_publish`` leaves
# with its cells empty and the reason). Shares are written in percent, one decimal.

QUALITY_GROUP = "qualite"
QUALITY_CHANGELOG: tuple[tuple[str, str], ...] = (
    (
        "2026-12-04",
        "Première publication : catalogue des indicateurs, résultats mensuels, export aux "
        "colonnes de Services Publics+.",
    ),
    (
        "2026-12-04",
        "Indicateurs des chiffres des expériences ajoutés au catalogue : "
        "experiences-positives, experiences-negatives, delai-reponse-experiences-p90, "
        "experiences-refusees ; date_rattachement peut valoir « moderated » (décision de "
        "modération).",
    ),
)
UNIT_CODES = {
    "share": "pourcentage",
    "seconds": "secondes",
    "working_days": "jours-ouvres",
    "score": "note-sur-5",
}
UNIT_NOTE = (
    "pourcentage (une part, de 0 à 100, à une décimale), secondes, jours-ouvres ou note-sur-5."
)
STRUCTURE_KINDS = (*Site.Kind.values, "service-local", "organisme")

QUALITY_INDICATOR_FIELDS: tuple[Column, ...] = (
    Column("identifiant", "string", "Code de l’indicateur", required=True),
    Column("nom", "string", "Nom", required=True),
    Column("definition", "string", "Définition", "Ce que mesure l’indicateur.", required=True),
    Column("unite", "string", "Unité", UNIT_NOTE, required=True, enum=tuple(UNIT_CODES.values())),
    Column(
        "sens",
        "string",
        "Sens",
        "plus-haut : plus haut, c’est mieux ; plus-bas : plus bas, c’est mieux.",
        required=True,
        enum=("plus-haut", "plus-bas"),
    ),
    Column(
        "date_rattachement",
        "string",
        "Date qui place un cas dans un mois",
        "created : arrivée du contact ; resolved : résolution ; published : publication ; "
        "moderated : décision de modération.",
        required=True,
        enum=("created", "resolved", "published", "moderated"),
    ),
    Column(
        "niveaux",
        "string",
        "Niveaux calculés",
        "Séparés par « ; » : site, service, departement, region, organisation, national.",
        required=True,
    ),
    Column(
        "effectif_min_publication",
        "integer",
        "Effectif minimal de publication",
        "Sous cet effectif, la valeur n’est pas publiée.",
        required=True,
    ),
    Column(
        "effectif_min_classement",
        "integer",
        "Effectif minimal de classement",
        "Sous cet effectif, un territoire n’est pas classé.",
        required=True,
    ),
    Column("harmonise", "boolean", "Harmonisé entre organismes", required=True),
    Column(
        "engagements",
        "string",
        "Engagements Services Publics+",
        "Numéros des engagements que l’indicateur prouve, séparés par « ; ».",
    ),
    Column("code_services_publics_plus", "string", "Code de l’indicateur Services Publics+"),
    Column("version", "integer", "Version du calcul", required=True),
    Column("calculateur", "string", "Calculateur", "declared : donnée déclarée.", required=True),
    Column(
        "parametres",
        "object",
        "Paramètres du calcul",
        "Objet JSON ; encodé en JSON dans le fichier CSV.",
        required=True,
    ),
    Column(
        "echantillon",
        "boolean",
        "Issu d’une enquête",
        "Vrai : les résultats portent un intervalle de confiance à 95\u202f% "
        "et un taux de réponse.",
        required=True,
    ),
    Column("declaratif", "boolean", "Donnée déclarée par les organismes seulement", required=True),
    Column("tolerance", "string", "Précision d’un percentile"),
    Column(
        "seuil_couverture",
        "number",
        "Couverture minimale du calcul",
        "Le résultat calculé l’emporte sur le déclaré quand son effectif atteint cette part "
        "de l’effectif déclaré (de 0 à 1).",
        required=True,
    ),
    Column(
        "versions",
        "array",
        "Versions (ruptures de série)",
        "Objets {version, depuis, calculateur, unite, sens, raison} ; encodée en JSON dans le "
        "fichier CSV.",
        required=True,
    ),
    Column("date_mise_a_jour", "datetime", "Date de mise à jour (UTC)", required=True),
)


def _share_or_value(unit: str, value: float | None, ndigits: int = 1) -> float | None:
    """A share in percent (one decimal), any other unit as it is (one decimal)."""
    if value is None:
        return None
    return round(value * 100 if unit == "share" else value, ndigits)


def quality_indicator_rows() -> Iterator[dict[str, Any]]:
    from parvis.quality.models import IndicatorVersion
    from parvis.quality.selectors import published_indicators

    indicators = list(published_indicators())
    versions: dict[int, list[dict[str, Any]]] = {}
    for version in IndicatorVersion.objects.filter(indicator__in=indicators):
        versions.setdefault(version.indicator_id, []).append(
            {
                "version": version.version,
                "depuis": version.started_on.isoformat(),
                "calculateur": version.calculator,
                "unite": UNIT_CODES.get(version.unit, version.unit),
                "sens": "plus-haut" if version.direction == "higher" else "plus-bas",
                "raison": version.reason,
            }
        )
    for indicator in indicators:
        yield {
            "identifiant": indicator.code,
            "nom": indicator.name,
            "definition": indicator.definition,
            "unite": UNIT_CODES[indicator.unit],
            "sens": "plus-haut" if indicator.direction == "higher" else "plus-bas",
            "date_rattachement": indicator.date_basis,
            "niveaux": _joined(indicator.levels),
            "effectif_min_publication": indicator.min_n_publish,
            "effectif_min_classement": indicator.min_n_rank,
            "harmonise": indicator.harmonised,
            "engagements": _joined(str(c) for c in indicator.commitments),
            "code_services_publics_plus": indicator.sp_code or None,
            "version": indicator.version,
            "calculateur": indicator.calculator,
            "parametres": indicator.parameters,
            "echantillon": indicator.is_sample,
            "declaratif": indicator.is_declared_only,
            "tolerance": indicator.tolerance or None,
            "seuil_couverture": indicator.coverage_threshold,
            "versions": versions.get(indicator.pk, []),
            "date_mise_a_jour": indicator.updated_at,
        }


QUALITY_RESULT_FIELDS: tuple[Column, ...] = (
    Column(
        "identifiant",
        "string",
        "Identifiant",
        "« indicateur:niveau:organisme:territoire:mois » (« - » pour un organisme ou un "
        "territoire vide) ; stable d’un export à l’autre.",
        required=True,
    ),
    Column("indicateur", "string", "Indicateur (code)", required=True),
    Column("indicateur_nom", "string", "Indicateur", required=True),
    Column(
        "version_catalogue",
        "integer",
        "Version du calcul",
        "Version de l’indicateur avec laquelle le résultat a été calculé (voir "
        "indicateurs-qualite : une nouvelle version est une rupture de série).",
        required=True,
    ),
    Column(
        "parametres",
        "object",
        "Paramètres du calcul",
        "Ceux du calcul de ce résultat ; encodés en JSON dans le fichier CSV.",
        required=True,
    ),
    Column(
        "niveau",
        "string",
        "Niveau (code)",
        "site (lieu d’accueil), service (service local), departement, region, organisation "
        "(l’organisme au niveau national) ou national (tous organismes, indicateurs "
        "harmonisés seulement).",
        required=True,
        enum=("site", "service", "departement", "region", "organisation", "national"),
    ),
    Column("niveau_libelle", "string", "Niveau", required=True),
    Column(
        "organisme",
        "string",
        "Organisme (code)",
        "Vide pour tous organismes et pour un lieu France Services pris dans son ensemble "
        "(tous partenaires).",
    ),
    Column("organisme_nom", "string", "Organisme"),
    Column("siren", "string", "SIREN de l’organisme", "Quand l’annuaire le connaît."),
    Column(
        "territoire",
        "string",
        "Territoire (code)",
        "Code du lieu ou du service local (comme dans l’annuaire), code INSEE du département "
        "ou de la région, code de l’organisme ; vide pour tous organismes.",
    ),
    Column("territoire_nom", "string", "Territoire"),
    Column("siret", "string", "SIRET du lieu", "Niveau site, quand l’annuaire le connaît."),
    Column("mois", "yearmonth", "Mois", required=True),
    Column(
        "mois_definitif",
        "boolean",
        "Mois définitif",
        "Vrai quand le mois est figé (15 jours après sa fin) ; une correction ultérieure est "
        "une révision datée. Faux : résultat provisoire.",
        required=True,
    ),
    Column("unite", "string", "Unité", UNIT_NOTE, required=True, enum=tuple(UNIT_CODES.values())),
    Column("valeur", "number", "Valeur", "Vide quand elle n’est pas publiée."),
    Column(
        "effectif",
        "integer",
        "Effectif (n)",
        "Nombre de cas ou de réponses ; toujours donné.",
        required=True,
    ),
    Column("numerateur", "number", "Numérateur", "Vide quand la valeur n’est pas publiée."),
    Column("denominateur", "number", "Dénominateur", "Vide quand la valeur n’est pas publiée."),
    Column(
        "intervalle_bas",
        "number",
        "Intervalle de confiance à 95\u202f% : borne basse",
        "Enquêtes seulement (Wilson pour une part, t pour une moyenne).",
    ),
    Column("intervalle_haut", "number", "Intervalle de confiance à 95\u202f% : borne haute"),
    Column(
        "taux_reponse",
        "number",
        "Taux de réponse (%)",
        "Enquêtes seulement : réponses ÷ questionnaires envoyés. Les personnes qui répondent "
        "ne ressemblent pas toujours à celles qui ne répondent pas (biais de non-réponse).",
    ),
    Column("tolerance", "number", "Précision d’un percentile", "Dans l’unité de l’indicateur."),
    Column(
        "source",
        "string",
        "Source",
        "calcule : calculé par parvis ; declare : déclaré par l’organisme.",
        required=True,
        enum=("calcule", "declare"),
    ),
    Column(
        "source_declaration",
        "string",
        "Source déclarée et date",
        "Pour une valeur déclarée, ou gardée à côté du calcul quand le calcul l’emporte.",
    ),
    Column(
        "valeur_declaree",
        "number",
        "Valeur déclarée",
        "Quand le calcul l’emporte sur une déclaration (couverture suffisante), la valeur "
        "déclarée reste visible ici.",
    ),
    Column("publie", "boolean", "Valeur publiée", required=True),
    Column("motif_non_publication", "string", "Motif de non-publication"),
    Column(
        "millesime_cog",
        "string",
        "Millésime du code officiel géographique",
        "Année du COG de l’INSEE des codes de départements et de régions.",
    ),
    Column("date_calcul", "datetime", "Date du calcul (UTC)", required=True),
)


def _public_places() -> tuple[dict[str, Site], dict[str, Any]]:
    from parvis.directory.models import LocalService

    sites = {str(site.pk): site for site in Site.objects.select_related("commune")}
    services = {str(service.pk): service for service in LocalService.objects.all()}
    return sites, services


def quality_result_rows() -> Iterator[dict[str, Any]]:
    from parvis.quality import public
    from parvis.quality.models import Level
    from parvis.quality.selectors import export_rows

    vintage = public.cog_vintage() or None
    levels = dict(Level.choices)
    sites, services = _public_places()
    for result in export_rows().iterator(chunk_size=CHUNK):
        indicator, organisation = result.indicator, result.organisation
        figure = public.published(indicator, result)
        site = sites.get(result.key) if result.level == Level.SITE else None
        service = services.get(result.key) if result.level == Level.SERVICE else None
        territory = site.slug if site else service.slug if service else result.key
        unit = indicator.unit
        withheld = figure.value is None
        yield {
            "identifiant": ":".join(
                (
                    indicator.code,
                    result.level,
                    organisation.slug if organisation else "-",
                    territory or "-",
                    figure.month_code,
                )
            ),
            "indicateur": indicator.code,
            "indicateur_nom": indicator.name,
            "version_catalogue": result.version,
            "parametres": result.parameters,
            "niveau": result.level,
            "niveau_libelle": str(levels.get(result.level, result.level)),
            "organisme": organisation.slug if organisation else None,
            "organisme_nom": organisation.name if organisation else None,
            "siren": (organisation.siren or None) if organisation else None,
            "territoire": territory or None,
            "territoire_nom": result.label or None,
            "siret": (site.siret or None) if site else None,
            "mois": figure.month_code,
            "mois_definitif": result.frozen,
            "unite": UNIT_CODES[unit],
            "valeur": _share_or_value(unit, figure.value),
            "effectif": figure.n,
            "numerateur": None if withheld else _rounded(figure.numerator),
            "denominateur": None if withheld else _rounded(figure.denominator),
            "intervalle_bas": _share_or_value(unit, figure.ci_low),
            "intervalle_haut": _share_or_value(unit, figure.ci_high),
            "taux_reponse": _share_or_value("share", figure.response_rate),
            "tolerance": figure.tolerance,
            "source": "declare" if figure.declared else "calcule",
            "source_declaration": result.declared_source or None,
            "valeur_declaree": _share_or_value(unit, figure.declared_value),
            "publie": not withheld,
            "motif_non_publication": figure.reason or None,
            "millesime_cog": vintage,
            "date_calcul": result.computed_at,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


SP_PLUS_FIELDS: tuple[Column, ...] = (
    Column(
        "code_structure",
        "string",
        "Code de la structure",
        "Code Services Publics+ de la structure quand l’annuaire le connaît, code parvis "
        "sinon (code_parvis).",
        required=True,
    ),
    Column(
        "typologie",
        "string",
        "Typologie",
        "guichet (accueil physique), centre-contact, france-services, service-local ou "
        "organisme (résultat national de l’organisme).",
        required=True,
        enum=STRUCTURE_KINDS,
    ),
    Column("nom_structure", "string", "Nom de la structure", required=True),
    Column("code_postal", "string", "Code postal", "Lieux d’accueil seulement."),
    Column("commune", "string", "Commune", "Lieux d’accueil seulement."),
    Column(
        "code_indicateur",
        "string",
        "Code de l’indicateur",
        "Code Services Publics+ de l’indicateur quand il existe, code du catalogue parvis "
        "sinon (indicateurs-qualite).",
        required=True,
    ),
    Column("valeur", "number", "Valeur", f"Unité (colonne unite) : {UNIT_NOTE}", required=True),
    Column(
        "frequence",
        "string",
        "Fréquence",
        "mensuelle : la valeur porte sur le mois de la colonne mois.",
        required=True,
        enum=("mensuelle",),
    ),
    Column("date_mise_a_jour", "date", "Date de mise à jour", required=True),
    Column("mois", "yearmonth", "Mois du résultat", required=True),
    Column("unite", "string", "Unité", UNIT_NOTE, required=True, enum=tuple(UNIT_CODES.values())),
    Column("effectif", "integer", "Effectif (n)", required=True),
    Column(
        "code_parvis",
        "string",
        "Code parvis de la structure",
        "Code du lieu, du service local ou de l’organisme dans l’annuaire parvis.",
        required=True,
    ),
    Column("siret", "string", "SIRET", "Lieux d’accueil, quand l’annuaire le connaît."),
    Column("siren", "string", "SIREN de l’organisme", "Quand l’annuaire le connaît."),
)


def sp_plus_rows() -> Iterator[dict[str, Any]]:
    """The published results of the latest complete month with results, for every site
    (a France Services site as a whole), local service and organisation."""
    from django.db.models import Max

    from parvis.quality import public
    from parvis.quality.models import Level, Result
    from parvis.quality.selectors import export_rows

    current = timezone.localdate().replace(day=1)
    month = Result.objects.filter(month__lt=current).aggregate(latest=Max("month"))["latest"]
    if month is None:
        return
    sites, services = _public_places()
    results = export_rows().filter(
        month=month, level__in=[Level.SITE, Level.SERVICE, Level.ORGANISATION]
    )
    for result in results.iterator(chunk_size=CHUNK):
        indicator, organisation = result.indicator, result.organisation
        figure = public.published(indicator, result)
        if figure.value is None:
            continue
        structure: dict[str, Any]
        if result.level == Level.SITE:
            site = sites.get(result.key)
            if site is None:
                continue
            # A France Services site is one structure: its whole-site figure, not each
            # partner's share of it.
            if site.kind == Site.Kind.FRANCE_SERVICES and organisation is not None:
                continue
            structure = {
                "code_structure": site.sp_code or site.slug,
                "typologie": site.kind,
                "nom_structure": site.name,
                "code_postal": site.postcode or None,
                "commune": site.commune.name,
                "code_parvis": site.slug,
                "siret": site.siret or None,
            }
        elif result.level == Level.SERVICE:
            service = services.get(result.key)
            if service is None:
                continue
            structure = {
                "code_structure": service.sp_code or service.slug,
                "typologie": "service-local",
                "nom_structure": service.name,
                "code_parvis": service.slug,
            }
        else:
            if organisation is None:
                continue
            structure = {
                "code_structure": organisation.sp_code or organisation.slug,
                "typologie": "organisme",
                "nom_structure": organisation.name,
                "code_parvis": organisation.slug,
            }
        yield {
            **structure,
            "siren": (organisation.siren or None) if organisation else None,
            "code_indicateur": indicator.sp_code or indicator.code,
            "valeur": _share_or_value(indicator.unit, figure.value),
            "frequence": "mensuelle",
            "date_mise_a_jour": timezone.localdate(result.computed_at).isoformat(),
            "mois": figure.month_code,
            "unite": UNIT_CODES[indicator.unit],
            "effectif": figure.n,
        }


GROUPS: dict[str, tuple[str, str]] = {
    DIRECTORY_GROUP: (
        "Annuaire des services publics",
        "Organismes, services locaux et départements couverts, lieux d’accueil (guichets, "
        "centres de contact, France Services), leurs canaux avec les coordonnées publiques, "
        "horaires hebdomadaires et horaires exceptionnels à venir : un fichier par entité, "
        "reliés par leurs codes.",
    ),
    QUALITY_GROUP: (
        "Résultats de qualité des services publics",
        "Les indicateurs du catalogue (définitions, unités, seuils de publication, versions) "
        "et leurs résultats mensuels par lieu, service local, département, région, organisme "
        "et tous organismes, calculés à partir des contacts, réponses et enquêtes ou déclarés "
        "par les organismes ; un export aux colonnes de Services Publics+.",
    ),
}


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
    "chiffres": Dataset(
        "chiffres",
        "Chiffres publiés des expériences",
        "Indicateurs des pages de chiffres (France entière, organisme, département d’un "
        "organisme, service local ; par mois et sur douze mois) avec leur effectif n, lus "
        "dans le catalogue des indicateurs de qualité. Sous l’effectif minimal de "
        "publication d’un indicateur (10 expériences pour les parts, 10 réponses pour les "
        "délais, 10 décisions pour le taux de refus), la valeur n’est pas publiée et la "
        "cellule est vide ; les effectifs sont toujours donnés.",
        FIGURE_FIELDS,
        figure_rows,
        changelog=FIGURES_CHANGELOG,
    ),
    "annuaire-organismes": Dataset(
        "annuaire-organismes",
        "Annuaire : organismes",
        "Organismes de service public présents dans l’annuaire.",
        ORGANISATION_FIELDS,
        organisation_rows,
        group=DIRECTORY_GROUP,
    ),
    "annuaire-services-locaux": Dataset(
        "annuaire-services-locaux",
        "Annuaire : services locaux",
        "Services locaux des organismes (par exemple une CAF départementale), avec les "
        "départements qu’ils couvrent et leurs coordonnées publiques.",
        LOCAL_SERVICE_FIELDS,
        local_service_rows,
        group=DIRECTORY_GROUP,
    ),
    "annuaire-lieux": Dataset(
        "annuaire-lieux",
        "Annuaire : lieux d’accueil",
        "Guichets, centres de contact et structures France Services, avec leur adresse, "
        "leur commune, l’organisme qui les tient et leurs partenaires.",
        SITE_FIELDS,
        site_rows,
        group=DIRECTORY_GROUP,
    ),
    "annuaire-lieux-canaux": Dataset(
        "annuaire-lieux-canaux",
        "Annuaire : canaux des lieux",
        "Chaque canal proposé par un lieu, avec la coordonnée publique qui permet de le joindre.",
        SITE_CHANNEL_FIELDS,
        site_channel_rows,
        primary_key=("lieu", "canal"),
        group=DIRECTORY_GROUP,
    ),
    "annuaire-horaires": Dataset(
        "annuaire-horaires",
        "Annuaire : horaires d’ouverture",
        "Plages d’ouverture hebdomadaires de chaque lieu, en heure locale du lieu. Les jours "
        "fériés, un lieu est fermé sauf horaire exceptionnel.",
        OPENING_HOURS_FIELDS,
        opening_hours_rows,
        primary_key=("lieu", "jour", "ouverture"),
        group=DIRECTORY_GROUP,
    ),
    "annuaire-horaires-exceptionnels": Dataset(
        "annuaire-horaires-exceptionnels",
        "Annuaire : fermetures et horaires exceptionnels",
        "Dates à venir où un lieu est fermé ou ouvert à des horaires particuliers ; elles "
        "remplacent les horaires hebdomadaires de ce jour.",
        OPENING_EXCEPTION_FIELDS,
        opening_exception_rows,
        primary_key=("lieu", "date"),
        group=DIRECTORY_GROUP,
    ),
    "indicateurs-qualite": Dataset(
        "indicateurs-qualite",
        "Qualité : catalogue des indicateurs",
        "Les indicateurs de qualité publiés : définition en clair, unité, sens, moment qui "
        "place un contact dans un mois, niveaux, effectifs minimaux de publication et de "
        "classement, engagements Services Publics+ prouvés, paramètres du calcul et versions "
        "(une nouvelle version est une rupture de série).",
        QUALITY_INDICATOR_FIELDS,
        quality_indicator_rows,
        group=QUALITY_GROUP,
        changelog=QUALITY_CHANGELOG,
    ),
    "resultats-qualite": Dataset(
        "resultats-qualite",
        "Qualité : résultats mensuels",
        "Les résultats de chaque indicateur par niveau, territoire et mois, avec leur "
        "effectif n, numérateur et dénominateur, l’intervalle de confiance et le taux de "
        "réponse des enquêtes, la version et les paramètres du calcul, la source (calculé "
        "ou déclaré) et le millésime du code officiel géographique. Sous l’effectif minimal "
        "de publication de l’indicateur, la valeur n’est pas publiée (cellules vides) et "
        "la colonne « motif_non_publication » dit pourquoi ; l’effectif est toujours donné.",
        QUALITY_RESULT_FIELDS,
        quality_result_rows,
        group=QUALITY_GROUP,
        changelog=QUALITY_CHANGELOG,
    ),
    "resultats-services-publics-plus": Dataset(
        "resultats-services-publics-plus",
        "Qualité : export aux colonnes de Services Publics+",
        "Les résultats publiés du dernier mois complet, par structure (lieu d’accueil, "
        "service local, organisme) et indicateur, aux colonnes de Services Publics+ : code "
        "de la structure, typologie, nom, code postal, commune, code de l’indicateur, "
        "valeur, fréquence, date de mise à jour. Les codes Services Publics+ sont ceux de "
        "l’annuaire et du catalogue quand ils sont connus, les codes parvis sinon ; "
        "seules les valeurs publiées y figurent.",
        SP_PLUS_FIELDS,
        sp_plus_rows,
        primary_key=("typologie", "code_parvis", "code_indicateur"),
        group=QUALITY_GROUP,
        changelog=QUALITY_CHANGELOG,
    ),
}
# Re-exported together after each computation of the quality results.
QUALITY_DATASETS: tuple[str, ...] = tuple(
    name for name, dataset in DATASETS.items() if dataset.group == QUALITY_GROUP
)
# Re-exported together when the directory announces a change.
DIRECTORY_DATASETS: tuple[str, ...] = tuple(
    name for name, dataset in DATASETS.items() if dataset.group == DIRECTORY_GROUP
)
FIGURES_DATASET = "chiffres"


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
    if column.type in {"array", "object"}:
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
    if column.type == "number":
        return float(value)
    if column.type == "boolean":
        return bool(value)
    if column.type == "array":
        return list(value)
    if column.type == "object":
        return dict(value)
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
    # A temporary name of this process's own: two processes exporting at once (two test
    # suites side by side, a command beside the beat) never move each other's file.
    tmp = {fmt: root / f".{name}.{os.getpid()}.tmp" for fmt, name in names.items()}
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
    tmp, final = root / f".datapackage.json.{os.getpid()}.tmp", root / "datapackage.json"
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
