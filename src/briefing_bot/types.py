"""Value types shared by every component, and the Protocols that are the seams between them."""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator, Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class Source:
    """Where a passage's facts come from (a fact sheet names one per passage)."""

    title: str
    publisher: str
    url: str = ""
    published: str = ""


@dataclass(frozen=True)
class Change:
    """One entry of a document's changelog: when, what changed, and why."""

    date: str
    change: str
    reason: str


@dataclass(frozen=True)
class Document:
    """One knowledge file and its metadata."""

    doc_id: str
    title: str
    publisher: str
    url: str
    published: str
    language: str
    kind: str
    path: str
    as_of: str = ""
    translation_of: str = ""
    translation: str = ""  # "", "official" or "unofficial"
    notes: str = ""
    changes: tuple[Change, ...] = ()

    @property
    def updated(self) -> str:
        """The date of the document's last recorded change (else its publication date)."""
        return max((c.date for c in self.changes), default=self.published)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage: ``passage.text[start:end] == text``."""

    sentence_id: str
    passage_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A citable unit of a document, verbatim from its file.

    ``group`` is shared by a passage and its translations, so that they count once.
    ``claims`` name figures on which sources disagree, as (name, value) pairs; a name
    ``family/part`` ties related figures together. ``views`` tag a side of a contested topic, as
    (topic, side) pairs. ``as_of`` is the date the facts are true as of: the passage's own
    (``dated``: a count, quoted with its date) or its document's.
    """

    passage_id: str
    doc_id: str
    index: int
    text: str
    language: str
    group: str
    title: str
    publisher: str
    url: str
    published: str
    as_of: str = ""
    section: str = ""
    kind: str = "text"
    translation: str = ""
    original_id: str = ""  # for a translated passage: the passage it translates
    sources: tuple[Source, ...] = ()
    claims: tuple[tuple[str, str], ...] = ()
    views: tuple[tuple[str, str], ...] = ()
    dated: bool = False
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its scores (``dense``: cosine similarity, ``score``: fused)."""

    passage: Passage
    score: float
    dense: float = 0.0
    lexical: float = 0.0


@dataclass(frozen=True)
class Citation:
    """Entry ``n`` of an answer's source list: ``quote`` is an exact part of ``text``."""

    n: int
    passage_id: str
    doc_id: str
    title: str
    publisher: str
    url: str
    published: str
    language: str
    text: str
    quote: str
    as_of: str = ""
    translation: str = ""
    translation_of: str = ""  # passage id of the original, for a translated passage
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Conflict:
    """Sources give several values of ``claim``: each value with the citation numbers that state
    it. ``kind`` is "disagreement", or "changed" for a count that changed over time (values newest
    first); ``as_of`` gives each value's date."""

    claim: str
    values: tuple[tuple[str, tuple[int, ...]], ...]
    kind: str = "disagreement"
    as_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The bot's reply, the JSON contract of the CLI and the API."""

    question: str
    answer: str
    answered: bool
    language: str
    citations: tuple[Citation, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    suggestions: tuple[str, ...] = ()
    support: float = 0.0  # estimated chance that the answer is right (0 for a decline)
    supported: str = ""  # "well" or "partly" (see ``Selector.level``)
    timings_ms: dict[str, float] = field(default_factory=dict)
    cached: bool = False  # served from the answer cache (see ``cache.py``)
    mode: str = "extractive"  # "generated": written by the LLM and validated (see ``validation.py``)
    fallback_reason: str | None = None  # why generation was tried and not shown (None: not tried, or shown)

    @property
    def answer_id(self) -> str:
        """A short, stable id of this answer (feedback refers to it)."""
        return hashlib.sha256(f"{self.question}\x1f{self.answer}".encode("utf-8")).hexdigest()[:16]

    def as_text(self, width: int = 100) -> str:
        """The answer as plain text (terminal, clipboard): the answer, then its numbered sources."""
        lines = [textwrap.fill(self.answer, width)] + [f"  - {s}" for s in self.suggestions]
        if self.citations:
            lines.append("\nSources:")
        for c in self.citations:
            origin = ", ".join(x for x in (c.publisher, c.published, c.language) if x)
            note = f" ({c.translation} translation)" if c.translation else ""
            lines.append(f"[{c.n}] {c.title}{note}: {origin}" + (f"\n    {c.url}" if c.url else ""))
            lines.append(textwrap.indent(textwrap.fill(f"\u201c{c.quote}\u201d", width - 4), "    "))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The answer as JSON-ready data."""
        data = asdict(self)
        data["conflicts"] = [
            {"claim": c.claim, "kind": c.kind,
             "values": [{"value": v, "citations": list(ns), "as_of": (c.as_of[i] if i < len(c.as_of) else "")}
                        for i, (v, ns) in enumerate(c.values)]}
            for c in self.conflicts
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Answer:
        """The answer that ``to_dict`` gave ``data`` (other keys, such as ``answer_id``, are ignored)."""
        citations = tuple(Citation(**{**c, "sources": tuple(Source(**s) for s in c["sources"])})
                          for c in data["citations"])
        conflicts = tuple(Conflict(c["claim"], tuple((v["value"], tuple(v["citations"])) for v in c["values"]),
                                   c["kind"], tuple(v["as_of"] for v in c["values"])) for c in data["conflicts"])
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**{**fields, "citations": citations, "conflicts": conflicts,
                      "suggestions": tuple(data["suggestions"])})


@dataclass(frozen=True)
class Turn:
    """One message of the conversation history."""

    role: str  # "user" or "assistant"
    content: str


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit vectors; ``warm_up`` loads the model (construction stays cheap)."""

    name: str

    def warm_up(self) -> None: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_queries(self, texts: Sequence[str], progress: Callable[[int], None] | None = None
                      ) -> list[list[float]]:
        """Embed questions (FAQ variants) the way ``embed_query`` does."""
        ...

    def embed_passages(self, items: Sequence[tuple[str, str]], progress: Callable[[int], None] | None = None
                       ) -> list[list[float]]:
        """Embed (title, text) pairs as documents."""
        ...


@runtime_checkable
class Generator(Protocol):
    """Writes an answer from chat messages ((role, content) pairs: "system", "user"), as a stream
    of text pieces. Raises ``LLMError`` (``LLMUnavailable``, ``LLMTimeout``) when it cannot."""

    def stream(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]: ...
