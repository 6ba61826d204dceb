"""The finder of stored codes in what a person reads (``parvis.testing.stored_codes``)."""

from __future__ import annotations

import pytest

from parvis.testing.stored_codes import fold, leaked_codes, visible_text, vocabulary

pytestmark = pytest.mark.django_db


def test_vocabulary_keeps_codes_unlike_their_label():
    codes = vocabulary()
    # States, moves, reasons, sources, roles and audit actions...
    assert {"in_moderation", "answered", "under_study", "send_back", "off_topic"} <= codes
    assert {"assisted", "quality_manager", "experience.publish", "system"} <= codes
    # ...but not a code that reads as its own label, nor an ordinary French word.
    assert {"neutre", "negatif", "positif", "sms", "guichet", "agent", "autre"}.isdisjoint(codes)


def test_fold():
    assert fold("Négatif") == fold("negatif") == "negatif"
    assert fold("Accueil physique") == "accueil-physique"
    assert fold("en_ligne") == "en-ligne"


def test_leaked_codes_reads_only_the_visible_text():
    page = (
        '<html><head><title>x</title><script>var s = "published";</script></head><body>'
        '<a href="/experiences/?statut=in_moderation" title="answered">Publiée</a>'
        "<p>Statut : in_moderation — experience.publish. Jetons d’API, site web.</p>"
        "<style>.published{}</style></body></html>"
    )
    assert visible_text(page).count("Publiée") == 1
    assert leaked_codes(page) == ["experience.publish", "in_moderation", "web"]
    assert leaked_codes("Bonjour,\nvotre demande est under_study.", plain=True) == ["under_study"]
    assert leaked_codes("<p>La démarche-published-v2 est publiée.</p>") == []
