"""Read the ``knowledge/`` folder: one document per file, YAML front matter for its metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .chunking import split_blocks, split_sentences
from .errors import KnowledgeError
from .types import Document, Passage, Sentence, Source

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
REQUIRED = ("title", "publisher", "published", "language", "kind")


@dataclass
class Knowledge:
    """Every readable document with its passages, and a problem per file that could not be read."""

    documents: dict[str, Document] = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # doc_id -> message


def content_id(*parts: str) -> str:
    """A stable id from content: equal inputs give equal ids, so re-ingest is idempotent."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def doc_id_for(path: Path, root: Path) -> str:
    """A document's id: its path under the knowledge folder, without the file suffix."""
    return path.relative_to(root).with_suffix("").as_posix()


def knowledge_files(root: Path) -> list[Path]:
    """The knowledge files under ``root`` (hidden files and folders are ignored)."""
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
    knowledge = Knowledge()
    root = Path(root)
    for path in knowledge_files(root):
        doc_id = doc_id_for(path, root)
        try:
            document, passages = read_document(path, root)
        except KnowledgeError as exc:
            knowledge.problems[doc_id] = str(exc)
            continue
        knowledge.documents[document.doc_id] = document
        knowledge.passages.extend(passages)
    return knowledge


def read_document(path: Path, root: Path) -> tuple[Document, list[Passage]]:
    """Parse one knowledge file into its document and passages."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None
    meta, body = _front_matter(raw, path)
    missing = [key for key in REQUIRED if not str(meta.get(key) or "").strip()]
    if missing:
        raise KnowledgeError(f"{path}: front matter lacks {', '.join(missing)}.")
    document = Document(
        doc_id=str(meta.get("id") or doc_id_for(path, root)),
        title=_text(meta["title"]),
        publisher=_text(meta["publisher"]),
        url=_text(meta.get("url")),
        published=_text(meta["published"]),
        language=_text(meta["language"]).lower(),
        kind=_text(meta["kind"]),
        path=str(path),
        as_of=_text(meta.get("as_of")),
        translation_of=_text(meta.get("translation_of")),
        translation=_text(meta.get("translation")) or ("unofficial" if meta.get("translation_of") else ""),
        notes=_text(meta.get("notes")),
    )
    sources = _sources(meta.get("sources") or {}, path)
    passages = []
    for index, block in enumerate(split_blocks(body)):
        passage_sources = []
        for key in (k.strip() for line in block.attributes.get("source", []) for k in line.split(",")):
            if key and key not in sources:
                raise KnowledgeError(f"{path}: passage {index + 1} cites source '{key}', "
                                     "which the front matter's sources do not define.")
            if key:
                passage_sources.append(sources[key])
        claims = []
        for line in block.attributes.get("claim", []):
            name, sep, value = line.partition("=")
            if not sep or not name.strip() or not value.strip():
                raise KnowledgeError(f"{path}: passage {index + 1} has a malformed claim "
                                     f"'{line}' (expected 'Claim: name = value').")
            claims.append((name.strip(), value.strip()))
        first = passage_sources[0] if passage_sources else None
        passage_id = content_id(document.doc_id, document.title, block.section, block.text)
        group = f"{document.translation_of or document.doc_id}#{index}"
        passages.append(Passage(
            passage_id=passage_id,
            doc_id=document.doc_id,
            index=index,
            text=block.text,
            language=document.language,
            group=group,
            title=document.title,
            publisher=first.publisher if first else document.publisher,
            url=first.url if first else document.url,
            published=first.published if first else document.published,
            section=block.section,
            kind=(block.attributes.get("kind") or ["text"])[0],
            translation=document.translation if document.translation_of else "",
            sources=tuple(passage_sources),
            claims=tuple(claims),
            sentences=tuple(
                Sentence(content_id(passage_id, str(i), block.text[a:b]), passage_id,
                         block.text[a:b], a, b)
                for i, (a, b) in enumerate(split_sentences(block.text))
            ),
        ))
    if not passages:
        raise KnowledgeError(f"{path}: has no text passages.")
    return document, passages


def _front_matter(raw: str, path: Path) -> tuple[dict, str]:
    text = raw.lstrip("\ufeff")
    if not text.startswith("---"):
        raise KnowledgeError(f"{path}: starts without YAML front matter ('---' lines with title, "
                             "publisher, published, language, kind).")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise KnowledgeError(f"{path}: the YAML front matter is not closed by a '---' line.")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: the front matter is not valid YAML ({exc}).") from None
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path}: the front matter must be a mapping of keys to values.")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


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
