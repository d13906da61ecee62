"""The embedding runtimes side by side: torch, ONNX Runtime fp32, ONNX Runtime int8.

    .venv/bin/python bench/runtime.py [--model default|fast|both] [--questions 50] [--passages 200]
                                      [--threads 0] [--export]

Each runtime runs in a process of its own, one after the other (peak memory is then its own, and
two never compete for the cores). Per runtime: query latency p50/p95 (one question at a time with
the model's query prompt, the ``--questions`` first development and regression questions, after a
warm-up), passages per second (``--passages`` knowledge passages with their titles, as the ingest
embeds them), the cosine of each vector to torch's (min over questions and passages), how often
the best-scoring passage of a question is torch's, the load time, the peak RSS, and the machine's
1-minute load average at the end (the bench itself accounts for about 2 on 2 cores: more means
other work competed for the cores, and the times are slower than the machine can do). ``--export``
also times the export of the fp32 graph and its int8 quantisation into a temporary folder (minutes)
and says whether they came out byte for byte as the graphs recorded in the model's receipt.
The graphs are those 'briefing-bot models fetch NAME --precision fp32 --precision int8' exported.
Prints a Markdown table and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

RUNTIMES = {"torch fp32": ("torch", "fp32"), "ONNX fp32": ("onnx", "fp32"), "ONNX int8": ("onnx", "int8")}


def texts(questions: int, passages: int) -> tuple[list[str], list[tuple[str, str]]]:
    from briefing_bot.evaluation import load_questions
    from briefing_bot.ingest import embed_title
    from briefing_bot.knowledge import load_knowledge

    items = load_questions(ROOT / "tests/data/dev.jsonl") + load_questions(ROOT / "tests/data/regression.jsonl")
    knowledge = sorted(load_knowledge(ROOT / "knowledge").passages, key=lambda p: p.passage_id)
    step = max(1, len(knowledge) // passages)  # spread over every document, in a stable order
    return [i["q"] for i in items[:questions]], [(embed_title(p), p.text) for p in knowledge[::step][:passages]]


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def one(args) -> None:
    """Child process: measure one runtime; write its figures and vectors to ``args.out``."""
    from briefing_bot.config import Settings
    from briefing_bot.embedders import make_embedder
    from briefing_bot.evaluation import percentile

    runtime, precision = RUNTIMES[args.one]
    questions, passages = texts(args.questions, args.passages)
    settings = Settings(models_dir=ROOT / ".briefing-bot/models", model=args.model, runtime=runtime,
                        onnx_precision=precision, torch_threads=args.threads)
    embedder = make_embedder(settings)
    start = time.perf_counter()
    embedder.warm_up()
    load = time.perf_counter() - start
    for question in questions[:3]:
        embedder.embed_query(question)
    latencies, query_vectors = [], []
    for question in questions:
        start = time.perf_counter()
        query_vectors.append(embedder.embed_query(question))
        latencies.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    passage_vectors = embedder.embed_passages(passages)
    rate = len(passages) / (time.perf_counter() - start)
    np.savez(args.out, queries=np.array(query_vectors, np.float32), passages=np.array(passage_vectors, np.float32))
    Path(args.out + ".json").write_text(json.dumps({
        "class": type(embedder).__name__, "name": embedder.name, "load_s": load,
        "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95), "passages_s": rate,
        "rss_gb": peak_rss_gb(), "load": os.getloadavg()[0]}))


def export(args) -> None:
    """Child process: time the fp32 export and the int8 quantisation into a temporary folder."""
    from briefing_bot.models import find_spec, model_dir, onnx_graphs, sha256_file
    from briefing_bot.onnx_export import _load, export_fp32, quantize_int8

    folder = model_dir(ROOT / ".briefing-bot/models", find_spec(args.model))
    with tempfile.TemporaryDirectory() as tmp:
        st = _load(folder)
        start = time.perf_counter()
        graph = export_fp32(st, folder, Path(tmp))
        seconds = time.perf_counter() - start
        config = st[0].auto_model.config
        start = time.perf_counter()
        int8 = quantize_int8(graph, Path(tmp) / "int8.onnx", config.hidden_size, config.intermediate_size,
                             config.num_hidden_layers)
        quantize = time.perf_counter() - start
        recorded = onnx_graphs(folder)  # the graphs 'models fetch' exported: the same bytes again?
        same = {p: p in recorded and sha256_file(path) == recorded[p]["sha256"]
                for p, path in (("fp32", graph), ("int8", int8))}
        Path(args.out + ".json").write_text(json.dumps({
            "export_s": seconds, "quantize_s": quantize, "rss_gb": peak_rss_gb(), "same": same}))


def child(args, *extra: str) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "result")
        cmd = [sys.executable, __file__, "--model", args.model, "--questions", str(args.questions),
               "--passages", str(args.passages), "--threads", str(args.threads), "--out", out, *extra]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            print(f"  {' '.join(extra)}: failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
            return None
        figures = json.loads(Path(out + ".json").read_text())
        if Path(out + ".npz").exists():
            figures.update(np.load(out + ".npz"))
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default", help="default, fast, or both")
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--threads", type=int, default=0, help="0 = all cores")
    parser.add_argument("--export", action="store_true", help="also time the export (minutes)")
    parser.add_argument("--one", choices=list(RUNTIMES), help=argparse.SUPPRESS)
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one(args)
    if args.export_child:
        return export(args)
    from latency import machine

    questions, passages = texts(args.questions, args.passages)
    print(f"machine: {machine()}\n{len(questions)} questions, {len(passages)} knowledge passages, "
          f"threads {args.threads or 'all'}\n")
    print("| model | runtime | query p50 ms | query p95 ms | passages/s | cosine to torch (min) | "
          "same top-1 passage | load s | peak RSS GB | load average |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    exports = []
    for model in (["fast", "default"] if args.model == "both" else [args.model]):
        args.model = model
        base = None
        for label in RUNTIMES:
            got = child(args, "--one", label)
            if got is None:
                print(f"| {model} | {label} | not available |  |  |  |  |  |  |  |")
                continue
            if base is None and label == "torch fp32":
                base = got
            cosine = same = "-"
            if base is not None and label != "torch fp32":
                worst = min((got[k] * base[k]).sum(1).min() for k in ("queries", "passages"))
                cosine = f"{worst:.4f}"
                top = lambda f: (f["queries"] @ f["passages"].T).argmax(1)  # noqa: E731
                same = f"{(top(got) == top(base)).mean():.2f}"
            print(f"| {got['name']} | {label} | {got['p50']:.1f} | {got['p95']:.1f} | {got['passages_s']:.1f} | "
                  f"{cosine} | {same} | {got['load_s']:.1f} | {got['rss_gb']:.2f} | {got['load']:.1f} |", flush=True)
        if args.export:
            exports.append((model, child(args, "--export-child")))
    if exports:
        print("\n| model | fp32 export s | int8 quantisation s | peak RSS GB | same sha256 as the fetched "
              "graphs (fp32, int8) |\n|---|---|---|---|---|")
        for model, got in exports:
            if got:
                same = ", ".join("yes" if got["same"][p] else "no" for p in ("fp32", "int8"))
                print(f"| {model} | {got['export_s']:.0f} | {got['quantize_s']:.0f} | {got['rss_gb']:.2f} | {same} |")


if __name__ == "__main__":
    main()
