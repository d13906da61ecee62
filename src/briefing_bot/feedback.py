"""The press office's record, in a SQL database (SQLAlchemy): the questions the server answered
(question, answer id, language, answered, support, time) and the thumbs up/down on them (vote,
time). No IP addresses, no client identifiers. Rows older than ``retention_days`` are deleted.

The database is a local SQLite file by default (``feedback_db``), or the one ``database_url`` names:
PostgreSQL (psycopg) for replicas that share one record. A vote is accepted only for an answer in
the record, whichever replica issued it."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import (URL, CheckConstraint, Column, Connection, Engine, Float, Index, Integer, MetaData, Table,
                        Text, create_engine, event, func, make_url, select)
from sqlalchemy.exc import SQLAlchemyError

from .errors import FeedbackError
from .types import Answer

if TYPE_CHECKING:
    from .config import Settings

EXPORT_FIELDS = ("created_at", "answer_id", "vote", "question", "language", "answered", "support")
PURGE_EVERY = 3600.0  # seconds between two deletions of expired rows

# The tables as the SQLite files of earlier versions have them (their data is kept).
METADATA = MetaData()
FEEDBACK = Table("feedback", METADATA, Column("id", Integer, primary_key=True),
                 Column("question", Text, nullable=False), Column("answer_id", Text, nullable=False),
                 Column("vote", Integer, CheckConstraint("vote IN (-1, 1)"), nullable=False),
                 Column("created_at", Text, nullable=False), Index("feedback_by_time", "created_at"))
QUESTIONS = Table("questions", METADATA, Column("id", Integer, primary_key=True),
                  Column("answer_id", Text, nullable=False), Column("question", Text, nullable=False),
                  Column("language", Text, nullable=False), Column("answered", Integer, nullable=False),
                  Column("support", Float, nullable=False), Column("asked_at", Text, nullable=False),
                  Index("questions_by_answer", "answer_id"), Index("questions_by_time", "asked_at"))


def now_utc(at: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if at is None else at))


class FeedbackStore:
    """Votes and the record of answered questions. ``database`` is a SQLAlchemy URL, or the path of
    a SQLite file; it is connected to, and its tables created, on first use. Database failures
    raise ``FeedbackError``."""

    def __init__(self, database: str | Path, retention_days: int = 90) -> None:
        self.database = database
        self.retention_days = retention_days
        self._engine: Engine | None = None
        self._purged = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        """The record that the settings name: ``database_url``, else the SQLite file ``feedback_db``."""
        return cls(settings.database_url or settings.feedback_db, settings.retention_days)

    @property
    def where(self) -> str:
        """The database, for messages (without its password)."""
        if isinstance(self.database, Path):
            return str(self.database)
        return make_url(self.database).render_as_string(hide_password=True)

    def _connect(self) -> Engine:
        if self._engine is not None:
            return self._engine
        if isinstance(self.database, Path):
            self.database.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(URL.create("sqlite", database=str(self.database)))
            # Readers do not block the writer; a writer waits up to 10 s for another one.
            event.listen(engine, "connect", _sqlite_setup)
        else:
            engine = create_engine(self.database, pool_pre_ping=True)
        try:
            try:
                METADATA.create_all(engine)
            except SQLAlchemyError:  # replicas starting together may race to create the tables
                METADATA.create_all(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise FeedbackError(f"Cannot open the record of questions and votes at {self.where} "
                                f"({_reason(exc)}).") from None
        self._engine = engine
        return engine

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Connection]:
        engine = self._connect()
        try:
            with engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise FeedbackError(f"The record of questions and votes at {self.where} cannot be used now "
                                f"({_reason(exc)}).") from None

    def _write(self, *statements) -> None:
        with self._transaction() as connection:
            for statement in statements:
                connection.execute(statement)
            if time.monotonic() - self._purged > PURGE_EVERY or not self._purged:
                self._purge(connection)

    def _read(self, statement) -> list[tuple]:
        with self._transaction() as connection:
            return [tuple(row) for row in connection.execute(statement)]

    def _purge(self, connection: Connection) -> None:
        cutoff = now_utc(time.time() - self.retention_days * 86400)
        connection.execute(QUESTIONS.delete().where(QUESTIONS.c.asked_at < cutoff))
        connection.execute(FEEDBACK.delete().where(FEEDBACK.c.created_at < cutoff))
        self._purged = time.monotonic()

    def purge(self) -> None:
        """Delete the rows older than the retention period now."""
        with self._transaction() as connection:
            self._purge(connection)

    # --- questions --------------------------------------------------------------------------------

    def record(self, answer: Answer) -> None:
        """Record one answered (or declined) question."""
        self._write(QUESTIONS.insert().values(
            answer_id=answer.answer_id, question=answer.question, language=answer.language,
            answered=int(answer.answered), support=float(answer.support), asked_at=now_utc()))

    def questions(self, since: str = "") -> list[tuple[str, str, bool, float, str]]:
        """(question, language, answered, support, asked_at) of the record, oldest first."""
        q = QUESTIONS.c
        rows = self._read(select(q.question, q.language, q.answered, q.support, q.asked_at)
                          .where(q.asked_at >= since).order_by(q.id))
        return [(question, lang, bool(a), s, t) for question, lang, a, s, t in rows]

    def issued(self, answer_id: str) -> str | None:
        """The question that answer ``answer_id`` answered, if it is in the record (and kept)."""
        q = QUESTIONS.c
        rows = self._read(select(q.question).where(q.answer_id == answer_id).order_by(q.id.desc()).limit(1))
        return rows[0][0] if rows else None

    # --- votes ------------------------------------------------------------------------------------

    def vote(self, answer_id: str, vote: int) -> bool:
        """Record a vote (1 or -1) on an answer in the record, replacing an earlier vote on it (one
        vote per answer: a second click, or a client that retries, is not counted twice); False
        (nothing recorded) when the answer is not there."""
        if vote not in (1, -1):
            raise ValueError("vote must be 1 or -1")
        question = self.issued(answer_id)
        if question is None:
            return False
        self._write(FEEDBACK.delete().where(FEEDBACK.c.answer_id == answer_id),
                    FEEDBACK.insert().values(question=question, answer_id=answer_id, vote=vote, created_at=now_utc()))
        return True

    def all(self) -> list[tuple[str, str, int, str]]:
        """Every vote, oldest first."""
        f = FEEDBACK.c
        return self._read(select(f.question, f.answer_id, f.vote, f.created_at).order_by(f.id))

    def export_rows(self) -> list[dict]:
        """Every vote with what it rated (language, answered, support of the answer), oldest first."""
        f, q, same = FEEDBACK.c, QUESTIONS.c, QUESTIONS.alias("same_answer").c
        latest = select(func.max(same.id)).where(same.answer_id == f.answer_id).scalar_subquery()
        rows = self._read(select(f.created_at, f.answer_id, f.vote, f.question, q.language, q.answered, q.support)
                          .select_from(FEEDBACK.outerjoin(QUESTIONS, q.id == latest)).order_by(f.id))
        return [{"created_at": t, "answer_id": a, "vote": v, "question": question, "language": lang or "",
                 "answered": None if answered is None else bool(answered), "support": support}
                for t, a, v, question, lang, answered, support in rows]

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


def _sqlite_setup(connection, _record) -> None:
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("PRAGMA journal_mode=WAL")


def _reason(exc: Exception) -> str:
    """The first line of a database error, without SQLAlchemy's background link."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
