"""The quality back office: platform admins edit the catalogue within its declared
bounds (audited, never a calculator, unit or direction), an organisation's managers read
its indicators against its targets, set them, drill down to the conversations behind a
figure (scoped) and import declared figures."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.contacts.models import Outcome, Status
from parvis.contacts.tests.factories import ConversationFactory, QueueFactory, channel
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory
from parvis.quality import services
from parvis.quality.models import DeclaredResult, Indicator, IndicatorTarget, Level, Result
from parvis.quality.tests.factories import IndicatorTargetFactory, ResultFactory, indicator
from parvis.testing.stored_codes import leaked_codes

pytestmark = pytest.mark.django_db

UTC = dt.UTC
MONTH = dt.date(2026, 10, 1)
RATE = "taux-appels-decroches"


def _session(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin():
    return UserFactory(platform_admin=True)


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")


@pytest.fixture
def cpam():
    return OrganisationFactory(slug="cpam", name="Assurance maladie")


def _manager(organisation):  # type: ignore[no-untyped-def]
    return MembershipFactory(organisation=organisation, role=Role.QUALITY_MANAGER).user


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode())


def _edit_data(item: Indicator, **changes: object) -> dict[str, object]:
    """The edit form of ``item`` as it stands, with ``changes``."""
    data: dict[str, object] = {
        "name": item.name,
        "definition": item.definition,
        "min_n_publish": item.min_n_publish,
        "min_n_rank": item.min_n_rank,
        "coverage_threshold": str(item.coverage_threshold * 100).replace(".", ","),
        "sp_code": item.sp_code,
    }
    if item.is_published:
        data["is_published"] = "on"
    for name, value in item.parameters.items():
        data[f"param_{name}"] = value
    data.update(changes)
    return data


# --- Catalogue ---------------------------------------------------------------------------------


def _phone_contacts(queue, month: dt.date, answered: int, short: int, long: int) -> None:
    """Phone contacts of ``month``: answered, abandoned after 3 s, abandoned after 20 s."""
    start = dt.datetime(month.year, month.month, 3, 9, tzinfo=UTC)
    for index in range(answered + short + long):
        queued = start + dt.timedelta(hours=index)
        values = {"queue": queue, "channel": channel("telephone"), "queued_at": queued}
        if index < answered:
            values |= {
                "first_answered_at": queued + dt.timedelta(seconds=30),
                "resolved_at": queued + dt.timedelta(minutes=5),
                "status": Status.RESOLVED,
                "outcome": Outcome.ANSWERED,
            }
        else:
            waited = 3 if index < answered + short else 20
            values |= {
                "resolved_at": queued + dt.timedelta(seconds=waited),
                "status": Status.RESOLVED,
                "outcome": Outcome.ABANDONED,
            }
        ConversationFactory(reference=f"CONV-1999-T{index:04d}", **values)


def test_an_admin_edits_within_bounds_and_the_open_month_is_computed_again(admin):
    queue = QueueFactory()
    _phone_contacts(queue, MONTH, answered=20, short=5, long=5)
    today = dt.date(2026, 11, 2)  # October is still open
    services.refresh(first_day=MONTH, last_day=dt.date(2026, 10, 31), today=today)
    rate = indicator(RATE)
    before = Result.objects.get(indicator=rate, level=Level.ORGANISATION, month=MONTH)
    assert before.denominator == 25  # the 5 abandons under 5 s are excluded

    changed = services.indicator_update(
        principal=admin,
        indicator=rate,
        today=today,
        name="Appels décrochés",
        parameters={"channels": ["telephone"], "short_abandon_seconds": 25},
        min_n_publish=20,
        min_n_rank=40,
        coverage_threshold=0.8,
        sp_code="SP-TEL-1",
    )

    assert set(changed) == {
        "name",
        "parameters",
        "min_n_publish",
        "min_n_rank",
        "coverage_threshold",
        "sp_code",
    }
    rate.refresh_from_db()
    assert rate.parameters["short_abandon_seconds"] == 25 and rate.min_n_publish == 20
    assert (rate.calculator, rate.unit, rate.version) == ("answered_rate", "share", 1)
    after = Result.objects.get(indicator=rate, level=Level.ORGANISATION, month=MONTH)
    assert after.denominator == 20 and after.parameters["short_abandon_seconds"] == 25
    event = AuditEvent.objects.get(action="quality.indicator_updated")
    assert event.actor == admin and "parameters" in event.data["fields"]


def test_the_edit_page_offers_each_declared_parameter_and_saves(admin):
    client = _session(admin)
    item = indicator("attente-p90-telephone")
    url = reverse("quality_backoffice:indicator_edit", args=[item.code])
    page = _text(client.get(url))
    assert "Percentile" in page and 'name="param_quantile"' in page
    assert 'min="0.5"' in page and 'max="0.99"' in page and 'step="0.01"' in page
    assert 'name="param_channels"' in page and "Téléphone" in page
    assert 'name="calculator"' not in page and 'name="unit"' not in page
    assert not leaked_codes(page)

    response = client.post(
        url,
        _edit_data(
            item,
            param_quantile="0,95",
            param_channels=["chat"],
            calculator="survey_fcr",
            unit="score",
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parameters == {"channels": ["chat"], "quantile": 0.95}
    assert (item.calculator, item.unit) == ("wait_percentile", "seconds")  # never from a form
    listing = _text(client.get(reverse("quality_backoffice:catalogue")))
    assert "Tchat" in listing or "Messagerie" in listing
    assert not leaked_codes(listing)


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        (
            RATE,
            {"param_short_abandon_seconds": "45"},
            "« Abandons exclus en deçà de (secondes) » doit valoir au plus 30.",
        ),
        ("attente-p90-telephone", {"param_quantile": "0,905"}, "va par pas de 0.01"),
        (RATE, {"param_channels": []}, "« Canaux » : choisissez au moins une valeur."),
        (RATE, {"min_n_publish": "9"}, "L’effectif minimal publié ne descend jamais sous 10."),
        (
            "satisfaction-moyenne",
            {"min_n_publish": "50", "min_n_rank": "50"},
            "ne descend jamais sous 100 pour un indicateur de satisfaction",
        ),
        (
            RATE,
            {"min_n_publish": "40", "min_n_rank": "30"},
            "ne peut être inférieur à l’effectif minimal publié",
        ),
        (RATE, {"coverage_threshold": "120"}, "entre 0 et 100\u202f%"),
        (RATE, {"sp_code": "code avec espaces"}, "ne contient que des lettres"),
    ],
)
def test_out_of_bounds_is_refused_in_french_and_nothing_changes(admin, code, changes, message):
    item = indicator(code)
    before = {f.name: getattr(item, f.name) for f in Indicator._meta.fields}
    response = _session(admin).post(
        reverse("quality_backoffice:indicator_edit", args=[code]),
        _edit_data(item, name="Nouveau nom", **changes),
    )
    assert response.status_code == 400
    assert message in _text(response)
    item.refresh_from_db()
    assert {f.name: getattr(item, f.name) for f in Indicator._meta.fields} == before
    assert not AuditEvent.objects.filter(action="quality.indicator_updated").exists()


def test_the_service_refuses_a_change_of_calculator_unit_or_direction(admin):
    item = indicator(RATE)
    with pytest.raises(services.QualityError) as refused:
        services.indicator_update(principal=admin, indicator=item, unit="score", name="X")
    assert refused.value.code == "not_editable" and "fichier du catalogue" in refused.value.message
    item.refresh_from_db()
    assert item.unit == "share" and item.name != "X"


def test_only_platform_admins_edit_the_catalogue(caf):
    organisation_admin = MembershipFactory(organisation=caf, role=Role.ORGANISATION_ADMIN).user
    for user in (organisation_admin, _manager(caf)):
        client = _session(user)
        assert client.get(reverse("quality_backoffice:catalogue")).status_code == 403
        url = reverse("quality_backoffice:indicator_edit", args=[RATE])
        assert client.post(url, _edit_data(indicator(RATE), name="X")).status_code == 403
        with pytest.raises(services.QualityError):
            services.indicator_update(principal=user, indicator=indicator(RATE), name="X")
    assert indicator(RATE).name != "X"


# --- Managers' dashboard and scoping -------------------------------------------------------------


def test_the_dashboard_shows_the_month_against_the_targets(caf):
    ResultFactory(organisation=caf, month=MONTH, value=0.82, n=2779)
    ResultFactory(
        organisation=caf, month=MONTH, indicator=indicator("attente-moyenne-telephone"), value=95
    )
    ResultFactory(organisation=caf, month=dt.date(2025, 10, 1), value=0.75, n=300)
    IndicatorTargetFactory(organisation=caf, value=0.9)  # missed
    IndicatorTargetFactory(
        organisation=caf, indicator=indicator("attente-moyenne-telephone"), value=120
    )  # met
    response = _session(_manager(caf)).get(reverse("quality_backoffice:dashboard", args=["caf"]))
    assert response.status_code == 200
    page = _text(response)
    assert "octobre 2026" in page and "82,0\u202f%" in page and "75,0\u202f%" in page
    rate_row = page.split(f'data-indicator="{RATE}"', 1)[1].split("</tr>", 1)[0]
    assert "Cible manquée" in rate_row and "90,0\u202f%" in rate_row
    wait_row = page.split('data-indicator="attente-moyenne-telephone"', 1)[1].split("</tr>")[0]
    assert "Cible atteinte" in wait_row and "95\xa0s" in wait_row
    # Each indicator reads with its definition: what it counts, so two figures of
    # different bases (the answered emails, the received ones) never seem to disagree.
    assert "pour les appels décrochés" in wait_row and "data-definition" in wait_row
    assert "1 cible manquée en octobre 2026" in page
    # Counts grouped by thousands as everywhere in the product, the month elided.
    assert "n = 2\xa0779" in rate_row and "2779" not in page
    assert "indicateurs d’octobre 2026" in page
    assert not leaked_codes(page)


def test_the_quality_home_opens_the_dashboard_of_ones_organisation(caf):
    ResultFactory(organisation=caf, month=MONTH)
    response = _session(_manager(caf)).get(reverse("quality_backoffice:home"))
    assert response.status_code == 200 and "Caisse d’allocations familiales" in _text(response)


@pytest.mark.parametrize(
    "name", ["dashboard", "targets", "indicator_detail"], ids=lambda name: name
)
def test_another_organisation_is_404_and_an_agent_is_403(caf, cpam, name):
    ResultFactory(organisation=caf, month=MONTH)
    kwargs = {"slug": "caf"} | ({"code": RATE} if name == "indicator_detail" else {})
    url = reverse(f"quality_backoffice:{name}", kwargs=kwargs)
    assert _session(_manager(caf)).get(url).status_code == 200
    assert _session(_manager(cpam)).get(url).status_code == 404
    agent = MembershipFactory(organisation=caf, role=Role.AGENT).user
    assert _session(agent).get(url).status_code == 403
    assert _session(agent).get(reverse("quality_backoffice:home")).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def _service_manager(service):  # type: ignore[no-untyped-def]
    return MembershipFactory(
        organisation=None, local_service=service, role=Role.QUALITY_MANAGER
    ).user


def test_a_local_services_quality_manager_reads_its_indicators_from_the_menu(caf, cpam):
    gironde = LocalServiceFactory(organisation=caf, name="CAF de la Gironde", slug="caf-33")
    other = LocalServiceFactory(organisation=caf, name="CAF du Rhône", slug="caf-69")
    key = str(gironde.pk)
    ResultFactory(organisation=caf, level=Level.SERVICE, key=key, month=MONTH, value=0.7, n=120)
    ResultFactory(
        organisation=caf, level=Level.SERVICE, key=key, month=dt.date(2025, 10, 1), value=0.6
    )
    ResultFactory(organisation=caf, month=MONTH, value=0.82, n=400)  # the CAF, nationally
    IndicatorTargetFactory(organisation=caf, value=0.8)  # the organisation's: missed here
    caf.short_name, caf.article = "CAF", "la"  # « le résultat national de la CAF »
    caf.save()
    client = _session(_service_manager(gironde))

    # The menu leads to the section's home, which opens the one service's dashboard.
    backoffice = _text(client.get(reverse("backoffice:dashboard")))
    assert "Indicateurs du service" in backoffice
    assert reverse("quality_backoffice:targets", args=["caf"]) not in backoffice
    response = client.get(reverse("quality_backoffice:home"))
    assert response.status_code == 200
    page = _text(response)
    assert "Résultats de qualité — CAF de la Gironde" in page
    assert "à côté du résultat national de la CAF et de ses cibles" in page
    row = page.split(f'data-indicator="{RATE}"', 1)[1].split("</tr>", 1)[0]
    assert "70,0\u202f%" in row and "60,0\u202f%" in row and "82,0\u202f%" in row
    assert "Cible manquée" in row and "80,0\u202f%" in row
    assert f"lieu=service-{key}" in row  # the conversations behind the figure
    # The reports they prepare are a link away, not only on the public site.
    assert reverse("reports:organisation", args=["caf"]) in response.content.decode()
    assert not leaked_codes(page)

    # Its own URL; another service of the same organisation or another organisation's is
    # out of its scope; the organisation's dashboard is not its to read.
    url = reverse("quality_backoffice:service_dashboard", args=["caf", "caf-33"])
    assert client.get(url).status_code == 200
    assert client.get(url, {"mois": "2025-10"}).status_code == 200
    assert client.get(url, {"mois": "1999-01"}).status_code == 404
    assert (
        client.get(
            reverse("quality_backoffice:service_dashboard", args=["caf", other.slug])
        ).status_code
        == 404
    )
    assert client.get(reverse("quality_backoffice:dashboard", args=["caf"])).status_code in {
        403,
        404,
    }
    # The organisation's own managers read the service too; an agent of the service may not.
    assert _session(_manager(caf)).get(url).status_code == 200
    assert _session(_manager(cpam)).get(url).status_code == 404
    agent = MembershipFactory(organisation=None, local_service=gironde, role=Role.AGENT).user
    assert _session(agent).get(url).status_code == 403


def test_the_dashboard_opens_on_the_last_complete_month_the_one_under_way_a_choice_away(caf):
    from django.utils import timezone

    current = timezone.localdate().replace(day=1)
    previous = (current - dt.timedelta(days=1)).replace(day=1)
    ResultFactory(organisation=caf, month=current, value=0.5, n=12)
    ResultFactory(organisation=caf, month=previous, value=0.8, n=400)
    client = _session(_manager(caf))
    url = reverse("quality_backoffice:dashboard", args=["caf"])
    page = _text(client.get(url))
    assert "80,0\u202f%" in page and "50,0\u202f%" not in page
    assert "50,0\u202f%" in _text(client.get(url, {"mois": current.strftime("%Y-%m")}))


def test_a_manager_of_two_services_chooses_one(caf):
    first = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    second = LocalServiceFactory(organisation=caf, name="CAF du Rhône")
    user = _service_manager(first)
    MembershipFactory(user=user, organisation=None, local_service=second, role=Role.QUALITY_MANAGER)
    page = _text(_session(user).get(reverse("quality_backoffice:home")))
    assert "Choisissez le service local" in page
    assert "CAF de la Gironde" in page and "CAF du Rhône" in page
    empty = _text(
        _session(user).get(
            reverse("quality_backoffice:service_dashboard", args=["caf", second.slug])
        )
    )
    assert "Aucun résultat n’est encore calculé pour CAF du Rhône." in empty


# --- Targets -------------------------------------------------------------------------------------


def _target_field(code: str) -> str:
    return f"target_{indicator(code).pk}"


def test_a_manager_sets_removes_targets_in_the_unit_of_each_indicator(caf):
    IndicatorTargetFactory(organisation=caf, indicator=indicator("effort-moyen"), value=2.5)
    client = _session(_manager(caf))
    url = reverse("quality_backoffice:targets", args=["caf"])
    page = _text(client.get(url))
    assert "En pourcentage, de 0 à 100." in page and 'value="2.5"' in page
    response = client.post(
        url,
        {
            _target_field(RATE): "87,5",
            _target_field("attente-moyenne-telephone"): "90",
            _target_field("effort-moyen"): "",
        },
    )
    assert response.status_code == 302
    targets = dict(
        IndicatorTarget.objects.filter(organisation=caf).values_list("indicator__code", "value")
    )
    assert targets == {RATE: 0.875, "attente-moyenne-telephone": 90}
    events = AuditEvent.objects.filter(organisation=caf, action__startswith="quality.target")
    assert {(e.action, e.data["to"]) for e in events} == {
        ("quality.target_set", "87,5\u202f%"),
        ("quality.target_set", "90\xa0s"),
        ("quality.target_removed", "aucune"),
    }


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        (RATE, "120", "Une cible en pourcentage est comprise entre 0 et 100\u202f%."),
        ("attente-moyenne-telephone", "-5", "Une cible en secondes est positive ou nulle."),
        ("satisfaction-moyenne", "6", "Une cible de note est comprise entre 1 et 5."),
    ],
)
def test_a_target_out_of_bounds_changes_nothing(caf, code, value, message):
    IndicatorTargetFactory(organisation=caf, value=0.8)
    other = "effort-moyen" if code != "effort-moyen" else RATE
    response = _session(_manager(caf)).post(
        reverse("quality_backoffice:targets", args=["caf"]),
        {_target_field(code): value, _target_field(other): "2", _target_field(RATE): "85"}
        if code != RATE
        else {_target_field(code): value, _target_field(other): "2"},
    )
    assert response.status_code == 400
    assert message in _text(response) and "aucune cible n’a changé" in _text(response)
    assert list(IndicatorTarget.objects.values_list("indicator__code", "value")) == [(RATE, 0.8)]
    assert not AuditEvent.objects.filter(action__startswith="quality.target").exists()


def test_targets_of_another_organisation_cannot_be_set(caf, cpam):
    with pytest.raises(services.QualityError):
        services.targets_set(
            principal=_manager(cpam), organisation=caf, values={indicator(RATE): 0.5}
        )
    assert not IndicatorTarget.objects.exists()


# --- Drill-down ----------------------------------------------------------------------------------


def test_the_drill_down_leads_to_the_conversations_behind_a_figure_and_stays_scoped(caf, cpam):
    service = LocalServiceFactory(organisation=caf)
    bordeaux = SiteFactory(local_service=service, name="Accueil de Bordeaux")
    libourne = SiteFactory(local_service=service, name="Accueil de Libourne")
    phone = channel("telephone")

    def contact(site, reference: str, day: int, month: int = 10, **extra):  # type: ignore[no-untyped-def]
        return ConversationFactory(
            queue=QueueFactory(site=site, organisation=site.organisation),
            reference=reference,
            queued_at=dt.datetime(2026, month, day, 9, tzinfo=UTC),
            **{"channel": phone, **extra},
        )

    contact(bordeaux, "CONV-1999-B0001", 5)
    contact(bordeaux, "CONV-1999-B0002", 30)
    contact(bordeaux, "CONV-1999-B0003", 3, month=11)  # another month
    contact(bordeaux, "CONV-1999-B0004", 6, channel=channel("courriel"))  # another channel
    contact(libourne, "CONV-1999-L0001", 7)  # another site
    contact(SiteFactory(), "CONV-1999-X0001", 8)  # another organisation
    ResultFactory(organisation=caf, month=MONTH)
    ResultFactory(
        organisation=caf,
        month=MONTH,
        level=Level.SITE,
        key=str(bordeaux.pk),
        label=bordeaux.name,
        n=2,
        value=0.5,
    )
    manager = _manager(caf)
    detail = _text(
        _session(manager).get(
            reverse("quality_backoffice:indicator_detail", args=["caf", RATE]) + "?mois=2026-10"
        )
    )
    assert "Accueil de Bordeaux" in detail and "Non publié" in detail  # n = 2 < 10
    links = re.findall(r'href="(/espace-agents/contacts/conversations/\?[^"]+)"', detail)
    site_link = next(link for link in links if f"lieu=site-{bordeaux.pk}" in link)
    assert "mois=2026-10" in site_link and "canal=telephone" in site_link

    listing = _text(_session(manager).get(site_link))
    assert "CONV-1999-B0001" in listing and "CONV-1999-B0002" in listing
    for other in ("CONV-1999-B0003", "CONV-1999-B0004", "CONV-1999-L0001", "CONV-1999-X0001"):
        assert other not in listing, other
    assert "Accueil de Bordeaux" in listing and "octobre 2026" in listing

    organisation_link = next(link for link in links if "lieu=" not in link)
    listing = _text(_session(manager).get(organisation_link))
    assert "CONV-1999-L0001" in listing and "CONV-1999-X0001" not in listing

    # Someone of another organisation following the same link sees none of it.
    for outsider in (_manager(cpam), MembershipFactory(organisation=cpam, role=Role.AGENT).user):
        response = _session(outsider).get(site_link)
        assert response.status_code == 200
        assert "CONV-1999-B0001" not in _text(response)


def test_a_local_services_manager_drills_down_to_its_services_contacts(caf):
    # The link names the organisation, which a local service's scope does not reach: the
    # list refused it (« pas dans votre périmètre ») and showed every conversation.
    gironde = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    bordeaux = SiteFactory(local_service=gironde, name="Accueil de Bordeaux")
    elsewhere = SiteFactory(local_service=LocalServiceFactory(organisation=caf))
    phone = channel("telephone")

    def contact(site, reference: str, day: int, month: int = 10, **extra):  # type: ignore[no-untyped-def]
        return ConversationFactory(
            queue=QueueFactory(site=site, organisation=caf),
            reference=reference,
            queued_at=dt.datetime(2026, month, day, 9, tzinfo=UTC),
            **{"channel": phone, **extra},
        )

    contact(bordeaux, "CONV-1999-G0001", 5)
    contact(bordeaux, "CONV-1999-G0002", 6, month=11)  # another month
    contact(bordeaux, "CONV-1999-G0003", 7, channel=channel("courriel"))  # another channel
    contact(elsewhere, "CONV-1999-E0001", 8)  # another service
    ResultFactory(organisation=caf, level=Level.SERVICE, key=str(gironde.pk), month=MONTH)
    client = _session(_service_manager(gironde))
    page = _text(client.get(reverse("quality_backoffice:home")))
    link = re.search(r'href="(/espace-agents/contacts/conversations/\?[^"]+)"', page)
    assert link is not None and f"lieu=service-{gironde.pk}" in link.group(1)
    listing = _text(client.get(link.group(1)))
    assert "invalides" not in listing and "périmètre" not in listing
    assert "CONV-1999-G0001" in listing
    for other in ("CONV-1999-G0002", "CONV-1999-G0003", "CONV-1999-E0001"):
        assert other not in listing, other
    assert "CAF de la Gironde" in listing and "octobre 2026" in listing
    assert "canal : Téléphone" in listing


def test_a_resolution_indicator_drills_on_the_resolution_month(caf):
    site = SiteFactory(local_service=LocalServiceFactory(organisation=caf))
    queue = QueueFactory(site=site, organisation=caf)
    ConversationFactory(
        queue=queue,
        reference="CONV-1999-R0001",
        queued_at=dt.datetime(2026, 9, 29, 9, tzinfo=UTC),
        resolved_at=dt.datetime(2026, 10, 2, 9, tzinfo=UTC),
        status=Status.RESOLVED,
    )
    fcr = indicator("resolution-premier-contact")
    ResultFactory(organisation=caf, month=MONTH, indicator=fcr, value=0.7)
    page = _text(
        _session(_manager(caf)).get(
            reverse("quality_backoffice:indicator_detail", args=["caf", fcr.code])
        )
    )
    link = re.search(r'href="(/espace-agents/contacts/conversations/\?[^"]+)"', page)
    assert link is not None and "selon=resolution" in link.group(1)
    assert "CONV-1999-R0001" in _text(_session(_manager(caf)).get(link.group(1)))


# --- Declared figures ---------------------------------------------------------------------------

HEADER = "indicateur,niveau,territoire,mois,valeur,effectif,numerateur,denominateur"


def _upload(client: Client, organisation, content: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("quality_backoffice:declared_import"),
        {
            "organisation": organisation.slug,
            "source": "Outil de suivi des rendez-vous",
            "file": SimpleUploadedFile("resultats.csv", content.encode(), "text/csv"),
        },
    )


def test_a_file_with_a_bad_line_is_refused_line_by_line_and_a_good_one_imported(caf):
    client = _session(_manager(caf))
    page = _text(client.get(reverse("quality_backoffice:declared_import")))
    assert "Télécharger le modèle CSV" in page and not leaked_codes(page)

    bad = "\n".join(
        [
            HEADER,
            "rendez-vous-non-honores,organisation,,2026-03,12,1840,,",
            "rendez-vous-non-honores,organisation,,2026-04,douze,1840,,",
        ]
    )
    response = _upload(client, caf, bad)
    assert response.status_code == 422
    text = _text(response)
    assert "Le fichier n’a pas été importé" in text and 'data-line="3"' in text
    assert "Un nombre est attendu" in text
    assert not DeclaredResult.objects.exists()

    good = bad.replace("douze", "14")
    response = _upload(client, caf, good)
    assert response.status_code == 302
    assert DeclaredResult.objects.filter(organisation=caf).count() == 2
    followed = _text(client.get(response["Location"]))
    assert "Import réussi" in followed and "2 résultats ajoutés" in followed


def test_the_import_refuses_a_file_over_2_mb_and_another_organisation(caf, cpam):
    client = _session(_manager(caf))
    response = _upload(client, caf, HEADER + "\n" + "x" * (2 * 1024 * 1024 + 10))
    assert response.status_code == 400 and "dépasse 2 Mo" in _text(response)
    response = _upload(client, cpam, HEADER + "\n")
    assert response.status_code == 400
    assert "Choisissez un organisme parmi ceux que vous gérez." in _text(response)


def test_the_csv_template_is_the_header_row(caf):
    response = _session(_manager(caf)).get(reverse("quality_backoffice:declared_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode() == HEADER + "\r\n"


def test_the_dashboard_reads_its_indicators_in_a_few_queries(caf, django_assert_max_num_queries):
    manager = _manager(caf)
    for item in Indicator.objects.all():
        ResultFactory(organisation=caf, month=MONTH, indicator=item, value=0.5)
        IndicatorTargetFactory(organisation=caf, indicator=item, value=0.6)
    client = _session(manager)
    url = reverse("quality_backoffice:dashboard", args=["caf"])
    client.get(url)  # the menu's and session's first reads
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_a_local_quality_manager_is_told_the_scope_the_unknown_code_and_keeps_the_form(caf):
    gironde = LocalServiceFactory(organisation=caf, slug="caf-gironde", name="CAF de la Gironde")
    landes = LocalServiceFactory(organisation=caf, slug="caf-landes", name="CAF des Landes")
    manager = MembershipFactory(
        organisation=None, local_service=gironde, role=Role.QUALITY_MANAGER
    ).user
    client = _session(manager)
    bad = "\n".join(
        [
            HEADER,
            f"rendez-vous-non-honores,service,{landes.slug},2026-03,12,1840,,",
            "foo,departement,33,2026-13,12,1840,,",
        ]
    )
    response = _upload(client, caf, bad)
    assert response.status_code == 422
    text = _text(response)
    assert "responsable qualité requis" not in text
    assert (
        "Votre rôle se limite à CAF de la Gironde : vous ne pouvez pas déclarer de résultats "
        "pour ce territoire." in text
    )
    assert "Indicateur inconnu « foo »" in text
    form = response.context["form"]
    assert form["organisation"].value() == caf.slug
    assert 'value="Outil de suivi des rendez-vous"' in text
    assert re.search(rf'<option value="{caf.slug}"[^>]*selected', text)
