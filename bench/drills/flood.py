"""Flood drill: N clients (default 50), each from its own address, ask as fast as they can, far past
the answer queue's bound. Every answer must be 200, or 429 / 503 as JSON with Retry-After; no other
5xx; the server's memory stays bounded.

    .venv/bin/python bench/drills/flood.py [--clients 50] [--requests 20] [--queue-size 8] [--delay 0.2]
    .venv/bin/python bench/drills/flood.py --url http://127.0.0.1:7860   # a running server (its own settings)

Without --url it starts the app in this process (uvicorn in a thread, the tests' deterministic
embedder, ``--delay`` seconds added to each batch to stand in for a busy CPU), behind a "proxy" at
127.0.0.1 (``trusted_proxies``) so that each client's X-Forwarded-For makes it a distinct client.
Prints Markdown tables; exits 1 if an answer breaks the rule.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import rss_mb, start  # noqa: E402

ALLOWED = {200, 429, 503}


def ask(url: str, client: int, question: str) -> tuple[int, float, str, bool]:
    """(status, seconds, error code, well-formed) of one question."""
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url + "/api/ask", body, {"Content-Type": "application/json",
                                                              "X-Forwarded-For": f"10.1.{client // 250}.{client % 250 + 1}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data = json.loads(response.read())
            return response.status, time.perf_counter() - started, "", "answer" in data
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            code = json.loads(raw)["error"]["code"]
            ok = bool(code) and (exc.code not in (429, 503) or exc.headers.get("Retry-After", "").isdigit())
        except (ValueError, KeyError, TypeError):
            code, ok = "not JSON", False
        return exc.code, time.perf_counter() - started, code, ok
    except OSError as exc:
        return 0, time.perf_counter() - started, type(exc).__name__, False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="questions per client")
    parser.add_argument("--queue-size", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds added to each batch")
    parser.add_argument("--url", help="a running server instead")
    args = parser.parse_args()

    server = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        url, server = start(delay=args.delay, queue_size=args.queue_size, trusted_proxies=["127.0.0.1"],
                            answer_timeout_seconds=30)
    questions = ["Who chairs the signing ceremony?", "How many articles does the convention have?",
                 "When does the convention enter into force?", "Recommend a good pizza recipe"]
    rss_before = rss_mb()
    results: list[tuple[int, float, str, bool]] = []
    lock = threading.Lock()
    depth = {"max": 0.0}
    done = threading.Event()

    def watch_queue() -> None:
        while not done.is_set():
            try:
                text = urllib.request.urlopen(url + "/metrics", timeout=5).read().decode()
                for line in text.splitlines():
                    if line.startswith("briefing_bot_queue_depth "):
                        depth["max"] = max(depth["max"], float(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.1)

    def client(number: int) -> None:
        for i in range(args.requests):
            outcome = ask(url, number, questions[(number + i) % len(questions)])
            with lock:
                results.append(outcome)

    watcher = threading.Thread(target=watch_queue, daemon=True)
    watcher.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done.set()
    rss_after = rss_mb()
    if server is not None:
        server.should_exit = True

    statuses = Counter(status for status, *_ in results)
    codes = Counter((status, code) for status, _, code, _ in results if status != 200)
    bad = [r for r in results if r[0] not in ALLOWED or not r[3]]
    latencies = sorted(seconds for status, seconds, _, _ in results if status == 200)
    print(f"flood: {args.clients} clients x {args.requests} questions = {len(results)} requests in {wall:.1f} s "
          f"({len(results) / wall:.0f}/s) against {url}" + ("" if args.url else
          f" (queue_size {args.queue_size}, {args.delay:g} s per batch)") + "\n")
    print("| status | error code | count |\n|---|---|---|")
    print(f"| 200 | | {statuses.get(200, 0)} |")
    for (status, code), count in sorted(codes.items()):
        print(f"| {status} | {code} | {count} |")
    if latencies:
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
        print(f"\n| answered | p50 s | p95 s | max s | mean s |\n|---|---|---|---|---|\n| {len(latencies)} | "
              f"{p(0.5):.3f} | {p(0.95):.3f} | {latencies[-1]:.3f} | {statistics.mean(latencies):.3f} |")
    print("\n| max queue depth seen | RSS before MB | RSS after MB | growth MB | peak RSS MB |\n|---|---|---|---|---|\n"
          f"| {depth['max']:.0f} | {rss_before:.0f} | {rss_after:.0f} | {rss_after - rss_before:+.0f} | "
          f"{rss_mb(peak=True):.0f} |"
          + ("  (RSS of this process, which serves too)" if not args.url else ""))
    print(f"\nrule (only 200, or 429/503 JSON with Retry-After; no other 5xx): "
          f"{'PASS' if not bad else f'FAIL ({len(bad)} answers break it)'}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
