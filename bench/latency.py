"""Warm latency per question: every development question, asked ROUNDS times after a warm-up.

    .venv/bin/python bench/latency.py [--model default|fast] [--rounds 3]

Prints a Markdown table (p50, p95, mean, max of the total time per question) and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from briefing_bot.config import load_settings
from briefing_bot.evaluation import load_questions, percentile
from briefing_bot.pipeline import Pipeline


def machine() -> str:
    """CPU model, cores and memory of this machine, for the record."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "?"
    return f"{cpu}, {os.cpu_count()} cores, {memory} RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path("tests/data/dev.jsonl"))
    args = parser.parse_args()
    items = load_questions(args.data)
    pipeline = Pipeline(load_settings(model=args.model))
    start = time.perf_counter()
    pipeline.warm_up()
    pipeline.ask(items[0]["q"])
    cold = time.perf_counter() - start
    totals, retrieve = [], []
    for _ in range(args.rounds):
        for item in items:
            answer = pipeline.ask(item["q"], item.get("history", []))
            totals.append(answer.timings_ms["total"])
            retrieve.append(answer.timings_ms["retrieve"])
    print(f"machine: {machine()}\nmodel: {pipeline.embedder.name}, {len(items)} questions x {args.rounds} rounds\n")
    print("| model | p50 ms | p95 ms | mean ms | max ms | retrieve p50 ms | warm-up + first answer s |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {pipeline.embedder.name} | {percentile(totals, 0.5):.1f} | {percentile(totals, 0.95):.1f} | "
          f"{statistics.mean(totals):.1f} | {max(totals):.1f} | {percentile(retrieve, 0.5):.1f} | {cold:.1f} |")


if __name__ == "__main__":
    main()
