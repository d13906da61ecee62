"""Language identification accuracy per language on a JSONL file of {"text", "lang"} lines.

    .venv/bin/python bench/langid.py tests/data/langid.jsonl [--errors] [--detector fasttext|lingua]

Prints a Markdown table (questions, correct, accuracy per language, then all), the memory the
language models take (RSS before and after ``warm_up``), the time to load them and the time per
question (warm).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from briefing_bot.language import DETECTORS, detect_language, use_detector, warm_up


def rss_mb() -> float:
    """Resident memory of this process, MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--errors", action="store_true", help="list the questions detected wrongly")
    parser.add_argument("--detector", choices=DETECTORS, default=DETECTORS[0], help="the statistical model")
    args = parser.parse_args()
    use_detector(args.detector)
    items = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]

    before = rss_mb()
    start = time.perf_counter()
    warm_up()
    load_s = time.perf_counter() - start
    after = rss_mb()

    total, right, errors, times = defaultdict(int), defaultdict(int), [], []
    for item in items:
        start = time.perf_counter()
        found = detect_language(item["text"])
        times.append((time.perf_counter() - start) * 1000)
        total[item["lang"]] += 1
        right[item["lang"]] += found == item["lang"]
        if found != item["lang"]:
            errors.append((item["lang"], found, item["text"]))

    print(f"| language | questions | correct | accuracy |\n|---|---:|---:|---:|")
    for lang in sorted(total, key=lambda k: (-total[k], k)):
        print(f"| {lang} | {total[lang]} | {right[lang]} | {right[lang] / total[lang]:.3f} |")
    n, ok = sum(total.values()), sum(right.values())
    print(f"| **all ({len(total)} languages)** | {n} | {ok} | **{ok / n:.3f}** |")
    print(f"\nmodels: +{after - before:.0f} MB RSS, loaded in {load_s:.1f} s; per question (warm): "
          f"median {statistics.median(times):.2f} ms, p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.2f} ms, "
          f"max {max(times):.2f} ms")
    if args.errors:
        for expected, found, text in errors:
            print(f"  {expected} -> {found}: {text}")


if __name__ == "__main__":
    main()
