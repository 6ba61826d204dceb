"""Open data of quality results: the catalogue, the monthly results and the Services
Publics+ export, each valid against its Table Schema, with no withheld figure and no
personal data; Services Publics+ codes where the directory knows them; re-exported within
15 minutes after the results are computed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from frictionless import Resource, Schema

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.publication import opendata, services
from parvis.publication.models import OpenDataChange
from parvis.quality import services as quality_services
from parvis.quality.models import Indicator, Level, Result, Source
from parvis.territories.models import ReferenceVintage
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
EARLIER = (MONTH - dt.timedelta(days=1)).replace(day=1)
# A withheld figure's value, easy to look for in every file.
SECRET = 0.4242


def _result(code: str, **values: Any) -> Result:
    indicator = Indicator.objects.get(code=code)
    defaults = {
        "indicator": indicator,
        "version": indicator.version,
        "parameters": indicator.parameters,
        "month": MONTH,
        "value": 0.875,
        "numerator": 875,
        "denominator": 1000,
        "n": 1000,
        "frozen": True,
    }
    return Result.objects.create(**(defaults | values))


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    DepartementFactory()
    ReferenceVintage.objects.update_or_create(
        dataset="insee-cog", defaults={"version": "test", "details": {"cog_year": 2025}}
    )
    caf = OrganisationFactory(slug="caf", name="CAF", siren="534089112", sp_code="SP-CAF")
    service = LocalServiceFactory(organisation=caf, slug="caf-gironde", sp_code="SP-CAF-33")
    site = SiteFactory(local_service=service, slug="caf-bordeaux", siret="53408911200017")
    france_services = SiteFactory(france_services=True, slug="fs-langon", postcode="33210")
    rate = "taux-appels-decroches"
    _result(rate, level=Level.ORGANISATION, organisation=caf, key="caf", label="CAF")
    _result(rate, level=Level.SERVICE, organisation=caf, key=str(service.pk), label="CAF 33")
    _result(rate, level=Level.SITE, organisation=caf, key=str(site.pk), label=site.name)
    _result(rate, level=Level.DEPARTEMENT, organisation=caf, key="33", label="Gironde (33)")
    _result(rate, level=Level.NATIONAL, organisation=None, key="", label="Tous organismes")
    _result(rate, level=Level.SITE, organisation=caf, key=str(site.pk), month=EARLIER)
    # A France Services site: the CAF's share of it, and the site as a whole.
    _result(rate, level=Level.SITE, organisation=caf, key=str(france_services.pk), value=0.5)
    _result(rate, level=Level.SITE, organisation=None, key=str(france_services.pk), value=0.6)
    # Withheld: computed below min_n, and declared below min_n.
    _result(
        "attente-moyenne-telephone",
        level=Level.SERVICE,
        organisation=caf,
        key=str(service.pk),
        value=SECRET * 100,
        numerator=SECRET * 700,
        denominator=7,
        n=7,
    )
    _result(
        "rendez-vous-non-honores",
        level=Level.ORGANISATION,
        organisation=caf,
        key="caf",
        value=SECRET,
        numerator=None,
        denominator=None,
        n=9,
        source=Source.DECLARED,
        declared_value=SECRET,
        declared_n=9,
        declared_source="Registre (01/11/2026)",
    )
    # A survey: interval and response rate.
    _result(
        "satisfaction-moyenne",
        level=Level.ORGANISATION,
        organisation=caf,
        key="caf",
        value=4.21,
        numerator=None,
        denominator=None,
        n=350,
        ci_low=4.1,
        ci_high=4.3,
        response_rate=0.27,
    )
    return {"caf": caf, "service": service, "site": site, "france_services": france_services}


@pytest.fixture
def exported(world, opendata_root):  # type: ignore[no-untyped-def]
    result = services.opendata_export(only=opendata.QUALITY_DATASETS)
    assert result["skipped"] == []
    return opendata_root


def _rows(root, name: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader((root / f"{name}.csv").read_text(encoding="utf-8").splitlines()))


def test_every_quality_file_is_valid_against_its_table_schema(exported):
    assert set(opendata.QUALITY_DATASETS) == {
        "indicateurs-qualite",
        "resultats-qualite",
        "resultats-services-publics-plus",
    }
    for name in opendata.QUALITY_DATASETS:
        descriptor = json.loads((exported / f"{name}.schema.json").read_text())
        assert descriptor["changelog"][0]["description"].startswith("Première publication")
        schema = Schema.from_descriptor(descriptor)
        for fmt in ("csv", "json"):
            resource = Resource(path=f"{name}.{fmt}", basepath=str(exported), schema=schema)
            report = resource.validate()
            assert report.valid, (name, fmt, report.flatten(["rowNumber", "fieldName", "note"]))
    package = json.loads((exported / "datapackage.json").read_text())
    names = {resource["path"] for resource in package["resources"]}
    assert "resultats-services-publics-plus.csv" in names
    assert package["licenses"][0]["name"] == "etalab-2.0"


def test_no_withheld_figure_and_no_personal_data_leave(exported):
    for path in exported.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "42.4" not in text and "0.4242" not in text and "296.94" not in text, path.name
        assert not EMAIL.search(text), path.name
    rows = {
        (r["indicateur"], r["niveau"], r["territoire"], r["mois"]): r
        for r in _rows(exported, "resultats-qualite")
    }
    month = MONTH.strftime("%Y-%m")
    wait = rows[("attente-moyenne-telephone", "service", "caf-gironde", month)]
    assert (wait["valeur"], wait["numerateur"], wait["denominateur"]) == ("", "", "")
    assert wait["effectif"] == "7" and wait["publie"] == "false"
    assert wait["motif_non_publication"] == "donnée insuffisante (moins de 10 cas)"
    declared = rows[("rendez-vous-non-honores", "organisation", "caf", month)]
    assert declared["source"] == "declare" and declared["valeur"] == ""
    assert declared["valeur_declaree"] == "" and declared["publie"] == "false"


def test_results_carry_their_version_n_interval_source_and_cog_vintage(exported, world):
    month = MONTH.strftime("%Y-%m")
    rows = {
        (r["indicateur"], r["niveau"], r["organisme"], r["territoire"], r["mois"]): r
        for r in _rows(exported, "resultats-qualite")
    }
    site = rows[("taux-appels-decroches", "site", "caf", "caf-bordeaux", month)]
    assert site["valeur"] == "87.5" and site["unite"] == "pourcentage"
    assert (site["numerateur"], site["denominateur"], site["effectif"]) == (
        "875.0",
        "1000.0",
        "1000",
    )
    assert site["siret"] == "53408911200017" and site["siren"] == "534089112"
    assert site["millesime_cog"] == "2025" and site["mois_definitif"] == "true"
    assert site["identifiant"] == f"taux-appels-decroches:site:caf:caf-bordeaux:{month}"
    assert json.loads(site["parametres"])["short_abandon_seconds"] == 5
    national = rows[("taux-appels-decroches", "national", "", "", month)]
    assert national["identifiant"] == f"taux-appels-decroches:national:-:-:{month}"
    survey = rows[("satisfaction-moyenne", "organisation", "caf", "caf", month)]
    assert (survey["valeur"], survey["intervalle_bas"], survey["intervalle_haut"]) == (
        "4.2",
        "4.1",
        "4.3",
    )
    assert survey["taux_reponse"] == "27.0" and survey["unite"] == "note-sur-5"
    catalogue = {r["identifiant"]: r for r in _rows(exported, "indicateurs-qualite")}
    assert catalogue["taux-appels-decroches"]["code_services_publics_plus"] == "SP-TEL-DECROCHE"
    assert catalogue["satisfaction-moyenne"]["effectif_min_publication"] == "100"
    assert json.loads(catalogue["taux-appels-decroches"]["versions"])[0]["version"] == 1


def test_the_services_publics_plus_export(exported, world):
    with (exported / "resultats-services-publics-plus.csv").open(encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    assert header[:9] == [
        "code_structure",
        "typologie",
        "nom_structure",
        "code_postal",
        "commune",
        "code_indicateur",
        "valeur",
        "frequence",
        "date_mise_a_jour",
    ]
    rows = {
        (r["typologie"], r["code_parvis"], r["code_indicateur"]): r
        for r in _rows(exported, "resultats-services-publics-plus")
    }
    # Only the published figures of the latest complete month, one per structure × indicator.
    rate = "SP-TEL-DECROCHE"
    assert set(rows) == {
        ("organisme", "caf", rate),
        ("organisme", "caf", "SP-SATISFACTION"),
        ("service-local", "caf-gironde", rate),
        ("guichet", "caf-bordeaux", rate),
        ("france-services", "fs-langon", rate),
    }
    organisation = rows[("organisme", "caf", rate)]
    assert organisation["code_structure"] == "SP-CAF" and organisation["siren"] == "534089112"
    assert organisation["valeur"] == "87.5" and organisation["frequence"] == "mensuelle"
    assert organisation["mois"] == MONTH.strftime("%Y-%m")
    assert rows[("organisme", "caf", "SP-SATISFACTION")]["valeur"] == "4.2"
    assert rows[("service-local", "caf-gironde", rate)]["code_structure"] == "SP-CAF-33"
    site = rows[("guichet", "caf-bordeaux", rate)]
    assert site["code_structure"] == "caf-bordeaux"  # no Services Publics+ code: parvis's
    assert site["code_postal"] == "33000" and site["commune"] == world["site"].commune.name
    # A France Services site as a whole (60 %), not the CAF's share of it (50 %).
    assert rows[("france-services", "fs-langon", rate)]["valeur"] == "60.0"


def test_a_results_computation_marks_the_quality_datasets_changed(
    world, opendata_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quality_services.results_compute(months=[MONTH])
    changed = set(
        OpenDataChange.objects.filter(changed_at__isnull=False).values_list("dataset", flat=True)
    )
    assert set(opendata.QUALITY_DATASETS) <= changed
    exported = services.opendata_export_changed()
    assert "resultats-qualite.csv" in exported["files"]


def test_the_data_page_lists_the_quality_files(exported):
    response = Client().get("/donnees/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Résultats de qualité des services publics" in page
    assert "resultats-services-publics-plus.csv" in page
