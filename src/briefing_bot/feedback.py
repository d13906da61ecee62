"""The press office's record, in one local SQLite file: the questions the server answered (question,
answer id, language, answered, support, time) and the thumbs up/down on them (vote, time).
No IP addresses, no client identifiers. Rows older than ``retention_days`` are deleted.

A vote is accepted only for an answer that this server issued (its answer id is in the record)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterator

from .types import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, question TEXT NOT NULL, answer_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (id INTEGER PRIMARY KEY, answer_id TEXT NOT NULL, question TEXT NOT NULL,
    language TEXT NOT NULL, answered INTEGER NOT NULL, support REAL NOT NULL, asked_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS questions_by_answer ON questions (answer_id);
CREATE INDEX IF NOT EXISTS questions_by_time ON questions (asked_at);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (created_at);
"""
EXPORT_FIELDS = ("created_at", "answer_id", "vote", "question", "language", "answered", "support")
PURGE_EVERY = 3600.0  # seconds between two deletions of expired rows


def now_utc(at: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if at is None else at))


class FeedbackStore:
    """Votes and the record of answered questions; the database is created on first use."""

    def __init__(self, path: Path, retention_days: int = 90) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self.lock = threading.Lock()
        self._ready = False
        self._purged = 0.0

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        if not self._ready:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            self._ready = True
        return connection

    def _write(self, sql: str, args: tuple) -> None:
        with self.lock:
            connection = self._connect()
            try:
                with connection:
                    connection.execute(sql, args)
                    if time.monotonic() - self._purged > PURGE_EVERY or not self._purged:
                        self._purge(connection)
            finally:
                connection.close()

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            connection = self._connect()
            try:
                return connection.execute(sql, args).fetchall()
            finally:
                connection.close()

    def _purge(self, connection: sqlite3.Connection) -> None:
        cutoff = now_utc(time.time() - self.retention_days * 86400)
        connection.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
        connection.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,))
        self._purged = time.monotonic()

    def purge(self) -> None:
        """Delete the rows older than the retention period now."""
        with self.lock:
            connection = self._connect()
            try:
                with connection:
                    self._purge(connection)
            finally:
                connection.close()

    # --- questions --------------------------------------------------------------------------------

    def record(self, answer: Answer) -> None:
        """Record one answered (or declined) question."""
        self._write("INSERT INTO questions (answer_id, question, language, answered, support, asked_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (answer.answer_id, answer.question, answer.language, int(answer.answered),
                     float(answer.support), now_utc()))

    def questions(self, since: str = "") -> list[tuple[str, str, bool, float, str]]:
        """(question, language, answered, support, asked_at) of the record, oldest first."""
        rows = self._read("SELECT question, language, answered, support, asked_at FROM questions "
                          "WHERE asked_at >= ? ORDER BY id", (since,))
        return [(q, lang, bool(a), s, t) for q, lang, a, s, t in rows]

    def issued(self, answer_id: str) -> str | None:
        """The question that answer ``answer_id`` answered, if this server issued it (and it is kept)."""
        rows = self._read("SELECT question FROM questions WHERE answer_id = ? ORDER BY id DESC LIMIT 1",
                          (answer_id,))
        return rows[0][0] if rows else None

    # --- votes ------------------------------------------------------------------------------------

    def vote(self, answer_id: str, vote: int) -> bool:
        """Record a vote (1 or -1) on an answer this server issued; False (nothing recorded) when
        it did not issue it."""
        question = self.issued(answer_id)
        if question is None:
            return False
        self.add(question, answer_id, vote)
        return True

    def add(self, question: str, answer_id: str, vote: int) -> None:
        """Record one vote (1 or -1), unchecked."""
        if vote not in (1, -1):
            raise ValueError("vote must be 1 or -1")
        self._write("INSERT INTO feedback (question, answer_id, vote, created_at) VALUES (?, ?, ?, ?)",
                    (question, answer_id, vote, now_utc()))

    def all(self) -> list[tuple[str, str, int, str]]:
        """Every vote, oldest first."""
        return self._read("SELECT question, answer_id, vote, created_at FROM feedback ORDER BY id")

    def export_rows(self) -> list[dict]:
        """Every vote with what it rated (language, answered, support of the answer), oldest first."""
        rows = self._read(
            "SELECT f.created_at, f.answer_id, f.vote, f.question, q.language, q.answered, q.support "
            "FROM feedback f LEFT JOIN questions q ON q.id = (SELECT MAX(id) FROM questions WHERE answer_id = f.answer_id) "
            "ORDER BY f.id")
        return [{"created_at": t, "answer_id": a, "vote": v, "question": q, "language": lang or "",
                 "answered": None if answered is None else bool(answered), "support": support}
                for t, a, v, q, lang, answered, support in rows]

    def export(self, fmt: str) -> Iterator[str]:
        """The votes as CSV (with a header line) or JSON lines."""
        rows = self.export_rows()
        if fmt == "jsonl":
            for row in rows:
                yield json.dumps(row, ensure_ascii=False) + "\n"
            return
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "answered": "" if row["answered"] is None else str(row["answered"]).lower(),
                             "support": "" if row["support"] is None else row["support"]})
        yield buffer.getvalue()
