"""The motif classifier: TF-IDF (words + character n-grams) and a logistic regression.

Pure functions without Django: :func:`train` turns ``(text, label)`` pairs into a
:class:`MotifModel`; the label of a motif is ``"<organisation slug>/<motif slug>"``.
Character n-grams over accent-free lower-case text make the model robust to SMS spellings
and typos; training is deterministic (sorted input, lbfgs solver, no random state used).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from parvis.language.text import normalise

FORMAT_VERSION = 5

# SMS and oral spellings mapped to their written form before vectorising (one pass).
_SHORTHANDS = {
    "jai": "j ai",
    "jsuis": "je suis",
    "chui": "je suis",
    "g": "j ai",
    "c": "c est",
    "cest": "c est",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pr": "pour",
    "qd": "quand",
    "bcp": "beaucoup",
    "stp": "s il te plait",
    "svp": "s il vous plait",
    "bjr": "bonjour",
    "slt": "salut",
    "rdv": "rendez vous",
    "mtn": "maintenant",
    "ajd": "aujourd hui",
    "auj": "aujourd hui",
    "tjr": "toujours",
    "tjrs": "toujours",
    "tj": "toujours",
    "tjs": "toujours",
    "ke": "que",
    "kan": "quand",
    "pa": "pas",
    "mm": "meme",
    "ds": "dans",
    "dc": "donc",
    "vs": "vous",
    "ns": "nous",
    "qqn": "quelqu un",
    "qqch": "quelque chose",
    "msg": "message",
    "secu": "securite sociale",
    "apl": "apl aide logement",
    "als": "als aide logement",
    "cv": "carte vitale",
    "ij": "indemnites journalieres",
    "are": "are chomage",
    "pe": "pole emploi france travail",
    "ft": "france travail",
    "cmu": "cmu complementaire",
    "css": "complementaire sante solidaire",
    "mpr": "maprimerenov",
    "ae": "auto entrepreneur",
    "cni": "carte identite",
    "impots.gouv": "impots",
    "impot.gouv": "impots",
    "ameli": "ameli assurance maladie",
    "pole emploi": "pole emploi france travail",
}
_SHORTHAND_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_SHORTHANDS, key=len, reverse=True)) + r")\b"
)


def preprocess(text: str) -> str:
    value = normalise(text)
    value = value.replace("'", " ")
    value = _SHORTHAND_RE.sub(lambda m: _SHORTHANDS[m.group(1)], value)
    return _DIGIT_RE.sub("0", value)


_DIGIT_RE = re.compile(r"\d")


def preprocess_many(texts: Any) -> list[str]:
    """Normalise once for both vectorisers (a module function: it pickles by reference)."""
    return [preprocess(text) for text in texts]


def build_pipeline(c: float = 20.0) -> Pipeline:
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    lowercase=False,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=1,
                    token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regex, not a secret
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    lowercase=False,
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=120_000,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    return Pipeline(
        [
            ("normalise", FunctionTransformer(preprocess_many)),
            ("features", features),
            ("model", LogisticRegression(C=c, max_iter=3000, solver="lbfgs")),
        ]
    )


@dataclass
class MotifModel:
    pipeline: Pipeline
    labels: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """``pipeline.predict_proba``, its steps called directly: the feature union's
        joblib dispatch and input checks cost more than the prediction on a few texts."""
        steps = dict(self.pipeline.steps)
        union = steps.get("features")
        if not isinstance(union, FeatureUnion) or union.transformer_weights:
            return np.asarray(self.pipeline.predict_proba(list(texts)))
        normalised = steps["normalise"].transform(list(texts))
        features = sparse.hstack(
            [transformer.transform(normalised) for _, transformer in union.transformer_list]
        ).tocsr()
        with sklearn.config_context(assume_finite=True):
            return np.asarray(steps["model"].predict_proba(features))


def train(pairs: Sequence[tuple[str, str]], *, c: float = 20.0) -> MotifModel:
    """Fit on ``(text, label)`` pairs; the caller sorts them for a deterministic result."""
    texts = [text for text, _ in pairs]
    labels = [label for _, label in pairs]
    pipeline = build_pipeline(c)
    pipeline.fit(texts, labels)
    classes = [str(label) for label in pipeline.classes_]
    return MotifModel(pipeline=pipeline, labels=classes)


@dataclass
class Ranked:
    organisation: str
    motif: str
    confidence: float


def rank(model: MotifModel, probabilities: np.ndarray, allowed: set[str]) -> list[list[Ranked]]:
    """For each row: motifs ranked, the best organisation first.

    The organisation is chosen on the summed probability of its motifs (more robust than
    the single best motif when two motifs of one organisation share the mass); motifs not
    in ``allowed`` (inactive, or unknown to the database) are never returned.
    """
    mask = np.array([label in allowed for label in model.labels], dtype=bool)
    results: list[list[Ranked]] = []
    for row in probabilities:
        scores = np.where(mask, row, 0.0)
        total = scores.sum()
        if total <= 0:
            results.append([])
            continue
        scores = scores / total
        by_org: dict[str, float] = {}
        for label, score in zip(model.labels, scores, strict=True):
            org = label.split("/", 1)[0]
            by_org[org] = by_org.get(org, 0.0) + float(score)
        order = sorted(
            (i for i in range(len(model.labels)) if mask[i]),
            key=lambda i: (-by_org[model.labels[i].split("/", 1)[0]], -scores[i], model.labels[i]),
        )
        best_org = model.labels[order[0]].split("/", 1)[0]
        first = [i for i in order if model.labels[i].startswith(best_org + "/")][:1]
        rest = sorted(
            (i for i in order if i not in first), key=lambda i: (-scores[i], model.labels[i])
        )
        ranked = []
        for i in first + rest:
            org, motif = model.labels[i].split("/", 1)
            ranked.append(Ranked(organisation=org, motif=motif, confidence=float(scores[i])))
        results.append(ranked)
    return results
