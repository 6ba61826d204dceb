"""Supporting a request: once per verified email (real SMTP round trip) or per account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse

from parvis.accounts.tests.factories import UserFactory
from parvis.simplification import services
from parvis.simplification.models import SimplificationRequest, Status, Support
from parvis.simplification.services import SimplificationError
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db


def _support_url(request):
    return reverse("simplification:support", args=[request.reference])


def _link_in(body: str) -> str:
    match = re.search(r"https?://\S+/simplification/soutien/\S+/", body)
    assert match, body
    return match.group(0)


def _confirm(client, link: str):
    path = link.split("://", 1)[1]
    path = path[path.index("/") :]
    assert client.get(path).status_code == 200  # a page with a button, nothing counted yet
    return client.post(path)


def test_support_by_email_counts_after_confirmation_once_per_address(client, smtp_inbox):
    request = SimplificationRequestFactory(received=True)
    response = client.post(_support_url(request), {"email": "Camille@Exemple.fr"})
    assert response.status_code == 302
    assert len(smtp_inbox.messages) == 1
    message = smtp_inbox.messages[0]
    assert message["To"] == "Camille@Exemple.fr"
    assert request.reference in message["Subject"]
    link = _link_in(smtp_inbox.bodies()[0])
    assert "camille" not in link.lower()  # the address is not in the link
    assert not Support.objects.exists()
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 0

    response = _confirm(client, link)
    assert response.status_code == 302
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 1
    support = Support.objects.get()
    assert support.user is None and len(support.email_digest) == 64

    # Same address again (other case, other link): still one support.
    client.post(_support_url(request), {"email": "camille@exemple.fr"})
    assert len(smtp_inbox.messages) == 2
    _confirm(client, _link_in(smtp_inbox.bodies()[1]))
    _confirm(client, link)  # replaying the first link
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 1
    assert Support.objects.count() == 1


def test_support_page_shows_the_count(client):
    request = SimplificationRequestFactory(received=True, support_count=3)
    body = client.get(reverse("simplification:detail", args=[request.reference])).content.decode()
    assert 'id="support-count">3<' in body


def test_support_by_account_once(client):
    request = SimplificationRequestFactory(received=True)
    client.force_login(UserFactory())
    for _ in range(3):
        assert client.post(_support_url(request), {"with_account": "1"}).status_code == 302
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 1
    assert Support.objects.get().user is not None


def test_one_person_counts_once_signed_in_or_by_confirmed_email(client, smtp_inbox):
    request = SimplificationRequestFactory(received=True)
    person = UserFactory(email="dominique@exemple.fr")
    client.force_login(person)
    client.post(_support_url(request), {"with_account": "1"})
    client.logout()
    # the same person, signed out, confirms their email: not counted again
    client.post(_support_url(request), {"email": "Dominique@Exemple.fr"})
    _confirm(client, _link_in(smtp_inbox.bodies()[0]))
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 1
    # and the other way round on another request
    other = SimplificationRequestFactory(received=True)
    client.post(_support_url(other), {"email": "dominique@exemple.fr"})
    _confirm(client, _link_in(smtp_inbox.bodies()[1]))
    assert services.support_by_account(request=other, user=person) is False
    assert SimplificationRequest.objects.get(pk=other.pk).support_count == 1


def test_expired_link_is_refused_in_french(client, settings):
    request = SimplificationRequestFactory(received=True)
    token = services.support_token(request, "camille@exemple.fr")
    settings.SIMPLIFICATION_SUPPORT_TOKEN_MAX_AGE = 0
    response = client.post(reverse("simplification:support_confirm", args=[token]))
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    assert not Support.objects.exists()


def test_tampered_link_is_refused(client):
    request = SimplificationRequestFactory(received=True)
    token = services.support_token(request, "camille@exemple.fr")
    forged = signing.dumps({"r": str(request.uuid), "d": "0" * 64}, salt="autre")
    for bad in (token[:-3] + "abc", forged):
        response = client.post(reverse("simplification:support_confirm", args=[bad]))
        assert response.status_code == 400
        assert "invalide" in response.content.decode()
    assert not Support.objects.exists()


def test_final_requests_cannot_be_supported(client, smtp_inbox):
    request = SimplificationRequestFactory(done=True)
    response = client.post(_support_url(request), {"email": "camille@exemple.fr"}, follow=True)
    assert "ne peut plus être soutenue" in response.content.decode()
    assert smtp_inbox.messages == []
    with pytest.raises(SimplificationError):
        services.support_by_account(request=request, user=UserFactory())


def test_unpublished_requests_cannot_be_supported(client):
    request = SimplificationRequestFactory()
    assert client.post(_support_url(request), {"email": "a@exemple.fr"}).status_code == 404


def test_ip_limit_throttles_but_does_not_decide_uniqueness(client, smtp_inbox, settings):
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "support_ip": (2, 3600),
    }
    request = SimplificationRequestFactory(received=True)
    for n in range(2):
        assert client.post(_support_url(request), {"email": f"p{n}@exemple.fr"}).status_code == 302
    response = client.post(_support_url(request), {"email": "p2@exemple.fr"})
    assert response.status_code == 429
    assert "Trop d’envois" in response.content.decode()
    assert 'value="p2@exemple.fr"' in response.content.decode()  # kept
    # Two people behind the same address (a France Services counter) both count.
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "support_ip": (20, 3600),
    }
    for body in smtp_inbox.bodies():
        _confirm(client, _link_in(body))
    assert SimplificationRequest.objects.get(pk=request.pk).support_count == 2


def test_email_limit_per_address(client, smtp_inbox, settings):
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "support_email": (1, 3600),
    }
    first, second = SimplificationRequestFactory.create_batch(2, received=True)
    assert client.post(_support_url(first), {"email": "a@exemple.fr"}).status_code == 302
    assert client.post(_support_url(second), {"email": "a@exemple.fr"}).status_code == 429
    assert len(smtp_inbox.messages) == 1


def test_honeypot_on_support(client, smtp_inbox):
    request = SimplificationRequestFactory(received=True)
    response = client.post(_support_url(request), {"email": "a@exemple.fr", "site_internet": "x"})
    assert response.status_code == 400
    assert smtp_inbox.messages == []


def test_proposer_is_told_of_each_public_step(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    from parvis.accounts.models import Role
    from parvis.accounts.tests.factories import MembershipFactory
    from parvis.directory.tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.simplification_request_propose(
            organisation=organisation,
            procedure_name="Formulaire de prime",
            difficulty="Trop de pièces à fournir.",
            proposal="Les demander une fois.",
            proposer_email="proposant@exemple.fr",
        )
    assert "bien reçu" in smtp_inbox.bodies()[0]
    quality = MembershipFactory(organisation=organisation, role=Role.QUALITY_MANAGER).user
    for status, extra in (
        (Status.RECEIVED, {}),
        (Status.ACCEPTED, {}),
        (Status.DONE, {"comment": "Une seule page désormais."}),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.simplification_request_transition(
                request=request, to_status=status, actor=quality, **extra
            )
    bodies = smtp_inbox.bodies()
    assert len(bodies) == 4
    assert "Une seule page désormais." in bodies[-1]
    assert reverse("simplification:detail", args=[request.reference]) in bodies[-1]
    # Contact forgotten once the request is closed.
    assert SimplificationRequest.objects.get(pk=request.pk).proposer_email_encrypted == ""


def test_confirmation_token_lifetime_default():
    assert services.support_token_max_age() == int(dt.timedelta(days=3).total_seconds())
