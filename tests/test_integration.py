"""Integration: the real embedding models over the real knowledge folder, in a real Chroma
(local folder and a ``chroma run`` server started here). Marked slow; CI runs them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing_bot.config import Settings
from briefing_bot.evaluation import Report, citation_problems, load_questions
from briefing_bot.models import MODELS, is_provisioned
from briefing_bot.pipeline import Pipeline
from conftest import MODELS_DIR, ROOT

pytestmark = pytest.mark.slow

DEV = load_questions(ROOT / "tests/data/dev.jsonl")
REGRESSION = load_questions(ROOT / "tests/data/regression.jsonl")  # questions not used for tuning
# Recorded floors (answer accuracy, decline accuracy); the measured figures are in the README.
FLOORS = {"default": (0.95, 0.95), "fast": (0.75, 0.90)}
REGRESSION_FLOORS = {"default": (0.85, 0.85), "fast": (0.80, 0.70)}


def require(name: str) -> None:
    spec = {"default": MODELS["embeddinggemma-300m"], "fast": MODELS["multilingual-e5-small"]}[name]
    if not is_provisioned(MODELS_DIR, spec):
        pytest.fail(f"{spec.name} is not provisioned in {MODELS_DIR}: run 'briefing-bot models fetch {name}' "
                    "(make test does it)")


def real_pipeline(tmp: Path, model: str, **extra) -> Pipeline:
    require(model)
    return Pipeline(Settings(knowledge_dir=ROOT / "knowledge", models_dir=MODELS_DIR, chroma_dir=tmp / "chroma",
                             model=model, **extra))


@pytest.fixture(scope="module", params=["fast", "default"])
def warm(request, tmp_path_factory) -> tuple[str, Pipeline]:
    pipeline = real_pipeline(tmp_path_factory.mktemp(request.param), request.param)
    pipeline.warm_up()
    return request.param, pipeline


@pytest.mark.parametrize("questions, floors", [(DEV, FLOORS), (REGRESSION, REGRESSION_FLOORS)],
                         ids=["dev", "regression"])
def test_question_sets_meet_their_floors(warm, questions, floors):
    model, pipeline = warm
    report = Report()
    for item in questions:
        report.add(item, pipeline.ask(item["q"], item.get("history", [])).to_dict())
    answer_floor, decline_floor = floors[model]
    assert report.citation_validity == 1.0, report.failures
    assert report.answer_accuracy >= answer_floor, report.failures
    assert report.decline_accuracy >= decline_floor, report.failures


def test_arabic_question_is_answered_from_the_arabic_original(warm):
    _, pipeline = warm
    answer = pipeline.ask("ما الدور الذي قامت به فيتنام خلال المفاوضات؟")
    assert answer.answered and answer.language == "ar"
    assert answer.citations[0].language == "ar" and citation_problems(answer.to_dict()) == []


def test_ingest_is_idempotent_on_the_real_model(warm):
    _, pipeline = warm
    report = pipeline.ingest()
    assert report.unchanged and report.embedded == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    process = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the Chroma server did not start within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.server
@pytest.mark.enable_socket
def test_chroma_server_mode(tmp_path, chroma_server):
    pipeline = real_pipeline(tmp_path, "fast", chroma_url=chroma_server)
    answer = pipeline.ask("When is the Hanoi Convention signing ceremony?")
    assert answer.answered and "25" in answer.answer and citation_problems(answer.to_dict()) == []
    assert pipeline.store.where == chroma_server
    assert not (tmp_path / "chroma").exists()  # nothing was written to the local folder
    again = real_pipeline(tmp_path, "fast", chroma_url=chroma_server).ingest()
    assert again.unchanged


@pytest.mark.enable_socket
def test_unreachable_chroma_server_is_a_clear_error(tmp_path):
    from briefing_bot.errors import StoreError

    pipeline = real_pipeline(tmp_path, "fast", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="Cannot open the Chroma index at http://127.0.0.1"):
        pipeline.ask("Who signed first?")
