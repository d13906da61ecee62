"""The FAQ routes questions (in any of its languages) to the passages that answer them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefing_bot.faq import load_faq, pointed_sentences, question_key
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


NOTE = """---
title: Test note
publisher: Test publisher
url: https://example.org/note
published: 2025-10-26
language: en
kind: article
---

The delegations met in the main hall of the conference centre. Seventy-two signatories put their names to the treaty.
"""

NOTE_FAQ = """entries:
  - id: signatories
    answers:
      - doc: note.en
        contains: "Seventy-two signatories"
    questions:
      en: ["What was the final tally?"]
"""


def test_faq_answers_point_at_sentences_aligned_across_translations(knowledge):
    (knowledge / "note.en.md").write_text(NOTE, encoding="utf-8")
    (knowledge / "lines.faq.yaml").write_text(NOTE_FAQ, encoding="utf-8")
    passages = load_knowledge(knowledge).passages
    note = next(p for p in passages if p.doc_id == "note.en")
    assert pointed_sentences(note, "Seventy-two signatories") == (1,)
    assert pointed_sentences(note, "conference centre. Seventy") == (0, 1)
    assert pointed_sentences(note, "not in it") == ()
    questions, problems = load_faq(knowledge, passages)
    assert problems == [] and questions[0].sentences == ((note.group, 1),)


def test_the_sentence_an_faq_answer_points_at_is_quoted(pipeline, knowledge):
    (knowledge / "note.en.md").write_text(NOTE, encoding="utf-8")
    (knowledge / "lines.faq.yaml").write_text(NOTE_FAQ, encoding="utf-8")
    pipeline.ingest()
    answer = pipeline.ask("What was the final tally?")  # no word in common with either sentence
    assert answer.answered
    assert answer.citations[0].quote == "Seventy-two signatories put their names to the treaty."


def test_question_key_ignores_case_punctuation_spacing_and_arabic_marks():
    assert question_key("What was the final  tally?") == question_key("what was the final tally")
    assert question_key("كم دولة وقّعت؟") == question_key("كم دولة وقعت")
    assert question_key("What was the final tally?") != question_key("What was the final tally of votes?")


def test_an_faq_question_as_written_gets_its_line_to_take_whatever_the_judge_says(pipeline, knowledge):
    (knowledge / "note.en.md").write_text(NOTE, encoding="utf-8")
    (knowledge / "lines.faq.yaml").write_text(NOTE_FAQ, encoding="utf-8")
    pipeline.ingest()
    pipeline.warm_up()
    pipeline.answerer.scoring = replace(pipeline.answerer.scoring, min_answerable=1.01)  # the judge declines all
    answer = pipeline.ask("what was the FINAL tally")
    assert answer.answered and answer.support == 1.0 and answer.supported == "well"
    assert [c.quote for c in answer.citations] == ["Seventy-two signatories put their names to the treaty."]
    assert not pipeline.ask("What was the final tally of votes?").answered  # not an FAQ question


def test_a_line_to_take_is_decided_before_any_ranking(pipeline, knowledge, monkeypatch):
    (knowledge / "note.en.md").write_text(NOTE, encoding="utf-8")
    (knowledge / "lines.faq.yaml").write_text(NOTE_FAQ, encoding="utf-8")
    pipeline.ingest()
    pipeline.warm_up()

    def ranked(*args):
        raise AssertionError("an FAQ question as written is not ranked")
    monkeypatch.setattr(pipeline.answerer, "rank", ranked)
    assert pipeline.ask("What was the final tally?").answered
    with pytest.raises(AssertionError, match="not ranked"):
        pipeline.ask("What was the final tally of votes?")


OFF_TOPIC = """entries:
  - id: off-topic-catering
    declines: true
    questions:
      en: ["Which caterer served the delegations lunch?"]
      fr: ["Quel traiteur a servi le déjeuner des délégations ?"]
"""


def test_an_off_topic_entry_lists_questions_without_passages(knowledge):
    (knowledge / "off.faq.yaml").write_text(OFF_TOPIC, encoding="utf-8")
    questions, problems = load_faq(knowledge, load_knowledge(knowledge).passages)
    assert problems == []
    assert [(q.entry_id, q.language, q.groups) for q in questions] == [
        ("off-topic-catering", "en", ()), ("off-topic-catering", "fr", ())]


@pytest.mark.parametrize("entry", [
    '{id: both, declines: true, answers: [{doc: article.en, contains: "Guterres"}], questions: {en: ["Who?"]}}',
    '{id: neither, questions: {en: ["Who?"]}}',
    '{id: not-true, declines: "yes", questions: {en: ["Who?"]}}',
])
def test_an_entry_needs_either_answers_or_declines(knowledge, entry):
    (knowledge / "bad.faq.yaml").write_text(f"entries:\n  - {entry}\n", encoding="utf-8")
    questions, problems = load_faq(knowledge, load_knowledge(knowledge).passages)
    assert questions == [] and len(problems) == 1 and "'declines: true'" in problems[0]


def test_a_question_close_to_an_off_topic_one_is_declined_and_never_suggested(pipeline, knowledge):
    question = "Which delegations attended the signing ceremony lunch?"
    assert pipeline.ask(question).answered  # shares words with the ceremony passages
    (knowledge / "off.faq.yaml").write_text(OFF_TOPIC.replace(
        "Which caterer served the delegations lunch?", "Which caterer served the signing ceremony lunch?"),
        encoding="utf-8")
    report = pipeline.ingest()
    assert report.faq_problems == [] and report.faq_questions == 2
    answer = pipeline.ask(question)
    assert not answer.answered
    assert all("caterer" not in s for s in answer.suggestions)
    retrieval = pipeline.answerer.retriever.retrieve(question, question, "en")
    assert retrieval.off_topic > 0.5 and retrieval.faq_questions == () and retrieval.faq == 0.0
    # left out like an FAQ entry when its own question is asked (calibration)
    assert pipeline.answerer.retriever.retrieve(question, question, "en",
                                                exclude_faq=frozenset({"off-topic-catering"})).off_topic == 0.0
    assert pipeline.ask("How many articles does Hanoi Convention have?").answered  # no word in common


def test_an_off_topic_question_as_written_is_declined_whatever_the_judge_says(pipeline, knowledge):
    (knowledge / "off.faq.yaml").write_text(OFF_TOPIC, encoding="utf-8")
    pipeline.ingest()
    pipeline.warm_up()
    pipeline.answerer.scoring = replace(pipeline.answerer.scoring, min_answerable=1e-9)  # the judge answers all
    assert not pipeline.ask("which caterer served the delegations LUNCH").answered
    assert pipeline.ask("Which caterer served the delegations at the signing ceremony?").answered  # not listed


def test_a_question_both_answered_and_off_topic_is_a_problem(knowledge):
    (knowledge / "lines.faq.yaml").write_text(FAQ, encoding="utf-8")
    (knowledge / "off.faq.yaml").write_text(OFF_TOPIC.replace("Which caterer served the delegations lunch?",
                                                              "who presides over the event"), encoding="utf-8")
    questions, problems = load_faq(knowledge, load_knowledge(knowledge).passages)
    assert len(questions) == 4
    assert problems == ["FAQ question 'who presides over the event' is off topic in entry 'off-topic-catering' "
                        "but answered in entry 'ceremony-chair': keep it in one of them."]
