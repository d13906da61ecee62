"""The chat page's server plumbing (Gradio): its events go through the same guard as the API (rate
limits, bounded bodies), carry the question and not the conversation, and its Gradio API is one
named endpoint; routes the product does not use are off."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from briefing_bot.app import create_app
from briefing_bot.pipeline import Pipeline
from conftest import OPEN_CLIENTS, FakeEmbedder

QUESTION = "Who chairs the signing ceremony?"


def chat_client(settings, tmp_path, **overrides):
    settings = settings.model_copy(update={"feedback_db": tmp_path / "f.sqlite", **overrides})
    app = create_app(settings, Pipeline(settings, embedder=FakeEmbedder()))
    client = TestClient(app, client=("127.0.0.1", 40000))
    client.__enter__()
    OPEN_CLIENTS.append(client)  # shut down after the test (conftest.close_open_clients)
    deadline = time.time() + 90
    while not app.state.service.ready.is_set() and time.time() < deadline:
        time.sleep(0.05)
    page = next(r.app for r in app.routes if hasattr(getattr(r, "app", None), "get_blocks")).get_blocks()
    return client, page


def event_of(page, name: str) -> int:
    return next(fn._id for fn in page.fns.values() if fn.name == name)


def join(client, fn_index: int, data: list, event_data=None):
    return client.post("/gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "session_hash": "s1",
                                                       "event_data": event_data, "trigger_id": None})


def test_questions_from_the_chat_page_share_the_api_rate_limit(settings, tmp_path):
    client, page = chat_client(settings, tmp_path, rate_limit_burst=2, rate_limit_per_minute=2)
    respond = event_of(page, "respond")
    assert join(client, respond, [QUESTION, None, None, None]).status_code == 200
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    limited = join(client, respond, [QUESTION, None, None, None])
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited" and "wait" in limited.json()["detail"]  # shown by the page
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 429
    assert client.post("/gradio_api/call/ask", json={"data": [QUESTION, []]}).status_code == 429  # the Gradio API too
    assert join(client, event_of(page, "suggestions_for"), ["fr"]).status_code == 200  # other events: not questions


def test_votes_from_the_chat_page_are_rate_limited(settings, tmp_path):
    client, page = chat_client(settings, tmp_path, feedback_rate_limit_per_minute=1)
    vote = event_of(page, "vote")
    like = {"index": [1, None], "value": "x", "liked": True}
    assert join(client, vote, [None], like).status_code == 200
    assert join(client, vote, [None], like).status_code == 429


def test_events_carry_the_question_not_the_conversation(settings, tmp_path):
    import gradio as gr

    _client, page = chat_client(settings, tmp_path)
    asking = [fn for fn in page.fns.values() if fn.name == "respond"]
    assert len(asking) == 3  # Enter, the button, a suggested question
    for fn in asking:
        assert not any(isinstance(block, gr.Chatbot) for block in fn.inputs)
        assert sum(isinstance(block, gr.Textbox) for block in fn.inputs) == 1  # the question
        assert all(isinstance(block, (gr.Textbox, gr.State)) for block in fn.inputs)


def test_the_gradio_api_is_one_named_endpoint(settings, tmp_path):
    client, page = chat_client(settings, tmp_path)
    info = client.get("/gradio_api/info").json()
    assert list(info["named_endpoints"]) == ["/ask"] and info["unnamed_endpoints"] == {}
    parameters = [p["parameter_name"] for p in info["named_endpoints"]["/ask"]["parameters"]]
    assert parameters == ["question", "history"]
    assert all(fn.api_visibility == "private" for fn in page.fns.values() if fn.name != "ask_endpoint")


@pytest.mark.parametrize("method, path", [
    ("POST", "/gradio_api/upload"), ("GET", "/gradio_api/upload_progress"), ("POST", "/gradio_api/process_recording"),
    ("POST", "/gradio_api/stream/abc"), ("GET", "/gradio_api/file=/etc/passwd"), ("GET", "/gradio_api/runs"),
    ("POST", "/gradio_api/vibe-edit/"), ("GET", "/monitoring"), ("POST", "/login"), ("POST", "/gradio_api/mcp/"),
])
def test_routes_the_product_does_not_use_are_off(settings, tmp_path, method, path):
    client, _page = chat_client(settings, tmp_path)
    response = client.request(method, path)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_an_event_that_names_no_event_is_refused_not_a_500(settings, tmp_path):
    client, _page = chat_client(settings, tmp_path)
    for fn_index in (9999, -1, "0", None):
        response = join(client, fn_index, [])
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


def test_the_chat_page_still_loads(settings, tmp_path):
    client, _page = chat_client(settings, tmp_path)
    page = client.get("/")
    assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert client.get("/config").status_code == 200
