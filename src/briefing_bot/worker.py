"""The answer worker: the pipeline behind a bounded queue, supervised.

- One worker thread warms the pipeline up (503 "starting" meanwhile), then answers the questions
  waiting in the queue, embedding those that arrived together in one batch (micro-batching keeps
  latency flat under concurrent load on 2 cores). Between batches, at most every 2 s, it picks up
  a new index generation (``Pipeline.refresh``).
- The queue holds ``queue_size`` questions; beyond it a question is refused at once
  (``Overloaded``: 503 with Retry-After). Waiting costs no thread: callers await an asyncio future.
- A question answered before (``pipeline.cached``: the answer cache, same question, context and
  index generation) is answered at once, without waiting in the queue.
- With generated answers (``pipeline.generator``), the worker answers extractively as always; the
  LLM then writes the answer in a thread of the request's own (``stream``), outside the queue, so
  that a slow LLM holds up no other question (it is bounded by ``llm_timeout_seconds``).
- A question not answered within ``timeout`` seconds gets ``TimedOut`` (504) and is dropped from
  the queue if the worker has not started on it yet.
- A batch that fails is answered again question by question, so that one bad question fails alone.
- If the worker dies (an exception at warm-up or in its loop), a supervisor restarts it with
  backoff (1 s, doubling, at most 30 s); meanwhile ``health()`` says "degraded" with the reason and
  questions get ``Unavailable`` (503).
- If answering fails because the index cannot be read (a Chroma server that is down or
  restarting: ``pipeline.store.ping()`` fails too), those questions get ``StoreError`` (503, not a
  500), ``health()`` says "degraded" with the reason, and questions get ``Unavailable`` (503) at
  once, until the worker, checking every ``PROBE_EVERY`` seconds, can read the index again.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import AsyncIterator, Callable, Iterator

from .errors import BriefingBotError, IndexNotReady, InvalidQuestion, StoreError
from .logs import event
from .types import Answer

MAX_BATCH = 16
REFRESH_EVERY = 2.0  # seconds between two checks for a new index generation (pipeline.REFRESH_SECONDS)
IDLE_WAIT = 1.0  # the worker wakes up this often when idle (to refresh, to stop)
PROBE_EVERY = 0.5  # while the index cannot be read, the worker checks it again this often


class Overloaded(BriefingBotError):
    """Too many questions are waiting; try again in a few seconds."""


class TimedOut(BriefingBotError):
    """The question was not answered in time; its work was dropped."""


class Unavailable(IndexNotReady):
    """The service cannot answer now (starting, or its worker failed and is being restarted)."""


@dataclass
class Job:
    question: object
    history: object
    future: Future = field(default_factory=Future)


def check_text(question: object, history: object) -> None:
    """Refuse text that cannot be stored or sent back (lone surrogates from broken JSON escapes)."""
    texts = [question] if isinstance(question, str) else []
    if isinstance(history, list):
        texts += [t.get("content") for t in history if isinstance(t, dict) and isinstance(t.get("content"), str)]
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidQuestion("The question or its history contains invalid characters (a lone "
                                  "surrogate). Send valid UTF-8 text.") from None


class AnswerService:
    """See the module's documentation. ``on_answer(answer, seconds)`` is told of every answer
    delivered (recording, metrics); ``on_ready()`` when the worker is (again) ready."""

    def __init__(self, pipeline, *, queue_size: int = 32, timeout: float = 30.0, max_batch: int = MAX_BATCH,
                 on_answer: Callable[[Answer, float], None] | None = None,
                 on_refused: Callable[[str], None] = lambda _reason: None,
                 on_ready: Callable[[], None] = lambda: None,
                 on_restart: Callable[[], None] = lambda: None,
                 progress=None) -> None:
        self.pipeline = pipeline
        self.queue: queue.Queue[Job] = queue.Queue(maxsize=queue_size)
        self.timeout = timeout
        self.max_batch = max_batch
        self.on_answer = on_answer
        self.on_refused = on_refused
        self.on_ready = on_ready
        self.on_restart = on_restart
        self.progress = progress
        self.ready = threading.Event()
        self.state = "starting"  # starting, ok, degraded
        self.reason = "building the index"
        self.restarts = 0
        self.index_down = ""  # why the index cannot be read now ("" when it can)
        self.busy_since: float | None = None
        self._current: list[Job] = []
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._worker: threading.Thread | None = None

    # --- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._supervisor is None:
            self._supervisor = threading.Thread(target=self._supervise, name="answers-supervisor", daemon=True)
            self._supervisor.start()

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        if self._supervisor is not None:
            self._supervisor.join(wait)

    def _supervise(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            self._worker = threading.Thread(target=self._work, name="answers", daemon=True)
            self._worker.start()
            self._worker.join()
            if self._stop.is_set():
                break
            was_ready = self.ready.is_set()
            self.ready.clear()
            self.state = "degraded"
            if was_ready:
                backoff = 1.0
            self.restarts += 1
            self.on_restart()
            event("worker_died", f"The answer worker stopped: {self.reason}. Restarting it in {backoff:.0f} s.",
                  logging.ERROR, reason=self.reason, restarts=self.restarts)
            failure = Unavailable(f"The service cannot answer right now ({self.reason}); try again in a minute.")
            for job in self._current:  # the batch it was answering
                if not job.future.done():
                    job.future.set_exception(failure)
            self._current = []
            self._fail_waiting(failure)
            if self._stop.wait(backoff):
                break
            backoff = min(backoff * 2, 30.0)

    def _work(self) -> None:
        try:
            if self.progress is not None:
                self.pipeline.warm_up(progress=self.progress, notify=lambda m: event("warm_up", m))
            else:
                self.pipeline.warm_up()
        except BaseException as exc:  # noqa: BLE001 - the supervisor restarts the worker
            self.reason = f"cannot load the index: {type(exc).__name__}: {exc}"
            return
        self.state, self.reason = "ok", ""
        self.ready.set()
        event("worker_ready", "The answer worker is ready.", restarts=self.restarts)
        self.on_ready()
        try:
            self._loop()
        except BaseException as exc:  # noqa: BLE001 - the supervisor restarts the worker
            self.reason = f"the answer worker crashed: {type(exc).__name__}: {exc}"
        finally:
            self.busy_since = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self.index_down:
                self._check_index()
            try:
                first = self.queue.get(timeout=PROBE_EVERY if self.index_down else IDLE_WAIT)
            except queue.Empty:
                self._refresh()
                continue
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            self._refresh()  # before answering: a new ingest is live within REFRESH_EVERY seconds
            jobs = [job for job in batch if job.future.set_running_or_notify_cancel()]  # timed out: dropped
            if not jobs:
                continue
            self.busy_since, self._current = time.monotonic(), jobs
            for job, result in zip(jobs, self._answer(jobs)):
                if isinstance(result, BaseException):
                    job.future.set_exception(result)
                else:
                    job.future.set_result(result)
            self.busy_since, self._current = None, []

    def _refresh(self) -> bool:
        """Pick up a new index generation (at most every REFRESH_EVERY seconds); never raises."""
        refresh = getattr(self.pipeline, "refresh", None)
        if refresh is None:
            return False
        try:
            switched = bool(refresh(every=REFRESH_EVERY, notify=lambda m: event("index", m)))
        except Exception as exc:  # noqa: BLE001 - keep answering from the index that is loaded
            event("refresh_failed", f"Cannot check the index for updates: {exc!r}", logging.WARNING)
            return False
        if switched:
            self.on_ready()  # a new generation: readers (metrics) look at it again
        return switched

    def _answer(self, jobs: list[Job]) -> list[Answer | BaseException]:
        try:
            return self._explain(list(self.pipeline.ask_many([(job.question, job.history) for job in jobs])))
        except Exception as batch_error:  # noqa: BLE001 - retry one by one: only the bad one fails
            if _unexpected(batch_error) and (down := self._index_problem()) is not None:
                self._mark_down(down)  # not this batch's fault: each question would fail the same way
                return [down] * len(jobs)
            if len(jobs) > 1:
                event("batch_failed", f"A batch of {len(jobs)} failed ({batch_error!r}); answering its "
                      "questions one by one.", logging.WARNING)
            results: list[Answer | BaseException] = []
            for job in jobs:
                try:
                    results.append(self.pipeline.ask_many([(job.question, job.history)])[0])
                except Exception as exc:  # noqa: BLE001 - this question's own error
                    results.append(exc)
            return self._explain(results)

    def _explain(self, results: list[Answer | BaseException]) -> list[Answer | BaseException]:
        """If some questions failed because the index cannot be read (checked with
        ``pipeline.store.ping()``), their errors become that ``StoreError`` (503) and the service is
        marked degraded; errors of another cause are left as they are (a bug stays a 500)."""
        if not any(_unexpected(r) for r in results):
            return results
        down = self._index_problem()
        if down is None:
            return results
        self._mark_down(down)
        return [down if _unexpected(r) and not isinstance(r, StoreError) else r for r in results]

    def _index_problem(self) -> StoreError | None:
        """Why the index cannot be read now, or None when it can (or the pipeline cannot tell)."""
        ping = getattr(getattr(self.pipeline, "store", None), "ping", None)
        if ping is None:
            return None
        try:
            ping()
        except StoreError as exc:
            return exc
        except Exception as exc:  # noqa: BLE001 - any failure to read it means the same
            return StoreError(f"Cannot read the index ({type(exc).__name__}: {exc}).")
        return None

    def _mark_down(self, problem: StoreError) -> None:
        if not self.index_down:
            event("index_unreachable", f"The index cannot be read: {problem} Questions get 503 until it "
                  f"can; checking again every {PROBE_EVERY:g} s.", logging.ERROR, reason=str(problem))
        self.index_down = str(problem).rstrip(".")

    def _check_index(self) -> None:
        """While the index cannot be read: check it again (the loop waits PROBE_EVERY s between checks)."""
        if self._index_problem() is None:
            event("index_back", f"The index can be read again (it could not: {self.index_down}); answering.")
            self.index_down = ""
            self._refresh()

    def _fail_waiting(self, error: BaseException) -> None:
        while True:
            try:
                job = self.queue.get_nowait()
            except queue.Empty:
                return
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(error)

    # --- asking ---------------------------------------------------------------------------------

    def health(self) -> tuple[str, str]:
        """("ok" | "starting" | "degraded", reason)."""
        worker = self._worker
        if self.ready.is_set() and worker is not None and not worker.is_alive() and not self._stop.is_set():
            return "degraded", "the answer worker stopped"
        busy = self.busy_since
        if self.ready.is_set() and busy is not None and time.monotonic() - busy > self.timeout:
            return "degraded", f"the answer worker has been busy with one batch for {time.monotonic() - busy:.0f} s"
        down = self.index_down
        if self.ready.is_set() and down:
            return "degraded", down
        return self.state, self.reason

    async def answer(self, question: object, history: object = None) -> Answer:
        """Answer one question, from the answer cache or else by the worker (awaited without
        holding a thread). Raises ``InvalidQuestion``, ``Unavailable``, ``Overloaded``,
        ``TimedOut`` or ``StoreError``."""
        answer = None
        async for answer in self.stream(question, history):
            pass
        return answer

    async def stream(self, question: object, history: object = None) -> AsyncIterator[object]:
        """``answer`` as a stream: with generated answers (``pipeline.generator``), the events of
        ``pipeline.generate`` (tokens, accepted sentences, a withdrawal), produced in a thread
        outside the worker; the last item is always the answer to show. Raises as ``answer``."""
        check_text(question, history)
        self._check_health()
        started = time.monotonic()
        answer = None
        if getattr(self.pipeline, "cache", None) is not None:
            answer = await asyncio.to_thread(self.pipeline.cached, question, history)
        if answer is None:
            answer = await self._queued(question, history)
            if getattr(self.pipeline, "generator", None) is not None:
                async for item in _in_thread(self.pipeline.generate(answer, history)):
                    if isinstance(item, Answer):
                        answer = item
                    else:
                        yield item
                await asyncio.to_thread(self.pipeline.remember, question, history, answer)
        if self.on_answer is not None:
            try:
                await asyncio.to_thread(self.on_answer, answer, time.monotonic() - started)
            except Exception as exc:  # noqa: BLE001 - an answer is delivered even if recording fails
                event("record_failed", f"Cannot record an answer: {exc!r}", logging.ERROR)
        yield answer

    def _check_health(self) -> None:
        status, reason = self.health()
        if status != "ok":
            self.on_refused("unavailable")
            if status == "starting":
                raise Unavailable("The index is being built; try again in a minute.")
            raise Unavailable(f"The service cannot answer right now ({reason}); try again in a minute.")

    async def _queued(self, question: object, history: object) -> Answer:
        """The worker's answer (see ``answer``)."""
        job = Job(question, history)
        try:
            self.queue.put_nowait(job)
        except queue.Full:
            self.on_refused("overloaded")
            raise Overloaded("Too many questions are waiting; try again in a few seconds.") from None
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job.future), self.timeout)
        except asyncio.TimeoutError:
            job.future.cancel()  # dropped if the worker has not started on it
            self.on_refused("timeout")
            event("timeout", f"A question was not answered within {self.timeout:g} s; its work was dropped.",
                  logging.WARNING)
            raise TimedOut(f"The question was not answered within {self.timeout:g} s; try again.") from None


async def _in_thread(events: Iterator[object]) -> AsyncIterator[object]:
    """The items of a blocking iterator, produced in a thread (the event loop never waits on it)."""
    done = object()
    items = iter(events)
    try:
        while (item := await asyncio.to_thread(next, items, done)) is not done:
            yield item
    finally:  # a client that went away: the LLM's stream is closed too
        close = getattr(items, "close", None)
        if close is not None:
            await asyncio.to_thread(close)


def _unexpected(result: object) -> bool:
    """An error that is not about the question itself (a ``StoreError``, or an exception that is not
    a ``BriefingBotError``): the index may be unreachable."""
    return isinstance(result, Exception) and (isinstance(result, StoreError)
                                              or not isinstance(result, BriefingBotError))
