"""The HTTP API: the answer contract, every error status, CORS and frame-ancestors, feedback."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from fastapi.testclient import TestClient

from briefing_bot.api import create_app
from briefing_bot.pipeline import Pipeline
from briefing_bot.types import Answer, Citation
from briefing_bot.web import render_answer
from conftest import FakeEmbedder


def client_for(settings, pipeline=None, **overrides) -> TestClient:
    settings = settings.model_copy(update=overrides)
    app = create_app(settings, pipeline or Pipeline(settings, embedder=FakeEmbedder()), with_ui=False)
    client = TestClient(app)
    client.__enter__()  # runs the start-up (warm-up in the background)
    deadline = time.time() + 20
    while not app.state.service.ready.is_set() and time.time() < deadline and pipeline is None:
        time.sleep(0.05)
    return client


@pytest.fixture
def client(settings, tmp_path):
    c = client_for(settings, feedback_db=tmp_path / "feedback.sqlite", rate_limit_burst=50, rate_limit_per_minute=600)
    yield c
    c.__exit__(None, None, None)


def test_ask_returns_the_answer_object(client):
    response = client.post("/api/ask", json={"question": "Who chairs the signing ceremony?", "history": []})
    assert response.status_code == 200
    data = response.json()
    assert data["answered"] and "Guterres" in data["answer"] and data["citations"][0]["n"] == 1
    assert {"question", "answer", "answered", "language", "citations", "conflicts", "timings_ms"} <= set(data)


@pytest.mark.parametrize("body, message", [
    ({"question": "  "}, "empty"),
    ({"question": "x" * 2001}, "limit is 2,000"),
    ({"question": "Who?", "history": [{"role": "robot", "content": "x"}]}, "history"),
    ({"history": []}, "question"),
])
def test_bad_input_is_400_with_a_short_message(client, body, message):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_malformed_json_is_400(client):
    response = client.post("/api/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_oversized_body_is_413(client):
    response = client.post("/api/ask", json={"question": "x" * 40_000})
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_rate_limit_is_429_with_retry_after(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", rate_limit_burst=2, rate_limit_per_minute=6)
    codes = [client.post("/api/ask", json={"question": "Who chairs the ceremony?"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    limited = client.post("/api/ask", json={"question": "Who chairs the ceremony?"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "wait" in limited.json()["error"]["message"]


def test_503_while_the_index_is_being_built(settings, tmp_path):
    release = threading.Event()

    class SlowPipeline(Pipeline):
        def warm_up(self, progress=None, notify=lambda _m: None):
            release.wait(10)
            super().warm_up()

    client = client_for(settings, SlowPipeline(settings, embedder=FakeEmbedder()), feedback_db=tmp_path / "f.sqlite")
    response = client.post("/api/ask", json={"question": "Who chairs the ceremony?"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert client.get("/api/health").status_code == 503
    release.set()
    deadline = time.time() + 10
    while client.get("/api/health").status_code != 200 and time.time() < deadline:
        time.sleep(0.05)
    assert client.post("/api/ask", json={"question": "Who chairs the ceremony?"}).status_code == 200


def test_health_sources_and_openapi(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["model"] == "fake-embedder"
    sources = client.get("/api/sources").json()
    assert {s["doc_id"] for s in sources} == {"facts.en", "article.ar", "article.en"}
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_embedding_is_denied_by_default(client):
    page = client.get("/widget")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    preflight = client.options("/api/ask", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_allowed_origins_may_embed_and_call(settings, tmp_path):
    client = client_for(settings, feedback_db=tmp_path / "f.sqlite", allowed_origins=["https://news.example"])
    page = client.get("/widget")
    assert "frame-ancestors https://news.example" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers
    ok = client.post("/api/ask", json={"question": "Who chairs the ceremony?"}, headers={"Origin": "https://news.example"})
    assert ok.headers["access-control-allow-origin"] == "https://news.example"
    other = client.post("/api/ask", json={"question": "Who chairs the ceremony?"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_feedback_is_stored_without_addresses(client, tmp_path):
    assert client.post("/api/feedback", json={"answer_id": "abc", "question": "Who?", "vote": 1}).status_code == 204
    assert client.post("/api/feedback", json={"answer_id": "abc", "question": "Who?", "vote": 5}).status_code == 400
    with sqlite3.connect(tmp_path / "feedback.sqlite") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(feedback)")]
        rows = db.execute("SELECT question, answer_id, vote FROM feedback").fetchall()
    assert columns == ["id", "question", "answer_id", "vote", "created_at"] and rows == [("Who?", "abc", 1)]


def test_embed_script_and_suggestions(client):
    assert "bb-bubble" in client.get("/embed.js").text
    suggestions = client.get("/api/suggestions", params={"language": "fr-FR"}).json()
    assert suggestions["language"] == "fr" and suggestions["questions"][0].startswith("Quand")


def test_markup_in_questions_and_passages_is_rendered_as_text():
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    answer = Answer(question=evil, answer=f"{evil} [1]", answered=True, language="en", citations=(
        Citation(n=1, passage_id="p", doc_id="d", title=evil, publisher="P", url="javascript:alert(3)",
                 published="2025", language="en", text=f"before {evil} after", quote=evil),))
    html = render_answer(answer)
    assert "<script>" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html and "onerror" in html  # shown as text


def test_concurrent_questions_are_all_answered(client):
    from concurrent.futures import ThreadPoolExecutor

    questions = ["Who chairs the signing ceremony?", "How many articles does the convention have?"] * 8
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda q: client.post("/api/ask", json={"question": q}), questions))
    assert [r.status_code for r in responses] == [200] * 16
    assert all(r.json()["question"] == q for r, q in zip(responses, questions))


def test_chunked_bodies_are_bounded_too(client):
    def body(padding: int):
        yield b'{"question": "Who chairs the signing ceremony?' + b" " * padding + b'"}'

    assert client.post("/api/ask", content=body(10), headers={"Content-Type": "application/json"}).status_code == 200
    too_big = client.post("/api/ask", content=body(40_000), headers={"Content-Type": "application/json"})
    assert too_big.status_code == 413
