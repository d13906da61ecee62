"""Structured logs: one JSON object a line on standard error (stdlib ``logging``, python-json-logger).

``briefing_bot.access`` has one line per HTTP request and one per question asked through the chat
page (``request`` lines: id, route, method, status, latency, and for questions language,
answered, support, cached (from the answer cache); the question's text only with ``log_questions``). ``briefing_bot`` has the
service's events: the worker starting, failing and restarting, index updates, overload.
No line carries a client address.
"""

from __future__ import annotations

import logging
import sys
import time

from pythonjsonlogger.json import JsonFormatter

ACCESS = logging.getLogger("briefing_bot.access")
EVENTS = logging.getLogger("briefing_bot")


class JSONFormatter(JsonFormatter):
    """A record as one JSON line: time, level, logger, message, then the record's extra fields
    (python-json-logger), and ``exception`` when there is one."""

    # python-json-logger takes the time from logging.Formatter, whose only UTC/millisecond switches are these
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self) -> None:
        super().__init__(["asctime", "levelname", "name", "message"], json_default=str,
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger",
                                        "exc_info": "exception"})

    def process_log_record(self, log_data: dict) -> dict:
        log_data["level"] = log_data["level"].lower()  # the library has no option to lower-case the level
        return log_data


def configure(level: str = "INFO") -> None:
    """Send briefing-bot's logs to standard error as JSON lines (idempotent)."""
    root = logging.getLogger("briefing_bot")
    root.setLevel(level)
    if not any(getattr(h, "_briefing_bot", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JSONFormatter())
        handler._briefing_bot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.propagate = False


def request_line(*, request_id: str, route: str, method: str, status: int, latency_ms: float,
                 answer: dict | None = None, question: str | None = None) -> None:
    """Log one request (``answer``: language, answered, support, cached, mode and fallback_reason of
    the question it asked)."""
    fields = {"event": "request", "id": request_id, "route": route, "method": method, "status": status,
              "latency_ms": round(latency_ms, 1)}
    if answer:
        fields.update({k: answer[k] for k in ("language", "answered", "support", "cached", "mode", "fallback_reason")
                       if k in answer})
    if question is not None:
        fields["question"] = question
    ACCESS.info("%s %s %s", method, route, status, extra=fields)


def event(name: str, message: str, level: int = logging.INFO, exc_info=None, **fields: object) -> None:
    """Log one service event (``name``: worker_ready, worker_died, timeout, index...)."""
    EVENTS.log(level, message, exc_info=exc_info, extra={"event": name, **fields})
