"""Compose an answer from retrieved passages: verbatim sentences, each with its [n] citation;
a polite decline when the evidence is weak; both sides when sources disagree on a figure."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from . import messages
from .language import answer_type, fits_type, tokens
from .retrieval import Group, Retrieval, Retriever
from .types import Answer, Citation, Conflict, Passage, Sentence


@dataclass(frozen=True)
class Scoring:
    """Weights of the sentence choice and the decline threshold (see docs on calibration)."""

    min_evidence: float
    faq_weight: float = 0.1  # bonus of sentences in passages an FAQ match routed to
    groups: int = 6  # passage groups whose sentences compete for the answer
    passage_weight: float = 0.5  # how much a sentence inherits from its passage's similarity
    lexical_weight: float = 0.15  # bonus for the question's words in the sentence (same language)
    rank_weight: float = 0.02  # small preference for better-ranked passages
    type_bonus: float = 0.05  # a sentence with a date (number) for a "when" ("how many") question
    caption_penalty: float = 0.1  # a photo caption is weaker evidence than the text
    min_quote_chars: int = 24  # shorter sentences (photo credits, fragments) are not quoted
    keep_ratio: float = 0.97  # a further sentence is quoted when it scores this close to the best
    max_quotes: int = 3


@dataclass(frozen=True)
class Quote:
    """A sentence chosen for the answer."""

    passage: Passage
    sentence: Sentence
    score: float


class Answerer:
    """Turns a question into an ``Answer`` using a ``Retriever``."""

    def __init__(self, retriever: Retriever, scoring: Scoring, fallback_languages: tuple[str, ...] = ("en",)) -> None:
        self.retriever = retriever
        self.scoring = scoring
        self.fallback_languages = fallback_languages

    def answer(self, question: str, language: str, query: str, lexical_query: str,
               vector: list[float] | None = None) -> tuple[Answer, Retrieval]:
        """Answer ``question`` (in ``language``); ``query`` is what gets embedded (unless its
        ``vector`` is given). The answer's ``timings_ms`` has ``retrieve`` and ``answer`` (ms)."""
        start = time.perf_counter()
        retrieval = self.retriever.retrieve(query, lexical_query, language, vector)
        retrieved = time.perf_counter()
        answer = self.decline(question, language)
        # answer when a passage is similar enough, or an FAQ question routed to passages
        if retrieval.groups and (retrieval.evidence >= self.scoring.min_evidence or retrieval.routed):
            chosen = [(rank, self.choose_version(group, language)) for rank, group in
                      enumerate(retrieval.groups[:self.scoring.groups])]
            sims = self.retriever.sentence_similarities(retrieval.vector, [p.passage_id for _, p in chosen])
            quotes = self.pick_quotes(chosen, retrieval, sims, lexical_query, language)
            if quotes:
                answer = self.compose(question, language, quotes)
        timings = {"retrieve": _ms(retrieved - start), "answer": _ms(time.perf_counter() - retrieved)}
        return replace(answer, timings_ms=timings), retrieval

    def decline(self, question: str, language: str) -> Answer:
        """A polite refusal in the question's language, with questions the bot can answer."""
        suggestions = messages.say(messages.SUGGESTIONS, language)
        return Answer(question=question, answer=messages.say(messages.DECLINE, language), answered=False,
                      language=language, suggestions=tuple(suggestions))

    def choose_version(self, group: Group, language: str) -> Passage:
        """The version of a passage to quote: the question's language, else a fallback, else the best hit."""
        versions = {p.language: p for p in self.retriever.versions.get(group.key, [])}
        for wanted in (language, *self.fallback_languages):
            if wanted in versions:
                return versions[wanted]
        return group.hits[0].passage

    def pick_quotes(self, chosen: list[tuple[int, Passage]], retrieval: Retrieval, sims: dict[str, float],
                    lexical_query: str, language: str) -> list[Quote]:
        """Score the sentences of the chosen passages and keep the best few."""
        s = self.scoring
        group_dense = {g.key: g.dense for g in retrieval.groups}
        group_routed = {g.key: g.routed for g in retrieval.groups}
        query_terms = set(tokens(lexical_query, language))
        wanted = answer_type(lexical_query)
        scored = []
        for rank, passage in chosen:
            for sentence in passage.sentences:
                if sentence.sentence_id not in sims or len(sentence.text) < s.min_quote_chars:
                    continue
                overlap = 0.0
                if passage.language == language and query_terms:
                    overlap = len(query_terms & set(tokens(sentence.text, language))) / len(query_terms)
                score = (sims[sentence.sentence_id] + s.passage_weight * group_dense[passage.group]
                         + s.faq_weight * group_routed[passage.group]
                         + s.lexical_weight * overlap - s.rank_weight * rank
                         + (s.type_bonus if wanted and fits_type(sentence.text, wanted) else 0.0)
                         - (s.caption_penalty if passage.kind == "caption" else 0.0))
                scored.append(Quote(passage, sentence, score))
        scored.sort(key=lambda q: -q.score)
        if not scored:
            return []
        best = scored[0].score
        return [q for q in scored if q.score >= best * s.keep_ratio][:s.max_quotes]

    def compose(self, question: str, language: str, quotes: list[Quote]) -> Answer:
        """The answer text: quotes in source order within a passage, each with its [n] marker."""
        citations: list[Citation] = []
        parts: list[str] = []
        for quote in quotes:
            n = len(citations) + 1
            citations.append(_citation(n, quote.passage, quote.sentence.text))
            parts.append(f"{quote.sentence.text} [{n}]")
        conflicts, notes = self.conflicts(citations, language)
        return Answer(question=question, answer=" ".join(parts + notes), answered=True, language=language,
                      citations=tuple(citations), conflicts=tuple(conflicts))

    def conflicts(self, citations: list[Citation], language: str) -> tuple[list[Conflict], list[str]]:
        """Add the other side of any disputed figure the cited passages state (mutates ``citations``)."""
        passages = self.retriever.passages
        conflicts, notes = [], []
        for claim in sorted({name for c in list(citations) for name, _ in passages[c.passage_id].claims}):
            stated: dict[str, list[int]] = {}
            for c in citations:
                for name, value in passages[c.passage_id].claims:
                    if name == claim:
                        stated.setdefault(value, []).append(c.n)
            others = [p for p in passages.values() for name, value in p.claims
                      if name == claim and value not in stated]
            for value in sorted({v for p in others for n, v in p.claims if n == claim} - set(stated)):
                holders = [p for p in others if (claim, value) in p.claims]
                best = self._prefer(holders, language)
                n = len(citations) + 1
                quote = _sentence_with(best, value)
                citations.append(_citation(n, best, quote))
                stated[value] = [n]
            if len(stated) > 1:
                values = tuple((v, tuple(ns)) for v, ns in stated.items())
                conflicts.append(Conflict(claim, values))
                # numbers are shown with their citations; other values (dates, periods) speak
                # through the quotes themselves
                listed = "; ".join(" ".join(([v] if re.fullmatch(r"[\d.,]+", v) else []) + [f"[{n}]" for n in ns])
                                   for v, ns in values)
                notes.append(messages.say(messages.CONFLICT, language).format(values=listed))
        return conflicts, notes

    def _prefer(self, passages: list[Passage], language: str) -> Passage:
        order = (language, *self.fallback_languages)
        return min(passages, key=lambda p: (order.index(p.language) if p.language in order else len(order),
                                            p.doc_id, p.index))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _sentence_with(passage: Passage, value: str) -> str:
    """The sentence of a passage that states ``value`` (the whole passage when none does alone)."""
    for sentence in passage.sentences:
        if value in sentence.text:
            return sentence.text
    return passage.text


def _citation(n: int, passage: Passage, quote: str) -> Citation:
    return Citation(n=n, passage_id=passage.passage_id, doc_id=passage.doc_id, title=passage.title,
                    publisher=passage.publisher, url=passage.url, published=passage.published,
                    language=passage.language, text=passage.text, quote=quote, as_of=passage.as_of,
                    translation=passage.translation, translation_of=passage.original_id,
                    sources=passage.sources)
