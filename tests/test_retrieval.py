"""Lexical retrieval: BM25 over the passages of each language."""

from __future__ import annotations

from briefing_bot.retrieval import LexicalIndex
from briefing_bot.types import Passage


def _passage(pid: str, text: str, language: str = "en") -> Passage:
    return Passage(passage_id=pid, doc_id="d", index=0, text=text, language=language, group=pid, title="t",
                   publisher="p", url="", published="2025-10-25")


INDEX = LexicalIndex([
    _passage("short", "Viet Nam hosted the signing ceremony."),
    _passage("long", "The ceremony opened with speeches by many delegations from every region, and the "
                     "signing ceremony went on for two days in Hanoi with music."),
    _passage("other", "Seventy-two signatories signed the convention."),
    _passage("fr", "La cérémonie de signature s'est tenue à Hanoï.", "fr"),
])


def test_bm25_ranks_the_rarer_word_and_the_shorter_passage_first():
    ranked = INDEX.search("signatories ceremony", "en", 5)
    assert [pid for pid, _ in ranked] == ["other", "short", "long"]  # "signatories" is rarer than "ceremony"
    assert ranked[1][1] > ranked[2][1] > 0  # the same matches in a shorter passage weigh more


def test_words_only_match_passages_of_the_same_language():
    assert [pid for pid, _ in INDEX.search("cérémonie", "fr", 5)] == ["fr"]
    assert INDEX.search("cérémonie", "en", 5) == [] and INDEX.search("ceremony", "de", 5) == []


def test_unknown_words_are_the_share_the_language_never_uses():
    assert INDEX.unknown("ceremony banquet", "en") == 0.5
    assert INDEX.unknown("ceremony", "de") is None
