"""Bad-input drill over real HTTP: the battery of battery.py (malformed and truncated JSON, wrong
types, huge and deeply nested bodies, control characters, null bytes, bidi overrides, invalid
UTF-8, HTML and script, oversized history, wrong content types and methods) plus what only raw
sockets can send (a malformed Content-Length, a body shorter than announced, a chunked body that
never ends within the limit). Every answer must be a documented status with a JSON error.

    .venv/bin/python bench/drills/bad_inputs.py [--url http://127.0.0.1:7860]

Prints a table by category; exits 1 if any answer breaks the rule.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import sys
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from battery import DOCUMENTED, cases  # noqa: E402
from common import rss_mb, start  # noqa: E402


def send(url: str, method: str, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        connection.close()


def raw(url: str, data: bytes, read_timeout: float = 10.0) -> tuple[int, bytes]:
    """Send bytes as they are; the status and body of the answer (0 if the server just closed)."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=read_timeout) as s:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        reply = b""
        try:
            while chunk := s.recv(65536):
                reply += chunk
        except OSError:
            pass
    if not reply.startswith(b"HTTP/1.1 "):
        return 0, reply
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def raw_cases(host: str) -> list[tuple[str, bytes]]:
    ask = b'{"question": "When is the signing ceremony?"}'
    h = f"Host: {host}\r\nContent-Type: application/json\r\n".encode()
    return [
        ("Content-Length not a number", b"POST /api/ask HTTP/1.1\r\n" + h + b"Content-Length: ten\r\n\r\n" + ask),
        ("negative Content-Length", b"POST /api/ask HTTP/1.1\r\n" + h + b"Content-Length: -5\r\n\r\n" + ask),
        ("body shorter than announced", b"POST /api/ask HTTP/1.1\r\n" + h + b"Content-Length: 500\r\n\r\n" + ask),
        ("huge Content-Length", b"POST /api/ask HTTP/1.1\r\n" + h + b"Content-Length: 99999999999\r\n\r\n" + ask),
        ("chunked past the limit", b"POST /api/ask HTTP/1.1\r\n" + h + b"Transfer-Encoding: chunked\r\n\r\n"
         + b"".join(b"1000\r\n" + b"x" * 4096 + b"\r\n" for _ in range(8)) + b"0\r\n\r\n"),
        ("chunked, Gradio event", b"POST /gradio_api/queue/join HTTP/1.1\r\n" + h + b"Transfer-Encoding: chunked\r\n\r\n"
         + b"".join(b"1000\r\n" + b"x" * 4096 + b"\r\n" for _ in range(8)) + b"0\r\n\r\n"),
        ("bad chunk size", b"POST /api/ask HTTP/1.1\r\n" + h + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n"),
        ("both length and chunked", b"POST /api/ask HTTP/1.1\r\n" + h + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
         + hex(len(ask))[2:].encode() + b"\r\n" + ask + b"\r\n0\r\n\r\n"),
        ("invalid UTF-8 in the path", b"GET /api/\xff\xfe HTTP/1.1\r\nHost: " + host.encode() + b"\r\n\r\n"),
        ("null byte in a header", b"GET /api/health HTTP/1.1\r\nHost: " + host.encode() + b"\r\nX-Request-ID: a\x00b\r\n\r\n"),
        ("very long header", b"GET /api/health HTTP/1.1\r\nHost: " + host.encode() + b"\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server instead (its rate limits apply)")
    args = parser.parse_args()
    server = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        url, server = start(rate_limit_burst=100_000, rate_limit_per_minute=1_000_000,
                            request_rate_limit_per_minute=1_000_000, feedback_rate_limit_per_minute=1_000_000)
    info = json.loads(send(url, "GET", "/config", b"", {})[1] or b"{}")
    asking = next((d.get("id", i) for i, d in enumerate(info.get("dependencies", []))
                   if d.get("api_name") in ("respond", "respond_1")), 0)
    rows: dict[str, Counter] = defaultdict(Counter)
    failures: list[str] = []
    for case in cases(event_index=asking):
        status, body = send(url, case.method, case.path, case.body, case.headers)
        rows[case.category][status] += 1
        ok = status in DOCUMENTED
        if ok and status >= 400:
            try:
                error = json.loads(body)["error"]
                ok = bool(error["code"]) and bool(error["message"])
            except (ValueError, KeyError, TypeError):
                ok = False
        if not ok:
            failures.append(f"{status} for {case.label}: {body[:80]!r}")
    host = urllib.parse.urlsplit(url).netloc
    for label, data in raw_cases(host):
        status, body = raw(url, data)
        rows["raw HTTP"][status] += 1
        # the HTTP server itself may refuse a broken request (400 plain text) or close the connection
        ok = status in DOCUMENTED | {0, 431}
        if ok and status >= 400 and body.startswith(b"{"):
            ok = "error" in json.loads(body)
        if not ok:
            failures.append(f"{status} for raw {label}: {body[:80]!r}")
    if server is not None:
        server.should_exit = True
    total = sum(sum(c.values()) for c in rows.values())
    print(f"bad inputs against {url}: {total} requests" + ("" if args.url else
          f"; peak RSS {rss_mb(peak=True):.0f} MB (this process, which serves too)") + "\n")
    print("| category | requests | statuses |\n|---|---|---|")
    for category, counts in rows.items():
        statuses = ", ".join(f"{status or 'closed'}: {n}" for status, n in sorted(counts.items()))
        print(f"| {category} | {sum(counts.values())} | {statuses} |")
    print(f"\nrule (a documented status, and a JSON error for every error): "
          f"{'PASS' if not failures else 'FAIL'} ({len(failures)} failures)")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
