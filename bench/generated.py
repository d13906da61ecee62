"""Generated vs extractive answers, side by side, on question sets, with every shown sentence re-validated.

    .venv/bin/python bench/generated.py [FILE.jsonl ...] [--limit N] [--threads 0] [--timeout 120]
    .venv/bin/python bench/generated.py --url http://127.0.0.1:8081/v1 [--llm-model local]   # a server already running
    nice -n 19 .venv/bin/python bench/generated.py --limit 2 --threads 1                        # a busy machine

Question files are the evaluation's JSON lines (default tests/data/dev.jsonl); ``--limit N`` takes
the first N questions of each. Without ``--url`` it starts the local chat model (``LLMServer``, as
``briefing-bot llm serve`` and bench/llm.py do: llama-cpp-python on the GGUF of ``briefing-bot
models fetch llm``, ``--threads`` threads, 0 = every core) and stops it at the end; one short
warm-up request pages the model in before anything is timed.

One pipeline, with the LLM configured (``llm_timeout_seconds`` = ``--timeout``: set it high enough
for the CPU so that the benchmark measures the model, not the web app's 30-second budget). For each
question:

- **extractive**: ``Pipeline.run`` (the extractive part of ``Pipeline.ask``; exactly the answer
  ``ask`` gives with no LLM configured), timed;
- **LLM on**: ``Pipeline.generate`` on that answer, its stream consumed to the final answer object
  (what ``ask`` shows with the LLM on); its time is the extractive part's plus the generation's,
  since the extractive answer is always computed first;
- both scored as ``briefing-bot eval`` scores (``evaluation.Report``: answer accuracy, decline
  accuracy, citation validity);
- the mode shown (generated, or extractive with its ``fallback_reason``);
- every sentence of every shown generated answer re-validated, independently of the stream that
  accepted it, with the validator of ``Pipeline.grounds()`` against the passages the model was given
  (those the extractive answer cites, numbered as listed, rebuilt here as ``Pipeline.generate``
  builds them): the count of shown sentences failing it should be 0. So should the count of
  citations of a generated answer whose passage is not the listed passage of that number.

Prints Markdown tables (per file and mode: accuracy, decline accuracy, citation validity, fallback
rate, seconds per answer p50/p95, shown sentences failing re-validation; then the modes shown, by
fallback reason; then generated vs extractive on the questions where a generated answer was shown),
the machine, its load and the LLM settings (threads, timeout, token limit, grounding cut-off), and
how many generations timed out. ``--show`` prints both answers of every question (and what the model wrote when it was not shown); ``--out FILE``
writes one JSON line per question (both answers, what the model wrote, times, re-validation).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from briefing_bot.config import load_settings  # noqa: E402
from briefing_bot.evaluation import Report, judge, load_questions, percentile  # noqa: E402
from briefing_bot.generation import Token  # noqa: E402
from briefing_bot.llm_server import DEFAULT_CONTEXT, LLMServer, temporary_log  # noqa: E402
from briefing_bot.pipeline import Pipeline  # noqa: E402
from briefing_bot.types import Answer  # noqa: E402
from briefing_bot.validation import split_sentences  # noqa: E402
from latency import machine  # noqa: E402

# The answers shown with the LLM on: generated, or extractive for one of these reasons (README,
# "Fallback reasons"; "validation_failed: <why>" counted under its first word).
REASONS = ("declined", "llm_no_answer", "validation_failed", "llm_timeout", "llm_unreachable", "llm_error",
           "llm_busy", "llm_uncalibrated")
MODES = ("generated",) + REASONS


def shown_mode(answer: Answer) -> str:
    """"generated", or the fallback reason of an extractive answer ("validation_failed" without its why)."""
    if answer.mode == "generated":
        return "generated"
    reason = (answer.fallback_reason or "none").split(":", 1)[0]
    return reason


def final_answer(pipeline: Pipeline, extractive: Answer, history: object) -> tuple[Answer, str]:
    """The last event of ``Pipeline.generate`` (the answer shown), and the text the model wrote
    (its tokens, as streamed: what validation accepted or withdrew)."""
    final, written = extractive, []
    for event in pipeline.generate(extractive, history):
        final = event
        if isinstance(event, Token):
            written.append(event.text)
    if not isinstance(final, Answer):
        raise RuntimeError(f"Pipeline.generate ended with {type(final).__name__}, not an answer")
    return final, "".join(written)


def listed_passages(pipeline: Pipeline, extractive: Answer) -> list:
    """The passages the model was given for ``extractive``: those it cites, once each, in citation
    order (as ``Pipeline.generate`` lists them)."""
    passages = pipeline.answerer.retriever.passages
    return list({c.passage_id: passages[c.passage_id] for c in extractive.citations
                 if c.passage_id in passages}.values())


def revalidate(grounds, shown: Answer, listed: list) -> dict:
    """Re-check every sentence of a shown generated answer against the listed passages: the
    sentences, those failing (with why), the answer-level problem, and citations whose passage
    is not the listed one of their number."""
    sentences, _ = split_sentences(shown.answer, final=True)
    checked, problem = grounds.check(shown.answer, listed, shown.language)
    failing = [f"sentence {c.index} {c.problem}: {c.sentence.text}" for c in checked if c.problem]
    mismatched = [f"[{c.n}] {c.passage_id}" for c in shown.citations
                  if not 1 <= c.n <= len(listed) or listed[c.n - 1].passage_id != c.passage_id]
    return {"sentences": len(sentences), "failing": failing, "problem": problem, "mismatched": mismatched}


def warm_up_llm(url: str, model: str, timeout: float) -> float:
    """Seconds for one short completion (pages the model in before anything is timed)."""
    body = {"model": model, "messages": [{"role": "user", "content": f"Request {uuid.uuid4()}. Say OK."}],
            "max_tokens": 4, "temperature": 0}
    request = urllib.request.Request(url.rstrip("/") + "/chat/completions", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    began = time.perf_counter()
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=timeout) as response:
        response.read()
    return time.perf_counter() - began


def seconds(values: list[float]) -> str:
    if not values:
        return "- / -"
    return f"{percentile(values, 0.5):.1f} / {percentile(values, 0.95):.1f}"


def share(count: int, total: int) -> str:
    return f"{count} ({count / total:.0%})" if total else "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=[Path("tests/data/dev.jsonl")],
                        help="question sets (JSON lines; default tests/data/dev.jsonl)")
    parser.add_argument("--limit", type=int, default=0, help="the first N questions of each file (0 = all)")
    parser.add_argument("--url", help="an OpenAI-compatible server already running (base URL, .../v1)")
    parser.add_argument("--llm-model", help="the model name sent to the server (default: the started "
                        "server's, else the llm_model setting)")
    parser.add_argument("--llm", default="llm", help="what the started server loads (default: llm)")
    parser.add_argument("--threads", type=int, default=0, help="started server's threads (0 = all cores; "
                        "on a machine whose cores others keep busy, 1 can be faster)")
    parser.add_argument("--ctx", type=int, default=DEFAULT_CONTEXT, help="started server's context window")
    parser.add_argument("--port", type=int, default=8092, help="started server's port")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds for a whole generated answer (llm_timeout_seconds; default 120)")
    parser.add_argument("--max-tokens", type=int, help="longest generated answer (default: the llm_max_tokens setting)")
    parser.add_argument("--model", help="embedding model (default: the BRIEFING_BOT_MODEL setting)")
    parser.add_argument("--show", action="store_true", help="print both answers of every question")
    parser.add_argument("--out", type=Path, help="write one JSON line per question here")
    args = parser.parse_args()

    sets = []
    for path in args.files:
        items = load_questions(path)
        sets.append((path, items[:args.limit] if args.limit else items))

    server = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        server = LLMServer(ROOT / ".briefing-bot/models", args.llm, port=args.port, threads=args.threads,
                           context=args.ctx, log=temporary_log())
        print(f"starting {server.target.name} ({server.threads} threads, context {args.ctx}); log {server.log}",
              file=sys.stderr, flush=True)
    try:
        if server is not None:
            url = server.start()
        overrides: dict = {"llm_url": url, "llm_timeout_seconds": args.timeout}
        if args.llm_model or server is not None:
            overrides["llm_model"] = args.llm_model or server.target.name
        if args.max_tokens:
            overrides["llm_max_tokens"] = args.max_tokens
        if args.model:
            overrides["model"] = args.model
        settings = load_settings(**overrides)
        pipeline = Pipeline(settings)
        began = time.perf_counter()
        pipeline.warm_up()
        pipeline.run(sets[0][1][0]["q"] if sets and sets[0][1] else "When is the signing ceremony?")
        warm_bot = time.perf_counter() - began
        grounds = pipeline.grounds()
        try:
            warm_llm: float | None = warm_up_llm(url, settings.llm_model, args.timeout)
        except OSError as exc:  # the questions then show what the pipeline makes of it (llm_unreachable...)
            warm_llm = None
            print(f"LLM warm-up failed: {exc}", file=sys.stderr, flush=True)
        print(f"bot warm in {warm_bot:.1f} s; LLM warm-up answer "
              f"{f'{warm_llm:.1f} s' if warm_llm is not None else 'failed'}", file=sys.stderr, flush=True)
        records = run(pipeline, grounds, sets, args)
    finally:
        if server is not None:
            server.stop()

    report(records, sets, pipeline, grounds, server, url, args, warm_llm)


def run(pipeline: Pipeline, grounds, sets, args) -> list[dict]:
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    records = []
    try:
        for path, items in sets:
            for number, item in enumerate(items, 1):
                history = item.get("history", [])
                began = time.perf_counter()
                extractive = pipeline.run(item["q"], history)[0]
                extractive_s = time.perf_counter() - began
                began = time.perf_counter()
                shown, written = final_answer(pipeline, extractive, history)
                generate_s = time.perf_counter() - began
                mode = shown_mode(shown)
                checked = (revalidate(grounds, shown, listed_passages(pipeline, extractive))
                           if grounds is not None and shown.mode == "generated" else None)
                record = {"file": str(path), "id": item.get("id"), "lang": item.get("lang"), "q": item["q"],
                          "item": item, "extractive": extractive.to_dict(), "shown": shown.to_dict(),
                          "mode": mode, "fallback_reason": shown.fallback_reason, "written": written,
                          "extractive_s": extractive_s, "generate_s": generate_s,
                          "shown_s": extractive_s + generate_s, "revalidation": checked}
                records.append(record)
                if out is not None:
                    out.write(json.dumps({k: v for k, v in record.items() if k != "item"}, ensure_ascii=False) + "\n")
                    out.flush()
                failing = f", {len(checked['failing'])} sentence(s) failing re-validation" if checked else ""
                print(f"  {path.name} {number}/{len(items)} {item.get('id')} ({item.get('lang')}): "
                      f"extractive {extractive_s:.1f} s; LLM on {extractive_s + generate_s:.1f} s -> "
                      f"{shown.fallback_reason if shown.fallback_reason else shown.mode}{failing}",
                      file=sys.stderr, flush=True)
                if args.show:
                    print(f"\n> [{item.get('id')}] {item['q']}\n  extractive: {extractive.answer}\n"
                          f"  LLM on ({shown.fallback_reason or shown.mode}): {shown.answer}" +
                          (f"\n  the model wrote: {written.strip()}" if shown.mode != "generated" and written else ""),
                          flush=True)
    finally:
        if out is not None:
            out.close()
    return records


def report(records: list[dict], sets, pipeline: Pipeline, grounds, server, url: str, args,
           warm_llm: float | None) -> None:
    s = pipeline.settings
    cutoff = grounds.min_similarity if grounds is not None else None
    threads = f"{server.threads}" if server is not None else "the server's own"
    started = f", started in {server.started_in:.1f} s" if server is not None and server.started_in else ""
    print(f"\nMachine: {machine()}; load average (1 min) at the end: {os.getloadavg()[0]:.1f}; "
          f"niceness {os.nice(0)}")
    print(f"Embedding model: {pipeline.embedder.name}; grounding cut-off: "
          f"{cutoff if cutoff is not None else 'none (every generation falls back: llm_uncalibrated)'}")
    print(f"LLM: {s.llm_model} at {url} ({server.target.name if server else 'external server'}{started}); "
          f"threads {threads}, context {args.ctx if server else '?'}; timeout {s.llm_timeout_seconds:g} s "
          f"per answer; max tokens {s.llm_max_tokens}; temperature 0; warm-up answer "
          f"{f'{warm_llm:.1f} s' if warm_llm is not None else 'failed'}")
    timed_out = sum(r["mode"] == "llm_timeout" for r in records)
    tried = sum(r["mode"] not in ("declined", "llm_uncalibrated", "llm_busy") for r in records)
    print(f"Timed out: {timed_out} of {tried} generations tried ({len(records)} questions)\n")

    print("| file | mode | questions | answer accuracy | decline accuracy | citation validity | generated shown "
          "| fallback rate | s per answer p50 / p95 | shown sentences failing re-validation |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    failures: list[str] = []
    for path, _items in sets:
        rows = [r for r in records if r["file"] == str(path)]
        if not rows:
            continue
        for label, key, time_key in (("extractive", "extractive", "extractive_s"), ("LLM on", "shown", "shown_s")):
            scored = Report()
            for r in rows:
                scored.add(r["item"], r[key])
            if label == "LLM on":
                failures += [f"{path.name} (LLM on) {f}" for f in scored.failures]
            times = [r[time_key] for r in rows]
            answerable = sum(1 for r in rows if r["item"].get("answerable", True))
            passed = sum(p for p, _ in scored.by_language.values())
            if label == "extractive":
                generated = fallback = failing = "-"
            else:
                n_generated = sum(r["mode"] == "generated" for r in rows)
                generated, fallback = share(n_generated, len(rows)), share(len(rows) - n_generated, len(rows))
                revalidated = [r["revalidation"] for r in rows if r["revalidation"]]
                sentences = sum(c["sentences"] for c in revalidated)
                failing = f"{sum(len(c['failing']) for c in revalidated)} of {sentences}"
            print(f"| {path.name} | {label} | {len(rows)} | {scored.answer_accuracy:.3f} ({passed}/{answerable}) | "
                  f"{scored.decline_accuracy:.3f} ({scored.declines[0]}/{scored.declines[1]}) | "
                  f"{scored.citation_validity:.3f} ({scored.citations[0]}/{scored.citations[1]}) | {generated} | "
                  f"{fallback} | {seconds(times)} | {failing} |")

    print("\nAnswers shown with the LLM on, by mode (extractive ones by fallback reason):\n")
    print("| file | questions | " + " | ".join(MODES) + " |")
    print("|---|---|" + "---|" * len(MODES))
    for path, _items in sets:
        rows = [r for r in records if r["file"] == str(path)]
        counts = [sum(r["mode"] == m for r in rows) for m in MODES]
        other = len(rows) - sum(counts)
        print(f"| {path.name} | {len(rows)}{f' ({other} other)' if other else ''} | "
              + " | ".join(share(c, len(rows)) for c in counts) + " |")

    print("\nWhere a generated answer was shown, on the same questions:\n")
    print("| file | generated shown | answerable | generated passes | extractive passes | generated s p50 / p95 "
          "| extractive s p50 / p95 |")
    print("|---|---|---|---|---|---|---|")
    for path, _items in sets:
        rows = [r for r in records if r["file"] == str(path) and r["mode"] == "generated"]
        answerable = [r for r in rows if r["item"].get("answerable", True)]
        generated_ok = sum(judge(r["item"], r["shown"])[0] for r in answerable)
        extractive_ok = sum(judge(r["item"], r["extractive"])[0] for r in answerable)
        print(f"| {path.name} | {len(rows)} | {len(answerable)} | {generated_ok} | {extractive_ok} | "
              f"{seconds([r['shown_s'] for r in rows])} | {seconds([r['extractive_s'] for r in rows])} |")

    reasons = [f"{r['id']} ({r['lang']}): {r['fallback_reason']}" for r in records
               if r["mode"] in ("validation_failed", "llm_error", "llm_unreachable")]
    if reasons:
        print("\nWhy generated answers were not shown:\n" + "\n".join(f"- {x}" for x in reasons))
    problems = [f"{r['id']}: {x}" for r in records if r["revalidation"]
                for x in r["revalidation"]["failing"] + ([r["revalidation"]["problem"]] if r["revalidation"]["problem"] else [])
                + [f"citation {m} is not the listed passage of its number" for m in r["revalidation"]["mismatched"]]]
    print("\nRe-validation of shown generated answers: " + ("every sentence passes, every citation is its listed "
                                                            "passage." if not problems else "PROBLEMS"))
    for problem in problems:
        print(f"- {problem}")
    if failures:
        print("\nScoring failures with the LLM on:\n" + "\n".join(f"- {f}" for f in failures))


if __name__ == "__main__":
    main()
