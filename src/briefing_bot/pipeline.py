"""The one place that wires concrete components together: settings in, answers out."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator

from threadpoolctl import threadpool_limits

from .answer import Answerer, Scoring
from .cache import AnswerCache, cache_key, make_cache
from .config import Settings
from .embedders import calibration_model, make_embedder
from .entities import ENTITIES_FILE, load_glossary
from .errors import BriefingBotError, InvalidQuestion
from .generation import PROMPT_VERSION, Event, make_generator, write
from .ingest import Indexer, IngestReport, ProgressFactory
from .follow_up import is_follow_up, with_context
from .language import conversation_language
from .language import use_detector
from .language import warm_up as warm_up_language
from .retrieval import Retrieval, Retriever
from .selection import load_selector
from .store import SCHEMA, ChromaStore, IndexInfo
from .types import Answer, Embedder, Generator, Turn
from .validation import Grounds, load_cutoff

# Fallback reasons of a passing failure (the LLM server down or slow): such answers are not cached.
TRANSIENT = ("llm_unreachable", "llm_timeout", "llm_error", "llm_busy")

# A long-running server calls ``Pipeline.refresh(every=REFRESH_SECONDS)`` before answering, so an
# ingest is live in it within this many seconds (the README's documented delay).
REFRESH_SECONDS = 2.0


@dataclass(frozen=True)
class Prepared:
    """A validated question, its language, and the text to search for (with ``context``, the
    earlier question, if a follow-up)."""

    question: str
    language: str
    query: str
    context: str = ""


def _quietly(function: Callable[[], object]) -> Callable[[], None]:
    """``function``, with its exceptions left to a later call to report."""
    def run() -> None:
        try:
            function()
        except Exception:  # noqa: BLE001 - the foreground call raises it
            pass
    return run


def parse_history(raw: object, max_turns: int, max_chars: int) -> list[Turn]:
    """Validate a history list of {"role", "content"}; keep the most recent turns within bounds."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidQuestion("'history' must be a list of {\"role\": \"user\"|\"assistant\", \"content\": text}.")
    turns = []
    for item in raw:
        if (not isinstance(item, dict) or item.get("role") not in ("user", "assistant")
                or not isinstance(item.get("content"), str)):
            raise InvalidQuestion("Each history entry must be {\"role\": \"user\"|\"assistant\", "
                                  "\"content\": text}.")
        turns.append(Turn(item["role"], item["content"]))
    turns = turns[-max_turns:] if max_turns else []
    while turns and sum(len(t.content) for t in turns) > max_chars:
        turns.pop(0)
    return turns


class Pipeline:
    """Question answering over the index. Construction is cheap; ``warm_up`` loads everything.

    The answer cache (``cache``: ``cache`` or the settings', None when off) serves the answer
    worker: ``cached`` reads it, ``ask_many`` stores what it answers (``remember`` with generated
    answers). ``ask`` and ``run`` (the command line, evaluation, benchmarks) always compute, and
    store nothing.

    Generated answers (``generator``: the given one, else the settings' ``llm_url``; None = off):
    ``ask`` answers extractively, then ``finish`` has the LLM write the answer from the cited
    passages and shows it only if it passes validation (``generate`` streams it)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, cache: AnswerCache | None = None,
                 generator: Generator | None = None) -> None:
        self.settings = settings
        use_detector(settings.language_detector)
        self.store = ChromaStore(settings)
        self._embedder = embedder
        self.cache = cache or make_cache(settings)
        self.generator = generator if generator is not None else make_generator(settings)
        self._cutoff: float | None = None  # the grounding cut-off of generated answers (None: not fitted)
        self._selection = ""  # the digest of the fitted selection parameters (part of the cache key)
        self.answerer: Answerer | None = None
        self.index: IndexInfo | None = None  # the generation ``answerer`` reads
        self._checked = 0.0  # when ``refresh`` last read the manifest (time.monotonic())
        self._refreshing = threading.Lock()
        self._ignored: str | None = None  # a generation ``refresh`` cannot use (told once)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        return self._embedder

    def ingest(self, rebuild: bool = False, progress: ProgressFactory | None = None,
               notify: Callable[[str], None] | None = None) -> IngestReport:
        """Bring the index up to date with the knowledge folder; questions then see the result.
        Waits for another ingest to finish (``ingest_wait_seconds``, then ``IngestLocked``);
        ``notify`` is told about the wait."""
        report = Indexer(self.store, self.embedder, self.settings.knowledge_dir,
                         lock_timeout=self.settings.ingest_wait_seconds,
                         grace=self.settings.index_grace_seconds).run(rebuild, progress, notify)
        if self.answerer is not None:
            self.refresh()
        return report

    def warm_up(self, progress: ProgressFactory | None = None,
                notify: Callable[[str], None] = lambda _m: None, calibrated: bool = True) -> None:
        """Load the model and the index, building the index first when there is none (or it is
        from another model). ``calibrated=False`` skips the fitted selection parameters, for
        ``briefing-bot calibrate``, which only collects candidates."""
        if self.answerer is not None:
            return
        warm_up_language()
        # numpy's BLAS on one thread: its products here are small (snapshot.py), and its idle
        # threads spin long enough after each one to slow the embedding model's next run by ~60 ms.
        threadpool_limits(1, user_api="blas")
        # The model loads (files checked, graph and tokenizer read) while the index is read; an
        # error there is raised by the retriever's own warm_up call, which then loads it again.
        threading.Thread(target=_quietly(self.embedder.warm_up), name="model-warm-up", daemon=True).start()
        info = self.store.active()
        if info is None or info.model != self.embedder.name or info.schema != SCHEMA:
            notify("No index yet: building it from the knowledge folder..." if info is None else
                   f"The index was built with {info.model}; rebuilding it with {self.embedder.name}..."
                   if info.model != self.embedder.name else "The index is from an older version; rebuilding it...")
            info = self.ingest(progress=progress, notify=notify).info
        selector = (load_selector(calibration_model(self.embedder.name), self.settings.calibration)
                    if calibrated else None)
        self._selection = selector.digest() if selector else ""
        self._cutoff = self.settings.llm_min_similarity or load_cutoff(calibration_model(self.embedder.name))
        self._checked = time.monotonic()
        self.index, self.answerer = info, self._answerer(info, selector)

    def _answerer(self, info: IndexInfo, selector) -> Answerer:
        """A ready answerer over generation ``info`` (its passages loaded, collections opened)."""
        retriever = Retriever(self.store, self.embedder, info, self.settings.candidates)
        scoring = Scoring(max_quotes=self.settings.max_quotes, min_answerable=self.settings.min_answerable)
        glossary = load_glossary(self.settings.knowledge_dir / ENTITIES_FILE)[0]
        answerer = Answerer(retriever, selector, scoring, tuple(self.settings.fallback_languages), glossary)
        answerer.warm_up()
        return answerer

    def refresh(self, every: float = 0.0,
                notify: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> bool:
        """Switch to the index's active generation if an ingest replaced the one being served.

        Returns True when it switched. Cheap when nothing changed: one read of the manifest, or
        nothing at all when the last read was less than ``every`` seconds ago. Does nothing before
        ``warm_up``. The new answerer is fully loaded before it replaces ``self.answerer`` (one
        assignment), so a question answered meanwhile, or already under way, uses the old one to
        the end; the old generation stays in the index for ``index_grace_seconds`` after it was
        replaced. Never raises: if the manifest cannot be read or the new generation cannot be
        loaded (or was built with another model), it keeps the current one, tells ``notify``,
        and tries again at a later call. Safe to call from several threads."""
        if self.answerer is None:
            return False
        with self._refreshing:
            now = time.monotonic()
            if every and now - self._checked < every:
                return False
            self._checked = now
            try:
                info = self.store.active()
            except Exception as exc:  # noqa: BLE001 - keep serving what is loaded
                notify(f"briefing-bot: cannot check the index for updates ({exc}); still serving the "
                       f"index built at {self.index.built_at}.")
                return False
            if info is None or info.generation == self.index.generation:
                return False
            if info.model != self.embedder.name or info.schema != SCHEMA:
                if self._ignored != info.generation:
                    self._ignored = info.generation
                    notify(f"briefing-bot: the index was rebuilt with {info.model} (schema {info.schema}); this "
                           f"process uses {self.embedder.name} (schema {SCHEMA}) and keeps the index built at "
                           f"{self.index.built_at} until it is restarted with the same model.")
                return False
            try:
                answerer = self._answerer(info, self.answerer.selector)
            except Exception as exc:  # noqa: BLE001 - keep serving what is loaded
                notify(f"briefing-bot: cannot load the new index ({exc}); still serving the index built "
                       f"at {self.index.built_at}.")
                return False
            self.index, self.answerer = info, answerer
            notify(f"briefing-bot: now serving the index built at {info.built_at} ({info.passages} passages).")
            return True

    def validate(self, question: object) -> str:
        """The question, stripped; ``InvalidQuestion`` when it is not usable."""
        if not isinstance(question, str) or not question.strip():
            raise InvalidQuestion("The question is empty. Type a question about the Convention against "
                                  "Cybercrime or the Hanoi signing ceremony.")
        question = question.strip()
        if len(question) > self.settings.max_question_chars:
            raise InvalidQuestion(f"The question is {len(question):,} characters long; the limit is "
                                  f"{self.settings.max_question_chars:,}. Shorten it and ask again.")
        return question

    def ask(self, question: object, history: Iterable[Turn] | object = None) -> Answer:
        """Answer one question, using the conversation history for follow-ups (generated when an
        LLM is configured and its answer passes validation, else extractive)."""
        return self.finish(self.run(question, history)[0], history)

    def finish(self, answer: Answer, history: Iterable[Turn] | object = None) -> Answer:
        """The answer to show for the extractive ``answer``: the last event of ``generate``."""
        final = answer
        for final in self.generate(answer, history):
            pass
        return final

    def generate(self, answer: Answer, history: Iterable[Turn] | object = None) -> Iterator[Event]:
        """Stream the generated answer to the question of the extractive ``answer`` (see
        ``generation.write``); the last event is the answer to show, its ``timings_ms`` with
        ``generate`` (ms). Without a generator, it is ``answer`` itself; a decline stays one
        (``fallback_reason`` "declined")."""
        if self.generator is None or answer.mode == "generated" or answer.cached:
            yield answer
            return
        start = time.perf_counter()
        for item in self._generate(answer, history):
            if isinstance(item, Answer):
                spent = round((time.perf_counter() - start) * 1000, 1)
                timings = {**answer.timings_ms, "generate": spent}
                if "total" in timings:
                    timings["total"] = round(timings["total"] + spent, 1)
                item = replace(item, timings_ms=timings)
            yield item

    def _generate(self, answer: Answer, history: Iterable[Turn] | object) -> Iterator[Event]:
        if not answer.answered:
            yield replace(answer, fallback_reason="declined")
            return
        answerer = self.answerer
        grounds = self.grounds(answerer)
        if grounds is None:
            yield replace(answer, fallback_reason="llm_uncalibrated")
            return
        passages = answerer.retriever.passages
        listed = list({c.passage_id: passages[c.passage_id] for c in answer.citations
                       if c.passage_id in passages}.values())
        yield from write(answer, listed, self._turns(history), self.generator, grounds,
                         lambda citations: answerer.conflicts(citations, answer.language)[0])

    def grounds(self, answerer: Answerer | None = None) -> Grounds | None:
        """What generated sentences are validated against, over ``answerer``'s index generation
        (default: the one served), with or without an LLM configured (a benchmark re-validates
        texts with it); None when the model has no grounding cut-off (set
        ``llm_min_similarity`` or run ``briefing-bot calibrate --grounding``)."""
        self.warm_up()
        answerer = answerer or self.answerer
        cutoff = self._cutoff
        if cutoff is None:
            return None
        retriever = answerer.retriever
        return Grounds(lambda p: retriever.versions.get(p.group, [p]), answerer.glossary,
                       lambda texts: self.embedder.embed_passages([("none", t) for t in texts]),
                       retriever.sentence_similarities, cutoff)

    def remember(self, question: object, history: Iterable[Turn] | object, answer: Answer) -> None:
        """Store a finished answer (generated mode) in the answer cache, unless its generation
        failed for a passing reason (the LLM server down or slow)."""
        answerer = self.answerer
        if self.cache is None or answerer is None or (answer.fallback_reason or "").startswith(TRANSIENT):
            return
        self.cache.put(self._cache_key(self.prepare(question, history), answerer), answer)

    def run(self, question: object, history: Iterable[Turn] | object = None) -> tuple[Answer, Retrieval]:
        """``ask``, also returning what retrieval found (for calibration and diagnostics)."""
        start = time.perf_counter()
        prepared = self.prepare(question, history)
        return self._answer(prepared, self.vectors([prepared])[0] if prepared.context else None, start)

    def ask_many(self, requests: list[tuple[object, object]]) -> list[Answer | BriefingBotError]:
        """Answer several questions, embedding them in one pass (faster than one by one under load).
        Each result is an ``Answer`` (stored in the answer cache), or the error that its request
        raised (never stored)."""
        start = time.perf_counter()
        prepared: list[Prepared | BriefingBotError] = []
        for question, history in requests:
            try:
                prepared.append(self.prepare(question, history))
            except BriefingBotError as exc:
                prepared.append(exc)
        answerer = self.answerer  # one generation for the whole batch, and the key says which
        valid = [p for p in prepared if isinstance(p, Prepared)]
        vectors = iter(self.vectors(valid) if valid else [])
        results: list[Answer | BriefingBotError] = []
        for p in prepared:
            if isinstance(p, BriefingBotError):
                results.append(p)
                continue
            answer = self._answer(p, next(vectors), start, answerer)[0]
            if self.cache is not None and self.generator is None:  # else ``remember`` stores the final one
                self.cache.put(self._cache_key(p, answerer), answer)
            results.append(answer)
        return results

    def vectors(self, prepared: list[Prepared], progress: Callable[[int], None] | None = None) -> list[list[float]]:
        """The search vectors of prepared questions, embedded in a batch (and the earlier questions of
        follow-ups in a second): a follow-up's leans towards its earlier question (``follow_up.with_context``)."""
        vectors = self.embedder.embed_queries([p.question for p in prepared], progress)
        contexts = [p.context for p in prepared if p.context]
        earlier = iter(self.embedder.embed_queries(contexts) if contexts else [])
        return [with_context(v, next(earlier)) if p.context else v for p, v in zip(prepared, vectors)]

    def cached(self, question: object, history: Iterable[Turn] | object = None) -> Answer | None:
        """The answer that the generation being served gave this question in this context before,
        from the answer cache (``cached`` true, ``question`` as asked now); None for a miss, without
        a cache, or before ``warm_up`` (this loads nothing). Raises ``InvalidQuestion`` as ``ask``."""
        answerer = self.answerer
        if self.cache is None or answerer is None:
            return None
        start = time.perf_counter()
        prepared = self.prepare(question, history)
        answer = self.cache.get(self._cache_key(prepared, answerer))
        if answer is None:
            return None
        return replace(answer, question=prepared.question, cached=True,
                       timings_ms={"total": round((time.perf_counter() - start) * 1000, 1)})

    def _cache_key(self, prepared: Prepared, answerer: Answerer) -> str:
        """The answer cache's key: the question and the earlier one it is read with (normalised),
        its language, and what answers it: the answerer's index generation, the model, the fitted
        selection, the settings that change answers, and the generated mode's (LLM, prompt, cut-off)."""
        info, s = answerer.retriever.info, self.settings
        generated = None if self.generator is None else (
            s.llm_url or type(self.generator).__name__, s.llm_model, s.llm_max_tokens, self._cutoff, PROMPT_VERSION)
        return cache_key((prepared.question, prepared.context),
                         (prepared.language, info.generation, info.model, info.schema, self._selection,
                          s.candidates, s.max_quotes, s.min_answerable, s.fallback_languages, generated))

    def prepare(self, question: object, history: Iterable[Turn] | object = None) -> Prepared:
        """Validate a question and work out its language and what to search for."""
        question = self.validate(question)
        turns = self._turns(history)
        self.warm_up()
        previous = next((t.content for t in reversed(turns) if t.role == "user"), "")
        # Its own language; a bare name or number ("Mauritius?") takes the earlier questions'.
        language = conversation_language(question, [t.content for t in reversed(turns) if t.role == "user"])
        if previous and is_follow_up(question, language):
            return Prepared(question, language, f"{previous}\n{question}", previous)
        return Prepared(question, language, question)

    def _turns(self, history: Iterable[Turn] | object) -> list[Turn]:
        """``history`` as turns: already parsed, or parsed (and bounded) by ``parse_history``."""
        if isinstance(history, list) and all(isinstance(t, Turn) for t in history):
            return history
        return parse_history(history, self.settings.max_history_turns, self.settings.max_history_chars)

    def _answer(self, prepared: Prepared, vector: list[float] | None, start: float,
                answerer: Answerer | None = None) -> tuple[Answer, Retrieval]:
        answer, retrieval = (answerer or self.answerer).answer(prepared.question, prepared.language, prepared.query,
                                                               prepared.query, vector, prepared.context)
        total = round((time.perf_counter() - start) * 1000, 1)
        return replace(answer, timings_ms={**answer.timings_ms, "total": total}), retrieval
