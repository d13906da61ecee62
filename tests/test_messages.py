"""The bot's own words in the question's (or the page's) language: every table covers the same
languages with the same placeholders, dates are written the language's way, and the chat page and
the widget show their labels in the chosen language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from briefing_bot import messages
from briefing_bot.messages import (AS_OF, AS_OF_VALUE, CONFLICT, DECLINE, LABELS, LANGUAGES, QUOTED_IN_ENGLISH,
                                   SIDES, SUGGESTIONS, SUPPORT, UPDATED, VIEWS, format_date, label, say, side,
                                   support_label)
from briefing_bot.types import Answer, Citation
from briefing_bot.web import render_answer

REQUIRED = {"en", "ar", "fr", "es", "ru", "zh", "vi", "de", "pt", "it", "ja", "ko", "tr", "id"}
COVERED = REQUIRED | {"nl", "pl", "uk", "fa", "hi", "sv"}
TEMPLATES = {"DECLINE": DECLINE, "CONFLICT": CONFLICT, "AS_OF": AS_OF, "UPDATED": UPDATED,
             "AS_OF_VALUE": AS_OF_VALUE, "VIEWS": VIEWS, "QUOTED_IN_ENGLISH": QUOTED_IN_ENGLISH}
TABLES = {**TEMPLATES, "SUGGESTIONS": SUGGESTIONS, "SIDES": SIDES, "SUPPORT": SUPPORT, "LABELS": LABELS,
          "LANGUAGES": LANGUAGES}
STATIC = Path(messages.__file__).parent / "static"
# a letter of each non-Latin script, to catch a text pasted under the wrong language
SCRIPTS = {"ar": "\u0600-\u06ff", "fa": "\u0600-\u06ff", "ru": "\u0400-\u04ff", "uk": "\u0400-\u04ff",
           "zh": "\u4e00-\u9fff", "ja": "\u3040-\u30ff", "ko": "\uac00-\ud7af", "hi": "\u0900-\u097f"}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("name", TABLES)
def test_every_table_covers_the_same_languages(name):
    assert set(TABLES[name]) == COVERED, name
    assert REQUIRED <= set(TABLES[name])


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_keep_the_english_placeholders_and_are_translated(name):
    table = TEMPLATES[name]
    for language, text in table.items():
        assert fields(text) == fields(table["en"]), (name, language)
        assert text.strip() and (language == "en" or text != table["en"]), (name, language)
        if language in SCRIPTS:
            assert re.search(f"[{SCRIPTS[language]}]", text), (name, language)


def test_every_language_has_all_labels_with_the_english_placeholders():
    for language, words in LABELS.items():
        assert set(words) == set(LABELS["en"]), language
        for key, text in words.items():
            assert text.strip() and fields(text) == fields(LABELS["en"][key]), (language, key)
        if language != "en":  # translated, not copied
            assert words["intro"] != LABELS["en"]["intro"] and words["copy"] != LABELS["en"]["copy"], language
        if language in SCRIPTS:
            assert re.search(f"[{SCRIPTS[language]}]", words["intro"]), language
    assert "as of 19 November 2025" == label("as_of", "en").format(date=format_date("2025-11-19", "en"))


def test_sides_and_support_have_every_word():
    for language in COVERED:
        assert set(SIDES[language]) == {"critical", "supportive"} and all(SIDES[language].values()), language
        assert set(SUPPORT[language]) == {"well", "partly"} and all(SUPPORT[language].values()), language
    assert side("critical", "fr") == "critique" and support_label("partly", "de") == "teilweise belegt"


def test_three_distinct_suggestions_per_language_in_that_language():
    for language, questions in SUGGESTIONS.items():
        assert len(questions) == 3 and len(set(questions)) == 3, language
        assert language == "en" or not set(questions) & set(SUGGESTIONS["en"]), language
        if language in SCRIPTS:
            assert all(re.search(f"[{SCRIPTS[language]}]", q) for q in questions), language


def test_say_and_the_lookups_fall_back_to_english():
    assert say(DECLINE, "xx") == DECLINE["en"] and say(SUGGESTIONS, "") == SUGGESTIONS["en"]
    assert say(DECLINE, "fr-CA") == DECLINE["fr"] and say(CONFLICT, "pt_BR") == CONFLICT["pt"]
    assert say(DECLINE, "de") == DECLINE["de"] != DECLINE["en"]
    assert label("ask", "xx") == "Ask" and label("ask", "ja") == "質問する"
    assert side("supportive", "xx") == "supportive" and side("neutral", "fr") == "neutral"
    assert support_label("well", "xx") == "well supported"
    assert messages.page_language("pt-BR") == "pt" and messages.page_language("xx-YY") == "en"
    assert set(messages.labels("xx")) == set(LABELS["en"]) | {"support_well", "support_partly"}
    with pytest.raises(KeyError):
        label("no such label", "en")


@pytest.mark.parametrize("language, day, month, year", [
    ("en", "19 November 2025", "November 2025", "2025"),
    ("fr", "19 novembre 2025", "novembre 2025", "2025"),
    ("zh", "2025年11月19日", "2025年11月", "2025年"),
    ("ar", "19 نوفمبر 2025", "نوفمبر 2025", "2025"),
    ("vi", "ngày 19 tháng 11 năm 2025", "tháng 11 năm 2025", "2025"),
    ("de", "19. November 2025", "November 2025", "2025"),
    ("ja", "2025年11月19日", "2025年11月", "2025年"),
])
def test_format_date_writes_dates_the_languages_way(language, day, month, year):
    assert format_date("2025-11-19", language) == day
    assert format_date("2025-11", language) == month
    assert format_date("2025", language) == year


def test_format_date_leaves_other_text_alone_and_falls_back_to_english():
    for text in ("", "soon", "late 2025", "2025-13-01", "2025-02-30", "19/11/2025"):
        assert format_date(text, "fr") == text
    assert format_date("2025-11-19", "xx") == "19 November 2025"
    assert format_date("2025-11-19", "pt-BR") == "19 de novembro de 2025"
    for language in COVERED:  # every covered language writes the year and no leftover ISO date
        written = format_date("2025-11-19", language)
        assert "2025" in written and "2025-11-19" not in written, language


def translated_answer(language: str) -> Answer:
    return Answer(question="q", answer="Soixante-douze États ont signé. [1]", answered=True, language=language,
                  citations=(Citation(n=1, passage_id="p", doc_id="d", title="Fiche <b>", publisher="P",
                                      url="https://example.org/x", published="2025-11-28", language="fr",
                                      text="Soixante-douze États ont signé.", quote="Soixante-douze États ont signé.",
                                      as_of="2025-11-28", translation="unofficial"),))


def test_chat_answers_show_their_labels_in_the_answers_language():
    french = render_answer(translated_answer("fr"))
    assert "traduction non officielle" in french and "au 28 novembre 2025" in french
    assert ">original</a>" in french and "28 novembre 2025 · fr" in french
    assert "Fiche &lt;b&gt;" in french  # still escaped
    chinese = render_answer(translated_answer("zh"))
    assert "非官方译文" in chinese and "截至2025年11月28日" in chinese and ">原文</a>" in chinese
    english = render_answer(translated_answer("en"))
    assert "unofficial translation" in english and "as of 28 November 2025" in english


def test_the_chat_page_switches_its_labels_with_the_language(settings, tmp_path, monkeypatch):
    from briefing_bot.feedback import FeedbackStore
    from briefing_bot.web import build_app

    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")  # no network from a unit test
    page = build_app(lambda question, history: None, settings, FeedbackStore(tmp_path / "f.sqlite"))
    switch = {trigger: f for f in page.fns.values() if f.name == "suggestions_for"
              for _, trigger in f.targets}
    assert {"input", "load"} <= set(switch)  # picking a language, and the browser's language on load
    updates = switch["input"].fn("fr")
    everything = " ".join(str(v) for u in updates for k, v in u.items() if k != "__type__")
    for key in ("title", "placeholder", "ask", "suggested", "page_language", "sources", "copy", "answers",
                "document", "publisher"):
        assert LABELS["fr"][key] in everything, key
    assert SUGGESTIONS["fr"][0] in everything and "28 novembre 2025" in everything  # the table's dates
    arabic = switch["load"].fn("ar-EG")
    assert arabic[0]["value"] == "ar" and any(u.get("rtl") for u in arabic)
    assert switch["load"].fn("xx")[0]["value"] == "en"


def test_the_widget_gets_its_labels_in_the_page_language(settings):
    from fastapi.testclient import TestClient

    from briefing_bot.api import create_app
    from briefing_bot.pipeline import Pipeline
    from conftest import FakeEmbedder

    client = TestClient(create_app(settings, Pipeline(settings, embedder=FakeEmbedder()), with_ui=False))
    german = client.get("/api/suggestions", params={"language": "de-AT"}).json()
    assert german["language"] == "de" and german["questions"] == list(SUGGESTIONS["de"])
    assert german["labels"]["ask"] == "Frage stellen" and german["labels"]["as_of"] == "Stand: {date}"
    other = client.get("/api/suggestions", params={"language": "xx"}).json()
    assert other["language"] == "en" and other["labels"] == messages.labels("en")


def test_the_widget_asks_only_for_labels_that_exist_and_stays_csp_safe():
    page = (STATIC / "widget.html").read_text(encoding="utf-8")
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    in_page = set(re.findall(r'data-label(?:-placeholder|-aria)?="([^"]+)"', page))
    in_script = set(re.findall(r'word\("([^"]+)"', script))
    assert {"title", "note", "your_question", "placeholder", "ask", "suggested"} <= in_page
    assert {"original", "as_of", "error", "unreachable"} <= in_script
    assert in_page | in_script <= set(LABELS["en"])
    assert script.count("applyLabels(") >= 2  # defined and called with the fetched labels
    assert "<script>" not in page and "innerHTML" not in script  # no inline script, text only


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The whole web application on a free local port (chat page and widget)."""
    from briefing_bot.api import create_app
    from briefing_bot.config import Settings
    from briefing_bot.pipeline import Pipeline
    from conftest import FAKE_CALIBRATION, FakeEmbedder, serving_app, write_knowledge

    tmp = tmp_path_factory.mktemp("served")
    settings = Settings(knowledge_dir=write_knowledge(tmp / "knowledge"), chroma_dir=tmp / "chroma",
                        feedback_db=tmp / "feedback.sqlite", calibration=FAKE_CALIBRATION)
    with serving_app(create_app(settings, Pipeline(settings, embedder=FakeEmbedder()))) as url:
        yield url


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.enable_socket
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_widget_and_chat_page_speak_the_page_language_in_a_browser(served):
    from playwright.sync_api import sync_playwright

    shots = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            widget = browser.new_page(viewport={"width": 380, "height": 560})
            widget.goto(f"{served}/widget?lang=fr-FR")
            widget.wait_for_selector(f"text={LABELS['fr']['title']}", timeout=15_000)
            assert widget.locator("#q").get_attribute("placeholder") == LABELS["fr"]["placeholder"]
            assert widget.locator("#send").inner_text() == LABELS["fr"]["ask"]
            assert widget.evaluate("document.documentElement.lang") == "fr"
            widget.locator("#suggest button", has_text=SUGGESTIONS["fr"][0]).wait_for()
            widget.screenshot(path=str(shots / "widget-french.png"))
            arabic = browser.new_page(viewport={"width": 380, "height": 560})
            arabic.goto(f"{served}/widget?lang=ar")
            arabic.wait_for_selector(f"text={LABELS['ar']['title']}", timeout=15_000)
            assert arabic.evaluate("document.querySelector('.bb-chat').dir") == "rtl"
            assert arabic.evaluate("document.documentElement.scrollWidth") <= 380  # nothing pushed off-screen
            arabic.screenshot(path=str(shots / "widget-arabic.png"))

            context = browser.new_context(locale="de-DE", viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.goto(f"{served}/")
            page.wait_for_selector(f"text={LABELS['de']['title']}", timeout=20_000)  # the browser's language
            page.get_by_placeholder(LABELS["de"]["placeholder"]).wait_for()
            assert page.get_by_role("button", name=LABELS["de"]["ask"], exact=True).count() == 1
            page.get_by_text(SUGGESTIONS["de"][0]).wait_for()
            page.screenshot(path=str(shots / "chat-page-german.png"), full_page=True)
            context.close()
        finally:
            browser.close()
