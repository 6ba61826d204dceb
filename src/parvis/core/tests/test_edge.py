"""NUL in an address is refused at the edge (``core.middleware.RefuseNulMiddleware``).

PostgreSQL refuses NUL in text where SQLite stores it: before the middleware, these
addresses were a 500 on PostgreSQL (a lookup by reference, slug or filter with a NUL) and a
404 or a 200 on SQLite; now both answer 400.
"""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.accounts.tests.factories import UserFactory
from parvis.directory.tests.factories import OrganisationFactory
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        "/simplification/SIMP-2026-00001%00/",  # a reference in the path
        "/simplification/proposer%00/",
        "/experiences/?organisation=caf%00",  # the public experiences' filters
        "/experiences/?service=a%00b",
        "/donnees/fichiers/experiences.csv%00",  # a file name
        "/annuaire/recherche/?q=%00",
    ],
)
def test_a_page_address_with_nul_gets_the_french_400_page(client, url):
    SimplificationRequestFactory(received=True)
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Requête invalide" in page
    assert "caractère nul" in page


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/territoires/communes?q=bor%00deaux",  # the communes search
        "/api/v1/simplifications?q=%00",
        "/api/v1/simplifications/SIMP-2026-00001%00",
        "/api/v1/simplifications/suivi%00",
        "/api/v1/organismes/caf%00/jetons",
    ],
)
def test_an_api_address_with_nul_gets_a_400_problem(client, url):
    OrganisationFactory(slug="caf")
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "null_character"
    assert "caractère nul" in body["detail"]


def test_nul_is_refused_before_sessions_are_read():
    """The answer comes before the session, CSRF and authentication middleware: a write
    with a NUL in its address is refused even without a CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(platform_admin=True))
    response = client.post("/api/v1/organismes/caf%00/jetons", {}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"


def test_percent_encoded_percent_is_not_a_nul(client):
    """``%2500`` is the text « %00 », not a NUL byte: an ordinary search."""
    assert client.get("/api/v1/territoires/communes?q=%2500").status_code == 200


def test_a_cookie_with_nul_is_ignored(client):
    """A quoted cookie may write NUL as ``\\000``: the session lookup with it was a 500
    on PostgreSQL, whose error page failed the same way. The cookie is dropped: anonymous."""
    cookie = 'sessionid="abcdefghijklmnop\\000"; csrftoken="\\000"'
    assert client.get("/annuaire/", HTTP_COOKIE=cookie).status_code == 200
    assert client.get("/api/v1/moi", HTTP_COOKIE=cookie).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_AUTHORIZATION": "Bearer pvs_a\x00b_c"},  # a token prefix looked up: was a 500
        {"HTTP_ACCEPT_LANGUAGE": "fr\x00"},
        {"HTTP_X_FORWARDED_FOR": "192.0.2.1\x00"},
    ],
)
def test_a_header_with_nul_gets_a_400(client, header):
    """Servers in front usually refuse a raw NUL in a header; parvis does not rely on it."""
    response = client.get("/api/v1/moi", **header)
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"
    assert client.get("/annuaire/", **header).status_code == 400
