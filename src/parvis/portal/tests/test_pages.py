"""Public portal: the mandatory footer pages, both brands, and the neutral stylesheet."""

from __future__ import annotations

import gzip
import re

import pytest
from django.urls import reverse

from parvis.portal.templatetags.parvis_brand import FALLBACK_PRIMARY, safe_primary_color

pytestmark = pytest.mark.django_db

FOOTER_URL_NAMES = [
    "footer-sitemap",
    "footer-accessibility-status",
    "footer-legal-notice",
    "footer-personal-data",
    "footer-cookie-management",
]
PUBLIC_URL_NAMES = [
    "portal:home",
    "directory:organisation_list",
    "accounts:login",
    *FOOTER_URL_NAMES,
]
BRANDS = ["state", "neutral"]


def _footer_links(html: str) -> list[str]:
    footer = html.split("<footer", 1)[1]
    return re.findall(r'class="fr-footer__bottom-link" href="([^"]+)"', footer)


@pytest.mark.parametrize("brand", BRANDS)
def test_every_footer_link_answers_200(client, settings, brand):
    settings.PARVIS_BRAND = brand
    links = _footer_links(client.get(reverse("portal:home")).content.decode())
    expected = {reverse(name) for name in FOOTER_URL_NAMES}
    assert expected <= set(links)
    for link in links:
        assert link, "a footer link rendered an empty href"
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("brand", BRANDS)
def test_sitemap_links_answer(client, settings, brand):
    settings.PARVIS_BRAND = brand
    html = client.get(reverse("footer-sitemap")).content.decode()
    main = html.split('id="content"', 1)[1].split("</main>", 1)[0]
    links = re.findall(r'href="(/[^"]*)"', main)
    assert len(links) >= 10
    for link in links:
        # The dashboard sends anonymous visitors to the login page.
        assert client.get(link).status_code in {200, 302}, link


@pytest.mark.parametrize("name", PUBLIC_URL_NAMES)
def test_neutral_brand_shows_no_state_identity(client, settings, name):
    settings.PARVIS_BRAND = "neutral"
    html = client.get(reverse(name)).content.decode()
    assert "République" not in html
    assert "Marianne" not in html
    assert "fr-logo" not in html
    assert "dsfr/dist/favicon" not in html
    assert "dsfr/dist/dsfr/dsfr.min.css" not in html
    assert reverse("portal:dsfr-neutral-css") in html


@pytest.mark.parametrize("name", PUBLIC_URL_NAMES)
def test_state_brand_shows_the_marianne_block(client, settings, name):
    settings.PARVIS_BRAND = "state"
    html = client.get(reverse(name)).content.decode()
    assert '<p class="fr-logo">République<br>française</p>' in html
    assert "dsfr/dist/favicon/favicon.svg" in html


@pytest.mark.parametrize("name", PUBLIC_URL_NAMES)
def test_pages_are_french_with_skip_links_and_landmarks(client, name):
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="fr"' in html
    assert 'href="#content"' in html and 'id="content"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    assert html.count("<h1") == 1


def test_navigation_marks_the_current_section(client):
    html = client.get(reverse("directory:organisation_list")).content.decode()
    current = re.findall(r'<a class="fr-nav__link" href="([^"]+)" aria-current="page"', html)
    assert current == [reverse("directory:organisation_list")]


def test_neutral_brand_uses_the_configured_colour_and_logo(client, settings):
    settings.PARVIS_BRAND = "neutral"
    settings.PARVIS_PRIMARY_COLOR = "#1f5f3a"
    settings.PARVIS_LOGO_URL = "/media/logo-ccas.svg"
    settings.PARVIS_OPERATOR_NAME = "CCAS de Villeneuve"
    html = client.get(reverse("portal:home")).content.decode()
    assert "--parvis-primary: #1f5f3a;" in html
    assert 'src="/media/logo-ccas.svg" alt="CCAS de Villeneuve"' in html
    assert '<link rel="icon" href="/media/logo-ccas.svg">' in html


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("#000091", "#000091"),
        ("#1f5f3a", "#1f5f3a"),
        ("#ffcc00", FALLBACK_PRIMARY),  # 1.6:1 on white: unreadable links
        ("red; } body { display: none", FALLBACK_PRIMARY),
        ("", FALLBACK_PRIMARY),
    ],
)
def test_primary_colour_must_be_a_readable_hex_colour(color, expected):
    assert safe_primary_color(color) == expected


def test_neutral_stylesheet_has_no_marianne_font(client):
    response = client.get(reverse("portal:dsfr-neutral-css"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "Marianne" not in css
    assert "system-ui" in css
    assert "url(../" not in css
    assert ".fr-btn" in css and ".fr-header" in css


def test_neutral_stylesheet_is_compressed_and_cacheable(client):
    url = reverse("portal:dsfr-neutral-css")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert b".fr-btn" in gzip.decompress(response.content)
    assert "max-age=86400" in response["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_accessibility_declaration_is_honest_and_complete(client):
    html = client.get(reverse("footer-accessibility-status")).content.decode()
    for expected in [
        "partiellement conforme",
        "RGAA",
        "auto-évaluation",
        "Contenus non accessibles",
        "Technologies utilisées",
        "Environnement de test",
        "Retour d’information et contact",
        "Défenseur des droits",
        "Schéma pluriannuel",
    ]:
        assert expected in html, expected
    assert "totalement conforme" not in html


def test_personal_data_page_lists_the_retention_settings(client, settings):
    settings.RETENTION_AXES_DAYS = 17
    settings.RETENTION_REVOKED_TOKENS_DAYS = 43
    settings.RETENTION_AUDIT_DAYS = 1111
    settings.RETENTION_REALTIME_EVENTS_HOURS = 29
    settings.SESSION_COOKIE_AGE = 5 * 3600
    settings.VOICE_ORIGINAL_RETENTION_DAYS = 31
    settings.VOICE_CONTACT_RETENTION_DAYS = 222
    settings.RETENTION_MESSAGE_DELIVERIES_DAYS = 77
    html = client.get(reverse("footer-personal-data")).content.decode()
    for expected in [
        "Journal des messages envoyés",
        "77 jours",
        "31 jours après la publication ou le refus",
        "au plus 222 jours après la publication",
        "Demande de simplification",
        "Avis sur une réponse",
        "Compte d’usager",
        "17 jours",
        "43 jours",
        "1111 jours",
        "29 heures",
        "5 heures",
        "CNIL",
        "Responsable du traitement",
        "Base légale",
        "Destinataires",
    ]:
        assert expected in html, expected


def test_legal_notice_names_the_operator_and_licences(client, settings):
    settings.PARVIS_OPERATOR_NAME = "Communauté de communes du Val"
    html = client.get(reverse("footer-legal-notice")).content.decode()
    assert "Communauté de communes du Val" in html
    assert "AGPL" in html and "Licence Ouverte 2.0" in html
    assert "Hébergeur à renseigner" in html


def test_cookie_page_lists_only_strictly_necessary_cookies(client, settings):
    html = client.get(reverse("footer-cookie-management")).content.decode()
    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in html
    assert f"<code>{settings.CSRF_COOKIE_NAME}</code>" in html
    assert "aucun cookie de suivi" in html


def test_public_pages_set_no_cookie_for_anonymous_visitors(client):
    for name in ["portal:home", *FOOTER_URL_NAMES]:
        assert not client.get(reverse(name)).cookies, name


def test_home_says_what_a_citizen_can_do_here(client):
    html = client.get(reverse("portal:home")).content.decode()
    for url_name, title in [
        ("voice:share", "Partager une expérience"),
        ("publication:experience_list", "Lire les expériences et les réponses"),
        ("simplification:list", "Soutenir une simplification"),
        ("directory:organisation_list", "Trouver un service"),
    ]:
        assert f'<a href="{reverse(url_name)}">{title}</a>' in html, title
        assert client.get(reverse(url_name)).status_code == 200, url_name


def test_home_has_no_breadcrumb_and_says_parvis_is_free_software_once(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "fr-breadcrumb" not in html
    assert "parvis fonctionne avec parvis" not in html
    assert "parvis est un logiciel libre" in html
