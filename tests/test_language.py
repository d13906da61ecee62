"""Language detection and normalisation."""

from __future__ import annotations

import json

from briefing_bot.language import detect_language, normalize, tokens
from conftest import ROOT


def test_detects_the_language_of_every_dev_question():
    items = [json.loads(line) for line in (ROOT / "tests/data/dev.jsonl").read_text(encoding="utf-8").splitlines()]
    wrong = [(i["q"], detect_language(i["q"])) for i in items if detect_language(i["q"]) != i["lang"]]
    assert wrong == []


def test_scripts_and_fallback():
    assert detect_language("Кто подписал первым?") == "ru"
    assert detect_language("Ai chủ trì lễ ký?") == "vi"
    assert detect_language("1234 ?", default="fr") == "fr"


def test_arabic_normalisation_folds_variants_digits_and_diacritics():
    assert normalize("الإتفاقيّة ٧١") == normalize("الاتفاقيه 71")
    assert "مفاوضات" in tokens("خلال المفاوضات", "ar")


def test_chinese_tokens_are_bigrams():
    assert "公约" in tokens("公约何时生效？", "zh")
