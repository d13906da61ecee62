"""A battery of bad inputs across every route of the web application: malformed and truncated JSON,
wrong types, huge and deeply nested bodies, control characters, null bytes, bidi overrides,
invalid UTF-8, HTML and script, oversized history, wrong content types and methods.

Each case is (category, method, path, headers, body). The web application must answer every one
with a documented status and, for an error, a JSON ``{"error": {"code", "message"}}``. Used by
``tests/test_bad_inputs.py`` (in process) and ``bench/drills/bad_inputs.py`` (over HTTP).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

JSON = {"Content-Type": "application/json"}
# The statuses the API documents (OpenAPI) and the chat page's routes may give.
DOCUMENTED = {200, 204, 400, 403, 404, 405, 413, 422, 429, 503}


@dataclass(frozen=True)
class Case:
    category: str
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=lambda: dict(JSON))

    @property
    def label(self) -> str:
        return f"{self.category}: {self.method} {self.path} {self.body[:40]!r}"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def nested(depth: int, kind: str = "list") -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def cases(event_index: int = 0, answer_id: str = "0123456789abcdef") -> list[Case]:
    """The battery (``event_index``: a Gradio event of the chat page that asks a question)."""
    out: list[Case] = []
    post_routes = ["/api/ask", "/api/feedback", "/gradio_api/queue/join", "/gradio_api/call/ask"]
    valid = {"/api/ask": {"question": "When is the signing ceremony?", "history": []},
             "/api/feedback": {"answer_id": answer_id, "vote": 1},
             "/gradio_api/queue/join": {"data": ["When is the signing ceremony?", None, None, None],
                                        "fn_index": event_index, "session_hash": "battery", "trigger_id": None},
             "/gradio_api/call/ask": {"data": ["When is the signing ceremony?", []]}}

    # malformed JSON, on every POST route
    for path in post_routes:
        for body in (b"{", b"}", b"[", b'{"question": }', b"{'question': 'x'}", b'{"question": "x",}', b"nul",
                     b'{"question": NaN}', b'{"question": "x"} trailing', b"\xef\xbb\xbf{}", b"{{}}", b'"just a string"'):
            out.append(Case("malformed JSON", "POST", path, body))
    # truncated JSON: the valid body cut at several places
    for path in post_routes:
        full = _json(valid[path])
        for cut in (1, len(full) // 3, len(full) // 2, len(full) - 1):
            out.append(Case("truncated JSON", "POST", path, full[:cut]))
    # wrong types
    for value in (42, 4.2, True, None, [], {}, ["Who?"], {"text": "Who?"}):
        out.append(Case("wrong types", "POST", "/api/ask", _json({"question": value})))
    for history in ("yesterday", 7, {"role": "user"}, ["Who?"], [{"role": "robot", "content": "x"}],
                    [{"role": "user", "content": 5}], [{"role": "user"}], [None]):
        out.append(Case("wrong types", "POST", "/api/ask", _json({"question": "Who?", "history": history})))
    for vote in ("1", 1.5, True, None, 2, 0, -2, [1]):
        out.append(Case("wrong types", "POST", "/api/feedback", _json({"answer_id": answer_id, "vote": vote})))
    for aid in (12345, None, "", "x" * 17, "ZZZZZZZZZZZZZZZZ", ["a"]):
        out.append(Case("wrong types", "POST", "/api/feedback", _json({"answer_id": aid, "vote": 1})))
    for data in ("x", 5, None, {"a": 1}):
        out.append(Case("wrong types", "POST", "/gradio_api/queue/join",
                        _json({"data": data, "fn_index": event_index, "session_hash": "battery"})))
    for fn in ("0", -1, 10_000, None, 1.5, True):
        out.append(Case("wrong types", "POST", "/gradio_api/queue/join",
                        _json({"data": [], "fn_index": fn, "session_hash": "battery"})))
    # huge bodies and fields
    for path in post_routes:
        out.append(Case("huge body", "POST", path, b'{"question": "' + b"x" * 20_000 + b'"}'))
        out.append(Case("huge body", "POST", path, b" " * 1_000_000))
    out.append(Case("huge body", "POST", "/api/ask", _json({"question": "x" * 2001})))
    out.append(Case("huge body", "POST", "/api/ask", _json({"question": "Who?", "history": [{"role": "user", "content": "y"}] * 1000})))
    # deeply nested
    for path in post_routes:
        out.append(Case("deeply nested", "POST", path, nested(5000)))
        out.append(Case("deeply nested", "POST", path, nested(3000, "object")))
    out.append(Case("deeply nested", "POST", "/api/ask",
                    b'{"question": "Who?", "history": [{"role": "user", "content": ' + nested(2000) + b"}]}"))
    # control characters, null bytes, bidi overrides, HTML and script in the question
    strange = {
        "control characters": ["\x01\x02\x03 Who?", "Who\x1b[31m chairs?", "\x7f\x85\x9f", "\t\n\r\x0b\x0c", "\x1c\x1d\x1e\x1f"],
        "null bytes": ["\x00", "Who\x00 chairs?", "\x00" * 100],
        "bidi overrides": ["\u202eWho chairs?\u202c", "\u2066\u2067\u2068\u2069", "\u200f\u200e\u061c", "\u202a\u202b\u202d"],
        "HTML and script": ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "javascript:alert(1)",
                            "{{7*7}} ${7*7} <%= 7*7 %>", "'; DROP TABLE questions; --", "</textarea><svg onload=alert(1)>"],
    }
    for category, texts in strange.items():
        for text in texts:
            out.append(Case(category, "POST", "/api/ask", _json({"question": text})))
            out.append(Case(category, "POST", "/gradio_api/queue/join", _json(
                {"data": [text, None, None, None], "fn_index": event_index, "session_hash": "battery"})))
        out.append(Case(category, "GET", "/api/suggestions?language=" + "".join(f"%{b:02X}" for b in texts[0].encode())))
        out.append(Case(category, "POST", "/api/ask", _json({"question": "Who?", "history": [{"role": "user", "content": texts[0]}]})))
    # invalid UTF-8 (raw bytes) and lone surrogates (JSON escapes)
    for raw in (b"\xff\xfe", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"):
        for path in post_routes[:3]:
            out.append(Case("invalid UTF-8", "POST", path, b'{"question": "Who' + raw + b'?"}'))
    for escape in (b"\\ud800", b"\\udfff", b"a\\ud83d", b"\\ud83d\\u0041"):
        out.append(Case("invalid UTF-8", "POST", "/api/ask", b'{"question": "' + escape + b'"}'))
        out.append(Case("invalid UTF-8", "POST", "/api/ask",
                        b'{"question": "Who?", "history": [{"role": "user", "content": "' + escape + b'"}]}'))
    out.append(Case("invalid UTF-8", "GET", "/api/suggestions?language=%FF%FE"))
    out.append(Case("invalid UTF-8", "GET", "/api/suggestions?language=%ED%A0%80"))
    # oversized history
    out.append(Case("oversized history", "POST", "/api/ask", _json({"question": "Who?", "history": [{"role": "user", "content": "x"}] * 33})))
    out.append(Case("oversized history", "POST", "/api/ask", _json({"question": "Who?", "history": [{"role": "user", "content": "x" * 8001}]})))
    out.append(Case("oversized history", "POST", "/api/ask", _json({"question": "Who?", "history": [{"role": "user", "content": "x" * 4000}] * 16})))
    out.append(Case("oversized history", "POST", "/gradio_api/call/ask", _json({"data": ["Who?", [{"role": "user", "content": "x" * 4000}] * 8]})))
    # wrong content types and methods
    for headers in ({"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"},
                    {"Content-Type": "multipart/form-data; boundary=x"}, {}):
        out.append(Case("content type", "POST", "/api/ask", _json(valid["/api/ask"]), headers))
        out.append(Case("content type", "POST", "/api/feedback", b"answer_id=x&vote=1", headers))
    for method in ("PUT", "DELETE", "PATCH"):
        for path in ("/api/ask", "/api/feedback", "/api/health", "/api/sources", "/api/suggestions", "/metrics"):
            out.append(Case("method", method, path, b"{}"))
    for path in ("/api/health", "/api/sources", "/metrics", "/widget", "/embed.js", "/", "/api/nothing", "/gradio_api/upload",
                 "/gradio_api/file=/etc/passwd", "/gradio_api/info", "/config"):
        out.append(Case("method", "POST", path, b"{}"))
    # query strings
    for query in ("language=" + "x" * 65, "language=%00", "language=%zz", "language=<script>", "language=" + "a" * 5000,
                  "language=en&language=fr", "language[]=x"):
        out.append(Case("query", "GET", "/api/suggestions?" + query))
    return out
