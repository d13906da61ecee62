"""Ingest: content-hash ids, incremental updates, removals, atomic switch, model changes."""

from __future__ import annotations

import pytest

from briefing_bot.pipeline import Pipeline
from conftest import FACTS, FakeEmbedder


def passage_count(pipeline: Pipeline) -> int:
    return pipeline.store.collection(pipeline.store.active().generation, "passages").count()


def test_first_ingest_embeds_every_passage_and_sentence(pipeline, embedder):
    report = pipeline.ingest()
    info = report.info
    assert (info.passages, info.model) == (8, "fake-embedder")
    assert embedder.embedded == info.passages + info.sentences
    assert report.added == ["article.ar", "article.en", "facts.en"]


def test_reingest_of_unchanged_files_embeds_nothing(pipeline, embedder):
    first = pipeline.ingest().info
    embedder.embedded = 0
    report = pipeline.ingest()
    assert report.unchanged and embedder.embedded == 0
    assert pipeline.store.active() == first


def test_changed_file_is_replaced_and_only_its_new_text_embedded(pipeline, embedder, knowledge):
    pipeline.ingest()
    embedder.embedded = 0
    (knowledge / "facts.en.md").write_text(FACTS.replace("25 and 26 October", "25-26 October"), encoding="utf-8")
    report = pipeline.ingest()
    assert report.changed == ["facts.en"]
    assert embedder.embedded == 2  # one passage and its one sentence
    texts = pipeline.store.collection(report.info.generation, "passages").get()["documents"]
    assert any("25-26 October" in t for t in texts) and not any("25 and 26 October" in t for t in texts)


def test_removed_file_disappears_from_the_index(pipeline, knowledge):
    pipeline.ingest()
    (knowledge / "facts.en.md").unlink()
    report = pipeline.ingest()
    assert report.removed == ["facts.en"]
    metas = pipeline.store.collection(report.info.generation, "passages").get()["metadatas"]
    assert {m["doc_id"] for m in metas} == {"article.ar", "article.en"}


def test_failed_ingest_leaves_the_previous_index_serving(settings, knowledge):
    Pipeline(settings, embedder=FakeEmbedder()).ingest()
    (knowledge / "facts.en.md").write_text(FACTS.replace("Hanoi on", "Ha Noi on"), encoding="utf-8")
    (knowledge / "new.en.md").write_text(FACTS.replace("Test fact sheet", "Another sheet"), encoding="utf-8")
    crashing = Pipeline(settings, embedder=FakeEmbedder(fail_after=3))
    before = crashing.store.active()
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashing.ingest()
    assert crashing.store.active() == before
    answer = Pipeline(settings, embedder=FakeEmbedder()).ask("Where was the signing ceremony held?")
    assert answer.answered and "Hanoi on 25 and 26 October" in answer.citations[0].quote
    names = [getattr(c, "name", c) for c in crashing.store.client.list_collections()]
    assert sum(n.endswith("_passages") for n in names) == 1  # the half-built generation is gone


def test_model_change_forces_a_rebuild_never_mixing_vectors(settings):
    Pipeline(settings, embedder=FakeEmbedder("model-a")).ingest()
    other = FakeEmbedder("model-b")
    report = Pipeline(settings, embedder=other).ingest()
    assert "built with model-a" in report.rebuilt_because
    assert report.reused == 0 and other.embedded == report.info.passages + report.info.sentences
    assert report.info.model == "model-b"


def test_unreadable_file_is_skipped_and_its_previous_version_kept(pipeline, knowledge):
    pipeline.ingest()
    (knowledge / "facts.en.md").write_text("---\ntitle: [broken\n---\nText.\n", encoding="utf-8")
    report = pipeline.ingest()
    assert "facts.en" in report.skipped and "not valid YAML" in report.skipped["facts.en"]
    assert report.unchanged and passage_count(pipeline) == 8


def test_ask_builds_the_index_on_first_use(pipeline):
    assert pipeline.store.active() is None
    assert pipeline.ask("Who chairs the signing ceremony?").answered
    assert pipeline.store.active() is not None
