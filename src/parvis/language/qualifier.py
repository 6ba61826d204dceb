"""The motif classifier: TF-IDF (words + character n-grams) and a logistic regression.

Pure functions without Django: :func:`train` turns ``(text, label)`` pairs into a
:class:`MotifModel`; the label of a motif is ``"<organisation slug>/<motif slug>"``.
Character n-grams over accent-free lower-case text make the model robust to SMS spellings
and typos; training is deterministic (sorted input, lbfgs solver, no random state used).
"""

from __future__ import annotations

import hashlib
import itertools
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

from parvis.language import registers
from parvis.language.alternation import compile_alternations
from parvis.language.text import fold, normalise

FORMAT_VERSION = 9
# Inverse regularisation of the logistic regression, chosen on the family split.
DEFAULT_C = 5.0

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
_SHORTHAND_RE = compile_alternations(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_SHORTHANDS, key=len, reverse=True)) + r")\b"
)


def qualification_text(text: str, register: str | None = None) -> str:
    """What the classifier reads of a contact (issue 12): a call transcript's words without
    speaker tags, timestamps or fillers; for any other text on several lines (an email, a
    letter, chat lines) the body without the signature and the quoted previous message.

    ``register`` is the hint the contact hub gives (``courriel``, ``transcription``...);
    without it a text on several lines is read as an email. A body of a few words (a
    greeting cut off by a closing-like line) falls back to everything before the quote.
    """
    key = (register or "").strip().lower()
    if key in registers.TRANSCRIPT_REGISTERS:
        return registers.normalise_transcript(text) or text
    if "\n" not in text:
        return text
    # the split only needs the markup of an email (closings, headers, quotes): it reads an
    # ASCII copy of the same length, whose offsets are the text's
    parts = registers.split_email(text.translate(_ASCII_TABLE))
    body = text[parts.body.start : parts.body.end].strip()
    if len(body.split()) < 4:
        body = text[: parts.quoted.start].strip()
    return body or text


class _AsciiTable(dict[int, str]):
    """``str.translate`` table: each character as :func:`parvis.language.text.fold` reads
    it (accents dropped, typographic quotes and spaces made plain), ``?`` when that is not
    ASCII; one character for one, so offsets are kept."""

    def __missing__(self, code: int) -> str:
        value = fold(chr(code))
        value = value if len(value) == 1 and value.isascii() else "?"
        self[code] = value
        return value


_ASCII_TABLE = _AsciiTable()


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")
_REQUEST_CUE = re.compile(
    r"\b(?:je voudrais|je souhaite|j'aimerais|comment|est[- ]ce que|pourquoi|puis[- ]je"
    r"|pouvez[- ]vous|peut[- ]on|ai[- ]je droit|que faire|quoi faire|qui doit|a qui"
    r"|combien|quand|besoin d'aide|aidez[- ]moi)\b",
    re.IGNORECASE,
)
# Where the request starts inside a sentence or a transcript without punctuation (on
# normalised text, apostrophes as spaces): « suite a mon appel a la MSA, qui m a confirme
# que..., je voudrais savoir pourquoi la CPAM... » asks from « je voudrais savoir ».
_REQUEST_START = compile_alternations(
    r"\b(?:ma (?:question|demande) (?:c est|est|concerne|porte sur|:)|ma question"
    r"|je (?:voudrais|veux|souhaite|souhaiterais|aimerais|cherche a)"
    r" (?:savoir|connaitre|comprendre)"
    r"|j aimerais (?:savoir|connaitre|comprendre)|pouvez vous|pourriez vous|est ce que|esk"
    r"|comment|pourquoi|pk|pq|quand|combien|a qui|puis je|peut on|que faire|quoi faire"
    r"|ai je droit|dois je|faut il|est il possible|je voudrais|je souhaite|j aimerais"
    r"|merci de (?:me|m)|aidez moi)\b"
)
FOCUS = True


def _asking_sentence(text: str, sentences: list[str] | None = None) -> str:
    """The sentence that asks: the last with a question mark, else the last with a request
    cue; the text itself when it is one sentence."""
    if sentences is None:
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    if len(sentences) < 2:
        return text
    for sentence in reversed(sentences):
        if "?" in sentence:
            return sentence
    for sentence in reversed(sentences):
        if _REQUEST_CUE.search(sentence):
            return sentence
    return ""


def focus(text: str) -> str:
    """The sentence that asks (the last with a question mark, else the last with a request
    cue) when the text has several sentences, else ``""``: the question decides the motif
    when a story names other benefits and organisations around it."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    if len(sentences) < 2:
        return ""
    return _asking_sentence(text, sentences)


def asking_clause(text: str) -> str:
    """The clause with the request, normalised (apostrophes as spaces): in the sentence
    that asks (:func:`focus`), from its first request cue on (« je voudrais savoir »,
    « pouvez-vous », « est-ce que », « comment »...); the context before it (« j ai deja
    appele la CAF qui m a dit de voir avec... ») is left out. ``""`` when no sentence asks."""
    sentence = _asking_sentence(text)
    value = normalise(sentence).replace("'", " ")
    value = _SHORTHAND_RE.sub(lambda m: _SHORTHANDS[m.group(1)], value)
    cue = _REQUEST_START.search(value)
    if cue is None:
        return value if "?" in sentence else ""
    return value[cue.start() :]


# Words after an organisation's name that make it the one the citizen was sent away from,
# not the one asked now (« la CAF m'a dit de voir avec vous », « la CPAM elle dit que c'est
# pas chez eux »). Only redirections: « la CAF refuse... » or « j'ai appelé la CAF » are
# said of the organisation asked about as often as of another one.
_SOURCE_AFTER = re.compile(
    r"^\W*(?:(?:et |mais )?(?:qui|elle|il|ils|eux|aussi|meme|me|on)\s+)?(?:(?:m|me|nous) )?"
    r"(?:(?:elle|il|ils) )?(?:"
    r"(?:m a|ma|m ont|mont|me|nous a|nous ont|m avait|m avaient) (?:dit|demande|conseille|indique"
    r"|explique) d(?:e|\s)\s?(?:voir|vous|m adresser|contacter|me tourner|passer par|faire"
    r"|appeler|aller|ecrire|envoyer|me rapprocher|demander|joindre|prendre contact)"
    r"|(?:m a|ma|m ont|mont|me|nous a|nous ont|nous|m avait|m avaient) (?:renvoye|renvoyee"
    r"|renvoie|renvoient|oriente|orientee|envoye|envoyee|redirige|redirigee|transfere|dirige"
    r"|dirigee|reoriente|reorientee)e?s? (?:vers|a|chez|sur|ici)"
    r"|(?:me |m |ma |m a |m ont |nous )?(?:dit|disent|a dit|ont dit|repond|repondent|a repondu"
    r"|ont repondu|explique|a explique|ont explique|confirme|a confirme|ont confirme|indique"
    r"|a indique|ont indique|assure|a assure)"
    r" (?:que )?(?:c est|ce n est|ca n est|c etait|ce n etait|ca n etait|ce serait|ca serait"
    r"|ce ne serait|ca ne)? ?(?:pas|a vous|vous|chez vous|pour vous|votre|plus)"
    r"|(?:ne s en occupe|ne s occupe|ne gere|ne traite|ne (?:me |nous )?concerne"
    r"|ne (?:me |nous )?concernait|ne peut|ne pouvait|ne peuvent)(?:nt)? (?:pas|rien|plus)"
    r"|(?:n est|ne sont|n etait|n etaient) pas competent"
    r"|(?:c est |c etait |ce n est |ce n etait )?pas (?:de leur ressort|chez eux|leur domaine"
    r"|pour eux|de leur competence)"
    r"|se renvoient"
    r")"
)
_SOURCE_BEFORE = re.compile(
    r"(?:de la part de|selon|d apres|a cause de|(?:renvoye|oriente|envoye|redirige|dirige)e?s?"
    r" (?:vers vous |ici |chez vous )?(?:par|depuis))\W*(?:la |le |les |l )?$"
)
# Context before a name that says the citizen has already been to that organisation; read
# only in a text naming two organisations or more (« apres avoir contacte la CAF, ... »).
_CONTEXT_BEFORE = re.compile(
    r"(?:apres avoir (?:appele|contacte|vu|ecrit a|telephone a|eu|sollicite|interroge|relance)"
    r"|suite a (?:mon|un|notre|votre|l|mes) ?(?:appel|echange|rendez vous|entretien|courrier"
    r"|passage|contact|message|mail|demande) (?:a|avec|aupres de|chez|de)"
    r"|(?:j ai|j avais|jai|g) deja (?:appele|contacte|ecrit a|vu|eu|telephone a|demande a"
    r"|vu avec)"
    r")\W*(?:la |le |les |l |a la |au )?$"
)
ROLES = True

# Farming words: a benefit question from a farmer or a farm worker is the MSA's, whatever
# benefit it is (issue 12); one token gathers the many words that say so.
_AGRICULTURE = compile_alternations(
    r"\b(?:agricult\w*|agricoles?|exploitant agricole|exploitation agricole|mon exploitation"
    r"|notre exploitation|la ferme|ma ferme|notre ferme|sur la ferme|eleveu(?:r|se)s?|elevages?"
    r"|viticult\w*|viticoles?|vignes?|vigneron\w*|vendang\w*|maraich\w*|arboricult\w*"
    r"|horticult\w*|ostreicult\w*|conchylicult\w*|apicult\w*|cerealiers?|paysans?"
    r"|tracteurs?|betail|troupeaux?|vaches|brebis|moutons|chevres|volailles|gaec|cuma"
    r"|recoltes?|cueillettes?|bucherons?|forestiers?|paysagistes?|pepinier\w*"
    r"|centre equestre|mutualite sociale agricole|regime agricole|salaries? agricoles?"
    r"|ouvri(?:er|ere)s? agricoles?|saisonni(?:er|ere)s? agricoles?|une ferme|dans une ferme"
    r"|des fermes|fermi(?:er|ere)s?|berg(?:er|ere)s?|laiti(?:er|ere)s?|porcs|cochons|poules"
    r"|canards|haras|moissons?|foin|exploitante?s?|vergers?|oliviers?|cotisante? solidaire"
    r"|chef d exploitation|conjointe? collaborat(?:eur|rice)|aide familial|msa|caisse agricole"
    r"|mutualite agricole)\b"
)
NEUTRAL = False


def _roles(value: str) -> str:
    """``value`` with the name of each organisation the citizen was sent away from (the
    words around it say so) replaced by ``zzsource<slug>``: that name tells which
    organisation the text is *not* about, and must not pull towards it."""
    pieces = []
    position = 0
    mentions = _mentions_with_offsets(value)
    several = len({slug for slug, _, _ in mentions}) > 1
    for slug, start, end in mentions:
        if start < position:
            continue
        before = value[max(0, start - 60) : start]
        if (
            _SOURCE_AFTER.match(value[end : end + 50])
            or _SOURCE_BEFORE.search(before)
            or (several and _CONTEXT_BEFORE.search(before))
        ):
            pieces += [value[position:start], "zzsource" + slug.replace("-", "")]
            position = end
        elif several and NEUTRAL:
            pieces += [value[position:start], "zzorg"]
            position = end
    return "".join(pieces) + value[position:]


def preprocess(text: str) -> str:
    if FOCUS:
        asked = focus(text)
        if asked:
            text = f"{text}\n{asked}"
    value = normalise(text)
    value = value.replace("'", " ")
    value = _SHORTHAND_RE.sub(lambda m: _SHORTHANDS[m.group(1)], value)
    if ROLES:
        value = _roles(value)
    if _AGRICULTURE.search(value):
        value = f"{value} zzagricole"
    return _DIGIT_RE.sub("0", value)


_DIGIT_RE = re.compile(r"\d")


def preprocess_many(texts: Any) -> list[str]:
    """Normalise once for both vectorisers (a module function: it pickles by reference)."""
    return [preprocess(text) for text in texts]


def build_pipeline(c: float = DEFAULT_C) -> Pipeline:
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


class FastFeatures:
    """The fitted TF-IDF union, applied without scikit-learn's per-n-gram Python loop.

    Character n-grams depend only on the word they come from: each word's vocabulary
    indices are computed once and cached, so a text costs one dictionary lookup per word
    instead of one per n-gram. Same features as the fitted vectorisers (tested), built
    straight into a CSR matrix.
    """

    CACHE_LIMIT = 200_000

    def __init__(self, words: TfidfVectorizer, chars: TfidfVectorizer) -> None:
        self.word_vocabulary: dict[str, int] = words.vocabulary_
        self.word_idf = np.asarray(words.idf_, dtype=np.float64)
        self.word_pattern = re.compile(words.token_pattern)
        self.word_ngrams: tuple[int, int] = words.ngram_range
        self.char_vocabulary: dict[str, int] = chars.vocabulary_
        self.char_idf = np.asarray(chars.idf_, dtype=np.float64)
        self.char_ngrams: tuple[int, int] = chars.ngram_range
        self.width = len(self.word_vocabulary)
        self.idf = np.concatenate([self.word_idf, self.char_idf])  # by column
        self.shape = self.width + len(self.char_vocabulary)
        self._cache: dict[str, list[int]] = {}

    def _word_indices(self, word: str) -> list[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        padded = f" {word} "
        length = len(padded)
        vocabulary = self.char_vocabulary
        found = []
        low, high = self.char_ngrams
        for n in range(low, high + 1):
            # as scikit-learn's char_wb: a word shorter than n gives itself once
            for offset in range(max(1, length - n + 1)):
                index = vocabulary.get(padded[offset : offset + n])
                if index is not None:
                    found.append(index + self.width)
            if length <= n:
                break
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = found
        return found

    def transform(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """The documents' features: their n-grams' columns gathered in Python, counted and
        weighted for the whole batch at once (one sort, not one per document)."""
        vocabulary = self.word_vocabulary
        cache = self._cache
        low, high = self.word_ngrams
        ids: list[int] = []
        lengths: list[int] = []
        for document in documents:
            tokens = self.word_pattern.findall(document)
            grams = list(tokens) if low <= 1 else []
            for n in range(max(low, 2), high + 1):
                grams += map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False))
            found = [i for i in map(vocabulary.get, grams) if i is not None]
            for word in document.split():
                indices = cache.get(word)
                found += indices if indices is not None else self._word_indices(word)
            ids += found
            lengths.append(len(found))
        return self._matrix(ids, lengths)

    def _matrix(self, ids: list[int], lengths: list[int]) -> sparse.csr_matrix:
        """Sublinear TF times IDF, each document's words and characters L2-normalised apart
        (as each vectoriser does), in a CSR matrix: rows sorted by column."""
        rows = len(lengths)
        if not ids:
            return sparse.csr_matrix(
                (np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(rows + 1, dtype=np.int64)),
                shape=(rows, self.shape),
            )
        starts = np.repeat(np.arange(rows, dtype=np.int64) * self.shape, lengths)
        keys, counts = np.unique(starts + np.asarray(ids, dtype=np.int64), return_counts=True)
        row_of, columns = np.divmod(keys, self.shape)
        weights = (np.log(counts) + 1.0) * self.idf[columns]
        part = row_of * 2 + (columns >= self.width)
        bounds = [0, *(np.flatnonzero(part[1:] != part[:-1]) + 1).tolist(), len(part)]
        for start, end in itertools.pairwise(bounds):
            segment = weights[start:end].copy()
            weights[start:end] = segment / np.sqrt(np.dot(segment, segment))
        indptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=rows), out=indptr[1:])
        return sparse.csr_matrix((weights, columns, indptr), shape=(rows, self.shape))

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state


@dataclass
class MotifModel:
    pipeline: Pipeline
    labels: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    # Coefficients ``(a, b)`` of the calibration: the probability that the first answer is
    # right is ``sigmoid(a * logit(first score) + b)``, fitted on requests held out of
    # training (``train``); ``None``: uncalibrated.
    calibration: tuple[float, float] | None = None
    _fast: FastFeatures | None = field(default=None, repr=False, compare=False)

    def features(self, texts: Sequence[str]) -> Any:
        steps = dict(self.pipeline.steps)
        union = steps["features"]
        normalised = steps["normalise"].transform(list(texts))
        if self._fast is None:
            transformers = dict(union.transformer_list)
            self._fast = FastFeatures(transformers["words"], transformers["chars"])
        return self._fast.transform(normalised)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """``pipeline.predict_proba``, its steps called directly: the feature union's
        joblib dispatch, input checks and per-n-gram loop cost more than the prediction."""
        steps = dict(self.pipeline.steps)
        union = steps.get("features")
        if not isinstance(union, FeatureUnion) or union.transformer_weights:
            return np.asarray(self.pipeline.predict_proba(list(texts)))
        features = self.features(texts)
        with sklearn.config_context(assume_finite=True):
            return np.asarray(steps["model"].predict_proba(features))

    def calibrated(self, first: float) -> float:
        """The probability that a first answer of raw score ``first`` is right."""
        if self.calibration is None:
            return first
        return float(_calibrate(self.calibration, np.array([first]))[0])

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_fast"] = None
        return state


def held_out(group: str, share: float = 0.2) -> bool:
    """Stable choice of the template families held out to fit the calibration (another
    salt than the evaluation's family split, so each has its own held-out families)."""
    digest = int(hashlib.sha256(f"calibration:{group}".encode()).hexdigest()[:8], 16)
    return digest % 1000 < share * 1000


def _fit(pairs: Sequence[tuple[str, str]], c: float) -> MotifModel:
    pipeline = build_pipeline(c)
    pipeline.fit([text for text, _ in pairs], [label for _, label in pairs])
    return MotifModel(pipeline=pipeline, labels=[str(label) for label in pipeline.classes_])


def train(
    pairs: Sequence[tuple[str, str]],
    *,
    c: float = DEFAULT_C,
    groups: Sequence[str] | None = None,
) -> MotifModel:
    """Fit on ``(text, label)`` pairs; the caller sorts them for a deterministic result.

    With ``groups`` (the template family of each pair; empty for examples added by hand,
    which are never held out) the confidence is calibrated: a first model learns without
    a fifth of the families, an isotonic regression maps its first answers' scores on them
    to how often they were right, and the final model learns on everything.
    """
    model = _fit(pairs, c)
    if groups is not None:
        fit_part = [p for p, g in zip(pairs, groups, strict=True) if not (g and held_out(g))]
        test_part = [p for p, g in zip(pairs, groups, strict=True) if g and held_out(g)]
        if test_part and len({label for _, label in fit_part}) >= 2:
            model.calibration, model.metadata["calibration"] = calibrate(
                _fit(fit_part, c), test_part
            )
    return model


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def _calibrate(coefficients: tuple[float, float], first: np.ndarray) -> np.ndarray:
    a, b = coefficients
    return np.asarray(1 / (1 + np.exp(-(a * _logit(first) + b))))


def calibrate(
    model: MotifModel, pairs: Sequence[tuple[str, str]]
) -> tuple[tuple[float, float], dict[str, Any]]:
    """Platt scaling: a logistic regression of « the first answer was right » on the logit of
    its raw score, over ``pairs`` the model did not learn. One increasing map, so the order
    of the answers is kept; on held-out template families its log-loss was below isotonic
    regression's (and without its plateaus). The score is a share that counts the
    out-of-scope class, so a text about no organisation gets a low confidence."""
    rankings = rank(model, model.probabilities([t for t, _ in pairs]), set(model.labels))
    first = np.array([r[0].confidence if r else 0.0 for r in rankings])
    right = np.array(
        [
            bool(r) and f"{r[0].organisation}/{r[0].motif}" == label
            for r, (_, label) in zip(rankings, pairs, strict=True)
        ],
        dtype=float,
    )
    regression = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(first)[:, None], right)
    coefficients = (float(regression.coef_[0][0]), float(regression.intercept_[0]))
    if coefficients[0] <= 0:  # never seen; a decreasing map would invert the ranking
        coefficients = (1.0, 0.0)
    calibrated = _calibrate(coefficients, first)
    return coefficients, {
        "held_out_texts": len(pairs),
        "held_out_accuracy": round(float(right.mean()), 4),
        "coefficients": [round(x, 4) for x in coefficients],
        "suggested_threshold": suggested_threshold(calibrated, right),
    }


def suggested_threshold(confidence: np.ndarray, right: np.ndarray, target: float = 0.95) -> float:
    """The lowest threshold (by 0.05) above which held-out answers are right ``target`` of
    the time: what ``LANGUAGE_LOW_CONFIDENCE_THRESHOLD`` should be for that accuracy."""
    for step in range(20):
        threshold = round(0.05 * step, 2)
        kept = right[confidence >= threshold]
        if len(kept) and kept.mean() >= target:
            return threshold
    return 0.95


# The label of texts about no organisation of the taxonomy (``corpus/out_of_scope.py``):
# learnt like a motif, never answered (no organisation has this slug).
OUT_OF_SCOPE = "-/hors-perimetre"


@dataclass(slots=True)
class Ranked:
    organisation: str
    motif: str
    confidence: float


def rank(model: MotifModel, probabilities: np.ndarray, allowed: set[str]) -> list[list[Ranked]]:
    """For each row: motifs ranked, the best organisation first.

    The organisation is chosen on the summed probability of its motifs (more robust than
    the single best motif when two motifs of one organisation share the mass); motifs not
    in ``allowed`` (inactive, or unknown to the database) are never returned, nor is
    :data:`OUT_OF_SCOPE`, whose score still counts in the total that scores are shares of.
    Confidences here are the model's raw scores (see :meth:`MotifModel.calibrated`).
    """
    labels = model.labels
    mask = np.array([label in allowed and label != OUT_OF_SCOPE for label in labels], dtype=bool)
    # the out-of-scope class is never an answer, but its share lowers every confidence
    kept = mask | np.array([label == OUT_OF_SCOPE for label in labels], dtype=bool)
    organisations = [label.split("/", 1)[0] for label in labels]
    motifs = [label.split("/", 1)[1] for label in labels]
    org_names = sorted(set(organisations))
    org_index = np.array([org_names.index(o) for o in organisations], dtype=np.int64)
    label_rank = np.argsort(np.argsort(np.array(labels)))
    candidates = np.flatnonzero(mask)
    totals = np.where(kept, probabilities, 0.0).sum(axis=1)
    scores = np.where(mask, probabilities, 0.0)
    results: list[list[Ranked]] = []
    if not len(candidates):
        return [[] for _ in scores]
    # every row at once: each score a share of its row's total, each organisation's sum
    # added up label by label (as np.bincount does), both sorts row by row along the last axis
    answered = (totals > 0) & (scores.sum(axis=1) > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = scores / totals[:, None]
    by_org = np.zeros((len(scores), len(org_names)))
    for label, organisation in enumerate(org_index.tolist()):
        by_org[:, organisation] += shares[:, label]
    candidate_scores = -shares[:, candidates]
    candidate_rank = np.broadcast_to(label_rank[candidates], candidate_scores.shape)
    # first: the best motif of the organisation with the highest summed score (ties: the
    # higher motif score, then the label); then every other motif by score, label
    firsts = np.lexsort((candidate_rank, candidate_scores, -by_org[:, org_index[candidates]]))
    orders = np.lexsort((candidate_rank, candidate_scores))
    for row, ok, first, order in zip(
        shares.tolist(), answered.tolist(), firsts[:, 0].tolist(), orders.tolist(), strict=True
    ):
        if not ok:
            results.append([])
            continue
        order.remove(first)  # the others: the candidates' order, the first one taken out
        results.append(
            [
                Ranked(organisations[i], motifs[i], row[i])
                for i in candidates[[first, *order]].tolist()
            ]
        )
    return results


# --- Organisations named in a text ----------------------------------------------------------

# How citizens name each organisation, as words of :func:`parvis.language.text.normalise`
# output. A benefit name is not an organisation name (« allocations familiales » may be
# paid by the MSA); « mairie » is left out (France Services desks are often in one).
ORGANISATION_NAMES: dict[str, tuple[str, ...]] = {
    "caf": (
        "caf",
        "cnaf",
        "caisse d allocations familiales",
        "caisse d allocations",
        "caisse d allocation familiale",
        "caisse des allocations familiales",
        "caisse d allocations familliales",
    ),
    "assurance-maladie": (
        "cpam",
        "assurance maladie",
        "ameli",
        "caisse primaire",
        "secu",
        "securite sociale",
        "3646",
    ),
    "assurance-retraite": (
        "carsat",
        "cnav",
        "cram",
        "assurance retraite",
        "caisse de retraite",
        "caisse nationale d assurance vieillesse",
        "lassuranceretraite",
        "3960",
        "39 60",
    ),
    "msa": (
        "msa",
        "mutualite sociale agricole",
        "caisse agricole",
        "mutualite agricole",
        "caisse de la msa",
    ),
    "france-travail": (
        "france travail",
        "pole emploi",
        "francetravail",
        "poleemploi",
        "anpe",
        "assedic",
        "3949",
    ),
    "dgfip": (
        "impots",
        "impot",
        "dgfip",
        "finances publiques",
        "sip",
        "tresor public",
        "tresorerie",
        "fisc",
        "sie",
        "service des impots",
        "centre des impots",
    ),
    "ants": ("ants", "prefecture", "agence nationale des titres securises"),
    "justice": (
        "tribunal",
        "greffe",
        "point justice",
        "maison de justice",
        "conciliateur",
        "prud hommes",
        "juge aux affaires familiales",
    ),
    "urssaf": ("urssaf", "centre cesu", "cesu", "pajemploi", "net entreprises"),
    "anah": ("anah", "france renov"),
    "cheque-energie": ("cheque energie", "chequeenergie", "agence de services et de paiement"),
    "la-poste": ("la poste", "bureau de poste", "colissimo", "facteur", "laposte"),
}
_WORD_RE = re.compile(r"\w+")
_NAME_INDEX: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _slug, _names in ORGANISATION_NAMES.items():
    for _name in _names:
        _words = tuple(_WORD_RE.findall(_name))
        _NAME_INDEX.setdefault(_words[0], []).append((_words, _slug))


def _mentions_with_offsets(normalised: str) -> list[tuple[str, int, int]]:
    """``(slug, start, end)`` of every organisation name in a normalised text."""
    spans = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(normalised)]
    words = [w for w, _, _ in spans]
    found = []
    for position, word in enumerate(words):
        for name, slug in _NAME_INDEX.get(word, ()):
            if tuple(words[position : position + len(name)]) == name:
                found.append((slug, spans[position][1], spans[position + len(name) - 1][2]))
    return found


def mentioned_organisations(normalised: str) -> list[str]:
    """Organisations named in a normalised text, in order of first mention."""
    words = _WORD_RE.findall(normalised)
    found: list[str] = []
    for position, word in enumerate(words):
        for name, slug in _NAME_INDEX.get(word, ()):
            if slug not in found and tuple(words[position : position + len(name)]) == name:
                found.append(slug)
    return found


def alternatives(
    ranked: Sequence[Ranked], mentioned: Sequence[str], count: int = 3
) -> list[Ranked]:
    """The next ``count`` answers after the first, by score; an organisation the text names
    that would not be among them takes the place of the weakest one not named (with its
    own best motif and score), so a second organisation named is always offered."""
    if not ranked:
        return []
    first, rest = ranked[0], list(ranked[1:])
    chosen = rest[:count]
    for organisation in mentioned:
        if organisation == first.organisation or any(
            r.organisation == organisation for r in chosen
        ):
            continue
        best = next((r for r in rest if r.organisation == organisation), None)
        if best is None:
            continue
        replaceable = [i for i, r in enumerate(chosen) if r.organisation not in mentioned]
        if len(chosen) < count:
            chosen.append(best)
        elif replaceable:
            chosen[replaceable[-1]] = best
        chosen.sort(key=lambda r: -r.confidence)
    return chosen


# --- The organisation asked about ----------------------------------------------------------

# The least summed score an organisation named in the asking clause needs to be put first
# (below it, the request's content says plainly that it is about another organisation).
PROMOTE_MIN = 0.02
PROMOTE = True
PROMOTE_SINGLE = True
# The funds whose benefits the MSA pays to farmers and farm workers (issue 12).
_MSA_BENEFITS = frozenset({"caf", "assurance-maladie", "assurance-retraite"})
FARMER_RULE = True
# Words that put the citizen (or the part of a career asked about) in the general scheme:
# a farm in the story does not make the question the MSA's then.
_GENERAL_SCHEME = re.compile(
    r"\b(?:regime general|salariee? du prive|secteur prive|pas agricult\w*|plus agricult\w*"
    r"|pas (?:exploitant|salarie agricole)"
    r"|ne (?:releve|depends?) plus (?:de la msa|du regime agricole))"
)
FARMER_MIN = 0.1
# Named for any paper or any question by citizens who do not know which body does what
# (« la préfecture » for a Carte Vitale): named alone, it does not say who is asked.
_NAMED_FOR_ANYTHING = frozenset({"ants"})


def asked_organisations(text: str) -> list[str]:
    """Organisations named in the clause that asks (:func:`asking_clause`), in order,
    except those named there as the one the citizen was sent away from (« la CAF m a dit de
    voir avec vous »)."""
    clause = asking_clause(text)
    if not clause:
        return []
    found: list[str] = []
    for slug, start, end in _mentions_with_offsets(clause):
        if slug in found or _SOURCE_AFTER.match(clause[end : end + 40]):
            continue
        if _SOURCE_BEFORE.search(clause[max(0, start - 40) : start]):
            continue
        found.append(slug)
    return found


def promote_asked(
    ranked: Sequence[Ranked],
    text: str,
    normalised: str | None = None,
    named: Sequence[str] | None = None,
) -> list[Ranked]:
    """``ranked`` with the organisation the citizen asks about first, when the text names
    two organisations or more and its asking clause names exactly one of them (issue 12:
    « j'ai appelé la CAF qui m'a renvoyé vers les impôts : puis-je étaler ma taxe
    foncière ? » asks the DGFiP). The model's ranking stands otherwise, and when it gives
    the organisation asked less than :data:`PROMOTE_MIN`. ``normalised`` (the text through
    :func:`parvis.language.text.normalise`) and ``named`` (:func:`mentioned_organisations`
    of it), when the caller has them."""
    ranked = list(ranked)
    if not PROMOTE or len(ranked) < 2:
        return ranked
    if ranked[0].organisation in _MSA_BENEFITS and FARMER_RULE:
        farming = normalised if normalised is not None else normalise(text)
        msa = [r for r in ranked if r.organisation == "msa" and r.motif == "prestations-msa"]
        farming = farming.replace("'", " ")
        if (
            msa
            and msa[0].confidence >= FARMER_MIN
            and _AGRICULTURE.search(farming)
            and not _GENERAL_SCHEME.search(farming)
            and "zzsourcemsa" not in _roles(farming)
        ):
            return [msa[0], *(r for r in ranked if r is not msa[0])]
    normalised = (normalised if normalised is not None else normalise(text)).replace("'", " ")
    if named is None:
        named = mentioned_organisations(normalised)
    if all(slug == ranked[0].organisation for slug in named):
        return ranked  # nothing named that could be put first (most texts: cheap)
    asked = asked_organisations(text)
    if len(asked) != 1 or ranked[0].organisation == asked[0]:
        return ranked
    if len(named) < 2 and (not PROMOTE_SINGLE or asked[0] in _NAMED_FOR_ANYTHING):
        return ranked
    # a farmer's benefit question is the MSA's whichever fund the citizen names (issue 12)
    if (
        ranked[0].organisation == "msa"
        and _AGRICULTURE.search(normalised)
        and "zzsourcemsa" not in _roles(normalised)
    ):
        return ranked
    share = sum(r.confidence for r in ranked if r.organisation == asked[0])
    best = next((r for r in ranked if r.organisation == asked[0]), None)
    if best is None or share < PROMOTE_MIN:
        return ranked
    return [best, *(r for r in ranked if r is not best)]
