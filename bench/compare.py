"""briefing-bot against the LangChain-tutorial baseline, on the same questions, in one run.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/compare.py

For the bot with each embedding model and for the baseline (bench/baseline.py): answer accuracy
overall and per language, decline accuracy, citation validity (scored like the reviewers' scorer),
retrieval recall@1/@3 and MRR against the gold passages of bench/data/dev-gold.jsonl, index build
time, warm latency p50/p95, cold start to the first answer, and peak memory (RSS). Each system runs
in its own processes, so that memory and start-up are its own. Writes docs/benchmarks.md and
docs/img/accuracy-by-language.png, and prints the table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
from latency import machine  # noqa: E402

from briefing_bot.evaluation import fold, percentile  # noqa: E402

SYSTEMS = ("bot:default", "bot:fast", "baseline")
LABELS = {"bot:default": "briefing-bot (EmbeddingGemma-300m)", "bot:fast": "briefing-bot (multilingual-e5-small)",
          "baseline": "LangChain tutorial (MiniLM-L6, top-4, best chunk)"}
LANGS = ("en", "ar", "fr", "es", "ru", "zh", "vi")


class System:
    """One system under test, inside a child process: build, open, answer, rank."""

    def __init__(self, name: str, index: Path) -> None:
        self.name, self.index = name, index

    def build(self) -> None:
        if self.name == "baseline":
            import baseline

            baseline.build(ROOT / "knowledge", self.index)
        else:
            self.pipeline().ingest()

    def open(self) -> None:
        if self.name == "baseline":
            import baseline

            self.store = baseline.open_store(self.index)
        else:
            self.bot = self.pipeline()
            self.bot.warm_up()

    def pipeline(self):
        from briefing_bot.config import load_settings
        from briefing_bot.pipeline import Pipeline

        return Pipeline(load_settings(model=self.name.split(":")[1], chroma_dir=self.index,
                                      knowledge_dir=ROOT / "knowledge", models_dir=ROOT / ".briefing-bot/models"))

    def ask(self, item: dict) -> tuple[dict, list]:
        """The answer, and the ranked retrieval results (group keys, or chunk texts)."""
        if self.name == "baseline":
            import baseline

            return baseline.answer(self.store, item["q"]), [d.page_content for d in baseline.retrieve(self.store, item["q"])]
        answer, retrieval = self.bot.run(item["q"], item.get("history", []))
        return answer.to_dict(), [g.key for g in retrieval.groups]


def child(args) -> None:
    """Run inside a child process; prints one JSON object."""
    system = System(args.child, Path(args.index))
    if args.phase == "build":
        start = time.perf_counter()
        system.build()
        print(json.dumps({"build_s": time.perf_counter() - start}))
        return
    system.open()
    items = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.phase == "cold":
        system.ask(items[0])
        print(json.dumps({"cold_s": time.time() - args.spawned}))
        return
    system.ask(items[0])  # warm
    rows = []
    for item in items:
        start = time.perf_counter()
        answer, ranked = system.ask(item)
        rows.append({"item": item, "answer": answer, "ranked": ranked[:10], "ms": (time.perf_counter() - start) * 1000})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "peak_rss_mb": peak}, ensure_ascii=False))


def run_child(system: str, phase: str, index: Path, data: Path) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", system, "--phase", phase,
               "--index", str(index), "--data", str(data), "--spawned", repr(time.time())]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{system} {phase} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def gold_texts() -> dict[str, list[str]]:
    """Group key -> the opening of each version's text (to recognise it inside a baseline chunk)."""
    from briefing_bot.knowledge import load_knowledge

    texts: dict[str, list[str]] = {}
    for p in load_knowledge(ROOT / "knowledge").passages:
        texts.setdefault(p.group, []).append(fold(p.text)[:60])
    return texts


def score(system: str, rows: list[dict], openings: dict[str, list[str]]) -> dict:
    from briefing_bot.evaluation import Report

    report = Report()
    ranks = []
    for row in rows:
        report.add(row["item"], row["answer"])
        gold = row["item"].get("gold") or []
        if not row["item"]["answerable"] or not gold:
            continue
        if system == "baseline":
            hit = [any(o in fold(chunk) for g in gold for o in openings.get(g, [])) for chunk in row["ranked"]]
        else:
            hit = [key in gold for key in row["ranked"]]
        ranks.append(next((i + 1 for i, h in enumerate(hit) if h), None))
    latencies = [row["ms"] for row in rows]
    return {
        "by_language": {lang: report.by_language.get(lang, [0, 0]) for lang in LANGS},
        "answer": report.answer_accuracy, "decline": report.decline_accuracy, "cite": report.citation_validity,
        "recall1": sum(1 for r in ranks if r and r <= 1) / max(1, len(ranks)),
        "recall3": sum(1 for r in ranks if r and r <= 3) / max(1, len(ranks)),
        "mrr": sum(1 / r for r in ranks if r) / max(1, len(ranks)), "judged": len(ranks),
        "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
    }


def chart(scores: dict[str, dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(scores)
    for i, (system, s) in enumerate(scores.items()):
        values = [s["by_language"][lang][0] / s["by_language"][lang][1] if s["by_language"][lang][1] else 0
                  for lang in LANGS]
        ax.bar([x + i * width for x in range(len(LANGS))], values, width, label=LABELS[system])
    ax.set_xticks([x + width * (len(scores) - 1) / 2 for x in range(len(LANGS))], LANGS)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("answer accuracy")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def table(scores: dict, perf: dict) -> str:
    lines = ["| system | answer acc | " + " | ".join(LANGS) + " | decline acc | citations valid | recall@1 | recall@3 | MRR | "
             "index build s | warm p50 ms | warm p95 ms | cold start s | peak RSS MB |",
             "|---" * (len(LANGS) + 12) + "|"]
    for system, s in scores.items():
        langs = " | ".join(f"{a}/{n}" if n else "-" for a, n in (s["by_language"][lang] for lang in LANGS))
        p = perf[system]
        lines.append(f"| {LABELS[system]} | {s['answer']:.2f} | {langs} | {s['decline']:.2f} | {s['cite']:.2f} | "
                     f"{_or_dash(s, 'recall1')} | {_or_dash(s, 'recall3')} | {_or_dash(s, 'mrr')} | {p['build_s']:.0f} | {s['p50']:.0f} | "
                     f"{s['p95']:.0f} | {p['cold_s']:.1f} | {p['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def _or_dash(s: dict, key: str) -> str:
    return f"{s[key]:.2f}" if s["judged"] else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=BENCH / "data" / "compare.jsonl")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--child")
    parser.add_argument("--phase", default="answer")
    parser.add_argument("--index")
    parser.add_argument("--spawned", type=float, default=0.0)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results, perf = {}, {}
    openings = gold_texts()
    with tempfile.TemporaryDirectory() as tmp:
        for system in args.systems.split(","):
            index = Path(tmp) / system.replace(":", "-")
            print(f"{system}: building the index...", file=sys.stderr)
            built = run_child(system, "build", index, args.data)
            print(f"{system}: cold start...", file=sys.stderr)
            cold = run_child(system, "cold", index, args.data)
            print(f"{system}: answering...", file=sys.stderr)
            results[system] = run_child(system, "answer", index, args.data)
            perf[system] = {**built, **cold, "peak_rss_mb": results[system]["peak_rss_mb"]}
    sets = {"Development set (dev.jsonl)": lambda row: row["item"].get("set", "dev") == "dev",
            "Development and held-out questions together": lambda row: True}
    sections = []
    for title, keep in sets.items():
        scores = {system: score(system, [r for r in result["rows"] if keep(r)], openings)
                  for system, result in results.items()}
        sections.append(f"## {title}\n\n{table(scores, perf)}")
    chart(scores, ROOT / "docs" / "img" / "accuracy-by-language.png",
          "Answer accuracy per question language (development and held-out questions)")
    text = "\n\n".join(sections)
    doc = (f"# Benchmarks: briefing-bot against the LangChain-tutorial baseline\n\n"
           f"Machine: {machine()}. Date: {time.strftime('%Y-%m-%d')}. Command: `make bench` "
           f"(that is, `.venv/bin/python bench/compare.py`).\n\n"
           f"Questions: `bench/data/compare.jsonl`: the development set (28 questions in 7 languages: 22 "
           f"answerable, 6 out of scope; each answerable one with the passages that answer it) and 24 held-out "
           f"questions (16 answerable, 8 out of scope) written separately and used only as a check, not for tuning, which give "
           f"every language at least 3 questions. Answers are scored like the reviewers' `score.py`. Recall@k "
           f"and MRR are over the development questions with gold passages; a baseline chunk counts as relevant "
           f"when it contains a gold passage (any language version). Latency is per question, warm; cold start "
           f"is a new process with a built index up to its first answer; peak RSS is that of the process "
           f"answering all questions; index build includes loading the model.\n\n{text}\n\n"
           f"![Answer accuracy per language](img/accuracy-by-language.png)\n\n"
           f"The baseline never declines (decline accuracy 0) and quotes a whole 1,000-character chunk, which "
           f"often contains the expected words by chance; briefing-bot quotes one to three sentences.\n")
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "benchmarks.md").write_text(doc, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
