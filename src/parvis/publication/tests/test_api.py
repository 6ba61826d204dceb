"""Public API: listing with filters and search, one experience, figures, files;
errors as problem+json."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, ThemeFactory
from parvis.publication import services
from parvis.quality.services import voice_refresh
from parvis.voice.tests.factories import AUTHOR_EMAIL, ORIGINAL_TEXT, PublicAnswerFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/publications"


def test_listing_with_filters_and_search(client, publish):
    caf = OrganisationFactory(slug="caf")
    row = publish(
        local_service=LocalServiceFactory(organisation=caf),
        masked_text="Un délai trop long.",
        themes=[ThemeFactory(slug="delai")],
    )
    publish(masked_text="Accueil parfait.")

    response = client.get(f"{API}/experiences?q=delai&organisation=caf&theme=delai")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["count_capped"] is False
    item = body["results"][0]
    assert item["id"] == str(row.uuid)
    assert item["organisation"]["slug"] == "caf"
    assert item["themes"] == [{"slug": "delai", "label": row.themes.get().label}]
    assert item["url"].endswith(f"/experiences/{row.uuid}/")
    assert ORIGINAL_TEXT not in response.content.decode()
    assert AUTHOR_EMAIL not in response.content.decode()


def test_listing_pages(client, publish):
    for _ in range(3):
        publish()
    body = client.get(f"{API}/experiences?page=2&page_size=2").json()
    assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 1)
    assert client.get(f"{API}/experiences?page=9").json()["results"] == []


def test_one_experience_with_its_answer(client):
    # Published on a Friday, answered on the Monday after: one working day.
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        experience__published_at=dt.datetime(2026, 6, 5, 10, tzinfo=dt.UTC),
        published_at=dt.datetime(2026, 6, 8, 10, tzinfo=dt.UTC),
        masked_text="C’est réglé.",
        helpful_yes=2,
    )
    row = services.publication_sync(experience_id=answer.experience_id)
    assert row is not None

    body = client.get(f"{API}/experiences/{row.uuid}").json()

    assert body["answer"]["text"] == "C’est réglé."
    assert body["answer"]["helpful_yes"] == 2
    assert body["answer"]["delay_days"] == 1


def test_unknown_experience_is_404_problem(client):
    response = client.get(f"{API}/experiences/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "/experiences/pas-un-uuid",
        "/experiences?tone=furieux",
        "/experiences?departement=999999",
        "/experiences?published_from=hier",
        "/experiences?published_to=0",
        "/experiences?page=0",
        "/chiffres?period=2026-13",
        "/chiffres?scope=planete",
        "/donnees?format=xls",
    ],
)
def test_invalid_parameters_are_422_problems(client, query):
    response = client.get(API + query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("published_from=0001-01-01", "query.published_from", "date_out_of_range"),
        ("published_to=9999-12-31", "query.published_to", "date_out_of_range"),
        ("published_from=1700000000", "query.published_from", "date_parsing"),
        (
            "published_from=2026-02-01&published_to=2026-01-01",
            "query.published_to",
            "period_reversed",
        ),
    ],
)
def test_publication_days_follow_the_rule_of_the_search_form(client, query, field, code):
    body = client.get(f"{API}/experiences?{query}").json()
    assert body["code"] == "validation_error"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)]
    assert body["errors"][0]["message"].startswith(("Indiquez", "La date", "Une date"))


def test_figures_read_the_quality_catalogue(client, publish):
    service = LocalServiceFactory(slug="caf-33")
    for _ in range(30):
        publish(local_service=service, tone="positif")
    small = LocalServiceFactory(slug="cpam-33")
    for _ in range(3):
        publish(local_service=small, tone="positif")
    voice_refresh()

    body = client.get(f"{API}/chiffres?scope=service&key=caf-33").json()

    assert body["count"] == 1
    figure = body["results"][0]
    assert figure["rank"] == 1 and figure["positive_share"] == 1.0
    assert (figure["experiences"], figure["positive"], figure["organisation"]) == (
        30,
        30,
        service.organisation.slug,
    )
    below = client.get(f"{API}/chiffres?scope=service&key=cpam-33").json()["results"][0]
    assert below["experiences"] == 3
    assert (below["positive_share"], below["positive"], below["rank"]) == (None, None, None)
    national = client.get(f"{API}/chiffres?scope=national").json()["results"][0]
    assert national["label"] == "France entière" and national["experiences"] == 33
    unknown = client.get(f"{API}/chiffres?scope=service&organisation=inconnu").json()
    assert unknown["count"] == 0


def test_open_data_files(client, opendata_root, publish):
    publish()
    services.opendata_export()

    files = client.get(f"{API}/donnees?dataset=experiences&format=csv").json()

    assert [f["name"] for f in files] == ["experiences.csv"]
    assert files[0]["url"].endswith("/donnees/fichiers/experiences.csv")
    assert files[0]["licence"].startswith("Licence Ouverte")
