"""The HTTP API and the web server: FastAPI with the Gradio chat, the widget and its embed script.

Safe by default: embedding and cross-origin calls are denied except to ``allowed_origins`` (CORS and
``Content-Security-Policy: frame-ancestors``), request bodies and questions are bounded, and every
client has a rate limit. Errors are JSON ``{"error": {"code", "message"}}`` with the right status.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.middleware.base import BaseHTTPMiddleware

from .config import Settings
from .errors import BriefingBotError, IndexNotReady, InvalidQuestion
from .feedback import FeedbackStore
from .ingest import progress_bar
from .knowledge import load_knowledge, source_rows
from .pipeline import Pipeline


class Turn(BaseModel):
    role: str = Field(description="'user' or 'assistant'")
    content: str


class AskRequest(BaseModel):
    question: str = Field(description="The journalist's question, in any language (at most 2,000 characters).")
    history: list[Turn] = Field(default_factory=list, description="Earlier turns, oldest first, for follow-ups.")


class FeedbackRequest(BaseModel):
    answer_id: str = Field(max_length=64)
    question: str = Field(max_length=4000)
    vote: int = Field(description="1 (thumbs up) or -1 (thumbs down)")


def error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    """The API's error response."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class RateLimiter:
    """A token bucket per client: ``per_minute`` questions a minute, ``burst`` at once."""

    def __init__(self, per_minute: int, burst: int, max_clients: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def check(self, client: str) -> float:
        """0 when the client may go on, else the seconds to wait."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self.buckets[client] = (tokens, now)
            while len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
            return wait


class Guard(BaseHTTPMiddleware):
    """Body size limit and security headers on every response."""

    def __init__(self, app, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings
        ancestors = " ".join(settings.allowed_origins) or "'none'"
        self.page_csp = f"frame-ancestors {ancestors}"

    async def dispatch(self, request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_body_bytes):
            return self._secure(error(413, "body_too_large",
                                      f"The request body is larger than {self.settings.max_body_bytes:,} bytes."))
        if request.method in ("POST", "PUT", "PATCH") and length is None and request.url.path.startswith("/api/"):
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > self.settings.max_body_bytes:
                    return self._secure(error(413, "body_too_large", "The request body is too large."))
            request._body = body  # already read: let the endpoint use it
        return self._secure(await call_next(request))

    def _secure(self, response):
        response.headers.setdefault("Content-Security-Policy", self.page_csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if not self.settings.allowed_origins:
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response


class Service:
    """The pipeline behind a queue: warmed up in the background (503 until ready), and questions
    that arrive together are embedded together by one worker thread (micro-batching), which keeps
    latency flat under concurrent load on a 2-core CPU."""

    def __init__(self, pipeline: Pipeline, max_batch: int = 16) -> None:
        self.pipeline = pipeline
        self.max_batch = max_batch
        self.ready = threading.Event()
        self.failure: str | None = None
        self.queue: queue.Queue[tuple[object, object, Future]] = queue.Queue()

    def start(self) -> None:
        threading.Thread(target=self._run, name="answers", daemon=True).start()

    def _run(self) -> None:
        try:
            self.pipeline.warm_up(progress=progress_bar("Building the index"), notify=print)
            self.ready.set()
        except BriefingBotError as exc:
            self.failure = str(exc)
            print(f"Error: {exc}")
            return
        while True:
            batch = [self.queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                results = self.pipeline.ask_many([(question, history) for question, history, _ in batch])
            except Exception as exc:  # keep serving: each waiting request gets the error
                results = [exc] * len(batch)
            for (_, _, future), result in zip(batch, results):
                future.set_exception(result) if isinstance(result, BaseException) else future.set_result(result)

    def ask(self, question: object, history: object):
        """Answer one question (blocks until the worker has answered it)."""
        if not self.ready.is_set():
            raise IndexNotReady(self.failure or "The index is being built; try again in a minute.")
        future: Future = Future()
        self.queue.put((question, history, future))
        return future.result(timeout=120)


def client_of(request: Request, settings: Settings) -> str:
    """The client's address (from X-Forwarded-For only behind a trusted proxy)."""
    if settings.trust_forwarded_for and request.headers.get("x-forwarded-for"):
        return request.headers["x-forwarded-for"].split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def serve(settings: Settings, host: str | None = None, port: int | None = None, open_browser: bool = False) -> None:
    """Run the web application (chat page, widget, API) with uvicorn."""
    import uvicorn

    host, port = host or settings.host, port or settings.port
    url = f"http://{host}:{port}{settings.root_path}/"
    print(f"briefing-bot: {url} (chat), {url}widget, {url}docs (API); the index loads in the background")
    if open_browser:
        import webbrowser

        threading.Timer(2.0, webbrowser.open, [url]).start()  # a no-op where there is no browser
    uvicorn.run(create_app(settings), host=host, port=port, root_path=settings.root_path, log_level="warning")


def create_app(settings: Settings, pipeline: Pipeline | None = None, with_ui: bool = True) -> FastAPI:
    """The whole web application: API, chat page (Gradio), widget and embed script."""
    service = Service(pipeline or Pipeline(settings))
    limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    feedback = FeedbackStore(settings.feedback_db)
    app = FastAPI(title="briefing-bot API", version="0.1.0", root_path=settings.root_path,
                  description="Cited, verbatim answers about the UN Convention against Cybercrime.")
    app.state.service = service
    app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], max_age=600)
    app.add_middleware(Guard, settings=settings)

    @app.exception_handler(InvalidQuestion)
    async def _invalid(_request: Request, exc: InvalidQuestion):
        return error(400, "invalid_question", str(exc))

    @app.exception_handler(IndexNotReady)
    async def _not_ready(_request: Request, exc: IndexNotReady):
        return error(503, "not_ready", str(exc), {"Retry-After": "30"})

    @app.exception_handler(BriefingBotError)
    async def _failed(_request: Request, exc: BriefingBotError):
        return error(500, "server_error", str(exc))

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def _malformed(_request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
        return error(400, "bad_request", f"Invalid request: {where}: {first.get('msg', 'malformed JSON')}. "
                                         "Send {\"question\": text, \"history\": [...]}.")

    @app.post("/api/ask", summary="Answer a question", responses={
        400: {"description": "Empty, over-long or malformed question"}, 413: {"description": "Body too large"},
        429: {"description": "Too many questions from this client (see Retry-After)"},
        503: {"description": "The index is being built"}})
    def ask(body: AskRequest, request: Request) -> dict:
        """The answer object of the CLI's JSON contract (see the README)."""
        wait = limiter.check(client_of(request, settings))
        if wait:
            return error(429, "rate_limited", f"Too many questions; wait {math.ceil(wait)} s.",
                         {"Retry-After": str(math.ceil(wait))})
        answer = service.ask(body.question, [t.model_dump() for t in body.history])
        return {**answer.to_dict(), "answer_id": answer.answer_id}

    @app.get("/api/health", summary="Readiness")
    def health() -> JSONResponse:
        if service.ready.is_set():
            info = service.pipeline.store.active()
            return JSONResponse({"status": "ok", "model": info.model, "passages": info.passages,
                                 "built_at": info.built_at})
        status = "failed" if service.failure else "starting"
        return JSONResponse({"status": status, "detail": service.failure or "building the index"},
                            status_code=503, headers={"Retry-After": "30"})

    @app.get("/api/sources", summary="The documents the bot cites")
    def sources() -> list[dict]:
        return source_rows(load_knowledge(settings.knowledge_dir))

    @app.post("/api/feedback", summary="Thumbs up or down on an answer", status_code=204)
    def vote(body: FeedbackRequest) -> None:
        if body.vote not in (1, -1):
            raise InvalidQuestion("'vote' must be 1 or -1.")
        feedback.add(body.question, body.answer_id, body.vote)

    from .widget import install as install_widget

    install_widget(app, settings)
    if with_ui:
        import gradio as gr

        from .web import build_app

        gr.mount_gradio_app(app, build_app(service.ask, settings, feedback), path="/", root_path=settings.root_path or None)
    app.router.on_startup.append(service.start)
    return app
