"""Proposing a simplification: the web form (honeypot, limits, nothing lost) and the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Role
from parvis.accounts.services import api_token_create
from parvis.accounts.tests.factories import MembershipFactory
from parvis.core.crypto import email_digest
from parvis.core.models import ReferenceCounter
from parvis.directory.tests.factories import MotifFactory, OrganisationFactory
from parvis.simplification.models import ProposerKind, SimplificationRequest, Source, Status
from parvis.simplification.services import simplification_request_transition
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db
URL = reverse("simplification:propose")
API = "/api/v1/simplifications"


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf-33", name="CAF de la Gironde")


def _form(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "procedure_name": "Demande d’aide personnalisée au logement",
        "cerfa_number": "Cerfa n° 10840*07",
        "difficulty": "Il faut donner trois fois les mêmes ressources du foyer.",
        "proposal": "Reprendre les ressources déjà connues par les impôts.",
        "email": "",
        "site_internet": "",
    }
    data.update(overrides)
    return data


def test_references_are_numbered_per_year_by_the_core_counter(client, caf):
    year = timezone.localdate().year
    ReferenceCounter.objects.create(prefix="SIMP", year=year, last=41)
    for _ in range(2):
        assert client.post(URL, _form(caf)).status_code == 302
    references = SimplificationRequest.objects.order_by("pk").values_list("reference", flat=True)
    assert list(references) == [f"SIMP-{year}-00042", f"SIMP-{year}-00043"]


def test_form_page_reminds_not_to_write_personal_data(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "N’écrivez aucune donnée personnelle" in response.content.decode()


def test_citizen_proposes_and_nothing_is_public_before_moderation(
    client, caf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            _form(
                caf,
                difficulty="Je suis Jean Dupont, joignable au 06 12 34 56 78, et le formulaire "
                "me demande trois fois mes ressources.",
                email="jean.dupont@exemple.fr",
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("simplification:proposed")
    request = SimplificationRequest.objects.get()
    assert request.reference.startswith("SIMP-") and request.status == Status.SUBMITTED
    assert request.cerfa_number == "10840*07"
    assert request.proposer_kind == ProposerKind.CITIZEN and request.source == Source.WEB
    # Masked by the language engine (the task ran after commit); originals encrypted.
    assert request.masked_at is not None and request.masking_changed
    assert "06 12 34 56 78" not in request.difficulty and "Dupont" not in request.difficulty
    assert "Dupont" not in request.original_texts_encrypted
    assert "jean.dupont" not in request.proposer_email_encrypted
    # the shared email digest, with simplification's purpose: not voice's for the address
    digest = email_digest("Jean.Dupont@exemple.fr", purpose="simplification")
    assert request.proposer_email_digest == digest
    assert digest != email_digest("jean.dupont@exemple.fr", purpose="voice")
    # The thank-you page gives the reference; nothing public yet.
    assert request.reference in client.get(response["Location"]).content.decode()
    assert client.get(reverse("simplification:detail", args=[request.reference])).status_code == 404
    assert request.reference not in client.get(reverse("simplification:list")).content.decode()

    quality = MembershipFactory(organisation=caf, role=Role.QUALITY_MANAGER).user
    simplification_request_transition(request=request, to_status=Status.RECEIVED, actor=quality)
    page = client.get(reverse("simplification:detail", args=[request.reference])).content.decode()
    assert "trois fois mes ressources" in page
    assert "06 12 34 56 78" not in page and "Dupont" not in page


def test_agent_proposes_on_behalf_of_their_service(client, caf):
    agent = MembershipFactory(organisation=caf, role=Role.AGENT).user
    client.force_login(agent)
    assert "compte agent" in client.get(URL).content.decode()
    client.post(URL, _form(caf))
    request = SimplificationRequest.objects.get()
    assert request.proposer_kind == ProposerKind.AGENT and request.proposer_user == agent


def test_honeypot_refuses_with_a_french_message_and_keeps_the_text(client, caf):
    response = client.post(URL, _form(caf, site_internet="http://spam.example"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "ressemble à un envoi automatique" in body
    assert "Reprendre les ressources déjà connues par les impôts." in body
    assert not SimplificationRequest.objects.exists()


def test_invalid_fields_keep_what_was_typed(client, caf):
    response = client.post(URL, _form(caf, cerfa_number="abc", proposal="court"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Il faut donner trois fois les mêmes ressources du foyer." in body
    assert "Vos saisies sont conservées" in body
    assert not SimplificationRequest.objects.exists()


def test_motif_must_belong_to_the_organisation(client, caf):
    other_motif = MotifFactory()
    response = client.post(URL, _form(caf, motif=other_motif.pk))
    assert response.status_code == 400
    assert "ne correspond pas à l’organisme" in response.content.decode()


def test_too_long_texts_are_refused(client, caf):
    response = client.post(URL, _form(caf, proposal="x" * 3001))
    assert response.status_code == 400
    assert not SimplificationRequest.objects.exists()


def test_ip_rate_limit_refuses_politely_and_keeps_the_text(client, caf, settings):
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "propose_ip": (2, 3600),
    }
    for _ in range(2):
        assert client.post(URL, _form(caf)).status_code == 302
    response = client.post(URL, _form(caf))
    assert response.status_code == 429
    body = response.content.decode()
    assert "Trop d’envois" in body and "Reprendre les ressources déjà connues" in body
    assert SimplificationRequest.objects.count() == 2


def test_a_refused_form_does_not_count_against_the_address(client, caf, settings):
    # a counter's shared address: typos are corrected, not counted (security review)
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "propose_ip": (1, 3600),
    }
    for _ in range(3):
        assert client.post(URL, _form(caf, proposal="x" * 3001)).status_code == 400
    assert client.post(URL, _form(caf)).status_code == 302
    assert client.post(URL, _form(caf)).status_code == 429


def test_email_rate_limit_counts_per_address(client, caf, settings):
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "propose_email": (1, 3600),
    }
    assert client.post(URL, _form(caf, email="a@exemple.fr")).status_code == 302
    assert client.post(URL, _form(caf, email="A@Exemple.fr")).status_code == 429
    assert client.post(URL, _form(caf, email="b@exemple.fr")).status_code == 302


def test_texts_are_escaped_on_public_pages(client):
    request = SimplificationRequestFactory(
        received=True, procedure_name="<script>alert(1)</script> Formulaire"
    )
    body = client.get(reverse("simplification:detail", args=[request.reference])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- API ---------------------------------------------------------------------------------


def _payload(organisation, **overrides):
    data = {
        "organisation": organisation.slug,
        "procedure_name": "Déclaration trimestrielle de ressources",
        "cerfa_number": "12345*01",
        "difficulty": "Les montants à déclarer ne sont pas expliqués.",
        "proposal": "Afficher un exemple chiffré à côté de chaque case.",
    }
    data.update(overrides)
    return data


def _post(client, body, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(API, raw, content_type="application/json", **headers, **extra)


@pytest.fixture
def partner_token(caf):
    _, raw = api_token_create(
        actor=None,
        organisation=OrganisationFactory(slug="partenaire"),
        name="portail",
        scope="write",
    )
    return raw


def test_api_proposal_by_a_partner_site(
    client, caf, partner_token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _payload(caf, proposer_email="usager@exemple.fr"), partner_token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "deposee" and body["reference"].startswith("SIMP-")
    request = SimplificationRequest.objects.get(reference=body["reference"])
    assert request.source == Source.API and request.organisation == caf
    assert request.masked_at is not None
    assert client.get(f"{API}/{request.reference}").status_code == 404  # not public yet


def test_api_proposal_needs_a_token(client, caf):
    response = _post(client, _payload(caf))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_api_proposal_needs_the_write_scope(client, caf):
    _, raw = api_token_create(actor=None, organisation=caf, name="lecture", scope="read")
    response = _post(client, _payload(caf), raw)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_api_proposal_too_large(client, caf, partner_token, settings):
    settings.SIMPLIFICATION_API_MAX_BODY_BYTES = 2048
    response = _post(client, _payload(caf, padding="x" * 4000), partner_token)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_api_proposal_invalid(client, caf, partner_token):
    response = _post(client, _payload(caf, difficulty="", cerfa_number="abc"), partner_token)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"body.payload.difficulty", "body.payload.cerfa_number"} <= fields


def test_api_proposal_unknown_organisation(client, partner_token):
    response = _post(client, _payload(OrganisationFactory.build(slug="inconnu")), partner_token)
    assert response.status_code == 404


def test_api_proposal_rate_limited_per_token(client, caf, partner_token, settings):
    settings.SIMPLIFICATION_RATE_LIMITS = {
        **settings.SIMPLIFICATION_RATE_LIMITS,
        "api_propose_token": (1, 3600),
    }
    assert _post(client, _payload(caf), partner_token).status_code == 201
    response = _post(client, _payload(caf), partner_token)
    assert response.status_code == 429
    assert response["Retry-After"]
