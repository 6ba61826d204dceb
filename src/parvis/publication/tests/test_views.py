"""Public pages: listing (GET form, pagination, empty state, query counts), permanent
page, service page, figures, open-data page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, ThemeFactory
from parvis.publication import services, views
from parvis.quality.services import voice_refresh
from parvis.voice.tests.factories import (
    AUTHOR_EMAIL,
    ORIGINAL_TEXT,
    ExperienceFactory,
    PublicAnswerFactory,
)

pytestmark = pytest.mark.django_db


def test_listing_shows_count_cards_and_links_to_permanent_pages(client, publish):
    rows = [publish(masked_title=f"Titre {i}") for i in range(3)]

    response = client.get("/experiences/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "3 expériences" in html
    for row in rows:
        assert f"/experiences/{row.uuid}/" in html and row.title in html
    assert ORIGINAL_TEXT not in html and AUTHOR_EMAIL not in html


def test_listing_filters_are_a_get_form_that_keeps_its_values(client, publish):
    organisation = OrganisationFactory(slug="caf", name="CAF")
    publish(local_service=LocalServiceFactory(organisation=organisation), tone="positif")

    response = client.get("/experiences/?organisation=caf&tone=positif&q=conseiller")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="get"' in html
    assert '<option value="caf" selected>' in html
    assert '<option value="positif" selected>' in html
    assert 'value="conseiller"' in html
    assert "1 expérience trouvée" in html


def test_cards_and_filters_escape_html(client, publish):
    organisation = OrganisationFactory(slug="ville", name='Mairie <b>"centre"</b> & co')
    publish(
        organisation=organisation,
        masked_title="<script>alert('titre')</script>",
        masked_text="Texte <img src=x onerror=alert(1)> & suite",
    )

    html = client.get("/experiences/?organisation=ville").content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;/script&gt;" in html
    assert "Texte &lt;img src=x onerror=alert(1)&gt; &amp; suite" in html
    # the organisation's name, in its card and in the select option
    assert html.count("Mairie &lt;b&gt;&quot;centre&quot;&lt;/b&gt; &amp; co") >= 2
    assert '<option value="ville" selected>' in html


def test_empty_state(client):
    response = client.get("/experiences/?q=introuvable")
    assert response.status_code == 200
    assert "Aucune expérience trouvée" in response.content.decode()
    assert "Aucune expérience publiée ne correspond" in response.content.decode()


def test_invalid_filters_answer_400_in_french(client):
    response = client.get(
        "/experiences/?tone=furieux&published_from=2025-02-01&published_to=2025-01-01"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette tonalité n’existe pas." in html
    assert "La recherche n’a pas pu être lancée" in html


def test_publication_days_outside_the_range_are_refused_next_to_their_field(client):
    response = client.get("/experiences/?published_from=0001-01-01&published_to=2026-01-01")
    assert response.status_code == 400
    assert response.context["form"].errors["published_from"] == [
        "Indiquez une date entre le 01/01/2000 et le 31/12/2100."
    ]


def test_pagination_keeps_filters_and_unknown_pages_are_404(client, publish, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for _ in range(5):
        publish(tone="negatif")

    first = client.get("/experiences/?tone=negatif")
    third = client.get("/experiences/?tone=negatif&page=3")

    assert "Page 1 sur 3" in first.content.decode()
    assert "tone=negatif&amp;page=2" in first.content.decode()
    assert len(third.context["page_obj"].object_list) == 1
    assert client.get("/experiences/?tone=negatif&page=4").status_code == 404
    unreadable = client.get("/experiences/?page=abc")  # the first page, not a 404
    assert unreadable.status_code == 200
    assert unreadable.context["page_obj"].number == 1


def test_relevance_sort_is_said(client, publish):
    publish(masked_text="Un délai trop long.")
    html = client.get("/experiences/?q=delai").content.decode()
    assert "Classées par pertinence" in html


def test_listing_query_count_does_not_grow_with_rows(
    client, publish, django_assert_max_num_queries
):
    theme = ThemeFactory(slug="delai")
    for _ in range(2):
        publish(themes=[theme])
    with django_assert_max_num_queries(20) as few:
        client.get("/experiences/?q=conseiller&theme=delai")
    for _ in range(8):
        answer = PublicAnswerFactory(
            published=True, experience__complaint=True, experience__themes=[theme]
        )
        services.publication_sync(experience_id=answer.experience_id)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/experiences/?q=conseiller&theme=delai")
    assert response.context["count"] == 10


def test_permanent_page_shows_experience_answer_and_helpful_counts(client):
    answer = PublicAnswerFactory(
        published=True,
        experience__complaint=True,
        masked_text="Votre dossier est réglé.",
        helpful_yes=4,
        helpful_no=1,
    )
    row = services.publication_sync(experience_id=answer.experience_id)
    assert row is not None

    response = client.get(f"/experiences/{row.uuid}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert row.text.replace("’", "&#x27;") in html or "rappelé" in html
    assert "Votre dossier est réglé." in html
    assert f"Réponse de {row.answer_signer}" in html
    assert "4 personnes ont répondu oui, 1 a répondu non." in html
    assert ORIGINAL_TEXT not in html and AUTHOR_EMAIL not in html


def test_permanent_page_without_answer(client, publish):
    row = publish()
    html = client.get(f"/experiences/{row.uuid}/").content.decode()
    assert "pas encore répondu" in html


def test_permanent_page_404(client):
    unpublished = ExperienceFactory(complaint=True)
    assert client.get(f"/experiences/{unpublished.uuid}/").status_code == 404
    assert client.get("/experiences/not-a-uuid/").status_code == 404


def test_service_page_with_figures(client, publish):
    service = LocalServiceFactory(slug="caf-33", name="CAF de la Gironde")
    now = timezone.now()
    for i in range(12):
        publish(
            local_service=service,
            tone="positif" if i % 3 else "negatif",
            published_at=now - dt.timedelta(days=i),
        )
    voice_refresh()

    response = client.get("/experiences/services/caf-33/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "CAF de la Gironde" in html
    assert "66,7\u202f%" in html  # 8 positive of 12, the indicator experiences-positives
    assert "/resultats/indicateurs/experiences-positives/" in html
    assert "Dernières expériences" in html


def test_service_page_below_ten_shows_no_rate(client, publish):
    service = LocalServiceFactory(slug="cpam-33")
    for _ in range(3):
        publish(local_service=service)
    voice_refresh()

    html = client.get("/experiences/services/cpam-33/").content.decode()

    assert "donnée insuffisante, aucun taux n’est publié" in html
    assert "Donnée insuffisante" in html
    assert not re.search(r"\d,\d %", html)


def test_service_page_404(client):
    assert client.get("/experiences/services/inconnu/").status_code == 404
    inactive = LocalServiceFactory(is_active=False)
    assert client.get(f"/experiences/services/{inactive.slug}/").status_code == 404


def test_figures_page(client, publish):
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    for _ in range(10):
        publish(local_service=LocalServiceFactory(organisation=caf))
    publish(local_service=LocalServiceFactory(organisation=OrganisationFactory(name="Petit")))
    voice_refresh()

    response = client.get("/experiences/chiffres/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Caisse d’allocations familiales" in html.replace("&#x27;", "’")
    assert "Non classé" in html
    assert client.get("/experiences/chiffres/?scope=departement").status_code == 200
    assert client.get("/experiences/chiffres/?scope=service&organisation=caf").status_code == 200
    assert client.get("/experiences/chiffres/?period=1999-01").status_code == 400


def test_figures_page_before_any_refresh(client):
    response = client.get("/experiences/chiffres/")
    assert response.status_code == 200
    assert "pas encore été calculés" in response.content.decode()


@pytest.mark.parametrize("query", ["", "délai"])
def test_cards_name_the_service_and_list_themes_in_order(client, publish, query):
    """Listing and search (PostgreSQL reads card rows its own way) show the same card."""
    organisation = OrganisationFactory(name="Caisse d’allocations familiales")
    service = LocalServiceFactory(organisation=organisation, name="CAF de la Gironde")
    second = ThemeFactory(slug="suivi", label="Suivi du dossier", position=2)
    first = ThemeFactory(slug="delai", label="Délais", position=1)
    publish(
        organisation=organisation,
        local_service=service,
        masked_text="Un délai de trois mois.",
        themes=[second, first],
    )

    html = client.get(f"/experiences/?q={query}").content.decode()

    assert "Caisse d’allocations familiales · CAF de la Gironde" in html
    assert "Thèmes : Délais, Suivi du dossier" in html
