"""The command line: readable and JSON answers, batch mode, bad input without tracebacks."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from briefing_bot import cli


@pytest.fixture
def run(pipeline, monkeypatch):
    monkeypatch.setattr(cli, "_pipeline", lambda model=None: pipeline)

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(cli.cli, list(args), input=stdin)

    return invoke


def test_ask_prints_the_answer_and_its_sources(run):
    result = run("ask", "When was the signing ceremony held in Hanoi?")
    assert result.exit_code == 0, result.output
    assert "25 and 26 October 2025. [1]" in result.output
    assert "Sources:" in result.output and "[1] Test fact sheet: United Nations" in result.output


def test_ask_json_prints_one_answer_object(run):
    result = run("ask", "--json", "Who chairs the signing ceremony?")
    data = json.loads(result.stdout)
    assert data["answered"] and data["language"] == "en"
    assert {"n", "passage_id", "doc_id", "title", "publisher", "url", "published", "language", "text",
            "quote"} <= set(data["citations"][0])


@pytest.mark.parametrize("question, message", [("  ", "empty"), ("x" * 2001, "limit is 2,000")])
def test_bad_question_exits_2_with_a_message_and_no_traceback(run, question, message):
    result = run("ask", question)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_batch_answers_in_order_and_survives_bad_lines(run):
    lines = [
        json.dumps({"question": "Who chairs the signing ceremony?"}),
        "{not json",
        json.dumps({"question": ""}),
        json.dumps({"question": "x" * 2001}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"question": "How many articles does the convention have?", "history": []}),
    ]
    result = run("ask", "--json", "-", stdin="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["answered"] and out[5]["answered"] and out[5]["conflicts"]
    assert [o["error"]["code"] for o in out[1:5]] == ["malformed_json", "invalid_question",
                                                      "invalid_question", "invalid_question"]


def test_eval_reports_per_language_accuracy(run, tmp_path):
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "lang": "en", "q": "Who chairs the signing ceremony?", "answerable": True, "must": [["Guterres"]]},
        {"id": "b", "lang": "en", "q": "Recommend a pizza recipe with mozzarella", "answerable": False},
    ]), encoding="utf-8")
    result = run("eval", str(data))
    assert result.exit_code == 0, result.output
    assert "| answer accuracy (en) | 1/1 |" in result.output
    assert "| decline accuracy | 1.000 (1/1) |" in result.output
    assert "| citation validity | 1.000 |" in result.output


def test_the_report_says_how_often_each_support_badge_was_right():
    """An out-of-scope question that is answered counts as a wrong answer under its badge."""
    from briefing_bot.evaluation import Report

    report = Report()
    cited = {"answer": "Guterres chairs it. [1]", "citations": [{"n": 1, "quote": "Guterres", "text": "Guterres"}]}
    item = {"id": "a", "lang": "en", "q": "Who chairs it?", "answerable": True, "must": [["Guterres"]]}
    report.add(item, {"answered": True, "supported": "well", **cited})
    report.add({**item, "id": "b", "must": [["Waly"]]}, {"answered": True, "supported": "well", **cited})
    report.add({"id": "c", "lang": "en", "q": "Pizza?", "answerable": False},
               {"answered": True, "supported": "partly", **cited})
    report.add({"id": "d", "lang": "en", "q": "Pasta?", "answerable": False}, {"answered": False})
    assert report.supported == {"well": [1, 2], "partly": [0, 1]}
    table = report.table()
    assert "| right when well supported | 0.500 (1/2) |" in table
    assert table.index("well supported") < table.index("partly supported")


def test_missing_model_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("BRIEFING_BOT_CHROMA_DIR", str(tmp_path / "chroma"))
    result = CliRunner().invoke(cli.cli, ["ask", "Who signed first?"])
    assert result.exit_code == 1
    assert "not provisioned" in result.output and "briefing-bot models fetch default" in result.output
    assert "Traceback" not in result.output


def test_bad_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_MAX_QUOTES", "many")
    result = CliRunner().invoke(cli.cli, ["models"])
    assert result.exit_code == 1 and "max_quotes" in result.output and "Traceback" not in result.output
