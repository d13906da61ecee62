"""The guard in front of every route (pure ASGI): the API, the chat page and its Gradio events, the
widget. In order, for each HTTP request:

1. routes that the product does not use (Gradio's uploads, file serving, run history...) answer 404;
2. the client's general request rate is checked (static files excepted);
3. a request body, chunked or not, is read up to ``max_body_bytes`` (413 beyond) and replayed to
   the application, so that no route ever reads an unbounded body;
4. the limit that the request's kind names (asking a question, voting) is checked: 429 with
   Retry-After beyond it;
5. security headers go on every response: ``Content-Security-Policy: frame-ancestors`` (the
   widget's own stricter policy is kept), ``X-Frame-Options: DENY`` when no origin may embed,
   ``nosniff``, a referrer policy.

The client is ``scope["client"]``: the connecting address, or the one that uvicorn's proxy-headers
middleware took from X-Forwarded-For of a trusted proxy. Paths are taken relative to the
``root_path`` (behind a proxy under /bot, /bot/api/ask and /api/ask are the same route).
Refusals are JSON ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable, Iterable

from .ratelimit import RateLimits

Classify = Callable[[str, str, bytes], Iterable[str]]  # (method, path, body) -> names of limits


class Refused(Exception):
    """Raised by a classifier: the request is refused with this status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def route_path(scope: dict) -> str:
    """The request's path without the root path (whether or not the server kept it in ``path``)."""
    path, root = scope.get("path", "/"), scope.get("root_path", "")
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):] or "/"
    return path


def json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None,
               detail: bool = False) -> tuple[dict, bytes]:
    """The start message and body of an error response (``detail``: also the message as
    ``detail``, which Gradio's page shows)."""
    payload: dict = {"error": {"code": code, "message": message}}
    if detail:
        payload["detail"] = message
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    return {"type": "http.response.start", "status": status, "headers": raw}, body


class Guard:
    """See the module's documentation."""

    def __init__(self, app, *, limits: RateLimits, max_body_bytes: int, classify: Classify,
                 frame_ancestors: Iterable[str] = (), disabled: Callable[[str], bool] = lambda _p: False,
                 exempt: Callable[[str], bool] = lambda _p: False,
                 on_limited: Callable[[str], None] = lambda _name: None,
                 api_prefixes: tuple[str, ...] = ("/api/", "/metrics")) -> None:
        self.app = app
        self.limits = limits
        self.max_body = max_body_bytes
        self.classify = classify
        self.disabled = disabled
        self.exempt = exempt
        self.on_limited = on_limited
        self.api_prefixes = api_prefixes
        origins = " ".join(frame_ancestors) or "'none'"
        self.headers = [(b"content-security-policy", f"frame-ancestors {origins}".encode()),
                        (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"strict-origin-when-cross-origin")]
        if origins == "'none'":
            self.headers.append((b"x-frame-options", b"DENY"))

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":  # the product uses none
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._secured(send)
        path, method = route_path(scope), scope["method"]
        client = (scope.get("client") or ("unknown", 0))[0]
        gradio = not path.startswith(self.api_prefixes)

        async def refuse(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
            start, body = json_error(status, code, message, headers, detail=gradio)
            await send(start)
            await send({"type": "http.response.body", "body": body})

        if self.disabled(path):
            return await refuse(404, "not_found", "This route is turned off on this server.")
        if not self.exempt(path):
            wait = await self.limits.hit("requests", client)
            if wait:
                self.on_limited("requests")
                return await refuse(429, "rate_limited", f"Too many requests; wait {wait} s.",
                                    {"Retry-After": str(wait)})
        body = b""
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return await refuse(400, "bad_request", "The Content-Length header is not a number.")
            if int(length) > self.max_body:
                return await refuse(413, "body_too_large",
                                    f"The request body is larger than {self.max_body:,} bytes.")
        if method not in ("GET", "HEAD", "OPTIONS") or length not in (None, b"0") or b"transfer-encoding" in headers:
            chunks, size = [], 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client left
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    return await refuse(413, "body_too_large",
                                        f"The request body is larger than {self.max_body:,} bytes.")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            receive = _replay(body, receive)
        try:
            names = tuple(self.classify(method, path, body))
        except Refused as refusal:
            return await refuse(refusal.status, refusal.code, refusal.message)
        for name in names:
            wait = await self.limits.hit(name, client)
            if wait:
                self.on_limited(name)
                what = {"ask": "questions", "feedback": "votes"}.get(name, "requests")
                return await refuse(429, "rate_limited", f"Too many {what}; wait {wait} s.",
                                    {"Retry-After": str(wait)})
        await self.app(scope, receive, send)

    def _secured(self, send) -> Callable[[dict], Awaitable[None]]:
        async def secured(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                if extra:
                    message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return secured


def _replay(body: bytes, receive):
    """A ``receive`` that gives the buffered body once, then waits for the client as before."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
