"""Django admin of the directory: pages answer, hours inline keeps the overlap rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.tests.factories import UserFactory
from parvis.directory.models import Channel, LocalService, OpeningException, Organisation, Site
from parvis.directory.tests.factories import OpeningHoursFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(platform_admin=True))
    return client


@pytest.mark.parametrize("model", [Organisation, LocalService, Site, Channel, OpeningException])
def test_changelists_and_search_answer(staff_client, model):
    SiteFactory()
    url = reverse(f"admin:directory_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "écully"}).status_code == 200


def test_site_change_page_has_hours_and_exceptions_inlines(staff_client):
    site = SiteFactory()
    OpeningHoursFactory(site=site)
    html = staff_client.get(reverse("admin:directory_site_change", args=[site.pk])).content.decode()
    assert "opening_hours-TOTAL_FORMS" in html
    assert "opening_exceptions-TOTAL_FORMS" in html


def test_admin_saves_the_french_sort_key(staff_client):
    organisation = Organisation.objects.create(slug="x", name="X")
    response = staff_client.post(
        reverse("admin:directory_organisation_change", args=[organisation.pk]),
        {
            "slug": "x",
            "name": "Écully",
            "short_name": "",
            "kind": "administration",
            "is_active": "on",
            "motifs-TOTAL_FORMS": "0",
            "motifs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.sort_key.startswith("ecully")


def _site_form(site, **changes):
    data = {
        "kind": site.kind,
        "name": site.name,
        "slug": site.slug,
        "organisation": site.organisation_id or "",
        "local_service": site.local_service_id or "",
        "address": site.address,
        "postcode": site.postcode,
        "commune": site.commune_id,
        "coverage": site.coverage,
        "phone": "",
        "email": "",
        "website": "",
        "is_active": "on",
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_exceptions-TOTAL_FORMS": "0",
        "opening_exceptions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_refuses_a_channel_without_its_detail_in_french(staff_client):
    site = SiteFactory()
    Channel.objects.create(slug="telephone", label="Téléphone")
    url = reverse("admin:directory_site_change", args=[site.pk])
    response = staff_client.post(url, _site_form(site, channels=["telephone"]))
    assert response.status_code == 200
    assert "Le canal « Téléphone » demande un numéro de téléphone." in response.content.decode()
    response = staff_client.post(
        url, _site_form(site, channels=["telephone"], phone="05 56 00 00 00")
    )
    assert response.status_code == 302
    assert list(site.channels.values_list("slug", flat=True)) == ["telephone"]


def test_admin_sets_the_departements_a_contact_centre_serves(staff_client):
    site = SiteFactory(kind=Site.Kind.CONTACT_CENTRE)
    url = reverse("admin:directory_site_change", args=[site.pk])
    response = staff_client.post(url, _site_form(site, coverage="departements"))
    assert "Indiquez les départements servis par ce centre de contact." in (
        response.content.decode()
    )
    departement = site.commune.departement_id
    response = staff_client.post(
        url, _site_form(site, coverage="departements", covered_departements=[departement])
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.coverage == "departements"
    assert list(site.covered_departements.values_list("code", flat=True)) == [departement]
    counter = SiteFactory()
    response = staff_client.post(
        reverse("admin:directory_site_change", args=[counter.pk]),
        _site_form(counter, coverage="national"),
    )
    assert "Seul un centre de contact sert toute la France" in response.content.decode()
