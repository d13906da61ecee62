"""Thumbs up/down on answers, kept in a local SQLite file: question, answer id, vote, time. No IPs."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path


class FeedbackStore:
    """Append-only votes; the database is created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path)
        connection.execute("CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, question TEXT NOT NULL, "
                           "answer_id TEXT NOT NULL, vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), "
                           "created_at TEXT NOT NULL)")
        return connection

    def add(self, question: str, answer_id: str, vote: int) -> None:
        """Record one vote (1 or -1)."""
        with self.lock, self._connect() as connection:
            connection.execute("INSERT INTO feedback (question, answer_id, vote, created_at) VALUES (?, ?, ?, ?)",
                               (question, answer_id, vote, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))

    def all(self) -> list[tuple[str, str, int, str]]:
        """Every vote, oldest first."""
        with self.lock, self._connect() as connection:
            return connection.execute("SELECT question, answer_id, vote, created_at FROM feedback ORDER BY id").fetchall()
