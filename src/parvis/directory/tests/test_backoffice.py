"""Back office of the directory: scoping (404 / 403), hours and exceptions forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory import services
from parvis.directory.models import OpeningException
from parvis.directory.tests.factories import OpeningExceptionFactory, SiteFactory

pytestmark = pytest.mark.django_db
T = dt.time


@pytest.fixture
def site(bordeaux):
    return SiteFactory(name="Accueil CAF Bordeaux", commune=bordeaux)


@pytest.fixture
def other_site(bordeaux):
    return SiteFactory(name="Accueil CPAM Bordeaux", commune=bordeaux)


@pytest.fixture
def admin(site):
    return MembershipFactory(organisation=site.organisation, role=Role.ORGANISATION_ADMIN).user


@pytest.fixture
def agent(site):
    return MembershipFactory(organisation=site.organisation, role=Role.AGENT).user


def _hours_url(site):
    return reverse("directory_backoffice:site_hours", args=[site.slug])


def test_anonymous_is_sent_to_login(client, site):
    for url in (reverse("directory_backoffice:site_list"), _hours_url(site)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_site_list_shows_only_sites_in_scope(
    client, agent, site, other_site, django_assert_max_num_queries
):
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory_backoffice:site_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Accueil CAF Bordeaux" in html
    assert "Accueil CPAM Bordeaux" not in html
    assert "Consultation seule" in html


def test_another_organisations_site_is_a_404(client, admin, other_site):
    client.force_login(admin)
    assert client.get(_hours_url(other_site)).status_code == 404
    assert client.post(_hours_url(other_site), {"day_0": "09:00-12:00"}).status_code == 404
    url = reverse("directory_backoffice:site_exceptions", args=[other_site.slug])
    assert client.get(url).status_code == 404


def test_agent_without_manage_directory_gets_403(client, agent, site):
    client.force_login(agent)
    assert client.get(_hours_url(site)).status_code == 403
    response = client.post(_hours_url(site), {"day_0": "09:00-12:00"})
    assert response.status_code == 403
    assert not site.opening_hours.exists()


def test_site_level_admin_manages_only_its_site(client, site, other_site):
    other_site.organisation = site.organisation
    other_site.save()
    user = MembershipFactory(organisation=None, site=site, role=Role.ORGANISATION_ADMIN).user
    client.force_login(user)
    assert client.get(_hours_url(site)).status_code == 200
    assert client.get(_hours_url(other_site)).status_code == 404


def test_admin_replaces_weekly_hours_post_redirect_get(client, admin, site):
    client.force_login(admin)
    response = client.post(_hours_url(site), {"day_0": "9h-12h, 13h30-17h", "day_4": "08:30-12:00"})
    assert response.status_code == 302
    assert response["Location"] == _hours_url(site)
    assert [str(row) for row in site.opening_hours.all()] == [
        "lundi 09:00–12:00",
        "lundi 13:30–17:00",
        "vendredi 08:30–12:00",
    ]
    event = AuditEvent.objects.get(action="site.hours_replaced")
    assert event.actor == admin
    page = client.get(response["Location"]).content.decode()
    assert "Les horaires habituels ont été enregistrés." in page
    assert 'value="09:00-12:00, 13:30-17:00"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("09:00-12:00, 11:00-14:00", "se chevauchent"),
        ("14:00-09:00", "doit suivre"),
        ("le matin", "n’est pas une plage horaire lisible"),
        ("25:00-26:00", "heure qui n’existe pas"),
    ],
)
def test_invalid_hours_are_refused_in_french_and_input_is_kept(client, admin, site, value, message):
    services.opening_hours_replace(actor=None, site=site, hours=[(2, T(8), T(9))])
    client.force_login(admin)
    response = client.post(_hours_url(site), {"day_0": value, "day_1": "10:00-11:00"})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Les horaires n’ont pas été enregistrés" in html
    assert 'value="10:00-11:00"' in html
    assert [str(row) for row in site.opening_hours.all()] == ["mercredi 08:00–09:00"]


def test_admin_adds_and_removes_an_exception(client, admin, site):
    client.force_login(admin)
    url = reverse("directory_backoffice:site_exceptions", args=[site.slug])
    response = client.post(
        url,
        {
            "date": "2030-05-01",
            "status": "special",
            "opens": "10:00",
            "closes": "12:00",
            "label": "Permanence",
        },
    )
    assert response.status_code == 302
    exception = OpeningException.objects.get(site=site)
    assert (exception.date, exception.is_closed, exception.opens) == (
        dt.date(2030, 5, 1),
        False,
        T(10),
    )
    delete_url = reverse(
        "directory_backoffice:site_exception_delete", args=[site.slug, exception.pk]
    )
    assert client.get(delete_url).status_code == 405
    assert client.post(delete_url).status_code == 302
    assert not OpeningException.objects.exists()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "site.exception_set",
        "site.exception_removed",
    ]


def test_exception_form_errors_are_french_and_keep_input(client, admin, site):
    client.force_login(admin)
    url = reverse("directory_backoffice:site_exceptions", args=[site.slug])
    response = client.post(
        url,
        {
            "date": "2030-05-01",
            "status": "special",
            "opens": "12:00",
            "closes": "",
            "label": "Permanence",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Indiquez l’heure de fermeture." in html
    assert 'value="Permanence"' in html
    response = client.post(url, {"date": "pas une date", "status": "closed"})
    assert "Cette date n’est pas valide." in response.content.decode()
    assert not OpeningException.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_an_exception_outside_the_directory_range_is_refused_next_to_its_date(
    client, admin, site, day
):
    client.force_login(admin)
    url = reverse("directory_backoffice:site_exceptions", args=[site.slug])
    response = client.post(url, {"date": day, "status": "closed"})
    assert response.status_code == 400
    assert "Indiquez une date entre le 01/01/2000 et le 31/12/2100." in response.content.decode()
    assert response.context["form"].errors["date"]
    assert not OpeningException.objects.exists()


def test_exception_of_another_site_cannot_be_deleted_through_mine(client, admin, site, other_site):
    exception = OpeningExceptionFactory(site=other_site)
    client.force_login(admin)
    url = reverse("directory_backoffice:site_exception_delete", args=[site.slug, exception.pk])
    assert client.post(url).status_code == 404
    assert OpeningException.objects.filter(pk=exception.pk).exists()


def test_exceptions_page_lists_upcoming_holidays(client, admin, site, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2030, 4, 15, 8, tzinfo=dt.UTC)
    )
    client.force_login(admin)
    html = client.get(reverse("directory_backoffice:site_exceptions", args=[site.slug])).content
    assert "Lundi 22 avril 2030\xa0: Lundi de Pâques" in html.decode()


def test_platform_admin_reaches_every_site(client, other_site):
    client.force_login(UserFactory(platform_admin=True))
    assert client.get(_hours_url(other_site)).status_code == 200


# --- Contact details ------------------------------------------------------------------------


def _details_url(site):
    return reverse("directory_backoffice:site_details", args=[site.slug])


def _details(site, **changes):
    data = {
        "name": site.name,
        "address": site.address,
        "postcode": site.postcode,
        "phone": site.phone,
        "email": site.email,
        "website": site.website,
        "channels": [c.pk for c in site.channels.all()],
    }
    data.update(changes)
    return data


@pytest.fixture
def telephone():
    from parvis.directory.models import Channel

    return Channel.objects.get_or_create(slug="telephone", defaults={"label": "Téléphone"})[0]


def test_admin_edits_the_sites_contact_details_post_redirect_get(client, admin, site, telephone):
    client.force_login(admin)
    response = client.post(
        _details_url(site),
        _details(
            site,
            name="Accueil CAF de Bordeaux-Lac",
            address="12 rue des Lilas",
            postcode="33300",
            phone="05 56 00 00 00",
            channels=[telephone.pk],
        ),
    )
    assert response.status_code == 302 and response["Location"] == _details_url(site)
    site.refresh_from_db()
    assert (site.name, site.address, site.postcode, site.phone) == (
        "Accueil CAF de Bordeaux-Lac",
        "12 rue des Lilas",
        "33300",
        "05 56 00 00 00",
    )
    assert list(site.channels.all()) == [telephone]
    event = AuditEvent.objects.get(action="site.updated")
    assert event.actor == admin
    assert set(event.data["fields"]) == {"name", "address", "postcode", "phone", "channels"}
    page = client.get(response["Location"]).content.decode()
    assert "Les coordonnées du lieu ont été enregistrées." in page
    public = client.get(reverse("directory:site_detail", args=[site.slug])).content.decode()
    assert "05 56 00 00 00" in public


def test_saving_unchanged_details_writes_nothing(client, admin, site):
    client.force_login(admin)
    response = client.post(_details_url(site), _details(site), follow=True)
    assert "Aucune modification" in response.content.decode()
    assert not AuditEvent.objects.filter(action="site.updated").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"postcode": "3300"}, "Le code postal doit comporter 5 chiffres."),
        ({"email": "accueil@"}, "Saisissez une adresse de courriel valide."),
        ({"website": "pas une adresse"}, "Saisissez une adresse internet valide"),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"phone": "", "channels": "telephone"}, "demande un numéro de téléphone"),
    ],
)
def test_invalid_details_are_refused_in_french_and_input_is_kept(
    client, admin, site, telephone, changes, message
):
    client.force_login(admin)
    before = (site.name, site.postcode, site.email, site.website, site.phone)
    data = _details(site, address="7 place du Marché", **changes)
    if data["channels"] == "telephone":
        data["channels"] = [telephone.pk]
    response = client.post(_details_url(site), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Les coordonnées n’ont pas été enregistrées" in html
    assert 'value="7 place du Marché"' in html
    site.refresh_from_db()
    assert (site.name, site.postcode, site.email, site.website, site.phone) == before
    assert site.address != "7 place du Marché"


def test_details_are_scoped_like_the_hours(client, admin, agent, site, other_site):
    client.force_login(admin)
    assert client.get(_details_url(other_site)).status_code == 404
    assert client.post(_details_url(other_site), _details(other_site, name="X")).status_code == 404
    client.force_login(agent)
    assert client.get(_details_url(site)).status_code == 403
    assert client.post(_details_url(site), _details(site, name="Autre nom")).status_code == 403
    site.refresh_from_db()
    assert site.name == "Accueil CAF Bordeaux"
