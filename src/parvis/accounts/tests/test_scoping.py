"""Scope inherits downward; partners never reach a France Services site's back office."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from parvis.accounts.models import Role
from parvis.accounts.scoping import (
    Perm,
    get_visible_or_404,
    has_permission,
    require_permission,
    visible_to,
)
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.models import LocalService, Site
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    caf = OrganisationFactory(slug="caf")
    cpam = OrganisationFactory(slug="cpam")
    caf33 = LocalServiceFactory(organisation=caf)
    caf40 = LocalServiceFactory(organisation=caf)
    cpam33 = LocalServiceFactory(organisation=cpam)
    caf33_counter = SiteFactory(local_service=caf33)
    caf40_counter = SiteFactory(local_service=caf40)
    cpam_counter = SiteFactory(local_service=cpam33)
    fs = SiteFactory(france_services=True)
    fs.partners.add(caf, cpam)
    return locals()


def test_organisation_grant_covers_its_services_and_sites(world):
    user = MembershipFactory(organisation=world["caf"]).user
    assert set(visible_to(user, LocalService.objects.all())) == {world["caf33"], world["caf40"]}
    assert set(visible_to(user, Site.objects.all())) == {
        world["caf33_counter"],
        world["caf40_counter"],
    }


def test_service_grant_covers_itself_and_its_sites_only(world):
    user = MembershipFactory(organisation=None, local_service=world["caf33"]).user
    assert list(visible_to(user, LocalService.objects.all())) == [world["caf33"]]
    assert list(visible_to(user, Site.objects.all())) == [world["caf33_counter"]]


def test_site_grant_covers_that_site_only(world):
    user = MembershipFactory(organisation=None, site=world["fs"]).user
    assert list(visible_to(user, Site.objects.all())) == [world["fs"]]
    assert not visible_to(user, LocalService.objects.all()).exists()


def test_partner_organisation_never_sees_france_services_back_office(world):
    caf_admin = MembershipFactory(organisation=world["caf"], role=Role.ORGANISATION_ADMIN).user
    with pytest.raises(Http404):
        get_visible_or_404(caf_admin, Site.objects.all(), pk=world["fs"].pk)


def test_out_of_scope_is_404_and_wrong_role_is_403(world):
    agent = MembershipFactory(organisation=world["caf"], role=Role.AGENT).user
    with pytest.raises(Http404):
        get_visible_or_404(agent, Site.objects.all(), pk=world["cpam_counter"].pk)
    site = get_visible_or_404(agent, Site.objects.all(), pk=world["caf33_counter"].pk)
    with pytest.raises(PermissionDenied):
        require_permission(agent, Perm.MANAGE_DIRECTORY, site)


def test_site_level_admin_cannot_act_on_the_organisation(world):
    admin = MembershipFactory(
        organisation=None, site=world["caf33_counter"], role=Role.ORGANISATION_ADMIN
    ).user
    assert has_permission(admin, Perm.MANAGE_DIRECTORY, world["caf33_counter"])
    assert not has_permission(admin, Perm.MANAGE_MEMBERS, world["caf"])


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_to(AnonymousUser(), Site.objects.all()).exists()
    inactive = MembershipFactory(organisation=world["caf"], user=UserFactory(is_active=False)).user
    assert not visible_to(inactive, Site.objects.all()).exists()


def test_platform_admin_sees_everything(world):
    admin = UserFactory(platform_admin=True)
    assert visible_to(admin, Site.objects.all()).count() == Site.objects.count()


def test_who_moderates():
    """Platform moderators and admins moderate everywhere; quality managers moderate only
    what a model registered them for (their organisation's simplification requests)."""
    from django.contrib.auth.models import AnonymousUser

    from parvis.accounts.scoping import can_moderate, is_platform_moderator
    from parvis.accounts.services import api_token_create
    from parvis.simplification.tests.factories import SimplificationRequestFactory
    from parvis.voice.tests.factories import ExperienceFactory

    request = SimplificationRequestFactory()
    experience = ExperienceFactory(organisation=request.organisation)
    moderator = UserFactory(platform_moderator=True)
    admin = UserFactory(platform_admin=True)
    quality = MembershipFactory(organisation=request.organisation, role=Role.QUALITY_MANAGER).user
    elsewhere = MembershipFactory(role=Role.QUALITY_MANAGER).user
    token, _ = api_token_create(
        actor=None, organisation=request.organisation, name="outil", scope="write"
    )
    assert is_platform_moderator(moderator) and not is_platform_moderator(admin)
    for person in (moderator, admin):
        assert can_moderate(person) and can_moderate(person, request)
        assert can_moderate(person, experience)
    assert can_moderate(quality, request)
    assert not can_moderate(quality) and not can_moderate(quality, experience)
    assert not can_moderate(elsewhere, request)
    for nobody in (
        None,
        AnonymousUser(),
        token,
        UserFactory(platform_moderator=True, is_active=False),
    ):
        assert not can_moderate(nobody, request)
