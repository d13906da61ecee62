"""Find the passages that answer a question: dense (all languages) and lexical (same language),
fused by reciprocal rank, with the translations of one passage counted once."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .faq import question_key
from .language import tokens
from .snapshot import TableVectorStore, VectorTable
from .store import KINDS, ChromaStore, IndexInfo, build_passages
from .types import Embedder, Hit, Passage

RRF_K = 60
FAQ_NEIGHBOURS = 8  # FAQ questions consulted per question


class LexicalIndex:
    """BM25 (``bm25s``, Lucene's formula) over passages, one index per language: words only match
    words of the same language."""

    def __init__(self, passages: list[Passage], k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s

        by_language: dict[str, list[Passage]] = defaultdict(list)
        for p in passages:
            by_language[p.language].append(p)
        self.ids = {lang: [p.passage_id for p in docs] for lang, docs in by_language.items()}
        self.vocabulary: dict[str, set[str]] = {}
        self.indexes = {}
        for lang, docs in by_language.items():
            corpus = [tokens(p.text, lang) for p in docs]
            self.vocabulary[lang] = {t for terms in corpus for t in terms}
            index = bm25s.BM25(k1=k1, b=b, method="lucene")
            index.index(corpus, show_progress=False)
            self.indexes[lang] = index

    def unknown(self, text: str, language: str) -> float | None:
        """The share of ``text``'s words that no passage in ``language`` uses (None: no passages
        in that language, or no words)."""
        terms = set(tokens(text, language))
        if language not in self.vocabulary or not terms:
            return None
        return sum(1 for t in terms if t not in self.vocabulary[language]) / len(terms)

    def search(self, text: str, language: str, k: int) -> list[tuple[str, float]]:
        """The best ``k`` passages in ``language`` for ``text``, with their BM25 scores."""
        index = self.indexes.get(language)
        query = [t for t in dict.fromkeys(tokens(text, language)) if t in self.vocabulary.get(language, ())]
        if index is None or not query:
            return []
        scores = index.get_scores(query)
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[language][i], float(scores[i])) for i in best if scores[i] > 0]


@dataclass(frozen=True)
class Group:
    """A passage and its translations, as retrieved: ``hits`` best first."""

    key: str
    score: float  # fused (reciprocal rank) score of the best member
    dense: float  # best cosine similarity of any member
    hits: tuple[Hit, ...]
    faq: float = 0.0  # similarity of the closest FAQ question that points here (0: none among the closest)
    lexical: float = 0.0  # best BM25 score of a member


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for one question."""

    vector: list[float]
    groups: tuple[Group, ...]
    faq: float = 0.0  # similarity of the closest FAQ question
    faq_questions: tuple[tuple[str, str, float], ...] = ()  # the closest FAQ questions: (language, text, similarity)
    unknown_words: float | None = None  # share of the question's words the knowledge never uses (None: no lexicon)
    faq_sentences: dict[tuple[str, int], float] = field(default_factory=dict)  # (group, sentence
    # position) -> similarity of the closest FAQ question whose answer points at that sentence
    standout: float = 0.0  # how far the best passage similarity stands above the question's similarity to
    # every passage, in standard deviations (comparable across languages and question lengths)
    off_topic: float = 0.0  # similarity of the closest off-topic FAQ question (``declines: true``; 0: none)


class Retriever:
    """Dense retrieval through a LangChain vector store (an in-memory copy of the Chroma generation),
    lexical BM25, reciprocal rank fusion."""

    def __init__(self, store: ChromaStore, embedder: Embedder, info: IndexInfo, candidates: int = 24) -> None:
        self.store = store
        self.embedder = embedder
        self.info = info
        self.candidates = candidates
        self.passages: dict[str, Passage] = {}
        self.versions: dict[str, list[Passage]] = {}  # group -> the passage and its translations
        self.lexical: LexicalIndex | None = None
        self._vectorstore: TableVectorStore | None = None
        self._sentences: VectorTable | None = None
        self._faq: VectorTable | None = None
        self._lines: dict[str, tuple[tuple[str, int], ...]] = {}  # FAQ question key -> its pointed sentences
        self._routes = np.arange(0)  # rows of the FAQ questions that point at passages ...
        self._declines = np.arange(0)  # ... and of the off-topic ones
        self._sentence_rows: dict[str, np.ndarray] = {}  # passage id -> its rows in _sentences

    def warm_up(self) -> None:
        """Load passages (for lexical search and citations) and copy the generation's vectors
        into memory (see snapshot.py)."""
        if self.lexical is not None:
            return
        tables = {kind: self.store.table(self.info.generation, kind) for kind in KINDS}
        passages = build_passages(tables["passages"].records(), tables["sentences"].records())
        self.passages = {p.passage_id: p for p in passages}
        self.versions = defaultdict(list)
        for p in passages:
            self.versions[p.group].append(p)
        self.lexical = LexicalIndex(passages)
        self._vectorstore = TableVectorStore(tables["passages"], self.embedder)
        self._sentences = tables["sentences"]
        self._faq = tables["faq"]
        lines: dict[str, set[tuple[tuple[str, int], ...]]] = defaultdict(set)
        for text, meta in zip(self._faq.documents, self._faq.metadatas):
            lines[question_key(text)].add(tuple((g, i) for g, i in json.loads(meta.get("sentences", "[]"))))
        self._lines = {key: next(iter(found)) for key, found in lines.items() if len(found) == 1}
        off = np.array([meta["groups"] == "[]" for meta in self._faq.metadatas], dtype=bool)
        self._routes, self._declines = np.flatnonzero(~off), np.flatnonzero(off)
        rows: dict[str, list[int]] = defaultdict(list)
        for row, meta in enumerate(self._sentences.metadatas):
            rows[meta["passage_id"]].append(row)
        self._sentence_rows = {pid: np.asarray(r) for pid, r in rows.items()}
        self.embedder.warm_up()

    def retrieve(self, query: str, lexical_query: str, language: str,
                 vector: list[float] | None = None, exclude_faq: frozenset[str] = frozenset()) -> Retrieval:
        """Passage groups for a question, best first. ``query`` is embedded (the only embedding).

        Rankings are fused: passages by cosine similarity (the LangChain vector store), passages
        by their best sentence's similarity (a sentence can match where its passage is diluted),
        BM25 over passages in the question's language, and the passages of the closest FAQ
        questions. ``vector`` is the query's embedding when the caller computed it (several
        questions embedded at once); ``exclude_faq`` leaves FAQ entries out (cross-validation)."""
        self.warm_up()
        vector = vector if vector is not None else self.embedder.embed_query(query)
        k = min(self.candidates, len(self.passages)) or 1
        dense = [(doc.id, sim) for doc, sim in
                 self._vectorstore.similarity_search_by_vector_with_relevance_scores(vector, k=k)]
        by_sentence = self._best_sentences(vector, k)
        lexical = self.lexical.search(lexical_query, language, k)
        faq_best, routes, sentence_routes, closest = self._faq_routes(vector, exclude_faq)
        routed = [(p.passage_id, sim) for key, sim in routes.items() for p in self.versions.get(key, [])]
        # Fuse at the level of groups, so that the translations of a passage count once: in each
        # ranking a group takes the rank of its first member.
        fused: dict[str, float] = defaultdict(float)
        for ranking in (dense, by_sentence, lexical, routed):
            ranked_groups = dict.fromkeys(self.passages[pid].group for pid, _ in ranking if pid in self.passages)
            for rank, group in enumerate(ranked_groups):
                fused[group] += 1.0 / (RRF_K + rank + 1)
        cosine: dict[str, float] = defaultdict(float)
        for pid, sim in dense + by_sentence:
            cosine[pid] = max(cosine[pid], sim)
        lex = dict(lexical)
        members: dict[str, list[Hit]] = defaultdict(list)
        for pid in dict.fromkeys(p for ranking in (dense, by_sentence, lexical, routed) for p, _ in ranking):
            passage = self.passages.get(pid)
            if passage is not None:
                members[passage.group].append(Hit(passage, fused[passage.group], cosine[pid], lex.get(pid, 0.0)))
        groups = [Group(key, fused[key], max(h.dense for h in hits),
                        tuple(sorted(hits, key=lambda h: (-h.dense, -h.lexical))), routes.get(key, 0.0),
                        max(h.lexical for h in hits))
                  for key, hits in members.items()]
        groups.sort(key=lambda g: -g.score)
        return Retrieval(vector, tuple(groups), faq_best, closest, self.lexical.unknown(lexical_query, language),
                         sentence_routes, self._vectorstore.table.standout(vector), self._off_topic(vector, exclude_faq))

    def line_to_take(self, question: str) -> tuple[tuple[str, int], ...]:
        """The sentences (group, position) that the FAQ's answer points at when ``question`` is one
        of its question variants, as written up to case and punctuation; () for any other question
        (and for a variant that two entries answer differently)."""
        self.warm_up()
        return self._lines.get(question_key(question), ())

    def declines(self, question: str) -> bool:
        """Whether ``question`` is one of the FAQ's off-topic questions (``declines: true``), as
        written up to case and punctuation, and no entry answers it."""
        self.warm_up()
        return self._lines.get(question_key(question)) == ()

    def _faq_routes(self, vector: list[float], exclude: frozenset[str]
                    ) -> tuple[float, dict[str, float], dict[tuple[str, int], float], tuple[tuple[str, str, float], ...]]:
        """The best FAQ similarity, the passage groups and the sentences that the closest FAQ
        questions point at (each with the similarity of the closest question pointing there),
        and those questions."""
        routes: dict[str, float] = {}
        sentences: dict[tuple[str, int], float] = {}
        closest = []
        for row, sim in self._faq.search(vector, FAQ_NEIGHBOURS + 8 * len(exclude), self._routes):
            meta = self._faq.metadatas[row]
            if meta["entry_id"] in exclude or len(closest) >= FAQ_NEIGHBOURS:
                continue
            closest.append((meta["language"], self._faq.documents[row], sim))
            for key in json.loads(meta["groups"]):
                routes.setdefault(key, sim)
            for key, position in json.loads(meta.get("sentences", "[]")):
                sentences.setdefault((key, position), sim)
        return (closest[0][2] if closest else 0.0), routes, sentences, tuple(closest)

    def _off_topic(self, vector: list[float], exclude: frozenset[str]) -> float:
        """The similarity of the closest off-topic FAQ question (outside the ``exclude``d entries)."""
        return next((sim for row, sim in self._faq.search(vector, len(self._declines), self._declines)
                     if self._faq.metadatas[row]["entry_id"] not in exclude), 0.0)

    def _best_sentences(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """Passages ranked by their most similar sentence."""
        best: dict[str, float] = {}
        for row, sim in self._sentences.search(vector, k * 2):
            best.setdefault(self._sentences.metadatas[row]["passage_id"], sim)
        return list(best.items())[:k]

    def sentence_similarities(self, vector: list[float], passage_ids: list[str]) -> dict[str, float]:
        """Cosine similarity of the question to every sentence of the given passages."""
        self.warm_up()
        rows = [self._sentence_rows[p] for p in dict.fromkeys(passage_ids) if p in self._sentence_rows]
        if not rows:
            return {}
        rows = np.concatenate(rows)
        return {self._sentences.ids[row]: sim for row, sim in self._sentences.search(vector, len(rows), rows)}
