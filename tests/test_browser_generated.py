"""Generated answers in the browser (Debian's headless Chromium): the widget and the chat page show
each sentence once it passes validation, before the answer is finished; a sentence that fails is
withdrawn and the extractive answer replaces the reply. A fake chat model writes slowly."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_bot.app import create_app
from briefing_bot.config import Settings
from briefing_bot.generation import ChatGenerator
from briefing_bot.pipeline import Pipeline
from conftest import FAKE_CALIBRATION, FakeEmbedder, serving_app, write_knowledge
from test_browser import CHROMIUM, SHOTS, browser  # noqa: F401 - the browser fixture
from test_generation import ScriptedChatModel, passage_number

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.enable_socket,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]

FIRST = "The signing ceremony of the convention was held in Hanoi on 25 and 26 October 2025"
SECOND = "The signing ceremony of the convention was held in Hanoi"


def script(prompt: str) -> str:
    n = passage_number(prompt, "signing ceremony")
    second = "500 countries signed it" if "withdrawn" in prompt else SECOND
    return f"{FIRST} [{n}]. {second} [{n}]."


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("generated")
    settings = Settings(knowledge_dir=write_knowledge(tmp / "knowledge"), chroma_dir=tmp / "chroma",
                        feedback_db=tmp / "feedback.sqlite", calibration=FAKE_CALIBRATION, llm_min_similarity=0.5,
                        rate_limit_burst=100, rate_limit_per_minute=600, answer_cache=False)
    model = ScriptedChatModel(script=script, delay=0.12)
    app = create_app(settings, Pipeline(settings, embedder=FakeEmbedder(), generator=ChatGenerator(model, 30)))
    with serving_app(app, seconds=60) as url:
        yield url


def test_the_widget_shows_validated_sentences_as_they_are_written(bot, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 420, "height": 700})
    page.goto(bot + "/widget")
    page.locator("#q").fill("When was the signing ceremony held?")
    page.locator("#send").click()
    pending = page.locator(".bb-pending")
    pending.wait_for(timeout=20_000)
    assert pending.inner_text().startswith(FIRST) and pending.inner_text().count("[") == 1  # sentence 1 only
    final = page.locator(".bb-bot .bb-text").last
    final.wait_for(timeout=20_000)
    assert page.locator(".bb-pending").count() == 0
    assert final.inner_text().startswith(FIRST) and SECOND + " [" in final.inner_text()
    page.screenshot(path=str(SHOTS / "widget-generated.png"))
    page.close()


def test_the_widget_withdraws_a_failing_sentence_and_shows_the_extractive_answer(bot, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 420, "height": 700})
    page.goto(bot + "/widget")
    page.locator("#q").fill("When was the signing ceremony held? (withdrawn)")
    page.locator("#send").click()
    page.locator(".bb-pending").wait_for(timeout=20_000)
    final = page.locator(".bb-bot .bb-text").last
    final.wait_for(timeout=20_000)
    assert page.locator(".bb-pending").count() == 0 and "500" not in page.locator(".bb-log").inner_text()
    assert SECOND + " [" not in final.inner_text() and final.inner_text().count("[") == 1  # the extractive one
    page.close()


def test_the_chat_page_streams_validated_sentences_then_the_answer(bot, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(bot + "/")
    box = page.get_by_placeholder("Ask a question…")
    box.fill("When was the signing ceremony held?")
    box.press("Enter")
    pending = page.locator("#bb-chat .bb-pending")
    pending.wait_for(timeout=30_000)
    assert pending.inner_text().startswith(FIRST) and SECOND + " [" not in pending.inner_text()
    page.wait_for_selector("#bb-chat mark", timeout=30_000)
    assert page.locator("#bb-chat .bb-pending").count() == 0
    assert SECOND + " [" in page.locator("#bb-chat").inner_text()
    box.fill("When was the signing ceremony held? (withdrawn)")
    box.press("Enter")
    page.wait_for_function("document.querySelectorAll('#bb-chat mark').length >= 2", timeout=30_000)
    assert "500" not in page.locator("#bb-chat").inner_text()
    page.screenshot(path=str(SHOTS / "chat-generated.png"), full_page=True)
    page.close()
