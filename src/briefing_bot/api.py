"""The HTTP API: its routes (``/api/ask``, ``/api/health``, ``/api/sources``, ``/api/feedback``,
``/metrics``) and its errors, every one JSON ``{"error": {"code", "message"}}`` with the status the
OpenAPI document declares.

The whole web application (this API, the chat page, the widget, the guard) is put together in
``app.py``; ``create_app`` and ``serve`` are importable from here too.
"""


import ipaddress
import json
import logging
import threading
from typing import Any, AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound, Route

from .access import STATE_KEY, note_answer
from .config import Settings
from .errors import BriefingBotError, FeedbackError, IndexNotReady, InvalidQuestion, StoreError
from .feedback import FeedbackStore
from .knowledge import load_knowledge, source_rows
from .logs import event
from .metrics import CONTENT_TYPE, Metrics
from .schemas import (LANGUAGE_TAG_CHARS, MAX_HISTORY_ITEMS, MAX_TURN_CHARS, AnswerOut, HealthOut,
                      SourceRowOut, StreamEventOut, errors, request_models)
from .types import Answer
from .worker import AnswerService, Overloaded, TimedOut, Unavailable


def __getattr__(name: str):  # create_app and serve live in app.py (imported lazily: app.py imports this)
    if name in ("create_app", "serve"):
        from . import app

        return getattr(app, name)
    raise AttributeError(name)


class SafeJSON(JSONResponse):
    """JSON that never fails to encode (text that cannot be UTF-8 is replaced, not a 500)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8", "replace")


def error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    """The API's error response."""
    return SafeJSON({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def answer_object(answer: Answer) -> dict:
    """The answer object of the API (the CLI's JSON, plus ``answer_id``)."""
    return {**answer.to_dict(), "answer_id": answer.answer_id}


def sse(name: str, data: dict) -> bytes:
    """One server-sent event."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return f"event: {name}\ndata: {text}\n\n".encode("utf-8", "replace")


async def _server_sent(first: object, rest: AsyncIterator[object], noted: Callable[[dict], None]
                       ) -> AsyncIterator[bytes]:
    """The events of ``AnswerService.stream`` as server-sent events; the last is the answer object
    (or an error, the API's error body)."""
    from .generation import Accepted, Token, Withdrawn

    async def items():
        yield first
        async for item in rest:
            yield item

    try:
        async for item in items():
            if isinstance(item, Token):
                yield sse("token", {"text": item.text})
            elif isinstance(item, Accepted):
                yield sse("sentence", {"index": item.index, "text": item.text})
            elif isinstance(item, Withdrawn):
                yield sse("withdraw", {"reason": item.reason})
            elif isinstance(item, Answer):
                data = answer_object(item)
                noted(data)
                yield sse("answer", data)
    except BriefingBotError as exc:
        event("stream_failed", f"A streamed answer failed: {exc}", logging.ERROR)
        yield sse("error", {"error": {"code": "internal_error", "message": str(exc)}})
    except Exception as exc:  # noqa: BLE001 - the status is sent: the error goes in the stream
        event("server_error", f"A streamed answer failed: {exc!r}", logging.ERROR,
              exc_info=(type(exc), exc, exc.__traceback__))
        yield sse("error", {"error": {"code": "internal_error", "message": "Something went wrong on our side; "
                                                                         "it was logged."}})


class UnknownAnswer(BriefingBotError):
    """A vote on an answer that is not in the record (neither this server nor a replica sharing its
    database issued it)."""


class SourcesCache:
    """The documents of the knowledge folder, read once per index generation (not per request)."""

    def __init__(self, settings: Settings, generation: Callable[[], str | None]) -> None:
        self.settings = settings
        self.generation = generation
        self.lock = threading.Lock()
        self.key: object = object()
        self.rows: list[dict] = []

    def get(self) -> list[dict]:
        key = self.generation()
        with self.lock:
            if key != self.key:
                self.rows = source_rows(load_knowledge(self.settings.knowledge_dir))
                self.key = key
            return self.rows


def clear_message(problem: dict, settings: Settings) -> str:
    """A validation error as one sentence that says what to send."""
    loc = [str(p) for p in problem.get("loc", ()) if p not in ("body", "query")]
    field, kind = (loc[0] if loc else ""), problem.get("type", "")
    if field == "question":
        if kind in ("string_pattern_mismatch", "string_too_short"):
            return ("The question is empty. Type a question about the Convention against Cybercrime or the "
                    "Hanoi signing ceremony.")
        if kind == "string_too_long":
            return (f"The question is longer than {settings.max_question_chars:,} characters, the limit. "
                    "Shorten it and ask again.")
        if kind == "missing":
            return "'question' is missing. Send {\"question\": text, \"history\": [...]}."
        return "'question' must be text."
    if field == "history":
        return (f"'history' must be a list of at most {MAX_HISTORY_ITEMS} turns {{\"role\": \"user\" | \"assistant\", "
                f"\"content\": text of at most {MAX_TURN_CHARS:,} characters}}.")
    if field == "vote":
        return "'vote' must be the integer 1 (thumbs up) or -1 (thumbs down)."
    if field == "answer_id":
        return "'answer_id' must be the 16-character answer_id of an answer from /api/ask."
    if field == "language":
        return f"'language' must be a language tag such as fr-FR (at most {LANGUAGE_TAG_CHARS} characters)."
    if kind in ("model_attributes_type", "dict_type") or not field:
        return "The body must be a JSON object, such as {\"question\": \"...\", \"history\": []}."
    return f"Invalid request: {'.'.join(loc)}: {problem.get('msg', 'invalid')}."


def install_errors(app: FastAPI, settings: Settings) -> None:
    """Every error as JSON with its declared status."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        problems = exc.errors()
        first = problems[0] if problems else {}
        if first.get("type") == "json_invalid":
            return error(400, "malformed_json", "The body is not valid JSON. Send a JSON object such as "
                                                "{\"question\": \"...\", \"history\": []}.")
        return error(422, "invalid_request", clear_message(first, settings))

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException):
        codes = {400: "malformed_json", 404: "not_found", 405: "method_not_allowed"}
        message = {400: "The body cannot be read as JSON (is it valid UTF-8?).",
                   404: "There is nothing at this path.",
                   405: "This method is not allowed here."}.get(exc.status_code, str(exc.detail))
        return error(exc.status_code, codes.get(exc.status_code, "http_error"), message, exc.headers)

    @app.exception_handler(InvalidQuestion)
    async def _question(_request: Request, exc: InvalidQuestion):
        return error(422, "invalid_question", str(exc))

    @app.exception_handler(UnknownAnswer)
    async def _unknown(_request: Request, exc: UnknownAnswer):
        return error(404, "unknown_answer", str(exc))

    @app.exception_handler(Overloaded)
    async def _overloaded(_request: Request, exc: Overloaded):
        return error(503, "overloaded", str(exc), {"Retry-After": "5"})

    @app.exception_handler(IndexNotReady)  # Unavailable too
    async def _not_ready(_request: Request, exc: IndexNotReady):
        code = "unavailable" if isinstance(exc, Unavailable) and "being built" not in str(exc) else "not_ready"
        return error(503, code, str(exc), {"Retry-After": "30"})

    @app.exception_handler(TimedOut)
    async def _timeout(_request: Request, exc: TimedOut):
        return error(504, "timeout", str(exc))

    @app.exception_handler(FeedbackError)
    async def _record(_request: Request, exc: FeedbackError):
        event("feedback_unavailable", str(exc), logging.ERROR)
        return error(503, "unavailable", "Votes cannot be recorded right now; try again later.", {"Retry-After": "30"})

    @app.exception_handler(StoreError)
    async def _store(_request: Request, exc: StoreError):
        event("store_error", f"The index cannot be read: {exc}", logging.ERROR)
        return error(503, "unavailable", f"The index cannot be read right now ({exc}).", {"Retry-After": "30"})

    @app.exception_handler(BriefingBotError)
    async def _failed(_request: Request, exc: BriefingBotError):
        event("server_error", str(exc), logging.ERROR)
        return error(500, "internal_error", str(exc))

    @app.exception_handler(Exception)
    async def _crashed(request: Request, exc: Exception):
        rid = request.scope.get("state", {}).get(STATE_KEY, {}).get("request_id") or request.headers.get("x-request-id", "")
        event("server_error", f"Unexpected error in request {rid}: {exc!r}", logging.ERROR, id=rid,
              exc_info=(type(exc), exc, exc.__traceback__))
        return error(500, "internal_error", f"Something went wrong on our side; it was logged (request {rid}).")


class EveryMethod(BaseRoute):
    """One path (pattern) for every method, even those Starlette has no name for (QUERY, TRACE...)."""

    def __init__(self, path: str, endpoint: Callable) -> None:
        self.route = Route(path, endpoint, methods=["GET"], include_in_schema=False)
        self.path = path

    def matches(self, scope):
        match, child = self.route.matches(scope)
        return (Match.FULL, child) if match != Match.NONE else (Match.NONE, {})

    async def handle(self, scope, receive, send) -> None:
        await self.route.app(scope, receive, send)

    def url_path_for(self, name: str, /, **params):
        raise NoMatchFound(name, params)


def close_api_paths(app: FastAPI) -> None:
    """Any other method on an API path is 405 (with Allow), any other path under /api/ is 404, both
    JSON, instead of falling through to the chat page mounted at /."""
    allowed: dict[str, set[str]] = {}
    for route in app.routes:
        if isinstance(route, Route) and route.methods and (route.path.startswith("/api/") or route.path == "/metrics"):
            allowed.setdefault(route.path, set()).update(route.methods)

    for path, methods in allowed.items():
        allow = ", ".join(sorted(methods))

        async def refuse(_request: Request, allow: str = allow):
            raise HTTPException(405, headers={"Allow": allow})

        app.router.routes.append(EveryMethod(path, refuse))  # after the real ones: only other methods get here

    async def nothing(_request: Request):
        raise HTTPException(404)

    app.router.routes.append(EveryMethod("/api/{rest:path}", nothing))


def install_routes(app: FastAPI, settings: Settings, service: AnswerService, journal: FeedbackStore,
                   metrics: Metrics, sources: SourcesCache) -> None:
    """The API's routes over the answer service, the record of questions and votes, the metrics."""
    AskRequest, FeedbackRequest = request_models(settings)
    scrapers = [ipaddress.ip_network(n, strict=False) for n in settings.metrics_clients if n != "*"]
    anyone_scrapes = "*" in settings.metrics_clients

    @app.post("/api/ask", summary="Answer a question", response_model=None,
                 responses={200: {"model": AnswerOut, "description": "The answer object; with stream (or Accept: "
                                  "text/event-stream), server-sent events ending with it",
                                  "content": {"text/event-stream": {"schema": StreamEventOut.model_json_schema()}}},
                            **errors(400, 413, 422, 429, 503, 504)})
    async def ask(body: AskRequest, request: Request) -> Response:  # type: ignore[valid-type]
        """A cited answer (verbatim quotes, or generated and validated), or a polite decline
        (``answered: false``) with suggestions."""
        history = [t.model_dump() for t in body.history]
        if not (body.stream or "text/event-stream" in request.headers.get("accept", "")):
            answer = await service.answer(body.question, history)
            data = answer_object(answer)
            note_answer(request.scope.setdefault("state", {}), data, body.question)
            return SafeJSON(data)
        events = service.stream(body.question, history)
        first = await anext(events)  # errors before the first event keep their status (422, 503, 504...)
        state = request.scope.setdefault("state", {})
        return StreamingResponse(_server_sent(first, events, lambda data: note_answer(state, data, body.question)),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/api/health", summary="Readiness", response_model=None,
                responses={200: {"model": HealthOut, "description": "Answering"},
                           503: {"model": HealthOut, "description": "Starting or degraded (see detail)",
                                 "headers": errors(503)[503]["headers"]}, **errors(429)})
    def health() -> Response:
        status, reason = service.health()
        data = {"status": status, "detail": reason, "queue": service.queue.qsize(), "restarts": service.restarts}
        info = getattr(service.pipeline, "index", None)
        if status == "ok" and info is not None:
            data.update(model=info.model, passages=info.passages, built_at=info.built_at, generation=info.generation)
        if status == "ok":
            return SafeJSON(data)
        return SafeJSON(data, status_code=503, headers={"Retry-After": "30"})

    @app.get("/api/sources", summary="The documents the bot cites", response_model=None,
                responses={200: {"model": list[SourceRowOut], "description": "One row per document"}, **errors(429)})
    async def list_sources() -> Response:
        return SafeJSON(await run_in_threadpool(sources.get))

    @app.post("/api/feedback", summary="Thumbs up or down on an answer", status_code=204,
                 response_class=Response,
                 responses={204: {"description": "Recorded"}, **errors(400, 404, 413, 422, 429, 503)})
    async def vote(body: FeedbackRequest) -> Response:  # type: ignore[valid-type]
        """Only for answers this service gave (their ``answer_id``; any replica sharing the database), within the retention period."""
        if not await run_in_threadpool(journal.vote, body.answer_id, body.vote):
            raise UnknownAnswer(f"No answer {body.answer_id} was given by this service (or it is older than "
                                f"{settings.retention_days} days). Vote on an answer_id from /api/ask.")
        return Response(status_code=204)

    @app.get("/metrics", summary="Prometheus metrics", response_class=Response,
                responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                                 "description": "Prometheus text format"}, **errors(403, 429)})
    def prometheus(request: Request) -> Response:
        """Readable from the addresses in ``metrics_clients`` only (default: this machine)."""
        client = request.client.host if request.client else ""
        try:
            allowed = anyone_scrapes or any(ipaddress.ip_address(client) in n for n in scrapers)
        except ValueError:
            allowed = anyone_scrapes
        if not allowed:
            return error(403, "forbidden", "Metrics are not readable from this address (see BRIEFING_BOT_METRICS_CLIENTS).")
        return Response(metrics.render(), media_type=CONTENT_TYPE)
