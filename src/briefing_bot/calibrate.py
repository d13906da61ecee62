"""Fit the answer-selection parameters (``selection.Selector``) of an embedding model on labelled
questions, by cross-validation: ``briefing-bot calibrate``.

Labelled questions are the FAQ's question variants (each answered by its entry's passages, or out of
scope for an off-topic entry; when one is asked, its own entry is left out of FAQ routing and of the
off-topic questions, as for a question nobody wrote down: an off-topic entry holds one topic in every
language) and a training file of further questions, answerable (with their passages) and out of scope.
Folds keep an FAQ entry, or the questions answered by one passage, together; the cross-validation
is repeated with differently shuffled folds (``REPEATS``) and every figure, threshold and curve is
fitted on the pooled repetitions, so that they do not depend on one draw of the folds. The steps:

1. a logistic regression says which candidate sentences state the answer (the sentences that
   the FAQ entry or the training question points at);
2. ``keep_ratio``, how close to the best candidate's probability a further one must be to be quoted
   too, maximises the F1 of two cross-validated shares: answers that quote a right sentence (more
   quotes help) and quotes that are right (more quotes hurt);
3. per regime (``selection.REGIMES``: the question's language has knowledge passages, or not), two
   more, on each question's best candidates as ranked by the first out of fold, say whether the
   question is answerable and whether the answer (the sentences it quotes) is right; the
   cross-validated probabilities of the second are mapped by isotonic regression to the share of
   right answers: the answer's ``support``;
4. per regime, the decline threshold (on the chance that the knowledge answers) maximises the mean
   of the share of answerable questions answered right and of out-of-scope ones declined; the
   "well supported" cut-off is the lowest support at which answers were right at least 95% of
   the time. A regime gets a judge fitted on its own questions when that beats the one fitted on
   all questions on the cross-validated objective by more than the gain's standard error.

Steps 3 and 4 (the judge) learn from the training file's questions and the off-topic ones only: the
FAQ's answered variants, asked without their entry, are less like real questions (a close FAQ
question there points at another entry's passages; a journalist's question close to an FAQ question
is answered by that entry's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import BriefingBotError
from .faq import load_faq, pointed_sentences
from .knowledge import load_knowledge
from .selection import REGIMES, Candidate, Judge, Logistic, Selector, kept, question_row, regime

TARGET_PRECISION = 0.95  # answers at or above the "well supported" cut-off are right this often
FOLDS = 5
REPEATS = 5  # cross-validations with differently shuffled folds, pooled
KEEP_RATIOS = tuple(round(1.0 - 0.05 * i, 2) for i in range(17))  # 1.0 (one quote) ... 0.2, tried in order
SMOOTHING = 2  # the decline threshold's objective is averaged over this many grid steps (0.02) either side
MIN_REGIME = 20  # a regime with fewer answerable or out-of-scope questions gets a judge fitted on all


@dataclass(frozen=True)
class Labelled:
    """A question with the passage groups that answer it (none: out of scope) and, in them, the
    sentences (group, position) that state the answer."""

    question: str
    history: tuple[dict, ...]
    gold: frozenset[str]
    fold: str  # questions with the same key stay in one fold
    exclude_faq: frozenset[str] = frozenset()
    sentences: frozenset[tuple[str, int]] = frozenset()

    def answers(self, candidate: Candidate) -> bool:
        """Whether ``candidate`` states the answer (any sentence of a gold passage when the
        answering sentences are not known)."""
        group = candidate.passage.group
        if not self.sentences:
            return group in self.gold
        return (group, candidate.passage.sentences.index(candidate.sentence)) in self.sentences


@dataclass(frozen=True)
class Asked:
    """What the bot saw for one labelled question."""

    candidates: list[Candidate]
    unknown_words: float | None
    standout: float
    off_topic: float


def labelled_questions(knowledge_dir: Path, train: Path | None) -> list[Labelled]:
    """The FAQ's variants and the training file's questions, labelled with their answering groups."""
    passages = load_knowledge(knowledge_dir).passages
    items = [Labelled(q.text, (), frozenset(q.groups), f"faq:{q.entry_id}", frozenset({q.entry_id}),
                      frozenset(q.sentences))
             for q in load_faq(knowledge_dir, passages)[0]]
    if train is None:
        return items
    by_doc: dict[str, list] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    for number, line in enumerate(Path(train).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        gold, sentences = set(), set()
        for ref in row.get("gold", []):
            found = [p for p in by_doc.get(ref["doc"], []) if ref["contains"] in p.text]
            if len(found) != 1:
                raise BriefingBotError(f"{train}:{number}: {ref} matches {len(found)} passages (it must match one).")
            gold.add(found[0].group)
            sentences.update((found[0].group, i) for i in pointed_sentences(found[0], ref["contains"]))
        if row.get("answerable", True) and not gold:
            raise BriefingBotError(f"{train}:{number}: an answerable question needs its 'gold' passages.")
        fold = "+".join(sorted(gold)) or f"out:{number}"
        items.append(Labelled(row["q"], tuple(row.get("history") or ()), frozenset(gold), fold,
                              sentences=frozenset(sentences)))
    return items


def collect(pipeline, items: list[Labelled], progress: Callable[[int], None] | None = None
            ) -> list[Asked]:
    """The candidates of every labelled question, as the bot would see them."""
    pipeline.warm_up(calibrated=False)
    answerer = pipeline.answerer
    prepared = [pipeline.prepare(item.question, list(item.history)) for item in items]
    vectors = pipeline.vectors(prepared, progress)
    found = []
    for item, p, vector in zip(items, prepared, vectors):
        retrieval = answerer.retriever.retrieve(p.query, p.query, p.language, vector, item.exclude_faq)
        found.append(Asked(answerer.candidates(p.question, retrieval, p.query, p.language, context=p.context),
                           retrieval.unknown_words, retrieval.standout, retrieval.off_topic))
    return found


def fit(model: str, items: list[Labelled], asked: list[Asked], folds: int = FOLDS, max_quotes: int = 3) -> Selector:
    """Fit a ``Selector`` for ``model`` (whose answers quote at most ``max_quotes`` sentences); its
    ``report`` holds the cross-validated figures."""
    from sklearn.model_selection import GroupKFold

    keys = sorted({item.fold for item in items})
    groups = [keys.index(item.fold) for item in items]
    n = len(items)
    # 1. which candidate answers: out-of-fold rankings, as for questions never seen. Every figure below
    # is over REPEATS cross-validations with differently shuffled folds, question i of repetition r at
    # r * n + i: one split's thresholds and figures move with the luck of the folds
    splits: list[tuple[np.ndarray, np.ndarray]] = []
    ranked: list[list[tuple[float, Candidate]]] = [[] for _ in range(n * REPEATS)]
    for rep in range(REPEATS):
        for train, test in GroupKFold(n_splits=folds, shuffle=True, random_state=rep).split(np.zeros(n), groups=groups):
            candidate = _logistic([_candidate_rows(items[i], asked[i].candidates) for i in train])
            for i in test:
                ranked[rep * n + i] = _ranked(candidate, asked[i].candidates)
            splits.append((train + rep * n, test + rep * n))
    answerable = np.tile([bool(item.gold) for item in items], REPEATS)
    # the training file's questions and the off-topic ones: the FAQ's answered variants, asked without
    # their entry, are less like real questions
    real = np.tile([not item.exclude_faq or not item.gold for item in items], REPEATS)
    # 2. how many of the best candidates an answer quotes; an answer is right when one of them is
    keep_ratio, keeping = _keep_ratio(ranked, items, answerable & real, max_quotes)
    rows: list[tuple[float, ...]] = [()] * (n * REPEATS)
    right = np.zeros(n * REPEATS)
    for k, found in enumerate(ranked):
        if found:
            a = asked[k % n]
            rows[k] = question_row([(p, c.features) for p, c in found], a.unknown_words, a.standout, a.off_topic)
            right[k] = any(_hits(found, items[k % n], keep_ratio, max_quotes))
    has = np.array([bool(r) for r in rows])
    regimes = np.tile([regime(a.unknown_words) for a in asked], REPEATS)
    # 3.-4. per regime: the judge (fitted on the real questions only, see above), and its cross-validated
    # answers and supports
    answered, support = np.zeros(n * REPEATS, bool), np.zeros(n * REPEATS)
    judges, report = {}, {}
    pooled = _judge(has & real, rows, right, answerable, splits)
    for name in REGIMES:
        own = has & (regimes == name)
        mine = own & real  # what its own judge would learn from
        choices = {"all questions": pooled}
        if mine[answerable].sum() >= MIN_REGIME and mine[~answerable].sum() >= MIN_REGIME:
            choices["its own questions"] = _judge(mine, rows, right, answerable, splits)
        scores = {k: _objective(f.answered[own & real], right[own & real], answerable[own & real])
                  for k, f in choices.items()}
        gain = (_gain(choices["its own questions"].answered, pooled.answered, right, answerable, own & real, n)
                if "its own questions" in choices else (0.0, 0.0))
        chosen = "its own questions" if gain[0] > gain[1] else "all questions"
        fitted = choices[chosen]
        # "well supported" is cut off on this regime's answers, whichever judge gave them
        well = _cut_off(np.where(fitted.answered, fitted.support, 0.0)[own & real], right[own & real])
        judges[name] = replace(fitted.judge, well_supported=well)
        answered[own], support[own] = fitted.answered[own], fitted.support[own]
        report[name] = {**fitted.report, "fitted_on": chosen, "well_supported": well,
                        "cv_objective": {k: round(v, 3) for k, v in scores.items()},
                        "own_gain": {"gain": round(gain[0], 4), "standard_error": round(gain[1], 4)}}
    well_right = answered & (support >= np.array([judges[r].well_supported for r in regimes])) & real
    later = np.tile([bool(item.history) for item in items], REPEATS) & answerable  # follow-ups
    report = {
        "questions": len(items), "answerable": int(answerable[:n].sum()), "out_of_scope": int((~answerable[:n]).sum()),
        "folds": folds, "repeats": REPEATS, "keep_ratio": keep_ratio, "keep_ratios": keeping,
        "cv_answer_right": round(float(right[answerable].mean()), 3),
        "cv_answered": round(float(answered[answerable].mean()), 3),
        "cv_answered_training_file": round(float(answered[answerable & real].mean()), 3),
        "cv_answered_right_training_file": round(float((answered & (right == 1))[answerable & real].mean()), 3),
        "cv_answered_right": round(float((answered & (right == 1))[answerable].mean()), 3),
        "cv_decline_accuracy": round(float((~answered)[~answerable].mean()), 3) if (~answerable).any() else None,
        "cv_right_when_well_supported": round(float(right[well_right].mean()), 3) if well_right.any() else None,
        "cv_share_well_supported": round(float(well_right[answerable & real].mean()), 3),  # training file's
        "follow_ups": int(later.sum()) // REPEATS,
        "cv_follow_ups_answer_right": round(float(right[later].mean()), 3) if later.any() else None,
        "cv_follow_ups_answered": round(float(answered[later].mean()), 3) if later.any() else None,
        "cv_follow_ups_answered_right": (round(float((answered & (right == 1))[later].mean()), 3)
                                         if later.any() else None),
        "regimes": report,
    }
    return Selector(model=model,
                    candidate=_logistic([_candidate_rows(item, a.candidates) for item, a in zip(items, asked)]),
                    judges=judges, keep_ratio=keep_ratio, report=report)


@dataclass(frozen=True)
class _Fitted:
    judge: Judge
    answered: np.ndarray  # cross-validated: answered or declined, and the support
    support: np.ndarray
    report: dict


def _judge(pool: np.ndarray, rows: list, right: np.ndarray, answerable: np.ndarray, splits: list) -> _Fitted:
    """A judge fitted on the questions of ``pool``, with its cross-validated answers and supports
    (over every question) and the figures of its fit; its "well supported" cut-off is set per
    regime by ``fit``."""
    from sklearn.isotonic import IsotonicRegression

    n = len(rows)
    chance, rightness = np.zeros(n), np.zeros(n)
    for train, test in splits:
        train, test = [i for i in train if pool[i]], [i for i in test if rows[i]]
        for labels, out in ((answerable, chance), (right, rightness)):
            judge = _logistic([[(rows[i], labels[i]) for i in train]], balanced=labels is answerable)
            out[test] = judge.probabilities([rows[i] for i in test])
    # the support: the share of right answers at each rightness (isotonic); the thresholds
    curve = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(rightness[pool], right[pool])
    has = np.array([bool(r) for r in rows])
    support = curve.predict(rightness) * has
    min_answerable, table = _threshold(chance[pool], right[pool], answerable[pool])
    answered = has & (chance >= min_answerable)
    everything = [i for i in range(n) if pool[i]]
    judge = Judge(answerable=_logistic([[(rows[i], answerable[i]) for i in everything]], balanced=True),
                  right=_logistic([[(rows[i], right[i]) for i in everything]]),
                  curve_x=tuple(round(float(x), 6) for x in curve.X_thresholds_),
                  curve_y=tuple(round(float(y), 6) for y in curve.y_thresholds_),
                  min_answerable=min_answerable)
    return _Fitted(judge, answered, support, {"questions": int(pool.sum()), "min_answerable": min_answerable,
                                              "thresholds": table})


def _candidate_rows(item: Labelled, found: list[Candidate]) -> list[tuple[tuple[float, ...], bool]]:
    """(features, states the answer) of each candidate."""
    return [(c.features, item.answers(c)) for c in found]


def _ranked(candidate: Logistic, found: list[Candidate]) -> list[tuple[float, Candidate]]:
    """The candidates with their probabilities, best first."""
    return sorted(zip(candidate.probabilities([c.features for c in found]), found), key=lambda x: -x[0])


def _hits(found: list[tuple[float, Candidate]], item: Labelled, keep_ratio: float, max_quotes: int) -> list[bool]:
    """For each candidate an answer quotes (``kept``), whether it lies in a passage that answers ``item``
    (the passage is the unit, as an answer's quotes come from a few sentences)."""
    return [c.passage.group in item.gold for _, c in found[:kept([p for p, _ in found], keep_ratio, max_quotes)]]


def _keep_ratio(ranked: list[list[tuple[float, Candidate]]], items: list[Labelled], pool: np.ndarray,
                max_quotes: int) -> tuple[float, list[dict]]:
    """The ``keep_ratio`` with the best F1 of two shares, over the answerable questions of ``pool``:
    answers that quote a right sentence (more quotes, more often), and quotes that are right (fewer
    quotes, more often). Ties go to the fewer quotes."""
    best, table = (-1.0, 1.0), []
    for ratio in KEEP_RATIOS:
        said, precise, quotes = [], [], []
        for k in np.flatnonzero(pool):
            found, item = ranked[k], items[k % len(items)]
            if not found:
                said.append(False)
                continue
            hits = _hits(found, item, ratio, max_quotes)
            said.append(any(hits))
            precise.append(sum(hits) / len(hits))
            quotes.append(len(hits))
        recall, precision = float(np.mean(said)), float(np.mean(precise))
        f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        table.append({"keep_ratio": ratio, "answer_has_a_right_quote": round(recall, 3),
                      "quotes_right": round(precision, 3), "f1": round(f1, 4),
                      "quotes": round(float(np.mean(quotes)), 2)})
        best = max(best, (round(f1, 4), ratio), key=lambda b: b[0])
    return best[1], table


def _logistic(groups: list[list[tuple[tuple[float, ...], bool]]], balanced: bool = False) -> Logistic:
    """A logistic regression on standardised features, over the (features, label) rows of ``groups``
    (``balanced``: both classes weigh the same, however rare one is)."""
    from sklearn.linear_model import LogisticRegression

    rows = [row for group in groups for row in group]
    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    regression = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced" if balanced else None)
    regression.fit((x - mean) / scale, y)
    return Logistic(tuple(round(float(w), 6) for w in regression.coef_[0]), round(float(regression.intercept_[0]), 6),
                    tuple(round(float(m), 6) for m in mean), tuple(round(float(v), 6) for v in scale))


def _objective(answered: np.ndarray, right: np.ndarray, answerable: np.ndarray) -> float:
    """The mean of the share of answerable questions answered right and of the share of
    out-of-scope ones declined (both count the same, as in the bot's targets)."""
    right_rate = float((answered & (right == 1))[answerable].mean()) if answerable.any() else 1.0
    decline_rate = float((~answered)[~answerable].mean()) if (~answerable).any() else 1.0
    return (right_rate + decline_rate) / 2


def _gain(own: np.ndarray, pooled: np.ndarray, right: np.ndarray, answerable: np.ndarray, mask: np.ndarray,
          n: int) -> tuple[float, float]:
    """How much a regime's own judge gains on ``_objective`` over the pooled one (their cross-validated
    answers ``own`` and ``pooled``) on the questions of ``mask``, and the gain's standard error (each
    of the ``n`` questions counted once, its repetitions averaged): the own judge is taken only when
    it gains more than that (the one-standard-error rule), not for a gain within noise."""
    def ok(answered: np.ndarray) -> np.ndarray:
        return np.where(answerable, answered & (right == 1), ~answered).astype(float)

    difference, gains, errors = ok(own) - ok(pooled), [], []
    for wanted in (True, False):  # the objective's two halves: answerable questions, out-of-scope ones
        chosen = np.flatnonzero(mask & (answerable == wanted))
        if len(chosen) == 0:
            continue
        questions, slot = np.unique(chosen % n, return_inverse=True)
        per_question = np.bincount(slot, difference[chosen]) / np.bincount(slot)
        gains.append(per_question.mean())
        errors.append(per_question.std(ddof=1) / np.sqrt(len(questions)) if len(questions) > 1 else 0.0)
    return float(sum(gains)) / 2, float(np.sqrt(sum(e * e for e in errors))) / 2


def _threshold(chance: np.ndarray, right: np.ndarray, answerable: np.ndarray) -> tuple[float, list[dict]]:
    """The decline threshold with the best ``_objective`` averaged over its neighbours
    (``SMOOTHING`` grid steps either side: near its top the objective is flat, and a refit that gained
    0.0005 moved the lexical threshold from 0.52 to 0.58), and the table of thresholds."""
    table, objectives = [], []
    grid = np.round(np.arange(0.02, 0.99, 0.02), 2)
    for t in grid:
        answered = chance >= t
        table.append({"min_answerable": float(t), "answered": round(float(answered[answerable].mean()), 3),
                      "answered_right": round(float((answered & (right == 1))[answerable].mean()), 3),
                      "declined": round(float((~answered)[~answerable].mean()), 3) if (~answerable).any() else 1.0})
        objectives.append(_objective(answered, right, answerable))
    smoothed = [np.mean(objectives[max(0, i - SMOOTHING):i + SMOOTHING + 1]) for i in range(len(grid))]
    return float(grid[int(np.argmax(smoothed))]), table


def _cut_off(support: np.ndarray, right: np.ndarray) -> float:
    """The lowest support at or above which answers (support > 0) were right ``TARGET_PRECISION``
    of the time."""
    for t in sorted(set(np.round(support[support > 0], 6))):
        above = support >= t
        if right[above].mean() >= TARGET_PRECISION:
            return round(float(t), 6)
    return 1.0


# --- the grounding cut-off of generated answers ---------------------------------------------------------

GROUNDING_PROBES = 400  # sentences probed (spread evenly over the knowledge)
WRONG_RANK = 3  # the wrong passage of a probe: its third-closest other passage group
MIN_PROBE_CHARS = 24  # shorter sentences (credits, fragments) are not probed


def fit_grounding(pipeline, probes: int = GROUNDING_PROBES) -> tuple[float, dict]:
    """Fit the similarity cut-off below which a generated sentence is too far from its cited
    passage (``validation.Grounds``), on labelled pairs made from the knowledge's translations.

    A probe is a sentence of a passage that has translations, embedded as a generated sentence is
    (an untitled document). Its true pair is its passage's translations (a restatement in other
    words: another language), scored as validation scores a sentence: the best similarity to any of
    their sentences' stored vectors. Its wrong pair is the passage group ranked ``WRONG_RANK``-th
    closest among the other groups (a neighbouring topic, the kind of passage a wrong citation
    points at; the closest ones often restate the same fact from another source). The cut-off is
    the highest that keeps ``validation.KEEP_TRUE`` of the true pairs (``validation.fit_cutoff``).
    Deterministic: the same index gives the same cut-off."""
    from .validation import fit_cutoff

    pipeline.warm_up()
    retriever = pipeline.answerer.retriever
    groups = {key: sorted(vs, key=lambda p: (p.language, p.passage_id)) for key, vs in sorted(retriever.versions.items())}
    owner = {s.sentence_id: p.group for vs in groups.values() for p in vs for s in p.sentences}
    every = [p.passage_id for vs in groups.values() for p in vs]
    candidates = [(p, s) for vs in groups.values() if len(vs) > 1 for p in vs for s in p.sentences
                  if len(s.text) >= MIN_PROBE_CHARS]
    if len(groups) <= WRONG_RANK or not candidates:
        raise BriefingBotError("Fitting the grounding cut-off needs translated passages and more than "
                               f"{WRONG_RANK} passage groups in the index.")
    chosen = candidates[::max(1, len(candidates) // probes)][:probes]
    vectors = pipeline.embedder.embed_passages([("none", s.text) for _, s in chosen])
    true, wrong = [], []
    for vector, (passage, _sentence) in zip(vectors, chosen):
        own = {s.sentence_id for s in passage.sentences}
        best: dict[str, float] = {}
        for sid, sim in retriever.sentence_similarities(vector, every).items():  # as validation scores
            if sid not in own:
                best[owner[sid]] = max(best.get(owner[sid], -1.0), sim)
        others = sorted((v for g, v in best.items() if g != passage.group), reverse=True)
        if passage.group in best and len(others) >= WRONG_RANK:
            true.append(best[passage.group])
            wrong.append(others[WRONG_RANK - 1])
    cutoff, report = fit_cutoff(true, wrong)
    return cutoff, {**report, "model": pipeline.embedder.name, "generation": retriever.info.generation,
                    "probes": len(chosen), "wrong_rank": WRONG_RANK}


def save_grounding(path: Path, cutoff: float, report: dict) -> None:
    """Write the cut-off where ``validation.load_cutoff`` reads it."""
    path.write_text(json.dumps({"min_similarity": cutoff, "report": report}, indent=1) + "\n", encoding="utf-8")
