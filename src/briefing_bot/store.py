"""The Chroma index: a local folder by default, a Chroma server when ``chroma_url`` is set.

Each ingest writes a new *generation* (passages, sentences and FAQ collections) under a fresh id
and then switches the manifest's ``active`` record to it in one write, so a failed or killed
ingest leaves the previous generation serving, intact. The manifest records the embedding model,
so vectors of two models are never mixed.

Generations are never modified once active. A replaced generation stays readable for a grace
period (servers answering from it switch to the new one within seconds, see
``Pipeline.refresh``): just before the switch, the manifest records when it was *retired*, and
``collect_garbage`` (run by ingests, under the ingest lock) drops it only once that is older than
the grace period. Generations that were never active are orphans of a crashed ingest and are
dropped by the next ingest; the active generation is never dropped.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator
from urllib.parse import urlparse

from .config import Settings
from .errors import StoreError
from .snapshot import VectorTable
from .types import Passage, Sentence, Source

BATCH = 500
KINDS = ("passages", "sentences", "faq")  # the collections of one generation
SCHEMA = 3  # the layout of a generation; an index of another layout is rebuilt
RETIRED = "retired:"  # manifest records "retired:<generation>": when that generation was replaced


@dataclass(frozen=True)
class IndexInfo:
    """The active generation of the index."""

    generation: str
    model: str
    dimension: int
    built_at: str
    passages: int
    sentences: int
    schema: int = 1


class ChromaStore:
    """Reads and writes the index; connecting is deferred to first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prefix = settings.collection_prefix
        self.snapshots = settings.chroma_dir.with_name(settings.chroma_dir.name + ".snapshots")  # see table()
        self._client = None

    @property
    def where(self) -> str:
        """Human-readable location of the index."""
        return self.settings.chroma_url or str(self.settings.chroma_dir)

    @property
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            try:
                if self.settings.chroma_url:
                    url = urlparse(self.settings.chroma_url)
                    if url.scheme not in ("http", "https") or not url.hostname:
                        raise StoreError(f"BRIEFING_BOT_CHROMA_URL={self.settings.chroma_url} is not "
                                         "an http(s) URL such as http://localhost:8000.")
                    self._client = chromadb.HttpClient(
                        host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                        ssl=url.scheme == "https", settings=chroma_settings)
                    self._client.heartbeat()
                else:
                    self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(self.settings.chroma_dir),
                                                             settings=chroma_settings)
            except StoreError:
                raise
            except Exception as exc:
                self._client = None
                raise StoreError(f"Cannot open the Chroma index at {self.where} ({exc}). Check that "
                                 "the server runs or that the folder is writable.") from None
        return self._client

    # --- manifest ---------------------------------------------------------------------------

    def _manifest(self):
        return self.client.get_or_create_collection(f"{self.prefix}_manifest", embedding_function=None)

    def active(self) -> IndexInfo | None:
        """The generation that serves questions, or None when no index was built."""
        try:
            record = self._manifest().get(ids=["active"], include=["metadatas"])
        except Exception as exc:
            raise StoreError(f"Cannot read the index at {self.where} ({exc}).") from None
        if not record["ids"]:
            return None
        return IndexInfo(**record["metadatas"][0])

    def ping(self) -> None:
        """Raise ``StoreError`` unless the index can be read now (the manifest is read: in server
        mode, a Chroma server that is down or restarting fails this)."""
        self.active()

    def activate(self, info: IndexInfo, previous: IndexInfo | None = None) -> None:
        """Make ``info`` the serving generation. ``previous`` (the generation it replaces) is first
        recorded as retired now, so that it is kept for the grace period; then the ``active``
        record is switched, in one write. Nothing is deleted here."""
        manifest = self._manifest()
        if previous is not None and previous.generation != info.generation:
            manifest.upsert(ids=[RETIRED + previous.generation], embeddings=[[0.0]],
                            metadatas=[{"generation": previous.generation, "retired_at": time.time()}])
        manifest.upsert(ids=["active"], embeddings=[[0.0]], metadatas=[asdict(info)])

    def retired(self) -> dict[str, float]:
        """Generations that were replaced, with the time (epoch seconds) they were replaced."""
        got = self._manifest().get(include=["metadatas"])
        return {m["generation"]: float(m["retired_at"]) for i, m in zip(got["ids"], got["metadatas"])
                if i.startswith(RETIRED)}

    def generations(self) -> dict[str, set[str]]:
        """Every generation that has collections, with the kinds it has (a crashed ingest may
        have left only some)."""
        pattern = re.compile(rf"^{re.escape(self.prefix)}_(g\d{{14}}[0-9a-f]{{6}})_({'|'.join(KINDS)})$")
        found: dict[str, set[str]] = {}
        for collection in self.client.list_collections():
            match = pattern.match(getattr(collection, "name", collection))
            if match:
                found.setdefault(match.group(1), set()).add(match.group(2))
        return found

    def collect_garbage(self, grace: float, keep: Iterable[str] = (), now: float | None = None) -> list[str]:
        """Drop the generations that no reader can still be using: orphans of crashed ingests
        (never active) and generations replaced more than ``grace`` seconds ago. The active
        generation and those in ``keep`` are never dropped. Only call it while holding the
        ingest lock (a generation being written looks like an orphan). Returns what was dropped."""
        now = time.time() if now is None else now
        active = self.active()
        protected = set(keep) | ({active.generation} if active else set())
        retired = self.retired()
        dropped = []
        for generation in sorted(self.generations()):
            if generation in protected:
                continue
            if generation in retired and now - retired[generation] < grace:
                continue  # a server may still be answering from it
            self.drop_generation(generation)
            dropped.append(generation)
        remaining = self.generations()
        stale = [RETIRED + g for g in retired if g not in protected and g not in remaining]
        if stale:  # records of generations already gone
            self._manifest().delete(ids=stale)
        return dropped

    def drop_generation(self, generation: str) -> None:
        """Delete the collections of one generation (those that exist); never the active one."""
        active = self.active()
        if active is not None and active.generation == generation:
            raise StoreError(f"Refusing to delete generation {generation}: it is the active index.")
        for kind in KINDS:
            try:
                self.client.delete_collection(self._name(generation, kind))
            except Exception as exc:
                if not _missing(exc):
                    raise
        shutil.rmtree(self.snapshots / generation, ignore_errors=True)

    # --- generations ------------------------------------------------------------------------

    def new_generation(self) -> str:
        """Create the empty collections of a new generation and return its name."""
        generation = "g" + time.strftime("%Y%m%d%H%M%S") + uuid.uuid4().hex[:6]
        for kind in KINDS:
            self.client.create_collection(self._name(generation, kind), embedding_function=None,
                                          configuration={"hnsw": {"space": "cosine"}})
        return generation

    def _name(self, generation: str, kind: str) -> str:
        return f"{self.prefix}_{generation}_{kind}"

    def count(self, generation: str, kind: str) -> int:
        """How many records one collection of a generation holds."""
        return self.collection(generation, kind).count()

    def collection(self, generation: str, kind: str):
        """The raw Chroma collection of a generation: ``kind`` is one of ``KINDS``."""
        try:
            return self.client.get_collection(self._name(generation, kind), embedding_function=None)
        except Exception as exc:
            raise StoreError(f"The index at {self.where} is damaged ({exc}). Run "
                             "'briefing-bot ingest --rebuild'.") from None

    def ids(self, generation: str, kind: str) -> set[str]:
        """Every record id of one collection of a generation."""
        return {record_id for record_id, _, _ in self._all(generation, kind, include=[])}

    def vectors(self, generation: str, kind: str, ids: Iterable[str]) -> dict[str, list[float]]:
        """Stored vectors by id (ids absent from the generation are left out)."""
        wanted = list(ids)
        found: dict[str, list[float]] = {}
        collection = self.collection(generation, kind)
        for start in range(0, len(wanted), BATCH):
            got = collection.get(ids=wanted[start:start + BATCH], include=["embeddings"])
            found.update({i: list(map(float, v)) for i, v in zip(got["ids"], got["embeddings"])})
        return found

    def add(self, generation: str, kind: str, ids: list[str], vectors: list[list[float]],
            documents: list[str], metadatas: list[dict]) -> None:
        """Write records into a generation, in batches."""
        collection = self.collection(generation, kind)
        for start in range(0, len(ids), BATCH):
            end = start + BATCH
            collection.upsert(ids=ids[start:end], embeddings=vectors[start:end],
                              documents=documents[start:end], metadatas=metadatas[start:end])

    def passages(self, generation: str) -> list[Passage]:
        """Every passage of a generation, with its sentences."""
        return build_passages(self._all(generation, "passages"), self._all(generation, "sentences"))

    def table(self, generation: str, kind: str) -> VectorTable:
        """One collection of a generation copied into memory, vectors included. The copy is kept
        in ``snapshots/<generation>`` beside the local index (generations never change), read from
        there when it is, else from Chroma and then written there; snapshots of generations that
        are gone are removed then."""
        folder = self.snapshots / generation
        try:
            return VectorTable.load(folder, kind)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none yet, or damaged: read from Chroma again
        table = VectorTable.build((record_id, vector, text, meta) for got in self._pages(
            generation, kind, ("embeddings", "documents", "metadatas"))
            for record_id, vector, text, meta in zip(got["ids"], got["embeddings"], got["documents"], got["metadatas"]))
        try:
            table.save(folder, kind)
            existing = set(self.generations())
            for old in self.snapshots.iterdir():
                if old.name not in existing:
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # a read-only folder: the copy comes from Chroma at each start
        return table

    def _all(self, generation: str, kind: str, include: tuple | list = ("documents", "metadatas")
             ) -> Iterator[tuple[str, str | None, dict | None]]:
        for got in self._pages(generation, kind, include):
            count = len(got["ids"])
            yield from zip(got["ids"], got["documents"] or [None] * count, got["metadatas"] or [None] * count)

    def _pages(self, generation: str, kind: str, include: tuple | list) -> Iterator[dict]:
        collection = self.collection(generation, kind)
        offset = 0
        while True:
            got = collection.get(include=list(include), limit=BATCH * 4, offset=offset)
            yield got
            if len(got["ids"]) < BATCH * 4:
                return
            offset += BATCH * 4


def _missing(exc: Exception) -> bool:
    """Whether a Chroma error says that a collection does not exist."""
    return type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc)


def passage_metadata(passage: Passage) -> dict:
    """A passage's metadata as Chroma stores it (flat scalars)."""
    return {
        "doc_id": passage.doc_id, "index": passage.index, "language": passage.language,
        "group": passage.group, "title": passage.title, "publisher": passage.publisher,
        "url": passage.url, "published": passage.published, "section": passage.section,
        "kind": passage.kind, "translation": passage.translation, "as_of": passage.as_of,
        "original_id": passage.original_id,
        "sources": json.dumps([asdict(s) for s in passage.sources], ensure_ascii=False),
        "claims": json.dumps(passage.claims, ensure_ascii=False),
        "views": json.dumps(passage.views, ensure_ascii=False), "dated": passage.dated,
    }


def sentence_metadata(passage: Passage, sentence: Sentence) -> dict:
    """A sentence's metadata as Chroma stores it."""
    return {"passage_id": passage.passage_id, "start": sentence.start, "end": sentence.end,
            "language": passage.language, "group": passage.group}


def build_passages(passages: Iterable[tuple[str, str, dict]], sentences: Iterable[tuple[str, str, dict]]
                   ) -> list[Passage]:
    """Passages with their sentences, from the (id, text, metadata) records of a generation's
    passages and sentences collections."""
    own: dict[str, list[Sentence]] = {}
    for sid, text, meta in sentences:
        own.setdefault(meta["passage_id"], []).append(
            Sentence(sid, meta["passage_id"], text, int(meta["start"]), int(meta["end"])))
    built = [passage_from_record(pid, text, meta, tuple(sorted(own.get(pid, []), key=lambda s: s.start)))
             for pid, text, meta in passages]
    return sorted(built, key=lambda p: (p.doc_id, p.index))


def passage_from_record(passage_id: str, text: str, meta: dict, sentences: tuple[Sentence, ...]) -> Passage:
    """Rebuild a Passage from its Chroma record."""
    return Passage(
        passage_id=passage_id, doc_id=meta["doc_id"], index=int(meta["index"]), text=text,
        language=meta["language"], group=meta["group"], title=meta["title"],
        publisher=meta["publisher"], url=meta["url"], published=meta["published"],
        section=meta.get("section", ""), kind=meta.get("kind", "text"),
        translation=meta.get("translation", ""), as_of=meta.get("as_of", ""),
        original_id=meta.get("original_id", ""),
        sources=tuple(Source(**s) for s in json.loads(meta.get("sources") or "[]")),
        claims=tuple(tuple(c) for c in json.loads(meta.get("claims") or "[]")),
        views=tuple(tuple(v) for v in json.loads(meta.get("views") or "[]")),
        dated=bool(meta.get("dated", False)),
        sentences=sentences,
    )
