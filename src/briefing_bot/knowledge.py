"""Read the ``knowledge/`` folder: one document per file, with its metadata and passages.

Loading is lenient so that a dropped-in file is answerable at once: only unparseable files are
skipped. ``briefing-bot check`` (see ``check.py``) reports missing metadata and other problems.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .chunking import Block, split_sentences
from .errors import KnowledgeError
from .formats import SUPPORTED_SUFFIXES, read_file
from .types import Change, Document, Passage, Sentence, Source


@dataclass
class Knowledge:
    """Every readable document with its passages, and a problem per file that could not be read."""

    documents: dict[str, Document] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # doc_id -> message


@dataclass
class _Parsed:
    path: Path
    doc_id: str
    meta: dict
    blocks: list[Block]


def content_id(*parts: str) -> str:
    """A stable id from content: equal inputs give equal ids, so re-ingest is idempotent."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def doc_id_for(path: Path, root: Path) -> str:
    """A document's id: its path under the knowledge folder, without the file suffix."""
    return path.relative_to(root).with_suffix("").as_posix()


def knowledge_files(root: Path) -> list[Path]:
    """The knowledge files under ``root`` (hidden files and folders, and ``_`` ones, are ignored)."""
    root = Path(root)
    if not root.is_dir():
        raise KnowledgeError(f"The knowledge folder {root} does not exist. Create it or set "
                             "BRIEFING_BOT_KNOWLEDGE_DIR.")
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


def load_knowledge(root: Path) -> Knowledge:
    """Read every knowledge file; a file that cannot be read is recorded in ``problems``."""
    root = Path(root)
    knowledge = Knowledge()
    parsed: dict[str, _Parsed] = {}
    for path in knowledge_files(root):
        fallback_id = doc_id_for(path, root)
        try:
            meta, blocks = read_file(path)
            doc_id = str(meta.get("id") or fallback_id)
            if doc_id in parsed:
                raise KnowledgeError(f"{path}: has the document id '{doc_id}' of {parsed[doc_id].path}; "
                                     "ids must be unique (rename the file or change its 'id').")
            if not blocks:
                raise KnowledgeError(f"{path}: has no text passages.")
            parsed[doc_id] = _Parsed(path, doc_id, meta, blocks)
        except KnowledgeError as exc:
            knowledge.problems[fallback_id] = str(exc)
    # Originals first: a translation inherits its original's sources and links to its passages.
    ordered = sorted(parsed.values(), key=lambda p: bool(p.meta.get("translation_of")))
    originals: dict[str, tuple[dict[str, Source], list[Passage]]] = {}
    for item in ordered:
        original = originals.get(str(item.meta.get("translation_of") or ""))
        try:
            document, passages, sources = _build(item, original)
        except KnowledgeError as exc:
            knowledge.problems[item.doc_id] = str(exc)
            continue
        originals[document.doc_id] = (sources, passages)
        knowledge.documents[document.doc_id] = document
        knowledge.passages.extend(passages)
    return knowledge


def source_rows(knowledge: Knowledge) -> list[dict]:
    """One row per document: id, title, language, published, publisher, kind, passage count."""
    counts: dict[str, int] = {}
    for passage in knowledge.passages:
        counts[passage.doc_id] = counts.get(passage.doc_id, 0) + 1
    return [{"doc_id": d.doc_id, "title": d.title, "language": d.language, "published": d.published,
             "updated": d.updated, "changes": [asdict(c) for c in d.changes],
             "publisher": d.publisher, "kind": d.kind, "url": d.url, "passages": counts.get(d.doc_id, 0),
             "translation_of": d.translation_of, "translation": d.translation}
            for d in sorted(knowledge.documents.values(), key=lambda d: d.doc_id)]


def read_document(path: Path, root: Path) -> tuple[Document, list[Passage]]:
    """Parse one knowledge file on its own (a translation's links are not resolved)."""
    meta, blocks = read_file(path)
    document, passages, _ = _build(_Parsed(path, str(meta.get("id") or doc_id_for(path, root)), meta, blocks), None)
    return document, passages


def _build(item: _Parsed, original: tuple[dict[str, Source], list[Passage]] | None
           ) -> tuple[Document, list[Passage], dict[str, Source]]:
    meta, path = item.meta, item.path
    text_of_all = " ".join(b.text for b in item.blocks[:20])
    language = _text(meta.get("language")).lower()
    if not language:
        from .language import detect_language

        language = detect_language(text_of_all, default="")
    translation_of = _text(meta.get("translation_of"))
    document = Document(
        doc_id=item.doc_id,
        title=_text(meta.get("title")) or path.stem,
        publisher=_text(meta.get("publisher")),
        url=_text(meta.get("url")),
        published=_text(meta.get("published")),
        language=language,
        kind=_text(meta.get("kind")),
        path=str(path),
        as_of=_text(meta.get("as_of")),
        translation_of=translation_of,
        translation=_text(meta.get("translation")) or ("unofficial" if translation_of else ""),
        notes=_text(meta.get("notes")),
        changes=_changes(meta.get("changes"), path),
    )
    sources = _sources(meta["sources"], path) if meta.get("sources") else (original[0] if original else {})
    originals = original[1] if original else []
    passages = []
    for index, block in enumerate(item.blocks):
        passage_sources = []
        for key in (k.strip() for line in block.attributes.get("source", []) for k in line.split(",")):
            if key and key not in sources:
                raise KnowledgeError(f"{path}: passage {index + 1} cites source '{key}', "
                                     "which the front matter's sources do not define.")
            if key:
                passage_sources.append(sources[key])
        claims = _pairs(block.attributes.get("claim", []), "Claim", path, index)
        views = _pairs(block.attributes.get("view", []), "View", path, index)
        dated = _text((block.attributes.get("as_of") or [""])[-1])
        first = passage_sources[0] if passage_sources else None
        kind = (block.attributes.get("kind") or ["text"])[0]
        # the id covers everything a citation shows, so that any correction re-indexes the passage
        passage_id = content_id(document.doc_id, document.title, document.publisher, document.url,
                                document.published, document.as_of, document.translation, block.section,
                                block.text, kind, dated, repr(passage_sources), repr(claims), repr(views))
        passages.append(Passage(
            passage_id=passage_id,
            doc_id=document.doc_id,
            index=index,
            text=block.text,
            language=document.language,
            group=f"{translation_of or document.doc_id}#{index}",
            title=document.title,
            publisher=first.publisher if first else document.publisher,
            url=first.url if first else document.url,
            published=first.published if first else document.published,
            as_of=dated or document.as_of,
            dated=bool(dated),
            section=block.section,
            kind=kind,
            translation=document.translation if translation_of else "",
            original_id=originals[index].passage_id if index < len(originals) else "",
            sources=tuple(passage_sources),
            claims=claims,
            views=views,
            sentences=tuple(
                Sentence(content_id(passage_id, str(i), block.text[a:b]), passage_id, block.text[a:b], a, b)
                for i, (a, b) in enumerate(split_sentences(block.text))
            ),
        ))
    return document, passages, sources


def _pairs(lines: list[str], label: str, path: Path, index: int) -> tuple[tuple[str, str], ...]:
    """``name = value`` attribute lines (``Claim:``, ``View:``) as pairs."""
    pairs = []
    for line in lines:
        name, sep, value = line.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise KnowledgeError(f"{path}: passage {index + 1} has a malformed {label} line "
                                 f"'{line}' (expected '{label}: name = value').")
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


def _changes(raw: object, path: Path) -> tuple[Change, ...]:
    """The document's changelog (front matter ``changes``: a list of date, change, reason)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, dict) and c.get("date") and c.get("change")
                                            and c.get("reason") for c in raw):
        raise KnowledgeError(f"{path}: 'changes' must be a list of entries with a date, a change "
                             "and a reason.")
    return tuple(Change(_text(c["date"]), _text(c["change"]), _text(c["reason"])) for c in raw)


def _sources(raw: object, path: Path) -> dict[str, Source]:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path}: 'sources' must map keys to title/publisher/url/published.")
    sources = {}
    for key, value in raw.items():
        if not isinstance(value, dict) or not value.get("title") or not value.get("publisher"):
            raise KnowledgeError(f"{path}: source '{key}' needs at least a title and a publisher.")
        sources[str(key)] = Source(title=_text(value["title"]), publisher=_text(value["publisher"]),
                                   url=_text(value.get("url")), published=_text(value.get("published")))
    return sources


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
