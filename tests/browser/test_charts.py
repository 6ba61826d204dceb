"""The public chart includes (publication/charts/) in a real browser: DSFR Chart's web
components load from the vendored static files and nothing leaves the site, each chart
switches to its table with the keyboard, the map shows our « Donnée insuffisante » class
and lists the overseas collectivités in its table, axe-core finds nothing serious; without
JavaScript the tables are shown alone.

The page exists only here: ``chart_urls`` adds it to the project's routes for these tests.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from parvis.testing.browser import axe_serious_violations

pytestmark = pytest.mark.browser

PAGE = "/essai-graphiques/"
VENDORED = "/static/publication/vendor/dsfr-chart/DSFRChart.js"


@pytest.fixture
def charts_url(settings, live_server):
    settings.ROOT_URLCONF = "tests.browser.chart_urls"
    return live_server.url + PAGE


def _open(page, url):
    """Open the page, recording every request the browser makes and every console error
    (a CSP refusal is one); wait for the charts."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.locator("#evolution canvas")).to_have_count(1)
    expect(page.locator("#classement canvas")).to_have_count(1)
    expect(page.locator("#carte[data-parvis-chart-painted]")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    return response, requests, errors


def test_charts_load_from_the_site_only(page, charts_url):
    response, requests, errors = _open(page, charts_url)
    # Served under the project's policy: scripts from the site itself or with its nonce.
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert errors == []
    site = urlsplit(charts_url).netloc
    assert any(urlsplit(url).path == VENDORED for url in requests)
    outside = [
        url
        for url in requests
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != site
    ]
    assert outside == []
    for tag in ("line-chart", "bar-chart", "map-chart"):
        assert page.evaluate(f"customElements.get('{tag}') !== undefined")
    # The canvases say what they draw and where the values are.
    expect(page.locator("#evolution canvas")).to_have_attribute(
        "aria-label",
        "Satisfaction par canal, par mois (les valeurs sont dans l’onglet « Tableau »)",
    )
    assert axe_serious_violations(page) == []


def test_tables_open_with_the_keyboard(page, charts_url):
    _open(page, charts_url)
    chart_tab = page.locator("#evolution-onglet-graphique")
    table_tab = page.locator("#evolution-onglet-tableau")
    table = page.locator("#evolution-tableau table")
    expect(page.locator("#evolution-graphique canvas")).to_be_visible()
    expect(table).to_be_hidden()

    chart_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(table_tab).to_have_attribute("aria-selected", "true")
    expect(table_tab).to_be_focused()
    expect(table).to_be_visible()
    expect(page.locator("#evolution-graphique canvas")).to_be_hidden()
    # The month below the publication minimum: a gap in the line, words in the table.
    expect(table.locator("tr", has_text="août 2025")).to_contain_text("Donnée insuffisante")
    expect(table.locator("tr", has_text="janvier 2026")).to_contain_text("79\u202f%")
    # From the selected tab, Tab goes to its panel.
    page.keyboard.press("Tab")
    expect(page.locator("#evolution-tableau")).to_be_focused()
    assert axe_serious_violations(page) == []

    table_tab.focus()
    page.keyboard.press("ArrowLeft")
    expect(chart_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#evolution-graphique canvas")).to_be_visible()

    # The ranking's table keeps what the bars cannot show.
    page.locator("#classement-onglet-graphique").focus()
    page.keyboard.press("ArrowRight")
    ranking = page.locator("#classement-tableau table")
    expect(ranking).to_be_visible()
    expect(ranking.locator("tr", has_text="CAF de la Gironde")).to_contain_text(
        "de 80,4 à 87,4\u202f%"
    )
    expect(ranking.locator("tr", has_text="CAF de la Lozère")).to_contain_text(
        "Donnée insuffisante"
    )


def test_map_classes_and_overseas_collectivites(page, charts_url):
    _open(page, charts_url)
    legend = page.locator("#carte .parvis-map-legend")
    expect(legend.get_by_text("Donnée insuffisante", exact=True)).to_be_visible()
    expect(legend.get_by_text("80 % et plus")).to_be_visible()

    def fill(code: str) -> str:
        return page.locator(f"#carte path.FR-{code}").evaluate("path => path.style.fill")

    hatched = 'url("#carte-hachures")'
    assert fill("2A") == hatched  # value below the minimum
    assert fill("01") == hatched  # no row at all
    classes = {fill("13"), fill("33"), fill("75")}  # one département in each class
    assert len(classes) == 3 and hatched not in classes
    assert fill("971") == fill("75")  # an overseas département, drawn as an inset
    # The component's tooltip reads our French text.
    page.locator("#carte path.FR-33").hover()
    expect(page.locator("#carte .map_tooltip")).to_contain_text("72,4\u202f% (n = 134)")

    page.locator("#carte-onglet-graphique").focus()
    page.keyboard.press("ArrowRight")
    table = page.locator("#carte-tableau table")
    expect(table).to_be_visible()
    expect(table.locator("tr", has_text="Polynésie française (987)")).to_contain_text("64\u202f%")
    expect(table.locator("tr", has_text="Saint-Pierre-et-Miquelon (975)")).to_contain_text(
        "Donnée insuffisante"
    )
    assert axe_serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert axe_serious_violations(page) == []


def test_downloads_name_their_format_and_size(page, charts_url):
    _open(page, charts_url)
    csv = page.get_by_role("link", name="Télécharger (CSV) : Satisfaction par canal, par mois")
    expect(csv).to_have_attribute("href", "/essai-graphiques/donnees.csv")
    expect(csv).to_contain_text("CSV – 2,0\u00a0Kio")
    expect(page.get_by_role("link", name="Télécharger (JSON)")).to_contain_text("JSON")


def test_tables_alone_without_javascript(browser, charts_url):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(charts_url)
        for chart in ("evolution", "classement", "carte"):
            expect(page.locator(f"#{chart}-tableau table")).to_be_visible()
            expect(page.locator(f"#{chart}-onglet-tableau")).to_be_hidden()
    finally:
        context.close()
