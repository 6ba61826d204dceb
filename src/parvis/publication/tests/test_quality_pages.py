"""The public pages of the quality results (/resultats/): what a reader sees for an
organisation, a local service, a France Services site and an indicator, what is withheld
below the publication minimum and why, French formatting, bad parameters refused with a
French message, the downloads (only what is published), escaping, no personal data, and
a bounded number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from html import unescape

import pytest
from django.urls import reverse

from parvis.contacts.models import Outcome, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, channel
from parvis.directory.tests.factories import (
    CommitmentFactory,
    LocalServiceFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.quality import selectors, services
from parvis.quality.models import Indicator, IndicatorTarget, Level, Result, ResultRevision
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 10, 1)
RATE = "taux-appels-decroches"  # a share, harmonised, census
SATISFACTION = "satisfaction-part-satisfaits"  # a share on a sample, min_n_publish 100


def _result(code: str, level: str, organisation, key: str, month=MONTH, **values) -> Result:
    indicator = Indicator.objects.get(code=code)
    values.setdefault("n", 200)
    values.setdefault("value", 0.874)
    if values["value"] is not None and indicator.unit == "share":
        values.setdefault("numerator", round(values["value"] * values["n"]))
        values.setdefault("denominator", values["n"])
    return Result.objects.create(
        indicator=indicator,
        version=indicator.version,
        level=level,
        organisation=organisation,
        key=key,
        label=values.pop("label", key),
        month=month,
        **values,
    )


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")


@pytest.fixture
def gironde(caf):
    return LocalServiceFactory(organisation=caf, slug="caf-gironde", name="CAF de la Gironde")


def test_cards_read_in_a_few_queries_agree_with_card(caf, gironde, django_assert_max_num_queries):
    key = str(gironde.pk)
    for months_back in range(13):
        month = selectors.add_months(MONTH, -months_back)
        _result(RATE, Level.SERVICE, caf, key, month, value=0.8 + months_back / 100)
        _result(SATISFACTION, Level.SERVICE, caf, key, month, n=150, value=0.7)
    _result(RATE, Level.ORGANISATION, caf, "caf", value=0.81)
    _result(RATE, Level.NATIONAL, None, "", value=0.79)
    IndicatorTarget.objects.create(
        indicator=Indicator.objects.get(code=RATE), organisation=caf, value=0.85
    )
    indicators = list(selectors.published_indicators())
    with django_assert_max_num_queries(2):
        batch = selectors.cards(
            indicators, level=Level.SERVICE, organisation_id=caf.pk, key=key, month=MONTH
        )
    one_by_one = [
        selectors.card(i, level=Level.SERVICE, organisation_id=caf.pk, key=key, month=MONTH)
        for i in indicators
    ]
    assert batch == one_by_one
    rate = batch[0]
    assert (rate.current.value, rate.year_before.value, rate.target) == (0.8, 0.92, 0.85)
    assert rate.meets_target is False


def test_the_organisation_page_shows_each_indicator_in_french(client, caf):
    rate = _result(RATE, Level.ORGANISATION, caf, "caf", value=0.874, n=1234, label=caf.name)
    _result(RATE, Level.ORGANISATION, caf, "caf", selectors.add_months(MONTH, -12), value=0.8)
    _result(RATE, Level.NATIONAL, None, "", value=0.7912, n=50_000, label="Tous organismes")
    IndicatorTarget.objects.create(indicator=rate.indicator, organisation=caf, value=0.85)

    response = client.get(reverse("publication:quality_organisation", args=["caf"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Caisse d’allocations familiales</h1>" in html
    assert "Résultats d’octobre 2026" in html
    assert "87,4\u202f%" in html and "1\xa0234 cas" in html
    assert "Cible de l’organisme\xa0: 85,0\u202f%" in html and "Cible atteinte" in html
    assert "Même mois un an plus tôt (octobre 2025)\xa0: 80,0\u202f%" in html
    assert "Tous organismes\xa0: 79,1\u202f%" in html
    assert rate.indicator.definition in html
    assert "Calculé par la plateforme à partir des contacts" in html
    # Indicators without any figure here are named apart, not drawn empty.
    assert "Indicateurs sans résultat ici" in html
    assert 'id="indicateur-satisfaction-moyenne"' not in html


def test_below_the_publication_minimum_the_reason_is_shown_never_the_value(client, caf):
    _result(RATE, Level.ORGANISATION, caf, "caf", value=0.3333, n=6)

    html = client.get(reverse("publication:quality_organisation", args=["caf"])).content.decode()

    assert "Donnée insuffisante (moins de 10 cas)" in html
    assert "33,3" not in html
    csv_url = reverse("publication:quality_organisation_data", args=["caf", RATE, "csv"])
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).content.decode())))
    last = rows[-1]
    assert last["mois"] == "2026-10" and last["valeur"] == "" and last["numerateur"] == ""
    assert last["raison_non_publie"] == "donnée insuffisante (moins de 10 cas)"


def test_a_sample_indicator_shows_its_interval_and_response_rate(client, caf):
    _result(
        SATISFACTION,
        Level.ORGANISATION,
        caf,
        "caf",
        value=0.8,
        n=400,
        ci_low=0.7584,
        ci_high=0.8357,
        response_rate=0.312,
    )
    html = unescape(
        client.get(reverse("publication:quality_organisation", args=["caf"])).content.decode()
    )
    assert "Intervalle de confiance à 95\u202f%\xa0: de 75,8\u202f% à 83,6\u202f%" in html
    assert "Taux de réponse au questionnaire\xa0: 31,2\u202f%" in html
    assert "n’ont pas répondu" in html  # the non-response caveat


def test_a_declared_figure_says_so_with_its_source(client, caf):
    _result(
        "rendez-vous-non-honores",
        Level.ORGANISATION,
        caf,
        "caf",
        value=0.12,
        n=900,
        source="declared",
        declared_source="Outil de rendez-vous (03/11/2026)",
    )
    html = client.get(reverse("publication:quality_organisation", args=["caf"])).content.decode()
    assert "12,0\u202f%" in html
    assert "Déclaré par l’organisme : Outil de rendez-vous (03/11/2026)" in html


def test_a_service_page_from_the_real_pipeline(client):
    """Contacts recorded by the hub, facts and results refreshed: the service page shows
    the figure, and nothing that names a person or a contact."""
    queue = QueueFactory(site__local_service__slug="caf-gironde")
    service = queue.site.local_service
    made = []
    for index in range(40):
        queued = dt.datetime(2026, 10, 5, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=index * 7)
        answered = index % 4 != 0
        made.append(
            ConversationFactory(
                queue=queue,
                channel=channel("telephone"),
                queued_at=queued,
                first_answered_at=queued + dt.timedelta(seconds=30) if answered else None,
                resolved_at=queued + dt.timedelta(minutes=5),
                status=Status.RESOLVED,
                outcome=Outcome.ANSWERED if answered else Outcome.ABANDONED,
            )
        )
    services.refresh(first_day=MONTH, last_day=dt.date(2026, 10, 31), today=dt.date(2026, 11, 2))

    url = reverse("publication:quality_service", args=[service.organisation.slug, service.slug])
    html = client.get(url).content.decode()

    assert f"<h1>{service.name}</h1>" in html
    assert "75,0\u202f%" in html  # 30 answered of 40 (no abandon under 5 s)
    assert "sur 40\xa0cas" in html or "sur 40 cas" in html
    for conversation in made:
        assert conversation.reference not in html


def test_a_bad_month_gets_a_french_400(client, caf):
    _result(RATE, Level.ORGANISATION, caf, "caf")
    url = reverse("publication:quality_organisation", args=["caf"])
    for asked, message in (
        ("2026-13", "indiquez-le sous la forme AAAA-MM"),
        ("octobre", "indiquez-le sous la forme AAAA-MM"),
        ("0000-01", "indiquez-le sous la forme AAAA-MM"),
        ("٢٠٢٦-١٠", "indiquez-le sous la forme AAAA-MM"),
        ("1999-01", "choisissez un mois d’octobre 2026 à octobre 2026"),
    ):
        response = client.get(url, {"mois": asked})
        assert response.status_code == 400, asked
        assert message in response.content.decode()
    assert client.get(url, {"mois": "2026-10"}).status_code == 200


def test_unknown_places_and_indicators_are_404(client, caf, gironde):
    other = OrganisationFactory(slug="cpam")
    assert (
        client.get(reverse("publication:quality_organisation", args=["inconnu"])).status_code == 404
    )
    # A service under another organisation's address does not exist there.
    wrong = reverse("publication:quality_service", args=[other.slug, gironde.slug])
    assert client.get(wrong).status_code == 404
    assert client.get(reverse("publication:quality_indicator", args=["inconnu"])).status_code == 404
    assert (
        client.get(reverse("publication:quality_france_services", args=["nulle-part"])).status_code
        == 404
    )
    unknown_format = reverse("publication:quality_organisation_data", args=["caf", RATE, "xlsx"])
    assert client.get(unknown_format).status_code == 404
    unpublished = Indicator.objects.get(code=RATE)
    unpublished.is_published = False
    unpublished.save()
    assert client.get(reverse("publication:quality_indicator", args=[RATE])).status_code == 404


def test_the_trend_downloads(client, caf):
    for months_back in range(3):
        _result(
            RATE,
            Level.ORGANISATION,
            caf,
            "caf",
            selectors.add_months(MONTH, -months_back),
            value=0.9 - months_back / 10,
            n=100,
            label="Caisse d’allocations familiales, « nationale »",
        )
    url = reverse("publication:quality_organisation_data", args=["caf", RATE, "csv"])
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="taux-appels-decroches-caf-evolution.csv"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.splitlines()[0] == (
        "indicateur,niveau,organisme,cle,libelle,mois,valeur,unite,n,numerateur,denominateur,"
        "ic_bas,ic_haut,taux_reponse,source,source_declaree,raison_non_publie"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["mois"] for r in rows][-3:] == ["2026-08", "2026-09", "2026-10"]
    assert len(rows) == 12
    assert rows[-1]["valeur"] == "0.9" and rows[-1]["n"] == "100"
    # A label with a comma and quotes survives the CSV quoting.
    assert rows[-1]["libelle"] == "Caisse d’allocations familiales, « nationale »"
    assert rows[0]["valeur"] == "" and rows[0]["raison_non_publie"] == "pas de données"

    data = json.loads(client.get(url.replace(".csv", ".json")).content)
    assert data["indicateur"] == RATE and data["mois"] == "2026-10"
    assert data["lignes"][-1]["valeur"] == 0.9


def test_names_are_escaped(client):
    OrganisationFactory(slug="piege", name="<script>alert(1)</script> Caisse")
    html = client.get(reverse("publication:quality_organisation", args=["piege"])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Caisse" in html


def test_the_indicator_page_ranks_and_maps(client, caf):
    cpam = OrganisationFactory(slug="cpam", name="Assurance maladie")
    msa = OrganisationFactory(slug="msa", name="Mutualité sociale agricole")
    for organisation, value, n, low, high in (
        (caf, 0.90, 400, 0.87, 0.93),
        (cpam, 0.89, 400, 0.86, 0.92),
        (msa, 0.60, 400, 0.55, 0.65),
    ):
        _result(
            RATE,
            Level.ORGANISATION,
            organisation,
            organisation.slug,
            value=value,
            n=n,
            ci_low=low,
            ci_high=high,
            label=organisation.name,
        )
    small = OrganisationFactory(slug="petit", name="Petit organisme")
    _result(RATE, Level.ORGANISATION, small, "petit", value=0.95, n=20, label="Petit organisme")
    DepartementFactory(code="33", name="Gironde")
    _result(RATE, Level.DEPARTEMENT, caf, "33", value=0.91, n=150, label="Gironde (33)")
    _result(
        RATE, Level.DEPARTEMENT, caf, "975", value=0.5, n=4, label="Saint-Pierre-et-Miquelon (975)"
    )

    response = client.get(reverse("publication:quality_indicator", args=[RATE]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "1er ex æquo" in html and "3e" in html
    assert "moins de 30 cas pour être classé" in html
    # The map's table: every département, overseas collectivités included.
    assert "Gironde (33)" in html and "91\u202f%" in html
    assert "Saint-Pierre-et-Miquelon (975)" in html
    assert "« Donnée insuffisante »\xa0: moins de 10 cas sur le mois" in html

    ranking = reverse("publication:quality_ranking_data", args=[RATE, "csv"])
    rows = list(
        csv.DictReader(io.StringIO(client.get(ranking, {"mois": "2026-10"}).content.decode()))
    )
    assert [(r["organisme"], r["rang"], r["rang_libelle"]) for r in rows] == [
        ("caf", "1", "1er ex æquo"),
        ("cpam", "1", "1er ex æquo"),
        ("msa", "3", "3e"),
        ("petit", "", "Non classé"),
    ]
    assert rows[-1]["raison_non_classe"] == "moins de 30 cas pour être classé"
    carte = reverse("publication:quality_map_data", args=[RATE, "json"])
    data = json.loads(client.get(carte, {"organisme": "caf"}).content)
    assert [(r["cle"], r["valeur"]) for r in data["lignes"]] == [("33", 0.91), ("975", None)]


def test_the_indicator_page_refuses_bad_choices(client, caf):
    _result(RATE, Level.DEPARTEMENT, caf, "33", value=0.91, n=150)
    effort = "delai-reponse-experiences"
    # Not harmonised: no ranking across organisations.
    Indicator.objects.filter(code=effort).update(harmonised=False)
    _result(effort, Level.DEPARTEMENT, caf, "33", value=3.0, n=150)
    url = reverse("publication:quality_indicator", args=[RATE])
    assert client.get(url, {"organisme": "inconnu"}).status_code == 400
    assert client.get(url, {"niveau": "galaxie"}).status_code == 400
    assert client.get(url, {"niveau": "region", "organisme": "caf"}).status_code == 200
    other = reverse("publication:quality_indicator", args=[effort])
    response = client.get(other, {"niveau": "organisation"})
    assert response.status_code == 400
    assert "Ce niveau de classement n’existe pas pour cet indicateur" in response.content.decode()
    assert client.get(other).status_code == 200


def test_a_france_services_site_as_a_whole_and_per_partner(client, caf):
    site = SiteFactory(france_services=True, slug="fs-bazas", name="France Services Bazas")
    site.partners.add(caf)
    key = str(site.pk)
    _result(RATE, Level.SITE, None, key, value=0.8, n=300, label=site.name)
    _result(RATE, Level.SITE, caf, key, value=0.7, n=120, label=site.name)
    _result(RATE, Level.ORGANISATION, caf, "caf", value=0.9, n=5000)
    url = reverse("publication:quality_france_services", args=["fs-bazas"])

    whole = client.get(url).content.decode()
    assert "80,0\u202f%" in whole and "tous partenaires confondus" in whole
    partner = client.get(url, {"partenaire": "caf"}).content.decode()
    assert "70,0\u202f%" in partner
    assert "Caisse d’allocations familiales (national)\xa0: 90,0\u202f%" in partner
    refused = client.get(url, {"partenaire": "cpam"})
    assert refused.status_code == 400
    assert "n’est pas partenaire de cet espace France Services" in refused.content.decode()
    data = reverse("publication:quality_france_services_data", args=["fs-bazas", RATE, "json"])
    lines = json.loads(client.get(data, {"partenaire": "caf"}).content)["lignes"]
    assert lines[-1]["valeur"] == 0.7 and lines[-1]["organisme"] == "caf"


def test_the_methodology_page(client, caf):
    CommitmentFactory(number=1, text="Nous sommes joignables par téléphone ou sur place.")
    result = _result(RATE, Level.ORGANISATION, caf, "caf", value=0.8, n=100, label=caf.name)
    ResultRevision.objects.create(
        result=result, previous_value=0.75, previous_n=99, value=0.8, n=100
    )
    small = _result(RATE, Level.DEPARTEMENT, caf, "33", value=0.5, n=8, label="Gironde (33)")
    ResultRevision.objects.create(result=small, previous_value=0.4, previous_n=7, value=0.5, n=8)

    html = client.get(reverse("publication:quality_methodology")).content.decode()

    for indicator in selectors.published_indicators():
        assert f'id="{indicator.code}"' in html
    assert "15 jours après la fin du mois" in html
    assert "75,0\u202f%" in html and "80,0\u202f%" in html
    assert "40,0\u202f%" not in html and "50,0\u202f%" not in html  # below the minimum, withheld
    assert "Échantillon : réponses au questionnaire" in html
    # The Services Publics+ commitments an indicator proves, in words.
    assert "Engagement n° 1 : Nous sommes joignables par téléphone ou sur place" in html


def test_the_index_and_the_navigation(client, caf):
    SiteFactory(france_services=True, name="France Services Langon")
    response = client.get(reverse("publication:quality_index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("publication:quality_organisation", args=["caf"]) in html
    assert "France Services Langon" in html
    assert reverse("publication:quality_methodology") in html
    index = reverse("publication:quality_index")
    link = f'<a class="fr-nav__link" href="{index}" aria-current="page">Résultats de qualité</a>'
    assert link in html
    assert 'aria-current="page">Expériences des usagers' not in html
    # The definitions wrap (DSFR keeps cells on one line otherwise: the column was cut at
    # 1280 px, read by scrolling sideways).
    before = html.split("<caption>Indicateurs publiés</caption>")[0]
    assert before.rfind('class="fr-table fr-table--multiline"') > before.rfind("Par indicateur")


def test_the_organisation_page_reads_in_a_bounded_number_of_queries(
    client, caf, django_assert_max_num_queries
):
    for indicator in selectors.published_indicators():
        for months_back in range(13):
            month = selectors.add_months(MONTH, -months_back)
            _result(indicator.code, Level.ORGANISATION, caf, "caf", month, value=0.5, n=500)
    LocalServiceFactory.create_batch(5, organisation=caf)
    url = reverse("publication:quality_organisation", args=["caf"])
    client.get(url)  # the site configuration is cached after the first page
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_rendered_cards_are_kept_only_while_their_figures_last(client, caf):
    result = _result(RATE, Level.ORGANISATION, caf, "caf", value=0.874, n=1234)
    url = reverse("publication:quality_organisation", args=["caf"])
    assert "87,4\u202f%" in client.get(url).content.decode()
    assert "87,4\u202f%" in client.get(url).content.decode()  # from the cache, unescaped
    Result.objects.filter(pk=result.pk).update(value=0.5)
    html = client.get(url).content.decode()
    assert "50,0\u202f%" in html and "87,4\u202f%" not in html


def test_the_map_panel_says_why_france_has_no_figure_never_nan(client, caf):
    """The map's side panel (DSFR Chart) printed « NaN » when the organisation's figure
    for France was missing or withheld: it gets a French text instead."""
    DepartementFactory(code="33", name="Gironde")
    _result(RATE, Level.DEPARTEMENT, caf, "33", value=None, n=4, label="Gironde (33)")
    url = reverse("publication:quality_indicator", args=[RATE])

    html = client.get(url, {"organisme": "caf"}).content.decode()
    assert 'data-parvis-chart-national-text="Pas de donnée publiée pour ce mois"' in html
    assert "data-parvis-chart-national=" not in html

    _result(RATE, Level.ORGANISATION, caf, "caf", value=None, n=6, label=caf.name)
    services.results_changed()
    html = client.get(url, {"organisme": "caf"}).content.decode()
    assert 'data-parvis-chart-national-text="Donnée insuffisante (moins de 10 cas)"' in html

    Result.objects.filter(level=Level.ORGANISATION).update(value=0.874, n=200)
    services.results_changed()
    html = client.get(url, {"organisme": "caf"}).content.decode()
    assert 'data-parvis-chart-national="87.4"' in html
    assert "data-parvis-chart-national-text" not in html


def test_pages_open_on_the_latest_complete_month_the_current_one_marked(client, caf, monkeypatch):
    """Five days into a month its figures are mostly withheld (too few cases): the pages
    open on the last complete month; the current one stays selectable, « en cours », and
    a month not frozen yet is « provisoire »."""
    from parvis.publication import quality_views

    monkeypatch.setattr(
        quality_views.timezone, "localdate", lambda *args, **kwargs: MONTH.replace(day=5)
    )
    for month in (selectors.add_months(MONTH, -2), selectors.add_months(MONTH, -1), MONTH):
        _result(RATE, Level.ORGANISATION, caf, "caf", month, label=caf.name)
        _result(RATE, Level.DEPARTEMENT, caf, "33", month, label="Gironde (33)")

    html = client.get(reverse("publication:quality_organisation", args=["caf"])).content.decode()
    assert "Résultats de septembre 2026" in html
    assert '<option value="2026-10">octobre 2026 (en cours)</option>' in html
    assert '<option value="2026-09" selected>septembre 2026 (provisoire)</option>' in html
    assert '<option value="2026-08">août 2026</option>' in html
    assert "Résultats provisoires : ils peuvent encore changer" in html

    current = client.get(
        reverse("publication:quality_organisation", args=["caf"]), {"mois": "2026-10"}
    ).content.decode()
    assert "Résultats d’octobre 2026" in current
    assert "Mois en cours : les chiffres ne portent que sur les jours déjà écoulés" in current

    indicator = client.get(reverse("publication:quality_indicator", args=[RATE])).content.decode()
    assert '<option value="2026-09" selected>septembre 2026 (provisoire)</option>' in indicator
    assert "par département, septembre 2026" in indicator
    index = client.get(reverse("publication:quality_index")).content.decode()
    assert "Derniers résultats\xa0: septembre 2026." in index


def test_chart_tables_group_thousands_as_the_rest_of_the_product():
    from parvis.publication.templatetags.publication_tags import chart_value, ranking_rows

    assert chart_value(1234.0, "s") == "1\xa0234\xa0s"  # not « 1234 s »
    assert chart_value(72.4, "%") == "72,4\u202f%"
    row = {
        "group": "1er",
        "label": "Gironde",
        "value": 1234.0,
        "ci_low": 1100.5,
        "ci_high": 1300.0,
        "n": 2779,
    }
    html = ranking_rows([row], "s")
    assert "de 1\xa0100,5 à 1\xa0300\xa0s" in html and "2\xa0779" in html

    from parvis.publication.quality_views import _legend

    wait = Indicator.objects.get(code="attente-moyenne-telephone")
    legend = _legend(wait, [900.0, 1100.0, 1300.0, 1500.0, 1700.0, 1900.0])
    assert legend[0]["label"] == "Moins de 1\xa0300\xa0s"
