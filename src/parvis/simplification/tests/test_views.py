"""Public pages (filters, pagination, query counts) and the back office (scope, roles, moves)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.tests.factories import OrganisationFactory, ThemeFactory
from parvis.simplification.models import DeclineReason, SimplificationRequest, Status
from parvis.simplification.selectors import simplification_requests_for_open_data
from parvis.simplification.tests.factories import SimplificationRequestFactory

pytestmark = pytest.mark.django_db
LIST = reverse("simplification:list")


def test_list_shows_only_published_requests_with_filters(client):
    caf = OrganisationFactory(slug="caf", name="CAF")
    cpam = OrganisationFactory(slug="cpam", name="CPAM")
    logement = ThemeFactory(slug="logement")
    apl = SimplificationRequestFactory(
        organisation=caf,
        received=True,
        theme=logement,
        procedure_name="Aide au logement",
        search_text="aide au logement",
    )
    done = SimplificationRequestFactory(
        organisation=cpam, done=True, procedure_name="Carte Vitale", search_text="carte vitale"
    )
    hidden = SimplificationRequestFactory(organisation=caf, procedure_name="Secret")
    body = client.get(LIST).content.decode()
    assert apl.procedure_name in body and done.procedure_name in body
    assert hidden.procedure_name not in body
    cases = {
        "organisation=caf": [apl],
        "statut=realisee": [done],
        "theme=logement": [apl],
        "q=Logément": [apl],
        "q=vitale": [done],
        "q=%F0%9F%98%80": [],  # an emoji alone: no word to look for, nothing found
        "q=%3F%3F%3F": [],
        f"annee={apl.year}": [apl, done],
        "statut=deposee": None,
    }
    for query, expected in cases.items():
        response = client.get(f"{LIST}?{query}")
        if expected is None:
            assert response.status_code == 400, query
            continue
        found = {r.reference for r in response.context["page_obj"].object_list}
        assert found == {r.reference for r in expected}, query


def test_list_paginates_with_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    SimplificationRequestFactory.create_batch(25, organisation=organisation, received=True)
    with django_assert_max_num_queries(9):
        first = client.get(LIST)
    assert first.status_code == 200 and len(first.context["page_obj"].object_list) == 20
    second = client.get(f"{LIST}?page=2&organisation={organisation.slug}")
    assert len(second.context["page_obj"].object_list) == 5
    assert f"organisation={organisation.slug}" in second.content.decode()  # kept in links
    assert client.get(f"{LIST}?page=9").status_code == 404


def test_detail_shows_history_and_decline_reason(client, django_assert_max_num_queries):
    request = SimplificationRequestFactory(declined=True)
    url = reverse("simplification:detail", args=[request.reference])
    with django_assert_max_num_queries(7):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reçue" in body and "Non retenue" in body
    assert str(DeclineReason.LEGAL.label) in body and "Le décret impose ces pièces." in body
    assert "Soutenir cette demande" not in body  # closed


def test_unpublished_and_unknown_requests_are_404(client):
    for request in (SimplificationRequestFactory(), SimplificationRequestFactory(rejected=True)):
        url = reverse("simplification:detail", args=[request.reference])
        assert client.get(url).status_code == 404
    assert client.get(reverse("simplification:detail", args=["SIMP-1999-00001"])).status_code == 404


# --- Back office ---------------------------------------------------------------------------


def _quality(organisation):
    return MembershipFactory(organisation=organisation, role=Role.QUALITY_MANAGER).user


def _detail(request):
    return reverse("simplification_backoffice:detail", args=[request.reference])


def test_backoffice_scope_and_roles(client):
    request = SimplificationRequestFactory()
    agent = MembershipFactory(organisation=request.organisation, role=Role.AGENT).user
    outsider = _quality(OrganisationFactory())
    client.force_login(agent)
    assert client.get(_detail(request)).status_code == 403
    assert client.get(reverse("simplification_backoffice:queue")).status_code == 403
    client.force_login(outsider)
    assert client.get(_detail(request)).status_code == 404
    response = client.post(_detail(request), {"action": "transition", "status": Status.RECEIVED})
    assert response.status_code == 404
    client.force_login(_quality(request.organisation))
    assert client.get(_detail(request)).status_code == 200


def test_queue_lists_open_requests_oldest_first(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    older = SimplificationRequestFactory(organisation=organisation)
    newer = SimplificationRequestFactory(
        organisation=organisation, received=True, submitted_at=older.submitted_at.replace(year=2027)
    )
    closed = SimplificationRequestFactory(organisation=organisation, done=True)
    foreign = SimplificationRequestFactory()
    client.force_login(_quality(organisation))
    # 15: the side menu asks once whether the scope holds contact queues (its section),
    # for a role that does not take from queues, once whether a conversation is assigned
    # to them (the desk's entry, for partner referents), and once whether they manage the
    # organisation's quality (its results and commitments).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("simplification_backoffice:queue"))
    listed = [r.reference for r in response.context["page_obj"].object_list]
    assert listed == [older.reference, newer.reference]
    assert closed.reference not in listed and foreign.reference not in listed
    done = client.get(reverse("simplification_backoffice:queue"), {"statut": "realisee"})
    assert [r.reference for r in done.context["page_obj"].object_list] == [closed.reference]


def test_moderator_sees_originals_corrects_masking_and_publishes(client):
    request = SimplificationRequestFactory(difficulty="Appeler [NOM] ne sert à rien.")
    client.force_login(UserFactory(platform_moderator=True))
    body = client.get(_detail(request)).content.decode()
    assert "Texte d’origine (confidentiel)" in body
    response = client.post(
        _detail(request),
        {
            "action": "masking",
            "procedure_name": request.procedure_name,
            "difficulty": "Appeler le service ne sert à rien.",
            "proposal": request.proposal,
        },
    )
    assert response.status_code == 302
    response = client.post(
        _detail(request), {"action": "transition", "status": Status.RECEIVED, "comment": ""}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.RECEIVED
    assert request.difficulty == "Appeler le service ne sert à rien."
    assert AuditEvent.objects.filter(action="simplification.masking_corrected").exists()


def test_quality_manager_declines_with_reason_and_keeps_input_on_error(client):
    request = SimplificationRequestFactory(under_study=True)
    client.force_login(_quality(request.organisation))
    response = client.post(
        _detail(request),
        {
            "action": "transition",
            "status": Status.DECLINED,
            "decline_reason": "",
            "explanation": "Le décret l’impose.",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choisissez la raison" in body and "Le décret l’impose." in body
    response = client.post(
        _detail(request),
        {
            "action": "transition",
            "status": Status.DECLINED,
            "decline_reason": "contrainte-juridique",
            "explanation": "Le décret l’impose.",
        },
    )
    assert response.status_code == 302
    assert SimplificationRequest.objects.get(pk=request.pk).status == Status.DECLINED


# --- API reads ------------------------------------------------------------------------------


def test_api_list_and_detail(client, django_assert_max_num_queries):
    organisation = OrganisationFactory(slug="caf")
    SimplificationRequestFactory.create_batch(3, organisation=organisation, accepted=True)
    SimplificationRequestFactory(organisation=organisation)  # not public
    with django_assert_max_num_queries(4):
        data = client.get("/api/v1/simplifications", {"organisation": "caf"}).json()
    assert data["count"] == 3
    item = data["results"][0]
    assert item["status"] == "acceptee"
    assert [h["status"] for h in item["history"]] == ["recue", "acceptee"]
    detail = client.get(f"/api/v1/simplifications/{item['reference']}").json()
    assert detail == item
    assert client.get("/api/v1/simplifications", {"statut": "deposee"}).status_code == 422


def test_api_status_change(client):
    request = SimplificationRequestFactory(received=True)
    client.force_login(_quality(request.organisation))
    url = f"/api/v1/simplifications/{request.reference}/statut"
    response = client.post(url, {"status": "realisee"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    response = client.post(
        url, {"status": "refusee", "reason": "doublon"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "explanation_required"
    response = client.post(
        url, {"status": "acceptee", "comment": "Bonne idée."}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["history"][-1]["comment"] == "Bonne idée."
    body = response.json()
    # Stored as an internal code, published as the frozen French slug.
    assert SimplificationRequest.objects.get(pk=request.pk).status == Status.ACCEPTED
    assert body["status"] == "acceptee"
    assert [h["status"] for h in body["history"]] == ["recue", "acceptee"]


@pytest.mark.parametrize("reason", ["hors-sujet", "off_topic"])
def test_api_non_publication_takes_the_charter_code_or_its_former_french_slug(client, reason):
    request = SimplificationRequestFactory()
    client.force_login(UserFactory(platform_moderator=True))
    response = client.post(
        f"/api/v1/simplifications/{request.reference}/statut",
        {"status": "non-publiee", "reason": reason},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "non-publiee"
    request.refresh_from_db()
    assert (request.status, request.rejection_reason) == (Status.REJECTED, "off_topic")


# --- Open data ------------------------------------------------------------------------------


def test_open_data_rows_hold_public_fields_only():
    request = SimplificationRequestFactory(
        done=True,
        cerfa_number="10840*07",
        proposer_email_encrypted="chiffre",
        proposer_email_digest="d" * 64,
    )
    SimplificationRequestFactory()  # not public
    [row] = list(simplification_requests_for_open_data())
    assert row["identifiant"] == str(request.uuid) and row["reference"] == request.reference
    assert row["statut"] == "realisee" and row["cerfa"] == "10840*07"
    assert [h["statut"] for h in row["historique"]] == ["recue", "realisee"]
    assert set(row["dates_statuts"]) == {"recue", "realisee"}
    flat = repr(row)
    assert "chiffre" not in flat and "d" * 64 not in flat
    assert not any(key.startswith(("proposer", "original", "email")) for key in row)


def test_a_local_quality_team_has_no_simplification_queue(client):
    """Requests concern an organisation's national forms: the quality manager of one local
    service would find the queue empty, so neither the menu nor the page is theirs."""
    from parvis.directory.tests.factories import LocalServiceFactory

    service = LocalServiceFactory()
    SimplificationRequestFactory(organisation=service.organisation)
    local = UserFactory()
    MembershipFactory(
        user=local, role=Role.QUALITY_MANAGER, organisation=None, local_service=service
    )
    client.force_login(local)
    assert client.get(reverse("simplification_backoffice:queue")).status_code == 403
    dashboard = client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("simplification_backoffice:queue") not in dashboard
    client.force_login(_quality(service.organisation))
    assert client.get(reverse("simplification_backoffice:queue")).status_code == 200


def test_counts_of_supports_are_singular_at_zero_and_one(client):
    SimplificationRequestFactory(received=True, support_count=0)
    SimplificationRequestFactory(received=True, support_count=1)
    SimplificationRequestFactory(received=True, support_count=2)
    html = client.get(LIST).content.decode()
    assert "· 0 soutien<" in html and "· 1 soutien<" in html and "· 2 soutiens<" in html
    assert "0 soutiens" not in html
