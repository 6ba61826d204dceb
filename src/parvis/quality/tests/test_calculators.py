"""The calculators are pure: they read summed measures and give a figure."""

from __future__ import annotations

import pytest

from parvis.quality import calculators, measures


def _sums(**values: float) -> dict[str, float]:
    row = measures.empty()
    row.update(values)
    return row


def test_answered_rate_leaves_out_short_abandons_on_both_sides():
    row = _sums(entered=100, answered=80, abandoned=20)
    row["abandon_b00"] = 10  # under 5 s
    row["abandon_b02"] = 10
    figure = calculators.calculator_of("answered_rate").run({"telephone": row}, {})
    assert figure.value == pytest.approx(80 / 90)
    assert (figure.numerator, figure.denominator, figure.n) == (80, 90, 90)
    # The parameter moves the limit by steps of 5 s.
    wider = calculators.calculator_of("answered_rate").run(
        {"telephone": row}, {"short_abandon_seconds": 15}
    )
    assert wider.value == pytest.approx(80 / 80)


def test_channel_filter_keeps_only_the_channels_named():
    phone, email = _sums(entered=10, answered=5), _sums(entered=10, answered=10)
    figure = calculators.calculator_of("answered_rate").run(
        {"telephone": phone, "courriel": email}, {"channels": ["telephone"]}
    )
    assert figure.value == 0.5


def test_answered_within_counts_buckets_up_to_the_working_day_limit():
    row = _sums(entered=10, answered=9)
    for index, count in enumerate([2, 3, 1, 1, 0, 1, 1]):
        row[f"wait_b{index:02d}"] = count
    within_2 = calculators.calculator_of("answered_within").run({"courriel": row}, {})
    within_5 = calculators.calculator_of("answered_within").run(
        {"courriel": row}, {"working_days": 5}
    )
    assert within_2.value == pytest.approx(6 / 10)  # 0, 1 and 2 working days
    assert within_5.value == pytest.approx(8 / 10)


def test_wait_percentile_is_read_at_bucket_resolution_with_its_tolerance():
    row = _sums()
    row["wait_b00"], row["wait_b01"], row["wait_b03"] = 50, 40, 10
    figure = calculators.calculator_of("wait_percentile").run({"telephone": row}, {})
    assert figure.value == 30.0  # 90th value lies in [15, 30)
    assert figure.tolerance == 15.0 and figure.n == 100


def test_sample_indicator_gives_interval_and_response_rate():
    row = _sums(survey_sent=200, survey_answered=120, satisfaction_n=120)
    row["satisfaction_sum"] = 120 * 4.0
    row["satisfaction_sumsq"] = 120 * 16.0 + 119 * 1.0  # a variance of about 1
    figure = calculators.calculator_of("survey_satisfaction").run({"chat": row}, {})
    assert figure.value == pytest.approx(4.0)
    assert figure.ci_low is not None and figure.ci_low < 4.0 < figure.ci_high
    assert figure.response_rate == pytest.approx(0.6)


def test_nothing_counted_gives_no_value_never_zero():
    figure = calculators.calculator_of("answered_rate").run({}, {})
    assert figure.value is None and figure.n == 0


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"short_abandon_seconds": 45}, "short_abandon_seconds"),
        ({"short_abandon_seconds": 7}, "short_abandon_seconds"),
        ({"channels": ["fax"]}, "channels"),
        ({"channels": []}, "channels"),
        ({"formule": "1+1"}, "formule"),
    ],
)
def test_parameters_out_of_bounds_are_refused_in_french(parameters, field):
    errors = calculators.calculator_of("answered_rate").check(parameters)
    assert field in errors
    assert errors[field][0].isupper() or errors[field].startswith("«")


def test_a_mean_over_seconds_and_working_days_is_refused():
    with pytest.raises(ValueError):
        calculators.calculator_of("wait_mean").run({}, {"channels": ["telephone", "courriel"]})
