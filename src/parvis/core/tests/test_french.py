"""French rules of names and counts (``parvis.core.french`` and its template filters):
« de la CAF », « d’Antoine Agent », « 0 soutien »."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from parvis.core import french
from parvis.directory.tests.factories import LocalServiceFactory, OrganisationFactory


class Named:
    def __init__(self, name_with_article: str) -> None:
        self.name_with_article = name_with_article


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Antoine Agent", "d’Antoine Agent"),
        ("Accueil CPAM du Rhône", "d’Accueil CPAM du Rhône"),
        ("Émilie Durand", "d’Émilie Durand"),
        ("Urssaf", "d’Urssaf"),
        ("Claire Administratrice", "de Claire Administratrice"),
        ("France Travail", "de France Travail"),
        ("Opérateur de démonstration", "d’Opérateur de démonstration"),
        (Named("la CAF de la Gironde"), "de la CAF de la Gironde"),
        (Named("l’Urssaf"), "de l’Urssaf"),
        (Named("le Chèque énergie"), "du Chèque énergie"),
        (Named("les impôts"), "des impôts"),
    ],
)
def test_de_contracts_and_elides(value, expected):
    assert french.de(value) == expected


@pytest.mark.parametrize(
    ("count", "suffix", "expected"),
    [(0, "s", ""), (1, "s", ""), (1.5, "s", ""), (2, "s", "s"), (-3, "s", "s"), (12, "x", "x")],
)
def test_zero_and_one_are_singular_in_french(count, suffix, expected):
    assert french.plural_suffix(count, suffix) == expected


def test_the_filters_in_a_template():
    template = Template(
        "{% load french %}{{ n }} soutien{{ n|pluralize_fr }}, "
        "{{ m }} soutien{{ m|pluralize_fr }}, "
        '{{ k }} service{{ k|pluralize_fr }} loca{{ k|pluralize_fr:"l,ux" }} ; '
        "le rôle {{ person|de_elide }} ; Discuter avec {{ org|with_article }}"
    )
    html = template.render(
        Context({"n": 0, "m": 3, "k": 1, "person": "Antoine Agent", "org": Named("la CAF")})
    )
    assert html == (
        "0 soutien, 3 soutiens, 1 service local ; le rôle d’Antoine Agent ; Discuter avec la CAF"
    )


def test_escaping_still_applies():
    html = Template("{% load french %}{{ name|de_elide }}").render(Context({"name": "<b>A</b>"}))
    assert html == "de &lt;b&gt;A&lt;/b&gt;"


@pytest.mark.django_db
def test_organisations_and_their_local_services_say_their_article():
    caf = OrganisationFactory(
        name="Caisse d’allocations familiales (CAF)", short_name="CAF", article="la"
    )
    assert caf.name_with_article == "la CAF"
    gironde = LocalServiceFactory(organisation=caf, name="CAF de la Gironde")
    assert gironde.name_with_article == "la CAF de la Gironde"
    assert french.de(gironde) == "de la CAF de la Gironde"
    # a name that does not start with the short name is said as it is
    other = LocalServiceFactory(organisation=caf, name="Accueil de Mérignac")
    assert french.de(other) == "d’Accueil de Mérignac"
    assert (
        LocalServiceFactory(organisation=caf, name="CAFÉ social").name_with_article == "CAFÉ social"
    )
    urssaf = OrganisationFactory(name="Urssaf", short_name="Urssaf", article="l’")
    assert french.de(urssaf) == "de l’Urssaf"
    travail = OrganisationFactory(name="France Travail", short_name="France Travail")
    assert french.de(travail) == "de France Travail"


# Figures: one convention of spaces ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "trim", "expected"),
    [
        (2779.4, 0, False, "2\xa0779"),
        (1234567.25, 1, False, "1\xa0234\xa0567,2"),
        (87.0, 1, False, "87,0"),
        (87.0, 1, True, "87"),
        (2.5, 1, True, "2,5"),
        (999, 0, False, "999"),
    ],
)
def test_numbers_group_thousands_by_a_no_break_space_and_take_a_decimal_comma(
    value, decimals, trim, expected
):
    assert french.number(value, decimals, trim=trim) == expected


def test_a_unit_never_leaves_its_figure_on_another_line():
    assert french.with_unit("87,4", "%") == "87,4\u202f%"
    assert french.with_unit("1\xa0234", "s") == "1\xa0234\xa0s"
    assert french.with_unit("2,1", "j. ouvrés") == "2,1\xa0j. ouvrés"
    assert french.with_unit("12", "") == "12"
    assert french.percent(0.8742) == "87,4\u202f%"
    assert french.percent(0.9, 0) == "90\u202f%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0\xa0jour ouvré"),
        (1.5, "1,5\xa0jour ouvré"),
        (2, "2\xa0jours ouvrés"),
        (2.54, "2,5\xa0jours ouvrés"),
    ],
)
def test_working_days_are_singular_under_two(value, expected):
    assert french.working_days(value) == expected


def test_a_time_of_day_is_written_the_french_way_on_one_line():
    assert french.time_of_day(dt.time(9, 0)) == "9\xa0h"
    assert french.time_of_day(dt.datetime(2026, 3, 10, 13, 5, tzinfo=dt.UTC)) == "13\xa0h\xa005"


def test_the_with_unit_filter_writes_a_number_in_french_before_its_unit():
    rendered = Template('{% load french %}{{ rate|with_unit:"%" }} · {{ wait|with_unit:"s" }}')
    assert rendered.render(Context({"rate": 66.67, "wait": 1234})) == "66,7\u202f% · 1\xa0234\xa0s"


# Plurals: one rule, one place -----------------------------------------------------------

PARVIS = Path(__file__).resolve().parents[2]
# Counted plurals written by hand: « {n} cible{'s' if n > 1 else ''} ».
INLINE_PLURAL = re.compile(r"""["'](?:s|es|x)["'] if [^"'\n]*(?:[<>]=?|[!=]=) ?[12]\b""")
# Django's ``pluralize`` says « 0 cibles »; French says « 0 cible » (``pluralize_fr``).
DJANGO_PLURALIZE = re.compile(r"\|pluralize(?!_fr)\b")


def _own_files(*suffixes: str) -> list[Path]:
    return [
        path
        for path in sorted(PARVIS.rglob("*"))
        if path.suffix in suffixes and "tests" not in path.relative_to(PARVIS).parts
    ]


def test_counted_words_take_their_plural_from_plural_suffix_only():
    inline = [
        f"{path.relative_to(PARVIS)}:{number}"
        for path in _own_files(".py")
        if path.name != "french.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE_PLURAL.search(line)
    ]
    pluralize = [
        f"{path.relative_to(PARVIS)}:{number}"
        for path in _own_files(".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DJANGO_PLURALIZE.search(line)
    ]
    assert inline == [], "use parvis.core.french.plural_suffix"
    assert pluralize == [], "use the pluralize_fr filter ({% load french %})"


def test_a_limit_of_zero_or_one_is_written_in_the_singular():
    from parvis.voice.models import AnswerTemplate

    limits = {
        "sms": {"max_segments": 0},
        "chat": {"max_segments": 1},
        "courriel": {"max_characters": 2},
    }
    assert AnswerTemplate(channel_limits=limits).limit_labels() == [
        "SMS : 0 segment au plus",
        "Chat : 1 segment au plus",
        "Courriel : 2 caractères au plus",
    ]


def test_time_fr_shows_a_moment_in_the_current_time_zone_the_french_way():
    import datetime as dt

    from django.template import Context, Template

    rendered = Template("{% load french %}{{ moment|time_fr }}|{{ none|time_fr }}")
    moment = dt.datetime(2026, 12, 5, 8, 5, tzinfo=dt.UTC)  # 9 h 05 in Paris
    assert rendered.render(Context({"moment": moment, "none": None})) == "9\xa0h\xa005|"


def test_duration_reads_a_wait_in_french_on_one_line():
    from parvis.core.french import duration

    assert duration(45) == "45\xa0s"
    assert duration(185) == "3\xa0min\xa005"
    assert duration(4320) == "1\xa0h\xa012"
    assert duration(1_058_701) == "12\xa0j\xa06\xa0h"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33556001122", "05 56 00 11 22"),
        ("+262692123456", "0692 12 34 56"),  # La Réunion: dialled from France as 0692…
        ("+687751234", "+687 75.12.34"),  # New Caledonia has a numbering plan of its own
        ("+447911123456", "+44 7911 123456"),
        ("n/a", "n/a"),
    ],
)
def test_a_phone_number_is_shown_as_a_french_reader_writes_it(stored, shown):
    assert french.phone(stored) == shown


def test_a_masked_number_keeps_its_first_and_last_two_digits():
    from parvis.routing.selectors_callbacks import masked_number

    assert masked_number("+33612345678") == "06 •• •• •• 78"
    assert masked_number("+262692123456") == "06•• •• •• 56"
    assert masked_number("123") == "•••"


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        (dt.date(2026, 12, 1), "j F Y", "1er décembre 2026"),
        (dt.date(2026, 12, 3), "j F Y", "3 décembre 2026"),
        (dt.date(2026, 6, 1), "l j F", "lundi 1er juin"),
        (dt.date(2026, 12, 1), "j/m/Y", "1/12/2026"),
        (dt.date(2026, 12, 1), None, "1er décembre 2026"),
    ],
)
def test_date_writes_the_first_of_the_month_as_an_ordinal(value, pattern, expected):
    assert french.date(value, pattern) == expected


def test_the_date_filter_of_every_template_writes_1er():
    """The builtin ``date`` filter replaces Django's: no ``{% load %}`` needed."""
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    rendered = Template('{{ day|date:"j F Y" }}, {{ day|date }}, {{ moment|date:"j F Y à H:i" }}')
    text = rendered.render(Context({"day": dt.date(2026, 12, 1), "moment": moment}))
    assert text == "1er décembre 2026, 1er décembre 2026, 1er décembre 2026 à 10:00"
    assert Template('{{ t|date:"H:i" }}').render(Context({"t": dt.time(9, 5)})) == "09:05"
    with translation.override("en"):
        assert Template('{{ d|date:"j F Y" }}').render(Context({"d": dt.date(2026, 12, 1)})) == (
            "1 December 2026"
        )
