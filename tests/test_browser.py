"""Browser tests in Debian's headless Chromium (Playwright, ``executable_path=/usr/bin/chromium``):
an allowed host page embeds the widget and gets a cited answer; a host page on another origin
cannot embed it; markup typed as a question is shown as text; a 20-turn conversation on the chat
page stays within the body limit. Screenshots go to artifacts/."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

import pytest

from briefing_bot.app import create_app
from briefing_bot.feedback import FeedbackStore
from briefing_bot.pipeline import Pipeline
from conftest import FAKE_CALIBRATION, ROOT, FakeEmbedder, free_port, serving_app

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'

pytestmark = [
    pytest.mark.slow, pytest.mark.browser, pytest.mark.enable_socket,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)"),
]


def serve_folder(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The bot on one origin; an allowed host page and a denied one on two others."""
    from briefing_bot.config import Settings
    from conftest import write_knowledge

    tmp = tmp_path_factory.mktemp("browser")
    allowed_port, denied_port = free_port(), free_port()
    allowed = f"http://localhost:{allowed_port}"
    settings = Settings(knowledge_dir=write_knowledge(tmp / "knowledge"), chroma_dir=tmp / "chroma",
                        feedback_db=tmp / "feedback.sqlite", calibration=FAKE_CALIBRATION, allowed_origins=[allowed],
                        rate_limit_burst=100, rate_limit_per_minute=600)  # the tests ask quickly, from one address
    # built after the server starts, as 'briefing-bot serve' does (lazy_page.py)
    with serving_app(create_app(settings, Pipeline(settings, embedder=FakeEmbedder()), lazy_ui=True), page=True) as bot:
        pages = tmp / "pages"
        pages.mkdir()
        host_page = (ROOT / "examples" / "embed.html").read_text(encoding="utf-8").replace("http://127.0.0.1:7860", bot)
        (pages / "embed.html").write_text(host_page, encoding="utf-8")
        hosts = [serve_folder(pages, allowed_port), serve_folder(pages, denied_port)]
        yield {"bot": bot, "allowed": f"{allowed}/embed.html", "denied": f"http://127.0.0.1:{denied_port}/embed.html",
               "feedback": settings.feedback_db}
        for host in hosts:
            host.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def open_widget(page, url: str):
    page.goto(url)
    page.click("button.bb-bubble")
    page.wait_for_selector("iframe.bb-frame")
    return page.frame_locator("iframe.bb-frame")


def test_allowed_host_embeds_the_widget_and_gets_a_cited_answer(site, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    widget = open_widget(page, site["allowed"])
    widget.locator("#q").fill("Who chairs the signing ceremony?")
    widget.locator("#send").click()
    answer = widget.locator(".bb-bot").last
    answer.wait_for(timeout=15_000)
    assert "Guterres" in answer.locator(".bb-text").inner_text()
    details = answer.locator("details").first
    assert details.get_attribute("open") is None
    answer.locator("a.bb-marker").first.click()
    assert details.get_attribute("open") is not None  # the marker opened its citation
    assert details.locator("mark").inner_text() in details.locator(".bb-passage").inner_text()
    assert details.locator("a", has_text="original").get_attribute("href").startswith("https://")
    page.screenshot(path=str(SHOTS / "widget-allowed-answer.png"))
    page.close()


def test_widget_fits_a_small_phone(site, browser):
    page = browser.new_page(viewport={"width": 360, "height": 640}, is_mobile=True)
    open_widget(page, site["allowed"]).locator("#q").wait_for()
    box = page.locator("iframe.bb-frame").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.screenshot(path=str(SHOTS / "widget-mobile-360.png"))
    page.close()


def frame_of(page):
    """The widget's iframe once it has loaded something (the widget, or Chromium's error page)."""
    page.wait_for_selector("iframe.bb-frame")
    frame = page.locator("iframe.bb-frame").element_handle().content_frame()
    deadline = time.time() + 10
    while time.time() < deadline and frame.url in ("", "about:blank"):
        time.sleep(0.1)
    return frame


def test_other_origin_cannot_embed_the_widget(site, browser):
    allowed = browser.new_page()
    allowed.goto(site["allowed"])
    allowed.click("button.bb-bubble")
    frame = frame_of(allowed)
    frame.wait_for_selector("#q", timeout=10_000)  # the control: an allowed origin gets the widget
    assert frame.url.startswith(site["bot"] + "/widget")
    allowed.close()

    page = browser.new_page()
    page.goto(site["denied"])
    page.click("button.bb-bubble")
    frame = frame_of(page)
    deadline = time.time() + 10
    while time.time() < deadline and not frame.url.startswith("chrome-error://"):
        time.sleep(0.1)
    assert frame.url.startswith("chrome-error://"), frame.url  # Chromium refused to render it (frame-ancestors)
    assert frame.locator("#q").count() == 0 and frame.locator(".bb-chat").count() == 0
    page.screenshot(path=str(SHOTS / "widget-denied-origin.png"))
    page.close()


def test_markup_in_a_question_is_shown_as_text(site, browser):
    page = browser.new_page()
    widget = open_widget(page, site["allowed"])
    widget.locator("#q").fill(XSS)
    widget.locator("#send").click()
    user = widget.locator(".bb-user").last
    user.wait_for()
    widget.locator(".bb-bot").last.wait_for(timeout=15_000)
    assert user.inner_text() == XSS
    frame = next(f for f in page.frames if f != page.main_frame)
    assert frame.evaluate("window.__xss") is None and frame.locator(".bb-log img").count() == 0
    page.screenshot(path=str(SHOTS / "widget-xss-as-text.png"))
    page.close()


def test_chat_page_answers_and_shows_markup_as_text(site, browser):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(site["bot"] + "/")
    box = page.get_by_placeholder("Ask a question…")
    box.fill(XSS)
    box.press("Enter")
    page.wait_for_selector("text=will not guess", timeout=20_000)
    assert page.evaluate("window.__xss") is None
    assert page.get_by_text('<img src=x onerror="window.__xss=1">', exact=False).count() >= 1
    box.fill("Who chairs the signing ceremony?")
    box.press("Enter")
    page.wait_for_selector("mark", timeout=20_000)
    assert page.locator("a.bb-marker").count() >= 1
    page.get_by_role("button", name="Like").last.click()  # thumbs up on that answer
    deadline = time.time() + 10
    votes = []
    while time.time() < deadline and not votes:
        time.sleep(0.2)
        votes = FeedbackStore(site["feedback"]).all() if Path(site["feedback"]).exists() else []
    assert [(q, v) for q, _, v, _ in votes] == [("Who chairs the signing ceremony?", 1)]
    page.screenshot(path=str(SHOTS / "chat-page.png"), full_page=True)
    page.close()


def test_a_twenty_turn_conversation_on_the_chat_page(site, browser):
    """Each event carries the question only (the conversation stays on the server): the 20th
    question's request is no bigger than the first's, and every one is answered."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    joins: list[tuple[int, int]] = []  # (body bytes, status) of every event sent to the server

    def on_response(response):
        if "/gradio_api/queue/join" in response.url:
            joins.append((len(response.request.post_data_buffer or b""), response.status))

    page.on("response", on_response)
    page.goto(site["bot"] + "/")
    box = page.get_by_placeholder("Ask a question…")
    questions = ["Who chairs the signing ceremony?", "How many articles does the convention have?",
                 "When does the convention enter into force?", "Where is the signing ceremony held?"]
    for turn in range(20):
        before = len(joins)
        box.fill(questions[turn % len(questions)] + f" ({turn + 1})")
        box.press("Enter")
        page.wait_for_function(f"document.querySelectorAll('[data-testid=\"bot\"]').length >= {turn + 1}",
                               timeout=20_000)
        # the event's last step empties the box: typing before it would lose the next question
        page.wait_for_function("(box) => box.value === ''", arg=box.element_handle(), timeout=20_000)
        deadline = time.time() + 10
        while len(joins) == before and time.time() < deadline:
            time.sleep(0.05)
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="user"]').count() == 20 and page.locator('[data-testid="bot"]').count() == 20
    asked = [size for size, _ in joins if size > 0]
    assert all(status == 200 for _, status in joins), joins
    assert len(asked) >= 20 and max(asked) < 2_000 and max(asked) - min(asked) < 200, asked  # flat, far below 16 KiB
    assert page.locator("text=Guterres").count() >= 5  # the answers are there, with their sources
    page.screenshot(path=str(SHOTS / "chat-page-20-turns.png"), full_page=True)
    page.close()
