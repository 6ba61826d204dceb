"""The public interface of the language engine: ``anonymise`` and ``qualify``.

Other apps call only these functions. Heavy resources (spaCy ``fr_core_news_md`` with the
NER alone, the name lexicon, the trained qualifier) load once per process, lazily, behind
a lock. Nothing is downloaded at run time: the spaCy model is a Python package and the
qualifier is trained locally from the shipped corpus when the stored one is missing or
stale.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import structlog
from django.conf import settings

from parvis.core.memo import ProcessMemo
from parvis.language import lexicons, qualifier, regex_cache
from parvis.language.anonymiser import Anonymiser, Entity, NameLexicon
from parvis.language.qualifier import MotifModel
from parvis.language.text import fold, normalise

logger = structlog.get_logger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
SPACY_MODEL = "fr_core_news_md"

_lock = threading.RLock()
_anonymiser: Anonymiser | None = None
_rules_anonymiser: Anonymiser | None = None
_model: MotifModel | None = None


def low_confidence_threshold() -> float:
    return float(settings.LANGUAGE_LOW_CONFIDENCE_THRESHOLD)


def _read_names(filename: str) -> frozenset[str]:
    lines = (DATA_DIR / filename).read_text(encoding="utf-8").splitlines()
    return frozenset(
        fold(line.strip()).lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _read_places(filename: str) -> frozenset[str]:
    """Place names, whole and word by word (« le havre » and « havre »)."""
    places: set[str] = set()
    for line in (DATA_DIR / filename).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key = fold(line.strip()).lower()
        places.add(key)
        places.update(w for w in key.split() if len(w) > 3)
    return frozenset(places)


def _load_nlp() -> Any:
    import spacy

    from parvis.language.services import model_dir

    # Only the NER is used (tok2vec feeds it); the other pipes are not even loaded. The
    # French class's 1.4 MB tokenizer regex is compiled once per machine (regex_cache).
    with regex_cache.reusing_compiled_patterns(model_dir()):
        return spacy.load(SPACY_MODEL, exclude=UNUSED_PIPES)


UNUSED_PIPES = ["morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter", "tagger"]


def _vocabulary() -> frozenset[str]:
    """French common words, from the lemmatizer tables of the spaCy model (no download).

    Reading the tables takes a second or two: the word list is cached under the model
    directory, keyed by the spaCy model version.
    """
    import spacy
    from spacy.util import get_package_version

    from parvis.language.services import model_dir

    version = get_package_version(SPACY_MODEL) or "unknown"
    cache = model_dir() / f"vocabulary-{SPACY_MODEL}-{version}.txt"
    if cache.exists():
        return frozenset(cache.read_text(encoding="utf-8").split("\n"))
    nlp = spacy.load(
        SPACY_MODEL, exclude=[p for p in [*UNUSED_PIPES, "tok2vec", "ner"] if p != "lemmatizer"]
    )
    words: set[str] = set()
    lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    if lookups.has_table("lemma_lookup"):
        table = lookups.get_table("lemma_lookup")
        strings = nlp.vocab.strings
        for key in table:
            if isinstance(key, str):
                words.add(key)
            elif key in strings:
                words.add(strings[key])
        for value in table.values():
            if isinstance(value, str):
                words.add(value)
            elif isinstance(value, list):
                words.update(v for v in value if isinstance(v, str))
    if lookups.has_table("lemma_index"):
        index = lookups.get_table("lemma_index")
        for key in index:
            words.update(index[key])
    vocabulary = frozenset(fold(w).lower() for w in words if isinstance(w, str) and w)
    temporary = cache.with_suffix(".tmp")
    temporary.write_text("\n".join(sorted(vocabulary)), encoding="utf-8")
    temporary.replace(cache)
    return vocabulary


def rules_anonymiser() -> Anonymiser:
    """The rules and spaCy alone, without the learned name detector (what it is trained
    on); shares spaCy and the lexicon with :func:`get_anonymiser`."""
    global _rules_anonymiser
    if _rules_anonymiser is None:
        with _lock:
            if _rules_anonymiser is None:
                nlp = _load_nlp()
                lexicon = NameLexicon(
                    first_names=_read_names("first_names.txt"),
                    last_names=_read_names("last_names.txt"),
                    vocabulary=_vocabulary(),
                    places=_read_places("places.txt"),
                )
                _rules_anonymiser = Anonymiser(nlp, lexicon)
    return _rules_anonymiser


def get_anonymiser() -> Anonymiser:
    """The rules, spaCy and the learned name detector."""
    global _anonymiser
    if _anonymiser is None:
        with _lock:
            if _anonymiser is None:
                rules = rules_anonymiser()
                _anonymiser = Anonymiser(rules.nlp, rules.lexicon, _names_model(rules))
                logger.info("language_anonymiser_loaded")
    return _anonymiser


def reset_anonymiser() -> None:
    """Forget the learned name detector loaded (after training) so the next call reloads it."""
    global _anonymiser
    with _lock:
        _anonymiser = None


def _names_model(anonymiser: Anonymiser) -> Any:
    """The learned name detector as stored; trained on the spot (its rules read every
    development set: about half a minute, once) when missing or stale."""
    from parvis.language import services

    model = services.load_stored_names_model()
    if model is None:
        logger.info("language_names_model_training_on_load")
        services.names_model_train(anonymiser=anonymiser)
        model = services.load_stored_names_model()
    return model


def get_model() -> MotifModel:
    """The trained qualifier; trained on the spot when missing or stale (a few seconds)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from parvis.language import services

                services.require_reference_data()
                model = services.load_stored_model()
                if model is None:
                    logger.info("language_model_training_on_load")
                    services.language_model_train()
                    model = services.load_stored_model()
                assert model is not None
                _model = model
    return _model


def reset_model() -> None:
    """Forget the loaded qualifier (after training) so the next call reloads it."""
    global _model
    with _lock:
        _model = None


def warm() -> None:
    """Load the anonymiser and the qualifier now rather than on the first text."""
    get_anonymiser()
    get_model()


# --- Anonymisation ------------------------------------------------------------------------


def anonymise_many(texts: Sequence[str]) -> list[tuple[str, list[Entity]]]:
    return get_anonymiser().anonymise_many(list(texts))


def anonymise(text: str) -> tuple[str, list[Entity]]:
    """``(masked_text, entities)``; entity offsets index the exact input, end exclusive."""
    return anonymise_many([text])[0]


# --- Qualification ------------------------------------------------------------------------


def qualify_many(
    texts: Sequence[str], registers: Sequence[str | None] | None = None
) -> list[dict[str, Any]]:
    """:func:`qualify` for many texts; ``registers`` (one hint per text, or ``None``) says
    what each text is (``courriel``, ``transcription``, ``sms``...), as the contact hub
    knows it: an email is read without its signature and quoted reply, a transcript
    without speaker tags and fillers (:func:`qualifier.qualification_text`)."""
    hints = list(registers) if registers is not None else [None] * len(texts)
    if len(hints) != len(texts):
        raise ValueError("one register hint per text")
    readable = [qualifier.qualification_text(t, h) for t, h in zip(texts, hints, strict=True)]
    # Without reference data nothing can be predicted: every text goes to human triage
    # (low_confidence). Commands check the reference data first and fail clearly instead.
    motifs = _reference_data()[0]
    rankings: list[list[Any]] = [[] for _ in texts]
    model = None
    if motifs and texts:
        model = get_model()
        allowed = motifs & set(model.labels)
        rankings = qualifier.rank(model, model.probabilities(readable), allowed)
    known_themes = _known_themes()
    threshold = low_confidence_threshold()
    results = []
    for text, ranked in zip(readable, rankings, strict=True):
        normalised = normalise(text)
        result: dict[str, Any] = {
            "organisation": None,
            "motif": None,
            "confidence": 0.0,
            "alternatives": [],
            "low_confidence": True,
        }
        if ranked and model is not None:
            mentioned = qualifier.mentioned_organisations(normalised)
            ranked = qualifier.promote_asked(ranked, text, normalised, mentioned)
            best = ranked[0]
            confidence = model.calibrated(best.confidence)
            result.update(
                organisation=best.organisation,
                motif=best.motif,
                confidence=round(confidence, 4),
                alternatives=[
                    {
                        "organisation": r.organisation,
                        "motif": r.motif,
                        "confidence": round(r.confidence, 4),
                    }
                    for r in qualifier.alternatives(ranked, mentioned)
                ],
                low_confidence=confidence < threshold,
            )
        result.update(
            urgency=lexicons.urgency(normalised),
            vulnerability=lexicons.vulnerability(normalised),
            sensitive=lexicons.sensitive(normalised),
            tone=lexicons.tone(normalised),
            journey_stage=lexicons.journey_stage(normalised),
            themes=lexicons.themes(normalised, known_themes),
        )
        results.append(result)
    return results


def qualify(text: str, register: str | None = None) -> dict[str, Any]:
    """Organisation, motif, confidence, alternatives, flags, tone, stage and themes.

    ``confidence`` is calibrated: the share of first answers of that confidence that were
    right on requests held out of training. ``alternatives`` are the next answers with the
    model's score; an organisation the text names is always among them.
    """
    return qualify_many([text], [register])[0]


def _known_themes() -> set[str] | None:
    return _reference_data()[1]


# What qualification may predict: read at most once a minute per process (two queries
# per text were a tenth of a worker's time); cleared at once by edits in this process
# (``LanguageConfig.ready``).
reference_memo = ProcessMemo("language-reference", ttl=60.0)


def _reference_data() -> tuple[set[str], set[str] | None]:
    """Active motif keys and theme slugs (``None`` when there are no themes)."""
    return reference_memo.get("reference", _read_reference_data)


def _read_reference_data() -> tuple[set[str], set[str] | None]:
    from parvis.directory.models import Theme
    from parvis.language import services

    themes = set(Theme.objects.values_list("slug", flat=True)) or None
    return services.active_motif_keys(), themes
