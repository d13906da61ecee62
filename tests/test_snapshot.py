"""The in-memory copy of an index generation: exact cosine search, and no Chroma round trip per question."""

from __future__ import annotations

import numpy as np
import pytest
from chromadb.api.models.Collection import Collection

from briefing_bot.snapshot import TableVectorStore, VectorTable
from briefing_bot.store import ChromaStore


def test_search_is_exact_cosine_best_first_and_respects_rows():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8))
    table = VectorTable.build((f"id{i}", v * (i + 1), f"text {i}", {"n": i}) for i, v in enumerate(vectors))
    query = rng.normal(size=8) * 3
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    expected = np.argsort(-(unit @ (query / np.linalg.norm(query))))
    got = table.search(query, 5)
    assert [row for row, _ in got] == list(expected[:5])
    assert all(a[1] >= b[1] for a, b in zip(got, got[1:])) and -1.0 <= got[-1][1] <= got[0][1] <= 1.0
    rows = np.array([3, 7, 11])
    assert sorted(row for row, _ in table.search(query, 10, rows)) == [3, 7, 11]


def test_standout_is_the_best_cosine_above_the_mean_in_standard_deviations():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 8))
    table = VectorTable.build((f"id{i}", v, "", {}) for i, v in enumerate(vectors))
    query = rng.normal(size=8)
    sims = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    assert table.standout(query * 5) == pytest.approx((sims.max() - sims.mean()) / sims.std(), rel=1e-4)
    # a question close to one row stands out more than one as close to every row
    assert table.standout(vectors[3]) > table.standout(vectors.mean(axis=0)) > 0
    assert VectorTable.build([("a", [1.0, 0.0], "", {})]).standout([1.0, 0.0]) == 0.0


def test_vector_store_returns_documents_with_their_similarity(embedder):
    table = VectorTable.build([("a", embedder.embed_query("signing ceremony in Hanoi"), "Hanoi ceremony", {"k": 1}),
                               ("b", embedder.embed_query("pizza with mozzarella"), "pizza", {"k": 2})])
    store = TableVectorStore(table, embedder)
    (doc, sim), _ = store.similarity_search_by_vector_with_relevance_scores(embedder.embed_query("ceremony in Hanoi"), k=2)
    assert (doc.id, doc.page_content, doc.metadata) == ("a", "Hanoi ceremony", {"k": 1}) and sim > 0.5
    assert [d.id for d in store.similarity_search("mozzarella pizza", k=1)] == ["b"]


def test_questions_are_answered_without_querying_chroma(pipeline, monkeypatch):
    pipeline.ask("When was the signing ceremony held in Hanoi?")  # builds the index and loads the copy
    before = pipeline.ask("Who presides over the signing ceremony?")

    def no_chroma(self, *args, **kwargs):
        raise AssertionError("Chroma queried while answering")

    monkeypatch.setattr(ChromaStore, "collection", no_chroma)
    monkeypatch.setattr(Collection, "query", no_chroma)
    after = pipeline.ask("Who presides over the signing ceremony?")
    assert after.answered and (after.answer, after.citations) == (before.answer, before.citations)


def test_warm_up_keeps_numpy_blas_to_one_thread(pipeline):
    from threadpoolctl import threadpool_info

    pipeline.warm_up()
    assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}


def test_the_copy_is_kept_on_disk_and_read_from_there_at_the_next_start(pipeline, settings, monkeypatch):
    from briefing_bot.store import KINDS

    pipeline.warm_up()
    generation = pipeline.index.generation
    store = ChromaStore(settings)
    assert sorted(p.name for p in (store.snapshots / generation).iterdir()) == sorted(
        f"{kind}.{ext}" for kind in KINDS for ext in ("json", "npy"))
    first = {kind: pipeline.answerer.retriever.store.table(generation, kind) for kind in KINDS}

    def no_chroma(self, *args, **kwargs):
        raise AssertionError("the copy was read from Chroma")

    monkeypatch.setattr(Collection, "get", no_chroma)
    for kind in KINDS:
        again = store.table(generation, kind)
        assert isinstance(again.matrix, np.memmap) and again.ids == first[kind].ids
        assert again.metadatas == first[kind].metadatas and np.array_equal(again.matrix, first[kind].matrix)
    monkeypatch.undo()
    (store.snapshots / generation / "faq.npy").write_bytes(b"damaged")  # read from Chroma again, rewritten
    assert store.table(generation, "faq").ids == first["faq"].ids
    assert VectorTable.load(store.snapshots / generation, "faq").ids == first["faq"].ids


def test_the_copy_of_a_dropped_generation_is_removed(pipeline, settings):
    pipeline.warm_up()
    old = pipeline.index.generation
    (settings.knowledge_dir / "extra.en.md").write_text("---\ntitle: Extra\npublisher: Test\n---\n\nA new passage.\n",
                                                         encoding="utf-8")
    pipeline.ingest()
    pipeline.store.drop_generation(old)
    assert not (pipeline.store.snapshots / old).exists()
    assert (pipeline.store.snapshots / pipeline.index.generation).is_dir()
