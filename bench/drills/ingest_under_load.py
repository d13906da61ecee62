"""Drill: add a document and ingest while 10 clients ask, as the README describes; count failed
requests and time until the new document is answerable.

    .venv/bin/python bench/drills/ingest_under_load.py [--model default|fast|fake] [--knowledge small|full|DIR]
        [--clients 10] [--ingests 1] [--settle 5] [--chroma-server]

It copies the knowledge folder into a temporary folder with a fresh index, starts the server
(``briefing-bot serve`` on 127.0.0.1, or the runner with the fake embedder) and waits until it is
ready (the first build), lets ``--clients`` threads ask POST /api/ask without pause, then, for each
of ``--ingests`` rounds, drops a new document into the copy, runs an ingest
(``briefing-bot ingest``, or the runner with the fake embedder) and asks the new document's question
every 0.2 s until an answer cites it. The clients keep asking until ``--settle`` seconds after the
last round. With ``--chroma-server`` the index lives in a ``chroma run`` server on 127.0.0.1.
Everything stops by itself; the temporary folder is removed.

Expected: 0 failed requests; the server switches to each new index within REFRESH_SECONDS (2 s) of
its ingest finishing, plus the batch of questions it is answering at that moment (from its log);
the new document is answerable once the question asked for it gets through the queue.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from support import (NEW_DOC, NEW_DOC_ID, NEW_QUESTION, ROOT, ask, cites, environment, peak_rss_mb,  # noqa: E402
                     percentile, prepare, questions, runner, start_chroma, start_server, stop, table)


def switches(log: Path) -> list[float]:
    """When the server logged that it switched to a new index (epoch seconds), from its JSON log lines."""
    times = []
    for line in log.read_text(errors="replace").replace("\r", "\n").splitlines():
        if '"now serving' not in line and "now serving" not in line:
            continue
        try:
            record = json.loads(line[line.index("{"):])
            times.append(datetime.fromisoformat(record["time"].replace("Z", "+00:00")).timestamp())
        except (ValueError, KeyError):
            continue
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="default, fast, a model folder, or fake (instant)")
    parser.add_argument("--knowledge", default="full", help="small (4 test files), full (the repository's) or a folder")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--ingests", type=int, default=1, help="documents added, one ingest each")
    parser.add_argument("--warm", type=float, default=3.0, help="seconds of load before the first ingest")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds of load after the last round")
    parser.add_argument("--answerable-within", type=float, default=60.0,
                        help="give up waiting for a new document after this many seconds")
    parser.add_argument("--chroma-server", action="store_true", help="use a `chroma run` server on 127.0.0.1")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (for inspection)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="briefing-bot-drill-"))
    knowledge = prepare(work, args.knowledge)
    chroma, chroma_url = start_chroma(work) if args.chroma_server else (None, "")
    env = environment(work, args.model, **({"BRIEFING_BOT_CHROMA_URL": chroma_url} if chroma_url else {}))
    asked = questions(args.knowledge)
    server = None
    results: list[tuple[float, int, float]] = []  # (time, status, seconds)
    failures: list[str] = []
    rounds: list[list[object]] = []
    server_peak = 0.0
    lock = threading.Lock()
    stop_clients = threading.Event()
    try:
        started = time.monotonic()
        server, url = start_server(env, args.model, work / "server.log", ready_within=1800)
        ready = time.monotonic() - started

        def client(number: int) -> None:
            i = number
            while not stop_clients.is_set():
                status, seconds, body = ask(url, asked[i % len(asked)])
                with lock:
                    results.append((time.monotonic(), status, seconds))
                    if status != 200:
                        failures.append(f"{status}: {str(body)[:160]}")
                i += 1

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.warm)
        for round_number in range(1, args.ingests + 1):
            doc_id = NEW_DOC_ID if round_number == 1 else f"{NEW_DOC_ID[:-3]}-{round_number}.en"
            text = NEW_DOC if round_number == 1 else NEW_DOC.replace(
                "press@example.org", f"press{round_number}@example.org")
            (knowledge / f"{doc_id}.md").write_text(text, encoding="utf-8")
            command = runner("ingest", args.model) if args.model == "fake" else \
                [str(Path(sys.executable).with_name("briefing-bot")), "ingest"]
            began, began_wall = time.monotonic(), time.time()
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
            finished, finished_wall = time.monotonic(), time.time()
            if done.returncode:
                failures.append(f"ingest {round_number} exited {done.returncode}: {done.stderr.strip()[-300:]}")
            answerable = None
            while time.monotonic() - finished < args.answerable_within:
                status, _, body = ask(url, NEW_QUESTION)
                if status == 200 and cites(body, doc_id):
                    answerable = time.monotonic() - finished
                    break
                time.sleep(0.2)
            switched = [t for t in switches(work / "server.log") if t > began_wall]
            rounds.append([round_number, doc_id, f"{finished - began:.1f}", done.returncode,
                           f"{switched[0] - finished_wall:.2f}" if switched else "?",
                           "never" if answerable is None else f"{answerable:.2f}"])
            if answerable is None:
                failures.append(f"{doc_id} not answerable within {args.answerable_within:g} s of its ingest")
        time.sleep(args.settle)
        server_peak = peak_rss_mb(server.pid)
    finally:
        stop_clients.set()
        time.sleep(0.1)
        stop(server)
        stop(chroma)
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")

    from latency import machine

    ok = [s for _, status, s in results if status == 200]
    statuses = Counter(status for _, status, _ in results)
    wall = (results[-1][0] - results[0][0]) if results else 0.0
    print(f"machine: {machine()}\nmodel: {args.model}, knowledge: {args.knowledge}, index: "
          f"{'chroma server ' + chroma_url if chroma_url else 'local folder'}, {args.clients} clients; "
          f"server ready after {ready:.1f} s (first build included)\n")
    print(table(["ingest", "document added", "ingest s", "exit", "server switched, s after the ingest ended",
                 "answerable after ingest s"], rounds))
    print()
    print(table(["requests", "failed", "statuses", "throughput req/s", "p50 s", "p95 s", "max s", "mean s",
                 "server peak RSS MB"],
                [[len(results), len(results) - len(ok), dict(statuses), f"{len(results) / wall:.1f}" if wall else "-",
                  f"{percentile(ok, 0.5):.3f}", f"{percentile(ok, 0.95):.3f}", f"{max(ok, default=0):.3f}",
                  f"{statistics.mean(ok):.3f}" if ok else "-", f"{server_peak:.0f}"]]))
    if failures:
        print("\nFailures (first 10):\n" + "\n".join(f"  - {f}" for f in failures[:10]))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
