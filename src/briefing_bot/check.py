"""Validate the knowledge folder: what ``briefing-bot check`` reports before a press office ingests."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from .entities import ENTITIES_FILE, Glossary, load_glossary
from .faq import load_faq
from .knowledge import load_knowledge
from .language import ARABIC_DIGITS
from .types import Document, Passage

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
# An English passage stating a count: a number followed (within two words) by what it counts.
_COUNT = re.compile(r"\b\d[\d,]*\s+(?:[\w-]+\s+){0,2}?(?:states|countries|nations|signatories|delegates|"
                    r"journalists|media outlets|statements|arrests|ratifications|participants)\b")


def numbers(text: str) -> set[str]:
    """The numbers written in digits in ``text`` (thousands separators removed, any digit script)."""
    text = unicodedata.normalize("NFKC", text).translate(ARABIC_DIGITS)
    text = re.sub(r"(\d)[,\s.\u00a0\u202f](\d{3})(?!\d)", r"\1\2", text)
    return set(re.findall(r"\d+", text))


def number_problem(original: str, translated: str) -> str:
    """How the numbers of a translation differ from its original ('' when they agree).

    Every number of the original must be there; a translation may add only numbers up to 12,
    because some languages write months as numbers (2025年10月25日, ngày 25 tháng 10)."""
    expected, found = numbers(original), numbers(translated)
    missing = sorted(expected - found, key=int)
    extra = sorted((n for n in found - expected if int(n) > 12), key=int)
    parts = ([f"lacks {', '.join(missing)}"] if missing else []) + ([f"adds {', '.join(extra)}"] if extra else [])
    return "; ".join(parts)


def check_knowledge(root: Path) -> list[str]:
    """Every problem of the knowledge folder, one readable line each (an empty list: all good)."""
    knowledge = load_knowledge(root)
    problems = [message for message in knowledge.problems.values()]
    glossary, glossary_problems = load_glossary(Path(root) / ENTITIES_FILE)
    problems += glossary_problems
    by_doc: dict[str, list[Passage]] = {}
    for passage in knowledge.passages:
        by_doc.setdefault(passage.doc_id, []).append(passage)
    for doc in knowledge.documents.values():
        problems += _metadata_problems(doc, by_doc[doc.doc_id])
        if doc.translation_of:
            problems += _translation_problems(doc, by_doc[doc.doc_id], knowledge.documents,
                                              by_doc.get(doc.translation_of, []), glossary)
    for passage_id, count in Counter(p.passage_id for p in knowledge.passages).items():
        if count > 1:
            twin = next(p for p in knowledge.passages if p.passage_id == passage_id)
            problems.append(f"{twin.doc_id}: passage {twin.index + 1} appears {count} times (duplicate id "
                            f"{passage_id}); remove the repetition.")
    problems += load_faq(root, knowledge.passages)[1]
    return problems


def _metadata_problems(doc: Document, passages: list[Passage]) -> list[str]:
    problems = []
    missing = [name for name in ("publisher", "published", "language", "kind") if not getattr(doc, name)]
    if missing:
        problems.append(f"{doc.path}: metadata lacks {', '.join(missing)}.")
    if doc.language and not _LANGUAGE.match(doc.language):
        problems.append(f"{doc.path}: language '{doc.language}' is not a two-letter ISO 639-1 code.")
    for name, value in [("published", doc.published), ("as_of", doc.as_of),
                        *(("a change", c.date) for c in doc.changes)]:
        if value and not _DATE.match(value):
            problems.append(f"{doc.path}: {name} '{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD).")
    addresses = {"url": doc.url} | {f"source '{s.title}'": s.url for p in passages for s in p.sources}
    for where, url in addresses.items():
        if url and not url.startswith("https://"):
            problems.append(f"{doc.path}: the {where} address '{url}' is not https://; give the https "
                            "address, or leave it empty if there is none.")
    for p in passages:
        where = f"{doc.path}: passage {p.index + 1}"
        if p.dated and not _DATE.match(p.as_of):
            problems.append(f"{where}: 'As of: {p.as_of}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD).")
        counts = [v for _, v in p.claims if re.fullmatch(r"[\d.,]+", v)]
        if doc.language == "en":
            counts += _COUNT.findall(p.text)
        if counts and not p.dated:
            problems.append(f"{where}: states a count ({counts[0]}) but has no 'As of: YYYY-MM-DD' line; "
                            "add the date the count is true as of.")
    if not doc.url:
        unsourced = [p.index + 1 for p in passages if not p.sources]
        if unsourced:
            shown = ", ".join(map(str, unsourced[:10])) + ("..." if len(unsourced) > 10 else "")
            problems.append(f"{doc.path}: no source for passages {shown} (give the document a url, or the "
                            "passages 'Source:' lines).")
    return problems


def _translation_problems(doc: Document, passages: list[Passage], documents: dict[str, Document],
                          originals: list[Passage], glossary: Glossary) -> list[str]:
    if doc.translation_of not in documents:
        return [f"{doc.path}: translates '{doc.translation_of}', which is not in the knowledge folder."]
    if len(passages) != len(originals):
        return [f"{doc.path}: has {len(passages)} passages but its original {doc.translation_of} has "
                f"{len(originals)}; a translation must be aligned passage by passage."]
    problems = []
    for translated, original in zip(passages, originals):
        where = f"{doc.path}: passage {translated.index + 1}"
        differs = number_problem(original.text, translated.text)
        if differs:
            problems.append(f"{where}: its numbers differ from the original ({differs}).")
        if translated.claims != original.claims:
            problems.append(f"{where}: its Claim lines differ from the original's.")
        if translated.views != original.views:
            problems.append(f"{where}: its View lines differ from the original's.")
        if (translated.dated, translated.as_of) != (original.dated, original.as_of):
            problems.append(f"{where}: its 'As of' line differs from the original's.")
        differs = glossary.difference(original.text, original.language, translated.text, translated.language)
        if differs:
            problems.append(f"{where}: its named entities differ from the original's ({differs}).")
        if translated.kind != original.kind:
            problems.append(f"{where}: is a {translated.kind} but the original is a {original.kind}.")
    return problems
