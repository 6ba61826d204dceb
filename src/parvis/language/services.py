"""Writes of the language engine: corpus sync, training examples, model training."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import joblib
import sklearn
import structlog
from django.conf import settings
from django.db import transaction

from parvis.core.errors import ParvisError
from parvis.directory.models import Motif
from parvis.language import qualifier
from parvis.language.anonymiser import Anonymiser, learned
from parvis.language.models import TrainingExample, text_digest

logger = structlog.get_logger(__name__)

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS_PATH = CORPUS_DIR / "qualification.jsonl"
MODEL_FILENAME = "qualifier.joblib"
METADATA_FILENAME = "qualifier.json"
NAMES_MODEL_FILENAME = "names.joblib"
NAMES_METADATA_FILENAME = "names.json"
# Fewer examples than this and a motif is left out of the model ("retrain needed").
MIN_EXAMPLES_PER_MOTIF = 5


class LanguageError(ParvisError):
    """The engine cannot answer (no trained model, reference data missing): 503."""

    code = "language_error"
    status = 503

    def __init__(self, message: str) -> None:
        super().__init__(type(self).code, message)


class ReferenceDataMissing(LanguageError):
    code = "reference_data_missing"


def model_dir() -> Path:
    path = Path(settings.LANGUAGE_MODEL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


OUT_OF_SCOPE_PATH = CORPUS_DIR / "out_of_scope.jsonl"


def corpus_hash(path: Path = CORPUS_PATH) -> str:
    """Digest of the shipped corpus (the motifs' texts and the out-of-scope texts)."""
    digest = hashlib.sha256(path.read_bytes())
    if path == CORPUS_PATH and OUT_OF_SCOPE_PATH.exists():
        digest.update(OUT_OF_SCOPE_PATH.read_bytes())
    return digest.hexdigest()


def corpus_rows(path: Path = CORPUS_PATH) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def motif_key(motif: Motif) -> str:
    return f"{motif.organisation.slug}/{motif.slug}"


def active_motifs() -> dict[str, Motif]:
    motifs = Motif.objects.select_related("organisation").filter(
        is_active=True, organisation__is_active=True
    )
    return {motif_key(m): m for m in motifs}


def active_motif_keys() -> set[str]:
    """``organisation/motif`` keys of the active motifs: what qualification may predict
    (read per call, without building model instances)."""
    pairs = Motif.objects.filter(is_active=True, organisation__is_active=True).values_list(
        "organisation__slug", "slug"
    )
    return {f"{organisation}/{motif}" for organisation, motif in pairs}


def require_reference_data() -> dict[str, Motif]:
    motifs = active_motifs()
    if not motifs:
        raise ReferenceDataMissing(
            "Données de référence absentes : aucun organisme ni motif en base. "
            "Lancez « parvis migrate » puis « parvis load_reference » (ou « make install »)."
        )
    return motifs


@transaction.atomic
def training_examples_sync_corpus(*, path: Path = CORPUS_PATH) -> dict[str, int]:
    """Mirror the shipped corpus into ``TrainingExample`` (idempotent).

    Rows of the corpus whose motif is not in the database are skipped; corpus rows that
    left the corpus are deleted; rows added by administrators are never touched.
    """
    motifs = active_motifs() | {
        motif_key(m): m for m in Motif.objects.select_related("organisation")
    }
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    skipped = 0
    for row in corpus_rows(path):
        motif = motifs.get(f"{row['organisation']}/{row['motif']}")
        if motif is None:
            skipped += 1
            continue
        wanted[(motif.pk, text_digest(row["text"]))] = row | {"motif_obj": motif}
    existing_keys = {
        (motif_id, text_hash): pk
        for pk, motif_id, text_hash in TrainingExample.objects.filter(
            source=TrainingExample.Source.CORPUS
        ).values_list("id", "motif_id", "text_hash")
    }
    stale = [pk for key, pk in existing_keys.items() if key not in wanted]
    if stale:
        TrainingExample.objects.filter(pk__in=stale).delete()
    admin_keys = set(
        TrainingExample.objects.exclude(source=TrainingExample.Source.CORPUS).values_list(
            "motif_id", "text_hash"
        )
    )
    new = [
        TrainingExample(
            motif=row["motif_obj"],
            text=row["text"],
            text_hash=key[1],
            register=row.get("register", "autre"),
            family=row.get("family", "")[:120],
            source=TrainingExample.Source.CORPUS,
        )
        for key, row in wanted.items()
        if key not in existing_keys and key not in admin_keys
    ]
    # ignore_conflicts: two processes training on first use may mirror the corpus at once
    TrainingExample.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return {"created": len(new), "deleted": len(stale), "skipped": skipped, "total": len(wanted)}


@transaction.atomic
def training_example_create(*, motif: Motif, text: str, register: str = "autre") -> TrainingExample:
    example = TrainingExample(
        motif=motif,
        text=text.strip(),
        text_hash=text_digest(text.strip()),
        register=register,
        source=TrainingExample.Source.ADMIN,
    )
    example.full_clean()
    example.save()
    return example


def training_set() -> tuple[list[tuple[str, str]], list[str]]:
    """``(text, "org/motif")`` for every active example of an active motif with enough
    examples, sorted, and the template family of each (``""`` for an administrator's).

    The text is what qualification reads of it (:func:`qualifier.qualification_text`:
    an email without its signature and quoted reply, a transcript without speaker tags),
    so the model learns on what it will be given.
    """
    motifs = active_motifs()
    by_pk = {m.pk: key for key, m in motifs.items()}
    rows = [
        (qualifier.qualification_text(text, register), by_pk[motif_id], family)
        for motif_id, text, register, family in TrainingExample.objects.filter(
            is_active=True, motif_id__in=list(by_pk)
        ).values_list("motif_id", "text", "register", "family")
    ]
    if OUT_OF_SCOPE_PATH.exists():  # texts about no organisation: read from the file,
        # as they have no motif to belong to in the database
        rows += [
            (
                qualifier.qualification_text(row["text"], row.get("register")),
                qualifier.OUT_OF_SCOPE,
                row.get("family", ""),
            )
            for row in corpus_rows(OUT_OF_SCOPE_PATH)
        ]
    counts: dict[str, int] = {}
    for _, label, _ in rows:
        counts[label] = counts.get(label, 0) + 1
    rows = [r for r in rows if counts[r[1]] >= MIN_EXAMPLES_PER_MOTIF]
    rows.sort(key=lambda r: (r[1], text_digest(r[0]), r[2]))
    return [(text, label) for text, label, _ in rows], [family for _, _, family in rows]


def training_pairs() -> list[tuple[str, str]]:
    """``(text, "org/motif")`` pairs of :func:`training_set`."""
    return training_set()[0]


def examples_hash(pairs: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for text, label in pairs:
        digest.update(f"{label}\t{text_digest(text)}\n".encode())
    return digest.hexdigest()


def language_model_train(*, sync_corpus: bool = True) -> dict[str, Any]:
    """Train the qualifier from the corpus and the database; store it under the var dir."""
    require_reference_data()
    if sync_corpus:
        training_examples_sync_corpus()
    pairs, families = training_set()
    if len({label for _, label in pairs}) < 2:
        raise LanguageError("Pas assez d'exemples d'entraînement (au moins deux motifs).")
    started = time.monotonic()
    model = qualifier.train(pairs, groups=families)
    metadata = {
        "format_version": qualifier.FORMAT_VERSION,
        "sklearn_version": sklearn.__version__,
        "corpus_hash": corpus_hash(),
        "examples_hash": examples_hash(pairs),
        "examples": len(pairs),
        "motifs": model.labels,
        "calibration": model.metadata.get("calibration"),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "training_seconds": round(time.monotonic() - started, 2),
    }
    model.metadata = metadata
    directory = model_dir()
    _atomic_dump({"model": model, "metadata": metadata}, directory / MODEL_FILENAME)
    (directory / METADATA_FILENAME).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    logger.info(
        "language_model_trained",
        examples=len(pairs),
        motifs=len(model.labels),
        seconds=metadata["training_seconds"],
    )
    from parvis.language import engine

    engine.reset_model()
    return metadata


def _atomic_dump(value: Any, path: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    joblib.dump(value, temporary, compress=3)
    os.replace(temporary, path)


def _read_metadata(filename: str) -> dict[str, Any] | None:
    """A stored model's metadata; None when missing or unreadable (the model is then
    trained again)."""
    path = model_dir() / filename
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def stored_metadata() -> dict[str, Any] | None:
    return _read_metadata(METADATA_FILENAME)


def model_is_current(metadata: dict[str, Any] | None) -> bool:
    """Usable without retraining: same format, same scikit-learn, same shipped corpus."""
    return bool(
        metadata
        and metadata.get("format_version") == qualifier.FORMAT_VERSION
        and metadata.get("sklearn_version") == sklearn.__version__
        and metadata.get("corpus_hash") == corpus_hash()
        and (model_dir() / MODEL_FILENAME).exists()
    )


def load_stored_model() -> qualifier.MotifModel | None:
    if not model_is_current(stored_metadata()):
        return None
    data = joblib.load(model_dir() / MODEL_FILENAME)
    model: qualifier.MotifModel = data["model"]
    return model


def ensure_model() -> dict[str, Any]:
    """Train when the stored model is missing or stale (``make install`` calls this)."""
    metadata = stored_metadata()
    if model_is_current(metadata):
        assert metadata is not None
        return metadata | {"retrained": False}
    return language_model_train() | {"retrained": True}


# --- The learned name detector of the anonymiser ------------------------------------------


def names_model_train(*, anonymiser: Anonymiser) -> dict[str, Any]:
    """Train the learned name detector (``anonymiser/learned.py``) on the development sets
    and the generator's corpora, read by ``anonymiser``'s rules; store it under the var dir."""
    model = learned.train(anonymiser)
    metadata = model.metadata
    directory = model_dir()
    _atomic_dump({"model": model, "metadata": metadata}, directory / NAMES_MODEL_FILENAME)
    (directory / NAMES_METADATA_FILENAME).write_text(
        json.dumps(metadata, indent=2), encoding="utf-8"
    )
    logger.info(
        "language_names_model_trained",
        words=metadata["words"],
        seconds=metadata["training_seconds"],
    )
    return metadata


def names_model_is_current(metadata: dict[str, Any] | None) -> bool:
    """Usable as stored: same features, same scikit-learn, same training files."""
    return bool(
        metadata
        and metadata.get("format_version") == learned.FORMAT_VERSION
        and metadata.get("sklearn_version") == sklearn.__version__
        and metadata.get("training_hash") == learned.training_hash()
        and (model_dir() / NAMES_MODEL_FILENAME).exists()
    )


def stored_names_metadata() -> dict[str, Any] | None:
    return _read_metadata(NAMES_METADATA_FILENAME)


def load_stored_names_model() -> learned.NameDetector | None:
    if not names_model_is_current(stored_names_metadata()):
        return None
    model: learned.NameDetector = joblib.load(model_dir() / NAMES_MODEL_FILENAME)["model"]
    return model


def ensure_names_model(*, anonymiser: Anonymiser) -> dict[str, Any]:
    """Train the name detector when the stored one is missing or stale."""
    metadata = stored_names_metadata()
    if names_model_is_current(metadata):
        assert metadata is not None
        return metadata | {"retrained": False}
    return names_model_train(anonymiser=anonymiser) | {"retrained": True}
