"""The reference is browsable and searchable by platform admins, never edited by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.accounts.tests.factories import UserFactory
from parvis.territories.tests.factories import CommuneAliasFactory, CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(platform_admin=True))
    return client


def test_platform_admin_searches_communes_by_name_code_and_former_code(admin_client):
    bordeaux = CommuneFactory(code="33063", name="Bordeaux")
    CommuneFactory(code="33069", name="Le Bouscat")
    CommuneAliasFactory(code="33999", name="Ancienne", commune=bordeaux)
    for query in ("bord", "33063", "33999"):
        response = admin_client.get("/admin/territories/commune/", {"q": query})
        assert response.status_code == 200
        assert "Bordeaux" in response.text and "Le Bouscat" not in response.text, query

    page = admin_client.get(f"/admin/territories/commune/{bordeaux.pk}/change/")
    assert page.status_code == 200 and "Ancienne" in page.text
    assert admin_client.get("/admin/territories/commune/add/").status_code == 403
    assert admin_client.get(f"/admin/territories/commune/{bordeaux.pk}/delete/").status_code == 403


@pytest.mark.parametrize("model", ["region", "departement", "communealias", "referencevintage"])
def test_every_reference_list_answers(admin_client, model):
    CommuneAliasFactory()
    assert admin_client.get(f"/admin/territories/{model}/").status_code == 200
