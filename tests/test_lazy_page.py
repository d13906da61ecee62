"""The chat page is built after the server starts: until then "/" answers 503 (a page that reloads
itself, or JSON for Gradio's API), then the built page is served."""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from briefing_bot.lazy_page import LazyPage


class Blocks:
    started = False

    def run_startup_events(self) -> None:
        Blocks.started = True

    async def run_extra_startup_events(self) -> None:
        return None


def built_page() -> Starlette:
    page = Starlette(routes=[Route("/", lambda _r: PlainTextResponse("the chat page"))])
    page.get_blocks = Blocks
    return page


async def ready(page: LazyPage) -> None:
    for _ in range(100):
        if page.app is not None or page.failed:
            return
        await asyncio.sleep(0.05)


def test_the_page_answers_starting_until_it_is_built_then_serves_it():
    gate, answerer_ready, called = threading.Event(), threading.Event(), threading.Event()

    def build():
        called.set()
        gate.wait(10)
        return built_page()

    async def scenario():
        page = LazyPage(build, first=answerer_ready.is_set)
        await page.start()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=page), base_url="http://bot") as client:
            starting = await client.get("/")
            assert starting.status_code == 503 and starting.headers["retry-after"] == "2"
            assert "text/html" in starting.headers["content-type"] and 'http-equiv="refresh"' in starting.text
            api = await client.post("/gradio_api/queue/join", json={})
            assert api.status_code == 503 and api.json()["error"]["code"] == "starting"
            await asyncio.sleep(0.3)
            assert not called.is_set()  # Gradio's imports wait for the answerer's warm-up
            answerer_ready.set()
            gate.set()
            await ready(page)
            served = await client.get("/")
            assert served.status_code == 200 and served.text == "the chat page" and Blocks.started
        await page.stop()

    asyncio.run(scenario())


def test_a_page_that_cannot_be_built_says_so_and_the_server_goes_on():
    def build():
        raise RuntimeError("no gradio here")

    async def scenario():
        page = LazyPage(build)
        await page.start()
        await ready(page)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=page), base_url="http://bot") as client:
            api = await client.post("/gradio_api/queue/join", json={})
        assert page.failed and api.status_code == 503
        assert "could not be built; the API still answers" in api.json()["error"]["message"]
        await page.stop()

    asyncio.run(scenario())
