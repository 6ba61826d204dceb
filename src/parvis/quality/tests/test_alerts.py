"""A target missed on the latest open month is told once per indicator and month to the
organisation's quality managers (by email, through the outbound door), and shown on
their dashboard; a target met, a figure withheld or a frozen month alert nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from parvis.accounts.models import Role
from parvis.accounts.tests.factories import MembershipFactory, UserFactory
from parvis.directory.tests.factories import OrganisationFactory
from parvis.messaging.models import Delivery
from parvis.quality import services
from parvis.quality.models import TargetAlert
from parvis.quality.tests.factories import IndicatorTargetFactory, ResultFactory, indicator

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 10, 20)


@pytest.fixture
def caf():
    return OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")


def _managers(organisation, count: int = 2) -> list:  # type: ignore[no-untyped-def]
    return [
        MembershipFactory(
            organisation=organisation,
            role=Role.QUALITY_MANAGER,
            user=UserFactory(email=f"qualite{index}@caf.example.org"),
        ).user
        for index in range(count)
    ]


def test_a_missed_target_is_told_once_to_each_quality_manager(
    caf, smtp_inbox, django_capture_on_commit_callbacks
):
    _managers(caf)
    MembershipFactory(organisation=caf, role=Role.AGENT)  # not a quality manager
    ResultFactory(organisation=caf, month=MONTH, value=0.82, n=400)
    IndicatorTargetFactory(organisation=caf, value=0.9)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.target_alerts_send(today=TODAY) == 1

    alert = TargetAlert.objects.get()
    assert (alert.organisation, alert.month, alert.value, alert.target) == (caf, MONTH, 0.82, 0.9)
    assert alert.recipients == 2
    assert sorted(str(m["To"]) for m in smtp_inbox.messages) == [
        "qualite0@caf.example.org",
        "qualite1@caf.example.org",
    ]
    message = smtp_inbox.messages[0]
    assert str(message["Subject"]).strip() == (
        "Caisse d’allocations familiales : 1 cible manquée en octobre 2026"
    )
    body = smtp_inbox.bodies()[0]
    assert "Taux d’appels décrochés : 82,0\u202f% pour une cible de 90,0\u202f%" in body
    assert "/espace-agents/qualite/organismes/caf/" in body

    # The next refresh, and the one after: nothing new, nothing sent again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.target_alerts_send(today=TODAY) == 0
        assert services.target_alerts_send(today=TODAY + dt.timedelta(days=1)) == 0
    assert TargetAlert.objects.count() == 1 and len(smtp_inbox.messages) == 2
    assert Delivery.objects.filter(template=services.ALERT_TEMPLATE).count() == 2


def test_several_missed_targets_make_one_email_per_manager(
    caf, smtp_inbox, django_capture_on_commit_callbacks
):
    _managers(caf, count=1)
    wait = indicator("attente-moyenne-telephone")
    ResultFactory(organisation=caf, month=MONTH, value=0.82, n=400)
    ResultFactory(organisation=caf, month=MONTH, indicator=wait, value=140, n=400)
    IndicatorTargetFactory(organisation=caf, value=0.9)
    IndicatorTargetFactory(organisation=caf, indicator=wait, value=120)  # lower is better

    with django_capture_on_commit_callbacks(execute=True):
        assert services.target_alerts_send(today=TODAY) == 2

    [message] = smtp_inbox.messages
    assert "2 cibles manquées" in message["Subject"]
    body = smtp_inbox.bodies()[0]
    assert "Temps d’attente moyen au téléphone : 140\xa0s pour une cible de 120\xa0s" in body


@pytest.mark.parametrize(
    ("value", "n", "target"),
    [
        (0.92, 400, 0.9),  # met
        (0.5, 5, 0.9),  # withheld: under min_n_publish
    ],
    ids=["met", "withheld"],
)
def test_a_target_met_or_a_figure_withheld_alerts_nobody(
    caf, smtp_inbox, django_capture_on_commit_callbacks, value, n, target
):
    _managers(caf)
    ResultFactory(organisation=caf, month=MONTH, value=value, n=n)
    IndicatorTargetFactory(organisation=caf, value=target)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.target_alerts_send(today=TODAY) == 0
    assert not TargetAlert.objects.exists() and not smtp_inbox.messages


def test_only_the_latest_open_month_counts(caf, smtp_inbox, django_capture_on_commit_callbacks):
    _managers(caf, count=1)
    IndicatorTargetFactory(organisation=caf, value=0.9)
    ResultFactory(organisation=caf, month=dt.date(2026, 9, 1), value=0.5)  # frozen on 20/10
    with django_capture_on_commit_callbacks(execute=True):
        assert services.target_alerts_send(today=TODAY) == 0
    # In early November, October is still open and is the latest month with results.
    ResultFactory(organisation=caf, month=MONTH, value=0.6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.target_alerts_send(today=dt.date(2026, 11, 3)) == 1
    assert TargetAlert.objects.get().month == MONTH


def test_the_dashboard_shows_the_alert(caf):
    [manager] = _managers(caf, count=1)
    ResultFactory(organisation=caf, month=MONTH, value=0.82, n=400)
    IndicatorTargetFactory(organisation=caf, value=0.9)
    services.target_alerts_send(today=TODAY)
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("quality_backoffice:dashboard", args=["caf"])).content.decode()
    alert = TargetAlert.objects.get()
    assert f'data-alert="{alert.pk}"' in page
    assert "Alerte envoyée le" in page and "1 destinataire" in page
