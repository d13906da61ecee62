"""The answer cache: what counts as the same question, the in-process LRU bound, keys that change
with the index generation, the settings and the history an answer depends on, errors never
cached, a failing backend never failing a question; and against a real Redis server, answers
shared between two instances and a Redis that goes down mid-run."""

from __future__ import annotations

import logging
import time

import pytest

from briefing_bot.cache import ENTRY_OVERHEAD, RETRY_AFTER, AnswerCache, MemoryBackend, cache_key, normalize_question
from briefing_bot.errors import InvalidQuestion
from briefing_bot.pipeline import Pipeline
from briefing_bot.types import Answer
from conftest import FakeEmbedder
from test_api import ROOMY, client_for

QUESTION = "Who chairs the signing ceremony?"
DECLINED = "Recommend a good pizza recipe with mozzarella"
FOLLOW_UP = "And who chairs it?"  # read together with the earlier question


def asked(question: str, history: list[dict] | None = None) -> tuple[str, list[dict]]:
    return question, history or []


def user(*questions: str, answer: str = "An earlier answer.") -> list[dict]:
    turns = []
    for q in questions:
        turns += [{"role": "user", "content": q}, {"role": "assistant", "content": answer}]
    return turns


# --- the key ------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["who chairs the signing ceremony", "  WHO   chairs the\tsigning ceremony ?!",
                                     "Ｗｈｏ ｃｈａｉｒｓ ｔｈｅ ｓｉｇｎｉｎｇ ｃｅｒｅｍｏｎｙ？", "Who chairs the signing ceremony…"])
def test_case_spacing_width_and_final_punctuation_make_the_same_question(variant):
    assert normalize_question(variant) == normalize_question(QUESTION) == "who chairs the signing ceremony"
    assert cache_key([variant, ""], ["en"]) == cache_key([QUESTION, ""], ["en"])


def test_words_inner_punctuation_and_facts_make_another_question():
    key = cache_key([QUESTION, ""], ["en", "generation-1"])
    assert normalize_question("¿Quién preside la ceremonia?") == "¿quién preside la ceremonia"
    assert normalize_question("هل وقعت الولايات المتحدة؟") == "هل وقعت الولايات المتحدة"
    assert normalize_question("Did the U.S. sign?") != normalize_question("Did the US sign?")
    assert cache_key(["Who signed the convention?", ""], ["en", "generation-1"]) != key
    assert cache_key([QUESTION, "Tell me about Hanoi."], ["en", "generation-1"]) != key
    assert cache_key([QUESTION, ""], ["en", "generation-2"]) != key


def test_the_in_process_cache_drops_the_least_recently_used_within_its_bytes():
    backend = MemoryBackend(max_bytes=3 * (100 + ENTRY_OVERHEAD))
    for key in "abc":
        backend.set(key, b"x" * 100)
    assert backend.get("a") == b"x" * 100  # used: now the most recent
    backend.set("d", b"x" * 100)
    assert backend.get("b") is None and all(backend.get(k) for k in "acd")
    assert backend.entries.currsize <= backend.entries.maxsize
    backend.set("huge", b"x" * 10_000)  # larger than the whole cache: not stored, nothing dropped
    assert backend.get("huge") is None and all(backend.get(k) for k in "acd")


# --- the pipeline ---------------------------------------------------------------------------------


def test_an_answer_stored_comes_back_whole_without_embedding(pipeline, embedder):
    [computed] = pipeline.ask_many([asked("How many articles does the convention have?")])
    assert computed.conflicts and computed.citations and not computed.cached
    embedded = embedder.embedded
    again = pipeline.cached("  how many ARTICLES does the convention have ")
    assert again.cached and embedder.embedded == embedded
    assert again.question == "how many ARTICLES does the convention have"  # as asked this time
    assert (again.answer, again.citations, again.conflicts, again.support) == \
        (computed.answer, computed.citations, computed.conflicts, computed.support)
    assert set(again.timings_ms) == {"total"}
    assert Answer.from_dict(computed.to_dict()) == computed


def test_declines_are_cached_and_errors_never(pipeline):
    declined, empty = pipeline.ask_many([asked(DECLINED), asked("   ")])
    assert not declined.answered and isinstance(empty, InvalidQuestion)
    assert pipeline.cached(DECLINED).answer == declined.answer
    assert len(pipeline.cache.backend.entries) == 1  # the decline only
    with pytest.raises(InvalidQuestion):
        pipeline.cached("   ")


def test_nothing_is_served_before_warm_up_or_without_a_cache(settings, embedder):
    assert Pipeline(settings, embedder=embedder).cached(QUESTION) is None  # nothing loaded, nothing read
    off = Pipeline(settings.model_copy(update={"answer_cache": False}), embedder=embedder)
    off.ask_many([asked(QUESTION)])
    assert off.cache is None and off.cached(QUESTION) is None


def test_a_new_index_generation_is_a_miss(pipeline, knowledge):
    pipeline.ask_many([asked(QUESTION)])
    before = pipeline.index.generation
    assert pipeline.cached(QUESTION) is not None
    (knowledge / "contact.en.md").write_text(
        "---\ntitle: Contact\npublisher: Press office\npublished: 2025-11-28\nlanguage: en\nkind: notice\n---\n\n"
        "Journalists can reach the press office of the briefing at press@example.org.\n", encoding="utf-8")
    pipeline.ingest()
    assert pipeline.index.generation != before
    assert pipeline.cached(QUESTION) is None  # never an answer from the previous generation
    pipeline.ask_many([asked(QUESTION)])
    assert pipeline.cached(QUESTION) is not None


def test_settings_that_change_answers_are_part_of_the_key(pipeline, settings, embedder):
    pipeline.ask_many([asked(QUESTION)])
    shorter = Pipeline(settings.model_copy(update={"max_quotes": 1}), embedder=embedder, cache=pipeline.cache)
    shorter.warm_up()
    assert shorter.index.generation == pipeline.index.generation
    assert shorter.cached(QUESTION) is None


def test_the_history_an_answer_depends_on_is_part_of_the_key(pipeline):
    ceremony = user("Tell me about the signing ceremony in Hanoi.")
    pipeline.ask_many([asked(FOLLOW_UP, ceremony)])
    assert pipeline.cached(FOLLOW_UP) is None
    assert pipeline.cached(FOLLOW_UP, user("How many articles does the convention have?")) is None
    # the same earlier question (normalised), whatever the bot answered to it: the same context
    assert pipeline.cached(FOLLOW_UP, user("tell me about the  SIGNING ceremony in Hanoi", answer="Other.")).cached
    # a question that is not a follow-up does not depend on the history
    pipeline.ask_many([asked(QUESTION)])
    assert pipeline.cached(QUESTION, user("How many articles does the convention have?")).cached


class Down:
    """A backend that always fails, as a Redis that is down."""

    name = "redis"

    def get(self, key: str) -> bytes | None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def set(self, key: str, value: bytes) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_failing_backend_never_fails_a_question(settings, embedder, caplog):
    cache = AnswerCache(Down())
    pipeline = Pipeline(settings, embedder=embedder, cache=cache)
    with caplog.at_level(logging.WARNING, logger="briefing_bot"):
        [answer] = pipeline.ask_many([asked(QUESTION)])
        assert answer.answered and pipeline.cached(QUESTION) is None
    assert cache.counts["error"] >= 1 and cache.counts["miss"] == 1
    warnings = [r for r in caplog.records if getattr(r, "event", "") == "answer_cache_failed"]
    assert len(warnings) == 1 and "Connection refused" in warnings[0].getMessage()


# --- a real Redis server ----------------------------------------------------------------------------

def app_client(settings, tmp_path, name: str, **overrides):
    """A web app of its own (its own pipeline, fake embedder and feedback record) over the shared index."""
    embedder = FakeEmbedder()
    settings = settings.model_copy(update={**ROOMY, **overrides})
    client = client_for(settings, Pipeline(settings, embedder=embedder), feedback_db=tmp_path / f"{name}.sqlite")
    return client, embedder


def metric(client, line: str) -> float:
    for row in client.get("/metrics").text.splitlines():
        if row.startswith(line + " "):
            return float(row.split()[-1])
    return 0.0


HITS = 'briefing_bot_answer_cache_lookups_total{result="hit"}'
ERRORS = "briefing_bot_answer_cache_errors_total"


@pytest.mark.server
@pytest.mark.enable_socket
def test_two_instances_share_answers_through_redis(settings, tmp_path, redis_server):
    first, _embedder = app_client(settings, tmp_path, "first", redis_url=redis_server.url)
    second, embedder = app_client(settings, tmp_path, "second", redis_url=redis_server.url)
    try:
        computed = first.post("/api/ask", json={"question": QUESTION}).json()
        assert computed["cached"] is False
        shared = second.post("/api/ask", json={"question": "who chairs the signing ceremony"}).json()
        assert shared["cached"] is True and embedder.embedded == 0  # the other instance's answer, not embedded
        assert (shared["answer"], shared["citations"]) == (computed["answer"], computed["citations"])
        assert metric(second, HITS) == 1 and metric(second, ERRORS) == 0
    finally:
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)


@pytest.mark.server
@pytest.mark.enable_socket
def test_a_redis_that_goes_down_mid_run_answers_uncached(settings, tmp_path, redis_server, caplog):
    client, embedder = app_client(settings, tmp_path, "one", redis_url=redis_server.url)
    ask = lambda q: client.post("/api/ask", json={"question": q})  # noqa: E731
    try:
        assert ask(QUESTION).json()["cached"] is False and ask(QUESTION).json()["cached"] is True
        redis_server.stop()
        with caplog.at_level(logging.INFO, logger="briefing_bot"):
            down = [ask(QUESTION), ask("How many articles does the convention have?")]
            assert [r.status_code for r in down] == [200, 200]
            assert [r.json()["cached"] for r in down] == [False, False] and down[0].json()["answered"]
            assert metric(client, ERRORS) >= 1
            redis_server.start()  # back, empty
            time.sleep(RETRY_AFTER + 0.1)
            assert ask(QUESTION).json()["cached"] is False and ask(QUESTION).json()["cached"] is True
        events = [getattr(r, "event", "") for r in caplog.records]
        assert "answer_cache_failed" in events and "answer_cache_back" in events
    finally:
        client.__exit__(None, None, None)


@pytest.mark.server
@pytest.mark.enable_socket
def test_redis_url_shares_the_rate_limits_too(settings, tmp_path, redis_server):
    limited = {"rate_limit_burst": 2, "rate_limit_per_minute": 6}
    first, _ = app_client(settings, tmp_path, "first", redis_url=redis_server.url, **limited)
    second, _ = app_client(settings, tmp_path, "second", redis_url=redis_server.url, **limited)
    try:
        codes = [client.post("/api/ask", json={"question": QUESTION}).status_code for client in (first, second, first)]
        assert codes == [200, 200, 429]  # one client's questions counted together on both instances
    finally:
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
