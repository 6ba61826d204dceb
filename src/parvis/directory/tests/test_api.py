"""Directory API: public reads, filters, schedule, open status, hours write; problem+json."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory import services
from parvis.directory.models import Site
from parvis.directory.services import taxonomy_load
from parvis.directory.tests.factories import (
    ChannelFactory,
    LocalServiceFactory,
    MotifFactory,
    OrganisationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
BASE = "/api/v1/annuaire"
T = dt.time


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")


@pytest.fixture
def reunion_site(saint_denis, caf):
    site = services.site_create(
        actor=None,
        kind=Site.Kind.FRANCE_SERVICES,
        name="France Services du Barachois",
        commune=saint_denis,
        address="1 rue de Paris",
        postcode="97400",
        organisation=services.france_services_operator(actor=None, name="Commune de Saint-Denis"),
        partners=[caf],
        channels=[ChannelFactory(slug="guichet", label="Accueil physique")],
    )
    services.opening_hours_replace(
        actor=None, site=site, hours=[(day, T(8), T(12)) for day in range(5)]
    )
    return site


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def test_organisations_with_motifs_in_french_order(client):
    for name in ("Foix", "Écully", "Eaubonne"):
        organisation = OrganisationFactory(name=name, slug=f"org-{len(name)}-{name[-1]}")
        MotifFactory(organisation=organisation, label=f"Motif de {name}")
    body = client.get(f"{BASE}/organismes").json()
    assert body["count"] == 3
    assert [o["name"] for o in body["results"]] == ["Eaubonne", "Écully", "Foix"]
    assert body["results"][0]["motifs"][0]["label"] == "Motif de Eaubonne"


def test_organisation_detail_and_unknown_slug(client, caf):
    assert client.get(f"{BASE}/organismes/caf").json()["slug"] == "caf"
    body = _problem(client.get(f"{BASE}/organismes/inconnu"), 404)
    assert body["code"] == "not_found"


def test_taxonomy_lists(client):
    taxonomy_load()
    assert client.get(f"{BASE}/themes").status_code == 200
    channels = client.get(f"{BASE}/canaux").json()
    stages = client.get(f"{BASE}/etapes").json()
    assert channels and stages
    assert set(channels[0]) == {"slug", "label"}


def test_local_services_filters(client, caf, gironde, reunion):
    LocalServiceFactory(organisation=caf, name="CAF de la Gironde", main_departement=gironde)
    LocalServiceFactory(organisation=caf, name="CAF de La Réunion", main_departement=reunion)
    body = client.get(f"{BASE}/services-locaux", {"departement": "974"}).json()
    assert [s["name"] for s in body["results"]] == ["CAF de La Réunion"]
    assert body["results"][0]["timezone"] == "Indian/Reunion"
    assert body["results"][0]["departements"] == [{"code": "974", "name": "La Réunion"}]
    body = client.get(f"{BASE}/services-locaux", {"q": "reunion", "organisme": "caf"}).json()
    assert body["count"] == 1
    slug = body["results"][0]["slug"]
    assert client.get(f"{BASE}/services-locaux/{slug}").status_code == 200
    _problem(client.get(f"{BASE}/services-locaux/inconnu"), 404)


def test_sites_filters_and_pagination(client, reunion_site, bordeaux, caf):
    for index in range(3):
        SiteFactory(commune=bordeaux, name=f"Accueil {index}")
    body = client.get(f"{BASE}/lieux", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"], len(body["results"])) == (4, 2, 2)
    body = client.get(f"{BASE}/lieux", {"commune": "97400"}).json()
    assert [s["slug"] for s in body["results"]] == [reunion_site.slug]
    site = body["results"][0]
    assert site["partners"] == ["caf"] and site["channels"] == ["guichet"]
    assert site["commune"] == {"code": "97411", "name": "Saint-Denis", "departement": "974"}
    assert site["timezone"] == "Indian/Reunion"
    body = client.get(
        f"{BASE}/lieux",
        {"organisme": "caf", "type": "france-services", "departement": "974", "q": "barachois"},
    ).json()
    assert body["count"] == 1


def test_sites_carry_their_coverage_and_contact_centres_are_found_by_it(
    client, reunion_site, bordeaux, caf, reunion
):
    national = services.site_create(
        actor=None,
        kind=Site.Kind.CONTACT_CENTRE,
        name="Centre de contact national",
        commune=bordeaux,
        organisation=caf,
        coverage=Site.Coverage.NATIONAL,
        phone="32 30",
        website="https://www.caf.fr",
        channels=[ChannelFactory(slug="telephone"), ChannelFactory(slug="chat")],
    )
    overseas = services.site_create(
        actor=None,
        kind=Site.Kind.CONTACT_CENTRE,
        name="Plateforme des outre-mer",
        commune=bordeaux,
        organisation=caf,
        coverage=Site.Coverage.DEPARTEMENTS,
        covered_departements=[reunion],
    )
    body = client.get(f"{BASE}/lieux", {"commune": "97400"}).json()
    results = {site["slug"]: site for site in body["results"]}
    assert set(results) == {reunion_site.slug, national.slug, overseas.slug}
    assert results[reunion_site.slug]["coverage"] == "local"
    assert results[national.slug]["coverage"] == "national"
    assert results[national.slug]["covered_departements"] == []
    assert results[national.slug]["website"] == "https://www.caf.fr"
    assert results[overseas.slug]["covered_departements"] == ["974"]
    body = client.get(f"{BASE}/lieux", {"commune": "bordeaux"}).json()
    assert [site["slug"] for site in body["results"]] == [national.slug]
    body = client.get(f"{BASE}/lieux", {"departement": "974", "type": "centre-contact"}).json()
    assert {site["slug"] for site in body["results"]} == {national.slug, overseas.slug}
    detail = client.get(f"{BASE}/lieux/{overseas.slug}").json()
    assert (detail["coverage"], detail["covered_departements"]) == ("departements", ["974"])


def test_sites_list_query_count_is_flat(client, bordeaux, django_assert_max_num_queries):
    for index in range(20):
        site = SiteFactory(commune=bordeaux, name=f"Accueil {index}")
        site.channels.add(ChannelFactory(slug="guichet", label="Accueil physique"))
    with django_assert_max_num_queries(5):
        assert client.get(f"{BASE}/lieux").json()["count"] == 20


@pytest.mark.parametrize(
    "params",
    [
        {"type": "chateau"},
        {"departement": "ABC"},
        {"page": 0},
        {"page_size": 100000},
        {"q": "x" * 101},
        {"organisme": "pas un slug"},
    ],
)
def test_invalid_site_filters_are_422_problems(client, params):
    body = _problem(client.get(f"{BASE}/lieux", params), 422)
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"].startswith("query.")


def test_site_detail_with_weekly_hours_and_upcoming_exceptions(client, reunion_site, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2030, 1, 7, 4, 30, tzinfo=dt.UTC)
    )
    services.opening_exception_add(
        actor=None, site=reunion_site, date=dt.date(2030, 1, 10), label="Inventaire"
    )
    services.opening_exception_add(actor=None, site=reunion_site, date=dt.date(2029, 12, 1))
    body = client.get(f"{BASE}/lieux/{reunion_site.slug}").json()
    assert body["hours"][0] == {
        "weekday": 0,
        "label": "lundi",
        "intervals": [{"opens": "08:00:00", "closes": "12:00:00"}],
    }
    assert body["hours"][6]["intervals"] == []
    assert [e["date"] for e in body["exceptions"]] == ["2030-01-10"]
    _problem(client.get(f"{BASE}/lieux/inconnu"), 404)


def test_schedule_marks_holidays_and_uses_local_dates(client, reunion_site):
    body = client.get(
        f"{BASE}/lieux/{reunion_site.slug}/planning", {"debut": "2030-12-19", "jours": 3}
    ).json()
    assert body["timezone"] == "Indian/Reunion"
    days = body["days"]
    assert [d["is_open"] for d in days] == [True, False, False]
    assert days[1]["holiday"] == "Abolition de l'esclavage"
    assert days[1]["closed_reason"] == "Abolition de l'esclavage"
    assert days[2]["closed_reason"] == "Fermé"


@pytest.mark.parametrize("params", [{"jours": 0}, {"jours": 1000}, {"debut": "2030-13-01"}])
def test_schedule_invalid_params_are_422(client, reunion_site, params):
    _problem(client.get(f"{BASE}/lieux/{reunion_site.slug}/planning", params), 422)


def test_open_status_in_the_site_time_zone(client, reunion_site, bordeaux):
    paris_site = SiteFactory(commune=bordeaux)
    services.opening_hours_replace(actor=None, site=paris_site, hours=[(0, T(8), T(12))])
    moment = "2030-01-07T08:30:00+04:00"
    body = client.get(f"{BASE}/lieux/{reunion_site.slug}/ouverture", {"a": moment}).json()
    assert body["is_open"] is True
    assert body["at"] == "2030-01-07T08:30:00+04:00"
    assert body["closes_at"] == "2030-01-07T12:00:00+04:00"
    body = client.get(f"{BASE}/lieux/{paris_site.slug}/ouverture", {"a": moment}).json()
    assert body["is_open"] is False
    assert body["at"] == "2030-01-07T05:30:00+01:00"
    assert body["next_opening"] == "2030-01-07T08:00:00+01:00"


def test_open_status_reads_a_time_without_offset_in_the_site_time_zone(client, reunion_site):
    url = f"{BASE}/lieux/{reunion_site.slug}/ouverture"
    body = client.get(url, {"a": "2030-01-07T08:30"}).json()
    assert body["at"] == "2030-01-07T08:30:00+04:00"
    assert body["is_open"] is True
    assert client.get(url, {"a": "2030-01-07T04:30:00Z"}).json()["at"] == body["at"]
    assert client.get(url).status_code == 200


def _a_error(response) -> dict:
    body = _problem(response, 422)
    assert body["code"] == "validation_error"
    [error] = body["errors"]
    assert error["field"] == "query.a"
    return error


@pytest.mark.parametrize("value", ["1893456000", "0", "demain", "2030-01-07", "2030-13-07T08:30"])
def test_open_status_takes_a_date_time_not_a_timestamp(client, reunion_site, value):
    error = _a_error(client.get(f"{BASE}/lieux/{reunion_site.slug}/ouverture", {"a": value}))
    assert "date et une heure" in error["message"]


def test_open_status_explains_an_unencoded_plus(client, reunion_site):
    url = f"{BASE}/lieux/{reunion_site.slug}/ouverture?a=2030-01-07T08:30:00+04:00"
    assert "%2B" in _a_error(client.get(url))["message"]


def _put_hours(client, site, hours, **headers):
    return client.put(
        f"{BASE}/lieux/{site.slug}/horaires",
        {"hours": hours},
        content_type="application/json",
        **headers,
    )


def test_hours_write_needs_authentication(client, reunion_site):
    _problem(_put_hours(client, reunion_site, []), 401)


def test_hours_write_with_a_write_token_of_the_organisation(client, bordeaux, caf):
    site = SiteFactory(commune=bordeaux, local_service=LocalServiceFactory(organisation=caf))
    _token, raw = api_token_create(actor=None, organisation=caf, name="SI", scope="write")
    response = _put_hours(
        client,
        site,
        [{"weekday": 1, "opens": "09:00", "closes": "12:00"}],
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["hours"][1]["intervals"] == [{"opens": "09:00:00", "closes": "12:00:00"}]
    assert AuditEvent.objects.get(action="site.hours_replaced").actor_label.startswith("token:")


def test_hours_write_read_token_is_403_other_organisation_is_404(client, bordeaux, caf):
    site = SiteFactory(commune=bordeaux, local_service=LocalServiceFactory(organisation=caf))
    _token, read = api_token_create(actor=None, organisation=caf, name="Lecture")
    _token, other = api_token_create(
        actor=None, organisation=OrganisationFactory(), name="X", scope="write"
    )
    hours = [{"weekday": 1, "opens": "09:00", "closes": "12:00"}]
    assert (
        _problem(_put_hours(client, site, hours, HTTP_AUTHORIZATION=f"Bearer {read}"), 403)["code"]
        == "forbidden"
    )
    _problem(_put_hours(client, site, hours, HTTP_AUTHORIZATION=f"Bearer {other}"), 404)
    assert not site.opening_hours.exists()


def test_hours_write_overlap_is_a_422_with_a_stable_code(client, bordeaux, caf):
    site = SiteFactory(commune=bordeaux, local_service=LocalServiceFactory(organisation=caf))
    _token, raw = api_token_create(actor=None, organisation=caf, name="SI", scope="write")
    hours = [
        {"weekday": 0, "opens": "09:00", "closes": "12:00"},
        {"weekday": 0, "opens": "11:00", "closes": "13:00"},
    ]
    body = _problem(_put_hours(client, site, hours, HTTP_AUTHORIZATION=f"Bearer {raw}"), 422)
    assert body["code"] == "hours_overlap"
    assert "chevauchent" in body["detail"]
    bad_day = [{"weekday": 7, "opens": "09:00", "closes": "12:00"}]
    body = _problem(_put_hours(client, site, bad_day, HTTP_AUTHORIZATION=f"Bearer {raw}"), 422)
    assert body["code"] == "validation_error"


def test_hours_write_by_session_needs_manage_directory(client, bordeaux, caf):
    site = SiteFactory(commune=bordeaux, local_service=LocalServiceFactory(organisation=caf))
    agent = MembershipFactory(organisation=caf, role=Role.AGENT).user
    admin = MembershipFactory(organisation=caf, role=Role.ORGANISATION_ADMIN).user
    hours = [{"weekday": 1, "opens": "09:00", "closes": "12:00"}]
    client.force_login(agent)
    _problem(_put_hours(client, site, hours), 403)
    client.force_login(admin)
    assert _put_hours(client, site, hours).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/organismes/%01",
        "/services-locaux/a%20b",
        "/lieux/%C3%A9t%C3%A9",
        "/lieux/x%1B/planning",
        "/lieux/x%7F/ouverture",
    ],
)
def test_impossible_slugs_are_404(client, path):
    _problem(client.get(f"{BASE}{path}"), 404)


@pytest.mark.parametrize("path", ["/organismes/%00", "/lieux/x%00/planning", "/lieux?q=%00"])
def test_nul_in_the_address_is_400(client, path):
    assert _problem(client.get(f"{BASE}{path}"), 400)["code"] == "null_character"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"debut": "9999-12-30", "jours": 10}, "query.debut"),
        ({"debut": "0001-01-01", "jours": 3}, "query.debut"),
        ({"debut": "1999-12-31"}, "query.debut"),
        ({"debut": "1893456000"}, "query.debut"),
    ],
)
def test_schedule_far_dates_are_refused_with_the_directory_range(
    client, reunion_site, params, field
):
    body = _problem(client.get(f"{BASE}/lieux/{reunion_site.slug}/planning", params), 422)
    [error] = body["errors"]
    assert error["field"] == field
    assert error["code"] in {"date_out_of_range", "date_parsing"}


def test_schedule_at_the_ends_of_the_directory_range(client, reunion_site):
    url = f"{BASE}/lieux/{reunion_site.slug}/planning"
    for first in ("2000-01-01", "2100-12-31"):
        assert client.get(url, {"debut": first, "jours": 3}).status_code == 200


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_open_status_outside_the_directory_range_is_a_precise_422(client, reunion_site, value):
    error = _a_error(client.get(f"{BASE}/lieux/{reunion_site.slug}/ouverture", {"a": value}))
    assert error["code"] == "date_out_of_range"
    assert error["message"] == "Indiquez une date entre le 01/01/2000 et le 31/12/2100."


def test_filters_naming_nothing_give_an_empty_page(client, reunion_site):
    for params in ({"organisme": "inconnu"}, {"departement": "99"}):
        assert client.get(f"{BASE}/lieux", params).json()["count"] == 0
        assert client.get(f"{BASE}/services-locaux", params).json()["count"] == 0


def test_control_characters_in_filters_are_dropped(client, reunion_site):
    body = client.get(f"{BASE}/lieux", {"q": "bara\x01chois\x1b", "commune": "\x7f"}).json()
    assert [site["slug"] for site in body["results"]] == [reunion_site.slug]


@pytest.mark.parametrize(
    ("opens", "closes", "code"),
    [
        ("09:00+02:00", "12:00+02:00", "hours_with_offset"),  # was stored without its offset
        ("09:00", "12:00Z", "hours_with_offset"),  # mixed: was a 500
        ("09:00+23:59", "12:00+23:59", "hours_with_offset"),  # beyond PostgreSQL's: a 500
        ("09:00+25:00", "12:00", "validation_error"),  # not an offset at all
    ],
)
def test_hours_with_a_utc_offset_are_refused(client, bordeaux, caf, opens, closes, code):
    site = SiteFactory(commune=bordeaux, local_service=LocalServiceFactory(organisation=caf))
    _token, raw = api_token_create(actor=None, organisation=caf, name="SI", scope="write")
    hours = [{"weekday": 0, "opens": opens, "closes": closes}]
    body = _problem(_put_hours(client, site, hours, HTTP_AUTHORIZATION=f"Bearer {raw}"), 422)
    assert body["code"] == code
    if code == "validation_error":
        assert body["errors"][0]["message"] == "Une heure est attendue (HH:MM)."
    else:
        assert "sans décalage horaire" in body["detail"]
    assert not site.opening_hours.exists()
