"""Drill: SIGKILL ingests at random points; after each, the index must still serve, and at the end
an ingest must recover (take the dead lock over, remove the orphans) and succeed.

    .venv/bin/python bench/drills/killed_ingests.py [--model default|fast|fake] [--knowledge small|full|DIR]
        [--kills 20] [--seed 10] [--chroma-server]

In a temporary copy of the knowledge folder with a fresh index, it builds the index once, times one
``--rebuild`` ingest (from the moment the runner has opened the index and loaded the model), then
``--kills`` times starts a ``--rebuild`` ingest and SIGKILLs it after a uniformly random delay within
1.25 times that time (so kills land while taking the lock, reading, embedding, writing, switching and
cleaning up); every 4th kill lands exactly when the ingest reports a phase (lock taken, new
generation created, manifest switched: the clean-up after the switch is rarely hit at random). After each kill it records what the ingest left (lock, a half-written generation, a
switch) and asks a question from a fresh process-local pipeline: the index must answer. Finally
it runs one ingest to the end and checks that it succeeded, that every remaining generation is the
active one or a replaced one kept for the grace period (no orphans), and that the index answers.
With ``--chroma-server`` the index lives in a ``chroma run`` server started on 127.0.0.1 (client/server
mode) instead of a local folder. Prints one table row per kill and a summary; exits 1 on any
failure. Everything stops by itself.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from support import ROOT, environment, peak_rss_mb, prepare, questions, runner, start_chroma, stop, table  # noqa: E402


PHASES = ("switched", "writing", "locked", "switched", "writing")  # see runner.py's phase lines


def reader(model: str, env: dict[str, str], embedder=None):
    """A pipeline reading the drill's index in this process (model loaded once, shared)."""
    from briefing_bot.config import load_settings
    from briefing_bot.pipeline import Pipeline

    os.environ.update({k: v for k, v in env.items() if k.startswith("BRIEFING_BOT_")})
    settings = load_settings()
    if model == "fake" and embedder is None:
        from conftest import FakeEmbedder

        embedder = FakeEmbedder()
    return Pipeline(settings, embedder=embedder)


def state(pipeline, before: str) -> tuple[str, str, str]:
    """What an ingest left: (lock, generations, switched)."""
    store = pipeline.store
    names = [getattr(c, "name", c) for c in store.client.list_collections()]
    lock = "left" if f"{store.prefix}_ingest_lock" in names else "-"
    active = store.active()
    retired = store.retired()
    orphans = {g: kinds for g, kinds in store.generations().items() if g != active.generation and g not in retired}
    left = ", ".join(f"orphan {len(k)}/3" for k in orphans.values()) or "-"
    return lock, left, "yes" if active.generation != before else "no"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="default, fast, a model folder, or fake (instant)")
    parser.add_argument("--knowledge", default="small", help="small (4 test files), full (the repository's) or a folder")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--chroma-server", action="store_true", help="use a `chroma run` server on 127.0.0.1")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (for inspection)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="briefing-bot-drill-"))
    prepare(work, args.knowledge)
    chroma, chroma_url = start_chroma(work) if args.chroma_server else (None, "")
    env = environment(work, args.model, BRIEFING_BOT_INGEST_WAIT_SECONDS="120",
                      **({"BRIEFING_BOT_CHROMA_URL": chroma_url} if chroma_url else {}))
    question = questions(args.knowledge)[0]
    rng = random.Random(args.seed)
    failures: list[str] = []
    rows: list[list[object]] = []
    peaks: list[float] = []  # peak RSS of each ingest, MB
    try:
        def run_ingest(rebuild: bool = True) -> tuple[subprocess.CompletedProcess, float]:
            command = runner("ingest", args.model, *(["--rebuild"] if rebuild else []))
            child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            child.stdout.readline()  # "start": index opened, model loaded
            began = time.monotonic()
            out, err = child.communicate(timeout=7200)
            peaks.extend(float(m) for m in re.findall(r"peak_rss_mb=(\d+)", out))
            return subprocess.CompletedProcess(command, child.returncode, out, err), time.monotonic() - began

        first, _ = run_ingest(rebuild=False)
        if first.returncode:
            raise SystemExit(f"the first ingest failed: {first.stderr[-500:]}")
        timed, duration = run_ingest()
        if timed.returncode:
            raise SystemExit(f"the timed ingest failed: {timed.stderr[-500:]}")
        shared = reader(args.model, env)
        shared.warm_up()
        embedder = shared.embedder

        for number in range(1, args.kills + 1):
            before = shared.store.active().generation
            child = subprocess.Popen(runner("ingest", args.model, "--rebuild"), env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            child.stdout.readline()
            began = time.monotonic()
            phase = PHASES[(number // 4 - 1) % len(PHASES)] if number % 4 == 0 else ""
            if phase:  # every 4th kill: right when the ingest reaches a phase
                while (line := child.stdout.readline()) and line.strip() != f"phase {phase}":
                    pass
            else:  # the others: at a random moment
                time.sleep(rng.uniform(0, duration * 1.25))  # a few land after the switch, or after the end
            delay = time.monotonic() - began
            peaks.append(peak_rss_mb(child.pid))  # 0 if it has already exited
            finished = child.poll() is not None
            if not finished:
                os.kill(child.pid, signal.SIGKILL)
            child.communicate(timeout=60)  # reaped: a zombie would still look alive
            lock, left, switched = state(shared, before)
            try:
                answer = reader(args.model, env, embedder).ask(question)
                serving = "yes" if answer.answered else "declined"
            except Exception as exc:  # noqa: BLE001 - the drill reports it
                serving = f"ERROR {type(exc).__name__}"
            if serving != "yes":
                failures.append(f"after kill {number} ({delay:.2f} s): {serving}")
            note = "finished first" if finished else f"at '{phase}'" if phase else "random"
            rows.append([number, f"{delay:.2f}", note, lock, left, switched, serving])

        final, seconds = run_ingest()
        store = reader(args.model, env, embedder).store
        active = store.active()
        retired = store.retired()
        leftovers = {g: k for g, k in store.generations().items() if g != active.generation and g not in retired}
        incomplete = {g: k for g, k in store.generations().items() if len(k) != 3}
        kept = len(store.generations())
        final_answer = reader(args.model, env, embedder).ask(question)
        if final.returncode:
            failures.append(f"the recovering ingest exited {final.returncode}: {final.stderr.strip()[-300:]}")
        if leftovers or incomplete:
            failures.append(f"left after the recovering ingest: orphans {sorted(leftovers)}, incomplete {sorted(incomplete)}")
        if not final_answer.answered:
            failures.append("the index does not answer after the recovering ingest")
    finally:
        stop(chroma)
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")

    from latency import machine

    print(f"machine: {machine()}\nmodel: {args.model}, knowledge: {args.knowledge}, index: "
          f"{'chroma server ' + chroma_url if chroma_url else 'local folder'}; one --rebuild ingest "
          f"takes {duration:.2f} s (after start-up); kills at uniform random delays up to 1.25 times that (seed {args.seed})\n")
    print(table(["kill", "after s", "when", "lock left", "orphans left", "switched", "index answers"], rows))
    print()
    print(table(["recovering ingest", "exit", "seconds", "generations kept", "orphans", "answers"],
                [["--rebuild", final.returncode, f"{seconds:.2f}", kept, len(leftovers),
                  "yes" if final_answer.answered else "no"]]))
    print(f"\npeak RSS: {max(peaks, default=0):.0f} MB (the largest ingest), {peak_rss_mb(os.getpid()):.0f} MB "
          "(this process, which reads the index after each kill)")
    if final.stderr.strip():
        print("\nrecovering ingest said:\n" + "\n".join(f"  {line}" for line in final.stderr.strip().splitlines()[-5:]))
    if failures:
        print("\nFailures:\n" + "\n".join(f"  - {f}" for f in failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
