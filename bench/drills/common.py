"""Shared by the drills: start the web application on a free local port (uvicorn in a thread, the
tests' deterministic embedder, a small knowledge folder), and read the process's memory."""

from __future__ import annotations

import atexit
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))


def rss_mb(peak: bool = False) -> float:
    """Resident memory of this process (``peak``: its highest so far), MB."""
    field = "VmHWM:" if peak else "VmRSS:"
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def start(delay: float = 0.0, **overrides) -> tuple[str, object]:
    """The app on 127.0.0.1 (``delay``: seconds added to every batch, a stand-in for a busy CPU)."""
    import uvicorn

    from briefing_bot.app import create_app
    from briefing_bot.config import Settings
    from briefing_bot.pipeline import Pipeline
    from conftest import FAKE_CALIBRATION, FakeEmbedder, write_knowledge

    class Slow(Pipeline):
        def ask_many(self, requests):
            time.sleep(delay)
            return super().ask_many(requests)

    tmp = Path(tempfile.mkdtemp(prefix="briefing-bot-drill-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    settings = Settings(knowledge_dir=write_knowledge(tmp / "knowledge"), chroma_dir=tmp / "chroma",
                        feedback_db=tmp / "feedback.sqlite", calibration=FAKE_CALIBRATION, **overrides)
    app = create_app(settings, Slow(settings, embedder=FakeEmbedder()))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           proxy_headers=False, access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/api/health", timeout=2).status == 200:
                return url, server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become ready")
