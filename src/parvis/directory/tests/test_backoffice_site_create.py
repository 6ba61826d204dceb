"""Back office: a manager of an organisation or a local service opens a new site
(« Ajouter un lieu d'accueil »), its commune typed; refusals in French, input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory
from parvis.directory.models import Site
from parvis.directory.tests.factories import (
    LocalServiceFactory,
    OrganisationFactory,
    SiteFactory,
)
from parvis.territories.tests.factories import CommuneFactory, DepartementFactory

pytestmark = pytest.mark.django_db
URL = "directory_backoffice:site_create"


@pytest.fixture
def caf():
    return OrganisationFactory(name="Caisse d’allocations familiales")


@pytest.fixture
def admin(caf):
    return MembershipFactory(organisation=caf, role=Role.ORGANISATION_ADMIN).user


def _post(client, **data):
    return client.post(reverse(URL), data)


def _create(client, structure, name, **fields):
    """A counter in Bordeaux (INSEE code 33063), serving its own public, unless told."""
    data = {"kind": Site.Kind.COUNTER, "commune": "33063", "coverage": Site.Coverage.LOCAL}
    return _post(client, structure=structure, name=name, **{**data, **fields})


def test_an_organisation_admin_opens_a_counter_then_sets_its_hours(client, admin, caf, bordeaux):
    client.force_login(admin)
    listing = client.get(reverse("directory_backoffice:site_list")).content.decode()
    assert reverse(URL) in listing
    form = client.get(reverse(URL))
    assert form.status_code == 200
    assert (
        "France Services"
        not in form.content.decode().split('id="id_kind"')[1].split("</select>")[0]
    )
    response = _post(
        client,
        structure=f"o{caf.pk}",
        kind=Site.Kind.COUNTER,
        name="Accueil CAF Bordeaux Bastide",
        commune="bordeaux",
        coverage=Site.Coverage.LOCAL,
        address="3 rue de Benauge",
        postcode="33100",
    )
    site = Site.objects.get(name="Accueil CAF Bordeaux Bastide")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory_backoffice:site_hours", args=[site.slug])
    assert (site.organisation, site.commune, site.postcode) == (caf, bordeaux, "33100")
    assert AuditEvent.objects.filter(action="site.created", actor=admin).exists()
    listing = client.get(reverse("directory_backoffice:site_list")).content.decode()
    assert "Accueil CAF Bordeaux Bastide" in listing


def test_a_commune_named_twice_needs_its_postcode_and_input_is_kept(client, admin, caf, bordeaux):
    other = DepartementFactory(code="93", name="Seine-Saint-Denis")
    CommuneFactory(code="93066", name="Saint-Denis", departement=other, postcodes=["93200"])
    reunion = DepartementFactory(code="974", name="La Réunion")
    CommuneFactory(code="97411", name="Saint-Denis", departement=reunion, postcodes=["97400"])
    client.force_login(admin)
    data = {
        "structure": f"o{caf.pk}",
        "kind": Site.Kind.COUNTER,
        "name": "Accueil CAF Saint-Denis",
        "commune": "St Denis",
        "coverage": Site.Coverage.LOCAL,
    }
    response = _post(client, **data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Plusieurs communes correspondent" in html
    assert "Saint-Denis (93066)" in html and "Saint-Denis (97411)" in html
    assert 'value="Accueil CAF Saint-Denis"' in html
    assert not Site.objects.filter(name="Accueil CAF Saint-Denis").exists()
    response = _post(client, **data, postcode="97400")
    assert response.status_code == 302
    assert Site.objects.get(name="Accueil CAF Saint-Denis").commune_id == "97411"


@pytest.mark.parametrize(
    ("commune", "postcode", "message"),
    [
        ("99999", "", "Aucune commune n’a le code INSEE 99999."),
        ("Zzzville", "", "Aucune commune ne correspond à « Zzzville »."),
        ("Bordeaux", "3300", "Le code postal doit comporter 5 chiffres."),
    ],
)
def test_bad_communes_and_postcodes_are_refused_in_french(
    client, admin, caf, bordeaux, commune, postcode, message
):
    client.force_login(admin)
    response = _post(
        client,
        structure=f"o{caf.pk}",
        kind=Site.Kind.COUNTER,
        name="Nouveau lieu",
        commune=commune,
        postcode=postcode,
        coverage=Site.Coverage.LOCAL,
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Site.objects.filter(name="Nouveau lieu").exists()


def test_the_kind_follows_the_structure(client, admin, caf, bordeaux):
    client.force_login(admin)
    response = _create(
        client, f"o{caf.pk}", "Espace France Services", kind=Site.Kind.FRANCE_SERVICES
    )
    assert response.status_code == 400
    assert "Site.Kind" not in response.content.decode()
    assert not Site.objects.filter(name="Espace France Services").exists()
    operator = OrganisationFactory(operator=True)
    operator_admin = MembershipFactory(organisation=operator, role=Role.ORGANISATION_ADMIN).user
    client.force_login(operator_admin)
    response = _create(
        client, f"o{operator.pk}", "Espace France Services", kind=Site.Kind.FRANCE_SERVICES
    )
    assert response.status_code == 302
    assert Site.objects.get(name="Espace France Services").organisation == operator


def test_a_local_service_admin_opens_sites_under_their_service_only(client, caf, bordeaux):
    service = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    other = LocalServiceFactory(organisation=caf, name="CAF de la Moselle")
    manager = MembershipFactory(
        organisation=None, local_service=service, role=Role.ORGANISATION_ADMIN
    ).user
    client.force_login(manager)
    html = client.get(reverse(URL)).content.decode()
    assert "CAF de la Gironde" in html and "CAF de la Moselle" not in html
    for structure in (f"s{other.pk}", f"o{caf.pk}"):
        response = _create(client, structure, "Accueil hors périmètre")
        assert response.status_code == 400
        assert not Site.objects.filter(name="Accueil hors périmètre").exists()
    response = _create(client, f"s{service.pk}", "Accueil Mérignac")
    site = Site.objects.get(name="Accueil Mérignac")
    assert response.status_code == 302
    assert (site.organisation, site.local_service) == (caf, service)


def test_agents_and_site_managers_open_no_site(client, caf, bordeaux):
    site = SiteFactory(organisation=caf, commune=bordeaux)
    agent = MembershipFactory(organisation=caf, role=Role.AGENT).user
    site_admin = MembershipFactory(organisation=None, site=site, role=Role.ORGANISATION_ADMIN).user
    for user in (agent, site_admin):
        client.force_login(user)
        assert client.get(reverse(URL)).status_code == 403
        response = _post(client, structure=f"o{caf.pk}", kind="guichet", name="X", commune="33063")
        assert response.status_code == 403
        listing = client.get(reverse("directory_backoffice:site_list")).content.decode()
        assert reverse(URL) not in listing
    assert Site.objects.count() == 1
