"""Split a knowledge file's body into passages (blocks) and passages into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ATTRIBUTE = re.compile(r"^(Source|Claim|Kind|As of|View):\s*(.*?)\s*$")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")

# A sentence ends at . ! ? (or their Arabic and CJK forms), optionally followed by closing quotes
# or brackets, then white space or the end. CJK full stops need no space after them.
_END = re.compile(r"(?:[.!?؟…]+[\"'”’»)\]]*(?=\s|$)|[。！？]+[”’」』）]*)")
_ABBREVIATIONS = {"art", "arts", "no", "nos", "mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g",
                  "i.e", "para", "paras", "p", "pp", "ch", "vol", "fig", "jan", "feb", "mar", "apr",
                  "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gen", "amb", "prof"}


@dataclass
class Block:
    """A passage as written in the file: its text, section heading and attribute lines
    (``source``, ``claim``, ``kind``, ``as_of``, ``view``: the values of each, in order)."""

    text: str
    section: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def split_blocks(body: str) -> list[Block]:
    """Cut a Markdown/plain-text body into passages at blank lines; ``#`` lines set the section."""
    blocks: list[Block] = []
    section = ""
    for raw in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n")):
        lines = [line.rstrip() for line in raw.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        heading = HEADING.match(lines[0])
        if heading:
            section = heading.group(1)
            lines = lines[1:]
            if not lines:
                continue
        attributes: dict[str, list[str]] = {}
        while lines and (m := ATTRIBUTE.match(lines[-1].strip())):
            attributes.setdefault(m.group(1).lower().replace(" ", "_"), []).insert(0, m.group(2))
            lines.pop()
        text = "\n".join(line.strip() for line in lines)
        if text:
            blocks.append(Block(text=text, section=section, attributes=attributes))
    return blocks


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of ``text``, without surrounding spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if m.group(0) == "." and _is_abbreviation(text[start:m.start()]):
            continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, len(text), spans)
    return spans


def _is_abbreviation(before: str) -> bool:
    word = before.split()[-1].lstrip("([\"'“‘«").lower() if before.strip() else ""
    return (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
            or re.fullmatch(r"(?:\w\.)+\w", word) is not None)


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
