"""``briefing-bot check`` catches each kind of knowledge problem, and passes the repository's."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from briefing_bot import cli
from briefing_bot.check import check_knowledge, number_problem
from conftest import ARTICLE_EN, FACTS, ROOT, write_knowledge


def test_the_repository_knowledge_passes():
    assert check_knowledge(ROOT / "knowledge") == []


def test_a_clean_folder_passes(knowledge):
    assert check_knowledge(knowledge) == []


@pytest.mark.parametrize("files, expected", [
    ({"bad.md": "---\ntitle: [broken\n---\nText.\n"}, "bad.md: the metadata is not valid YAML"),
    ({"bad.md": FACTS.replace("publisher: Test press office\n", "")}, "bad.md: metadata lacks publisher"),
    ({"bad.md": FACTS.replace("language: en", "language: english")}, "'english' is not a two-letter"),
    ({"bad.md": FACTS.replace("published: 2025-11-28", "published: last week")}, "'last week' is not a date"),
    ({"bad.md": FACTS.replace("Source: untc\n", "", 1)}, "bad.md: no source for passages 1"),
    ({"bad.md": ARTICLE_EN.replace("article.ar", "missing.ar")}, "translates 'missing.ar', which is not"),
    ({"article.en.md": ARTICLE_EN + "\nAn extra passage.\n"}, "has 3 passages but its original article.ar has 2"),
    ({"article.en.md": ARTICLE_EN.replace("71 articles", "72 articles")}, "numbers differ from the original (lacks 71; adds 72)"),
    ({"article.en.md": ARTICLE_EN.replace("Claim: articles = 71\n", "")}, "Claim lines differ"),
    ({"copy.md": FACTS.replace("title: Test fact sheet", "title: Test fact sheet\nid: facts.en")},
     "has the document id 'facts.en'"),
    ({"bad.md": FACTS + "\nAnalyses of the adopted text count 68 articles in the convention.\nClaim: articles = 68\n"
                        "As of: 2025-10\nSource: c4ir\n"},
     "appears 2 times (duplicate id"),
    ({"broken.txt": b"\xff\xfe\x00 not utf-8"}, "broken.txt: cannot be read as UTF-8"),
    ({"bad.md": FACTS.replace("Claim: articles = 68\nAs of: 2025-10\n", "Claim: articles = 68\n")},
     "passage 3: states a count (68) but has no 'As of"),
    ({"bad.md": FACTS + "\nMore than 400 journalists from 189 media outlets covered it.\nSource: untc\n"},
     "states a count (400 journalists) but has no 'As of"),
    ({"bad.md": FACTS.replace("Claim: articles = 68\nAs of: 2025-10\n", "Claim: articles = 68\nAs of: soon\n")},
     "'As of: soon' is not a date"),
    ({"article.en.md": ARTICLE_EN.replace("As of: 2025-10", "As of: 2025-11")}, "'As of' line differs"),
    ({"article.en.md": ARTICLE_EN.replace("Antonio Guterres", "the UN chief")},
     "article.en.md: passage 2: its named entities differ from the original's (lacks guterres)"),
    ({"article.en.md": ARTICLE_EN.replace("The Hanoi Convention", "The convention")},
     "its named entities differ from the original's (lacks hanoi)"),
    ({"article.en.md": ARTICLE_EN.replace("chairs the signing ceremony", "chairs the signing ceremony in Hanoi")},
     "its named entities differ from the original's (adds hanoi)"),
    ({"entities.yaml": "entities:\n  guterres: {kind: person, names: {en: [Guterres]}}\n"},
     "no ar name for guterres in entities.yaml"),
    ({"bad.md": FACTS.replace("    publisher: C4IR Viet Nam\n", "")}, "source 'c4ir' needs at least a title and a publisher"),
    ({"bad.md": FACTS.replace("url: https://treaties.un.org/", "url: http://treaties.un.org/")},
     "address 'http://treaties.un.org/' is not https://"),
    ({"bad.md": FACTS.replace('url: ""', "url: www.example.org")}, "address 'www.example.org' is not https://"),
    ({"bad.md": FACTS.replace("kind: fact sheet", "kind: fact sheet\nchanges: [{date: 2026-11-29}]")},
     "'changes' must be a list of entries with a date, a change and a reason"),
    ({"lines.faq.yaml": "entries:\n  - id: x\n    answers: [{doc: facts.en, contains: nowhere to be found}]\n"
                        "    questions: {en: [\"Where?\"]}\n"}, "matches 0 passages"),
    ({"lines.faq.yaml": "entries:\n  - id: x\n    questions: {en: [\"Where?\"]}\n"},
     "either a list of 'answers' or 'declines: true'"),
    ({"lines.faq.yaml": "entries:\n  - id: chair\n    answers: [{doc: article.en, contains: Guterres chairs}]\n"
                        "    questions: {en: [\"Who chairs?\"]}\n  - id: catering\n    declines: true\n"
                        "    questions: {fr: [\"who CHAIRS\"]}\n"},
     "FAQ question 'who CHAIRS' is off topic in entry 'catering' but answered in entry 'chair'"),
])
def test_each_kind_of_problem_is_reported(tmp_path, files, expected):
    folder = write_knowledge(tmp_path / "knowledge")
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    problems = check_knowledge(folder)
    assert any(expected in p for p in problems), problems


def test_numbers_allow_months_written_as_numbers():
    assert number_problem("Held on 25 October 2025.", "于2025年10月25日举行。") == ""
    assert number_problem("About 2,500 delegates.", "Environ 2 500 délégués.") == ""
    assert number_problem("9 chapters", "8 chapitres") == "lacks 9"


def test_check_command_exit_status(tmp_path, monkeypatch):
    folder = write_knowledge(tmp_path / "knowledge")
    monkeypatch.setenv("BRIEFING_BOT_KNOWLEDGE_DIR", str(folder))
    assert CliRunner().invoke(cli.cli, ["check"]).exit_code == 0
    (folder / "article.en.md").write_text(ARTICLE_EN.replace("9 chapters", "nine chapters"), encoding="utf-8")
    result = CliRunner().invoke(cli.cli, ["check"])
    assert result.exit_code == 1 and "lacks 9" in result.output


def test_sources_command_lists_documents(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_BOT_KNOWLEDGE_DIR", str(write_knowledge(tmp_path / "knowledge")))
    result = CliRunner().invoke(cli.cli, ["sources"])
    assert result.exit_code == 0
    line = next(l for l in result.output.splitlines() if l.startswith("article.en"))
    assert "en" in line and "2025-10" in line and "VietNamNet" in line and "translation of article.ar" in line
    assert " 2 " in line  # passages
