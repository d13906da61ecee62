"""The FAQ routes questions (in any of its languages) to the passages that answer them."""

from __future__ import annotations

from briefing_bot.faq import load_faq
from briefing_bot.knowledge import load_knowledge

FAQ = """title: Lines to take
entries:
  - id: ceremony-chair
    answers:
      - doc: article.en
        contains: "Guterres chairs the signing ceremony"
    questions:
      en: ["Who presides over the event?"]
      fr: ["Qui préside l'événement ?"]
"""


def test_faq_entries_resolve_to_passage_groups(knowledge):
    (knowledge / "lines.faq.yaml").write_text(FAQ, encoding="utf-8")
    questions, problems = load_faq(knowledge, load_knowledge(knowledge).passages)
    assert problems == []
    assert [(q.language, q.groups) for q in questions] == [("en", ("article.ar#1",)), ("fr", ("article.ar#1",))]


def test_faq_routes_a_question_the_passages_alone_do_not_match(pipeline, knowledge):
    question = "Qui préside l'événement ?"
    assert not pipeline.ask(question).answered  # no shared words with any passage
    (knowledge / "lines.faq.yaml").write_text(FAQ, encoding="utf-8")
    report = pipeline.ingest()
    assert report.faq_problems == []
    answer = pipeline.ask(question)
    assert answer.answered and "Guterres" in answer.answer
    assert answer.citations[0].language == "en"  # no French passage: the English version is cited


def test_changing_the_faq_updates_the_index(pipeline, knowledge, embedder):
    (knowledge / "lines.faq.yaml").write_text(FAQ, encoding="utf-8")
    pipeline.ingest()
    embedder.embedded = 0
    assert pipeline.ingest().unchanged
    (knowledge / "lines.faq.yaml").write_text(FAQ.replace("Who presides over the event?", "Who chairs it?"),
                                              encoding="utf-8")
    report = pipeline.ingest()
    assert not report.unchanged and embedder.embedded == 1
