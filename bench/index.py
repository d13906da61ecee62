"""Time a from-scratch build of the index: what `briefing-bot ingest --rebuild` does into an empty folder.

    .venv/bin/python bench/index.py [--model default|fast|both] [--precision fp32|int8] [--threads 0]
                                    [--knowledge knowledge]

Per model, in a temporary Chroma folder: the records of the index (passages, sentences and FAQ
questions), the distinct texts embedded (records with the same title and text, or the same
question, share one vector), their tokens with the model's prompts, the seconds of the build (the
model is loaded before the clock starts), texts and tokens per second, and the machine's 1-minute
load average before and after (the build itself accounts for about 2 on 2 cores: more means other
work competed for the cores). Prints a Markdown table and the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from latency import machine  # noqa: E402


class Recording:
    """An embedder that passes everything on to ``inner`` and keeps the prompted texts it was given."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.texts = inner, inner.name, []

    def warm_up(self) -> None:
        self.inner.warm_up()

    def embed_passages(self, items, progress=None):
        template = self.inner.model.document_template
        self.texts += [template.format(title=title or "none", text=text) for title, text in items]
        return self.inner.embed_passages(items, progress)

    def embed_queries(self, texts, progress=None):
        self.texts += [self.inner.model.query_prompt + t for t in texts]
        return self.inner.embed_queries(texts, progress)


def tokens(model_folder: str, texts: list[str]) -> int:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_folder) / "tokenizer.json"))
    return sum(len(e.ids) for e in tokenizer.encode_batch(texts))


def build(model: str, args) -> dict:
    from briefing_bot.config import Settings
    from briefing_bot.embedders import make_embedder
    from briefing_bot.ingest import progress_bar
    from briefing_bot.pipeline import Pipeline

    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        settings = Settings(model=model, knowledge_dir=args.knowledge, chroma_dir=Path(folder) / "chroma",
                            onnx_precision=args.precision, torch_threads=args.threads)
        embedder = Recording(make_embedder(settings))
        pipeline = Pipeline(settings, embedder=embedder)
        embedder.warm_up()
        load = os.getloadavg()[0]
        start = time.perf_counter()
        report = pipeline.ingest(rebuild=True, progress=progress_bar(f"Embedding ({model})"))
        seconds = time.perf_counter() - start
        info = report.info
    count = tokens(embedder.inner.model.location, embedder.texts)
    return {"model": info.model, "records": info.passages + info.sentences + report.faq_questions,
            "distinct": report.embedded, "tokens": count, "seconds": seconds,
            "load": f"{load:.1f} / {os.getloadavg()[0]:.1f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["default", "fast", "both"], default="default")
    parser.add_argument("--precision", choices=["fp32", "int8"], default="fp32")
    parser.add_argument("--threads", type=int, default=0, help="embedding threads (0: every core)")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()
    rows = [build(m, args) for m in (["default", "fast"] if args.model == "both" else [args.model])]
    print("\n| model | records | texts embedded (distinct) | tokens | seconds | texts/s | tokens/s | load before / after |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} ({args.precision}) | {r['records']:,} | {r['distinct']:,} | {r['tokens']:,} | "
              f"{r['seconds']:.1f} | {r['distinct'] / r['seconds']:.1f} | {r['tokens'] / r['seconds']:.0f} | {r['load']} |")
    print(f"\nMachine: {machine()}. Date: {time.strftime('%Y-%m-%d %H:%M')}.")


if __name__ == "__main__":
    sys.exit(main())
