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
            "is_active": "on",
            "motifs-TOTAL_FORMS": "0",
            "motifs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.sort_key.startswith("ecully")
