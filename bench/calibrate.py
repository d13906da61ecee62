"""Calibrate the decline threshold: the evidence score of every development question, and the
answer/decline accuracy each candidate threshold would give.

    .venv/bin/python bench/calibrate.py [--model default|fast] [--data tests/data/dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from briefing_bot.config import load_settings
from briefing_bot.evaluation import judge, load_questions
from briefing_bot.pipeline import Pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--data", type=Path, default=Path("tests/data/dev.jsonl"))
    args = parser.parse_args()
    pipeline = Pipeline(load_settings(model=args.model, min_evidence=-1.0))  # never decline: see all scores
    pipeline.warm_up(notify=print)
    rows = []
    for item in load_questions(args.data):
        answer, retrieval = pipeline.run(item["q"], item.get("history", []))
        evidence = retrieval.evidence
        correct = judge({**item, "answerable": True}, answer.to_dict())[0] if item["answerable"] else None
        rows.append((item, evidence, correct))
    print(f"model: {pipeline.embedder.name}\n\n| id | lang | answerable | evidence | answer right |\n|---|---|---|---|---|")
    for item, evidence, correct in sorted(rows, key=lambda r: r[1]):
        print(f"| {item['id']} | {item['lang']} | {item['answerable']} | {evidence:.3f} | {correct} |")
    print("\n| threshold | answer acc | decline acc |\n|---|---|---|")
    answerable = [r for r in rows if r[0]["answerable"]]
    declinable = [r for r in rows if not r[0]["answerable"]]
    for threshold in sorted({round(r[1] - 0.005, 3) for r in rows} | {round(r[1] + 0.005, 3) for r in rows}):
        acc = sum(1 for _, e, c in answerable if c and e >= threshold) / len(answerable)
        dec = sum(1 for _, e, _ in declinable if e < threshold) / len(declinable)
        print(f"| {threshold:.3f} | {acc:.3f} | {dec:.3f} |")


if __name__ == "__main__":
    main()
