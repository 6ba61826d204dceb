"""The voice of users in the quality catalogue: the measures of experiences (tone,
moderation by charter reason, themes apart with their negative experiences), their
calculators, and the hourly refresh that rebuilds their facts over months without
touching the hub's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from parvis.core.charter import CharterReason
from parvis.directory.tests.factories import ChannelFactory, LocalServiceFactory, ThemeFactory
from parvis.quality import calculators, measures, selectors, services
from parvis.quality.models import DailyFact, Indicator, Level, Result, ThemeFact
from parvis.voice.models import ExperienceStatus, Tone
from parvis.voice.tests.factories import ExperienceFactory


def test_refusal_columns_follow_the_moderation_charter():
    assert tuple(CharterReason.values) == measures.REJECTION_REASONS


def test_answer_delay_percentile_is_a_whole_number_of_working_days():
    row = measures.empty()
    row.update(dict(zip(measures.ANSWER_DELAY.columns(), [0, 2, 3, 4, 1], strict=False)))
    figure = calculators.calculator_of("answer_delay_percentile").run({None: row}, {})
    # Ten delays: 1, 1, 2, 2, 2, 3, 3, 3, 3, 4; the 9th (nearest rank of 0.9) is 3.
    assert (figure.value, figure.n, figure.tolerance) == (3, 10, 0.0)
    median = calculators.calculator_of("answer_delay_median").run({None: row}, {})
    assert median.value == 2
    assert calculators.calculator_of("answer_delay_percentile").check({"quantile": 1.5})


def test_experience_shares_count_tone_and_refusals():
    row = measures.empty()
    row.update(
        experiences=20,
        experiences_positive=5,
        experiences_negative=12,
        experiences_moderated=25,
        experiences_rejected=5,
    )
    share = {
        code: calculators.calculator_of(code).run({None: row}, {}).value
        for code in ("experiences_positive", "experiences_negative", "experiences_rejected")
    }
    assert share == {
        "experiences_positive": 0.25,
        "experiences_negative": 0.6,
        "experiences_rejected": 0.2,
    }


@pytest.mark.django_db
def test_voice_refresh_rebuilds_the_voice_facts_and_leaves_the_hubs():
    service = LocalServiceFactory()
    theme = ThemeFactory(slug="delai")
    today = timezone.localdate()
    moment = timezone.make_aware(dt.datetime.combine(today, dt.time(0, 30)))
    ExperienceFactory(
        complaint=True, published=True, local_service=service, published_at=moment, themes=[theme]
    )
    ExperienceFactory(
        complaint=True,
        local_service=service,
        status=ExperienceStatus.REJECTED,
        rejection_reason="",
        rejected_at=moment,
    )
    hub = DailyFact.objects.create(
        day=today,
        month=today.replace(day=1),
        organisation=service.organisation,
        channel=ChannelFactory(slug="telephone"),
        entered=7,
    )

    first = services.voice_refresh(months=1)
    again = services.voice_refresh(months=1)

    assert first["facts"] == again["facts"] == 1
    assert DailyFact.objects.get(pk=hub.pk).entered == 7
    voice = DailyFact.objects.get(channel=None)
    assert (voice.experiences, voice.experiences_negative) == (1, 1)
    # A refusal without a coded reason counts as « other ».
    assert (voice.experiences_moderated, voice.experiences_rejected) == (2, 1)
    assert voice.experiences_rejected_other == 1
    assert list(ThemeFact.objects.values_list("theme_id", "experiences")) == [("delai", 1)]
    codes = set(Result.objects.filter(level="national").values_list("indicator__code", flat=True))
    assert {"experiences-negatives", "experiences-refusees", "experiences-repondues"} <= codes
    assert Indicator.objects.get(code="delai-reponse-experiences-p90").parameters == {
        "quantile": 0.9
    }


@pytest.mark.django_db
def test_theme_facts_count_the_negative_experiences_apart():
    service = LocalServiceFactory()
    delay, reception, welcome = (
        ThemeFactory(slug="delai"),
        ThemeFactory(slug="accueil"),
        ThemeFactory(slug="amabilite"),
    )
    moment = dt.datetime(2026, 10, 14, 10, 0, tzinfo=dt.UTC)
    for themes, tone in (
        ([delay, reception], Tone.NEGATIVE),
        ([delay, reception], Tone.NEGATIVE),
        ([reception], Tone.NEGATIVE),
        ([delay], Tone.POSITIVE),
        ([delay, welcome], Tone.POSITIVE),
        ([reception], Tone.NEUTRAL),
    ):
        ExperienceFactory(
            published=True, local_service=service, published_at=moment, tone=tone, themes=themes
        )

    services.facts_refresh(first_day=dt.date(2026, 10, 1), last_day=dt.date(2026, 10, 31))

    assert set(ThemeFact.objects.values_list("theme_id", "experiences", "negative")) == {
        ("delai", 4, 2),
        ("accueil", 4, 3),
        ("amabilite", 1, 0),
    }
    # The selector counts either measure, the most cited first; a theme no negative
    # experience cites is left out of the negative ones.
    where = {"last": dt.date(2026, 10, 1), "organisation_id": service.organisation_id}
    place = (service.organisation_id, service.organisation.slug)
    experiences = selectors.theme_counts(level=Level.ORGANISATION, **where)
    assert list(experiences[place].items()) == [("accueil", 4), ("delai", 4), ("amabilite", 1)]
    negative = selectors.theme_counts(level=Level.ORGANISATION, measure="negative", **where)
    assert list(negative[place].items()) == [("accueil", 3), ("delai", 2)]
    national = selectors.theme_counts(
        level=Level.NATIONAL, last=dt.date(2026, 10, 1), measure="negative"
    )
    assert national == {(None, ""): {"accueil": 3, "delai": 2}}
    with pytest.raises(ValueError, match="no theme measure"):
        selectors.theme_counts(level=Level.NATIONAL, last=dt.date(2026, 10, 1), measure="tone")
