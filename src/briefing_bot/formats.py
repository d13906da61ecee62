"""Readers for the knowledge file formats: Markdown and plain text (YAML front matter), HTML, PDF.

Each reader returns the document's own metadata and its passages as ``Block``s. Metadata for any
format can also come from a sidecar ``<file name>.yaml`` (e.g. ``report.pdf.yaml``), which wins.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .chunking import Block, split_blocks, split_sentences
from .errors import KnowledgeError

TEXT_SUFFIXES = (".md", ".markdown", ".txt")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
MAX_PASSAGE_CHARS = 900  # long unstructured text (PDF) is cut at sentence ends near this size


def read_file(path: Path) -> tuple[dict, list[Block]]:
    """Metadata and passages of one knowledge file; ``KnowledgeError`` when it cannot be parsed."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        meta, blocks = _read_html(_text(path))
    elif suffix in PDF_SUFFIXES:
        meta, blocks = _read_pdf(path)
    else:
        meta, body = _front_matter(_text(path), path)
        blocks = split_blocks(body)
    sidecar = path.with_name(path.name + ".yaml")
    if sidecar.is_file():
        meta = {**meta, **_yaml_mapping(sidecar.read_text(encoding="utf-8"), sidecar)}
    return meta, blocks


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").lstrip("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot be read as UTF-8 text ({exc}).") from None


def _yaml_mapping(text: str, path: Path) -> dict:
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: the metadata is not valid YAML ({exc}).") from None
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path}: the metadata must be a mapping of keys to values.")
    return meta


def _front_matter(text: str, path: Path) -> tuple[dict, str]:
    """Split YAML front matter (optional for plain text) from the body."""
    if not text.startswith("---"):
        return {}, text
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise KnowledgeError(f"{path}: the YAML front matter is not closed by a '---' line.")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return _yaml_mapping(parts[0][3:], path), body


class _HtmlBlocks(HTMLParser):
    BLOCKS = {"p", "li", "blockquote", "figcaption", "dd", "dt", "td", "th", "pre"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict = {}
        self.blocks: list[Block] = []
        self.section = ""
        self.skip = 0
        self.buffer: list[str] | None = None
        self.kind = "text"
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.meta.setdefault("language", a["lang"].split("-")[0].lower())
        if tag == "meta":
            key = (a.get("name") or a.get("property") or "").lower()
            target = {"author": "publisher", "publisher": "publisher", "og:site_name": "publisher",
                      "date": "published", "article:published_time": "published", "dc.date": "published",
                      "description": None, "og:url": "url", "og:title": "title"}.get(key)
            if target and a.get("content"):
                self.meta.setdefault(target, a["content"].strip()[:10] if target == "published" else a["content"].strip())
        if tag == "link" and a.get("rel") == "canonical" and a.get("href"):
            self.meta.setdefault("url", a["href"])
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP:
            self.skip += 1
        elif not self.skip and (tag in self.BLOCKS or tag in self.HEADINGS):
            self._flush()
            self.buffer = []
            self.kind = "caption" if tag == "figcaption" else ("heading" if tag in self.HEADINGS else "text")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag in self.BLOCKS or tag in self.HEADINGS:
            self._flush()

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skip and self.buffer is not None:
            self.buffer.append(data)

    def _flush(self) -> None:
        if self.buffer is None:
            return
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer = None
        if not text:
            return
        if self.kind == "heading":
            self.section = text
        else:
            self.blocks.append(Block(text=text, section=self.section,
                                     attributes={"kind": [self.kind]} if self.kind != "text" else {}))


def _read_html(text: str) -> tuple[dict, list[Block]]:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    meta = dict(parser.meta)
    if parser.title.strip():
        meta.setdefault("title", re.sub(r"\s+", " ", parser.title).strip())
    meta.setdefault("kind", "web page")
    return meta, parser.blocks


def _read_pdf(path: Path) -> tuple[dict, list[Block]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        info = reader.metadata or {}
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise KnowledgeError(f"{path}: is not a readable PDF ({exc}).") from None
    meta: dict = {"kind": "document"}
    if info.get("/Title"):
        meta["title"] = str(info["/Title"])
    if info.get("/Author"):
        meta["publisher"] = str(info["/Author"])
    created = str(info.get("/CreationDate") or "")
    if re.match(r"D:\d{8}", created):
        meta["published"] = f"{created[2:6]}-{created[6:8]}-{created[8:10]}"
    blocks = []
    for page in pages:
        for paragraph in re.split(r"\n\s*\n", page):
            text = re.sub(r"\s+", " ", paragraph).strip()
            blocks.extend(Block(text=part) for part in _cut(text) if part)
    return meta, blocks


def _cut(text: str) -> list[str]:
    """Cut long text at sentence ends into passages of about ``MAX_PASSAGE_CHARS``."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [text]
    parts, start = [], 0
    for _, end in split_sentences(text):
        if end - start >= MAX_PASSAGE_CHARS * 2 // 3:
            parts.append(text[start:end].strip())
            start = end
    parts.append(text[start:].strip())
    return [p for p in parts if p]
