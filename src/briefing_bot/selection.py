"""Which sentences answer a question, and how well the answer is supported.

A first logistic model scores every candidate sentence from a few features (its similarity to the
question, its passage's, FAQ routing, shared words, whether its form fits the question's type...).
A ``Judge`` then weighs the whole answer from the best candidates (``QUESTION_FEATURES``: how
likely they are, how similar the question is to anything in the knowledge, the best one's shared
words and predicates, how far the best passage stands out from the rest, how close the question is
to one the knowledge does not answer): whether the knowledge
answers the question at all (below ``min_answerable`` the bot declines), and whether the answer is
right, which a calibration curve turns into the answer's ``support``: the estimated chance that it
is right. There is one judge per ``REGIMES``: a question in a language the knowledge is written in
has shared words as evidence, one in another language (Korean, Turkish...) has only the
cross-lingual similarities, so the same figures mean different things. All of it is fitted on
labelled questions by ``briefing-bot calibrate`` (``calibrate.py``) and stored per embedding model
in ``calibration/<model>.json``, with ``keep_ratio``: how close to the best a further sentence must
be to be quoted too.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .errors import ConfigError
from .types import Passage, Sentence

FEATURES = (
    "sentence",       # cosine similarity of the question and the sentence
    "passage",        # best cosine similarity of the question and the passage (any translation)
    "faq",            # similarity of the closest FAQ question that points to the passage
    "lexical",        # share of the question's words in the sentence (same language only)
    "bm25",           # the passage's BM25 score, relative to the best passage's
    "rank",           # 1 / (1 + rank of the passage in the fused ranking)
    "fits",           # how well the sentence's form fits the question's type (a number for "how many"...)
    "misfit",         # the question has a type that the sentence does not fit
    "caption",        # the sentence is a photo caption
    "sentence_gap",   # the sentence's similarity minus the best candidate's
    "passage_gap",    # the passage's similarity minus the best passage's
    "faq_gap",        # the FAQ similarity minus the best FAQ similarity
    "faq_sentence",   # similarity of the closest FAQ question whose answer points at this very sentence
    "predicate",      # share of the question's predicates (signed, attended, ratified...) the sentence states
    "predicate_other",  # share of the sentence's predicates the question does not ask about ("attended")
    "named",          # share of the entities the question names (glossary: Japan, UNODC...) the sentence names
    "unnamed",        # share of them it does not name (0 when the question names none)
)


QUESTION_FEATURES = (
    "best",           # the best candidate's probability
    "second",         # the second best's
    "sentence",       # the best candidate's features "sentence", "passage", "faq", "fits", "misfit"
    "passage",
    "faq",
    "fits",
    "misfit",
    "faq_sentence",   # the best candidate's "faq_sentence"
    "closest_faq",    # the similarity of the closest FAQ question
    "unknown_words",  # the share of the question's words that the knowledge in its language never uses
    "no_lexicon",     # the question's language has no knowledge passages (unknown_words is then 0)
    "lexical",        # the best candidate's "lexical", "bm25", "predicate", "predicate_other": evidence
    "bm25",           # that does not depend on how similar the embedding model finds short questions
    "predicate",
    "predicate_other",
    "named",          # the best candidate's "named" and "unnamed"
    "unnamed",
    "standout",       # how far the best passage similarity stands above the question's similarity to every
    # passage, in standard deviations (Retrieval.standout): dense evidence relative to the question itself
    "off_topic",      # how much closer the question is to a question the knowledge does not answer (its
    # similarity, Retrieval.off_topic) than to the closest answered FAQ question or the best sentence (> 0: its
    # nearest neighbour is off topic)
)


@dataclass(frozen=True)
class Candidate:
    """A sentence that could answer the question, with its feature vector (``FEATURES``)."""

    passage: Passage
    sentence: Sentence
    features: tuple[float, ...]


@dataclass(frozen=True)
class Logistic:
    """A logistic regression over standardised features."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probabilities(self, rows: list[tuple[float, ...]]) -> list[float]:
        if not rows:
            return []
        x = (np.asarray(rows, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return [1.0 / (1.0 + math.exp(-v)) for v in x @ np.asarray(self.weights) + self.bias]


REGIMES = ("lexical", "cross_lingual")  # the question's language has knowledge passages / has none


def regime(unknown_words: float | None) -> str:
    """The question's regime: ``unknown_words`` is None when its language has no knowledge passages."""
    return "cross_lingual" if unknown_words is None else "lexical"


@dataclass(frozen=True)
class Verdict:
    """What a judge says of an answer: the chance that the knowledge answers the question (declined
    below ``min_answerable``), the answer's support and its level ("well" or "partly")."""

    answerable: float
    support: float
    min_answerable: float
    supported: str


@dataclass(frozen=True)
class Judge:
    """Whether the knowledge answers a question (``answerable``, declined below ``min_answerable``)
    and whether the answer is right (``right``, mapped by the isotonic curve to the ``support``;
    "well supported" from ``well_supported``), for the questions of one regime."""

    answerable: Logistic
    right: Logistic
    curve_x: tuple[float, ...]  # the ``right`` model's probability ...
    curve_y: tuple[float, ...]  # ... and the share of right answers at it (isotonic, cross-validated)
    min_answerable: float
    well_supported: float = 1.0  # answers at or above this support were right >= 95% of the time (1.0: none)

    def verdict(self, row: tuple[float, ...]) -> Verdict:
        """The verdict on a question-level feature row (``QUESTION_FEATURES``)."""
        support = float(np.interp(self.right.probabilities([row])[0], self.curve_x, self.curve_y))
        return Verdict(self.answerable.probabilities([row])[0], support, self.min_answerable,
                       "well" if support >= self.well_supported else "partly")


@dataclass(frozen=True)
class Selector:
    """The fitted parameters: which candidate answers (``candidate``) and, per regime, the judge
    of the answer (``judges``)."""

    model: str
    candidate: Logistic
    judges: dict[str, Judge]
    keep_ratio: float = 0.85  # a further sentence is quoted when its probability is this close to the best (fitted)
    features: tuple[str, ...] = FEATURES
    question_features: tuple[str, ...] = QUESTION_FEATURES
    report: dict = field(default_factory=dict)  # how the fit went (cross-validated figures)

    def probabilities(self, rows: list[tuple[float, ...]]) -> list[float]:
        """The probability that each candidate (a feature row) answers the question."""
        return self.candidate.probabilities(rows)

    def judge(self, ranked: list[tuple[float, tuple[float, ...]]], unknown_words: float | None,
              standout: float, off_topic: float) -> Verdict:
        """The verdict on the candidates ranked best first as (probability, features), given the
        question's share of unknown words (None: its language has no knowledge passages), its
        ``Retrieval.standout`` and ``Retrieval.off_topic``."""
        judge = self.judges[regime(unknown_words)]
        if not ranked:
            return Verdict(0.0, 0.0, judge.min_answerable, "partly")
        return judge.verdict(question_row(ranked, unknown_words, standout, off_topic))

    def digest(self) -> str:
        """A fingerprint of the fitted parameters (answers change when they do)."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode("utf-8")).hexdigest()[:16]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def kept(scores: list[float], keep_ratio: float, max_quotes: int) -> int:
    """How many of the candidates ranked best first (by ``scores``) an answer quotes: those whose
    probability is at least ``keep_ratio`` times the best's, at most ``max_quotes``."""
    return min(max_quotes, sum(1 for s in scores if s >= scores[0] * keep_ratio)) if scores else 0


def question_row(ranked: list[tuple[float, tuple[float, ...]]], unknown_words: float | None,
                 standout: float, off_topic: float) -> tuple[float, ...]:
    """The question-level features (``QUESTION_FEATURES``) from the ranked candidates."""
    (best, top), second = ranked[0], (ranked[1][0] if len(ranked) > 1 else 0.0)
    at = {name: top[i] for i, name in enumerate(FEATURES)}
    closest = at["faq"] - at["faq_gap"]
    nearest = max(closest, at["sentence"] - at["sentence_gap"])  # the best answered question's or sentence's
    return (best, second, at["sentence"], at["passage"], at["faq"], at["fits"], at["misfit"], at["faq_sentence"],
            closest, unknown_words or 0.0, float(unknown_words is None),
            at["lexical"], at["bm25"], at["predicate"], at["predicate_other"], at["named"], at["unnamed"], standout,
            off_topic - nearest)


def calibration_file(model: str) -> Path:
    """Where the parameters of ``model`` are kept in the package."""
    return Path(str(resources.files("briefing_bot") / "calibration" / f"{model.replace('/', '--')}.json"))


def load_selector(model: str, path: Path | None = None) -> Selector:
    """The parameters fitted for ``model`` (or read from ``path``). A model that was never
    calibrated gets the default model's, until ``briefing-bot calibrate`` is run for it."""
    path = path or calibration_file(model)
    if not path.is_file():
        path = calibration_file("embeddinggemma-300m")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["candidate"] = _logistic(data["candidate"])
        data["judges"] = {name: Judge(**_tuples({**judge, "answerable": _logistic(judge["answerable"]),
                                                 "right": _logistic(judge["right"])}))
                          for name, judge in data["judges"].items()}
        selector = Selector(**_tuples(data))
        if set(selector.judges) != set(REGIMES):
            raise ValueError(f"judges for {sorted(selector.judges)}, not {list(REGIMES)}")
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ConfigError(f"Cannot read the calibration {path}: {exc}. Run 'briefing-bot calibrate'.") from None
    if selector.features != FEATURES or selector.question_features != QUESTION_FEATURES:
        raise ConfigError(f"The calibration {path} was fitted on other features; run 'briefing-bot calibrate'.")
    return selector


def _tuples(data: dict) -> dict:
    """``data`` with its lists as tuples (the dataclasses' field types)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def _logistic(data: dict) -> Logistic:
    return Logistic(**_tuples(data))
