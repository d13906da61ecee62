"""Knowledge files: front matter, passages, attributes, sentences, and the repository's own files."""

from __future__ import annotations

import pytest

from briefing_bot.chunking import split_blocks, split_sentences
from briefing_bot.errors import KnowledgeError
from briefing_bot.knowledge import load_knowledge, read_document
from conftest import FACTS, ROOT


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_blocks_keep_sections_and_attributes():
    blocks = split_blocks("## One\n\nFirst passage.\nSource: a, b\nClaim: x = 1\n\nSecond.\n\n## Two\nThird.\n")
    assert [b.text for b in blocks] == ["First passage.", "Second.", "Third."]
    assert [b.section for b in blocks] == ["One", "One", "Two"]
    assert blocks[0].attributes == {"source": ["a, b"], "claim": ["x = 1"]}


@pytest.mark.parametrize("text, expected", [
    ("Under Art. 64 it opens. It closes!", ["Under Art. 64 it opens.", "It closes!"]),
    ("The U.S. did not sign. Canada did not either.", ["The U.S. did not sign.", "Canada did not either."]),
    ("公约已通过。它在河内签署！", ["公约已通过。", "它在河内签署！"]),
    ("اعتمدت الجمعية العامة الاتفاقية. هل وقعت فيتنام؟ نعم", ["اعتمدت الجمعية العامة الاتفاقية.", "هل وقعت فيتنام؟", "نعم"]),
    ("He said \"we will.\" Then 3.5 percent left.", ["He said \"we will.\"", "Then 3.5 percent left."]),
])
def test_sentences_are_exact_spans(text, expected):
    assert sentences(text) == expected


def test_document_metadata_sources_and_claims(tmp_path):
    path = tmp_path / "facts.en.md"
    path.write_text(FACTS, encoding="utf-8")
    document, passages = read_document(path, tmp_path)
    assert (document.doc_id, document.language, document.kind) == ("facts.en", "en", "fact sheet")
    assert passages[0].publisher == "United Nations" and passages[0].url == "https://treaties.un.org/"
    assert passages[2].claims == (("articles", "68"),)
    assert passages[2].publisher == "C4IR Viet Nam"  # the passage's own source, not the document's
    assert all(p.text in path.read_text(encoding="utf-8") for p in passages)
    for p in passages:
        assert all(p.text[s.start:s.end] == s.text for s in p.sentences)


def test_ids_are_content_hashes(tmp_path):
    path = tmp_path / "facts.en.md"
    path.write_text(FACTS, encoding="utf-8")
    first = [p.passage_id for p in read_document(path, tmp_path)[1]]
    assert first == [p.passage_id for p in read_document(path, tmp_path)[1]]
    path.write_text(FACTS.replace("25 and 26 October", "25-26 October"), encoding="utf-8")
    second = [p.passage_id for p in read_document(path, tmp_path)[1]]
    assert second[0] != first[0] and second[1:] == first[1:]


@pytest.mark.parametrize("text, message", [
    ("---\ntitle: [unclosed\n---\nText.\n", "not valid YAML"),
    ("---\ntitle: T\n\nText without a closing line.\n", "not closed"),
    (FACTS.replace("Source: untc", "Source: nowhere", 1), "cites source 'nowhere'"),
    (FACTS.replace("Claim: articles = 68", "Claim: articles"), "malformed Claim line"),
])
def test_bad_files_are_reported_by_name(tmp_path, text, message):
    (tmp_path / "bad.md").write_text(text, encoding="utf-8")
    (tmp_path / "good.md").write_text(FACTS, encoding="utf-8")
    knowledge = load_knowledge(tmp_path)
    assert list(knowledge.problems) == ["bad"]
    assert message in knowledge.problems["bad"] and "bad.md" in knowledge.problems["bad"]
    assert "good" in knowledge.documents
    with pytest.raises(KnowledgeError):
        read_document(tmp_path / "bad.md", tmp_path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeError, match="does not exist"):
        load_knowledge(tmp_path / "nowhere")


def test_repository_knowledge_is_complete_and_aligned():
    knowledge = load_knowledge(ROOT / "knowledge")
    assert knowledge.problems == {}
    docs = knowledge.documents
    for doc in docs.values():
        assert doc.title and doc.publisher and doc.published and doc.language and doc.kind
    by_doc: dict[str, list] = {}
    for p in knowledge.passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    for doc in docs.values():
        if doc.translation_of:
            original = by_doc[doc.translation_of]
            assert len(by_doc[doc.doc_id]) == len(original), f"{doc.doc_id} is not aligned"
            for translated, source in zip(by_doc[doc.doc_id], original):
                assert translated.group == source.group and translated.claims == source.claims
                assert translated.kind == source.kind
    facts = [p for p in knowledge.passages if docs[p.doc_id].kind == "fact sheet"]
    assert facts and all(p.sources for p in facts), "every fact names its source"
    claims = {(n, v) for p in knowledge.passages for n, v in p.claims}
    assert {("articles", "71"), ("articles", "68")} <= claims
    seed = [p for p in by_doc["vietnamnet-hanoi-convention.ar"]]
    assert not any(p.text.endswith(".jpg") or p.text.startswith("شاهد الفيديو") for p in seed)
    assert sum(p.kind == "caption" for p in seed) == 2
