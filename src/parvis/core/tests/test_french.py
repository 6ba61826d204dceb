"""French rules of names and counts (``parvis.core.french`` and its template filters):
« de la CAF », « d’Antoine Agent », « 0 soutien »."""

from __future__ import annotations

import pytest
from django.template import Context, Template

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
