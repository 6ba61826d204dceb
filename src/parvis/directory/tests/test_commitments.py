"""Services Publics+ commitments: loaded with the taxonomy, self-assessed by each
organisation in the back office (quality managers, scoped), shown on a public page with
the indicators a registered source attaches to them."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.urls import reverse

from parvis.accounts import audit
from parvis.accounts.models import AuditEvent, Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory import commitments as registry
from parvis.directory import services
from parvis.directory.models import (
    EVIDENCE_MAX,
    Commitment,
    CommitmentAssessment,
    CommitmentEvidence,
    Organisation,
)
from parvis.directory.services import DirectoryError, commitment_assessment_save, taxonomy_load
from parvis.directory.tests.factories import (
    CommitmentAssessmentFactory,
    CommitmentEvidenceFactory,
    CommitmentFactory,
    LocalServiceFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

BAD_URL = "Indiquez une adresse internet complète, commençant par https:// ou http://."


@pytest.fixture
def commitments() -> list[Commitment]:
    return [CommitmentFactory(number=number) for number in range(9)]


@pytest.fixture
def caf(commitments) -> Organisation:
    return OrganisationFactory(slug="caf-test", name="Caisse d’allocations familiales")


@pytest.fixture
def quality_manager(caf):
    return MembershipFactory(organisation=caf, role=Role.QUALITY_MANAGER).user


@pytest.fixture
def indicator_source() -> Iterator[None]:
    """Whatever source is registered (the quality app's, once it exists) is put back."""
    previous = registry._source
    yield
    registry.register_indicator_source(previous)


def _edit_url(organisation: Organisation, number: int) -> str:
    return reverse("directory_backoffice:commitment_edit", args=[organisation.slug, number])


def _list_url(organisation: Organisation) -> str:
    return reverse("directory_backoffice:commitment_list", args=[organisation.slug])


def _public_url(organisation: Organisation) -> str:
    return reverse("directory:organisation_commitments", args=[organisation.slug])


# --- Loading with the taxonomy ------------------------------------------------------------


def test_the_taxonomy_brings_the_nine_commitments_and_loading_again_changes_nothing():
    counts = taxonomy_load()
    assert counts["commitments"] == 9
    assert list(Commitment.objects.values_list("number", flat=True)) == list(range(9))
    preamble = Commitment.objects.get(number=0)
    assert preamble.text.startswith("Dans le respect mutuel")
    assert preamble.heading == "Préambule"
    assert Commitment.objects.get(number=5).heading == "Engagement n° 5"
    assessment = CommitmentAssessmentFactory(commitment=Commitment.objects.get(number=1))
    snapshot = list(Commitment.objects.values_list("number", "text"))

    call_command("load_reference", "--skip-territories", stdout=io.StringIO())

    assert list(Commitment.objects.values_list("number", "text")) == snapshot
    assert CommitmentAssessment.objects.filter(pk=assessment.pk).exists()


def test_short_names_come_from_the_bracket_unless_the_taxonomy_names_one():
    taxonomy_load()
    short = dict(Organisation.objects.values_list("slug", "short_name"))
    assert short["caf"] == "CAF"
    # « Finances publiques (impots.gouv) »: a page says « la DGFiP », not « impots.gouv ».
    assert short["dgfip"] == "DGFiP"
    assert short["la-poste"] == "La Poste"
    assert short["assurance-retraite"] == "Assurance retraite"
    assert Organisation.objects.get(slug="anah").name_with_article == "l’Anah"


def test_a_commitment_outside_0_to_8_is_refused(tmp_path):
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(
        "channels: {}\njourney_stages: {}\nthemes: {}\norganisations: {}\n"
        "commitments:\n  9: Un engagement de trop.\n",
        encoding="utf-8",
    )
    with pytest.raises(DirectoryError) as refused:
        taxonomy_load(path=taxonomy)
    assert refused.value.code == "unknown_commitment"
    assert not Commitment.objects.filter(number=9).exists()


# --- The service ----------------------------------------------------------------------------


def test_an_assessment_is_created_then_updated_with_its_links_replaced(caf, quality_manager):
    commitment = Commitment.objects.get(number=4)
    first = commitment_assessment_save(
        actor=quality_manager,
        organisation=caf,
        commitment=commitment,
        level=CommitmentAssessment.Level.IN_PROGRESS,
        text="  Nous affichons nos délais.\r\nChaque trimestre.  ",
        evidence=[
            ("Nos délais", "https://www.caf.fr/delais"),
            ("  Rapport   annuel ", " http://example.org/rapport.pdf "),
        ],
    )
    assert first.text == "Nous affichons nos délais.\nChaque trimestre."
    assert first.updated_by == quality_manager
    assert list(first.evidence.values_list("label", "url")) == [
        ("Nos délais", "https://www.caf.fr/delais"),
        ("Rapport annuel", "http://example.org/rapport.pdf"),
    ]

    second = commitment_assessment_save(
        actor=quality_manager,
        organisation=caf,
        commitment=commitment,
        level=CommitmentAssessment.Level.ACHIEVED,
        text="Délais tenus.",
        evidence=[("Résultats", "https://www.plus.transformation.gouv.fr/")],
    )

    assert second.pk == first.pk
    assert CommitmentAssessment.objects.count() == 1
    assert list(second.evidence.values_list("label", flat=True)) == ["Résultats"]
    assert CommitmentEvidence.objects.count() == 1
    rows = list(AuditEvent.objects.filter(action="commitment.assessed").order_by("pk"))
    assert [row.organisation for row in rows] == [caf, caf]
    assert rows[-1].data == {"commitment": 4, "from": "en-cours", "to": "atteint", "evidence": 1}
    described = audit.details(rows[-1].action, rows[-1].data)
    assert described == (
        "de « En cours » à « Atteint », engagement n° : 4, liens justificatifs : 1"
    )
    assert audit.action_label("commitment.assessed").startswith("Autoévaluation")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/rapport.pdf",
        "data:text/html,<b>x</b>",
        "www.caf.fr",
        "https://",
        "",
    ],
)
def test_a_link_that_is_not_an_http_address_is_refused(caf, quality_manager, url):
    with pytest.raises(DirectoryError) as refused:
        commitment_assessment_save(
            actor=quality_manager,
            organisation=caf,
            commitment=Commitment.objects.get(number=1),
            level=CommitmentAssessment.Level.ACHIEVED,
            evidence=[("Un lien", url)],
        )
    assert refused.value.code == "invalid_evidence_url"
    assert refused.value.errors == {
        "evidence_0_url": [BAD_URL if url else "Indiquez l’adresse de ce lien."]
    }
    assert not CommitmentAssessment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"text": "x" * 2001}, "text_too_long"),
        ({"level": "parfait"}, "unknown_level"),
        (
            {"evidence": [("Lien", "https://example.org/")] * (EVIDENCE_MAX + 1)},
            "too_many_evidence_links",
        ),
        ({"evidence": [("", "https://example.org/")]}, "invalid_evidence_label"),
        ({"evidence": [("x" * 201, "https://example.org/")]}, "invalid_evidence_label"),
        ({"evidence": [("Long", "https://example.org/" + "a" * 500)]}, "evidence_url_too_long"),
    ],
)
def test_other_refusals_of_the_service(caf, quality_manager, changes, code):
    arguments = {
        "actor": quality_manager,
        "organisation": caf,
        "commitment": Commitment.objects.get(number=2),
        "level": CommitmentAssessment.Level.IN_PROGRESS,
        "text": "",
        "evidence": (),
    } | changes
    with pytest.raises(DirectoryError) as refused:
        commitment_assessment_save(**arguments)
    assert refused.value.code == code
    assert not CommitmentAssessment.objects.exists()


def test_the_text_limit_speaks_french(caf, quality_manager):
    with pytest.raises(DirectoryError) as refused:
        services.validate_assessment_text("x" * 2001)
    assert refused.value.message == (
        "Le texte ne doit pas dépasser 2\xa0000 caractères (il en compte 2\xa0001)."
    )


# --- Back office: scoping ---------------------------------------------------------------------


def test_an_agent_of_another_organisation_gets_404(client, caf):
    other = OrganisationFactory()
    for role in (Role.QUALITY_MANAGER, Role.AGENT, Role.ORGANISATION_ADMIN):
        client.force_login(MembershipFactory(organisation=other, role=role).user)
        assert client.get(_list_url(caf)).status_code == 404, role
        assert client.get(_edit_url(caf, 1)).status_code == 404, role
        assert client.post(_edit_url(caf, 1), {"level": "atteint"}).status_code == 404, role
    assert not CommitmentAssessment.objects.exists()


def test_a_role_of_the_organisation_without_quality_gets_403(client, caf):
    for role in (Role.AGENT, Role.SUPERVISOR):
        client.force_login(MembershipFactory(organisation=caf, role=role).user)
        assert client.get(_list_url(caf)).status_code == 403, role
        assert client.get(_edit_url(caf, 1)).status_code == 403, role
        assert client.post(_edit_url(caf, 1), {"level": "atteint"}).status_code == 403, role
    assert not CommitmentAssessment.objects.exists()


def test_a_quality_manager_of_a_local_service_does_not_reach_the_organisation(client, caf):
    service = LocalServiceFactory(organisation=caf)
    client.force_login(
        MembershipFactory(organisation=None, local_service=service, role=Role.QUALITY_MANAGER).user
    )
    assert client.get(_list_url(caf)).status_code == 404


def test_quality_managers_admins_and_platform_admins_open_the_page(client, caf, quality_manager):
    admin = MembershipFactory(organisation=caf, role=Role.ORGANISATION_ADMIN).user
    for user in (quality_manager, admin, UserFactory(platform_admin=True)):
        client.force_login(user)
        response = client.get(_list_url(caf))
        assert response.status_code == 200
        assert response.content.decode().count('data-commitment="') == 9
        assert client.get(_edit_url(caf, 8)).status_code == 200


def test_an_unknown_commitment_is_404(client, caf, quality_manager):
    client.force_login(quality_manager)
    assert client.get(_edit_url(caf, 9)).status_code == 404


def test_the_menu_leads_the_quality_manager_to_the_page(client, caf, quality_manager):
    client.force_login(quality_manager)
    html = client.get(reverse("backoffice:dashboard")).content.decode()
    assert f'href="{_list_url(caf)}"' in html and "Engagements Services Publics+" in html


# --- Back office: the form ----------------------------------------------------------------------


def _post(client, organisation, number, **data):  # type: ignore[no-untyped-def]
    return client.post(_edit_url(organisation, number), {"level": "en-cours", "text": ""} | data)


def test_the_form_saves_the_assessment_and_its_links(client, caf, quality_manager):
    client.force_login(quality_manager)
    response = _post(
        client,
        caf,
        3,
        level="atteint",
        text="Nous orientons vers le bon interlocuteur.",
        evidence_0_label="Charte d’accueil",
        evidence_0_url="https://www.caf.fr/charte",
        evidence_2_label="Résultats",  # a gap between rows is fine
        evidence_2_url="https://www.plus.transformation.gouv.fr/",
    )
    assert response.status_code == 302 and response["Location"] == _list_url(caf)
    assessment = CommitmentAssessment.objects.get(organisation=caf, commitment=3)
    assert assessment.level == "atteint"
    assert list(assessment.evidence.values_list("label", flat=True)) == [
        "Charte d’accueil",
        "Résultats",
    ]
    page = client.get(_list_url(caf)).content.decode()
    assert "L’autoévaluation « Engagement n° 3 » est enregistrée." in page
    assert "Atteint" in page
    edit = client.get(_edit_url(caf, 3)).content.decode()
    assert 'value="https://www.caf.fr/charte"' in edit
    # The two links, then one empty row (three at least).
    assert 'name="evidence_2_url"' in edit and 'name="evidence_3_url"' not in edit


def test_a_bad_link_is_refused_next_to_its_field_in_french(client, caf, quality_manager):
    client.force_login(quality_manager)
    response = _post(
        client,
        caf,
        1,
        evidence_0_label="Script",
        evidence_0_url="javascript:alert(1)",
        evidence_1_url="https://example.org/",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "L’autoévaluation n’a pas été enregistrée" in html
    assert BAD_URL in html
    assert "Indiquez l’intitulé de ce lien." in html
    assert 'value="javascript:alert(1)"' in html  # what was typed is kept
    assert not CommitmentAssessment.objects.exists()


def test_a_text_too_long_and_a_missing_level_are_refused_in_french(client, caf, quality_manager):
    client.force_login(quality_manager)
    response = client.post(_edit_url(caf, 1), {"text": "é" * 2001})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le texte ne doit pas dépasser 2\xa0000 caractères" in html
    assert "Choisissez un niveau." in html
    response = _post(client, caf, 1, level="parfait")
    assert "Choisissez un niveau parmi ceux proposés." in response.content.decode()
    assert not CommitmentAssessment.objects.exists()


# --- Public page ----------------------------------------------------------------------------------


def test_the_public_page_shows_each_commitment_and_the_assessment(client, caf, indicator_source):
    registry.register_indicator_source(None)
    assessment = CommitmentAssessmentFactory(
        organisation=caf, commitment=Commitment.objects.get(number=5), achieved=True
    )
    CommitmentEvidenceFactory(
        assessment=assessment, label="Nos résultats", url="https://www.caf.fr/resultats"
    )
    response = client.get(_public_url(caf))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-commitment="') == 9
    assert "Préambule" in html and "Engagement n° 8" in html
    assert (
        'class="fr-badge fr-badge--sm fr-badge--success">'
        '<span class="fr-sr-only">Niveau\xa0: </span>Atteint<'
    ) in html
    assert assessment.text in html
    assert 'href="https://www.caf.fr/resultats"' in html and ">Nos résultats<" in html
    assert "n’a pas encore publié son autoévaluation" in html
    assert "Indicateurs rattachés" not in html  # no source registered
    detail = client.get(reverse("directory:organisation_detail", args=[caf.slug]))
    assert f'href="{_public_url(caf)}"' in detail.content.decode()


def test_the_public_page_escapes_what_the_organisation_wrote(client, caf):
    assessment = CommitmentAssessmentFactory(
        organisation=caf,
        commitment=Commitment.objects.get(number=0),
        text='<script>alert("texte")</script>\nDeuxième ligne',
    )
    CommitmentEvidenceFactory(
        assessment=assessment,
        label='<img src=x onerror="alert(1)">',
        url='https://example.org/"><script>alert(2)</script>',
    )
    html = client.get(_public_url(caf)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;texte&quot;)&lt;/script&gt;<br>Deuxième ligne" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'href="https://example.org/&quot;&gt;&lt;script&gt;' in html


def test_the_public_page_lists_the_attached_indicators_of_a_registered_source(
    client, caf, indicator_source
):
    registry.register_indicator_source(
        lambda: {1: [("taux-appels-decroches", "Taux d’appels décrochés")], 4: []}
    )
    html = client.get(_public_url(caf)).content.decode()
    assert html.count("Indicateurs rattachés") == 9
    assert 'data-indicator="taux-appels-decroches">Taux d’appels décrochés<' in html
    assert html.count("Aucun indicateur de qualité n’est rattaché à cet engagement.") == 8


def test_the_public_page_reads_in_a_few_queries_whatever_the_links(
    client, caf, django_assert_max_num_queries
):
    for number in range(9):
        assessment = CommitmentAssessmentFactory(
            organisation=caf, commitment=Commitment.objects.get(number=number)
        )
        CommitmentEvidenceFactory.create_batch(3, assessment=assessment)
    # Six, and one for the indicators the quality catalogue attaches to the commitments.
    with django_assert_max_num_queries(7):
        assert client.get(_public_url(caf)).status_code == 200


def test_no_public_page_for_an_unknown_inactive_or_operator_organisation(client, commitments):
    inactive = OrganisationFactory(is_active=False)
    operator = OrganisationFactory(operator=True)
    for slug in ("inconnu", inactive.slug, operator.slug):
        assert (
            client.get(reverse("directory:organisation_commitments", args=[slug])).status_code
            == 404
        )


def test_the_registry_normalises_what_the_source_gives(indicator_source):
    registry.register_indicator_source(None)
    assert registry.indicators_for_commitments() is None
    registry.register_indicator_source(lambda: {"2": (("code", "Nom"),)})  # type: ignore[dict-item]
    assert registry.indicators_for_commitments() == {2: [("code", "Nom")]}
