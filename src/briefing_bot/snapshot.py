"""An in-memory copy of one index generation's vectors: exact cosine search in well under a
millisecond, instead of a round trip to Chroma (3-9 ms a query here, more from a Chroma server).

Chroma stays the index of record (ingests write there, replicas share it); a generation is never
modified once active, so its copy never goes stale: a server loads the copy when it switches to a
generation, and keeps it on disk (``save``/``load``: the vectors as a memory-mapped .npy file), so
that the next start reads it in milliseconds instead of seconds from Chroma. ``TableVectorStore``
exposes a copy as a read-only LangChain vector store."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore


@dataclass(frozen=True)
class VectorTable:
    """The records of one collection: ids, vectors (unit rows of ``matrix``), texts, metadata."""

    ids: tuple[str, ...]
    matrix: np.ndarray
    documents: tuple[str, ...]
    metadatas: tuple[dict, ...]

    @classmethod
    def build(cls, records: Iterable[tuple[str, Sequence[float], str, dict]]) -> VectorTable:
        """A table from (id, vector, text, metadata) records."""
        rows = list(records)
        dimension = len(rows[0][1]) if rows else 0
        matrix = np.asarray([r[1] for r in rows], dtype=np.float32).reshape(len(rows), dimension)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        return cls(tuple(r[0] for r in rows), matrix, tuple(r[2] for r in rows), tuple(r[3] for r in rows))

    def __len__(self) -> int:
        return len(self.ids)

    def save(self, folder: Path, name: str) -> None:
        """Write the table as ``folder/name.npy`` (vectors) and ``name.json`` (the rest), each file
        replaced whole (a reader never sees half a file)."""
        folder.mkdir(parents=True, exist_ok=True)
        suffix = f".{os.getpid()}.tmp"
        with open(folder / f"{name}.npy{suffix}", "wb") as handle:
            np.save(handle, self.matrix)
        (folder / f"{name}.json{suffix}").write_text(json.dumps(
            {"ids": self.ids, "documents": self.documents, "metadatas": self.metadatas}, ensure_ascii=False),
            encoding="utf-8")
        for ext in ("npy", "json"):
            os.replace(folder / f"{name}.{ext}{suffix}", folder / f"{name}.{ext}")

    @classmethod
    def load(cls, folder: Path, name: str) -> VectorTable:
        """A table written by ``save``, its vectors memory-mapped. Raises OSError or ValueError
        when the files are missing or do not fit together."""
        matrix = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        rest = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        ids, documents, metadatas = (tuple(rest[k]) for k in ("ids", "documents", "metadatas"))
        if matrix.ndim != 2 or matrix.dtype != np.float32 or not len(ids) == len(documents) == len(metadatas) \
                == matrix.shape[0]:
            raise ValueError(f"the snapshot {folder / name} is inconsistent")
        return cls(ids, matrix, documents, metadatas)

    def records(self) -> Iterable[tuple[str, str, dict]]:
        """(id, text, metadata) of every record."""
        return zip(self.ids, self.documents, self.metadatas)

    def search(self, vector: Sequence[float], k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` rows most similar to ``vector`` (among ``rows`` if given), as (row, cosine),
        best first."""
        candidates = np.arange(len(self.ids)) if rows is None else rows
        if not len(candidates) or k <= 0:
            return []
        sims = self._cosines(vector, self.matrix if rows is None else self.matrix[rows])  # no copy of the whole table
        k = min(k, len(candidates))
        best = np.argpartition(-sims, k - 1)[:k] if k < len(candidates) else np.arange(len(candidates))
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(int(candidates[i]), float(sims[i])) for i in best]

    @staticmethod
    def _cosines(vector: Sequence[float], matrix: np.ndarray) -> np.ndarray:
        """The cosine of ``vector`` to each (unit) row of ``matrix``."""
        query = np.asarray(vector, dtype=np.float32)
        return matrix @ (query / max(float(np.linalg.norm(query)), 1e-12))

    def standout(self, vector: Sequence[float]) -> float:
        """How many standard deviations the best cosine of ``vector`` to the rows stands above its
        mean cosine to all of them (0 with fewer than two rows or no spread)."""
        if len(self.ids) < 2:
            return 0.0
        sims = self._cosines(vector, self.matrix)
        spread = float(sims.std())
        return float((sims.max() - sims.mean()) / spread) if spread > 0 else 0.0


class TableVectorStore(VectorStore):
    """A ``VectorTable`` behind LangChain's vector-store interface (read-only: the index is
    written by ``briefing-bot ingest``)."""

    def __init__(self, table: VectorTable, embedding: Embeddings) -> None:
        self.table = table
        self._embedding = embedding

    @property
    def embeddings(self) -> Embeddings:
        return self._embedding

    def similarity_search_by_vector_with_relevance_scores(self, embedding: list[float], k: int = 4,
                                                          **kwargs: Any) -> list[tuple[Document, float]]:
        """The ``k`` closest records with their cosine similarity."""
        t = self.table
        return [(Document(id=t.ids[row], page_content=t.documents[row], metadata=t.metadatas[row]), sim)
                for row, sim in t.search(embedding, k)]

    def similarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[Document]:
        vector = self._embedding.embed_query(query)
        return [doc for doc, _ in self.similarity_search_by_vector_with_relevance_scores(vector, k)]

    def add_texts(self, texts: Iterable[str], metadatas: list[dict] | None = None, **kwargs: Any) -> list[str]:
        raise NotImplementedError("A TableVectorStore is a read-only copy of an index generation; "
                                  "'briefing-bot ingest' writes the index.")

    @classmethod
    def from_texts(cls, texts: list[str], embedding: Embeddings, metadatas: list[dict] | None = None,
                   **kwargs: Any) -> TableVectorStore:
        raise NotImplementedError("A TableVectorStore is loaded from the index (ChromaStore.table).")
