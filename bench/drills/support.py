"""What the drills share: an isolated work folder (a copy of a knowledge folder and a fresh index),
the commands that serve and ingest in it, a loopback HTTP client, and Markdown tables.

The drills never touch the repository's own ``knowledge/`` or ``.briefing-bot/chroma``: everything
lives in a temporary folder that is removed at the end. They only talk to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from conftest import NEW_DOC  # noqa: E402,F401 - the drills' new document (ingest_under_load.py)

RUNNER = Path(__file__).with_name("runner.py")
FAKE_CALIBRATION = ROOT / "tests" / "data" / "fake-calibration.json"

NEW_DOC_ID = "press-office-contact.en"
NEW_QUESTION = "How can journalists contact the press office?"
SMALL_QUESTIONS = ["Who chairs the signing ceremony?", "Where was the signing ceremony held?",
                   "How many articles does the convention have?", "When does the convention enter into force?"]


def prepare(work: Path, knowledge: str) -> Path:
    """A knowledge folder for the drill in ``work``: ``small`` (the unit tests' four files),
    ``full`` (a copy of the repository's) or a copy of the folder named."""
    target = work / "knowledge"
    if knowledge == "small":
        from conftest import write_knowledge

        write_knowledge(target)
    else:
        shutil.copytree(ROOT / "knowledge" if knowledge == "full" else Path(knowledge), target)
    (target / f"{NEW_DOC_ID}.md").unlink(missing_ok=True)
    return target


def questions(knowledge: str) -> list[str]:
    if knowledge == "small":
        return SMALL_QUESTIONS
    lines = (ROOT / "tests" / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip() and json.loads(line).get("answerable")]


def environment(work: Path, model: str, **extra: str) -> dict[str, str]:
    """The settings of the drill's server and ingests, as BRIEFING_BOT_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_BOT_")}
    env.update({
        "BRIEFING_BOT_KNOWLEDGE_DIR": str(work / "knowledge"), "BRIEFING_BOT_CHROMA_DIR": str(work / "chroma"),
        "BRIEFING_BOT_MODELS_DIR": str(ROOT / ".briefing-bot" / "models"),
        "BRIEFING_BOT_FEEDBACK_DB": str(work / "feedback.sqlite"),
        "BRIEFING_BOT_RATE_LIMIT_PER_MINUTE": "1000000", "BRIEFING_BOT_RATE_LIMIT_BURST": "1000000",
        "BRIEFING_BOT_REQUEST_RATE_LIMIT_PER_MINUTE": "1000000",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
    })
    if model == "fake":
        env["BRIEFING_BOT_CALIBRATION"] = str(FAKE_CALIBRATION)
    else:
        env["BRIEFING_BOT_MODEL"] = model
    env.update(extra)
    return env


def runner(action: str, model: str, *args: str) -> list[str]:
    """The command that runs ``action`` (serve, ingest) with ``model`` (``fake``: the unit tests'
    embedder)."""
    return [sys.executable, str(RUNNER), action, "--model", model, *args]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], model: str, log: Path, ready_within: float) -> tuple[subprocess.Popen, str]:
    """Serve on a free loopback port (the real ``briefing-bot serve``, or the runner with the fake
    embedder) and wait until /api/health says ok."""
    port = free_port()
    if model == "fake":
        command = runner("serve", model, "--port", str(port))
    else:
        command = [str(Path(sys.executable).with_name("briefing-bot")), "serve", "--host", "127.0.0.1",
                   "--port", str(port)]
    handle = log.open("w")
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(errors="replace").replace("\r", "\n").strip().splitlines()[-5:]
            raise SystemExit(f"the server exited ({server.returncode}):\n" + "\n".join(tail))
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except urllib.error.HTTPError as exc:  # 503: starting, or degraded (its worker cannot start)
            try:
                health = json.loads(exc.read())
            except ValueError:
                health = {}
            if health.get("status") == "degraded" and health.get("restarts", 0) >= 3:
                stop(server)
                raise SystemExit(f"the server cannot start: {health.get('detail')}") from None
        except OSError:
            pass
        time.sleep(0.1)
    stop(server)
    raise SystemExit(f"the server was not ready within {ready_within:g} s")


def start_chroma(work: Path, ready_within: float = 60, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """A ``chroma run`` server on a loopback port (a free one unless ``port`` is given, as when a
    drill restarts it), storing in ``work``/chroma-server."""
    port = port or free_port()
    chroma = Path(sys.executable).with_name("chroma")
    server = subprocess.Popen([str(chroma), "run", "--path", str(work / "chroma-server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=2):
                return server, url
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    stop(server)
    raise SystemExit(f"chroma run did not start within {ready_within:g} s")


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory (VmHWM) of a running process, MB; 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process this drill started (its own pid only)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def ask(url: str, question: str, timeout: float = 60.0) -> tuple[int, float, dict]:
    """POST /api/ask: (status, seconds, body); status 0 when the connection failed."""
    status, seconds, parsed, _headers = exchange(url, question, timeout)
    return status, seconds, parsed


def exchange(url: str, question: str, timeout: float = 60.0) -> tuple[int, float, dict, dict[str, str]]:
    """POST /api/ask: (status, seconds, body, headers with lower-case names); status 0 when the
    connection failed, and a body that is not JSON as ``{"raw": its first 200 characters}``."""
    body = json.dumps({"question": question, "history": []}).encode()
    request = urllib.request.Request(url + "/api/ask", body, {"Content-Type": "application/json"})
    start = time.perf_counter()
    headers: dict[str, str] = {}
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, data = response.status, response.read()
            headers = {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        status, data, headers = exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()}
    except OSError:
        status, data = 0, b""
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        parsed = {"raw": data[:200].decode(errors="replace")}
    return status, time.perf_counter() - start, parsed, headers


def cites(body: dict, doc_id: str) -> bool:
    return any(c.get("doc_id") == doc_id for c in body.get("citations") or [])


def table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
