"""Load test of POST /api/ask: N concurrent clients asking a mix of questions.

    .venv/bin/python bench/load.py [--mix dev|newsroom|distinct] [--clients 10 [50 ...]] [--requests 20]
                                   [--model default|fast|fake] [--url URL]

Mixes (``--mix``):

- ``dev`` (the default, as before): each client asks the development questions (``--data``) in turn.
- ``newsroom``: every other request repeats one of the suggested questions the app offers (those of
  every page language, in turn); the others are distinct questions, each asked once in the run.
- ``distinct``: every request is a question asked once in the run.

Distinct questions are made from the knowledge folder's sentences with a few templates ("Is it true
that ...?"), in a fixed order; never from an evaluation set.

Without ``--url`` it starts a server on a free loopback port, with the rate limits raised for the
run (every client here has the same address), and stops it afterwards: ``briefing-bot serve`` on
the repository's index with a real model, or with ``--model fake`` the unit tests' instant embedder
on a copy of the knowledge folder, with its own index in a temporary folder (it measures the
service, not the model). Prints one Markdown row per ``--clients`` value (they run one after the
other, on the same server and answer cache): requests, failed, throughput, latency p50/p95/max, and
the share of answers that came from the answer cache (their ``cached``) and their p50; for a server it
started, also the seconds from its start to ready, to its first answer and to its chat page (built
after the start), and its peak RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "drills"))
from latency import machine  # noqa: E402
from support import ROOT, ask, environment, peak_rss_mb, percentile, prepare, start_server, stop, table  # noqa: E402

from briefing_bot.knowledge import load_knowledge  # noqa: E402
from briefing_bot.messages import SUGGESTIONS  # noqa: E402

TEMPLATES = ("Is it true that {}?", "Which source says this: {}?", "Can you confirm the following: {}?")
WARM_UP = "When is the signing ceremony? (warm-up)"
UNLIMITED = {"BRIEFING_BOT_RATE_LIMIT_PER_MINUTE": "1000000", "BRIEFING_BOT_RATE_LIMIT_BURST": "1000000",
             "BRIEFING_BOT_REQUEST_RATE_LIMIT_PER_MINUTE": "1000000", "BRIEFING_BOT_QUEUE_SIZE": "1000"}


def distinct_questions(knowledge: Path) -> Iterator[str]:
    """Questions that are all different, in a fixed order: each sentence of the knowledge in each
    template, then the same again numbered (2), (3)..."""
    sentences = list(dict.fromkeys(s.text.strip().rstrip(".。") for p in load_knowledge(knowledge).passages
                                   for s in p.sentences))
    for round_ in itertools.count(1):
        for template in TEMPLATES:
            for sentence in sentences:
                question = template.format(sentence[:300])
                yield question if round_ == 1 else f"{question} ({round_})"


def newsroom(distinct: Iterator[str]) -> Iterator[str]:
    """Every other question a suggested one (all page languages, in turn), the others distinct."""
    suggested = [q for questions in SUGGESTIONS.values() for q in questions]
    for n in itertools.count():
        yield suggested[(n // 2) % len(suggested)] if n % 2 == 0 else next(distinct)


def mix(name: str, data: Path, knowledge: Path) -> Callable[[int, int], str]:
    """``question(client, i)``: the i-th question of a client in the mix ``name``."""
    if name == "dev":
        questions = [json.loads(line)["q"] for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
        return lambda client, i: questions[(client * 7 + i) % len(questions)]
    shared = distinct_questions(knowledge) if name == "distinct" else newsroom(distinct_questions(knowledge))
    lock = threading.Lock()

    def question(_client: int, _i: int) -> str:
        with lock:
            return next(shared)

    return question


def load(url: str, clients: int, requests: int, question: Callable[[int, int], str]) -> tuple[list, float]:
    """Each client asks ``requests`` questions one after the other: [(status, seconds, cached)], wall time."""
    results: list[tuple[int, float, bool | None]] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        for i in range(requests):
            status, seconds, body = ask(url, question(number, i))
            with lock:
                results.append((status, seconds, body.get("cached") if status == 200 else None))

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


def row(name: str, clients: int, results: list, wall: float) -> list[object]:
    latencies = [seconds for status, seconds, _ in results if status == 200]
    flags = [cached for status, _, cached in results if status == 200]
    known = [f for f in flags if f is not None]
    hits = f"{sum(known) / len(known):.0%}" if known and len(known) == len(flags) else "-"
    worst = f"{max(latencies):.3f}" if latencies else "-"
    from_cache = [seconds for status, seconds, cached in results if status == 200 and cached]
    return [name, clients, len(results), len(results) - len(latencies), f"{len(results) / wall:.1f}",
            f"{percentile(latencies, 0.5):.3f}", f"{percentile(latencies, 0.95):.3f}", worst, hits,
            f"{percentile(from_cache, 0.5):.3f}" if from_cache else "-"]


def page_ready(url: str, started: float, within: float = 120) -> float:
    """Seconds from ``started`` until the chat page at / is served (it is built after the start)."""
    import urllib.request

    while time.monotonic() - started < within:
        try:
            with urllib.request.urlopen(url + "/", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:  # 503 while it is being built
            time.sleep(0.1)
    raise SystemExit(f"the chat page was not served within {within:g} s")


def start(model: str, work: Path):
    """A server for the run (see the module's documentation)."""
    if model == "fake":
        prepare(work, "full")
        env = environment(work, model, **UNLIMITED)
    else:
        env = {**os.environ, "BRIEFING_BOT_MODEL": model, **UNLIMITED}
    return start_server(env, model, work / "server.log", ready_within=900)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mix", choices=["dev", "newsroom", "distinct"], default="dev")
    parser.add_argument("--clients", type=int, nargs="+", default=[10], help="one run per value, in turn")
    parser.add_argument("--requests", type=int, default=20, help="questions per client")
    parser.add_argument("--model", default="default", help="default, fast, a model folder, or fake (instant)")
    parser.add_argument("--url", help="an already running server (or a proxy in front of several)")
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "dev.jsonl", help="for --mix dev")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge", help="for the distinct questions")
    args = parser.parse_args()
    question = mix(args.mix, args.data, args.knowledge)
    with tempfile.TemporaryDirectory(prefix="briefing-bot-load-") as folder:
        started = time.monotonic()
        server, url = (None, args.url) if args.url else start(args.model, Path(folder))
        try:
            ready = time.monotonic() - started
            ask(url, WARM_UP)
            first = time.monotonic() - started
            page = page_ready(url, started) if server else 0.0
            rows = [row(args.mix, clients, *load(url, clients, args.requests, question)) for clients in args.clients]
            peak = peak_rss_mb(server.pid) if server else 0.0
        finally:
            stop(server)
    print(f"machine: {machine()}\nserver: {url}, model {args.model if not args.url else '(as it runs)'}")
    if server:
        print(f"started: ready (health ok) {ready:.1f} s, first answer {first:.1f} s, chat page {page:.1f} s "
              f"after the start; server peak RSS {peak:.0f} MB")
    print()
    print(table(["mix", "clients", "requests", "failed", "req/s", "p50 s", "p95 s", "max s", "from cache",
                 "p50 from cache s"], rows))


if __name__ == "__main__":
    main()
