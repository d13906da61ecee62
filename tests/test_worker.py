"""The answer worker: bounded queue, timeouts that drop the work, one bad question never fails its
batch, a dead worker is restarted and health says why meanwhile, new index generations are picked up."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from briefing_bot.errors import InvalidQuestion, StoreError
from briefing_bot.types import Answer
from briefing_bot.worker import AnswerService, Overloaded, TimedOut, Unavailable


class StubPipeline:
    """Answers "q" with "a: q"; "boom" raises an unexpected error (alone and in a batch). ``gate``
    holds every batch until it is set."""

    def __init__(self, warm_failures: int = 0) -> None:
        self.batches: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.warm_failures = warm_failures
        self.warmed = 0
        self.refreshes = 0

    def warm_up(self, progress=None, notify=None) -> None:
        self.warmed += 1
        if self.warmed <= self.warm_failures:
            raise RuntimeError("the model folder is unreadable")

    def refresh(self, every: float = 0.0, notify=None) -> bool:
        self.refreshes += 1
        return False

    def _one(self, question) -> Answer:
        if question == "boom":
            raise RuntimeError("unexpected failure on this question")
        if not isinstance(question, str) or not question.strip():
            raise InvalidQuestion("The question is empty.")
        return Answer(question=question, answer=f"a: {question}", answered=True, language="en")

    def ask_many(self, requests):
        self.gate.wait(10)
        self.batches.append([q for q, _ in requests])
        results = []
        for question, _history in requests:
            if question == "boom":
                raise RuntimeError("unexpected failure in the batch")
            try:
                results.append(self._one(question))
            except InvalidQuestion as exc:
                results.append(exc)
        return results

    def ask(self, question, history=None) -> Answer:
        return self._one(question)


def ready(service: AnswerService, timeout: float = 10) -> AnswerService:
    service.start()
    deadline = time.time() + timeout
    while not service.ready.is_set() and time.time() < deadline:
        time.sleep(0.01)
    assert service.ready.is_set(), service.health()
    return service


@pytest.fixture
def stub():
    return StubPipeline()


def run(coroutine):
    return asyncio.run(coroutine)


def test_questions_that_arrive_together_are_answered_in_one_batch(stub):
    service = ready(AnswerService(stub, queue_size=32))
    stub.gate.clear()

    async def many():
        tasks = [asyncio.create_task(service.answer(f"q{i}")) for i in range(8)]
        await asyncio.sleep(0.3)  # the worker holds the first batch; the others queue up
        stub.gate.set()
        return await asyncio.gather(*tasks)

    answers = run(many())
    assert [a.answer for a in answers] == [f"a: q{i}" for i in range(8)]
    assert len(stub.batches) < 8 and max(len(b) for b in stub.batches) > 1  # batched, not one by one
    service.stop()


def test_one_bad_question_never_fails_its_batch(stub):
    service = ready(AnswerService(stub))
    stub.gate.clear()

    async def mixed():
        tasks = [asyncio.create_task(service.answer(q)) for q in ("q1", "boom", "q2", "  ")]
        await asyncio.sleep(0.3)
        stub.gate.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    good, bad, also_good, empty = run(mixed())
    assert good.answer == "a: q1" and also_good.answer == "a: q2"
    assert isinstance(bad, RuntimeError) and isinstance(empty, InvalidQuestion)
    assert service.health()[0] == "ok"  # the worker survived
    service.stop()


def test_a_full_queue_refuses_at_once_with_overloaded(stub):
    service = ready(AnswerService(stub, queue_size=2, timeout=5))
    stub.gate.clear()

    async def flood():
        first = asyncio.create_task(service.answer("q0"))  # taken by the worker, held at the gate
        await asyncio.sleep(0.2)
        queued = [asyncio.create_task(service.answer(f"q{i}")) for i in (1, 2)]
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        with pytest.raises(Overloaded):
            await service.answer("one too many")
        refused_in = time.perf_counter() - started
        stub.gate.set()
        return refused_in, await asyncio.gather(first, *queued)

    refused_in, answers = run(flood())
    assert refused_in < 0.1 and [a.answer for a in answers] == ["a: q0", "a: q1", "a: q2"]
    service.stop()


def test_a_timed_out_question_is_504_and_its_work_is_dropped(stub):
    service = ready(AnswerService(stub, timeout=0.3))
    stub.gate.clear()

    async def slow():
        held = asyncio.create_task(service.answer("held"))  # the worker is busy with this one
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut):
            await service.answer("dropped")
        stub.gate.set()
        with pytest.raises(TimedOut):
            await held

    run(slow())
    time.sleep(0.3)
    assert ["dropped"] not in stub.batches and all("dropped" not in b for b in stub.batches)
    service.stop()


def test_a_worker_that_fails_to_start_is_restarted_and_health_says_why():
    stub = StubPipeline(warm_failures=1)
    service = AnswerService(stub)
    service.start()
    deadline = time.time() + 5
    while service.restarts == 0 and time.time() < deadline:
        time.sleep(0.01)
    status, reason = service.health()
    assert status == "degraded" and "model folder is unreadable" in reason
    with pytest.raises(Unavailable, match="model folder is unreadable"):
        run(service.answer("q"))
    ready(service)  # restarted after 1 s, and this time it starts
    assert service.health() == ("ok", "") and run(service.answer("q")).answer == "a: q"
    service.stop()


def test_a_worker_that_dies_while_serving_is_restarted(stub):
    service = ready(AnswerService(stub))
    original = stub.ask_many

    def crash(_requests):
        stub.ask_many = original
        raise SystemExit("the worker thread is killed")  # not an Exception: escapes the batch handling

    stub.ask_many = crash

    async def ask():
        return await service.answer("q")

    with pytest.raises(Exception):
        run(ask())  # the question in flight when it died fails...
    deadline = time.time() + 5
    while service.restarts == 0 and time.time() < deadline:
        time.sleep(0.01)
    assert service.restarts == 1
    ready(service)  # ...and the worker is back
    assert run(service.answer("q")).answer == "a: q"
    service.stop()


class StubStore:
    """``ping`` fails while ``down`` (a Chroma server stopped)."""

    def __init__(self) -> None:
        self.down = False

    def ping(self) -> None:
        if self.down:
            raise StoreError("Cannot read the index at http://127.0.0.1:8000 ([Errno 111] Connection refused).")


def test_an_index_that_cannot_be_read_is_unavailable_until_it_can(stub):
    stub.store = StubStore()
    service = ready(AnswerService(stub))
    answer_many, answer_one = stub.ask_many, stub.ask

    def ask_many(requests):
        if stub.store.down:  # what the Chroma client raises when its server is gone
            raise ConnectionRefusedError(111, "Connection refused")
        return answer_many(requests)

    def ask(question, history=None):
        if stub.store.down:
            raise ConnectionRefusedError(111, "Connection refused")
        return answer_one(question, history)

    stub.ask_many, stub.ask = ask_many, ask
    stub.store.down = True
    with pytest.raises(StoreError, match="Connection refused") as failed:
        run(service.answer("q"))  # a StoreError (503), not the client's error (500)
    assert failed.type is StoreError
    status, reason = service.health()
    assert status == "degraded" and reason.startswith("Cannot read the index at http://127.0.0.1:8000")
    asked = len(stub.batches)
    with pytest.raises(Unavailable, match="Connection refused"):
        run(service.answer("q"))  # refused at once while it is down
    assert len(stub.batches) == asked
    stub.store.down = False
    deadline = time.time() + 5
    while service.health()[0] != "ok" and time.time() < deadline:
        time.sleep(0.01)
    assert service.health() == ("ok", "") and run(service.answer("q")).answer == "a: q"
    with pytest.raises(RuntimeError):  # an error while the index can be read is still a bug (500)
        run(service.answer("boom"))
    assert service.health() == ("ok", "")
    service.stop()


def test_the_worker_looks_for_a_new_index_between_batches(stub):
    service = ready(AnswerService(stub))
    before = stub.refreshes
    run(service.answer("q"))
    time.sleep(1.2)  # idle: it still looks, at least once a second
    assert stub.refreshes >= before + 2
    service.stop()


def test_text_that_cannot_be_stored_is_refused(stub):
    service = ready(AnswerService(stub))
    with pytest.raises(InvalidQuestion, match="invalid characters"):
        run(service.answer("bad \ud800 text"))
    service.stop()
