"""The press office's record: asked questions and votes (no addresses), retention, `briefing-bot
feedback export --format csv|jsonl` and `briefing-bot stats`."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time

from click.testing import CliRunner

import pytest

from briefing_bot.cli import cli
from briefing_bot.errors import FeedbackError
from briefing_bot.feedback import FeedbackStore, now_utc
from briefing_bot.stats import question_key, report
from briefing_bot.types import Answer


def answer(question: str, answered: bool = True, language: str = "en", support: float = 0.9) -> Answer:
    return Answer(question=question, answer=f"answer to {question}" if answered else "Sorry.", answered=answered,
                  language=language, support=support if answered else 0.0, supported="well" if answered else "")


def test_one_vote_per_answer_the_last_one_counts(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    first, second = answer("Who chairs it?"), answer("Where is it?")
    store.record(first)
    store.record(second)
    for vote in (1, 1, -1):  # a second click, a retry, a change of mind
        assert store.vote(first.answer_id, vote) is True
    assert store.vote(second.answer_id, 1) is True
    assert sorted((a, v) for _q, a, v, _t in store.all()) == sorted([(first.answer_id, -1), (second.answer_id, 1)])


def test_votes_only_for_answers_the_server_issued(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    given = answer("When is the ceremony?")
    store.record(given)
    assert store.vote(given.answer_id, 1) is True
    assert store.vote("0123456789abcdef", -1) is False  # never issued: nothing recorded
    assert [(q, a, v) for q, a, v, _ in store.all()] == [("When is the ceremony?", given.answer_id, 1)]


def test_old_rows_are_deleted_after_the_retention_period(tmp_path):
    path = tmp_path / "f.sqlite"
    store = FeedbackStore(path, retention_days=30)
    old, recent = answer("Old question?"), answer("Recent question?")
    store.record(old)
    store.record(recent)
    store.vote(old.answer_id, 1)
    with sqlite3.connect(path) as db:  # make the first question and its vote 40 days old
        db.execute("UPDATE questions SET asked_at = ? WHERE answer_id = ?", (now_utc(time.time() - 40 * 86400), old.answer_id))
        db.execute("UPDATE feedback SET created_at = ?", (now_utc(time.time() - 40 * 86400),))
    store.purge()
    assert [q for q, *_ in store.questions()] == ["Recent question?"] and store.all() == []
    assert store.vote(old.answer_id, 1) is False  # its answer is forgotten too


def test_export_as_csv_and_json_lines(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    good, bad = answer("Who chairs it?", language="en"), answer("Qui préside ?", answered=False, language="fr")
    for a in (good, bad):
        store.record(a)
    store.vote(good.answer_id, 1)
    store.vote(bad.answer_id, -1)
    rows = list(csv.DictReader(io.StringIO("".join(store.export("csv")))))
    assert [(r["question"], r["vote"], r["language"], r["answered"]) for r in rows] == [
        ("Who chairs it?", "1", "en", "true"), ("Qui préside ?", "-1", "fr", "false")]
    lines = [json.loads(line) for line in "".join(store.export("jsonl")).splitlines()]
    assert lines[1] == {"created_at": lines[1]["created_at"], "answer_id": bad.answer_id, "vote": -1,
                        "question": "Qui préside ?", "language": "fr", "answered": False, "support": 0.0}
    assert not any("ip" in key or "client" in key for key in lines[0])


def test_stats_most_asked_declined_by_language_and_day(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    for question in ("When is the ceremony?", "when is the ceremony", "WHEN IS THE CEREMONY ?!", "Who chairs it?"):
        store.record(answer(question))
    for question, language in (("Recipe for pizza?", "en"), ("Recette de crêpes ?", "fr"), ("recipe for pizza", "en")):
        store.record(answer(question, answered=False, language=language))
    result = report(store, days=7, top=5)
    assert (result.asked, result.declined) == (7, 3)
    assert result.most_asked[0]["question"] == "When is the ceremony?" and result.most_asked[0]["asked"] == 3
    assert [(d["question"], d["declined"]) for d in result.most_declined] == [("Recipe for pizza?", 2), ("Recette de crêpes ?", 1)]
    assert result.by_language == [{"language": "en", "asked": 6, "declined": 2}, {"language": "fr", "asked": 1, "declined": 1}]
    assert result.by_day == [{"day": time.strftime("%Y-%m-%d", time.gmtime()), "asked": 7, "declined": 3}]
    only_french = report(store, days=7, language="fr")
    assert only_french.asked == 1 and only_french.most_declined[0]["question"] == "Recette de crêpes ?"
    assert question_key("  Quand ?  ") == question_key("quand")


def test_the_commands(tmp_path, monkeypatch):
    db = tmp_path / "f.sqlite"
    monkeypatch.setenv("BRIEFING_BOT_FEEDBACK_DB", str(db))
    monkeypatch.delenv("BRIEFING_BOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    store = FeedbackStore(db)
    asked = answer("When is the ceremony?")
    store.record(asked)
    store.record(answer("Recipe for pizza?", answered=False))
    store.vote(asked.answer_id, 1)
    runner = CliRunner()
    exported = runner.invoke(cli, ["feedback", "export", "--format", "csv"])
    assert exported.exit_code == 0 and exported.output.splitlines() == [
        "created_at,answer_id,vote,question,language,answered,support",
        f"{store.all()[0][3]},{asked.answer_id},1,When is the ceremony?,en,true,0.9"]
    jsonl = runner.invoke(cli, ["feedback", "export", "--format", "jsonl", "--output", str(tmp_path / "votes.jsonl")])
    assert jsonl.exit_code == 0 and json.loads((tmp_path / "votes.jsonl").read_text())["vote"] == 1
    assert runner.invoke(cli, ["feedback", "export", "--format", "xml"]).exit_code == 2
    table = runner.invoke(cli, ["stats", "--days", "7"])
    assert table.exit_code == 0 and "2 asked, 1 declined" in table.output
    assert "Declined (what the knowledge is missing)" in table.output and "Recipe for pizza?" in table.output
    as_json = json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    assert as_json["by_language"] == [{"language": "en", "asked": 2, "declined": 1}]


OLD_SCHEMA = """
CREATE TABLE feedback (id INTEGER PRIMARY KEY, question TEXT NOT NULL, answer_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), created_at TEXT NOT NULL);
CREATE TABLE questions (id INTEGER PRIMARY KEY, answer_id TEXT NOT NULL, question TEXT NOT NULL,
    language TEXT NOT NULL, answered INTEGER NOT NULL, support REAL NOT NULL, asked_at TEXT NOT NULL);
CREATE INDEX questions_by_answer ON questions (answer_id);
CREATE INDEX questions_by_time ON questions (asked_at);
CREATE INDEX feedback_by_time ON feedback (created_at);
"""


def test_a_sqlite_file_of_an_earlier_version_keeps_its_data(tmp_path):
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as db:  # written by the sqlite3 code of earlier versions
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO questions (answer_id, question, language, answered, support, asked_at) "
                   "VALUES ('0123456789abcdef', 'Who chairs it?', 'en', 1, 0.9, ?)", (now_utc(),))
        db.execute("INSERT INTO feedback (question, answer_id, vote, created_at) VALUES "
                   "('Who chairs it?', '0123456789abcdef', 1, ?)", (now_utc(),))
    store = FeedbackStore(path)
    assert [v for _q, _a, v, _t in store.all()] == [1]
    assert store.vote("0123456789abcdef", -1) is True  # replaces the earlier vote on the same answer
    assert [v for _q, _a, v, _t in store.all()] == [-1]
    same = FeedbackStore(f"sqlite:///{path}")  # the same file named by a database URL
    assert [r["vote"] for r in same.export_rows()] == [-1] and same.questions()[0][0] == "Who chairs it?"


def test_a_database_that_cannot_be_used_is_a_typed_error_without_its_password(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    store = FeedbackStore(f"sqlite:///{tmp_path}/file/feedback.sqlite")
    with pytest.raises(FeedbackError, match="record of questions and votes"):
        store.record(answer("When is the ceremony?"))
    assert "secret" not in FeedbackStore("postgresql://bot:secret@db/x").where
