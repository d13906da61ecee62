"""Calibrate the decline thresholds: the evidence scores of every development question, and the
answer/decline accuracy that candidate thresholds would give.

A question is answered when its best passage similarity reaches ``min_evidence`` or its closest
FAQ question reaches ``min_faq``.

    .venv/bin/python bench/calibrate.py [--model default|fast] [--data tests/data/dev.jsonl]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from briefing_bot.config import load_settings
from briefing_bot.evaluation import judge, load_questions
from briefing_bot.pipeline import CALIBRATED_MIN_EVIDENCE, CALIBRATED_MIN_FAQ, Pipeline


def accuracy(rows, min_evidence: float, min_faq: float) -> tuple[float, float]:
    answerable = [r for r in rows if r[0]["answerable"]]
    declinable = [r for r in rows if not r[0]["answerable"]]
    answered = lambda r: r[1] >= min_evidence or r[2] >= min_faq  # noqa: E731
    acc = sum(1 for r in answerable if r[3] and answered(r)) / max(1, len(answerable))
    dec = sum(1 for r in declinable if not answered(r)) / max(1, len(declinable))
    return acc, dec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--data", type=Path, default=Path("tests/data/dev.jsonl"))
    args = parser.parse_args()
    # Never decline here, so that every question shows its scores and whether its answer is right.
    pipeline = Pipeline(load_settings(model=args.model, min_evidence=-1.0))
    pipeline.warm_up(notify=print)
    name = pipeline.embedder.name
    rows = []
    for item in load_questions(args.data):
        answer, retrieval = pipeline.run(item["q"], item.get("history", []))
        right = judge({**item, "answerable": True}, answer.to_dict())[0] if item["answerable"] else None
        rows.append((item, retrieval.evidence, retrieval.faq, right))
    print(f"model: {name}\n\n| id | lang | answerable | evidence | faq | answer right |\n|---|---|---|---|---|---|")
    for item, evidence, faq, right in sorted(rows, key=lambda r: r[1]):
        print(f"| {item['id']} | {item['lang']} | {item['answerable']} | {evidence:.3f} | {faq:.3f} | {right} |")
    min_evidence, min_faq = CALIBRATED_MIN_EVIDENCE.get(name, 0.5), CALIBRATED_MIN_FAQ.get(name, 0.9)
    print(f"\ncurrent: min_evidence={min_evidence}, min_faq={min_faq} -> "
          "answer acc %.3f, decline acc %.3f" % accuracy(rows, min_evidence, min_faq))
    print(f"\n| min_evidence (min_faq={min_faq}) | answer acc | decline acc |\n|---|---|---|")
    for t in sorted({round(r[1] + d, 3) for r in rows for d in (-0.005, 0.005)}):
        print(f"| {t:.3f} | %.3f | %.3f |" % accuracy(rows, t, min_faq))
    print(f"\n| min_faq (min_evidence={min_evidence}) | answer acc | decline acc |\n|---|---|---|")
    for t in sorted({round(r[2] + d, 3) for r in rows for d in (-0.005, 0.005)}):
        print(f"| {t:.3f} | %.3f | %.3f |" % accuracy(rows, min_evidence, t))


if __name__ == "__main__":
    main()
