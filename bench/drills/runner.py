"""Serve or ingest for a drill, with the settings of the BRIEFING_BOT_* variables and either a
real model (``--model default|fast|FOLDER``) or the unit tests' instant fake embedder (``--model fake``).

    python bench/drills/runner.py ingest --model fake [--rebuild]
    python bench/drills/runner.py serve --model fake --port 7861

``serve`` is ``briefing-bot serve`` without the chat page. ``deploy/replicas.py --bot "python
bench/drills/runner.py"`` runs its replicas and its ingest with the fake embedder (``tests/test_replicas.py``).

``ingest`` opens the index and loads the model first, then prints ``start`` (so that a drill can
time a kill within the ingest proper), ingests, and prints ``done <seconds>`` and a summary (with
its peak resident memory, ``peak_rss_mb=``). On the
way it prints ``phase locked`` (lock taken), ``phase writing`` (new generation created) and
``phase switched`` (manifest switched, before the clean-up), so that a drill can kill it at those
points. It exits 1 with the message of a library error (as ``briefing-bot ingest`` does).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))

from briefing_bot.config import load_settings  # noqa: E402
from briefing_bot.errors import BriefingBotError  # noqa: E402
from briefing_bot.pipeline import Pipeline  # noqa: E402


def pipeline_for(model: str) -> Pipeline:
    if model == "fake":
        from conftest import FakeEmbedder

        return Pipeline(load_settings(), embedder=FakeEmbedder())
    return Pipeline(load_settings(model=model))


def announce_phases() -> None:
    """Print a line when the ingest reaches the points a drill may kill it at (this process only)."""
    from briefing_bot.lock import IngestLock
    from briefing_bot.store import ChromaStore

    def after(cls, name: str, phase: str) -> None:
        original = getattr(cls, name)

        def wrapped(*args, **kwargs):
            result = original(*args, **kwargs)
            print(f"phase {phase}", flush=True)
            return result

        setattr(cls, name, wrapped)

    after(IngestLock, "acquire", "locked")
    after(ChromaStore, "new_generation", "writing")
    after(ChromaStore, "activate", "switched")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["ingest", "serve"])
    parser.add_argument("--model", default="fake")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--port", type=int, default=7861)
    args = parser.parse_args()
    pipeline = pipeline_for(args.model)
    if args.action == "serve":  # as `briefing-bot serve` does (JSON logs, proxy headers), without the chat page
        from briefing_bot.app import serve

        serve(pipeline.settings, host="127.0.0.1", port=args.port, pipeline=pipeline, with_ui=False)
        return
    announce_phases()
    pipeline.store.client  # noqa: B018 - open the index now
    pipeline.embedder.warm_up()
    print("start", flush=True)
    started = time.monotonic()
    try:
        report = pipeline.ingest(rebuild=args.rebuild, notify=lambda m: print(m, file=sys.stderr, flush=True))
    except BriefingBotError as exc:
        print(f"Error: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
    peak = next((int(line.split()[1]) / 1024 for line in Path("/proc/self/status").read_text().splitlines()
                 if line.startswith("VmHWM:")), 0.0)
    print(f"done {time.monotonic() - started:.2f} generation={report.info.generation} embedded={report.embedded} "
          f"reused={report.reused} dropped={len(report.dropped)} warnings={len(report.warnings)} "
          f"peak_rss_mb={peak:.0f}", flush=True)


if __name__ == "__main__":
    main()
