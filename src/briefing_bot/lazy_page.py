"""The chat page (Gradio) built after the server has started, so that the API answers first.

Importing Gradio and building the page takes about 5 s, most of a server's start. ``briefing-bot
serve`` mounts a ``LazyPage`` at "/" instead: the page is built in a worker thread once the server
is up, and until then every request under "/" gets a short 503 (a page that reloads itself, or
JSON for Gradio's API) with ``Retry-After``. Pure ASGI, like the other middleware.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from typing import Callable

from .guard import json_error
from .logs import event

RETRY_SECONDS = 2
_STARTING = ("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"{s}\">"
             "<title>briefing-bot</title></head><body><p>{message}</p></body></html>")
MESSAGE = "The chat page is starting; it will open by itself in a few seconds."


class LazyPage:
    """Serves the ASGI app that ``build`` returns (called once, in a thread, by ``start``, when
    ``first`` holds); until it is ready, or if building it failed, answers 503."""

    def __init__(self, build: Callable[[], object], first: Callable[[], bool] = lambda: True,
                 patience: float = 30.0) -> None:
        self.build = build
        self.first = first  # what the page waits for (at most ``patience`` s): the answerer being ready
        self.patience = patience
        self.app = None
        self.failed = False
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """Build the page in the background (call from the server's lifespan)."""
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            await self._task

    async def _run(self) -> None:
        from starlette.concurrency import run_in_threadpool

        started = time.perf_counter()
        while not self.first() and time.perf_counter() - started < self.patience:
            await asyncio.sleep(0.1)  # the answerer's warm-up and Gradio's imports would share the GIL
        try:
            page = await run_in_threadpool(self.build)
            async with page.router.lifespan_context(page):
                blocks = page.get_blocks()
                blocks.run_startup_events()
                await blocks.run_extra_startup_events()
                self.app = page
                event("page_ready", "The chat page is ready", seconds=round(time.perf_counter() - started, 2))
                await self._stop.wait()
        except Exception as exc:  # the API keeps serving without the page
            self.failed = True
            event("page_failed", f"The chat page could not be built: {exc}", logging.ERROR)

    async def __call__(self, scope, receive, send) -> None:
        if self.app is not None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # try again later
            return
        if scope["type"] != "http":
            return
        message = ("The chat page could not be built; the API still answers. See the server's log."
                   if self.failed else MESSAGE)
        retry = {"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"}
        if scope["method"] == "GET" and "/gradio_api/" not in scope["path"]:  # a browser: a page that reloads
            from starlette.responses import HTMLResponse

            page = _STARTING.format(s=RETRY_SECONDS, message=html.escape(message))
            await HTMLResponse(page, status_code=503, headers=retry)(scope, receive, send)
            return
        start, body = json_error(503, "starting", message, retry)
        await send(start)
        await send({"type": "http.response.body", "body": body})
