"""seed_demo: deterministic, idempotent, refused in production, logins documented."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from parvis.accounts.models import Membership, Role, User
from parvis.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from parvis.directory.models import LocalService, Site
from parvis.territories.services import territories_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    territories_load()


def test_small_demo_is_complete_and_idempotent(reference, client):
    call_command("seed_demo", "--scale", "small")
    counts = (
        LocalService.objects.count(),
        Site.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo", "--scale", "small")
    assert counts == (
        LocalService.objects.count(),
        Site.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert LocalService.objects.filter(name="CAF de la Gironde").exists()
    reunion = Site.objects.get(slug="accueil-caf-974")
    assert reunion.timezone == "Indian/Reunion"
    france_services = Site.objects.filter(kind=Site.Kind.FRANCE_SERVICES).first()
    assert france_services.partners.count() == 9
    assert france_services.opening_hours.exists()
    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    # Demo experiences went through the engine and moderation: public ones are masked.
    from parvis.publication.models import PublicExperience

    public = list(PublicExperience.objects.all())
    assert public and any(p.is_answered for p in public)
    assert all("06 12 34 56 78" not in p.text for p in public)
    for email, _ in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
    response = client.post(
        "/compte/connexion/", {"username": "agent.caf33@demo.parvis.fr", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    # the demo citizen lands on their own experiences
    from parvis.voice.models import Experience

    client.logout()
    citizen = client.post(
        "/compte/connexion/", {"username": "usager@demo.parvis.fr", "password": DEMO_PASSWORD}
    )
    assert citizen["Location"] == "/temoigner/mes-experiences/"
    assert Experience.objects.filter(author__email="usager@demo.parvis.fr").count() == 3
    # a demo seeded before the citizen account existed gets them on the next run
    Experience.objects.filter(author__email="usager@demo.parvis.fr").update(author=None)
    call_command("seed_demo", "--scale", "small")
    assert Experience.objects.filter(author__email="usager@demo.parvis.fr").count() == 3
    # Simplification requests in every state, through the services (masked, with their
    # dated public history), created once.
    from parvis.simplification.models import SimplificationRequest, Status

    requests = SimplificationRequest.objects.all()
    assert {r.status for r in requests} == set(Status.values)
    assert requests.count() == 8
    assert all("06 12 34 56 78" not in r.difficulty for r in requests)
    done = requests.get(status=Status.DONE)
    assert [c.to_status for c in done.history.filter(is_public=True)] == [
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.DONE,
    ]
    assert client.get("/simplification/", {"statut": "realisee"}).status_code == 200


def test_demo_is_deterministic(reference):
    from parvis.demo.services import demo_seed

    demo_seed(scale="small", with_voice=False)  # experiences would protect the sites
    first = sorted(Site.objects.values_list("slug", "address"))
    Site.objects.all().delete()
    demo_seed(scale="small", with_voice=False)
    assert sorted(Site.objects.values_list("slug", "address")) == first


def test_demo_is_refused_in_production(reference, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--scale", "small")
    assert not Site.objects.exists()


def test_demo_needs_the_reference_data():
    with pytest.raises(CommandError, match="load_reference"):
        call_command("seed_demo")


def test_demo_logins_lists_every_documented_account(capsys):
    call_command("demo_logins", "--url", "http://127.0.0.1:8000")
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in output and DEMO_PASSWORD in output
    assert all(email in output for email, _ in DEMO_ACCOUNTS)


def test_demo_directory_gives_each_channel_its_detail_and_answers_saint_etienne(reference):
    from parvis.demo.services import demo_seed
    from parvis.directory import selectors
    from parvis.directory.channels import missing_channel_details

    demo_seed(scale="small", with_voice=False)
    for site in Site.objects.prefetch_related("channels"):
        values = {field: getattr(site, field) for field in ("address", "phone", "email", "website")}
        assert missing_channel_details(channels=site.channels.all(), values=values) == {}, site
    assert set(
        Site.objects.filter(kind=Site.Kind.CONTACT_CENTRE).values_list("slug", "coverage")
    ) == {
        ("centre-contact-caf", "national"),
        ("centre-contact-assurance-maladie", "national"),
        ("centre-contact-dgfip", "national"),
        ("centre-contact-carsat-rhone-alpes", "departements"),
    }
    # Saint-Étienne has no demo site: competent contact centres, then the Rhône's sites.
    found = selectors.directory_search(commune="St-Étienne")
    assert found.commune.code == "42218"
    assert "centre-contact-carsat-rhone-alpes" in {s.slug for s in found.serving_sites}
    assert found.nearest.scope == "region" and found.nearest.sites
    # Évry: the national contact centres answer; no site in Île-de-France is invented.
    found = selectors.directory_search(commune="evry")
    assert found.commune.name == "Évry-Courcouronnes"
    assert {s.slug for s in found.serving_sites} == {
        "centre-contact-caf",
        "centre-contact-assurance-maladie",
        "centre-contact-dgfip",
    }
    assert found.nearest is None
