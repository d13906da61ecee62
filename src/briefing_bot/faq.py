"""The curated FAQ ("lines to take"): question variants in many languages, each pointing at the
passages that answer it. It routes questions to passages; answers still quote and cite them. An
entry marked ``declines: true`` instead lists questions the knowledge does not answer (off topic):
the judge declines questions close to them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .knowledge import content_id
from .language import normalize
from .types import Passage

FAQ_SUFFIX = ".faq.yaml"


@dataclass(frozen=True)
class FaqQuestion:
    """One question variant of an FAQ entry, with the passage groups that answer it and, in
    them, the sentences (group, position in the passage) that its answers point at (no groups: an
    off-topic question, to decline)."""

    question_id: str
    entry_id: str
    language: str
    text: str
    groups: tuple[str, ...]
    sentences: tuple[tuple[str, int], ...] = ()


def question_key(text: str) -> str:
    """What the same question keeps however it is typed: its words, normalised (case, width, Arabic
    letter variants and marks, digits); punctuation and spacing do not count."""
    return " ".join(re.findall(r"\w+", normalize(text)))


def pointed_sentences(passage: Passage, contains: str) -> tuple[int, ...]:
    """The positions of the sentences of ``passage`` that overlap the text ``contains`` (the same
    positions in every translation: translations are aligned sentence by sentence)."""
    start = passage.text.find(contains)
    if start < 0:
        return ()
    end = start + len(contains)
    return tuple(i for i, s in enumerate(passage.sentences) if s.start < end and s.end > start)


def faq_files(root: Path) -> list[Path]:
    """The FAQ files of the knowledge folder (``*.faq.yaml``)."""
    return sorted(p for p in Path(root).rglob(f"*{FAQ_SUFFIX}") if not p.name.startswith((".", "_")))


def load_faq(root: Path, passages: list[Passage]) -> tuple[list[FaqQuestion], list[str]]:
    """Every FAQ question variant, and the problems found (unreadable files, answers that do not
    resolve to exactly one passage, an entry with both answers and ``declines``, duplicate ids,
    a question both answered and off topic). Entries with problems are left out; a question both
    answered and off topic is kept in both (neither its line to take nor its decline applies)."""
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    questions: list[FaqQuestion] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in faq_files(root):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            entries = data.get("entries") if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise ValueError("it needs a list under 'entries'")
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
            problems.append(f"{path}: cannot be read ({exc}).")
            continue
        for number, entry in enumerate(entries, 1):
            entry_id = str((entry or {}).get("id") or f"#{number}") if isinstance(entry, dict) else f"#{number}"
            where = f"{path}: entry '{entry_id}'"
            declines = isinstance(entry, dict) and entry.get("declines") is True
            if not isinstance(entry, dict) or not isinstance(entry.get("questions"), dict) \
                    or declines == isinstance(entry.get("answers"), list):
                problems.append(f"{where} needs 'id', 'questions' by language, and either a list of 'answers' "
                                "or 'declines: true' (questions the knowledge does not answer).")
                continue
            if entry_id in seen:
                problems.append(f"{where}: duplicate FAQ id.")
                continue
            seen.add(entry_id)
            groups, sentences, broken = [], [], False
            for answer in entry.get("answers") or ():
                doc, contains = str((answer or {}).get("doc", "")), str((answer or {}).get("contains", ""))
                found = [p for p in by_doc.get(doc, []) if contains and contains in p.text]
                if len(found) != 1:
                    problems.append(f"{where}: answer {{doc: {doc}, contains: {contains!r}}} matches "
                                    f"{len(found)} passages (it must match exactly one).")
                    broken = True
                else:
                    groups.append(found[0].group)
                    sentences.extend((found[0].group, i) for i in pointed_sentences(found[0], contains))
            if broken or not (groups or declines):
                continue
            for language, variants in entry["questions"].items():
                for text in variants if isinstance(variants, list) else [variants]:
                    if isinstance(text, str) and text.strip():
                        qid = content_id(entry_id, str(language), text.strip(), *groups,
                                         *(f"{g}#{i}" for g, i in sentences))
                        questions.append(FaqQuestion(qid, entry_id, str(language), text.strip(), tuple(groups),
                                                     tuple(sentences)))
    answered = {question_key(q.text): q.entry_id for q in questions if q.groups}
    problems += [f"FAQ question {q.text!r} is off topic in entry '{q.entry_id}' but answered in entry "
                 f"'{answered[question_key(q.text)]}': keep it in one of them."
                 for q in questions if not q.groups and question_key(q.text) in answered]
    return questions, problems
