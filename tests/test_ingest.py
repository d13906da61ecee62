"""Ingest: content-hash ids, incremental updates, removals, atomic switch, model changes."""

from __future__ import annotations

import pytest

from briefing_bot.ingest import embed_title, progress_bar
from briefing_bot.pipeline import Pipeline
from conftest import FACTS, FakeEmbedder

# Two entries asking one same question: two FAQ records, one vector.
FAQ = """entries:
  - id: ceremony-chair
    answers: [{doc: article.en, contains: "Guterres chairs the signing ceremony"}]
    questions: {en: ["Who chairs the signing ceremony?", "Who presides over it?"], fr: ["Qui préside ?"]}
  - id: ceremony-dates
    answers: [{doc: facts.en, contains: "held in Hanoi on 25 and 26 October 2025"}]
    questions: {en: ["When is the signing ceremony?", "Who chairs the signing ceremony?"]}
"""


def passage_count(pipeline: Pipeline) -> int:
    return pipeline.store.collection(pipeline.store.active().generation, "passages").count()


def distinct_texts(pipeline: Pipeline) -> set[tuple[str, str]]:
    """What a from-scratch build has to embed: each distinct (title, text) and FAQ question once."""
    passages = pipeline.store.passages(pipeline.store.active().generation)
    questions = pipeline.store.collection(pipeline.store.active().generation, "faq").get()["documents"]
    return ({(embed_title(p), t) for p in passages for t in [p.text, *(s.text for s in p.sentences)]}
            | {("query", q) for q in questions})


def test_first_ingest_embeds_each_distinct_text_once(pipeline, embedder, knowledge):
    (knowledge / "lines.faq.yaml").write_text(FAQ, encoding="utf-8")
    report = pipeline.ingest()
    info = report.info
    assert (info.passages, info.model, report.faq_questions) == (8, "fake-embedder", 5)
    assert len(embedder.texts) == len(set(embedder.texts)) == report.embedded  # nothing twice ...
    assert set(embedder.texts) == distinct_texts(pipeline)  # ... and everything
    assert report.embedded < info.passages + info.sentences + report.faq_questions  # records share vectors
    assert report.added == ["article.ar", "article.en", "facts.en"]


def test_ingest_progress_counts_characters_to_the_end(pipeline, knowledge):
    (knowledge / "lines.faq.yaml").write_text(FAQ, encoding="utf-8")
    totals, steps = [], []
    pipeline.ingest(progress=lambda total: totals.append(total) or steps.append)
    texts = distinct_texts(pipeline)
    documents = sum(len(a) + len(b) for a, b in texts if a != "query")
    questions = sum(len(q) for a, q in texts if a == "query")
    assert totals == [documents + questions]
    assert steps == [documents, questions]  # the fake reports once per call; a text weighs its characters


def test_progress_bar_shows_characters_and_the_time_left(capsys):
    advance = progress_bar("Embedding")(2000)
    advance(1000)
    advance(1000)
    shown = capsys.readouterr().err
    assert "Embedding" in shown and "2.00k/2.00k" in shown and "char/s]" in shown and "<00:00" in shown


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
    assert embedder.embedded == 1  # one passage, which is also its one sentence
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
    assert report.reused == 0 and other.embedded == report.embedded == len(distinct_texts(Pipeline(settings)))
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
