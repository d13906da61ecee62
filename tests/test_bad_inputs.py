"""The bad-input battery (bench/drills/battery.py) against the whole application in process: every
answer is a documented status, and every error is JSON {"error": {"code", "message"}}."""

from __future__ import annotations

import sys
import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient

from briefing_bot.app import create_app
from briefing_bot.pipeline import Pipeline
from conftest import ROOT, FakeEmbedder

sys.path.insert(0, str(ROOT / "bench" / "drills"))
from battery import DOCUMENTED, cases  # noqa: E402


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory):
    from briefing_bot.config import Settings
    from conftest import FAKE_CALIBRATION, write_knowledge

    tmp = tmp_path_factory.mktemp("battery")
    settings = Settings(knowledge_dir=write_knowledge(tmp / "knowledge"), chroma_dir=tmp / "chroma",
                        feedback_db=tmp / "feedback.sqlite", calibration=FAKE_CALIBRATION, rate_limit_burst=10_000,
                        rate_limit_per_minute=100_000, request_rate_limit_per_minute=100_000,
                        feedback_rate_limit_per_minute=100_000)
    app = create_app(settings, Pipeline(settings, embedder=FakeEmbedder()))
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 40000)) as client:
        deadline = time.time() + 90
        while not app.state.service.ready.is_set() and time.time() < deadline:
            time.sleep(0.05)
        yield app, client


def test_every_bad_input_gets_a_documented_status_and_a_json_error(app_and_client):
    app, client = app_and_client
    page = next(r.app for r in app.routes if hasattr(getattr(r, "app", None), "get_blocks")).get_blocks()
    asking = next(i for i, kind in page.limited_events.items() if kind == "ask")
    battery = cases(event_index=asking)
    assert len(battery) >= 150
    problems, seen = [], Counter()
    for case in battery:
        response = client.request(case.method, case.path, content=case.body or None, headers=case.headers)
        seen[response.status_code] += 1
        if response.status_code not in DOCUMENTED:
            problems.append(f"{response.status_code} for {case.label}")
        elif response.status_code >= 400:
            try:
                error = response.json()["error"]
                assert isinstance(error["code"], str) and error["message"]
            except Exception:  # noqa: BLE001 - report every case, not the first
                problems.append(f"{response.status_code} without a JSON error for {case.label}: {response.text[:80]!r}")
    assert problems == [], "\n".join(problems)
    assert seen[500] == 0 and {400, 413, 422} <= set(seen)
    assert client.post("/api/ask", json={"question": "When is the signing ceremony?"}).status_code == 200  # still serving
