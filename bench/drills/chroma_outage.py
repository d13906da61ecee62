"""Drill: stop the Chroma server under traffic, then restart it; during the outage the service must
answer from its in-memory copy of the index (200) or with 503 JSON errors with Retry-After, and
after it recover with 0 failures.

    .venv/bin/python bench/drills/chroma_outage.py [--model default|fast|fake] [--knowledge small|full|DIR]
        [--clients 8] [--warm 3] [--outage 10] [--settle 5] [--recover-within 60]

It copies the knowledge folder into a temporary folder, starts a ``chroma run`` server on a free
loopback port and a briefing-bot server using it (``BRIEFING_BOT_CHROMA_URL``; ``briefing-bot serve``,
or the runner with the fake embedder), waits until it is ready (the first build), and lets
``--clients`` threads ask POST /api/ask without pause (0.1 s after an error). After ``--warm``
seconds it stops the Chroma server (SIGTERM), waits ``--outage`` seconds, and starts it again on
the same port and data folder. Meanwhile it polls GET /api/health every 0.25 s. The clients keep
asking until ``--settle`` seconds after the first answer (200) that follows the restart.

Rules (exit 1 if one is broken): every answer before the outage is 200; from the SIGTERM until
the service has recovered, every answer is 200 or a 503 JSON error with a code and a Retry-After
in seconds (no other status, no plain text, no closed connection); /api/health says "ok" (answering
from the loaded copy) or "degraded" with a reason during the outage, and "ok" again after it; the service recovers within
``--recover-within`` seconds of Chroma being back; every question asked after the recovery is
answered (200). Recovery time: from Chroma answering its heartbeat again to the first 200.
Prints Markdown tables; everything stops by itself and the temporary folder is removed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).parent))
from support import (environment, exchange, peak_rss_mb, percentile, prepare, questions,  # noqa: E402
                     start_chroma, start_server, stop, table)


def health(url: str) -> tuple[int, str, str]:
    """GET /api/health: (HTTP status, "status" field, "detail" field); (0, "", error) when it failed."""
    try:
        with urllib.request.urlopen(url + "/api/health", timeout=5) as response:
            status, data = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, data = exc.code, exc.read()
    except OSError as exc:
        return 0, "", type(exc).__name__
    try:
        body = json.loads(data)
        return status, str(body.get("status", "")), str(body.get("detail", ""))
    except (ValueError, AttributeError):
        return status, "not JSON", data[:80].decode(errors="replace")


def well_formed(status: int, body: dict, headers: dict[str, str]) -> bool:
    """An answer object, or a JSON error with a code and a message (and Retry-After for a 503)."""
    if status == 200:
        return "answer" in body
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("code") or not error.get("message"):
        return False
    return status != 503 or headers.get("retry-after", "").isdigit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="default, fast, a model folder, or fake (instant)")
    parser.add_argument("--knowledge", default="small",
                        help="small (4 test files), full (the repository's) or a folder")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warm", type=float, default=3.0, help="seconds of load before the outage")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds the Chroma server stays down")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds of load after the recovery")
    parser.add_argument("--recover-within", type=float, default=60.0,
                        help="give up waiting for the first answer after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (for inspection)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="briefing-bot-drill-"))
    prepare(work, args.knowledge)
    chroma, chroma_url = start_chroma(work)
    port = urlparse(chroma_url).port
    env = environment(work, args.model, BRIEFING_BOT_CHROMA_URL=chroma_url)
    asked = questions(args.knowledge)
    # (sent, received, status, well formed, error code)
    results: list[tuple[float, float, int, bool, str]] = []
    samples: list[tuple[float, int, str, str]] = []  # /api/health: (time, HTTP status, status, detail)
    examples: dict[tuple[int, str], str] = {}
    lock = threading.Lock()
    stop_clients = threading.Event()
    marks: dict[str, float] = {}
    server = None
    server_peak = chroma_peak = 0.0
    try:
        started = time.monotonic()
        server, url = start_server(env, args.model, work / "server.log", ready_within=1800)
        ready = time.monotonic() - started

        def client(number: int) -> None:
            i = number
            while not stop_clients.is_set():
                sent = time.monotonic()
                status, _seconds, body, headers = exchange(url, asked[i % len(asked)])
                received = time.monotonic()
                code = (body.get("error") or {}).get("code", "") if isinstance(body.get("error"), dict) else \
                    ("not JSON" if "raw" in body else "")
                with lock:
                    results.append((sent, received, status, well_formed(status, body, headers), code))
                    examples.setdefault((status, code), json.dumps(body, ensure_ascii=False)[:200])
                if status != 200:
                    time.sleep(0.1)
                i += 1

        def watch() -> None:
            while not stop_clients.is_set():
                status, state, detail = health(url)
                with lock:
                    samples.append((time.monotonic(), status, state, detail))
                time.sleep(0.25)

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
        threads.append(threading.Thread(target=watch, daemon=True))
        for t in threads:
            t.start()
        time.sleep(args.warm)

        marks["sigterm"] = time.monotonic()
        chroma_peak = peak_rss_mb(chroma.pid)
        stop(chroma)  # SIGTERM, and wait until it has exited
        marks["down"] = time.monotonic()
        time.sleep(max(0.0, args.outage - (marks["down"] - marks["sigterm"])))
        marks["restart"] = time.monotonic()
        chroma, _ = start_chroma(work, port=port)  # same port, same data folder
        marks["up"] = time.monotonic()

        deadline = marks["up"] + args.recover_within
        while time.monotonic() < deadline and "recovered" not in marks:
            with lock:
                first = min((r for _, r, s, _, _ in results if s == 200 and r >= marks["up"]), default=None)
            if first is not None:
                marks["recovered"] = first
            else:
                time.sleep(0.05)
        time.sleep(args.settle)
        server_peak = peak_rss_mb(server.pid)
        chroma_peak = max(chroma_peak, peak_rss_mb(chroma.pid))
    finally:
        stop_clients.set()
        time.sleep(0.1)
        stop(server)
        stop(chroma)
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    from latency import machine

    with lock:
        results = sorted(results)
        samples = list(samples)
    recovered = marks.get("recovered")
    end = recovered if recovered is not None else float("inf")
    failures: list[str] = []
    phases = [("before the outage", float("-inf"), marks["sigterm"]),
              ("outage (SIGTERM to Chroma up)", marks["sigterm"], marks["up"]),
              ("Chroma up to first 200", marks["up"], end),
              ("after the recovery", end, float("inf"))]
    rows = []
    for name, begin, until in phases:  # a request belongs to the phase it was answered in
        chosen = [r for r in results if begin <= r[1] < until]
        statuses = Counter(r[2] for r in chosen)
        rows.append([name, len(chosen), statuses.get(200, 0), statuses.get(503, 0),
                     sum(n for s, n in statuses.items() if s not in (200, 503)),
                     sum(1 for r in chosen if not r[3])])
    for sent, received, status, formed, code in results:
        if received < marks["sigterm"]:
            bad = status != 200
        elif received < end:
            bad = status not in (200, 503) or not formed
        else:
            bad = sent >= end and status != 200 or status not in (200, 503) or not formed
        if bad:
            failures.append(f"{status} {code or ''} at {received - marks['sigterm']:+.2f} s from the SIGTERM: "
                            f"{examples.get((status, code), '')[:160]}")
    failed_requests = len(failures)
    if recovered is None:
        failures.append(f"no answer (200) within {args.recover_within:g} s of Chroma being back")
    outage_health = Counter((s, state, detail[:120]) for t, s, state, detail in samples
                            if marks["down"] + 1 <= t < marks["up"])
    unexplained = [k for k in outage_health if not (k[1] == "ok" or k[1] == "degraded" and k[2])]
    if unexplained:
        failures.append(f"/api/health said neither ok nor degraded with a reason during the outage: {unexplained}")
    back_ok = [t for t, s, state, _ in samples if t >= marks["up"] and s == 200 and state == "ok"]
    if not back_ok:
        failures.append("/api/health did not say ok again after the outage")

    ok = [r - s for s, r, status, _, _ in results if status == 200]
    wall = (results[-1][1] - results[0][0]) if results else 0.0
    codes = Counter((status, code) for _, _, status, _, code in results if status != 200)
    print(f"machine: {machine()}\nmodel: {args.model}, knowledge: {args.knowledge}, index: chroma server "
          f"{chroma_url}, {args.clients} clients; server ready after {ready:.1f} s (first build included)\n")
    print(table(["phase", "answered", "200", "503", "other", "malformed"], rows))
    print()
    print(table(["requests", "failed (rule broken)", "statuses", "503 codes", "Chroma down (SIGTERM to heartbeat) s",
                 "recovery s (Chroma up to first 200)", "health during the outage", "health ok again s",
                 "server peak RSS MB", "Chroma peak RSS MB"],
                [[len(results), failed_requests, dict(Counter(r[2] for r in results)),
                  ", ".join(f"{c}: {n}" for (s, c), n in sorted(codes.items())) or "-",
                  f"{marks['up'] - marks['sigterm']:.1f} (exit {marks['down'] - marks['sigterm']:.1f}, "
                  f"restart {marks['up'] - marks['restart']:.1f})",
                  "never" if recovered is None else f"{recovered - marks['up']:.2f}",
                  "; ".join(f"{state} ({detail})" for _, state, detail in outage_health) or "-",
                  f"{back_ok[0] - marks['up']:.2f}" if back_ok else "never",
                  f"{server_peak:.0f}", f"{chroma_peak:.0f}"]]))
    print()
    print(table(["answered (200)", "throughput req/s", "p50 s", "p95 s", "max s", "mean s"],
                [[len(ok), f"{len(results) / wall:.1f}" if wall else "-", f"{percentile(ok, 0.5):.3f}",
                  f"{percentile(ok, 0.95):.3f}", f"{max(ok, default=0):.3f}",
                  f"{statistics.mean(ok):.3f}" if ok else "-"]]))
    if codes:
        print("\nOne answer of each kind:\n" + "\n".join(f"  - {s} {c}: {examples.get((s, c), '')}"
                                                       for s, c in sorted(codes)))
    print("\nrule (200 or 503 JSON with Retry-After during the outage; health ok or degraded with a reason, then ok; "
          f"0 failures after the recovery): {'PASS' if not failures else 'FAIL'}")
    if failures:
        print("Failures (first 10):\n" + "\n".join(f"  - {f}" for f in failures[:10]))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
