"""The HTTP API: the answer contract, every error status, the guard (bodies, rate limits, client
addresses, root path), CORS and frame-ancestors, feedback on issued answers, health, metrics, logs."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import threading
import time

import pytest
from fastapi.testclient import TestClient

from briefing_bot.app import create_app
from briefing_bot.logs import JSONFormatter
from briefing_bot.pipeline import Pipeline
from briefing_bot.schemas import NOT_ONLY_SPACES, AnswerOut, CitationOut, ConflictOut, ConflictValueOut, SourceOut
from briefing_bot.types import Answer, Citation
from briefing_bot.web import render_answer
from conftest import OPEN_CLIENTS, FakeEmbedder

QUESTION = "Who chairs the signing ceremony?"
ROOMY = {"rate_limit_burst": 500, "rate_limit_per_minute": 6000, "request_rate_limit_per_minute": 6000,
         "feedback_rate_limit_per_minute": 600}


def client_for(settings, pipeline=None, wait=True, client=("127.0.0.1", 50000), raise_server_exceptions=True,
               **overrides) -> TestClient:
    settings = settings.model_copy(update=overrides)
    app = create_app(settings, pipeline or Pipeline(settings, embedder=FakeEmbedder()), with_ui=False)
    test_client = TestClient(app, client=client, raise_server_exceptions=raise_server_exceptions)
    test_client.__enter__()  # runs the start-up (warm-up in the background)
    OPEN_CLIENTS.append(test_client)  # shut down after the test (conftest.close_open_clients)
    deadline = time.time() + 90  # the first warm-up in a process loads the language models
    while wait and not app.state.service.ready.is_set() and time.time() < deadline:
        time.sleep(0.02)
    return test_client


@pytest.fixture
def client(settings, tmp_path):
    return client_for(settings, feedback_db=tmp_path / "feedback.sqlite", **ROOMY)


def error_of(response) -> dict:
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()["error"]


# --- the answer ---------------------------------------------------------------------------------


def test_ask_returns_the_answer_object(client):
    response = client.post("/api/ask", json={"question": QUESTION, "history": []})
    assert response.status_code == 200
    data = response.json()
    assert data["answered"] and "Guterres" in data["answer"] and data["citations"][0]["n"] == 1
    assert 0 < data["support"] <= 1 and data["supported"] in ("well", "partly")
    assert len(data["answer_id"]) == 16 and response.headers["x-request-id"]


def test_a_question_asked_again_is_answered_from_the_cache(settings, tmp_path, caplog):
    """The same question (normalised) on the same index: ``cached`` true, the same answer, nothing
    embedded and no wait in the queue (the worker is held); hits and misses in the request log and
    in /metrics."""
    gate = threading.Event()
    gate.set()

    class Held(Pipeline):
        def ask_many(self, requests):
            assert gate.wait(5), "the worker was asked"
            return super().ask_many(requests)

    embedder = FakeEmbedder()
    client = client_for(settings, Held(settings, embedder=embedder), feedback_db=tmp_path / "f.sqlite",
                        answer_timeout_seconds=3, **ROOMY)
    with caplog.at_level(logging.INFO, logger="briefing_bot.access"):
        first = client.post("/api/ask", json={"question": QUESTION}).json()
        embedded = embedder.embedded
        gate.clear()
        again = client.post("/api/ask", json={"question": "  who chairs the SIGNING ceremony"}).json()
    assert (first["cached"], again["cached"]) == (False, True) and embedder.embedded == embedded
    assert again["answer"] == first["answer"] and again["citations"] == first["citations"]
    assert again["question"] == "who chairs the SIGNING ceremony"
    assert [r.cached for r in caplog.records if r.name == "briefing_bot.access"] == [False, True]
    text = client.get("/metrics").text
    assert 'briefing_bot_answer_cache_lookups_total{result="hit"} 1.0' in text
    assert 'briefing_bot_answer_cache_lookups_total{result="miss"} 1.0' in text
    assert "briefing_bot_answer_cache_errors_total 0.0" in text
    assert 'briefing_bot_answers_total{answered="true",language="en"} 2.0' in text
    gate.set()


def test_the_answer_cache_can_be_turned_off(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", answer_cache=False, **ROOMY)
    assert [client.post("/api/ask", json={"question": QUESTION}).json()["cached"] for _ in range(2)] == [False, False]
    assert "briefing_bot_answer_cache" not in client.get("/metrics").text


def test_the_declared_answer_model_is_exactly_the_answer_object(client):
    """The OpenAPI response model lists every field of the answer (and no other): a field added to
    the answer object without declaring it, or declared but never sent, fails here."""
    answers = [client.post("/api/ask", json={"question": q}).json() for q in
               (QUESTION, "How many articles does the convention have?", "Recommend a good pizza recipe with mozzarella")]
    assert any(a["conflicts"] for a in answers) and any(not a["answered"] for a in answers)
    for data in answers:
        AnswerOut.model_validate(data)
        assert set(data) == set(AnswerOut.model_fields)
        for citation in data["citations"]:
            assert set(citation) == set(CitationOut.model_fields)
            assert all(set(s) == set(SourceOut.model_fields) for s in citation["sources"])
        for conflict in data["conflicts"]:
            assert set(conflict) == set(ConflictOut.model_fields)
            assert all(set(v) == set(ConflictValueOut.model_fields) for v in conflict["values"])


@pytest.mark.parametrize("body, code, message", [
    ({"question": "  "}, "invalid_request", "The question is empty"),
    ({"question": ""}, "invalid_request", "The question is empty"),
    ({"question": "\x1c\ufeff\x85\u3000"}, "invalid_request", "The question is empty"),
    ({"question": "x" * 2001}, "invalid_request", "longer than 2,000 characters"),
    ({"question": "Who?", "history": [{"role": "robot", "content": "x"}]}, "invalid_request", "'history' must be"),
    ({"question": "Who?", "history": "yesterday"}, "invalid_request", "'history' must be"),
    ({"history": []}, "invalid_request", "'question' is missing"),
    ({"question": 42}, "invalid_request", "'question' must be text"),
    (["Who?"], "invalid_request", "must be a JSON object"),
])
def test_bad_input_is_422_with_a_clear_message(client, body, code, message):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422
    assert error_of(response)["code"] == code and message in error_of(response)["message"]


@pytest.mark.parametrize("content", [b"{not json", b'{"question": "Who', b"\xff\xfe{}", b""])
def test_malformed_json_is_400(client, content):
    response = client.post("/api/ask", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422) and error_of(response)["code"] in ("malformed_json", "invalid_request")
    if content:
        assert response.status_code == 400 and error_of(response)["code"] == "malformed_json"


def test_unknown_routes_and_methods_are_json(client):
    missing = client.get("/api/nothing")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = client.put("/api/ask", json={"question": QUESTION})
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed" and "POST" in wrong.headers["allow"]


# --- the guard ----------------------------------------------------------------------------------


def test_oversized_body_is_413(client):
    response = client.post("/api/ask", json={"question": "x" * 40_000})
    assert response.status_code == 413 and error_of(response)["code"] == "body_too_large"


def test_chunked_bodies_are_bounded_on_every_route(client):
    def body(padding: int):
        yield b'{"question": "Who chairs the signing ceremony?' + b" " * padding + b'"}'

    json_type = {"Content-Type": "application/json"}
    assert client.post("/api/ask", content=body(10), headers=json_type).status_code == 200
    for path in ("/api/ask", "/api/feedback", "/gradio_api/queue/join", "/anything/else"):
        too_big = client.post(path, content=body(40_000), headers=json_type)
        assert too_big.status_code == 413 and error_of(too_big)["code"] == "body_too_large", path


def test_rate_limit_is_429_with_retry_after(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", rate_limit_burst=2, rate_limit_per_minute=6)
    codes = [client.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.post("/api/ask", json={"question": QUESTION})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "wait" in error_of(limited)["message"]
    assert client.get("/api/health").status_code == 200  # other routes: the general limit only


def test_every_request_counts_against_the_general_limit(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", request_rate_limit_per_minute=3)
    codes = [client.get("/api/sources").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/widget.js").status_code == 200  # static files are not counted


def test_limits_hold_behind_the_root_path(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", root_path="/bot", rate_limit_burst=1,
                        rate_limit_per_minute=1)
    # a proxy that keeps the prefix, then one that strips it: the same route, the same limit
    assert client.post("/bot/api/ask", json={"question": QUESTION}).status_code == 200
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 429
    assert client.post("/bot/api/ask", json={"question": QUESTION}).status_code == 429
    assert client.post("/bot/api/ask", json={"question": "x" * 40_000}).status_code == 413


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(settings, tmp_path):
    direct = client_for(settings, feedback_db=tmp_path / "a.sqlite", rate_limit_burst=1, rate_limit_per_minute=1)
    first = direct.post("/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "1.1.1.1"})
    spoofed = direct.post("/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": "2.2.2.2"})
    assert (first.status_code, spoofed.status_code) == (200, 429)  # one client, whatever it writes


def test_a_trusted_proxy_names_the_client_by_its_own_entry(settings, tmp_path):
    proxied = client_for(settings, feedback_db=tmp_path / "b.sqlite", rate_limit_burst=1, rate_limit_per_minute=1,
                         trusted_proxies=["10.0.0.2"], client=("10.0.0.2", 5000))

    def ask(forwarded: str) -> int:
        return proxied.post("/api/ask", json={"question": QUESTION}, headers={"X-Forwarded-For": forwarded}).status_code

    # the proxy appends the address it saw: what the client wrote before it does not count
    assert ask("1.1.1.1, 9.9.9.9") == 200
    assert ask("2.2.2.2, 9.9.9.9") == 429
    assert ask("9.9.9.8") == 200


def test_503_while_the_index_is_being_built(settings, tmp_path):
    release = threading.Event()

    class SlowPipeline(Pipeline):
        def warm_up(self, progress=None, notify=lambda _m: None):
            release.wait(10)
            super().warm_up()

    client = client_for(settings, SlowPipeline(settings, embedder=FakeEmbedder()), wait=False,
                        feedback_db=tmp_path / "f.sqlite")
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert error_of(response)["code"] == "not_ready"
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json()["status"] == "starting"
    release.set()
    deadline = time.time() + 10
    while client.get("/api/health").status_code != 200 and time.time() < deadline:
        time.sleep(0.05)
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200


def test_a_worker_that_cannot_start_makes_health_degraded_with_the_reason(settings, tmp_path):
    class Broken(Pipeline):
        def warm_up(self, progress=None, notify=lambda _m: None):
            raise RuntimeError("disk full while loading the index")

    client = client_for(settings, Broken(settings, embedder=FakeEmbedder()), wait=False, feedback_db=tmp_path / "f.sqlite")
    deadline = time.time() + 5
    while client.get("/api/health").json()["status"] != "degraded" and time.time() < deadline:
        time.sleep(0.05)
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json()["status"] == "degraded"
    assert "disk full" in health.json()["detail"] and health.json()["restarts"] >= 1
    refused = client.post("/api/ask", json={"question": QUESTION})
    assert refused.status_code == 503 and "disk full" in error_of(refused)["message"]


def test_overload_is_503_and_timeouts_are_504(settings, tmp_path):
    gate = threading.Event()

    class Held(Pipeline):
        def ask_many(self, requests):
            gate.wait(10)
            return super().ask_many(requests)

    client = client_for(settings, Held(settings, embedder=FakeEmbedder()), feedback_db=tmp_path / "f.sqlite",
                        queue_size=1, answer_timeout_seconds=1.0, **ROOMY)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        held = pool.submit(client.post, "/api/ask", json={"question": QUESTION})  # the worker holds it
        time.sleep(0.3)
        queued = pool.submit(client.post, "/api/ask", json={"question": QUESTION})  # fills the queue
        time.sleep(0.2)
        overloaded = client.post("/api/ask", json={"question": QUESTION})
        assert overloaded.status_code == 503 and error_of(overloaded)["code"] == "overloaded"
        assert overloaded.headers["Retry-After"] == "5"
        timed_out = held.result(timeout=10)
        assert timed_out.status_code == 504 and error_of(timed_out)["code"] == "timeout"
        assert queued.result(timeout=10).status_code == 504
    gate.set()


def test_an_unexpected_error_is_a_json_500_for_that_question_only(settings, tmp_path):
    class Fragile(Pipeline):
        def ask_many(self, requests):
            if any(q == "explode" for q, _ in requests):
                raise RuntimeError("boom")
            return super().ask_many(requests)

        def ask(self, question, history=None):
            if question == "explode":
                raise RuntimeError("boom")
            return super().ask(question, history)

    client = client_for(settings, Fragile(settings, embedder=FakeEmbedder()), feedback_db=tmp_path / "f.sqlite",
                        raise_server_exceptions=False, **ROOMY)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda q: client.post("/api/ask", json={"question": q}),
                                  [QUESTION, "explode", QUESTION, QUESTION]))
    assert [r.status_code for r in responses] == [200, 500, 200, 200]
    assert error_of(responses[1])["code"] == "internal_error" and "request" in error_of(responses[1])["message"]


def test_a_chroma_outage_leaves_answers_from_the_loaded_index_and_failures_get_503(settings, tmp_path, monkeypatch):
    """As when the Chroma server is stopped under traffic (bench/drills/chroma_outage.py): the
    server answers from its in-memory copy of the generation it loaded (snapshot.py). A question
    that fails while the index cannot be read gets a 503 JSON error with Retry-After, not a 500;
    health says degraded with the reason; once the index can be read again, questions are
    answered without a restart."""
    import httpx

    pipeline = Pipeline(settings, embedder=FakeEmbedder())
    client = client_for(settings, pipeline, feedback_db=tmp_path / "f.sqlite", raise_server_exceptions=False, **ROOMY)
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200

    def refused(*_args, **_kwargs):
        raise httpx.ConnectError("[Errno 111] Connection refused")  # as Chroma's HTTP client does

    chroma = pipeline.store.client._server  # what every collection of the index calls
    for name in ("_query", "_get", "_count"):
        monkeypatch.setattr(chroma, name, refused)
    # a question not asked before (one asked before is answered from the answer cache)
    answered = client.post("/api/ask", json={"question": "When does the convention enter into force?"})
    assert answered.status_code == 200 and answered.json()["answered"]
    assert client.get("/api/health").json()["status"] == "ok"

    def broken(_requests):
        raise RuntimeError("the index went away")

    monkeypatch.setattr(pipeline, "ask_many", broken)
    monkeypatch.setattr(pipeline, "ask", lambda *_a, **_k: broken(None))
    failed = client.post("/api/ask", json={"question": "Who chairs the ceremony?"})
    assert failed.status_code == 503 and failed.headers["Retry-After"].isdigit()
    assert error_of(failed)["code"] == "unavailable" and "Connection refused" in error_of(failed)["message"]
    health = client.get("/api/health")
    assert health.status_code == 503 and health.json()["status"] == "degraded"
    assert "Connection refused" in health.json()["detail"]
    refused_at_once = client.post("/api/ask", json={"question": QUESTION})
    assert refused_at_once.status_code == 503 and error_of(refused_at_once)["code"] == "unavailable"
    monkeypatch.undo()  # the server is back
    deadline = time.time() + 10
    while client.get("/api/health").status_code != 200 and time.time() < deadline:
        time.sleep(0.05)
    assert client.get("/api/health").json()["status"] == "ok"
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200


def test_concurrent_questions_are_embedded_in_batches(settings, tmp_path):
    sizes: list[int] = []

    class Recording(Pipeline):
        def ask_many(self, requests):
            sizes.append(len(requests))
            time.sleep(0.2)  # while it works, the other questions queue up
            return super().ask_many(requests)

    client = client_for(settings, Recording(settings, embedder=FakeEmbedder()), feedback_db=tmp_path / "f.sqlite", **ROOMY)
    from concurrent.futures import ThreadPoolExecutor

    questions = [QUESTION, "How many articles does the convention have?"] * 8
    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(lambda q: client.post("/api/ask", json={"question": q}), questions))
    assert [r.status_code for r in responses] == [200] * 16
    assert all(r.json()["question"] == q for r, q in zip(responses, questions))
    assert sum(sizes) == 16 and len(sizes) <= 8 and max(sizes) >= 4  # batched, not one by one


# --- the other routes ---------------------------------------------------------------------------


def test_health_sources_and_openapi(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["model"] == "fake-embedder" and health["generation"]
    sources = client.get("/api/sources").json()
    assert {s["doc_id"] for s in sources} == {"facts.en", "article.ar", "article.en"}
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_sources_are_read_once_per_index_generation(client, monkeypatch):
    import briefing_bot.api as api

    calls = []
    original = api.load_knowledge
    monkeypatch.setattr(api, "load_knowledge", lambda root: calls.append(root) or original(root))
    for _ in range(5):
        assert client.get("/api/sources").status_code == 200
    assert len(calls) <= 1


def test_the_openapi_document_declares_constraints_and_statuses(client):
    spec = client.get("/openapi.json").json()
    ask = spec["paths"]["/api/ask"]["post"]
    for status in ("200", "400", "413", "422", "429", "503", "504"):
        assert status in ask["responses"], status
    schemas = spec["components"]["schemas"]
    question = schemas["AskRequest"]["properties"]["question"]
    assert (question["minLength"], question["maxLength"], question["pattern"]) == (1, 2000, NOT_ONLY_SPACES)
    vote = schemas["FeedbackRequest"]["properties"]["vote"]
    assert vote["enum"] == [1, -1]
    answer = schemas["AnswerOut"]["properties"]
    assert {"support", "supported", "answer_id", "conflicts"} <= set(answer)
    assert answer["supported"]["enum"] == ["well", "partly", ""]
    assert set(spec["paths"]["/api/feedback"]["post"]["responses"]) >= {"204", "404", "422", "429"}
    assert "HTTPValidationError" not in schemas  # every 422 is the error object


def test_embedding_is_denied_by_default(client):
    page = client.get("/widget")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    preflight = client.options("/api/ask", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "frame-ancestors 'none'" in client.get("/api/health").headers["content-security-policy"]


def test_allowed_origins_may_embed_and_call(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", allowed_origins=["https://news.example"])
    page = client.get("/widget")
    assert "frame-ancestors https://news.example" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers
    ok = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "https://news.example"})
    assert ok.headers["access-control-allow-origin"] == "https://news.example"
    other = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_feedback_only_for_issued_answers_without_addresses(client, tmp_path):
    unknown = client.post("/api/feedback", json={"answer_id": "0123456789abcdef", "vote": 1})
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "unknown_answer"
    answer = client.post("/api/ask", json={"question": QUESTION}).json()
    assert client.post("/api/feedback", json={"answer_id": answer["answer_id"], "vote": 1}).status_code == 204
    for bad in ({"answer_id": answer["answer_id"], "vote": 5}, {"answer_id": answer["answer_id"], "vote": True},
                {"answer_id": "abc", "vote": 1}):
        response = client.post("/api/feedback", json=bad)
        assert response.status_code == 422 and "question" not in error_of(response)["message"]
    with sqlite3.connect(tmp_path / "feedback.sqlite") as db:
        columns = {table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")] for table in ("feedback", "questions")}
        rows = db.execute("SELECT question, answer_id, vote FROM feedback").fetchall()
    assert columns["feedback"] == ["id", "question", "answer_id", "vote", "created_at"]
    assert columns["questions"] == ["id", "answer_id", "question", "language", "answered", "support", "asked_at"]
    assert rows == [(QUESTION, answer["answer_id"], 1)]


def test_an_unreachable_database_of_votes_is_503_and_answers_go_on(settings, tmp_path):
    (tmp_path / "file").write_text("not a folder")  # the database cannot be created under it
    client = client_for(settings, database_url=f"sqlite:///{tmp_path}/file/feedback.sqlite", **ROOMY)
    answer = client.post("/api/ask", json={"question": QUESTION})
    assert answer.status_code == 200 and answer.json()["answered"]  # not recorded, but answered
    vote = client.post("/api/feedback", json={"answer_id": answer.json()["answer_id"], "vote": 1})
    assert vote.status_code == 503 and error_of(vote)["code"] == "unavailable" and vote.headers["Retry-After"]


def test_feedback_is_rate_limited(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", feedback_rate_limit_per_minute=2)
    answer_id = client.post("/api/ask", json={"question": QUESTION}).json()["answer_id"]
    codes = [client.post("/api/feedback", json={"answer_id": answer_id, "vote": 1}).status_code for _ in range(3)]
    assert codes == [204, 204, 429]


def test_embed_script_and_suggestions(client):
    assert "bb-bubble" in client.get("/embed.js").text
    suggestions = client.get("/api/suggestions", params={"language": "fr-FR"}).json()
    assert suggestions["language"] == "fr" and suggestions["questions"][0].startswith("Dates et lieu")
    too_long = client.get("/api/suggestions", params={"language": "x" * 65})
    assert too_long.status_code == 422 and "language tag" in error_of(too_long)["message"]


def test_markup_in_questions_and_passages_is_rendered_as_text():
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    answer = Answer(question=evil, answer=f"{evil} [1]", answered=True, language="en", citations=(
        Citation(n=1, passage_id="p", doc_id="d", title=evil, publisher="P", url="javascript:alert(3)",
                 published="2025", language="en", text=f"before {evil} after", quote=evil),))
    html = render_answer(answer)
    assert "<script>" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html and "onerror" in html  # shown as text


# --- operators ----------------------------------------------------------------------------------


def test_metrics_in_prometheus_format(client):
    client.post("/api/ask", json={"question": QUESTION})
    client.post("/api/ask", json={"question": "Recommend a good pizza recipe with mozzarella"})
    client.post("/api/ask", json={"question": " "})
    text = client.get("/metrics").text
    assert 'briefing_bot_http_requests_total{method="POST",route="/api/ask",status="200"} 2.0' in text
    assert 'briefing_bot_http_requests_total{method="POST",route="/api/ask",status="422"} 1.0' in text
    assert 'briefing_bot_http_request_duration_seconds_bucket{le="0.5",route="/api/ask"}' in text
    assert 'briefing_bot_declines_total{language="en"} 1.0' in text
    assert 'briefing_bot_answers_total{answered="true",language="en"} 1.0' in text
    assert "briefing_bot_queue_depth 0.0" in text and "briefing_bot_ready 1.0" in text
    assert 'briefing_bot_index_generation{built_at="' in text and 'model="fake-embedder"' in text


def test_metrics_are_only_for_allowed_addresses(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", metrics_clients=["10.0.0.0/8"])
    response = client.get("/metrics")
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_one_json_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="briefing_bot.access"):
        client.post("/api/ask", json={"question": QUESTION}, headers={"X-Request-ID": "req-42"})
        client.get("/api/health")
    lines = [json.loads(JSONFormatter().format(r)) for r in caplog.records if r.name == "briefing_bot.access"]
    ask, health = lines
    assert ask["id"] == "req-42" and ask["route"] == "/api/ask" and ask["status"] == 200
    assert ask["language"] == "en" and ask["answered"] is True and 0 < ask["support"] <= 1
    assert ask["latency_ms"] > 0 and "question" not in ask  # no question text unless the operator opts in
    assert health["route"] == "/api/health" and "answered" not in health
    assert all("client" not in line and "testclient" not in json.dumps(line) for line in lines)  # no addresses


def test_a_log_line_is_utc_time_lower_case_level_logger_message_then_extras():
    record = logging.makeLogRecord({"name": "briefing_bot", "levelname": "WARNING", "levelno": logging.WARNING,
                                    "msg": "%s is down", "args": ("cache",), "created": 0.5, "msecs": 500.0,
                                    "event": "answer_cache_failed"})
    assert JSONFormatter().format(record) == ('{"time": "1970-01-01T00:00:00.500Z", "level": "warning", '
                                              '"logger": "briefing_bot", "message": "cache is down", '
                                              '"event": "answer_cache_failed"}')
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert "RuntimeError: boom" in json.loads(JSONFormatter().format(record))["exception"]


def test_question_text_is_logged_only_when_the_operator_opts_in(settings, tmp_path, caplog):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", log_questions=True)
    with caplog.at_level(logging.INFO, logger="briefing_bot.access"):
        client.post("/api/ask", json={"question": QUESTION})
    assert [r.question for r in caplog.records if r.name == "briefing_bot.access"] == [QUESTION]
