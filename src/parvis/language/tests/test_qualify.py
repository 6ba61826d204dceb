"""Qualification: organisation and motif in several registers, flags, tone, stage, themes."""

from __future__ import annotations

import pytest

from parvis.directory.models import Motif, Organisation, Theme
from parvis.language.engine import qualify, qualify_many
from parvis.language.tests.qualification_cases import CASES

pytestmark = pytest.mark.usefixtures("reference")

FIELDS = {
    "organisation",
    "motif",
    "confidence",
    "alternatives",
    "low_confidence",
    "urgency",
    "vulnerability",
    "sensitive",
    "tone",
    "journey_stage",
    "themes",
}


def test_result_has_every_field_with_its_type():
    result = qualify("Bonjour, mon RSA n'a pas été versé ce mois-ci, je n'ai plus rien.")
    assert set(result) == FIELDS
    assert result["organisation"] == "caf" and result["motif"] == "rsa"
    assert 0 <= result["confidence"] <= 1
    assert len(result["alternatives"]) == 3
    assert all(set(a) == {"organisation", "motif", "confidence"} for a in result["alternatives"])
    assert (result["organisation"], result["motif"]) not in {
        (a["organisation"], a["motif"]) for a in result["alternatives"]
    }
    assert isinstance(result["low_confidence"], bool)
    assert set(result["urgency"]) == {"flag", "triggers"}
    assert set(result["sensitive"]) == {"flag", "categories", "triggers"}
    assert result["tone"] in {"positif", "neutre", "negatif"}
    assert result["journey_stage"] in {"information", "demarche", "contact", "decision"}
    assert set(result["themes"]) <= set(Theme.objects.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("register", "text", "organisation", "motif"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}-{i}" for i, c in enumerate(CASES)],
)
def test_cases_in_every_register(register, text, organisation, motif):
    result = qualify(text)
    top2 = [(result["organisation"], result["motif"])] + [
        (a["organisation"], a["motif"]) for a in result["alternatives"][:1]
    ]
    assert (organisation, motif) in top2, result


def test_case_accuracy_overall():
    results = qualify_many([c[1] for c in CASES])
    correct = sum(
        (r["organisation"], r["motif"]) == (c[2], c[3]) for r, c in zip(results, CASES, strict=True)
    )
    assert correct / len(CASES) >= 0.9
    confident = [(r, c) for r, c in zip(results, CASES, strict=True) if not r["low_confidence"]]
    assert (
        sum((r["organisation"], r["motif"]) == (c[2], c[3]) for r, c in confident) / len(confident)
        >= 0.95
    )


def test_an_inactive_motif_is_never_predicted():
    Motif.objects.filter(organisation__slug="caf", slug="rsa").update(is_active=False)
    result = qualify("Mon RSA n'a pas été versé, je voudrais le revenu de solidarité active.")
    assert result["motif"] != "rsa"
    assert all(a["motif"] != "rsa" for a in result["alternatives"])


def test_deactivating_a_motif_applies_at_once_despite_the_reference_cache():
    text = "Mon RSA n'a pas été versé, je voudrais le revenu de solidarité active."
    assert qualify(text)["motif"] == "rsa"  # reference data now cached in this process
    motif = Motif.objects.get(organisation__slug="caf", slug="rsa")
    motif.is_active = False
    motif.save()
    assert qualify(text)["motif"] != "rsa"


def test_reference_data_is_read_again_after_its_time_to_live(monkeypatch):
    from parvis.language import engine

    text = "Mon RSA n'a pas été versé, je voudrais le revenu de solidarité active."
    assert qualify(text)["motif"] == "rsa"
    # another process's change: no signal here, only the time-to-live
    Motif.objects.filter(organisation__slug="caf", slug="rsa").update(is_active=False)
    assert qualify(text)["motif"] == "rsa"
    monkeypatch.setattr(engine.reference_memo, "ttl", 0.0)
    assert qualify(text)["motif"] != "rsa"


def test_a_motif_without_trained_model_is_never_predicted():
    organisation = Organisation.objects.create(slug="crous", name="Crous")
    Motif.objects.create(organisation=organisation, slug="bourse", label="Bourse étudiante")
    for text in ["Ma bourse du Crous n'est pas versée", "bourse crous échelon", "crous bourse"]:
        result = qualify(text)
        assert result["organisation"] != "crous"
        assert all(a["organisation"] != "crous" for a in result["alternatives"])


def test_unrelated_text_is_low_confidence():
    assert qualify("Bonjour, il fait beau aujourd'hui.")["low_confidence"] is True


def test_urgency_on_loss_of_income_and_eviction():
    result = qualify(
        "Je n'ai plus aucun revenu depuis deux mois et l'huissier est passé pour "
        "l'expulsion, mes enfants ont faim."
    )
    assert result["urgency"]["flag"] is True
    assert {"huissier", "expulsion"} <= set(result["urgency"]["triggers"])


@pytest.mark.parametrize(
    "text",
    [
        "jai plus rien pour manger g plus de rsa",
        "on va me couper l'électricité demain",
        "je suis à bout, je n'en peux plus",
        "urgent svp je dors dans ma voiture",
    ],
)
def test_urgency_in_other_registers(text):
    assert qualify(text)["urgency"]["flag"] is True


@pytest.mark.parametrize(
    "text",
    [
        "Ma mère a 87 ans et vit seule, elle ne sait pas utiliser internet.",
        "Je suis handicapé à 80 % et je touche l'AAH.",
        "je parle pas bien francais",
        "Mon fils autiste est reconnu par la MDPH.",
    ],
)
def test_vulnerability(text):
    assert qualify(text)["vulnerability"]["flag"] is True


def test_sensitive_categories():
    result = qualify(
        "Je suis en chimiothérapie pour un cancer et je sors de prison, je suis "
        "musulmane et syndiquée à la CGT."
    )
    assert result["sensitive"]["flag"] is True
    assert {"sante", "infraction", "religion", "syndicat"} <= set(result["sensitive"]["categories"])


def test_plain_request_has_no_flags():
    result = qualify("Comment déclarer un nouveau médecin traitant ?")
    assert not result["urgency"]["flag"]
    assert not result["vulnerability"]["flag"]
    assert not result["sensitive"]["flag"]


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("Merci beaucoup à la conseillère, très aimable et efficace !", "positif"),
        ("C'est inadmissible, toujours aucune réponse depuis trois mois.", "negatif"),
        ("Quels documents faut-il pour la demande de carte grise ?", "neutre"),
    ],
)
def test_tone(text, tone):
    assert qualify(text)["tone"] == tone


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Est-ce que j'ai droit à la prime d'activité ? Quelles conditions ?", "information"),
        ("Je n'arrive pas à remplir le formulaire en ligne pour déposer ma demande.", "demarche"),
        (
            "Impossible d'avoir un rendez-vous à l'accueil ni de joindre un conseiller.",
            "contact",
        ),
        ("Ma pension n'a pas été versée, je n'ai pas reçu le paiement.", "decision"),
    ],
)
def test_journey_stage(text, stage):
    assert qualify(text)["journey_stage"] == stage


def test_themes_are_taxonomy_slugs():
    result = qualify(
        "Cela fait trois mois que j'attends, personne ne répond au téléphone et le "
        "site internet bugue, on me redemande des justificatifs."
    )
    assert {"delai", "injoignable", "dematerialisation", "pieces-justificatives"} <= set(
        result["themes"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "J'ai écrit à l'Assurance Maladie pour mon arrêt maladie.",
        "Je vis dans le sud de la France.",
        "Le traitement de mon dossier est long.",
    ],
)
def test_names_of_administrations_are_not_sensitive(text):
    assert qualify(text)["sensitive"]["flag"] is False


def test_direct_probabilities_equal_the_pipeline_s():
    import numpy as np

    from parvis.language.engine import get_model

    model = get_model()
    texts = [c[1] for c in CASES[:20]]
    expected = model.pipeline.predict_proba(texts)
    assert np.allclose(model.probabilities(texts), expected, atol=1e-6)
