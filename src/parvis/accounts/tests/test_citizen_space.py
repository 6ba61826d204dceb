"""What a signed-in citizen sees: their own experiences, and no back-office data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import CitizenFactory, MembershipFactory
from parvis.core.crypto import encrypt_text
from parvis.directory.tests.factories import OrganisationFactory
from parvis.voice.tests.factories import ExperienceFactory

pytestmark = pytest.mark.django_db

MY_EXPERIENCES = reverse("voice:my_experiences")


def test_my_experiences_lists_only_ones_own(client, django_assert_max_num_queries):
    citizen = CitizenFactory()
    published = ExperienceFactory(
        published=True, author=citizen, masked_title="Accueil rapide à la CAF"
    )
    waiting = ExperienceFactory(
        in_moderation=True, author=citizen, masked_title="Attente au téléphone"
    )
    someone_else = ExperienceFactory(
        published=True, author=CitizenFactory(), masked_title="Dossier perdu deux fois"
    )
    client.force_login(citizen)
    with django_assert_max_num_queries(10):
        page = client.get(MY_EXPERIENCES).content.decode()
    assert "Accueil rapide à la CAF" in page and "Attente au téléphone" in page
    assert "Dossier perdu deux fois" not in page
    # Each opens in the account (to correct, withdraw, rate the answer); only public ones
    # link to their permanent page; someone else's never shows.
    assert reverse("publication:experience_detail", kwargs={"uuid": published.uuid}) in page
    assert reverse("publication:experience_detail", kwargs={"uuid": waiting.uuid}) not in page
    for mine in (published, waiting):
        assert reverse("voice:my_experience", kwargs={"uuid": mine.uuid}) in page
    assert str(someone_else.uuid) not in page
    assert "Publiée" in page and "En modération" in page
    assert page.index("Attente au téléphone") < page.index("Accueil rapide à la CAF")


def test_my_experiences_explains_how_to_start(client):
    client.force_login(CitizenFactory())
    page = client.get(MY_EXPERIENCES).content.decode()
    assert "Vous n’avez pas encore partagé d’expérience" in page
    assert f'href="{reverse("voice:share")}"' in page


def test_my_experiences_needs_an_account(client):
    response = client.get(MY_EXPERIENCES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_thank_you_page_suggests_an_account_only_to_visitors(client):
    session = client.session
    session["voice:last"] = {"token": encrypt_text("jeton-de-test"), "email": False}
    session.save()
    visitor = client.get(reverse("voice:share_done")).content.decode()
    assert f'href="{reverse("accounts:signup")}"' in visitor
    client.force_login(CitizenFactory())
    session = client.session
    session["voice:last"] = {"token": encrypt_text("jeton-de-test"), "email": False}
    session.save()
    citizen = client.get(reverse("voice:share_done")).content.decode()
    main = citizen[citizen.index("<main") :]
    assert f'href="{reverse("accounts:signup")}"' not in main
    assert f'href="{MY_EXPERIENCES}"' in main


def test_a_citizen_never_sees_the_agents_space(client):
    organisation = OrganisationFactory(slug="caf")
    experience = ExperienceFactory(published=True, organisation=organisation)
    client.force_login(CitizenFactory())
    for url in (
        reverse("backoffice:dashboard"),
        reverse("backoffice:members", kwargs={"slug": "caf"}),
        reverse("backoffice:tokens", kwargs={"slug": "caf"}),
        reverse("backoffice:audit", kwargs={"slug": "caf"}),
        reverse("voice_backoffice:experience_list"),
        reverse("voice_backoffice:experience_detail", kwargs={"uuid": experience.uuid}),
        reverse("voice_backoffice:moderation_queue"),
        reverse("voice_backoffice:assisted_create"),
        reverse("simplification_backoffice:queue"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == MY_EXPERIENCES, url
    landed = client.get(reverse("backoffice:dashboard"), follow=True).content.decode()
    assert "réservé aux agents" in landed
    # writes are refused the same way, before any view runs
    response = client.post(reverse("voice_backoffice:assisted_create"), {})
    assert response.status_code == 302 and response["Location"] == MY_EXPERIENCES


def test_an_agent_still_reaches_the_agents_space(client):
    agent = MembershipFactory(role=Role.AGENT).user
    client.force_login(agent)
    assert client.get(reverse("backoffice:dashboard")).status_code == 200


def test_a_citizen_deletes_their_account_and_what_they_published_stays(client):
    from parvis.accounts.models import AuditEvent, User
    from parvis.accounts.tests.factories import DEFAULT_PASSWORD
    from parvis.simplification import services as simplification
    from parvis.simplification.models import SimplificationRequest, Support
    from parvis.simplification.tests.factories import SimplificationRequestFactory

    citizen = CitizenFactory()
    experience = ExperienceFactory(published=True, author=citizen)
    request = SimplificationRequestFactory(received=True)
    simplification.support_by_account(request=request, user=citizen)
    client.force_login(citizen)
    url = reverse("accounts:delete")
    assert url in client.get(MY_EXPERIENCES).content.decode()
    wrong = client.post(url, {"password": "pas le bon"})
    assert wrong.status_code == 400 and "pas le bon" in wrong.content.decode()
    assert User.objects.filter(pk=citizen.pk).exists()
    done = client.post(url, {"password": DEFAULT_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("portal:home")
    assert not User.objects.filter(pk=citizen.pk).exists()
    experience.refresh_from_db()
    assert experience.author is None and experience.masked_text  # still published
    # the support still counts once, through its email digest
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 1
    support = Support.objects.get(request=request)
    assert support.user is None and len(support.email_digest) == 64
    assert AuditEvent.objects.filter(action="account.deleted_by_owner").exists()
    # signed out
    assert client.get(MY_EXPERIENCES).status_code == 302


def test_an_agent_account_is_not_deleted_by_its_holder(client):
    agent = MembershipFactory(role=Role.AGENT).user
    client.force_login(agent)
    from parvis.accounts.tests.factories import DEFAULT_PASSWORD

    # the middleware does not cover /compte/: the view refuses
    response = client.post(reverse("accounts:delete"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 403
    assert "administrateur de votre organisme" in response.content.decode()
    agent.refresh_from_db()  # still there
