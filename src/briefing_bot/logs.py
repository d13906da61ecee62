"""Structured logs: one JSON object a line on standard error (stdlib ``logging``).

``briefing_bot.access`` has one line per HTTP request and one per question asked through the chat
page (``request`` lines: id, route, method, status, latency, and for questions language,
answered, support, cached (from the answer cache); the question's text only with ``log_questions``). ``briefing_bot`` has the
service's events: the worker starting, failing and restarting, index updates, overload.
No line carries a client address.
"""

from __future__ import annotations

import json
import logging
import sys
import time

ACCESS = logging.getLogger("briefing_bot.access")
EVENTS = logging.getLogger("briefing_bot")

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JSONFormatter(logging.Formatter):
    """A record as one JSON line: time, level, logger, message, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                + f".{int(record.msecs):03d}Z", "level": record.levelname.lower(), "logger": record.name,
                "message": record.getMessage()}
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=True, default=str)


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
