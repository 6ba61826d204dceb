"""Declared results imported from a CSV file: a file with one bad line is refused with a
clear line-by-line report and changes nothing; a good file is upserted, audited, and its
months recomputed so that the figures show « déclaré »; only those who may declare for
the organisation do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from frictionless import Resource, Schema

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.quality import declared
from parvis.quality.declared import declared_import, declared_import_records
from parvis.quality.models import DeclaredResult, Indicator, Level, Result
from parvis.quality.selectors import shown
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db

HEADER = "indicateur,niveau,territoire,mois,valeur,effectif,numerateur,denominateur"


def _last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


MONTH = _last_month()
M = MONTH.strftime("%Y-%m")


@pytest.fixture
def caf():
    organisation = OrganisationFactory(slug="caf", name="CAF")
    service = LocalServiceFactory(organisation=organisation, slug="caf-gironde")
    site = SiteFactory(local_service=service, slug="caf-bordeaux-accueil")
    DepartementFactory()  # 33, in région 75
    return organisation, service, site


@pytest.fixture
def manager(caf):
    return MembershipFactory(organisation=caf[0], role=Role.QUALITY_MANAGER).user


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


GOOD = _csv(
    f'rendez-vous-non-honores,organisation,,{M},"12,5",1840,230,1840',
    f"rendez-vous-non-honores,service,caf-gironde,{M},9.75,400,39,400",
    f"rendez-vous-non-honores,site,caf-bordeaux-accueil,{M},8,250,,",
    f"rendez-vous-non-honores,departement,33,{M},9,400,,",
    f"rendez-vous-non-honores,region,75,{M},9,400,,",
    f'attente-moyenne-telephone,organisation,caf,{M},"95,5",1200,,',
    f"satisfaction-moyenne,organisation,caf,{M},4.2,300,,",
)


def test_a_good_file_is_imported_and_shown_as_declared(
    caf, manager, django_capture_on_commit_callbacks
):
    organisation, service, site = caf
    with django_capture_on_commit_callbacks(execute=True):
        report = declared_import(
            principal=manager, organisation=organisation, data=GOOD, source="SI rendez-vous"
        )
    assert report.ok and (report.created, report.updated) == (7, 0), report.errors

    rows = {(r.indicator.code, r.level, r.key): r for r in DeclaredResult.objects.all()}
    share = rows[("rendez-vous-non-honores", Level.ORGANISATION, "caf")]
    # A share written in percent is stored between 0 and 1.
    assert share.value == pytest.approx(0.125)
    assert (share.numerator, share.denominator, share.n) == (230, 1840, 1840)
    assert share.source == "SI rendez-vous" and share.declared_by == manager
    # Slugs become the keys results use: site and service ids.
    assert rows[("rendez-vous-non-honores", Level.SERVICE, str(service.pk))].value == 0.0975
    assert ("rendez-vous-non-honores", Level.SITE, str(site.pk)) in rows
    assert ("rendez-vous-non-honores", Level.DEPARTEMENT, "33") in rows
    assert ("rendez-vous-non-honores", Level.REGION, "75") in rows
    assert rows[("attente-moyenne-telephone", Level.ORGANISATION, "caf")].value == 95.5

    # The months it touches are recomputed after commit: the figure shows « déclaré ».
    indicator = Indicator.objects.get(code="rendez-vous-non-honores")
    result = Result.objects.get(
        indicator=indicator, level=Level.ORGANISATION, organisation=organisation, month=MONTH
    )
    figure = shown(indicator, result, MONTH)
    assert figure.declared and figure.value == pytest.approx(0.125) and figure.n == 1840
    assert figure.declared_source.startswith("SI rendez-vous (")

    audit = AuditEvent.objects.get(action="quality.declared_import")
    assert audit.organisation == organisation and audit.actor == manager
    assert audit.data["created"] == 7 and audit.data["months"] == [M]


def test_a_file_with_one_bad_line_is_refused_with_a_clear_report_and_nothing_changed(caf, manager):
    organisation = caf[0]
    first = _csv(f"rendez-vous-non-honores,organisation,,{M},10,500,,")
    assert declared_import(principal=manager, organisation=organisation, data=first, source="SI").ok
    before = list(DeclaredResult.objects.values_list("pk", "value", "n", "source"))
    audits = AuditEvent.objects.count()

    bad = _csv(
        f"rendez-vous-non-honores,organisation,,{M},20,600,,",  # would update the row above
        f"rendez-vous-non-honores,service,caf-gironde,{M},9,400,,",  # would create one
        f"rendez-vous-non-honores,site,caf-bordeaux-accueil,{M},150,250,,",  # line 4: bad
    )
    report = declared_import(principal=manager, organisation=organisation, data=bad, source="v2")

    assert not report.ok and (report.created, report.updated) == (0, 0)
    assert report.errors == [
        declared.LineError(
            4, "valeur", "Valeur hors limites : une part s’écrit en pourcentage, de 0 à 100."
        )
    ]
    assert list(DeclaredResult.objects.values_list("pk", "value", "n", "source")) == before
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (f"inconnu,organisation,,{M},10,50,,", "indicateur", "Indicateur inconnu « inconnu »"),
        (
            f"simplifications-traitees,site,caf-bordeaux-accueil,{M},10,50,,",
            "niveau",
            "ne se déclare pas au niveau site (niveaux : organisation)",
        ),
        (
            f"rendez-vous-non-honores,national,,{M},10,50,,",
            "niveau",
            "Valeur inconnue "
            "« national » ; valeurs possibles : site, service, departement, region, organisation",
        ),
        (f"rendez-vous-non-honores,site,nulle-part,{M},10,50,,", "territoire", "Lieu inconnu"),
        (f"rendez-vous-non-honores,site,,{M},10,50,,", "territoire", "Territoire obligatoire"),
        (
            f"rendez-vous-non-honores,departement,99,{M},10,50,,",
            "territoire",
            "Département inconnu « 99 »",
        ),
        (
            f"rendez-vous-non-honores,organisation,cnav,{M},10,50,,",
            "territoire",
            "le code de l’organisme (« caf ») ou reste vide",
        ),
        (
            "rendez-vous-non-honores,organisation,,2099-01,10,50,,",
            "mois",
            "Le mois 2099-01 est dans le futur.",
        ),
        (
            "rendez-vous-non-honores,organisation,,03/2026,10,50,,",
            "mois",
            "Un mois AAAA-MM est attendu",
        ),
        (
            f"rendez-vous-non-honores,organisation,,{M},12 %,50,,",
            "valeur",
            "Un nombre est attendu, par exemple 87,5 ou 87.5",
        ),
        (f"satisfaction-moyenne,organisation,,{M},6,150,,", "valeur", "une note de 1 à 5"),
        (f"rendez-vous-non-honores,organisation,,{M},10,0,,", "effectif", "Au moins 1."),
        (
            f"rendez-vous-non-honores,organisation,,{M},10,12.5,,",
            "effectif",
            "Un nombre entier est attendu",
        ),
        (f"rendez-vous-non-honores,organisation,,{M},10,50,5,", "denominateur", "vont ensemble"),
        (
            f"rendez-vous-non-honores,organisation,,{M},10,50,30,50",
            "valeur",
            "ne correspond pas au numérateur divisé par le dénominateur (60,0\u202f%)",
        ),
        (
            f"rendez-vous-non-honores,organisation,,{M},10,{'9' * 5000},,",
            "effectif",
            "Au plus 1\xa0000\xa0000\xa0000.",
        ),
        (
            f"rendez-vous-non-honores,organisation,,{M},10,50,{'9' * 5000},{'9' * 5000}",
            "numerateur",
            "Au plus",
        ),
        (
            f"rendez-vous-non-honores,organisation,,{M},10,50,60,50",
            "numerateur",
            "Le numérateur dépasse le dénominateur.",
        ),
        (
            f"rendez-vous-non-honores,organisation,,{M},10",
            "",
            "La ligne compte 5 cellule(s) au lieu de 8",
        ),
    ],
)
def test_each_bad_line_says_where_and_why(caf, manager, line, column, message):
    report = declared_import(principal=manager, organisation=caf[0], data=_csv(line), source="SI")
    assert len(report.errors) == 1, report.errors
    error = report.errors[0]
    assert (error.line, error.column) == (2, column)
    assert message in error.message


def test_every_error_of_the_file_is_reported_in_line_order(caf, manager):
    data = _csv(
        f"rendez-vous-non-honores,organisation,,{M},10,50,,",
        f"inconnu,organisation,,{M},10,x,,",
        f"rendez-vous-non-honores,organisation,,{M},11,50,,",
    )
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="SI")
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "indicateur"),  # unknown, said beside the other error of its line
        (3, "effectif"),
        (4, ""),
    ]
    assert "Indicateur inconnu « inconnu »" in report.errors[0].message
    assert "Même indicateur, niveau, territoire et mois qu’à la ligne 2" in report.errors[2].message
    assert not DeclaredResult.objects.exists()


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        (b"indicateur;niveau;territoire;mois;valeur;effectif\n", 1, "", "points-virgules"),
        (
            b"indicateur,niveau,mois,valeur,effectif\n",
            1,
            "territoire",
            "Colonne obligatoire absente : territoire.",
        ),
        (HEADER.encode() + b",commentaire\n", 1, "commentaire", "Colonne inconnue « commentaire »"),
        (b"", 1, "", "Le fichier est vide"),
        (HEADER.encode() + b"\n", 0, "", "aucun résultat"),
        (
            _csv(f"rendez-vous-non-honores,organisation,,{M},10,50,,").replace(
                b"10,50", b"\xe9,50"
            ),
            2,
            "",
            "n’est pas encodé en UTF-8",
        ),
    ],
)
def test_file_level_errors(caf, manager, data, line, column, message):
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="SI")
    assert [(e.line, e.column) for e in report.errors] == [(line, column)], report.errors
    assert message in report.errors[0].message


def test_column_names_ignore_case_accents_and_a_byte_order_mark(caf, manager):
    header = "\ufeffIndicateur,Niveau,Territoire,Mois,Valeur,Effectif,Numérateur,Dénominateur"
    data = _csv(f"rendez-vous-non-honores,organisation,,{M},10,50,5,50", header=header)
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="SI")
    assert report.ok, report.errors
    assert DeclaredResult.objects.get().numerator == 5


def test_a_second_import_updates_what_the_first_declared(caf, manager):
    organisation = caf[0]
    data = _csv(f"rendez-vous-non-honores,organisation,,{M},10,500,,")
    declared_import(principal=manager, organisation=organisation, data=data, source="v1")
    data = _csv(
        f"rendez-vous-non-honores,organisation,,{M},12,520,,",
        f"rendez-vous-non-honores,service,caf-gironde,{M},9,400,,",
    )
    report = declared_import(principal=manager, organisation=organisation, data=data, source="v2")
    assert (report.created, report.updated) == (1, 1)
    row = DeclaredResult.objects.get(level=Level.ORGANISATION)
    assert (row.value, row.n, row.source) == (pytest.approx(0.12), 520, "v2")


def test_another_organisations_manager_is_refused(caf):
    other = MembershipFactory(role=Role.QUALITY_MANAGER).user
    with pytest.raises(PermissionDenied):
        declared_import(principal=other, organisation=caf[0], data=GOOD, source="SI")
    assert not DeclaredResult.objects.exists()


def test_an_agent_of_the_organisation_is_refused(caf):
    agent = MembershipFactory(organisation=caf[0], role=Role.AGENT).user
    with pytest.raises(PermissionDenied):
        declared_import(principal=agent, organisation=caf[0], data=GOOD, source="SI")


def test_a_sites_of_another_organisation_is_a_line_error(caf, manager):
    elsewhere = SiteFactory(slug="cpam-accueil")
    data = _csv(f"rendez-vous-non-honores,site,{elsewhere.slug},{M},10,50,,")
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="SI")
    assert report.errors[0].column == "territoire"
    assert "n’appartient pas à CAF" in report.errors[0].message


def test_a_local_service_manager_declares_for_their_service_only(caf):
    organisation, service, _ = caf
    other_service = LocalServiceFactory(organisation=organisation, slug="caf-landes")
    manager = MembershipFactory(
        organisation=None, local_service=service, role=Role.QUALITY_MANAGER
    ).user
    data = _csv(
        f"rendez-vous-non-honores,service,caf-gironde,{M},9,400,,",
        f"rendez-vous-non-honores,site,caf-bordeaux-accueil,{M},9,400,,",
        f"rendez-vous-non-honores,service,{other_service.slug},{M},9,400,,",
        f"rendez-vous-non-honores,organisation,,{M},9,400,,",
    )
    report = declared_import(principal=manager, organisation=organisation, data=data, source="SI")
    assert [(e.line, e.column) for e in report.errors] == [(4, "territoire"), (5, "territoire")]
    assert report.errors[0].message == (
        f"Votre rôle se limite à {service.name} : vous ne pouvez pas déclarer de résultats "
        "pour ce territoire."
    )
    data = _csv(
        f"rendez-vous-non-honores,service,caf-gironde,{M},9,400,,",
        f"rendez-vous-non-honores,site,caf-bordeaux-accueil,{M},9,400,,",
    )
    assert declared_import(principal=manager, organisation=organisation, data=data, source="SI").ok


def test_a_write_token_of_the_organisation_declares_a_read_token_does_not(caf):
    organisation = caf[0]
    write, _ = api_token_create(actor=None, organisation=organisation, name="w", scope="write")
    read, _ = api_token_create(actor=None, organisation=organisation, name="r", scope="read")
    data = _csv(f"rendez-vous-non-honores,organisation,,{M},10,50,,")
    report = declared_import(principal=write, organisation=organisation, data=data, source="SI")
    assert report.ok and DeclaredResult.objects.get().declared_by is None
    assert AuditEvent.objects.get(action="quality.declared_import").actor_label.startswith("token:")
    with pytest.raises(PermissionDenied):
        declared_import(principal=read, organisation=organisation, data=data, source="SI")
    other = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        declared_import(principal=write, organisation=other, data=data, source="SI")


def test_a_source_is_required_and_short(caf, manager):
    data = _csv(f"rendez-vous-non-honores,organisation,,{M},10,50,,")
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="  ")
    assert [(e.line, e.column) for e in report.errors] == [(0, "source")]
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="x" * 181)
    assert report.errors[0].column == "source"


def test_too_big_or_too_long_a_file_is_refused_whole(caf, manager, monkeypatch):
    big = _csv(f"rendez-vous-non-honores,organisation,,{M},10,50,,") + b" " * declared.MAX_BYTES
    report = declared_import(principal=manager, organisation=caf[0], data=big, source="SI")
    assert report.too_large and "2 Mo" in report.errors[0].message
    monkeypatch.setattr(declared, "MAX_LINES", 2)
    data = _csv(*(f"rendez-vous-non-honores,organisation,,{M},10,50,," for _ in range(3)))
    report = declared_import(principal=manager, organisation=caf[0], data=data, source="SI")
    assert not report.too_large and [(e.line, e.column) for e in report.errors] == [(4, "")]
    assert "dépasse 2 lignes" in report.errors[0].message
    assert not DeclaredResult.objects.exists()


def test_json_records_follow_the_same_rules(caf, manager):
    records = [
        {
            "indicateur": "rendez-vous-non-honores",
            "niveau": "organisation",
            "mois": M,
            "valeur": 12.5,
            "effectif": 200,
        },
        {
            "indicateur": "rendez-vous-non-honores",
            "niveau": "departement",
            "territoire": "33",
            "mois": M,
            "valeur": "9,5",
            "effectif": 200,
            "commentaire": "x",
        },
        ["pas", "un", "objet"],
    ]
    report = declared_import_records(
        principal=manager, organisation=caf[0], records=records, source="SI"
    )
    assert [(e.line, e.column) for e in report.errors] == [(2, "commentaire"), (3, "")]
    report = declared_import_records(
        principal=manager, organisation=caf[0], records=records[:1], source="SI"
    )
    assert report.ok and DeclaredResult.objects.get().value == pytest.approx(0.125)


def test_the_table_schema_is_a_valid_table_schema_and_agrees_with_the_import(
    caf, manager, tmp_path
):
    """frictionless reads the schema, accepts a good file and flags what the import flags
    in the file's own terms (a type or a pattern)."""
    schema = Schema.from_descriptor(declared.TABLE_SCHEMA)
    good = tmp_path / "bon.csv"
    good.write_bytes(GOOD)
    report = Resource(path=good.name, basepath=str(tmp_path), schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])

    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(_csv(f"rendez-vous-non-honores,organisation,,{M},12 %,x,,"))
    report = Resource(path=bad.name, basepath=str(tmp_path), schema=schema).validate()
    assert {row[1] for row in report.flatten(["rowNumber", "fieldName"])} == {"valeur", "effectif"}
    ours = declared_import(
        principal=manager, organisation=caf[0], data=bad.read_bytes(), source="SI"
    )
    assert {e.column for e in ours.errors} == {"valeur", "effectif"}
