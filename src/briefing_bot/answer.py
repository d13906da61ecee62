"""Compose an answer from retrieved passages: verbatim sentences, each with its [n] citation;
a polite decline when the evidence is weak; every value, dated, when sources disagree on a figure
or a count changed over time; both sides of a contested topic."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from . import countries, messages
from .entities import Glossary, named, rarity
from .follow_up import what_is_asked
from .language import tokens
from .predicates import agreement, predicates
from .question import counts_what_is_asked, fits, names_a_time, question_type
from .retrieval import Group, Retrieval, Retriever
from .selection import FEATURES, Candidate, Selector, kept
from .types import Answer, Citation, Conflict, Passage, Sentence


@dataclass(frozen=True)
class Scoring:
    """How many candidates compete and how many sentences an answer quotes."""

    groups: int = 8  # passage groups whose sentences compete for the answer
    min_quote_chars: int = 24  # shorter sentences (photo credits, fragments) are not quoted
    max_quotes: int = 3
    min_answerable: float = 0.0  # decline below this chance that the knowledge answers; 0 = calibrated


@dataclass(frozen=True)
class Quote:
    """A sentence chosen for the answer, with the probability that it answers the question."""

    passage: Passage
    sentence: Sentence
    score: float
    features: tuple[float, ...] = ()


class Answerer:
    """Turns a question into an ``Answer`` using a ``Retriever`` and a fitted ``Selector`` (without
    one it only lists candidates, for calibration)."""

    def __init__(self, retriever: Retriever, selector: Selector | None, scoring: Scoring = Scoring(),
                 fallback_languages: tuple[str, ...] = ("en",), glossary: Glossary = Glossary()) -> None:
        self.retriever = retriever
        self.selector = selector
        self.scoring = scoring
        self.fallback_languages = fallback_languages
        self.glossary = glossary
        self._named: dict[str, frozenset[str]] = {}  # sentence id -> the entities it names
        self.rarity: dict[str, float] = {}  # entity -> how much naming it tells (``warm_up``)
        self.countries: frozenset[str] = frozenset()  # the countries (and unions) the knowledge names (``warm_up``)
        self.places: dict[str, str] = {}  # country code -> the glossary's entity for it (``warm_up``)

    def warm_up(self) -> None:
        """Weigh the glossary's entities by how rarely the knowledge's passage groups name them;
        note the countries the knowledge names and the glossary's entity for each country."""
        self.retriever.warm_up()
        self.rarity = rarity([set().union(*(self.glossary.found(p.text, p.language) for p in versions))
                              for versions in self.retriever.versions.values()])
        self.countries = frozenset().union(*(countries.named(p.text, p.language)
                                             for p in self.retriever.passages.values()))
        self.places = {code: entity for entity, by_language in self.glossary.names.items()
                       for name in by_language.get("en", ()) for code in countries.called(name, "en")}

    def entities(self, text: str, language: str) -> set[str]:
        """The glossary's entities ``text`` names (a country by any name CLDR knows in ``language``,
        even where the glossary has none: "Podepsalo Rusko?"), and the countries it names that the
        knowledge never does. A country the knowledge names only as a member of a union it names
        stands for that union: "Did Germany sign?" is answered by what the EU's members did."""
        found = self.glossary.found(text, language)
        for code in countries.named(text, language):
            if code in self.countries:
                found |= {self.places[code]} if code in self.places else set()
            else:
                known = countries.unions({code}) & self.countries
                found |= {self.places[u] for u in known if u in self.places} if known else {f"country:{code}"}
        return found

    def asked_about(self, question: str, language: str, context: str = "") -> set[str]:
        """The entities a question names (``entities``); for a follow-up naming none, its earlier question's."""
        return self.entities(question, language) or (self.entities(context, language) if context else set())

    def answer(self, question: str, language: str, query: str, lexical_query: str,
               vector: list[float] | None = None, context: str = "") -> tuple[Answer, Retrieval]:
        """Answer ``question`` (in ``language``; a follow-up of ``context``, the earlier question);
        ``query`` is what gets embedded (unless its ``vector`` is given). The answer's
        ``timings_ms`` has ``retrieve`` and ``answer`` (ms)."""
        start = time.perf_counter()
        retrieval = self.retriever.retrieve(query, lexical_query, language, vector)
        retrieved = time.perf_counter()
        line = self.line_to_take(question, language)
        if line:
            answer = replace(self.compose(question, language, line, retrieval), support=1.0, supported="well")
        elif self.retriever.declines(question):  # an off-topic FAQ question as written
            answer = self.decline(question, language, retrieval)
        else:
            answer = self.select(question, language, retrieval, lexical_query, context)
        timings = {"retrieve": _ms(retrieved - start), "answer": _ms(time.perf_counter() - retrieved)}
        return replace(answer, timings_ms=timings), retrieval

    def select(self, question: str, language: str, retrieval: Retrieval, lexical_query: str,
               context: str = "") -> Answer:
        """The fitted selection: rank the retrieved sentences, let the judge decide whether they
        answer, and quote those that answer the question's type (when none of the best groups' may
        be quoted, the next groups' are tried; else decline). A sentence that states a hope or an
        expectation answers only a question about one: "Viet Nam hopes 40 states will sign" does
        not say how many signed. A question about a country the knowledge never names is declined:
        whatever it says of other states does not answer "Did Korea sign?"."""
        if any(e not in self.rarity for e in self.asked_about(question, language, context)):
            return self.decline(question, language, retrieval)
        ranked = self.rank(self.candidates(question, retrieval, lexical_query, language, context=context))
        verdict = self.selector.judge([(q.score, q.features) for q in ranked], retrieval.unknown_words,
                                      retrieval.standout, retrieval.off_topic)
        if verdict.answerable < (self.scoring.min_answerable or verdict.min_answerable):
            return self.decline(question, language, retrieval)
        wanted, asked = what_is_asked(question, context, language)
        hopes = "hope" in asked
        states = countries.named(question, language) if wanted == "person" else set()

        def quotable(quotes: list[Quote]) -> list[Quote]:
            return [q for q in quotes if answers(q.features, wanted) and answers_who(q, states)
                    and (hopes or "hope" not in predicates(q.sentence.text, q.passage.language))
                    and counts_what_is_asked(question, q.sentence.text)]

        allowed = quotable(ranked) or quotable(self.rank(self.candidates(question, retrieval, lexical_query,
                                                                         language, deeper=True, context=context)))
        if not allowed:
            return self.decline(question, language, retrieval)
        n = kept([q.score for q in allowed], self.selector.keep_ratio, self.scoring.max_quotes)
        if wanted == "yesno":  # "Did Russia sign?" is settled by a sentence stating the act about Russia: it leads
            allowed = sorted(allowed, key=lambda q: not settles(q.features))
        quotes = allowed[:n]
        return replace(self.compose(question, language, quotes, retrieval), support=round(verdict.support, 3),
                       supported=verdict.supported)

    def decline(self, question: str, language: str, retrieval: Retrieval | None = None) -> Answer:
        """A polite refusal in the question's language, offering the closest questions the bot
        can answer (FAQ questions in that language, else the suggested ones)."""
        closest = [text for lang, text, _ in (retrieval.faq_questions if retrieval else ()) if lang == language]
        suggestions = list(dict.fromkeys(closest))[:3] or messages.say(messages.SUGGESTIONS, language)
        return Answer(question=question, answer=messages.say(messages.DECLINE, language), answered=False,
                      language=language, suggestions=tuple(suggestions))

    def line_to_take(self, question: str, language: str) -> list[Quote]:
        """The FAQ's answer when ``question`` is one of its questions as written (see
        ``Retriever.line_to_take``): the sentences it points at, in the version to quote."""
        quotes = []
        for key, position in self.retriever.line_to_take(question)[:self.scoring.max_quotes]:
            versions = self.retriever.versions.get(key, [])
            passage = self._prefer(versions, language) if versions else None
            if passage is not None and position < len(passage.sentences):
                quotes.append(Quote(passage, passage.sentences[position], 1.0))
        return quotes

    def choose_version(self, group: Group, language: str) -> Passage:
        """The version of a passage to quote: the question's language, else a fallback, else the best hit."""
        versions = {p.language: p for p in self.retriever.versions.get(group.key, [])}
        for wanted in (language, *self.fallback_languages):
            if wanted in versions:
                return versions[wanted]
        return group.hits[0].passage

    def candidates(self, question: str, retrieval: Retrieval, lexical_query: str, language: str,
                   deeper: bool = False, context: str = "") -> list[Candidate]:
        """The sentences of the best passage groups (in the version to quote), with their features
        (a follow-up of ``context`` may ask what it asked: ``follow_up.what_is_asked``); ``deeper``:
        those of the next as many groups instead, their features still measured against the best
        groups (tried when none of the best groups' sentences may be quoted)."""
        n = self.scoring.groups
        groups = retrieval.groups[:n]
        if not groups:
            return []
        chosen = [(rank, group, self.choose_version(group, language))
                  for rank, group in enumerate(retrieval.groups[:2 * n] if deeper else groups)]
        sims = self.retriever.sentence_similarities(retrieval.vector, [p.passage_id for _, _, p in chosen])
        terms = set(tokens(lexical_query, language))
        wanted, asked = what_is_asked(question, context, language)
        entities = self.asked_about(question, language, context)
        best_sentence = max((sims.get(s.sentence_id, 0.0) for _, _, p in chosen[:n] for s in p.sentences), default=0.0)
        best_passage = max(g.dense for g in groups)
        best_lexical = max(g.lexical for g in groups) or 1.0
        rows = []
        for rank, group, passage in chosen[n:] if deeper else chosen:
            for position, sentence in enumerate(passage.sentences):
                if sentence.sentence_id in sims and len(sentence.text) >= self.scoring.min_quote_chars:
                    overlap = (len(terms & set(tokens(sentence.text, language))) / len(terms)
                               if passage.language == language and terms else 0.0)
                    fit = fits(sentence.text, wanted) if wanted else 0.0
                    sim = sims[sentence.sentence_id]
                    rows.append(Candidate(passage, sentence, (
                        sim, group.dense, group.faq, overlap, group.lexical / best_lexical, 1.0 / (1 + rank), fit,
                        float(wanted in TYPED) * (1.0 - fit), float(passage.kind == "caption"),
                        sim - best_sentence, group.dense - best_passage, group.faq - retrieval.faq,
                        retrieval.faq_sentences.get((group.key, position), 0.0),
                        *agreement(asked, predicates(sentence.text, passage.language)),
                        *named(entities, self.names(sentence, passage.language), self.rarity))))
        return rows

    def names(self, sentence: Sentence, language: str) -> frozenset[str]:
        """The glossary's entities that ``sentence`` (in ``language``) names."""
        if sentence.sentence_id not in self._named:
            self._named[sentence.sentence_id] = frozenset(self.glossary.found(sentence.text, language))
        return self._named[sentence.sentence_id]

    def rank(self, candidates: list[Candidate]) -> list[Quote]:
        """Candidates as quotes, the likeliest answer first."""
        probabilities = self.selector.probabilities([c.features for c in candidates])
        return sorted((Quote(c.passage, c.sentence, p, c.features) for c, p in zip(candidates, probabilities)),
                      key=lambda q: -q.score)

    def compose(self, question: str, language: str, quotes: list[Quote],
                retrieval: Retrieval | None = None) -> Answer:
        """The answer text: the quotes, each with its [n] marker (and its date when it states a
        count; a passage that states a side of a contested topic whole), then the other sides of
        contested topics, then notes on disputed or changed figures."""
        citations: list[Citation] = []
        parts: list[str] = []
        quotes = self.newest_first(quotes, language, question_type(question) == "count" and not names_a_time(question))
        said: dict[tuple[str, str], Quote] = {}
        for q in quotes:  # a passage that states a side is said whole, once
            said.setdefault((q.passage.passage_id, q.passage.text if q.passage.views else q.sentence.text), q)
        quotes = list(said.values())
        for i, ((_, text), quote) in enumerate(said.items()):
            n = len(citations) + 1
            citations.append(citation(n, quote.passage, text))
            parts.append(f"{text} [{n}]")
            if quote.passage.dated and all(q.passage.passage_id != quote.passage.passage_id for q in quotes[i + 1:]):
                parts.append(messages.say(messages.AS_OF, language).format(
                    date=messages.format_date(quote.passage.as_of, language), source=quote.passage.publisher))
        sides, view_notes = self.views(citations, language, retrieval)
        conflicts, notes = self.conflicts(citations, language)
        if all(c.language != language for c in citations) and "en" in {c.language for c in citations}:
            notes.append(messages.say(messages.QUOTED_IN_ENGLISH, language))
        return Answer(question=question, answer=" ".join(parts + sides + view_notes + notes), answered=True,
                      language=language, citations=tuple(citations), conflicts=tuple(conflicts))

    def newest_first(self, quotes: list[Quote], language: str, latest: bool = False) -> list[Quote]:
        """Lead with the newest statement of a count that changed over time, when a quote states
        an older one (the older one stays quoted and is dated in the note). With ``latest`` (a
        count question that names no moment), the newest of the figure's whole family leads: the
        latest total rather than a first day's count."""
        figure = (lambda claim: claim.split("/")[0]) if latest else (lambda claim: claim)
        ordered: list[Quote] = []
        for quote in quotes:
            for claim, _ in quote.passage.claims:
                holders = [p for p in self.retriever.passages.values()
                           if p.dated and any(figure(name) == figure(claim) for name, _ in p.claims)]
                newest = max(holders, key=lambda p: p.as_of, default=None)
                if newest is None or newest.as_of <= quote.passage.as_of \
                        or any(q.passage.group == newest.group for q in quotes + ordered):
                    continue
                best = self._prefer([p for p in holders if p.group == newest.group], language)
                value = next(v for name, v in best.claims if figure(name) == figure(claim))
                ordered.append(Quote(best, _sentence_with(best, value), quote.score))  # before the older one
            ordered.append(quote)
        # among quotes stating the same figure, the newest statement comes first
        for name in {figure(c) for q in ordered if q.passage.dated for c, _ in q.passage.claims}:
            slots = [i for i, q in enumerate(ordered)
                     if q.passage.dated and any(figure(c) == name for c, _ in q.passage.claims)]
            newest = sorted((ordered[i] for i in slots), key=lambda q: q.passage.as_of, reverse=True)
            for i, q in zip(slots, newest):
                ordered[i] = q
        return ordered

    def views(self, citations: list[Citation], language: str, retrieval: Retrieval | None
              ) -> tuple[list[str], list[str]]:
        """On a contested topic (``View:`` lines), quote the sides the cited passages leave out (the
        whole passage: which of its sentences carries the view is not marked), and name each side's
        citations, over all the answer's topics in one note. Mutates ``citations``; returns the
        quotes and the notes."""
        passages = self.retriever.passages
        rank = {g.key: i for i, g in enumerate(retrieval.groups)} if retrieval else {}
        parts: list[str] = []
        named: dict[str, set[int]] = {}
        for topic in sorted({t for c in citations for t, _ in passages[c.passage_id].views}):
            sides: dict[str, list[int]] = {}
            for c in citations:
                for t, side in passages[c.passage_id].views:
                    if t == topic:
                        sides.setdefault(side, []).append(c.n)
            for side in sorted({side for p in passages.values() for t, side in p.views if t == topic}):
                if side in sides:
                    continue
                holders = [p for p in passages.values() if (topic, side) in p.views]
                group = min({p.group for p in holders}, key=lambda g: (rank.get(g, len(rank)), g))
                best = self._prefer([p for p in holders if p.group == group], language)
                n = len(citations) + 1
                citations.append(citation(n, best, best.text))
                parts.append(f"{best.text} [{n}]")
                sides[side] = [n]
            if len(sides) > 1:
                for side, ns in sides.items():
                    named.setdefault(side, set()).update(ns)
        if len(named) < 2:
            return parts, []
        listed = "; ".join(f"{messages.side(s, language)} " + " ".join(f"[{n}]" for n in sorted(named[s]))
                           for s in sorted(named))
        return parts, [messages.say(messages.VIEWS, language).format(values=listed)]

    def conflicts(self, citations: list[Citation], language: str) -> tuple[list[Conflict], list[str]]:
        """Cite every value of each disputed figure (``Claim:``) that the cited passages state, and
        of the figures of the same family (``family/part``) on which sources disagree (mutates
        ``citations``). A figure whose dated values differ in date changed over time: its values are
        listed newest first, each with its date; otherwise the sources disagree."""
        passages = self.retriever.passages
        cited = {name for c in citations for name, _ in passages[c.passage_id].claims}
        families = {name.split("/")[0] for name in cited}
        conflicts, notes = [], []
        for claim in sorted({n for p in passages.values() for n, _ in p.claims if n.split("/")[0] in families}):
            holders: dict[str, list[Passage]] = {}
            for p in passages.values():
                if claim in dict(p.claims):
                    holders.setdefault(dict(p.claims)[claim], []).append(p)
            if len(holders) < 2:
                continue
            stated: dict[str, list[int]] = {}
            for c in citations:
                value = dict(passages[c.passage_id].claims).get(claim)
                if value is not None:
                    stated.setdefault(value, []).append(c.n)
            for value in sorted(set(holders) - set(stated)):
                best = self._prefer(holders[value], language)
                n = len(citations) + 1
                citations.append(citation(n, best, _sentence_with(best, value).text))
                stated[value] = [n]
            dates = {v: max((p.as_of for p in holders[v] if p.dated), default="") for v in stated}
            changed = all(dates.values()) and len(set(dates.values())) > 1
            order = sorted(stated, key=lambda v: dates[v], reverse=True) if changed else list(stated)
            conflicts.append(Conflict(claim, tuple((v, tuple(stated[v])) for v in order),
                                      "changed" if changed else "disagreement", tuple(dates[v] for v in order)))
            marks = {v: " ".join(f"[{n}]" for n in stated[v]) for v in order}
            if changed:
                listed = "; ".join(messages.say(messages.AS_OF_VALUE, language).format(
                    value=v, date=messages.format_date(dates[v], language), citations=marks[v]) for v in order)
                notes.append(messages.say(messages.UPDATED, language).format(values=listed))
            else:
                # numbers are shown with their citations; other values (dates, periods) speak
                # through the quotes themselves
                listed = "; ".join((f"{v} " if re.fullmatch(r"[\d.,]+", v) else "") + marks[v] for v in order)
                notes.append(messages.say(messages.CONFLICT, language).format(values=listed))
        return conflicts, notes

    def _prefer(self, passages: list[Passage], language: str) -> Passage:
        order = (language, *self.fallback_languages)
        return min(passages, key=lambda p: (order.index(p.language) if p.language in order else len(order),
                                            p.doc_id, p.index))


TYPED = {"count", "date", "person", "place"}  # types a sentence must fit to answer
_FIT, _STATED, _OTHER, _UNNAMED = (FEATURES.index(name) for name in ("fits", "predicate", "predicate_other", "unnamed"))
PERSON_FIT = 0.8  # ``question.fits`` of a sentence naming a person (1.0) or an office ("the Minister", 0.8)


def answers(features: tuple[float, ...], wanted: str) -> bool:
    """Whether a candidate (its ``FEATURES``) may be quoted at all, whatever its probability: not
    when it states only other acts than the one asked ("110 countries attended" for "how many
    signed?"), nor when "how many?" is asked and it states no count (a number, or that there are none)."""
    if features[_STATED] == 0.0 and features[_OTHER] > 0.0:
        return False
    return wanted != "count" or features[_FIT] > 0.0


def settles(features: tuple[float, ...]) -> bool:
    """Whether a candidate (its ``FEATURES``) can settle a yes/no question: it states an act the
    question asks about, and names whatever the question names ("Gutsan signed for Russia", not
    "Russia initiated the process" nor "Thirteen EU members signed", for "Did Russia sign?")."""
    return features[_STATED] > 0 and features[_UNNAMED] == 0


def answers_who(quote: Quote, states: set[str]) -> bool:
    """Whether a candidate may answer "who?" asked about the ``states`` a question names ("Who
    signed for China?"): only when it names a person or an office, and those states: neither the
    list of states that signed nor Russia's signatory answers it."""
    return not states or (quote.features[_FIT] >= PERSON_FIT
                          and states <= countries.named(quote.sentence.text, quote.passage.language))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _sentence_with(passage: Passage, value: str) -> Sentence:
    """The sentence of a passage that states ``value`` (the whole passage when none does alone)."""
    for sentence in passage.sentences:
        if value in sentence.text:
            return sentence
    return Sentence(passage.passage_id, passage.passage_id, passage.text, 0, len(passage.text))


def citation(n: int, passage: Passage, quote: str) -> Citation:
    """Citation ``n``: ``passage`` with ``quote``, the part of it the answer uses."""
    return Citation(n=n, passage_id=passage.passage_id, doc_id=passage.doc_id, title=passage.title,
                    publisher=passage.publisher, url=passage.url, published=passage.published,
                    language=passage.language, text=passage.text, quote=quote, as_of=passage.as_of,
                    translation=passage.translation, translation_of=passage.original_id,
                    sources=passage.sources)
