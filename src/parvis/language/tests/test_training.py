"""Training: corpus mirrored in the database, admin examples, determinism, admin state."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command

from parvis.directory.models import Motif, Organisation
from parvis.language import engine, qualifier, services
from parvis.language.admin import MotifTrainingStatusAdmin
from parvis.language.models import MotifTrainingStatus, TrainingExample
from parvis.testing.ci import sqlite_pass_only

# In CI, the marked tests run once, in the SQLite pass: the PostgreSQL pass is the longer one.
pytestmark = pytest.mark.usefixtures("reference")


@sqlite_pass_only  # reads a corpus file: nothing depends on the database
def test_corpus_sync_is_idempotent():
    first = services.training_examples_sync_corpus()
    assert first["created"] > 3000 and first["skipped"] == 0
    second = services.training_examples_sync_corpus()
    assert second["created"] == 0 and second["deleted"] == 0
    per_motif = {m.slug: m.training_examples.count() for m in Motif.objects.all()}
    assert len(per_motif) == 36 and min(per_motif.values()) >= 50


@sqlite_pass_only  # trains models from the corpus: nothing depends on the database
def test_training_is_deterministic():
    pairs = sorted(
        (row["text"], f"{row['organisation']}/{row['motif']}")
        for row in list(services.corpus_rows())[::24]
    )
    texts = [p[0] for p in pairs[:50]]
    one = qualifier.train(pairs).probabilities(texts)
    two = qualifier.train(pairs).probabilities(texts)
    assert np.array_equal(one, two)


@sqlite_pass_only  # trains models from the corpus: nothing depends on the database
def test_a_new_motif_is_predicted_only_after_retraining(
    isolated_model_dir, small_corpus, admin_client
):
    organisation = Organisation.objects.create(slug="crous", name="Crous")
    motif = Motif.objects.create(organisation=organisation, slug="bourse", label="Bourse")
    texts = [
        "Ma bourse étudiante du Crous n'est pas versée.",
        "Bourse Crous : échelon faux.",
        "Le Crous ne m'a pas payé ma bourse de septembre.",
        "Dossier social étudiant bloqué.",
        "Je suis étudiant boursier et le Crous ne répond pas.",
        "Mon échelon de bourse a baissé, le Crous ne sait pas pourquoi.",
    ]
    for text in texts:
        services.training_example_create(motif=motif, text=text, register="courriel")
    # Trains (no stored model in this directory); the qualifier only: the name detector,
    # trained beside it by ``make install``, is left alone (even when missing).
    (isolated_model_dir / services.NAMES_MODEL_FILENAME).unlink(missing_ok=True)
    call_command("train_language", "--if-stale", "--only", "qualification")
    assert (isolated_model_dir / services.MODEL_FILENAME).exists()
    assert not (isolated_model_dir / services.NAMES_MODEL_FILENAME).exists()
    status = MotifTrainingStatusAdmin(MotifTrainingStatus, None)  # type: ignore[arg-type]
    row = status.get_queryset(None).get(pk=motif.pk)  # type: ignore[arg-type]
    assert status.training_state(row) == "entraîné"
    assert (
        engine.qualify("Ma bourse du Crous n'est toujours pas arrivée")["organisation"] == "crous"
    )
    # a motif added afterwards is "retrain needed" and never predicted
    late = Motif.objects.create(organisation=organisation, slug="logement", label="Logement")
    row = status.get_queryset(None).get(pk=late.pk)  # type: ignore[arg-type]
    assert "réentraînement nécessaire" in status.training_state(row)
    assert TrainingExample.objects.filter(source="admin").count() == 6
    response = admin_client.get("/admin/language/motiftrainingstatus/")
    assert response.status_code == 200
    assert "réentraînement nécessaire" in response.content.decode()


@sqlite_pass_only  # trains models from the corpus: nothing depends on the database
def test_ensure_model_does_not_retrain_a_current_model(isolated_model_dir, small_corpus):
    services.language_model_train()
    assert services.ensure_model()["retrained"] is False
