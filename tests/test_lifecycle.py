"""Index lifecycle: running readers switch to a new generation by themselves, old generations are
dropped only after a grace period, ingests are serialised by a lock, and a failed, crashing or
killed ingest leaves the previous generation serving (the next ingest recovers)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing_bot.errors import IngestLocked, StoreError
from briefing_bot.lock import IngestLock
from briefing_bot.pipeline import Pipeline
from conftest import FACTS, NEW_DOC, FakeEmbedder, ROOT

NEW_QUESTION = "How can journalists reach the press office?"
OLD_QUESTION = "Who chairs the signing ceremony?"


def cites(answer, doc_id: str) -> bool:
    return answer.answered and any(c.doc_id == doc_id for c in answer.citations)


def names(store) -> list[str]:
    return [getattr(c, "name", c) for c in store.client.list_collections()]


class SlowEmbedder(FakeEmbedder):
    """A fake embedder that takes ``delay`` seconds per batch and records how many ingests embed at once."""

    active = 0
    most = 0
    guard = threading.Lock()

    def __init__(self, delay: float = 0.05, **kwargs) -> None:
        super().__init__(**kwargs)
        self.delay = delay

    def embed_passages(self, items, progress=None):
        with SlowEmbedder.guard:
            SlowEmbedder.active += 1
            SlowEmbedder.most = max(SlowEmbedder.most, SlowEmbedder.active)
        try:
            time.sleep(self.delay)
            return super().embed_passages(items, progress)
        finally:
            with SlowEmbedder.guard:
                SlowEmbedder.active -= 1


# --- readers switch by themselves, old generations are kept for the grace period -----------------

def test_a_running_pipeline_keeps_answering_during_an_ingest_and_switches_on_refresh(settings, knowledge):
    reader = Pipeline(settings, embedder=FakeEmbedder())
    reader.warm_up()
    first = reader.index.generation
    assert reader.refresh() is False  # nothing changed
    assert not cites(reader.ask(NEW_QUESTION), "press-office.en")

    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    report = Pipeline(settings, embedder=FakeEmbedder()).ingest()  # another process, as far as it knows
    assert report.added == ["press-office.en"] and report.info.generation != first

    # Before it refreshes, the reader still answers from its generation, which is still there.
    in_flight = reader.answerer
    assert reader.ask(OLD_QUESTION).answered
    assert first in reader.store.generations()

    assert reader.refresh() is True
    assert reader.index.generation == report.info.generation
    assert cites(reader.ask(NEW_QUESTION), "press-office.en")
    # A request that started on the old answerer finishes on it.
    answer, _ = in_flight.answer(OLD_QUESTION, "en", OLD_QUESTION, OLD_QUESTION)
    assert answer.answered
    assert reader.refresh() is False


def test_refresh_is_cheap_and_rate_limited(settings, knowledge):
    reader = Pipeline(settings, embedder=FakeEmbedder())
    assert reader.refresh() is False  # before warm-up: nothing to do
    reader.warm_up()
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    Pipeline(settings, embedder=FakeEmbedder()).ingest()
    assert reader.refresh(every=60) is False  # checked less than a minute ago (at warm-up)
    assert reader.refresh(every=0) is True


def test_refresh_keeps_serving_when_the_index_cannot_be_read(settings, knowledge, monkeypatch):
    reader = Pipeline(settings, embedder=FakeEmbedder())
    reader.warm_up()
    messages = []

    def unreachable():
        raise StoreError("server down")

    monkeypatch.setattr(reader.store, "active", unreachable)
    assert reader.refresh(notify=messages.append) is False
    assert "server down" in messages[0] and reader.ask(OLD_QUESTION).answered


def test_refresh_ignores_an_index_of_another_model(settings, knowledge):
    reader = Pipeline(settings, embedder=FakeEmbedder())
    reader.warm_up()
    Pipeline(settings, embedder=FakeEmbedder("another-model")).ingest()
    messages = []
    assert reader.refresh(notify=messages.append) is False
    assert "another-model" in messages[0] and reader.ask(OLD_QUESTION).answered


def test_a_replaced_generation_is_dropped_only_after_the_grace_period(settings, knowledge):
    reader = Pipeline(settings, embedder=FakeEmbedder())
    reader.warm_up()
    first = reader.index.generation
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    writer = Pipeline(settings, embedder=FakeEmbedder())
    second = writer.ingest().info.generation
    (knowledge / "facts.en.md").write_text(FACTS.replace("Hanoi on", "Ha Noi on"), encoding="utf-8")
    report = writer.ingest()
    third = report.info.generation
    store = writer.store
    assert report.dropped == [] and set(store.generations()) == {first, second, third}
    assert reader.ask(OLD_QUESTION).answered  # the reader never refreshed: its generation is intact

    assert store.collect_garbage(grace=600) == []
    later = time.time() + 601
    assert store.collect_garbage(grace=600, now=later) == sorted([first, second])
    assert set(store.generations()) == {third} and store.active().generation == third
    assert store.retired() == {}  # the records of dropped generations go too


def test_with_no_grace_the_next_ingest_drops_the_replaced_generation(settings, knowledge):
    settings = settings.model_copy(update={"index_grace_seconds": 0})
    first = Pipeline(settings, embedder=FakeEmbedder()).ingest().info.generation
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    report = Pipeline(settings, embedder=FakeEmbedder()).ingest()
    assert report.dropped == [first]
    assert set(Pipeline(settings).store.generations()) == {report.info.generation}


def test_the_active_generation_is_never_dropped(pipeline):
    active = pipeline.ingest().info.generation
    with pytest.raises(StoreError, match="active"):
        pipeline.store.drop_generation(active)
    assert pipeline.store.collect_garbage(grace=0, now=time.time() + 10**6) == []
    assert set(pipeline.store.generations()) == {active}


# --- failures never take the serving index down --------------------------------------------------

def test_a_crashing_ingest_leaves_the_old_generation_active_and_the_next_one_succeeds(settings, knowledge):
    before = Pipeline(settings, embedder=FakeEmbedder()).ingest().info
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    crashing = Pipeline(settings, embedder=FakeEmbedder(fail_after=0))
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashing.ingest(rebuild=True)
    assert crashing.store.active() == before
    assert set(crashing.store.generations()) == {before.generation}  # its half-built generation is gone
    assert "briefing_bot_ingest_lock" not in names(crashing.store)  # and the lock released

    report = Pipeline(settings, embedder=FakeEmbedder()).ingest()
    assert report.added == ["press-office.en"]
    assert cites(Pipeline(settings, embedder=FakeEmbedder()).ask(NEW_QUESTION), "press-office.en")


def test_a_clean_up_failure_after_the_switch_never_deletes_the_active_generation(settings, knowledge, monkeypatch):
    reader = Pipeline(settings, embedder=FakeEmbedder())
    reader.warm_up()
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    writer = Pipeline(settings, embedder=FakeEmbedder())
    real = writer.store.collect_garbage
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the clean-up after the switch
            raise StoreError("disk full while deleting")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer.store, "collect_garbage", failing)
    report = writer.ingest()
    assert len(calls) == 2 and "disk full" in report.warnings[0]
    active = writer.store.active()
    assert active.generation == report.info.generation
    assert writer.store.generations()[active.generation] == {"passages", "sentences", "faq"}
    assert reader.refresh() and cites(reader.ask(NEW_QUESTION), "press-office.en")


def test_an_incomplete_generation_is_never_activated(settings, knowledge, monkeypatch):
    before = Pipeline(settings, embedder=FakeEmbedder()).ingest().info
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    writer = Pipeline(settings, embedder=FakeEmbedder())
    real = writer.store.add

    def lossy(generation, kind, ids, *columns):  # a store that silently loses records
        keep = len(ids) // 2 if kind == "sentences" else len(ids)
        return real(generation, kind, ids[:keep], *(c[:keep] for c in columns))

    monkeypatch.setattr(writer.store, "add", lossy)
    with pytest.raises(StoreError, match="incomplete"):
        writer.ingest(rebuild=True)
    assert writer.store.active() == before and set(writer.store.generations()) == {before.generation}


def test_an_orphan_of_a_crashed_ingest_is_removed_by_the_next_ingest(pipeline, knowledge):
    active = pipeline.ingest().info.generation
    orphan = pipeline.store.new_generation()  # as if an ingest had been killed while writing it
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    report = pipeline.ingest()
    assert orphan in report.dropped and active not in report.dropped
    assert set(pipeline.store.generations()) == {active, report.info.generation}


# --- ingests are serialised ----------------------------------------------------------------------

def test_two_concurrent_ingests_are_serialised(settings, knowledge):
    SlowEmbedder.active = SlowEmbedder.most = 0
    Pipeline(settings, embedder=FakeEmbedder()).ingest()
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    messages, reports, errors = [], [], []

    def ingest():
        try:
            reports.append(Pipeline(settings, embedder=SlowEmbedder(0.2)).ingest(rebuild=True, notify=messages.append))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(60)
    assert not errors and len(reports) == 2
    assert SlowEmbedder.most == 1  # never two ingests embedding at once
    assert any("Another ingest is running" in m for m in messages)
    store = Pipeline(settings).store
    assert store.active().generation == reports[-1].info.generation  # the ingest that finished last
    assert {r.info.generation for r in reports} <= set(store.generations())  # none deleted the other's


def test_a_second_ingest_gives_up_after_the_wait_with_a_clear_message(settings):
    pipeline = Pipeline(settings.model_copy(update={"ingest_wait_seconds": 0.5}), embedder=FakeEmbedder())
    with IngestLock(pipeline.store, timeout=0):
        start = time.monotonic()
        with pytest.raises(IngestLocked, match=r"Another ingest \(ingest by pid \d+ on .*\) still holds"):
            pipeline.ingest()
        assert 0.4 < time.monotonic() - start < 5
    assert pipeline.ingest().info is not None  # free again


def test_the_cli_prints_the_lock_error_and_exits_1(settings, monkeypatch):
    from click.testing import CliRunner

    from briefing_bot import cli

    pipeline = Pipeline(settings.model_copy(update={"ingest_wait_seconds": 0}), embedder=FakeEmbedder())
    monkeypatch.setattr(cli, "_pipeline", lambda model=None: pipeline)
    with IngestLock(pipeline.store, timeout=0):
        result = CliRunner().invoke(cli.cli, ["ingest"])
    assert result.exit_code == 1 and "Error: Another ingest" in result.output
    assert "Traceback" not in result.output


def test_a_lock_whose_holder_stopped_beating_is_taken_over(settings):
    store = Pipeline(settings).store
    # A holder on another machine that died: same record, but its heartbeat never moves.
    store.client.create_collection(f"{store.prefix}_ingest_lock", embedding_function=None, metadata={
        "token": "dead", "pid": 1, "host": "elsewhere", "machine": "elsewhere", "beat": 3, "started": "earlier"})
    start = time.monotonic()
    with IngestLock(store, timeout=10, stale_after=0.5) as lock:
        assert 0.4 < time.monotonic() - start < 5
        lock.verify()


def test_a_live_holder_on_another_machine_is_waited_for(settings):
    store = Pipeline(settings).store
    holder = store.client.create_collection(f"{store.prefix}_ingest_lock", embedding_function=None, metadata={
        "token": "alive", "pid": 1, "host": "elsewhere", "machine": "elsewhere", "beat": 0})
    stop = threading.Event()

    def beat():
        n = 0
        while not stop.wait(0.1):
            n += 1
            holder.modify(metadata={"token": "alive", "pid": 1, "host": "elsewhere", "machine": "elsewhere", "beat": n})

    threading.Thread(target=beat, daemon=True).start()
    try:
        with pytest.raises(IngestLocked, match="on elsewhere"):
            IngestLock(store, timeout=1.5, stale_after=0.5).acquire()
    finally:
        stop.set()


def test_a_holder_whose_lock_was_taken_over_cannot_release_its_successor(settings):
    store = Pipeline(settings).store
    first = IngestLock(store, timeout=0, beat_every=60).acquire()
    second = IngestLock(store, timeout=0, beat_every=60)
    second._take_over(second._holder())  # as if ``first`` had been judged dead
    second.acquire()
    with pytest.raises(StoreError, match="lost the index lock"):
        first.verify()
    first.release()
    second.verify()  # still held
    second.release()
    assert not [n for n in names(store) if "ingest_lock" in n]


# --- killed ingests ------------------------------------------------------------------------------

CHILD = """
import sys, time
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
from briefing_bot.config import Settings
from briefing_bot.pipeline import Pipeline

class Slow(FakeEmbedder):
    def embed_passages(self, items, progress=None):
        time.sleep(0.02)
        return super().embed_passages(items, progress)

settings = Settings(knowledge_dir={knowledge!r}, chroma_dir={chroma!r}, chroma_url={chroma_url!r},
                    models_dir={models!r}, calibration={calibration!r})
pipeline = Pipeline(settings, embedder=Slow())
pipeline.store.client  # opened: the ingest proper starts now
print("start", flush=True)
pipeline.ingest(rebuild=True)
print("done", flush=True)
"""


def child_ingest(settings) -> subprocess.Popen:
    code = CHILD.format(tests=str(ROOT / "tests"), knowledge=str(settings.knowledge_dir),
                        chroma=str(settings.chroma_dir), chroma_url=settings.chroma_url, models=str(settings.models_dir),
                        calibration=str(settings.calibration))
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


def test_sigkilled_ingests_leave_the_index_serving_and_the_next_ingest_recovers(settings, knowledge):
    Pipeline(settings, embedder=FakeEmbedder()).ingest()
    for i in range(6):  # a few bigger documents, so that the ingest writes for a while
        (knowledge / f"extra-{i}.en.md").write_text(NEW_DOC.replace("press office", f"press office {i}") + "\n\n".join(
            f"Paragraph {j} of document {i} says something about treaty number {i * 100 + j}." for j in range(40)),
            encoding="utf-8")
    child = child_ingest(settings)
    assert child.stdout.readline() == "start\n"
    started = time.monotonic()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0 and "done" in out, err
    duration = time.monotonic() - started
    rng = random.Random(10)
    for _ in range(4):  # bench/drills/killed_ingests.py does 20
        child = child_ingest(settings)
        child.stdout.readline()
        time.sleep(rng.uniform(0, duration))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        reader = Pipeline(settings, embedder=FakeEmbedder())
        assert reader.ask(OLD_QUESTION).answered  # the previous (or the new, complete) generation serves
    report = Pipeline(settings.model_copy(update={"ingest_wait_seconds": 5}), embedder=FakeEmbedder()).ingest(rebuild=True)
    store = Pipeline(settings).store
    assert store.active().generation == report.info.generation
    for generation, kinds in store.generations().items():  # no orphan is left: only finished generations
        assert kinds == {"passages", "sentences", "faq"}
        assert generation == report.info.generation or generation in store.retired()
    assert Pipeline(settings, embedder=FakeEmbedder()).ask(OLD_QUESTION).answered


# --- the HTTP service picks the new generation up by itself --------------------------------------

def test_the_api_answers_a_new_document_within_seconds_without_failing_a_request(settings, knowledge, tmp_path):
    from fastapi.testclient import TestClient

    from briefing_bot.api import create_app

    settings = settings.model_copy(update={"feedback_db": tmp_path / "feedback.sqlite",
                                           "rate_limit_burst": 1000, "rate_limit_per_minute": 100000,
                                           "request_rate_limit_per_minute": 100000})
    app = create_app(settings, Pipeline(settings, embedder=FakeEmbedder()), with_ui=False)
    with TestClient(app) as client:
        deadline = time.time() + 30
        while not app.state.service.ready.is_set() and time.time() < deadline:
            time.sleep(0.05)
        statuses: list[int] = []
        stop = threading.Event()

        def ask_old():
            while not stop.is_set():
                statuses.append(client.post("/api/ask", json={"question": OLD_QUESTION}).status_code)

        askers = [threading.Thread(target=ask_old, daemon=True) for _ in range(4)]
        for t in askers:
            t.start()
        seen = None
        try:
            (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
            Pipeline(settings, embedder=FakeEmbedder()).ingest()
            done = time.monotonic()
            while time.monotonic() - done < 10:
                data = client.post("/api/ask", json={"question": NEW_QUESTION}).json()
                if any(c["doc_id"] == "press-office.en" for c in data.get("citations", [])):
                    seen = time.monotonic() - done
                    break
                time.sleep(0.1)
        finally:
            stop.set()
            for t in askers:
                t.join(30)
    # REFRESH_SECONDS, plus loading the new generation: about 1 s quiet, 3.15 s once in CI while four
    # threads kept asking, so the bound leaves room for a loaded machine (timing is the benchmark's job)
    assert seen is not None and seen < 2.0 + 5.0
    assert statuses and set(statuses) == {200}


# --- the same against a Chroma server (client/server mode) ----------------------------------------

@pytest.mark.server
@pytest.mark.enable_socket
def test_lifecycle_against_a_chroma_server(settings, knowledge, chroma_server):
    SlowEmbedder.active = SlowEmbedder.most = 0
    settings = settings.model_copy(update={"chroma_url": chroma_server})
    reader = Pipeline(settings, embedder=FakeEmbedder())
    reader.warm_up()
    first = reader.index.generation
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    reports, errors = [], []

    def ingest():
        try:
            reports.append(Pipeline(settings, embedder=SlowEmbedder(0.2)).ingest(rebuild=True))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(reports) == 2 and SlowEmbedder.most == 1  # serialised
    assert reader.ask(OLD_QUESTION).answered and first in reader.store.generations()  # still readable
    assert reader.refresh() and cites(reader.ask(NEW_QUESTION), "press-office.en")

    child = child_ingest(settings)  # killed while it holds the lock
    child.stdout.readline()
    deadline = time.monotonic() + 20
    while "briefing_bot_ingest_lock" not in names(reader.store) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    report = Pipeline(settings.model_copy(update={"ingest_wait_seconds": 5}), embedder=FakeEmbedder()).ingest(rebuild=True)
    assert reader.refresh() and reader.index.generation == report.info.generation
    assert cites(reader.ask(NEW_QUESTION), "press-office.en")
    assert not (Path(settings.chroma_dir)).exists()  # nothing was written to a local folder
