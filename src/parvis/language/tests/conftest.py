"""Fixtures of the language engine tests.

spaCy takes seconds to load: the engine keeps it in a module-level singleton, so it loads
once per test process. The trained qualifier and the anonymiser's learned name detector
are the stored ones (``VAR_DIR/language``, written by ``make install``) when they are
current, or are trained once from the shipped corpus and development sets.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parvis.directory.services import taxonomy_load
from parvis.testing.ci import sqlite_pass_only

HERE = Path(__file__).resolve().parent
# Files of pure functions of text (no database, no settings), and the qualification
# cases, which read only the taxonomy from the database: once in CI is enough.
PURE_TEXT_FILES = (
    "test_anonymiser",
    "test_qualify",
    "test_registers",
    "test_regex_cache",
    "test_corpus_names",
    "test_eval_set",
    "test_evaluation_anonymisation",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent == HERE and item.path.name.startswith(PURE_TEXT_FILES):
            item.add_marker(sqlite_pass_only)


@pytest.fixture
def reference(db) -> None:  # type: ignore[no-untyped-def]
    """Organisations, motifs and themes of taxonomy.yaml in the test database."""
    taxonomy_load()


@pytest.fixture
def isolated_model_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Train the qualifier into a temporary directory, and forget the loaded model before
    and after. The stored name detector comes along (when ``make install`` stored it):
    these tests are about the qualifier, and ``train_language --if-stale`` would otherwise
    train the detector too (the rules reading every development set, a minute on a
    loaded CI)."""
    from parvis.language import engine, services

    stored = Path(settings.LANGUAGE_MODEL_DIR)
    settings.LANGUAGE_MODEL_DIR = tmp_path / "language"
    settings.LANGUAGE_MODEL_DIR.mkdir(parents=True)
    for name in (services.NAMES_MODEL_FILENAME, services.NAMES_METADATA_FILENAME):
        if (stored / name).exists():
            shutil.copy2(stored / name, settings.LANGUAGE_MODEL_DIR / name)
    engine.reset_model()
    yield settings.LANGUAGE_MODEL_DIR
    engine.reset_model()


@pytest.fixture
def small_corpus(monkeypatch):  # type: ignore[no-untyped-def]
    """Train on one shipped corpus row in eight: what these tests check (a new motif is
    learnt, a current model is kept) does not need the whole corpus, whose full training
    takes the better part of a minute."""
    from parvis.language import services

    every = services.corpus_rows

    def sampled(path=services.CORPUS_PATH):  # type: ignore[no-untyped-def]
        for index, row in enumerate(every(path)):
            if index % 8 == 0:
                yield row

    monkeypatch.setattr(services, "corpus_rows", sampled)
