"""Load test of POST /api/ask: N concurrent clients, each asking the development questions in turn.

    .venv/bin/python bench/load.py [--clients 10] [--requests 20] [--model default] [--url URL]

Without --url it starts `briefing-bot serve` on a free local port (rate limit raised for the run,
since every client here shares one address) and stops it afterwards. Prints throughput, latency
p50/p95/max and failures as a Markdown table, with the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from latency import machine  # noqa: E402

from briefing_bot.evaluation import percentile  # noqa: E402


def post(url: str, question: str, timeout: float = 30.0) -> tuple[int, float]:
    body = json.dumps({"question": question, "history": []}).encode()
    request = urllib.request.Request(url + "/api/ask", body, {"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - start


def start_server(model: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BRIEFING_BOT_MODEL": model, "BRIEFING_BOT_RATE_LIMIT_PER_MINUTE": "100000",
           "BRIEFING_BOT_RATE_LIMIT_BURST": "100000", "BRIEFING_BOT_REQUEST_RATE_LIMIT_PER_MINUTE": "1000000",
           "BRIEFING_BOT_QUEUE_SIZE": "1000"}
    exe = Path(sys.executable).with_name("briefing-bot")
    server = subprocess.Popen([str(exe), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 900
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20, help="questions per client")
    parser.add_argument("--model", default="default")
    parser.add_argument("--url", help="an already running server")
    parser.add_argument("--data", type=Path, default=Path("tests/data/dev.jsonl"))
    args = parser.parse_args()
    questions = [json.loads(line)["q"] for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    server, url = (None, args.url) if args.url else start_server(args.model)
    try:
        post(url, questions[0])  # warm
        results: list[tuple[int, float]] = []
        lock = threading.Lock()

        def client(number: int) -> None:
            for i in range(args.requests):
                outcome = post(url, questions[(number * 7 + i) % len(questions)])
                with lock:
                    results.append(outcome)

        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
    latencies = [seconds for status, seconds in results if status == 200]
    failed = len(results) - len(latencies)
    print(f"machine: {machine()}\nserver: {url}, model {args.model}\n")
    print("| clients | requests | failed | throughput (req/s) | p50 s | p95 s | max s | mean s |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {args.clients} | {len(results)} | {failed} | {len(results) / wall:.1f} | "
          f"{percentile(latencies, 0.5):.3f} | {percentile(latencies, 0.95):.3f} | {max(latencies):.3f} | "
          f"{statistics.mean(latencies):.3f} |")


if __name__ == "__main__":
    main()
