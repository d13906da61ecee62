"""Readers for the knowledge file formats: Markdown and plain text (YAML front matter), HTML, PDF.

Each reader returns the document's own metadata and its passages as ``Block``s. Metadata for any
format can also come from a sidecar ``<file name>.yaml`` (e.g. ``report.pdf.yaml``), which wins.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Tag

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


_HTML_BLOCKS = {"p", "li", "blockquote", "figcaption", "dd", "dt", "td", "th", "pre"}
_HTML_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HTML_SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "head"}
_HTML_META = {"author": "publisher", "publisher": "publisher", "og:site_name": "publisher", "date": "published",
              "article:published_time": "published", "dc.date": "published", "og:url": "url", "og:title": "title"}


def _read_html(text: str) -> tuple[dict, list[Block]]:
    """Metadata from ``lang``, meta tags, the canonical link, then ``<title>`` (the first of each wins), and a
    passage for each run of text in the innermost block element holding it; headings name the section."""
    soup = BeautifulSoup(text, "html.parser")
    meta: dict = {}
    html = soup.find("html")
    if html and html.get("lang"):
        meta["language"] = html["lang"].split("-")[0].lower()
    for tag in soup.find_all(["meta", "link"]):
        if tag.name == "link":
            target, value = ("url" if "canonical" in tag.get("rel", ()) else None), tag.get("href", "")
        else:
            target = _HTML_META.get((tag.get("name") or tag.get("property") or "").lower())
            value = tag.get("content", "").strip()
        if target and value:
            meta.setdefault(target, value[:10] if target == "published" else value)
    title = re.sub(r"\s+", " ", soup.title.get_text()).strip() if soup.title else ""
    if title:
        meta.setdefault("title", title)
    meta.setdefault("kind", "web page")

    for tag in soup.find_all(_HTML_SKIP):
        tag.extract()
    runs: list[tuple[Tag, list[str]]] = []
    for string in soup.strings:
        holder = next((tag for tag in string.parents if tag.name in _HTML_BLOCKS or tag.name in _HTML_HEADINGS), None)
        if holder is None:
            continue
        if runs and runs[-1][0] is holder:
            runs[-1][1].append(string)
        else:
            runs.append((holder, [string]))
    blocks, section = [], ""
    for holder, strings in runs:
        text = re.sub(r"\s+", " ", "".join(strings)).strip()
        if not text:
            continue
        if holder.name in _HTML_HEADINGS:
            section = text
        else:
            blocks.append(Block(text=text, section=section,
                                attributes={"kind": ["caption"]} if holder.name == "figcaption" else {}))
    return meta, blocks


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
