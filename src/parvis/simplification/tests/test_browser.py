"""The proposal form in a real browser: the motif list narrows to the chosen organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.directory.tests.factories import MotifFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def test_the_motifs_narrow_to_the_chosen_organisation(page, live_server):
    caf = OrganisationFactory(slug="caf", name="Caisse d’allocations familiales")
    cpam = OrganisationFactory(slug="cpam", name="Assurance maladie")
    MotifFactory(organisation=caf, label="Prime d’activité")
    MotifFactory(organisation=cpam, label="Carte Vitale")
    page.goto(live_server.url + reverse("simplification:propose"))
    motifs = page.locator("select[data-narrowed-by]")
    groups = motifs.locator("optgroup:not([hidden])")
    assert groups.count() == 2  # nothing chosen yet: every group, as without JavaScript
    motifs.select_option(label="Carte Vitale")
    page.select_option("#id_organisation", label=str(caf))
    assert [groups.nth(i).get_attribute("label") for i in range(groups.count())] == [caf.name]
    assert motifs.input_value() == ""  # the other organisation's motif is unselected
