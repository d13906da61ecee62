"""Counts carry their date and source, the newest count leads, disagreements are named, and
contested topics get every side the knowledge has (fake embedder, real Chroma)."""

from __future__ import annotations

import pytest

from briefing_bot.config import Settings
from briefing_bot.evaluation import citation_problems
from briefing_bot.pipeline import Pipeline
from conftest import FAKE_CALIBRATION, MODELS_DIR, FakeEmbedder, write_knowledge

COUNTS = """---
title: Counts
publisher: Test press office
url: ""
published: 2025-11-28
language: en
kind: fact sheet
sources:
  untc: {title: Chapter XVIII-16, publisher: United Nations Treaty Collection}
  nl: {title: Treaty database, publisher: Netherlands treaty database}
  unnews: {title: Sixty-five nations sign, publisher: UN News}
  mps: {title: Highlights, publisher: Ministry of Public Security}
  hrw: {title: Joint statement, publisher: Human Rights Watch}
  interpol: {title: INTERPOL welcomes, publisher: INTERPOL}
---

After the Hanoi ceremony the treaty collection listed 72 signatories of the convention.
Source: untc
Claim: signatures/total = 72
As of: 2025-10-26

Mauritius signed the convention in New York, which brought the signatories of the convention to 73.
Source: nl
Claim: signatures/total = 73
As of: 2025-11-19

UN News counted 65 states that signed the convention on the first day.
Source: unnews
Claim: signatures/first-day = 65
As of: 2025-10-25

The ministry counted 69 states that signed the convention on the first day.
Source: mps
Claim: signatures/first-day = 69
As of: 2025-10-25

Rights groups criticised the convention as a danger to human rights and urged states not to sign the convention.
Source: hrw
View: reception = critical

INTERPOL welcomed the convention as a tool against cybercrime.
Source: interpol
View: reception = supportive

The penguins of the southern ocean are not covered by any passage about treaties.
Source: untc
"""


@pytest.fixture
def counts(tmp_path) -> Pipeline:
    folder = write_knowledge(tmp_path / "knowledge", {"counts.en.md": COUNTS})
    settings = Settings(knowledge_dir=folder, chroma_dir=tmp_path / "chroma", models_dir=MODELS_DIR, calibration=FAKE_CALIBRATION)
    return Pipeline(settings, embedder=FakeEmbedder())


def test_the_newest_count_leads_with_its_date_and_source_and_the_older_one_is_dated(counts):
    answer = counts.ask("How many signatories does the convention have after the Hanoi ceremony?")
    assert answer.answered and citation_problems(answer.to_dict()) == []
    first = answer.citations[0]
    assert "73" in first.quote and first.as_of == "2025-11-19"
    assert answer.answer.index("73") < answer.answer.index("72")
    assert "As of 19 November 2025, according to Netherlands treaty database." in answer.answer
    total = next(c for c in answer.conflicts if c.claim == "signatures/total")
    assert total.kind == "changed" and [v for v, _ in total.values] == ["73", "72"]
    assert total.as_of == ("2025-11-19", "2025-10-26")
    assert "changed over time: 73 as of 19 November 2025 [1]; 72 as of 26 October 2025" in answer.answer


def test_a_count_names_the_disagreements_of_its_family(counts):
    answer = counts.ask("How many signatories does the convention have after the Hanoi ceremony?")
    first_day = next(c for c in answer.conflicts if c.claim == "signatures/first-day")
    assert first_day.kind == "disagreement" and {v for v, _ in first_day.values} == {"65", "69"}
    quoted = " ".join(c.quote for c in answer.citations)
    assert "65 states" in quoted and "69 states" in quoted and "The sources disagree" in answer.answer


def test_the_date_is_said_in_the_question_language(counts):
    counts.warm_up()  # the fake embedder matches words, so the question is given in English words
    query = "How many signatories does the convention have after the Hanoi ceremony?"
    answer, _ = counts.answerer.answer(query, "fr", query, query)
    assert "Au 19 novembre 2025, selon Netherlands treaty database." in answer.answer
    assert "Ce chiffre a évolué au fil du temps : 73 " in answer.answer


def test_a_contested_topic_quotes_both_sides(counts):
    for question in ("What did rights groups say about the convention and human rights?",
                     "Who welcomed the convention as a tool against cybercrime?"):
        answer = counts.ask(question)
        quoted = " ".join(c.quote for c in answer.citations)
        assert "Rights groups criticised" in quoted and "INTERPOL welcomed" in quoted, answer.answer
        assert "Rights groups criticised" in answer.answer and "INTERPOL welcomed" in answer.answer
        assert "different views on this: critical [" in answer.answer and "supportive [" in answer.answer
        assert citation_problems(answer.to_dict()) == []


def test_an_undated_answer_says_no_date(counts):
    answer = counts.ask("What did INTERPOL say about the convention as a tool against cybercrime?")
    assert "As of" not in answer.answer


def test_a_language_without_knowledge_is_told_the_quotes_are_english(counts):
    from briefing_bot.messages import QUOTED_IN_ENGLISH

    counts.warm_up()
    query = "What did INTERPOL say about the convention as a tool against cybercrime?"
    german, _ = counts.answerer.answer(query, "de", query, query)
    english, _ = counts.answerer.answer(query, "en", query, query)
    assert german.answer.endswith(QUOTED_IN_ENGLISH["de"]) and QUOTED_IN_ENGLISH["en"] not in english.answer


def test_a_count_asked_without_a_moment_leads_with_the_latest_figure_of_its_family(counts):
    """The fake embedder ranks the first-day sentences first ("states that signed the convention")."""
    latest = counts.ask("How many states signed the convention?")
    assert "73" in latest.citations[0].quote, latest.answer
    assert any("65 states" in c.quote for c in latest.citations)  # the first-day count stays quoted
    for question in ("How many states signed the convention on the first day?",
                     "How many states signed the convention on 25 October?"):
        first_day = counts.ask(question)
        assert "states that signed the convention on the first day" in first_day.citations[0].quote, question


def test_a_hope_does_not_answer_what_was_done(tmp_path):
    hope = ("\nThe host hoped that 40 states would sign the convention in Hanoi.\nSource: mps\n"
            "Claim: hoped-signatures = 40\nAs of: 2025-10-20\n")
    folder = write_knowledge(tmp_path / "knowledge", {"counts.en.md": COUNTS + hope})
    settings = Settings(knowledge_dir=folder, chroma_dir=tmp_path / "chroma", models_dir=MODELS_DIR,
                        calibration=FAKE_CALIBRATION)
    pipeline = Pipeline(settings, embedder=FakeEmbedder())
    done = pipeline.ask("How many states would sign the convention in Hanoi?")  # ranked first: the hope
    assert done.answered and not any("hoped" in c.quote for c in done.citations), done.answer
    hoped = pipeline.ask("How many states did the host hope would sign the convention in Hanoi?")
    assert "hoped" in hoped.citations[0].quote, hoped.answer


VIEWS = COUNTS.split("---\n\n")[0] + """---

Rights groups criticised the convention as a danger to human rights and as a tool of surveillance.
Source: hrw
View: reception = critical
View: human-rights = critical

A prosecutor signed the convention for the federation in Hanoi. The president called the signing of the convention historic.
Source: interpol
View: reception = supportive

Article 6 of the convention requires respect for human rights.
Source: untc
View: human-rights = supportive
"""


def test_a_side_is_quoted_whole_and_the_views_are_named_once(tmp_path):
    folder = write_knowledge(tmp_path / "knowledge", {"views.en.md": VIEWS})
    settings = Settings(knowledge_dir=folder, chroma_dir=tmp_path / "chroma", models_dir=MODELS_DIR,
                        calibration=FAKE_CALIBRATION)
    answer = Pipeline(settings, embedder=FakeEmbedder()).ask("What did rights groups criticise about the convention?")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("Rights groups criticised"), answer.answer
    assert any(q.endswith("called the signing of the convention historic.") and q.startswith("A prosecutor")
               for q in quotes), quotes  # the sentence that carries the view, with its context
    assert any(q.startswith("Article 6") for q in quotes)
    assert answer.answer.count("different views") == 1
    assert "critical [1]; supportive [2] [3]" in answer.answer, answer.answer
    assert citation_problems(answer.to_dict()) == []


def test_a_passage_stating_a_side_is_quoted_whole_when_it_answers(tmp_path):
    folder = write_knowledge(tmp_path / "knowledge", {"views.en.md": VIEWS})
    settings = Settings(knowledge_dir=folder, chroma_dir=tmp_path / "chroma", models_dir=MODELS_DIR,
                        calibration=FAKE_CALIBRATION)
    answer = Pipeline(settings, embedder=FakeEmbedder()).ask("Which prosecutor signed the convention for the federation?")
    assert answer.citations[0].quote == ("A prosecutor signed the convention for the federation in Hanoi. "
                                         "The president called the signing of the convention historic."), answer.answer
    assert [c.passage_id for c in answer.citations].count(answer.citations[0].passage_id) == 1


def test_when_none_of_the_best_sentences_may_be_quoted_the_next_ones_are_tried(tmp_path):
    """Eight passages close to the question give no number; the count lies in a ninth, further down
    (no shared word: the fake embedder ranks it last). Without it, the bot declines."""
    header = COUNTS.split("---\n\n")[0] + "---\n"
    close = "".join(f"\nThe delegation of {name} welcomed the states that signed the convention in Hanoi.\nSource: untc\n"
                    for name in ("Chile", "Ghana", "Nepal", "Peru", "Oman", "Fiji", "Togo", "Laos"))
    far = "\nSixty-one delegations put their names to the text in the capital.\nSource: mps\nAs of: 2025-10-26\n"
    question = "How many states signed the convention in Hanoi?"
    for name, text in (("without", header + close), ("with", header + close + far)):
        folder = write_knowledge(tmp_path / name / "knowledge", {"counts.en.md": text})
        settings = Settings(knowledge_dir=folder, chroma_dir=tmp_path / name / "chroma", models_dir=MODELS_DIR,
                            calibration=FAKE_CALIBRATION)
        answer = Pipeline(settings, embedder=FakeEmbedder()).ask(question)
        if name == "without":
            assert not answer.answered, answer.answer
        else:
            assert answer.answered and "Sixty-one" in answer.citations[0].quote, answer.answer


def test_a_count_of_articles_is_not_answered_with_chapters(tmp_path):
    """A Chinese question counting articles (几条) is not answered by a sentence that counts chapters
    (9章), though the fake embedder ranks it first: the sentence with the articles (68条) is quoted."""
    zh = COUNTS.split("---\n\n")[0].replace("language: en", "language: zh") + (
        "---\n\n该公约的 文本内容 经过五年谈判 共分为9章，第一章为总则。\nSource: untc\n\n"
        "该公约的 最终案文 经过五年谈判 共有68条，第64条涉及签署。\nSource: untc\n")
    folder = write_knowledge(tmp_path / "knowledge", {"counts.zh.md": zh})
    settings = Settings(knowledge_dir=folder, chroma_dir=tmp_path / "chroma", models_dir=MODELS_DIR,
                        calibration=FAKE_CALIBRATION)
    answer = Pipeline(settings, embedder=FakeEmbedder()).ask("该公约的 文本内容 共有几条？")
    assert answer.answered and "68条" in answer.citations[0].quote, answer.answer
    assert not any("9章" in c.quote for c in answer.citations), answer.answer
