"""Open data beyond the experiences: the published figures (the experiences' indicators of
the quality catalogue, each with its publication minimum, rounded to one decimal) and the
directory (one file per entity), each valid against its
Table Schema, listed on the data page and in the API, and re-exported within 15 minutes
after a figures refresh or a directory change."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import typing

import pytest
from django.test import Client
from django.utils import timezone
from frictionless import Resource, Schema

from parvis.accounts.tests.factories import UserFactory
from parvis.directory import services as directory_services
from parvis.directory.models import Site
from parvis.directory.tests.factories import (
    ChannelFactory,
    LocalServiceFactory,
    OpeningExceptionFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    SiteFactory,
    ThemeFactory,
)
from parvis.publication import opendata, services
from parvis.publication.api import OpenDataQuery
from parvis.publication.models import (
    LAST_12_MONTHS,
    FigureScope,
    OpenDataChange,
    OpenDataFile,
)
from parvis.quality import services as quality_services
from parvis.quality.models import Result
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory
from parvis.voice.models import ExperienceStatus
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _validate(root, name: str) -> None:
    """Both files of a dataset are valid against its Table Schema (frictionless)."""
    schema = Schema.from_descriptor(json.loads((root / f"{name}.schema.json").read_text()))
    for fmt in ("csv", "json"):
        resource = Resource(path=f"{name}.{fmt}", basepath=str(root), schema=schema)
        report = resource.validate()
        assert report.valid, (fmt, report.flatten(["rowNumber", "fieldName", "type", "note"]))


def _rows(root, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((root / f"{name}.csv").read_text(encoding="utf-8").splitlines()))


def _records(root, name: str) -> list[dict[str, typing.Any]]:
    return json.loads((root / f"{name}.json").read_text(encoding="utf-8"))


# --- Figures -----------------------------------------------------------------------------------


THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = quality_services.add_months(THIS_MONTH, -1)
EARLIER = quality_services.add_months(THIS_MONTH, -3)


def _experience(service, month: dt.date, **values: typing.Any):
    moment = timezone.make_aware(dt.datetime.combine(month.replace(day=10), dt.time(12)))
    return ExperienceFactory(
        complaint=True, published=True, local_service=service, published_at=moment, **values
    )


@pytest.fixture
def figures(opendata_root):
    """The experiences of one local service of the CAF, last month and three months ago,
    through the quality indicators of the voice of users, exported."""
    service = LocalServiceFactory(
        slug="caf-33",
        name="CAF de la Gironde",
        organisation=OrganisationFactory(slug="caf", name="CAF"),
    )
    delay = ThemeFactory(slug="delai", label="Délais")
    # Last month: 12 experiences, 4 positive, 9 answered (delays withheld: 9 < 10).
    for index in range(12):
        answered = {}
        if index < 9:
            answered = {
                "status": ExperienceStatus.ANSWERED,
                "answered_at": timezone.make_aware(
                    dt.datetime.combine(LAST_MONTH.replace(day=20), dt.time(12))
                ),
            }
        _experience(
            service,
            LAST_MONTH,
            tone="positif" if index < 4 else "negatif",
            themes=[delay] if index < 10 else [],
            **answered,
        )
    ExperienceFactory(
        complaint=True,
        local_service=service,
        status=ExperienceStatus.REJECTED,
        rejection_reason="insult",
        rejected_at=timezone.make_aware(dt.datetime.combine(LAST_MONTH, dt.time(12))),
    )
    # Three months ago: 9 experiences, below every minimum.
    for index in range(9):
        _experience(service, EARLIER, tone="positif" if index < 3 else "negatif")
    quality_services.voice_refresh()
    services.opendata_export(only=["chiffres"])
    return opendata_root


def test_figures_are_valid_against_their_table_schema(figures):
    _validate(figures, "chiffres")
    # 3 periods (12m and two months) × (national, organisation, département, service).
    assert OpenDataFile.objects.get(name="chiffres.csv").rows == 12
    schema = json.loads((figures / "chiffres.schema.json").read_text())
    assert schema["primaryKey"] == ["identifiant"]
    assert schema["changelog"][-1]["date"] == "2026-12-04"


def test_figures_are_the_catalogue_results_rounded_to_one_decimal(figures):
    national = next(
        r
        for r in _records(figures, "chiffres")
        if r["niveau"] == "national" and r["periode"] == LAST_12_MONTHS
    )
    assert national["identifiant"] == "national:france:12m"
    assert national["experiences"] == 21 and national["positives"] == 7
    assert national["part_positive"] == 33.3 and national["part_negative"] == 66.7
    assert national["taux_reponse"] == 42.9
    assert national["delai_median_jours"] is None and national["repondues"] == 9
    assert (national["moderees"], national["refusees"], national["taux_refus"]) == (22, 1, 4.5)
    assert national["themes_principaux"] == [
        {"code": "delai", "libelle": "Délais", "nombre": 10, "nombre_periode_precedente": 0}
    ]
    assert national["refus_par_motif"] == [
        {"code": "insult", "libelle": "Propos injurieux ou diffamatoires", "nombre": 1}
    ]
    row = next(
        r
        for r in _rows(figures, "chiffres")
        if r["niveau"] == "national" and r["periode"] == LAST_12_MONTHS
    )
    assert row["part_positive"] == "33.3" and row["delai_median_jours"] == ""
    month = Result.objects.get(
        indicator__code="experiences-positives", level="national", month=LAST_MONTH
    )
    records = {r["identifiant"]: r for r in _records(figures, "chiffres")}
    assert records[f"national:france:{LAST_MONTH:%Y-%m}"]["part_positive"] == round(
        month.value * 100, 1
    )


def test_figures_below_the_minimum_are_empty_with_their_n_given(figures):
    rows = {r["identifiant"]: r for r in _rows(figures, "chiffres")}
    small = rows[f"service:caf-33:{EARLIER:%Y-%m}"]
    assert small["mois"] == f"{EARLIER:%Y-%m}" and small["organisme"] == "caf"
    assert (small["experiences"], small["repondues"], small["moderees"]) == ("9", "0", "9")
    assert (small["positives"], small["negatives"], small["refusees"]) == ("", "", "")
    for rate in ("part_positive", "part_negative", "taux_reponse", "taux_refus"):
        assert small[rate] == "", rate
    assert small["delai_median_jours"] == small["delai_p90_jours"] == ""
    assert small["themes_principaux"] == "[]"
    departement = rows[f"departement:caf:33:{LAST_MONTH:%Y-%m}"]
    assert departement["part_positive"] == "33.3" and departement["taux_reponse"] == "75.0"
    assert departement["delai_median_jours"] == "" and departement["repondues"] == "9"


def test_figures_hide_exactly_what_the_api_hides(figures, client):
    """The same suppression as the public API, value by value."""
    records = {r["identifiant"]: r for r in _records(figures, "chiffres")}
    pairs = {
        "positive_share": "part_positive",
        "negative_share": "part_negative",
        "answer_rate": "taux_reponse",
        "delay_median_days": "delai_median_jours",
        "delay_p90_days": "delai_p90_jours",
        "rejection_rate": "taux_refus",
    }
    compared = 0
    for scope in FigureScope.values:
        for period in (LAST_12_MONTHS, f"{LAST_MONTH:%Y-%m}", f"{EARLIER:%Y-%m}"):
            answer = client.get("/api/v1/publications/chiffres", {"scope": scope, "period": period})
            for item in answer.json()["results"]:
                code = item["key"] or "france"
                if scope == FigureScope.DEPARTEMENT:
                    code = f"{item['organisation']}:{code}"
                record = records[f"{scope}:{code}:{period}"]
                assert record["experiences"] == item["experiences"]
                for api_field, column in pairs.items():
                    assert (item[api_field] is None) == (record[column] is None), column
                    assert (
                        item[api_field] is None
                        or round(
                            item[api_field]
                            * (100 if "share" in api_field or "rate" in api_field else 1),
                            1,
                        )
                        == record[column]
                    ), column
                compared += 1
    assert compared == 12


def test_a_figures_refresh_marks_the_figures_for_the_next_export(
    opendata_root, publish, django_capture_on_commit_callbacks
):
    publish()
    services.opendata_export()
    assert services.opendata_export_changed() == {"files": [], "skipped": []}

    # The figures are quality indicators: their computation marks the dataset changed.
    with django_capture_on_commit_callbacks(execute=True):
        quality_services.voice_refresh()

    assert OpenDataChange.objects.get(dataset="chiffres").changed_at
    result = services.opendata_export_changed()
    assert set(result["files"]) >= {"chiffres.csv", "chiffres.json", "chiffres.schema.json"}
    assert not any(name.startswith(("experiences", "annuaire")) for name in result["files"])
    assert "resultats-qualite.csv" in result["files"]
    levels = {r["niveau"] for r in _records(opendata_root, "chiffres")}
    assert levels == {"national", "organisation", "service", "departement"}


# --- Directory ---------------------------------------------------------------------------------


@pytest.fixture
def directory(opendata_root):
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales (CAF)")
    OrganisationFactory(slug="ancien", name="Organisme dissous", is_active=False)
    gironde = DepartementFactory(code="33", name="Gironde")
    landes = DepartementFactory(code="40", name="Landes")
    service = LocalServiceFactory(
        organisation=caf,
        slug="caf-33",
        name="CAF de la Gironde",
        main_departement=gironde,
        departements=[gironde, landes],
        phone="3230",
        email="contact@caf33.example.fr",
    )
    bordeaux = CommuneFactory(code="33063", name="Bordeaux", departement=gironde)
    counter = SiteFactory(
        slug="caf-bordeaux",
        name="Accueil CAF de Bordeaux",
        local_service=service,
        commune=bordeaux,
        address="=1 rue du Docteur Finlay",  # a formula sign, escaped in the CSV only
        postcode="33000",
        phone="05 56 00 00 00",
        email="accueil@caf33.example.fr",
        website="https://caf.example.fr/messagerie",
    )
    counter.channels.set(
        [
            ChannelFactory(slug="guichet", label="Accueil physique"),
            ChannelFactory(slug="telephone", label="Téléphone"),
            ChannelFactory(slug="courriel", label="Courriel / formulaire"),
            ChannelFactory(slug="chat", label="Messagerie instantanée"),
        ]
    )
    OpeningHoursFactory(site=counter, weekday=0, opens=dt.time(8, 30), closes=dt.time(12, 0))
    OpeningHoursFactory(site=counter, weekday=0, opens=dt.time(13, 30), closes=dt.time(16, 0))
    OpeningHoursFactory(site=counter, weekday=4, opens=dt.time(9, 0), closes=dt.time(12, 0))
    today = timezone.localdate()
    OpeningExceptionFactory(site=counter, date=today - dt.timedelta(days=3), label="Passée")
    OpeningExceptionFactory(site=counter, date=today + dt.timedelta(days=5), label="Inventaire")
    OpeningExceptionFactory(
        site=counter,
        date=today + dt.timedelta(days=9),
        is_closed=False,
        opens=dt.time(9, 0),
        closes=dt.time(11, 0),
        label="Permanence",
    )
    france_services = SiteFactory(
        france_services=True,
        slug="fs-langon",
        name="France Services de Langon",
        commune=CommuneFactory(code="33227", name="Langon", departement=gironde),
        organisation=OrganisationFactory(
            operator=True, slug="commune-langon", name="Commune de Langon"
        ),
    )
    france_services.partners.set([caf, OrganisationFactory(slug="cpam", name="CPAM")])
    closed = SiteFactory(slug="ferme", name="Accueil fermé", local_service=service, is_active=False)
    OpeningHoursFactory(site=closed)
    services.opendata_export()
    return opendata_root


def test_directory_files_are_valid_against_their_table_schemas(directory):
    for name in opendata.DIRECTORY_DATASETS:
        _validate(directory, name)
    assert set(opendata.DIRECTORY_DATASETS) == {
        "annuaire-organismes",
        "annuaire-services-locaux",
        "annuaire-lieux",
        "annuaire-lieux-canaux",
        "annuaire-horaires",
        "annuaire-horaires-exceptionnels",
    }
    schema = json.loads((directory / "annuaire-horaires.schema.json").read_text())
    assert schema["primaryKey"] == ["lieu", "jour", "ouverture"]


def test_directory_content(directory):
    organisations = {r["identifiant"]: r for r in _rows(directory, "annuaire-organismes")}
    assert organisations.keys() == {"caf", "cpam"}  # inactive organisations are not public
    assert organisations["caf"]["services_locaux"] == "1"
    assert organisations["caf"]["url"].endswith("/annuaire/organismes/caf/")

    (service,) = _rows(directory, "annuaire-services-locaux")
    assert service["organisme"] == "caf" and service["departement_principal"] == "33"
    assert service["departements"] == "33;40" and service["fuseau_horaire"] == "Europe/Paris"
    assert service["telephone"] == "3230" and service["courriel"] == "contact@caf33.example.fr"

    sites = {r["identifiant"]: r for r in _rows(directory, "annuaire-lieux")}
    assert sites.keys() == {"caf-bordeaux", "fs-langon"}  # inactive sites are not public
    counter = sites["caf-bordeaux"]
    assert counter["type"] == "guichet" and counter["type_libelle"] == "Accueil physique"
    assert (counter["commune"], counter["commune_nom"], counter["departement"]) == (
        "33063",
        "Bordeaux",
        "33",
    )
    assert counter["adresse"] == "'=1 rue du Docteur Finlay" and counter["code_postal"] == "33000"
    assert counter["organisme"] == "caf" and counter["service_local"] == "caf-33"
    assert counter["canaux"] == "chat;courriel;guichet;telephone"  # taxonomy order
    assert counter["couverture"] == "local" and counter["departements_couverts"] == ""
    assert counter["site_web"] == "https://caf.example.fr/messagerie"
    fs = sites["fs-langon"]
    assert fs["type"] == "france-services" and fs["organisme"] == ""
    # its operator is an organisation, but no administration of « annuaire-organismes »
    assert fs["structure_porteuse"] == "Commune de Langon"
    assert fs["partenaires"] == "caf;cpam" and fs["commune"] == "33227"
    exact = {r["identifiant"]: r for r in _records(directory, "annuaire-lieux")}
    assert exact["caf-bordeaux"]["adresse"] == "=1 rue du Docteur Finlay"


def test_each_channel_of_a_site_has_its_public_contact(directory):
    channels = {r["canal"]: r for r in _rows(directory, "annuaire-lieux-canaux")}
    assert {r["lieu"] for r in channels.values()} == {"caf-bordeaux"}
    assert channels["telephone"]["contact"] == "05 56 00 00 00"
    assert channels["courriel"]["contact"] == "accueil@caf33.example.fr"
    assert channels["guichet"]["contact"] == "'=1 rue du Docteur Finlay, 33000 Bordeaux"
    assert channels["guichet"]["canal_libelle"] == "Accueil physique"
    assert channels["chat"]["contact"] == "https://caf.example.fr/messagerie"


def test_weekly_hours_and_exceptions_to_come(directory):
    hours = _rows(directory, "annuaire-horaires")
    columns = ("lieu", "jour", "jour_libelle", "ouverture", "fermeture")
    assert [tuple(r[c] for c in columns) for r in hours] == [
        ("caf-bordeaux", "1", "lundi", "08:30:00", "12:00:00"),
        ("caf-bordeaux", "1", "lundi", "13:30:00", "16:00:00"),
        ("caf-bordeaux", "5", "vendredi", "09:00:00", "12:00:00"),
    ]
    exceptions = _rows(directory, "annuaire-horaires-exceptionnels")
    assert [(r["motif"], r["ferme"], r["ouverture"], r["fermeture"]) for r in exceptions] == [
        ("Inventaire", "true", "", ""),
        ("Permanence", "false", "09:00:00", "11:00:00"),
    ]


def test_directory_holds_only_public_service_contacts(directory):
    public = {"contact@caf33.example.fr", "accueil@caf33.example.fr"}
    for name in opendata.DIRECTORY_DATASETS:
        for fmt in ("csv", "json"):
            content = (directory / f"{name}.{fmt}").read_text(encoding="utf-8")
            assert set(EMAIL.findall(content)) <= public, name


def test_a_directory_change_is_exported_at_the_next_15_minute_export(
    directory, django_capture_on_commit_callbacks
):
    assert services.opendata_export_changed() == {"files": [], "skipped": []}
    actor = UserFactory(platform_admin=True)
    site = Site.objects.get(slug="caf-bordeaux")

    with django_capture_on_commit_callbacks(execute=True):
        directory_services.site_update(actor=actor, site=site, data={"name": "Accueil Bordeaux"})

    for name in opendata.DIRECTORY_DATASETS:
        assert OpenDataChange.objects.get(dataset=name).changed_at, name
    result = services.opendata_export_changed()
    assert "annuaire-lieux.csv" in result["files"]
    assert not any(name.startswith(("experiences", "chiffres")) for name in result["files"])
    names = {r["identifiant"]: r["nom"] for r in _rows(directory, "annuaire-lieux")}
    assert names["caf-bordeaux"] == "Accueil Bordeaux"

    with django_capture_on_commit_callbacks(execute=True):
        directory_services.opening_hours_replace(
            actor=actor, site=site, hours=[(2, dt.time(10, 0), dt.time(12, 0))]
        )
    services.opendata_export_changed()
    hours = _rows(directory, "annuaire-horaires")
    assert [(r["jour"], r["ouverture"]) for r in hours] == [("3", "10:00:00")]


@pytest.mark.parametrize(
    "change",
    ["local_service_update", "opening_exception_set", "opening_exception_remove", "admin_delete"],
)
def test_every_directory_write_announces_its_change(
    directory, django_capture_on_commit_callbacks, change
):
    services.opendata_export_changed()
    actor = UserFactory(platform_admin=True)
    site = Site.objects.get(slug="caf-bordeaux")
    exception = site.opening_exceptions.get(label="Inventaire")
    with django_capture_on_commit_callbacks(execute=True):
        if change == "local_service_update":
            directory_services.local_service_update(
                actor=actor, local_service=site.local_service, data={"phone": "3231"}
            )
        elif change == "opening_exception_set":
            directory_services.opening_exception_set(
                actor=actor, site=site, date=exception.date + dt.timedelta(days=1)
            )
        elif change == "opening_exception_remove":
            directory_services.opening_exception_remove(actor=actor, exception=exception)
        else:
            client = Client()
            client.force_login(actor)
            url = f"/admin/directory/openingexception/{exception.pk}/delete/"
            assert client.post(url, {"post": "yes"}).status_code == 302
    assert "annuaire-lieux.csv" in services.opendata_export_changed()["files"]


# --- Data page and API -------------------------------------------------------------------------


def test_data_page_and_api_list_the_new_files(directory, client):
    html = client.get("/donnees/").content.decode()
    assert "Annuaire des services publics" in html and "Chiffres publiés" in html
    for name in ("chiffres", *opendata.DIRECTORY_DATASETS):
        assert f"{name}.csv" in html and f"{name}.schema.json" in html, name
    files = client.get("/api/v1/publications/donnees", {"dataset": "annuaire-lieux"}).json()
    assert {f["name"] for f in files} == {
        "annuaire-lieux.csv",
        "annuaire-lieux.json",
        "annuaire-lieux.schema.json",
    }
    download = client.get("/donnees/fichiers/annuaire-horaires.csv")
    assert download.status_code == 200
    assert b"jour_libelle" in b"".join(download.streaming_content)  # consumed: file closed
    package = json.loads((directory / "datapackage.json").read_text())
    paths = {r["path"] for r in package["resources"]}
    assert {"chiffres.csv", "annuaire-lieux-canaux.json"} <= paths


def test_the_api_filter_knows_every_dataset():
    (choices,) = [
        typing.get_args(arg)
        for arg in typing.get_args(OpenDataQuery.model_fields["dataset"].annotation)
        if typing.get_args(arg)
    ]
    assert set(choices) == {*opendata.DATASETS, "catalogue"}
