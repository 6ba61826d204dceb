"""Directory writes: validation, French sort keys and audit rows."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.accounts.models import AuditEvent
from parvis.accounts.tests.factories import UserFactory
from parvis.directory import services
from parvis.directory.models import OpeningException, Organisation, Site
from parvis.directory.services import DirectoryError
from parvis.directory.tests.factories import (
    ChannelFactory,
    LocalServiceFactory,
    OpeningExceptionFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.territories.tests.factories import DepartementFactory

pytestmark = pytest.mark.django_db
T = dt.time


def test_local_service_create_covers_its_main_departement_and_is_audited(gironde):
    actor = UserFactory()
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    landes = DepartementFactory(code="40", name="Landes")
    service = services.local_service_create(
        actor=actor,
        organisation=caf,
        name="  CAF de la  Gironde ",
        departements=[landes],
        main_departement=gironde,
    )
    assert service.name == "CAF de la Gironde"
    assert service.slug == "caf-de-la-gironde"
    assert service.sort_key.startswith("caf de la gironde\x01")
    assert set(service.departements.values_list("code", flat=True)) == {"33", "40"}
    assert service.timezone == "Europe/Paris"
    event = AuditEvent.objects.get(action="local_service.created")
    assert event.actor == actor
    assert event.organisation == caf
    assert event.data["departements"] == ["33", "40"]


def test_local_service_slug_is_unique_and_a_taken_slug_is_refused(gironde):
    caf = OrganisationFactory()
    first = services.local_service_create(
        actor=None, organisation=caf, name="CAF Gironde", departements=[gironde]
    )
    second = services.local_service_create(
        actor=None, organisation=caf, name="CAF Gironde", departements=[gironde]
    )
    assert (first.slug, second.slug) == ("caf-gironde", "caf-gironde-2")
    with pytest.raises(DirectoryError) as error:
        services.local_service_create(
            actor=None, organisation=caf, name="Autre", slug="caf-gironde"
        )
    assert error.value.code == "slug_taken"


def test_local_service_update_renames_resorts_and_replaces_territory(gironde):
    service = LocalServiceFactory(name="Ancien nom", main_departement=gironde)
    landes = DepartementFactory(code="40", name="Landes")
    services.local_service_update(
        actor=None, local_service=service, data={"name": "Élan", "departements": [landes]}
    )
    service.refresh_from_db()
    assert service.sort_key.startswith("elan\x01")
    assert service.main_departement == landes
    assert list(service.departements.values_list("code", flat=True)) == ["40"]
    assert AuditEvent.objects.get(action="local_service.updated").data == {
        "fields": ["departements", "name"]
    }
    with pytest.raises(DirectoryError) as error:
        services.local_service_update(actor=None, local_service=service, data={"slug": "x"})
    assert error.value.code == "unknown_field"


def test_local_service_name_is_required():
    with pytest.raises(DirectoryError) as error:
        services.local_service_create(actor=None, organisation=OrganisationFactory(), name="  ")
    assert error.value.code == "name_required"


def test_site_create_france_services_with_partners_and_channels(bordeaux):
    caf, cpam = OrganisationFactory(slug="caf"), OrganisationFactory(slug="cpam")
    counter = ChannelFactory(slug="guichet", label="Accueil physique")
    site = services.site_create(
        actor=None,
        kind=Site.Kind.FRANCE_SERVICES,
        name="France Services de Bordeaux Bastide",
        commune=bordeaux,
        address="2 rue de la Gare",
        postcode="33100",
        partners=[caf, cpam],
        channels=[counter],
        organisation=services.france_services_operator(actor=None, name="Commune de Bordeaux"),
    )
    assert site.organisation.slug == "commune-de-bordeaux"
    assert site.organisation.kind == Organisation.Kind.FRANCE_SERVICES_OPERATOR
    assert site.operator_name == "Commune de Bordeaux"
    assert set(site.partners.values_list("slug", flat=True)) == {"caf", "cpam"}
    assert list(site.channels.all()) == [counter]
    assert site.timezone == "Europe/Paris"
    event = AuditEvent.objects.get(action="site.created")
    assert event.data == {"slug": site.slug, "kind": "france-services", "commune": "33063"}


def test_site_create_refuses_partners_outside_france_services_and_bad_postcode(bordeaux):
    service = LocalServiceFactory()
    with pytest.raises(DirectoryError) as error:
        services.site_create(
            actor=None,
            kind=Site.Kind.COUNTER,
            name="Accueil",
            commune=bordeaux,
            local_service=service,
            partners=[OrganisationFactory()],
        )
    assert error.value.code == "partners_not_allowed"
    with pytest.raises(DirectoryError) as error:
        services.site_create(
            actor=None,
            kind=Site.Kind.COUNTER,
            name="Accueil",
            commune=bordeaux,
            local_service=service,
            postcode="3300",
        )
    assert error.value.code == "invalid_postcode"
    assert "5 chiffres" in error.value.message


def test_site_create_takes_organisation_from_local_service_and_refuses_a_mismatch(bordeaux):
    service = LocalServiceFactory()
    site = services.site_create(
        actor=None,
        kind=Site.Kind.COUNTER,
        name="Accueil Mériadeck",
        commune=bordeaux,
        local_service=service,
    )
    assert site.organisation == service.organisation
    with pytest.raises(DirectoryError) as error:
        services.site_create(
            actor=None,
            kind=Site.Kind.COUNTER,
            name="Accueil",
            commune=bordeaux,
            local_service=service,
            organisation=OrganisationFactory(),
        )
    assert error.value.code == "invalid"
    assert "local_service" in error.value.errors
    assert not AuditEvent.objects.filter(data__slug="accueil").exists()


def test_site_update_changes_fields_and_audits(bordeaux):
    site = SiteFactory(name="Accueil")
    channel = ChannelFactory(slug="telephone", label="Téléphone")
    services.site_update(
        actor=None,
        site=site,
        data={
            "name": "Écoute",
            "address": " 3 cours Victor-Hugo ",
            "postcode": "33000",
            "commune": bordeaux,
            "channels": [channel],
            "phone": "05 56 00 00 00",
        },
    )
    site.refresh_from_db()
    assert (site.address, site.commune, site.sort_key[:6]) == (
        "3 cours Victor-Hugo",
        bordeaux,
        "ecoute",
    )
    assert list(site.channels.all()) == [channel]
    assert AuditEvent.objects.get(action="site.updated").data["fields"] == [
        "address",
        "channels",
        "commune",
        "name",
        "phone",
        "postcode",
    ]


def test_site_update_refuses_turning_a_france_services_site_with_partners_into_a_counter():
    site = SiteFactory(france_services=True)
    site.partners.add(OrganisationFactory())
    with pytest.raises(DirectoryError) as error:
        services.site_update(
            actor=None,
            site=site,
            data={"kind": Site.Kind.COUNTER, "organisation": OrganisationFactory()},
        )
    assert error.value.code == "partners_not_allowed"


def test_weekly_hours_replace_is_validated_and_audited():
    site = SiteFactory()
    services.opening_hours_replace(actor=None, site=site, hours=[(0, T(9), T(12))])
    rows = services.opening_hours_replace(
        actor=None, site=site, hours=[(1, T(13, 30), T(17)), (1, T(8, 30), T(12)), (4, T(9), T(12))]
    )
    assert [str(row) for row in rows] == [
        "mardi 08:30–12:00",
        "mardi 13:30–17:00",
        "vendredi 09:00–12:00",
    ]
    assert site.opening_hours.count() == 3
    assert AuditEvent.objects.filter(action="site.hours_replaced").count() == 2


@pytest.mark.parametrize(
    ("hours", "code"),
    [
        ([(0, T(9), T(12)), (0, T(11), T(14))], "hours_overlap"),
        ([(0, T(9), T(12)), (0, T(12), T(14))], "hours_overlap"),
        ([(2, T(14), T(9))], "hours_reversed"),
        ([(2, T(9), T(9))], "hours_reversed"),
    ],
)
def test_weekly_hours_overlapping_or_reversed_are_refused_and_nothing_changes(hours, code):
    site = SiteFactory()
    services.opening_hours_replace(actor=None, site=site, hours=[(0, T(8), T(10))])
    with pytest.raises(DirectoryError) as error:
        services.opening_hours_replace(actor=None, site=site, hours=hours)
    assert error.value.code == code
    assert error.value.errors
    assert site.opening_hours.count() == 1


def test_exception_add_replaces_same_date_and_remove_is_audited():
    site = SiteFactory()
    day = dt.date(2030, 7, 14)
    services.opening_exception_add(actor=None, site=site, date=day, label="Inventaire")
    exception = services.opening_exception_add(
        actor=None,
        site=site,
        date=day,
        is_closed=False,
        opens=T(9),
        closes=T(12),
        label="Ouverture",
    )
    assert OpeningException.objects.filter(site=site).count() == 1
    assert (exception.opens, exception.closes, exception.is_closed) == (T(9), T(12), False)
    services.opening_exception_remove(actor=None, exception=exception)
    assert not OpeningException.objects.exists()
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "data"))
    assert [a for a, _ in actions] == [
        "site.exception_set",
        "site.exception_set",
        "site.exception_removed",
    ]
    assert actions[-1][1] == {"date": "2030-07-14"}


@pytest.mark.parametrize(
    ("opens", "closes", "code"),
    [
        (None, T(12), "special_hours_required"),
        (T(12), T(9), "hours_reversed"),
    ],
)
def test_exception_with_special_hours_must_be_valid(opens, closes, code):
    site = SiteFactory()
    with pytest.raises(DirectoryError) as error:
        services.opening_exception_add(
            actor=None,
            site=site,
            date=dt.date(2030, 1, 2),
            is_closed=False,
            opens=opens,
            closes=closes,
        )
    assert error.value.code == code
    assert not OpeningException.objects.exists()


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1999, 12, 31), dt.date(2101, 1, 1)])
def test_exception_dates_stay_in_the_directory_range(day):
    with pytest.raises(DirectoryError) as error:
        services.opening_exception_add(actor=None, site=SiteFactory(), date=day)
    assert error.value.code == "date_out_of_range"
    assert error.value.errors == {"date": [error.value.message]}
    assert not OpeningException.objects.exists()


def test_exception_factory_is_closed_by_default():
    assert str(OpeningExceptionFactory(date=dt.date(2030, 5, 2))) == "02/05/2030 fermé"


def test_opening_times_with_a_utc_offset_are_refused_not_dropped():
    """Opening times are wall-clock times of the site's zone: an offset was stored without
    it on PostgreSQL (and a 500 on SQLite, or when mixed with times without one)."""
    site = SiteFactory()
    paris_summer = dt.timezone(dt.timedelta(hours=2))
    for opens, closes in [
        (T(9, tzinfo=paris_summer), T(12, tzinfo=paris_summer)),
        (T(9), T(12, tzinfo=dt.UTC)),
    ]:
        with pytest.raises(DirectoryError) as error:
            services.opening_hours_replace(actor=None, site=site, hours=[(0, opens, closes)])
        assert error.value.code == "hours_with_offset"
        assert "sans décalage horaire" in error.value.message
    with pytest.raises(DirectoryError) as error:
        services.opening_exception_set(
            actor=None,
            site=site,
            date=dt.date(2030, 1, 2),
            is_closed=False,
            opens=T(9, tzinfo=dt.UTC),
            closes=T(12, tzinfo=dt.UTC),
        )
    assert error.value.code == "hours_with_offset"
    assert not site.opening_hours.exists() and not OpeningException.objects.exists()


# --- Channels and their contact details ------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "label", "field", "message"),
    [
        ("telephone", "Téléphone", "phone", "Le canal « Téléphone » demande un numéro"),
        ("sms", "SMS", "phone", "Le canal « SMS » demande le numéro"),
        ("courriel", "Courriel / formulaire", "email", "demande un courriel ou l’adresse"),
        ("chat", "Messagerie instantanée", "website", "demande l’adresse du site"),
        ("en_ligne", "Service en ligne", "website", "demande l’adresse du service en ligne"),
        ("guichet", "Accueil physique", "address", "demande l’adresse du lieu"),
        ("courrier", "Courrier postal", "address", "demande l’adresse postale"),
    ],
)
def test_a_channel_without_its_contact_detail_is_refused(bordeaux, slug, label, field, message):
    with pytest.raises(DirectoryError) as error:
        services.site_create(
            actor=None,
            kind=Site.Kind.COUNTER,
            name="Accueil",
            commune=bordeaux,
            local_service=LocalServiceFactory(),
            channels=[ChannelFactory(slug=slug, label=label)],
        )
    assert error.value.code == "channel_detail_missing"
    assert message in error.value.errors[field][0]
    assert not Site.objects.exists()


def test_each_channel_with_its_detail_is_accepted(bordeaux):
    site = services.site_create(
        actor=None,
        kind=Site.Kind.COUNTER,
        name="Accueil",
        commune=bordeaux,
        local_service=LocalServiceFactory(),
        address=" 1 rue du Port ",
        phone=" 05 56 00 00 00 ",
        website="https://exemple.fr/contact",  # a form is enough for « courriel »
        channels=[ChannelFactory(slug=s) for s in ("guichet", "telephone", "courriel", "chat")],
    )
    assert (site.address, site.phone, site.email) == ("1 rue du Port", "05 56 00 00 00", "")
    assert site.channels.count() == 4


def test_a_channel_not_in_the_table_needs_no_detail(bordeaux):
    site = services.site_create(
        actor=None,
        kind=Site.Kind.COUNTER,
        name="Accueil",
        commune=bordeaux,
        local_service=LocalServiceFactory(),
        channels=[ChannelFactory(slug="visio", label="Visioconférence")],
    )
    assert site.channels.count() == 1


def test_site_update_checks_the_channels_against_the_new_details(bordeaux):
    site = SiteFactory(commune=bordeaux, phone="05 56 00 00 00")
    site.channels.add(ChannelFactory(slug="telephone", label="Téléphone"))
    with pytest.raises(DirectoryError) as error:
        services.site_update(actor=None, site=site, data={"phone": ""})
    assert error.value.code == "channel_detail_missing"
    site.refresh_from_db()
    assert site.phone == "05 56 00 00 00"


# --- Coverage of contact centres ---------------------------------------------------------------


def test_a_contact_centre_serves_listed_departements(bordeaux, gironde):
    landes = DepartementFactory(code="40", name="Landes")
    site = services.site_create(
        actor=None,
        kind=Site.Kind.CONTACT_CENTRE,
        name="Plateforme Aquitaine",
        commune=bordeaux,
        organisation=OrganisationFactory(),
        coverage=Site.Coverage.DEPARTEMENTS,
        covered_departements=[gironde, landes, gironde],
    )
    assert set(site.covered_departements.values_list("code", flat=True)) == {"33", "40"}
    assert site.serves_remotely
    # Serving all France clears the list.
    services.site_update(actor=None, site=site, data={"coverage": Site.Coverage.NATIONAL})
    site.refresh_from_db()
    assert site.coverage == "national" and not site.covered_departements.exists()


@pytest.mark.parametrize(
    ("kind", "coverage", "departements", "field", "message"),
    [
        (Site.Kind.COUNTER, "national", False, "coverage", "Seul un centre de contact"),
        (Site.Kind.FRANCE_SERVICES, "departements", True, "coverage", "Seul un centre"),
        (Site.Kind.CONTACT_CENTRE, "departements", False, "covered_departements", "Indiquez"),
        (Site.Kind.CONTACT_CENTRE, "national", True, "covered_departements", "ne s’indiquent"),
        (Site.Kind.CONTACT_CENTRE, "local", True, "covered_departements", "ne s’indiquent"),
    ],
)
def test_a_coverage_that_contradicts_the_site_is_refused(
    bordeaux, gironde, kind, coverage, departements, field, message
):
    with pytest.raises(DirectoryError) as error:
        services.site_create(
            actor=None,
            kind=kind,
            name="Centre",
            commune=bordeaux,
            organisation=OrganisationFactory(),
            coverage=coverage,
            covered_departements=[gironde] if departements else [],
        )
    assert error.value.code == "invalid_coverage"
    assert message in error.value.errors[field][0]
