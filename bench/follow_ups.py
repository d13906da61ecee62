"""How a follow-up's search vector should weigh the earlier question: ``follow_up.CONTEXT_WEIGHT``.

    .venv/bin/python bench/follow_ups.py [--weights 0 0.25 0.5 0.7 1]

Cross-validates the answer selection (``calibrate.fit``, as ``briefing-bot calibrate`` does) on the
labelled questions (the FAQ's and ``bench/data/train.jsonl``) once per way of searching a follow-up:
both questions embedded as one text, or the follow-up's own vector plus each weight times the earlier
question's. Only follow-ups are asked again per row. Prints a Markdown table: for the training file's
follow-ups, how often the answer's quotes hold a right sentence, answered, answered right; then every
question's.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from briefing_bot import calibrate, follow_up
from briefing_bot.config import Settings
from briefing_bot.pipeline import Pipeline

TRAIN = Path("bench/data/train.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.7, 1.0])
    args = parser.parse_args()
    pipeline = Pipeline(Settings())
    items = calibrate.labelled_questions(pipeline.settings.knowledge_dir, TRAIN)
    later = [i for i, item in enumerate(items) if item.history]
    asked = calibrate.collect(pipeline, items)
    own_vectors = pipeline.vectors
    print("| follow-up searched with | follow-ups: quotes right | answered | answered right "
          "| all: answered | answered right | declined |")
    print("|---|---|---|---|---|---|---|")
    for weight in [None, *args.weights]:
        if weight is None:  # the two questions as one text
            pipeline.vectors = lambda prepared, progress=None: pipeline.embedder.embed_queries(
                [p.query for p in prepared], progress)
        else:
            pipeline.vectors = own_vectors
            follow_up.CONTEXT_WEIGHT = weight
        again = calibrate.collect(pipeline, [items[i] for i in later])
        for i, a in zip(later, again):
            asked[i] = a
        figures = _figures(items, asked)
        name = "one text" if weight is None else f"own + {weight:g} x earlier"
        print(f"| {name} | " + " | ".join(f"{x:.3f}" for x in figures) + " |", flush=True)


def _figures(items, asked) -> list[float]:
    """The cross-validated figures of ``calibrate.fit``: the follow-ups', then every question's."""
    report = calibrate.fit("bench", items, asked).report
    return [report[k] for k in ("cv_follow_ups_answer_right", "cv_follow_ups_answered",
                                "cv_follow_ups_answered_right", "cv_answered", "cv_answered_right",
                                "cv_decline_accuracy")]


if __name__ == "__main__":
    main()
