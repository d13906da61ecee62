"""The evaluation sets stay apart from what the bot was built with: no evaluation question is a
near copy of an FAQ variant, a suggested question or a training question, and the blind set has the breadth it claims."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml

from briefing_bot import messages
from briefing_bot.faq import faq_files
from briefing_bot.language import tokens
from conftest import ROOT

EVAL_SETS = ("tests/data/dev.jsonl", "tests/data/regression.jsonl", "tests/data/blind.jsonl",
             "tests/data/signatures.jsonl", "tests/data/blind2.jsonl", "tests/data/blind3.jsonl",
             "tests/data/blind4.jsonl", "tests/data/dev2.jsonl")
NEAR_COPY = 0.6  # token Jaccard at or above this is a near copy


def _load(path: str) -> list[dict]:
    return [json.loads(line) for line in (ROOT / path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _words(text: str, language: str) -> set[str]:
    return set(tokens(text, language if language in ("zh", "ja") else ""))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _built_with() -> list[tuple[str, str, str]]:
    """(where, language, text) of every FAQ variant (off-topic ones too), suggested question and
    training question."""
    rows = [(f"faq {e['id']}", lang, q) for path in faq_files(ROOT / "knowledge")
            for e in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
            for lang, qs in e["questions"].items() for q in qs]
    rows += [(f"training {t['id']}", t["lang"], t["q"]) for t in _load("bench/data/train.jsonl")]
    return rows + [(f"suggestion {lang}", lang, q) for lang, qs in messages.SUGGESTIONS.items() for q in qs]


@pytest.mark.parametrize("path", EVAL_SETS)
def test_no_evaluation_question_is_a_near_copy_of_the_faq_or_the_suggestions(path):
    built = [(where, lang, _words(text, lang), text) for where, lang, text in _built_with()]
    copies = []
    for item in _load(path):
        asked = _words(item["q"], item["lang"])
        for where, lang, words, text in built:
            if lang == item["lang"] and jaccard(asked, words) >= NEAR_COPY:
                copies.append((item["id"], item["q"], where, text))
    assert copies == []


def test_the_near_copy_test_would_catch_a_copy():
    question = "How many countries signed the convention in Hanoi?"
    assert jaccard(_words(question, "en"), _words(question.replace("countries", "states"), "en")) >= NEAR_COPY


def test_the_blind_set_is_broad():
    items = _load("tests/data/blind.jsonl")
    languages = Counter(i["lang"] for i in items)
    assert len(items) >= 200 and len(languages) >= 12 and min(languages.values()) >= 10
    assert {"en", "ar", "fr", "es", "ru", "zh", "vi", "de", "pt", "it", "ja", "ko", "tr", "id"} <= set(languages)
    assert sum(not i["answerable"] for i in items) >= 50
    assert sum(bool(i.get("history")) for i in items) >= 10
    assert len({i["id"] for i in items}) == len(items)
