"""France Services operators are organisations, but public lists of administrations
(directory, open data, sharing an experience, simplification requests, publication
filters) leave them out."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.directory import selectors, services
from parvis.directory.forms import SiteSearchForm
from parvis.directory.models import Organisation
from parvis.directory.tests.factories import OrganisationFactory, SiteFactory
from parvis.publication.forms import ExperienceSearchForm
from parvis.simplification.forms import ProposalForm
from parvis.voice.forms import _organisations as voice_organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def both():  # type: ignore[no-untyped-def]
    caf = OrganisationFactory(slug="caf", name="CAF")
    site = SiteFactory(france_services=True)
    site.partners.set([caf])
    return caf, site.organisation


def test_the_operator_is_the_sites_organisation(both):
    caf, operator = both
    assert operator.kind == Organisation.Kind.FRANCE_SERVICES_OPERATOR
    assert list(Organisation.objects.administrations()) == [caf]


def test_public_lists_show_administrations_only(both):
    caf, operator = both
    assert list(selectors.organisations_for_public()) == [caf]
    assert list(voice_organisations()) == [caf]
    form_fields = [
        SiteSearchForm().fields["organisation"],
        ExperienceSearchForm().fields["organisation"],
        ProposalForm().fields["organisation"],
    ]
    for field in form_fields:
        assert list(field.queryset) == [caf]  # type: ignore[attr-defined]
    api = Client().get("/api/v1/annuaire/organismes").json()
    assert [o["slug"] for o in api["results"]] == ["caf"]
    assert Client().get(f"/api/v1/annuaire/organismes/{operator.slug}").status_code == 404


def test_an_operator_name_is_reused_not_duplicated():
    first = services.france_services_operator(actor=None, name="Commune de Langon")
    again = services.france_services_operator(actor=None, name="  Commune   de Langon ")
    la_poste = OrganisationFactory(slug="la-poste", name="La Poste")
    assert again == first and first.slug == "commune-de-langon"
    assert services.france_services_operator(actor=None, name="La Poste") == la_poste
    assert la_poste.kind == Organisation.Kind.ADMINISTRATION
