"""Request ids, the request log and the HTTP metrics (pure ASGI, outside the guard so that refused
requests are seen too).

Each request gets an id: the client's ``X-Request-ID`` when it is a short token, else a new one.
The id is put in the request's headers (so that a Gradio event sees it in ``gr.Request``) and sent
back in ``X-Request-ID``. A route that answers a question notes its language, answered and support
with ``note_answer``; they go on the request's log line."""

from __future__ import annotations

import re
import time
import uuid

from .guard import route_path
from .logs import request_line
from .metrics import Metrics, route_label

_TOKEN = re.compile(rb"[A-Za-z0-9._-]{1,64}")
STATE_KEY = "briefing_bot"


def note_answer(state: dict, answer: dict, question: str | None = None) -> None:
    """Record, for the request's log line, the answer it got (``state``: the ASGI scope's state)."""
    noted = state.setdefault(STATE_KEY, {})
    noted["answer"] = {"language": answer.get("language", ""), "answered": answer.get("answered", False),
                       "support": answer.get("support", 0.0), "cached": answer.get("cached", False),
                       "mode": answer.get("mode", "extractive"), "fallback_reason": answer.get("fallback_reason")}
    if question is not None:
        noted["question"] = question


def request_id(headers) -> str:
    """The id of a request with these headers (a list of (name, value) bytes pairs or a mapping)."""
    items = headers.items() if hasattr(headers, "items") else headers
    for name, value in items:
        name = name.lower() if isinstance(name, str) else name.decode("latin-1").lower()
        if name == "x-request-id":
            raw = value.encode("latin-1") if isinstance(value, str) else value
            if _TOKEN.fullmatch(raw):
                return raw.decode()
    return uuid.uuid4().hex[:16]


class AccessLog:
    """See the module's documentation. ``log_questions``: put question texts in the log lines."""

    def __init__(self, app, metrics: Metrics, log_questions: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.log_questions = log_questions

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        rid = request_id(scope.get("headers") or [])
        headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"x-request-id"]
        scope = {**scope, "headers": headers + [(b"x-request-id", rid.encode())]}
        state = scope.setdefault("state", {})
        state[STATE_KEY] = {"request_id": rid}
        status = 500

        async def sending(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": list(message.get("headers", [])) + [(b"x-request-id", rid.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_label(route_path(scope))
            seconds = time.perf_counter() - start
            noted = state.get(STATE_KEY, {})
            self.metrics.request(route, scope["method"], status, seconds)
            request_line(request_id=rid, route=route, method=scope["method"], status=status,
                         latency_ms=seconds * 1000, answer=noted.get("answer"),
                         question=noted.get("question") if self.log_questions else None)
