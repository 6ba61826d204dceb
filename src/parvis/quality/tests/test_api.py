"""The quality API: the public catalogue, the published results (a withheld figure has no
value and says why, whatever its source), and declared results by CSV or JSON with
precise problem+json errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.quality import declared
from parvis.quality.models import DeclaredResult, Indicator, Level, Result, Source
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
RESULTS = "/api/v1/qualite/resultats"
DECLARED = "/api/v1/qualite/resultats-declares"
MONTH = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
M = MONTH.strftime("%Y-%m")
CSRF = "qualite0123456789abcdefghijklmno"


@pytest.fixture
def caf():
    organisation = OrganisationFactory(slug="caf", name="CAF")
    service = LocalServiceFactory(organisation=organisation, slug="caf-gironde")
    site = SiteFactory(local_service=service, slug="caf-bordeaux")
    DepartementFactory()
    return organisation, service, site


def _session(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF)
    client.cookies["csrftoken"] = CSRF
    client.force_login(user)
    return client


def _problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code, body
    return body


def _result(code: str, **values) -> Result:  # type: ignore[no-untyped-def]
    indicator = Indicator.objects.get(code=code)
    defaults = {
        "indicator": indicator,
        "version": indicator.version,
        "parameters": indicator.parameters,
        "month": MONTH,
        "value": 0.8,
        "numerator": 80,
        "denominator": 100,
        "n": 100,
    }
    return Result.objects.create(**(defaults | values))


# --- Catalogue ------------------------------------------------------------------------------


def test_the_catalogue_is_public_with_versions(client):
    Indicator.objects.filter(code="effort-moyen").update(is_published=False)
    response = client.get("/api/v1/qualite/indicateurs")
    assert response.status_code == 200
    body = {row["code"]: row for row in response.json()}
    assert "effort-moyen" not in body
    rate = body["taux-appels-decroches"]
    assert rate["unit"] == "share" and rate["direction"] == "higher"
    assert rate["sp_code"] == "SP-TEL-DECROCHE" and rate["harmonised"] is True
    assert rate["min_n_publish"] == 10 and rate["parameters"]["short_abandon_seconds"] == 5
    assert rate["versions"][0]["version"] == 1
    satisfaction = body["satisfaction-moyenne"]
    assert satisfaction["sample"] is True and satisfaction["min_n_publish"] == 100
    assert body["rendez-vous-non-honores"]["declared_only"] is True


# --- Results --------------------------------------------------------------------------------


def test_results_are_published_and_withheld_figures_have_no_value(client, caf):
    organisation, service, site = caf
    _result(
        "taux-appels-decroches",
        level=Level.ORGANISATION,
        organisation=organisation,
        key="caf",
        label="CAF",
    )
    _result(
        "taux-appels-decroches",
        level=Level.SITE,
        organisation=organisation,
        key=str(site.pk),
        label=site.name,
        value=0.5,
        numerator=4,
        denominator=8,
        n=8,
    )
    # A declared figure below the minimum is withheld too.
    _result(
        "rendez-vous-non-honores",
        level=Level.SERVICE,
        organisation=organisation,
        key=str(service.pk),
        value=0.2,
        n=6,
        source=Source.DECLARED,
        declared_value=0.2,
        declared_n=6,
        declared_source="SI (01/11/2026)",
    )
    response = client.get(RESULTS, {"organisme": "caf"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = {(r["indicator"], r["level"]): r for r in body["results"]}
    national = rows[("taux-appels-decroches", "organisation")]
    assert national["value"] == 0.8 and national["n"] == 100 and national["territory"] == "caf"
    assert national["source"] == "calcule" and national["withheld_reason"] is None
    small = rows[("taux-appels-decroches", "site")]
    assert small["territory"] == "caf-bordeaux"  # the site's public code, not its id
    assert small["value"] is None and small["numerator"] is None and small["n"] == 8
    assert small["withheld_reason"] == "donnée insuffisante (moins de 10 cas)"
    declared_small = rows[("rendez-vous-non-honores", "service")]
    assert declared_small["source"] == "declare" and declared_small["value"] is None
    assert declared_small["territory"] == "caf-gironde"
    # No figure leaks through any field (the computation's timestamp aside: its digits
    # may read « 0.2 », as « 09:52:40.274Z » did).
    figures = {k: v for k, v in declared_small.items() if k != "computed_at"}
    assert "0.2" not in json.dumps(figures)


def test_results_filters_and_pagination(client, caf):
    organisation, _service, site = caf
    earlier = (MONTH - dt.timedelta(days=1)).replace(day=1)
    for month in (earlier, MONTH):
        _result(
            "taux-appels-decroches",
            level=Level.SITE,
            organisation=organisation,
            key=str(site.pk),
            month=month,
        )
        _result(
            "taux-appels-decroches",
            level=Level.DEPARTEMENT,
            organisation=organisation,
            key="33",
            month=month,
        )
    _result(
        "attente-moyenne-telephone",
        level=Level.SITE,
        organisation=organisation,
        key=str(site.pk),
        value=42.0,
    )

    def count(**query: str) -> int:
        response = client.get(RESULTS, query)
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count() == 5
    assert count(indicateur="taux-appels-decroches") == 4
    assert count(niveau="site") == 3
    assert count(territoire="caf-bordeaux") == 3
    assert count(territoire="33", niveau="departement") == 2
    assert count(depuis=M) == 3
    assert count(jusqu_a=earlier.strftime("%Y-%m")) == 2
    page = client.get(RESULTS, {"page_size": 2, "page": 3}).json()
    assert (page["pages"], len(page["results"])) == (3, 1)
    seconds = client.get(RESULTS, {"indicateur": "attente-moyenne-telephone"}).json()
    assert seconds["results"][0]["value"] == 42.0 and seconds["results"][0]["unit"] == "seconds"


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ({"indicateur": "inconnu"}, 422, "validation_error", "query.indicateur"),
        ({"niveau": "commune"}, 422, "validation_error", "query.niveau"),
        ({"depuis": "2026-13"}, 422, "validation_error", "query.depuis"),
        ({"depuis": "2026-05", "jusqu_a": "2026-04"}, 422, "validation_error", "query.jusqu_a"),
        ({"organisme": "cnav"}, 404, "organisation_not_found", None),
        ({"territoire": "nulle-part"}, 404, "territory_not_found", None),
        ({"territoire": "caf-bordeaux", "niveau": "service"}, 404, "territory_not_found", None),
        ({"page_size": "100000"}, 422, "validation_error", "query.page_size"),
    ],
)
def test_results_refuse_what_they_cannot_read_precisely(client, caf, query, status, code, field):
    body = _problem(client.get(RESULTS, query), status, code)
    if field:
        assert [e["field"] for e in body["errors"]] == [field]
        assert body["errors"][0]["message"]
    else:
        assert query.get("organisme", query.get("territoire")) in body["detail"]


def test_a_reversed_period_says_so(client):
    body = _problem(
        client.get(RESULTS, {"depuis": "2026-05", "jusqu_a": "2026-04"}), 422, "validation_error"
    )
    assert body["errors"][0]["code"] == "period_reversed"
    assert "précède" in body["errors"][0]["message"]


# --- Declared results -----------------------------------------------------------------------

CSV = (
    "indicateur,niveau,territoire,mois,valeur,effectif\n"
    f'rendez-vous-non-honores,organisation,,{M},"12,5",1840\n'
    f"rendez-vous-non-honores,service,caf-gironde,{M},9,400\n"
)


def _lines(*overrides: dict) -> list[dict]:
    base = {
        "indicateur": "rendez-vous-non-honores",
        "niveau": "organisation",
        "mois": M,
        "valeur": 12.5,
        "effectif": 200,
    }
    return [base | override for override in overrides]


def _bearer(organisation, scope: str = "write") -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, raw = api_token_create(actor=None, organisation=organisation, name="t", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_quality_manager_sends_the_csv_file(caf, django_capture_on_commit_callbacks):
    organisation = caf[0]
    manager = MembershipFactory(organisation=organisation, role=Role.QUALITY_MANAGER).user
    upload = SimpleUploadedFile("resultats.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = _session(manager).post(
            DECLARED, {"organisme": "caf", "source": "SI rendez-vous", "fichier": upload}
        )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    assert DeclaredResult.objects.count() == 2
    public = (
        Client()
        .get(RESULTS, {"indicateur": "rendez-vous-non-honores", "niveau": "organisation"})
        .json()
    )
    assert public["results"][0]["source"] == "declare"
    assert public["results"][0]["value"] == 0.125
    assert public["results"][0]["declared_source"].startswith("SI rendez-vous (")


def test_a_write_token_sends_json_lines(client, caf):
    organisation = caf[0]
    body = {
        "organisme": "caf",
        "source": "Enquête",
        "lignes": _lines({}, {"niveau": "region", "territoire": "75"}),
    }
    response = client.post(DECLARED, body, content_type="application/json", **_bearer(organisation))
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0}
    ndjson = "\n".join(json.dumps(line) for line in _lines({"valeur": 14}))
    response = client.post(
        f"{DECLARED}?source=Enquete",
        ndjson,
        content_type="application/x-ndjson",
        **_bearer(organisation),
    )
    assert response.json() == {"created": 0, "updated": 1}
    response = client.post(
        f"{DECLARED}?organisme=caf&source=SI",
        CSV,
        content_type="text/csv",
        **_bearer(organisation),
    )
    assert response.json() == {"created": 1, "updated": 1}


def test_a_bad_line_is_a_422_naming_line_and_column_and_changes_nothing(client, caf):
    organisation = caf[0]
    bearer = _bearer(organisation)
    lines = _lines({}, {"valeur": 140}, {"niveau": "site", "territoire": "nulle-part"})
    body = {"organisme": "caf", "source": "SI", "lignes": lines}
    response = client.post(DECLARED, body, content_type="application/json", **bearer)
    problem = _problem(response, 422, "declared_refused")
    assert problem["detail"].startswith("2 erreurs : rien n’a été enregistré.")
    assert [e["field"] for e in problem["errors"]] == [
        "body.lignes.1.valeur",
        "body.lignes.2.territoire",
    ]
    assert "de 0 à 100" in problem["errors"][0]["message"]
    assert not DeclaredResult.objects.exists()

    csv = CSV + f"rendez-vous-non-honores,departement,99,{M},9,400\n"
    upload = SimpleUploadedFile("r.csv", csv.encode(), content_type="text/csv")
    response = client.post(
        DECLARED, {"organisme": "caf", "source": "SI", "fichier": upload}, **bearer
    )
    problem = _problem(response, 422, "declared_refused")
    assert problem["errors"] == [
        {
            "field": "fichier.ligne.4.territoire",
            "code": "invalid_line",
            "message": "Département inconnu « 99 » : code INSEE attendu (33, 2A, 974…).",
        }
    ]
    assert not DeclaredResult.objects.exists()


def test_declared_results_are_scoped(client, caf):
    organisation = caf[0]
    body = {"organisme": "caf", "source": "SI", "lignes": _lines({})}
    _problem(
        client.post(DECLARED, body, content_type="application/json"), 401, "authentication_required"
    )
    other = OrganisationFactory(slug="cnav")
    _problem(
        client.post(DECLARED, body, content_type="application/json", **_bearer(other)),
        404,
        "not_found",
    )
    _problem(
        client.post(
            DECLARED, body, content_type="application/json", **_bearer(organisation, "read")
        ),
        403,
        "forbidden",
    )
    other_manager = MembershipFactory(organisation=other, role=Role.QUALITY_MANAGER).user
    response = _session(other_manager).post(DECLARED, body, content_type="application/json")
    _problem(response, 404, "not_found")
    agent = MembershipFactory(organisation=organisation, role=Role.AGENT).user
    response = _session(agent).post(DECLARED, body, content_type="application/json")
    _problem(response, 403, "forbidden")
    assert not DeclaredResult.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "field"),
    [
        ("{", "application/json", 400, "invalid_json", None),
        ("[]", "application/json", 422, "invalid_body", "body"),
        (
            json.dumps({"organisme": "caf", "source": "SI", "lignes": []}),
            "application/json",
            422,
            "invalid_body",
            "body.lignes",
        ),
        (
            json.dumps({"organisme": "caf", "source": "SI", "lignes": [{}], "x": 1}),
            "application/json",
            422,
            "invalid_body",
            "body.x",
        ),
        (
            json.dumps({"organisme": "caf", "source": " ", "lignes": _lines({})}),
            "application/json",
            422,
            "declared_refused",
            "body.source",
        ),
        ("<xml/>", "application/xml", 415, "unsupported_media_type", None),
        (
            json.dumps({"source": "SI", "lignes": _lines({})}),
            "application/json",
            422,
            "organisation_missing",
            "body.organisme",
        ),
    ],
)
def test_bodies_it_cannot_read(client, caf, body, content_type, status, code, field):
    response = client.post(DECLARED, body, content_type=content_type, **_bearer(caf[0]))
    problem = _problem(response, status, code)
    if field:
        assert problem["errors"][0]["field"] == field


def test_too_big_a_file_is_a_413_too_many_lines_a_422(client, caf, monkeypatch):
    bearer = _bearer(caf[0])
    monkeypatch.setattr(declared, "MAX_BYTES", 100)
    upload = SimpleUploadedFile("r.csv", CSV.encode() * 3, content_type="text/csv")
    response = client.post(
        DECLARED, {"organisme": "caf", "source": "SI", "fichier": upload}, **bearer
    )
    _problem(response, 413, "payload_too_large")
    monkeypatch.setattr(declared, "MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(declared, "MAX_LINES", 2)
    body = {"organisme": "caf", "source": "SI", "lignes": _lines({}, {}, {})}
    response = client.post(DECLARED, body, content_type="application/json", **bearer)
    problem = _problem(response, 422, "too_many_lines")
    assert problem["errors"][0]["field"] == "body.lignes"
    assert not DeclaredResult.objects.exists()
