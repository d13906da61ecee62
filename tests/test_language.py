"""Language detection and normalisation."""

from __future__ import annotations

import json

import pytest

from briefing_bot import language
from briefing_bot.errors import ModelError
from briefing_bot.language import (DETECTED, conversation_language, detect_language, has_language, normalize,
                                   tokens)
from conftest import ROOT

LANGID = ROOT / "tests/data/langid.jsonl"
# bench/langid.py on tests/data/langid.jsonl: fastText 341 of 346 right (0.986), lingua 341 (0.986),
# since Dutch "er" and Turkish "var", "yok" and its words typed without Turkish letters joined the
# function words (found among this set's errors, so it is no longer untuned: on 256 training
# questions written later, in 22 languages, fastText scores 240 with and without them). Each floor is
# about 0.01 below: three more wrong questions pass, five fail.
LANGID_FLOORS = {"fasttext": 0.975, "lingua": 0.975}


@pytest.fixture
def detector(request):
    """Detect with the parametrised model, then go back to the default."""
    language.use_detector(request.param)
    yield request.param
    language.use_detector(language.DETECTORS[0])


def test_detects_the_language_of_every_dev_question():
    items = [json.loads(line) for line in (ROOT / "tests/data/dev.jsonl").read_text(encoding="utf-8").splitlines()]
    wrong = [(i["q"], detect_language(i["q"])) for i in items if detect_language(i["q"]) != i["lang"]]
    assert wrong == []


@pytest.mark.parametrize("detector", language.DETECTORS, indirect=True)
def test_language_id_of_short_questions_in_many_languages(detector):
    items = [json.loads(line) for line in LANGID.read_text(encoding="utf-8").splitlines() if line.strip()]
    languages = {i["lang"] for i in items}
    assert len(items) >= 300 and len(languages) >= 15 and languages <= set(DETECTED)
    assert all(len(i["text"].split()) <= 8 for i in items)
    wrong = [(i["lang"], found, i["text"]) for i in items if (found := detect_language(i["text"])) != i["lang"]]
    assert 1 - len(wrong) / len(items) >= LANGID_FLOORS[detector], wrong


def test_the_fasttext_model_is_checked_against_its_digest(monkeypatch):
    language._fasttext.cache_clear()
    monkeypatch.setattr(language, "FASTTEXT_SHA256", "0" * 64)
    try:
        with pytest.raises(ModelError, match="does not match its pinned sha256"):
            language.warm_up()
    finally:
        language._fasttext.cache_clear()


def test_an_unknown_detector_is_refused():
    with pytest.raises(ValueError, match="not a language detector"):
        language.use_detector("cld3")


@pytest.mark.parametrize("text, language", [
    ("Did China sign?", "en"),  # was Spanish
    ("Who is Ghada Waly?", "en"),  # was French
    ("Was Canada present at the signing?", "en"),
    ("Who is Bùi Thanh Sơn?", "en"),  # a Vietnamese name in an English question
    ("Sözleşmeyi kim imzaladı?", "tr"),  # was Spanish
    ("Siapa yang menandatangani konvensi ini?", "id"),  # was Italian
    ("Wie heeft het verdrag ondertekend?", "nl"),
    ("Czy Polska podpisała traktat?", "pl"),
    ("Har Sverige skrivit under?", "sv"),
    ("Câte țări au ratificat-o?", "ro"),  # ă is Romanian too: was Vietnamese
    ("Kuka allekirjoitti yleissopimuksen?", "fi"),
    ("Mengapa beberapa LSM mengkritik perjanjian ini?", "id"),  # Indonesian over Malay on a near tie
    ("¿Firmó España?", "es"),  # was English: the inverted question mark is Spanish's alone
])
def test_short_questions_full_of_names(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text, language", [
    ("Кто подписал первым?", "ru"), ("Хто підписав конвенцію?", "uk"), ("Кога влиза в сила?", "bg"),
    ("Говорит статья 5?", "ru"), ("Вступила в силу?", "ru"), ("Где?", "ru"), ("А Бразилія?", "uk"),
    ("Ко је потписао конвенцију?", "sr"), ("Кој ја потпиша конвенцијата?", "mk"),
    ("من وقع على الاتفاقية؟", "ar"), ("آیا ایران امضا کرده است؟", "fa"), ("کیا پاکستان نے دستخط کیے ہیں؟", "ur"),
    ("누가 협약에 서명했나요?", "ko"), ("日本は署名しましたか？", "ja"), ("公约何时生效？", "zh"), ("UNODC是什么？", "zh"),
    ("ใครลงนามในอนุสัญญานี้?", "th"), ("מי חתם על האמנה?", "he"), ("Υπέγραψε η Ελλάδα;", "el"),
    ("संधि कब लागू होगी?", "hi"), ("Ai chủ trì lễ ký?", "vi"),
])
def test_scripts_and_alphabets(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text, language", [
    ("Und Frankreich?", "de"), ("Y Argentina?", "es"), ("Et la France ?", "fr"),
    ("What about Brazil?", "en"), ("Pourquoi ?", "fr"), ("Kapan?", "id"), ("Путин?", "ru"),
])
def test_follow_ups_of_a_word_or_two(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text, language", [
    ("Kac ulke imzaladi?", "tr"), ("Imza atan ulke var mi?", "tr"),  # Turkish typed without its letters
    ("Waren er veel journalisten?", "nl"),  # "er": Dutch, German, Danish, Norwegian
    ("bao nhieu nuoc da ky cong uoc?", "vi"), ("cong uoc co hieu luc khi nao?", "vi"),  # Vietnamese without marks
    ("trung quoc co ky khong", "vi"),
])
def test_function_words_settle_short_questions_the_statistical_model_gets_wrong(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("detector", ["lingua"], indirect=True)
def test_a_follow_up_whose_function_words_two_languages_share(detector):
    """"e" and "o" are Portuguese and Italian function words: the statistical model decides. lingua
    says Portuguese; fastText says Italian (one of its 5 errors of 346 in tests/data/langid.jsonl)."""
    assert detect_language("E o Brasil?") == "pt"


def test_bare_names_and_numbers_have_no_language():
    for text in ("Mauritius?", "2027?", "UNODC?", "Ghada Waly?", "Costa Rica?", "mauritius?", "?!"):
        assert not has_language(text), text
        assert detect_language(text, default="fr") == "fr"
    for text in ("And Mauritius?", "Pourquoi ?", "那美国呢？", "Signed yesterday?", "Ghada Waly kimdir?"):
        assert has_language(text), text


def test_a_follow_up_keeps_its_own_language_unless_it_has_none():
    assert conversation_language("那美国呢？", ["Who signed the convention?"]) == "zh"
    assert conversation_language("Mauritius?", ["Qui a signé la convention ?"]) == "fr"
    assert conversation_language("2027?", ["UNODC?", "¿Quién firmó la convención?"]) == "es"
    assert conversation_language("Mauritius?", []) == "en"
    # two capitalised words alone say nothing, but Spanish's own marks do: not the English default
    assert conversation_language("¿Firmó España?", ["Did France sign?"]) == "es"


def _history(question: str) -> list[dict]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": "The sources say..."}]


def test_pipeline_answers_a_chinese_follow_up_in_chinese(pipeline):
    assert pipeline.prepare("那美国呢？", _history("Did China sign the convention?")).language == "zh"


def test_pipeline_answers_a_bare_name_in_the_previous_language(pipeline):
    assert pipeline.prepare("Mauritius?", _history("Qui a signé la convention ?")).language == "fr"
    assert pipeline.prepare("Mauritius?", []).language == "en"


def test_scripts_and_fallback():
    assert detect_language("Кто подписал первым?") == "ru"
    assert detect_language("Ai chủ trì lễ ký?") == "vi"
    assert detect_language("1234 ?", default="fr") == "fr"


def test_arabic_normalisation_folds_variants_digits_and_diacritics():
    assert normalize("الإتفاقيّة ٧١") == normalize("الاتفاقيه 71")
    assert "مفاوضات" in tokens("خلال المفاوضات", "ar")


def test_chinese_tokens_are_bigrams():
    assert "公约" in tokens("公约何时生效？", "zh")
