"""The web application, put together: the HTTP API (``api.py``), the chat page (``web.py``, Gradio),
the widget (``widget.py``), behind one guard (``guard.py``), observed (``access.py``, ``metrics.py``,
``logs.py``), over one supervised answer worker (``worker.py``) and one record of questions and
votes (``feedback.py``).

Requests pass, outermost first: uvicorn's proxy-headers middleware (only with ``trusted_proxies``:
the client becomes the address their X-Forwarded-For names), the access log and metrics, CORS
(deny-by-default: only ``allowed_origins``), the guard (routes turned off, bodies bounded, rate
limits, security headers), then the routes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .access import AccessLog
from .api import SourcesCache, close_api_paths, install_errors, install_routes
from .config import Settings
from .errors import FeedbackError
from .feedback import FeedbackStore
from .guard import Guard, Refused
from .ingest import progress_bar
from .lazy_page import LazyPage
from .logs import configure as configure_logging
from .logs import event
from .metrics import Metrics
from .pipeline import Pipeline
from .ratelimit import RateLimits, rules_from
from .types import Answer
from .worker import AnswerService

API_PREFIXES = ("/api/", "/metrics", "/docs", "/openapi.json")
STATIC = ("/assets/", "/static/", "/svelte/", "/favicon.ico", "/theme.css", "/manifest.json", "/widget.js",
          "/widget.css", "/embed.js", "/robots.txt")
# Gradio routes that this product does not use: uploads and file serving, streaming inputs, run
# history, monitoring, live editing, proxying, login. They answer 404 before reaching Gradio.
TURNED_OFF = ("/gradio_api/upload", "/gradio_api/upload_progress", "/gradio_api/process_recording",
              "/gradio_api/stream/", "/gradio_api/file=", "/gradio_api/file/", "/gradio_api/proxy=",
              "/gradio_api/run-history", "/gradio_api/runs", "/gradio_api/vibe-", "/gradio_api/undo-vibe-",
              "/gradio_api/dev/", "/gradio_api/component_server", "/gradio_api/mcp", "/gradio_api/deep_link",
              "/gradio_api/reset", "/monitoring", "/login", "/logout", "/gradio_api/login", "/file=", "/upload")


def turned_off(path: str) -> bool:
    return path.startswith(TURNED_OFF)


def is_static(path: str) -> bool:
    return path.startswith(STATIC)


class Kinds:
    """Which named rate limit a request counts against, besides the general one: asking a question
    (the API, the widget, the chat page's events, the chat's Gradio API) or voting. The chat page
    adds its events once it is built; a Gradio event that names no event of the page is refused
    here (Gradio would answer it with a 500)."""

    def __init__(self) -> None:
        self.events: dict[int, str] = {}  # Gradio fn index -> limit ("" for none)
        self.endpoints: dict[str, str] = {}  # Gradio api name -> limit

    def __call__(self, method: str, path: str, body: bytes) -> tuple[str, ...]:
        if method != "POST":
            return ()
        if path == "/api/ask":
            return ("ask",)
        if path == "/api/feedback":
            return ("feedback",)
        if path.rstrip("/") == "/gradio_api/queue/join" and self.events:
            try:
                event = json.loads(body)
            except (ValueError, RecursionError):
                raise Refused(400, "malformed_json", "The body is not valid JSON (or is nested too deeply).") from None
            index = event.get("fn_index") if isinstance(event, dict) else None
            if isinstance(index, bool) or not isinstance(index, int) or index not in self.events:
                raise Refused(422, "invalid_request", "The body does not name an event of this page (fn_index).")
            return (self.events[index],) if self.events[index] else ()
        for prefix in ("/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/"):
            if path.startswith(prefix):
                name = path[len(prefix):].strip("/").split("/")[0]
                return (self.endpoints[name],) if self.endpoints.get(name) else ()
        return ()


def create_app(settings: Settings, pipeline: Pipeline | None = None, with_ui: bool = True,
               lazy_ui: bool = False) -> FastAPI:
    """The whole web application: API, chat page (Gradio), widget and embed script (``lazy_ui``:
    the page is built after the server has started, see ``lazy_page``)."""
    pipeline = pipeline or Pipeline(settings)
    metrics = Metrics()
    journal = FeedbackStore.from_settings(settings)
    limits = RateLimits(settings.rate_limit_uri, rules_from(settings))

    def delivered(answer: Answer, seconds: float) -> None:
        metrics.answered(answer.language, answer.answered, seconds)
        journal.record(answer)

    def index_changed() -> None:
        info = getattr(pipeline, "index", None)
        if info is not None:
            metrics.set_index(info.generation, info.model, info.built_at)

    service = AnswerService(pipeline, queue_size=settings.queue_size, timeout=settings.answer_timeout_seconds,
                            on_answer=delivered, on_refused=lambda reason: metrics.refused.labels(reason).inc(),
                            on_ready=index_changed, on_restart=metrics.worker_restarts.inc,
                            progress=progress_bar("Building the index"))
    metrics.watch(service.queue.qsize, lambda: 1.0 if service.health()[0] == "ok" else 0.0)
    if getattr(pipeline, "cache", None) is not None:
        metrics.watch_cache(pipeline.cache.counts)
    sources = SourcesCache(settings, lambda: getattr(getattr(pipeline, "index", None), "generation", None))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            await run_sync(journal.purge)
        except FeedbackError as exc:  # answering does not wait for the database
            event("feedback_unavailable", str(exc), logging.ERROR)
        service.start()
        page = getattr(_app.state, "page", None)
        if page is not None:
            await page.start()
        yield
        if page is not None:
            await page.stop()
        service.stop()

    app = FastAPI(title="briefing-bot API", version="0.2.0", lifespan=lifespan,
                  description="Cited, verbatim answers about the UN Convention against Cybercrime. Every error is "
                              "JSON {\"error\": {\"code\", \"message\"}}.")
    app.state.service = service
    app.state.journal = journal
    app.state.metrics = metrics
    app.state.limits = limits
    install_errors(app, settings)
    install_routes(app, settings, service, journal, metrics, sources)

    from .widget import install as install_widget

    install_widget(app, settings)
    close_api_paths(app)  # before the chat page, which is mounted at /
    kinds = Kinds()

    def mount_page():
        """Build the chat page and mount it at "/"; return the mounted Gradio app."""
        import gradio as gr

        from .web import build_app, install_errors as install_page_errors

        page = build_app(service.answer, settings, journal, stream=service.stream)
        kinds.events, kinds.endpoints = page.limited_events, page.limited_endpoints
        gr.mount_gradio_app(app, page, path="/", root_path=settings.root_path or None, run_history=False,
                            footer_links=["api"], show_error=False, max_file_size=1, enable_monitoring=False,
                            pwa=False, mcp_server=False, ssr_mode=False)
        install_page_errors(app)
        return app.routes[-1].app

    if with_ui and lazy_ui:
        def detached_page():
            built = mount_page()
            app.router.routes.pop()  # served through the LazyPage mounted at "/" before it
            return built

        app.state.page = LazyPage(detached_page, first=lambda: service.health()[0] != "starting")
        app.mount("/", app.state.page)
    elif with_ui:
        mount_page()

    app.add_middleware(Guard, limits=limits, max_body_bytes=settings.max_body_bytes, classify=kinds,
                       frame_ancestors=settings.allowed_origins, disabled=turned_off, exempt=is_static,
                       on_limited=lambda name: metrics.rate_limited.labels(name).inc(), api_prefixes=API_PREFIXES)
    app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", "X-Request-ID"], expose_headers=["Retry-After", "X-Request-ID"],
                       max_age=600)
    app.add_middleware(AccessLog, metrics=metrics, log_questions=settings.log_questions)
    if settings.trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    if settings.root_path:
        app.add_middleware(RootPath, root_path=settings.root_path)
    return app


class RootPath:
    """Requests carry ``root_path`` even when the server was not told it (uvicorn --root-path):
    routes, links and the guard then see the same paths whether the proxy strips the prefix or not."""

    def __init__(self, app, root_path: str) -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and not scope.get("root_path"):
            scope = {**scope, "root_path": self.root_path}
        await self.app(scope, receive, send)


async def run_sync(fn, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def serve(settings: Settings, host: str | None = None, port: int | None = None, open_browser: bool = False,
          pipeline: Pipeline | None = None, with_ui: bool = True) -> None:
    """Run the web application (chat page, widget, API) with uvicorn (``pipeline``, ``with_ui``: as
    for ``create_app``)."""
    import uvicorn

    configure_logging(settings.log_level)
    host, port = host or settings.host, port or settings.port
    url = f"http://{host}:{port}{settings.root_path}/"
    print(f"briefing-bot: {url} (chat), {url}widget, {url}docs (API); the index loads in the background")
    event("serve", f"Serving on {url}", host=host, port=port, trusted_proxies=settings.trusted_proxies)
    if open_browser:
        import webbrowser

        threading.Timer(2.0, webbrowser.open, [url]).start()  # a no-op where there is no browser
    # The app applies uvicorn's proxy-headers middleware itself, with trusted_proxies: uvicorn's own
    # (which trusts 127.0.0.1 by default) is off so that nothing else rewrites the client.
    uvicorn.run(create_app(settings, pipeline, with_ui, lazy_ui=True), host=host, port=port, root_path=settings.root_path, log_level="warning",
                access_log=False, proxy_headers=False, server_header=False)
