"""Build or update the index from the knowledge folder, without ever breaking the serving index.

An ingest holds the index's ingest lock (``lock.py``) from start to end, so ingests (and a server's
first-run build) never run at once. It writes a new generation, checks it is complete, and only
then switches the manifest to it (``ChromaStore.activate``). If anything fails or the process is
killed before the switch, the previous generation keeps serving and what was half-written is an
orphan that this ingest removes, or the next one does. After the switch nothing is deleted that a
reader may still use: replaced generations are dropped by a later ingest once the grace period
(``index_grace_seconds``) has passed, and a failure to clean up is only a warning.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import StoreError
from .faq import FaqQuestion, load_faq
from .knowledge import load_knowledge
from .lock import IngestLock
from .store import KINDS, SCHEMA, ChromaStore, IndexInfo, passage_metadata, sentence_metadata
from .types import Embedder, Passage

# progress(total) returns a function called with the amount of work just done (an ingest: characters)
ProgressFactory = Callable[[int], Callable[[int], None]]
Text = tuple[str, str] | str  # what is embedded: a (title, text) passage or sentence, or a question


@dataclass
class IngestReport:
    """What an ingest did."""

    info: IndexInfo | None
    documents: int = 0
    embedded: int = 0
    reused: int = 0
    unchanged: bool = False
    rebuilt_because: str = ""
    skipped: dict[str, str] = field(default_factory=dict)  # doc_id -> problem (previous version kept)
    faq_questions: int = 0
    faq_problems: list[str] = field(default_factory=list)  # FAQ entries left out, and why
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # old or orphaned generations deleted
    warnings: list[str] = field(default_factory=list)  # e.g. a clean-up that failed (the index is fine)


def progress_bar(label: str, unit: str = "char") -> ProgressFactory:
    """A progress factory that draws a tqdm bar on standard error, counting ``unit``s (an ingest
    counts the characters it embeds). Its ETA extrapolates the average rate since the start."""
    import sys

    from tqdm import tqdm

    def start(total: int) -> Callable[[int], None]:
        bar = tqdm(total=total, desc=label, unit=unit, unit_scale=True, smoothing=0, file=sys.stderr)

        def advance(n: int) -> None:
            bar.update(n)
            if bar.n >= bar.total:
                bar.close()

        return advance

    return start


def embed_title(passage: Passage) -> str:
    """The title given to the model with a passage or sentence: document title and section."""
    return f"{passage.title} - {passage.section}" if passage.section else passage.title


class Indexer:
    """Embeds what changed in ``knowledge_dir`` and switches the index to the result.

    ``lock_timeout``: how long to wait for another ingest (seconds); ``grace``: how long a
    replaced generation is kept for readers still using it (seconds)."""

    def __init__(self, store: ChromaStore, embedder: Embedder, knowledge_dir: Path,
                 lock_timeout: float = 600.0, grace: float = 600.0) -> None:
        self.store = store
        self.embedder = embedder
        self.knowledge_dir = Path(knowledge_dir)
        self.lock_timeout = lock_timeout
        self.grace = grace

    def run(self, rebuild: bool = False, progress: ProgressFactory | None = None,
            notify: Callable[[str], None] | None = None, purpose: str = "ingest") -> IngestReport:
        """Ingest the knowledge folder; ``rebuild`` re-embeds everything. Waits for (at most
        ``lock_timeout`` seconds) and then excludes any other ingest; ``notify`` hears about the wait."""
        with IngestLock(self.store, self.lock_timeout, purpose=purpose, notify=notify) as lock:
            return self._run(rebuild, progress, lock)

    def _run(self, rebuild: bool, progress: ProgressFactory | None, lock: IngestLock) -> IngestReport:
        knowledge = load_knowledge(self.knowledge_dir)
        current = self.store.active()
        report = IngestReport(info=current, skipped=dict(knowledge.problems))
        self._collect(report)  # orphans of crashed ingests, generations past their grace period
        if current and current.model != self.embedder.name:
            report.rebuilt_because = (f"The index was built with {current.model}; it is rebuilt "
                                      f"with {self.embedder.name} (vectors of two models never mix).")
            rebuild = True
        elif current and current.schema != SCHEMA:
            report.rebuilt_because = "The index was built by an older briefing-bot; it is rebuilt."
            rebuild = True

        previous = self.store.passages(current.generation) if current else []
        passages = list(knowledge.passages)
        # A document that cannot be read now keeps its previous version in the index.
        passages += [p for p in previous if p.doc_id in knowledge.problems and p.doc_id not in knowledge.documents]
        report.documents = len({p.doc_id for p in passages})
        faq, report.faq_problems = load_faq(self.knowledge_dir, passages)
        report.faq_questions = len(faq)
        _diff(previous, passages, report)
        rows = _rows(passages, faq)
        if current and not rebuild and all(
                {r[0] for r in rows[kind]} == self.store.ids(current.generation, kind) for kind in KINDS):
            report.unchanged = True
            return report

        generation = self.store.new_generation()
        try:
            self._write(generation, rows, None if rebuild or not current else current.generation,
                        report, progress)
            self._check_complete(generation, rows)
            info = IndexInfo(generation=generation, model=self.embedder.name,
                             dimension=self._dimension(generation), built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                             passages=len(passages), sentences=sum(len(p.sentences) for p in passages),
                             schema=SCHEMA)
            lock.verify()
        except BaseException:
            self._discard(generation)  # only the generation written here, never the serving one
            raise
        try:
            self.store.activate(info, previous=current)
        except Exception as exc:
            # Whether the switch happened is unknown: leave the new generation alone (if it is not
            # active, the next ingest removes it as an orphan).
            raise StoreError(f"Could not switch the index at {self.store.where} to the new generation ({exc}). "
                             "Run 'briefing-bot ingest' again.") from None
        report.info = info
        self._collect(report, keep=info.generation)
        return report

    def _collect(self, report: IngestReport, keep: str | None = None) -> None:
        """Drop what no reader can use any more; a failure is a warning, never touches the index."""
        try:
            report.dropped += self.store.collect_garbage(self.grace, keep=[keep] if keep else [])
        except Exception as exc:  # noqa: BLE001 - cleaning up is optional; the next ingest retries
            report.warnings.append(f"Could not remove old index generations ({exc}); the serving index is "
                                   "not affected and the next ingest retries.")

    def _discard(self, generation: str) -> None:
        """Best-effort removal of a generation that was never activated."""
        try:
            self.store.drop_generation(generation)
        except BaseException:  # noqa: BLE001 - keep the original error; the next ingest retries
            pass

    def _check_complete(self, generation: str, rows: dict[str, list[tuple]]) -> None:
        for kind, kind_rows in rows.items():
            expected = len({r[0] for r in kind_rows})
            found = self.store.count(generation, kind)
            if found != expected:
                raise StoreError(f"The new index generation is incomplete ({kind}: {found} of {expected} "
                                 "records written); the previous one keeps serving. Run 'briefing-bot ingest' again.")

    def _write(self, generation: str, kinds: dict[str, list[tuple]], reuse_from: str | None,
               report: IngestReport, progress: ProgressFactory | None) -> None:
        vectors: dict[Text, list[float]] = {}  # what is embedded -> its vector
        for kind, rows in kinds.items():
            if reuse_from:
                stored = self.store.vectors(reuse_from, kind, [r[0] for r in rows])
                vectors.update((r[3], stored[r[0]]) for r in rows if r[0] in stored)
        report.reused += sum(r[3] in vectors for rows in kinds.values() for r in rows)
        fresh = list(dict.fromkeys(r[3] for rows in kinds.values() for r in rows if r[3] not in vectors))
        vectors.update(self._embed(fresh, progress))
        report.embedded += len(fresh)
        for kind, rows in kinds.items():
            self.store.add(generation, kind, [r[0] for r in rows], [vectors[r[3]] for r in rows],
                           [r[1] for r in rows], [r[2] for r in rows])

    def _embed(self, texts: list[Text], progress: ProgressFactory | None) -> dict[Text, list[float]]:
        """Embed distinct texts: passages and sentences (title, text) as documents in one call,
        questions in another, so the embedder sorts each whole stream by length. Progress counts
        characters, which the ETA needs: a question takes far less time than a passage."""
        passages = [t for t in texts if isinstance(t, tuple)]
        questions = [t for t in texts if isinstance(t, str)]
        sizes = [sum(map(_size, passages)), sum(map(_size, questions))]
        advance = progress(sum(sizes)) if progress and texts else None
        vectors: dict[Text, list[float]] = {}
        for embed, batch, size in ((self.embedder.embed_passages, passages, sizes[0]),
                                   (self.embedder.embed_queries, questions, sizes[1])):
            if batch:
                vectors.update(zip(batch, embed(batch, progress=_spread(advance, len(batch), size))))
        return vectors

    def _dimension(self, generation: str) -> int:
        got = self.store.collection(generation, "passages").peek(1)
        return len(got["embeddings"][0]) if len(got["ids"]) else 0


def _rows(passages: list[Passage], faq: list[FaqQuestion]) -> dict[str, list[tuple]]:
    """Per collection: (id, stored text, metadata, what to embed) of every record. What is embedded
    is a (title, text) pair for passages and sentences, the question for FAQ variants: records
    with the same one share a vector."""
    return {
        "passages": [(p.passage_id, p.text, passage_metadata(p), (embed_title(p), p.text)) for p in passages],
        "sentences": [(s.sentence_id, s.text, sentence_metadata(p, s), (embed_title(p), s.text))
                      for p in passages for s in p.sentences],
        "faq": [(q.question_id, q.text, {"entry_id": q.entry_id, "language": q.language,
                                         "groups": json.dumps(q.groups),
                                         "sentences": json.dumps(q.sentences)}, q.text) for q in faq],
    }


def _size(text: Text) -> int:
    return len(text) if isinstance(text, str) else len(text[0]) + len(text[1])


def _spread(advance: Callable[[int], None] | None, count: int, size: int) -> Callable[[int], None] | None:
    """A progress callback for ``count`` texts of ``size`` characters in all that advances
    ``advance`` by their share of the characters (each text counted at the average size)."""
    if advance is None:
        return None
    done = [0, 0]  # texts, characters reported

    def texts_done(n: int) -> None:
        done[0] += n
        chars = size * done[0] // count
        advance(chars - done[1])
        done[1] = chars

    return texts_done


def _diff(previous: list[Passage], passages: list[Passage], report: IngestReport) -> None:
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for p in previous:
        before.setdefault(p.doc_id, set()).add(p.passage_id)
    for p in passages:
        after.setdefault(p.doc_id, set()).add(p.passage_id)
    report.added = sorted(set(after) - set(before))
    report.removed = sorted(set(before) - set(after))
    report.changed = sorted(d for d in set(after) & set(before) if after[d] != before[d])
