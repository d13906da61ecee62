"""What the local chat model costs on this machine: start, prompt and decode speed, seconds per answer, memory.

    .venv/bin/python bench/llm.py [--threads 0] [--ctx 4096] [--prompts 3] [--max-tokens 80]
    .venv/bin/python bench/llm.py --url http://127.0.0.1:8081/v1 [--pid PID]   # a server already running

Without ``--url`` it starts the real server (``briefing-bot llm serve``'s ``LLMServer``, llama-cpp-python
on the GGUF of ``briefing-bot models fetch llm``) and times its start. It then sends one warm-up
question and ``--prompts`` grounded prompts like those of generated answers (instructions, 4-6
knowledge passages of ``knowledge/`` with numbers, a question: about 600-900 prompt tokens), each
streamed (``stream: true``) with ``max_tokens`` and temperature 0, over plain HTTP with the OpenAI
chat-completions API. Each prompt starts with a distinct request id, so that llama.cpp's prefix
cache never shortens the prompt processing.

Per prompt: prompt tokens (``usage`` of the same prompt again with max_tokens 1, from the cache),
time to the first token (~ prompt processing), prompt tokens/s, output tokens (streamed chunks),
decode tokens/s after the first token, and seconds for the whole answer. Then the medians, the
server's start time and peak resident memory (VmHWM of its process: the model is memory-mapped, so
this counts the weights' pages it touched), and the machine's 1-minute load average (the bench
itself accounts for about 2 on 2 cores: more means others competed for the cores). Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from briefing_bot.knowledge import load_knowledge  # noqa: E402
from briefing_bot.llm_server import LLMServer, temporary_log  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "drills"))
from latency import machine  # noqa: E402
from support import peak_rss_mb  # noqa: E402

INSTRUCTIONS = ("You are the press office's briefing assistant for the UN Convention against Cybercrime. "
                "Answer the journalist's question in the language of the question, in two or three "
                "sentences, using only the numbered passages below. After each sentence, cite the "
                "passages it comes from as [n]. If the passages do not answer the question, say so.")

# (question, words that pick the passages: the 4-6 passages of factsheet.en sharing most of them)
QUESTIONS = [
    ("When and where was the convention signed, and who presided over the ceremony?",
     "signing ceremony Hanoi October 2025 Secretary-General presided National Convention Centre"),
    ("How many countries signed the convention on the first day?",
     "signatures signed first day 65 69 72 states European Union signatories"),
    ("Quand la convention entre-t-elle en vigueur ?",
     "entry into force ratification 40th instrument 90th day deposit"),
    ("Why do human rights groups criticise the convention?",
     "human rights critics surveillance safeguards organisations criticised"),
    ("How many articles does the convention have?",
     "articles chapters 68 71 text adopted"),
]


def passages_for(words: str, knowledge, budget_chars: int = 3600) -> list[str]:
    wanted = {w.lower() for w in words.split()}
    pool = [p for p in knowledge.passages if p.doc_id == "factsheet.en" and p.kind == "text"]
    ranked = sorted(pool, key=lambda p: -len(wanted & {w.strip(".,;:()").lower() for w in p.text.split()}))
    chosen: list[str] = []
    for passage in ranked:
        if len(chosen) >= 6 or (len(chosen) >= 4 and sum(map(len, chosen)) + len(passage.text) > budget_chars):
            break
        chosen.append(passage.text)
    return chosen


def messages_for(question: str, passages: list[str]) -> list[dict]:
    numbered = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(passages, 1))
    return [{"role": "system", "content": f"Request {uuid.uuid4()}. {INSTRUCTIONS}"},
            {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"}]


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(url: str, body: dict):
    request = urllib.request.Request(url + "/chat/completions", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    return OPENER.open(request, timeout=600)


def streamed(url: str, messages: list[dict], max_tokens: int) -> dict:
    began = time.perf_counter()
    first = None
    chunks = 0
    text = []
    with post(url, {"messages": messages, "max_tokens": max_tokens, "temperature": 0, "stream": True}) as response:
        for line in response:
            line = line.decode("utf-8").strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                if line == "data: [DONE]":
                    break
                continue
            content = json.loads(line[6:])["choices"][0]["delta"].get("content")
            if content:
                chunks += 1
                text.append(content)
                if first is None:
                    first = time.perf_counter()
    ended = time.perf_counter()
    with post(url, {"messages": messages, "max_tokens": 1, "temperature": 0}) as response:
        prompt_tokens = json.load(response)["usage"]["prompt_tokens"]
    first = first or ended
    return {"prompt_tokens": prompt_tokens, "ttft": first - began, "output_tokens": chunks,
            "decode_s": ended - first, "total": ended - began, "text": "".join(text)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an OpenAI-compatible server already running (base URL, .../v1)")
    parser.add_argument("--pid", type=int, help="with --url: its process id, for its peak memory")
    parser.add_argument("--model", default="llm", help="what the started server loads (default: llm)")
    parser.add_argument("--threads", type=int, default=0, help="server threads (0 = all cores)")
    parser.add_argument("--ctx", type=int, default=4096, help="server context window")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--prompts", type=int, default=3, help=f"grounded prompts (at most {len(QUESTIONS)})")
    parser.add_argument("--max-tokens", type=int, default=80)
    parser.add_argument("--show", action="store_true", help="print the answers")
    args = parser.parse_args()

    knowledge = load_knowledge(ROOT / "knowledge")
    server = None
    started = None
    if args.url:
        url, pid = args.url.rstrip("/"), args.pid
    else:
        server = LLMServer(ROOT / ".briefing-bot/models", args.model, port=args.port, threads=args.threads,
                           context=args.ctx, log=temporary_log())
        print(f"starting {server.target.name} ({server.threads} threads, context {args.ctx}); log {server.log}",
              file=sys.stderr)
        url = server.start()
        started, pid = server.started_in, server.process.pid
    try:
        warm = streamed(url, [{"role": "user", "content": f"Request {uuid.uuid4()}. Say OK."}], 4)
        rows = []
        for question, words in QUESTIONS[:args.prompts]:
            passages = passages_for(words, knowledge)
            result = streamed(url, messages_for(question, passages), args.max_tokens)
            result["question"], result["passages"] = question, len(passages)
            rows.append(result)
            print(f"  {question[:50]}: {result['prompt_tokens']} + {result['output_tokens']} tokens, "
                  f"{result['total']:.1f} s", file=sys.stderr)
        peak = peak_rss_mb(pid) if pid else None
    finally:
        if server is not None:
            server.stop()

    def rate(tokens: float, seconds: float) -> float:
        return tokens / seconds if seconds > 0 else float("nan")

    print(f"\nMachine: {machine()}; load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(f"Server: {url}" + (f", started (process to first answer of GET /v1/models) in {started:.1f} s"
                             if started is not None else "")
          + (f"; peak RSS {peak * 2**20 / 1e9:.2f} GB" if peak else "") + f"; warm-up answer {warm['total']:.1f} s\n")
    print("| prompt | passages | prompt tokens | time to first token | prompt tok/s | output tokens "
          "| decode tok/s | seconds per answer |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['question'][:48]} | {r['passages']} | {r['prompt_tokens']} | {r['ttft']:.1f} s | "
              f"{rate(r['prompt_tokens'], r['ttft']):.0f} | {r['output_tokens']} | "
              f"{rate(r['output_tokens'] - 1, r['decode_s']):.1f} | {r['total']:.1f} |")
    median = statistics.median
    print(f"| **median** | | {median(r['prompt_tokens'] for r in rows):.0f} | "
          f"{median(r['ttft'] for r in rows):.1f} s | "
          f"{median(rate(r['prompt_tokens'], r['ttft']) for r in rows):.0f} | "
          f"{median(r['output_tokens'] for r in rows):.0f} | "
          f"{median(rate(r['output_tokens'] - 1, r['decode_s']) for r in rows):.1f} | "
          f"{median(r['total'] for r in rows):.1f} |")
    if args.show:
        for r in rows:
            print(f"\n> {r['question']}\n{r['text']}")


if __name__ == "__main__":
    main()
