"""The agents' shell: every back-office page has the side menu and the breadcrumb; each
role's menu leads only to pages it may open; the organisation switcher points the menu
and the dashboard at one of one's organisations, and never filters data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import Membership, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.backoffice.shell import SESSION_KEY
from parvis.core.tests.route_registry import HTML_ROUTES, OrgWorld, org_world
from parvis.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
BACKOFFICE_PREFIX = "/espace-agents/"
MENU_LINK = re.compile(r'class="fr-sidemenu__link" href="([^"]+)"[^>]*>([^<]+)<')


@pytest.fixture
def world() -> dict[str, OrgWorld]:
    return {"a": org_world("a"), "b": org_world("b")}


def _session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Routes under /espace-agents/ that answer something else than a page: the timeline's
# lazy-load fragment (included in the record page) and the right-of-access download.
NOT_PAGES = {
    "contacts_backoffice:citizen_timeline",
    "contacts_backoffice:citizen_export",
    "quality_backoffice:declared_template",  # the CSV template of declared figures
}


def _menu(html: str) -> dict[str, str]:
    """Label → link of the side menu's links."""
    return {label.strip(): link for link, label in MENU_LINK.findall(html)}


def test_every_backoffice_page_has_the_side_menu_and_the_breadcrumb(world):
    """Walks every route of the registry under /espace-agents/ with the first of an
    organisation admin, an agent and a platform admin who may open it."""
    principals = [world["a"].admin, world["a"].agent, UserFactory(platform_admin=True)]
    clients = [_session(user) for user in principals]
    walked = []
    for name, entry in sorted(HTML_ROUTES.items()):
        url = reverse(name, kwargs=entry.kwargs(world, "a")) + entry.query
        if not url.startswith(BACKOFFICE_PREFIX) or name in NOT_PAGES:
            continue
        if ":fragment_" in name:  # a part of a page the desk refetches, not a page
            continue
        statuses = []
        for client in clients:
            response = client.get(url)
            statuses.append(response.status_code)
            if response.status_code == 200:
                html = response.content.decode()
                assert 'class="fr-sidemenu"' in html, name
                assert 'class="fr-breadcrumb"' in html, name
                trail = html.split('class="fr-breadcrumb"', 1)[1].split("</nav>", 1)[0]
                assert "Espace agents" in trail and 'aria-current="page"' in trail, name
                walked.append(name)
                break
        else:
            # Only POST-only routes may refuse every GET (after the scope and role checks).
            assert 405 in statuses and set(statuses) <= {403, 405}, (name, statuses)
    assert len(walked) >= 20, walked
    assert {"voice_backoffice:moderation_queue", "simplification_backoffice:queue"} <= set(walked)
    assert {"directory_backoffice:site_list", "backoffice:dashboard"} <= set(walked)


TODAY = {"Tableau de bord", "Expériences des usagers", "Lieux d’accueil"}
COUNTER = {"Enregistrer une expérience au guichet"}
QUALITY = {
    "Réponses en retard",
    "Modèles de réponse",
    "Demandes de simplification",
    "Engagements Services Publics+",
}
ORGANISATION = {"Membres", "Jetons d’API", "Webhooks", "Journal d’audit"}
# Quality results of the organisation (``Perm.MANAGE_QUALITY``), the catalogue (platform).
QUALITY_RESULTS = {"Indicateurs de l’organisme", "Cibles", "Importer des résultats déclarés"}
# Every organisation has its national triage queue, and « a » has active sites.
CONTACTS = {"Conversations", "Files d’attente", "Fiches usagers", "Enregistrer une visite"}
# Who takes from queues and answers citizens (``Perm.TAKE``).
DESK = {"Poste de travail"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.AGENT, TODAY | COUNTER | CONTACTS | DESK),
        (Role.SUPERVISOR, TODAY | COUNTER | CONTACTS | DESK),
        # reads the conversations, records no visit (the visits feed the figures it manages)
        (
            Role.QUALITY_MANAGER,
            TODAY | COUNTER | CONTACTS - {"Enregistrer une visite"} | QUALITY | QUALITY_RESULTS,
        ),
        (
            Role.ORGANISATION_ADMIN,
            TODAY | COUNTER | CONTACTS | DESK | QUALITY | QUALITY_RESULTS | ORGANISATION,
        ),
        (
            "platform_moderator",
            {"Tableau de bord", "Modération des expériences", "Demandes de simplification"},
        ),
        (
            "platform_admin",
            TODAY
            | COUNTER
            | CONTACTS
            | DESK
            | QUALITY
            | QUALITY_RESULTS
            | ORGANISATION
            | {
                "Modération des expériences",
                "Administration technique",
                "Catalogue des indicateurs",
            },
        ),
    ],
)
def test_each_role_opens_every_entry_of_its_menu(world, role, expected):
    if role in Role.values:
        user = MembershipFactory(organisation=world["a"].org, role=role).user
    else:
        user = UserFactory(**{role: True})
        if role == "platform_admin":  # its menu points at its own organisation
            MembershipFactory(organisation=world["a"].org, role=Role.AGENT, user=user)
    client = _session(user)
    menu = _menu(client.get(reverse("backoffice:dashboard")).content.decode())
    assert set(menu) == expected
    for label, link in menu.items():
        response = client.get(link)
        assert response.status_code == 200, (label, link, response.status_code)
        html = response.content.decode()
        if link.startswith(BACKOFFICE_PREFIX):
            assert 'aria-current="page"' in html.split('class="fr-sidemenu"', 1)[1], label


def test_the_menu_marks_the_section_of_a_detail_page(world):
    client = _session(world["a"].admin)
    html = client.get(
        reverse("backoffice:membership-change", kwargs={"pk": world["a"].membership.pk})
    ).content.decode()
    assert re.search(r'href="[^"]+/membres/" aria-current="page">Membres<', html)
    assert 'aria-expanded="true"' in html


def test_an_agent_of_a_site_only_has_no_counter_entry_without_an_active_site(world):
    world["a"].site.is_active = False
    world["a"].site.save()
    world["a"].france_services.delete()
    user = MembershipFactory(
        organisation=None, site=world["a"].site, role=Role.AGENT, user=UserFactory()
    ).user
    menu = _menu(_session(user).get(reverse("backoffice:dashboard")).content.decode())
    assert "Enregistrer une expérience au guichet" not in menu


# --- Organisation switcher ------------------------------------------------------------


@pytest.fixture
def two_organisations(world):
    """An administrator of A who is also administrator of B."""
    admin = world["a"].admin
    MembershipFactory(organisation=world["b"].org, role=Role.ORGANISATION_ADMIN, user=admin)
    return admin


def _switch(client: Client, slug: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("backoffice:organisation-switch"), {"organisation": slug, **extra})


def test_switching_changes_what_the_menu_and_the_dashboard_point_at(world, two_organisations):
    client = _session(two_organisations)
    dashboard = reverse("backoffice:dashboard")
    members_a = reverse("backoffice:members", kwargs={"slug": world["a"].org.slug})
    members_b = reverse("backoffice:members", kwargs={"slug": world["b"].org.slug})
    html = client.get(dashboard).content.decode()
    assert "Organisme affiché\xa0: Organisme A" in html
    assert 'id="organisation-switcher"' in html and "Organisme B</option>" in html
    assert _menu(html)["Membres"] == members_a

    response = _switch(client, world["b"].org.slug, next=members_a)
    assert response.status_code == 302 and response["Location"] == members_a
    assert client.session[SESSION_KEY] == world["b"].org.pk
    html = client.get(dashboard).content.decode()
    assert "Organisme affiché\xa0: Organisme B" in html
    assert f'href="{members_b}"' in html and _menu(html)["Membres"] == members_b
    # Never a filter: A's pages stay open, scoping decides.
    assert client.get(members_a).status_code == 200


def test_an_organisation_without_membership_is_refused(world, two_organisations):
    client = _session(world["a"].agent)
    response = _switch(client, world["b"].org.slug)
    assert response.status_code == 403
    assert "Vous n’avez aucun rôle dans cet organisme" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert _switch(client, "inconnu").status_code == 403
    unrelated = OrganisationFactory(slug="sans-lien")
    assert _switch(_session(two_organisations), unrelated.slug).status_code == 403


def test_the_switcher_is_a_csrf_protected_post(world, two_organisations):
    client = Client(enforce_csrf_checks=True)
    client.force_login(two_organisations)
    assert client.get(reverse("backoffice:organisation-switch")).status_code == 405
    assert _switch(client, world["b"].org.slug).status_code == 403
    assert SESSION_KEY not in client.session


def test_the_switcher_only_returns_to_this_site(world, two_organisations):
    response = _switch(
        _session(two_organisations), world["b"].org.slug, next="https://ailleurs.example/"
    )
    assert response["Location"] == reverse("backoffice:dashboard")


def test_one_organisation_no_switcher_and_a_revoked_choice_falls_back(world, two_organisations):
    assert 'id="organisation-switcher"' not in (
        _session(world["b"].admin).get(reverse("backoffice:dashboard")).content.decode()
    )
    client = _session(two_organisations)
    _switch(client, world["b"].org.slug)
    Membership.objects.filter(user=two_organisations, organisation=world["b"].org).delete()
    html = client.get(reverse("backoffice:dashboard")).content.decode()
    assert "Organisme affiché\xa0: Organisme A" in html
