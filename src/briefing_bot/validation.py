"""Validation of a generated answer before anything of it is shown: every sentence must cite listed
passages and say only what they say.

A sentence passes when

1. it ends with at least one ``[n]`` marker, each naming a listed passage;
2. every number in it (digits normalised: "1,000" = "1 000" = "1000", any digit script) appears in
   one of the passages it cites, in any of their translations (a number up to 12 may also be a
   month those passages name: 十月, tháng 10, octobre...); every month it names is named there too;
3. every named entity of the glossary (``knowledge/entities.yaml``) it names is named by a cited
   passage in some language, every other capitalised word (in languages where capitals mark names)
   appears in one of them, and every address (URL, e-mail) appears verbatim;
4. it is written in the question's language (when it has enough words to tell);
5. its meaning is close to a cited passage: the cosine similarity of its embedding to the closest
   sentence of a cited passage (any translation) is at least the grounding cut-off (fitted by
   ``fit_cutoff``, see ``briefing-bot calibrate --grounding``).

A whole answer passes when every sentence does and, when it cites a figure on which listed passages
disagree (``Claim:`` lines), it cites every listed value.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .check import numbers
from .entities import Glossary
from .errors import ConfigError
from .language import detect_language, has_language
from .selection import calibration_file
from .types import Passage

Vector = list[float]
# a sentence: its words, then its markers ([1], [1][3], also [1, 3]), then its end punctuation
_SENTENCE = re.compile(r"(?P<body>[^\[]*?)(?P<marks>(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+)(?P<end>[.。!?؟！？]*)", re.S)
_NEXT = re.compile(r"\s*[^\s\[.。!?؟！？]")  # the start of another sentence
_INNER_END = re.compile(r"(?<=[^\d\s.][.!?؟])\s+(?=\S)|(?<=[。！？])(?=\S)")  # a sentence end inside a body
_ADDRESS = re.compile(r"https?://[^\s\])>]+|www\.[^\s\])>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_CAPITALISED = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]*)")
# Languages where a capital letter inside a sentence marks a name (not German, which capitalises nouns).
CASED_NAMES = {"en", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "vi", "id", "tr", "ro", "sv", "da", "no"}


@dataclass(frozen=True)
class Claimed:
    """A sentence of a generated answer: its words (``body``) and the passage numbers it cites."""

    text: str
    body: str
    cites: tuple[int, ...]


@dataclass(frozen=True)
class Checked:
    """A validated sentence: ``problem`` is '' when it passes; ``quotes`` maps each cited passage
    number to the sentence of that passage closest to it; ``similarity`` is the best found."""

    index: int
    sentence: Claimed
    problem: str = ""
    quotes: dict[int, str] = field(default_factory=dict)
    similarity: float = 0.0


def split_sentences(text: str, final: bool = True) -> tuple[list[Claimed], str]:
    """The sentences of ``text``, each up to its ``[n]`` markers (and end punctuation), and the rest.

    While streaming (``final=False``) a sentence counts only once the next one has begun (more
    markers may follow); the rest is what is still being written. With ``final``, text left after
    the last marker is a sentence that cites nothing. A body holding several sentences yields the
    first ones without citations."""
    found: list[Claimed] = []
    position = 0
    while True:
        match = _SENTENCE.match(text, position)
        if match is None:
            break
        if not final and not _NEXT.match(text, match.end()):
            break
        cites = tuple(int(n) for n in re.findall(r"\d+", match.group("marks")))
        parts = [p for p in _INNER_END.split(match.group("body").strip()) if p.strip()] or [""]
        found += [Claimed(p.strip(), p.strip(), ()) for p in parts[:-1]]
        marks = "".join(f"[{n}]" for n in cites)  # written as the pages link them: [1][3]
        found.append(Claimed(f"{parts[-1].strip()} {marks}{match.group('end')}".strip(), parts[-1].strip(), cites))
        position = match.end()
    rest = text[position:]
    if final and rest.strip():
        found += [Claimed(p.strip(), p.strip(), ()) for p in _INNER_END.split(rest.strip()) if p.strip()]
        rest = ""
    return found, rest


def months(text: str, language: str) -> set[int]:
    """The months (1-12) that ``text`` names in ``language`` (names, or 10月 / tháng 10)."""
    found = {int(m) for m in re.findall(r"(?<!\d)(\d{1,2})\s*月", text) if 1 <= int(m) <= 12}
    found |= {int(m) for m in re.findall(r"(?i)tháng\s+(\d{1,2})(?!\d)", text) if 1 <= int(m) <= 12}
    for number, pattern in _month_patterns(language):
        if pattern.search(text):
            found.add(number)
    return found


@lru_cache(maxsize=64)
def _month_patterns(language: str) -> tuple[tuple[int, re.Pattern], ...]:
    """Babel's month names of ``language`` (format and stand-alone, wide), matched from a word start
    as stems (Russian "октябр" covers октября, октябре)."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return ()
    patterns = []
    for number in range(1, 13):
        names = {locale.months[context]["wide"][number] for context in ("format", "stand-alone")}
        stems = {n[:max(3, len(n) - 2)] if language in ("ru", "uk", "pl") else n for n in names
                 if not any(c.isdigit() for c in n)}
        stems |= {s[:1].upper() + s[1:] for s in stems}
        if stems:
            patterns.append((number, re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, sorted(stems))) + ")")))
    return tuple(patterns)


class Grounds:
    """What sentences are checked against: the passages and their translations, the glossary, the
    embedder and the stored sentence vectors, and the similarity cut-off.

    ``versions(passage)`` gives a passage and its translations; ``embed(texts)`` embeds generated
    sentences (as untitled documents); ``similarities(vector, passage_ids)`` gives the cosine
    similarity of a vector to every stored sentence of those passages, by sentence id
    (``Retriever.sentence_similarities``)."""

    def __init__(self, versions: Callable[[Passage], Sequence[Passage]], glossary: Glossary,
                 embed: Callable[[list[str]], list[Vector]],
                 similarities: Callable[[Vector, list[str]], dict[str, float]], min_similarity: float) -> None:
        self.versions = versions
        self.glossary = glossary
        self.embed = embed
        self.similarities = similarities
        self.min_similarity = min_similarity

    def check(self, text: str, listed: Sequence[Passage], language: str,
              done: Sequence[Checked] = ()) -> tuple[list[Checked], str]:
        """Every sentence of a finished answer, and the answer's first problem ('' when it passes),
        worded as "sentence 2 cites no passage". ``done``: its first sentences, already checked
        while it was streamed."""
        sentences, _ = split_sentences(text, final=True)
        if not sentences:
            return [], "the answer is empty"
        checked = list(done) + [self.check_sentence(i, s, listed, language)
                                for i, s in enumerate(sentences[len(done):], len(done) + 1)]
        failed = next((c for c in checked if c.problem), None)
        if failed is not None:
            return checked, f"sentence {failed.index} {failed.problem}"
        return checked, self.disputed(checked, listed)

    def check_sentence(self, index: int, sentence: Claimed, listed: Sequence[Passage], language: str) -> Checked:
        """One sentence (``index`` from 1), with the first problem found ('' when it passes)."""
        if not sentence.cites:
            return Checked(index, sentence, "cites no passage")
        unknown = [n for n in sentence.cites if not 1 <= n <= len(listed)]
        if unknown:
            return Checked(index, sentence, f"cites [{unknown[0]}], which is not a listed passage")
        numbers_cited = list(dict.fromkeys(sentence.cites))
        cited = [listed[n - 1] for n in numbers_cited]
        versions = [v for p in cited for v in self.versions(p)]
        problem = self._facts(sentence.body, language, versions) or self._language(sentence.body, language)
        if problem:
            return Checked(index, sentence, problem)
        similarity, closest = self.support(sentence.body, cited)
        quotes = dict(zip(numbers_cited, closest))
        if similarity < self.min_similarity:
            return Checked(index, sentence, f"is far from its passages (similarity {similarity:.2f} < "
                                            f"{self.min_similarity:.2f})", quotes, similarity)
        return Checked(index, sentence, "", quotes, similarity)

    def support(self, body: str, cited: Sequence[Passage]) -> tuple[float, list[str]]:
        """The best similarity of ``body`` to a sentence of the cited passages (any translation),
        and for each cited passage its own sentence closest to ``body``."""
        vector = self.embed([body])[0]
        scores = self.similarities(vector, [v.passage_id for p in cited for v in self.versions(p)])
        quotes = [max(p.sentences, key=lambda s: scores.get(s.sentence_id, -1.0)).text if p.sentences else p.text
                  for p in cited]
        return max(scores.values(), default=-1.0), quotes

    def _facts(self, body: str, language: str, versions: Sequence[Passage]) -> str:
        """The first number, month, name or address of ``body`` that the cited passages do not state."""
        stated = set().union(*(numbers(v.text) for v in versions))
        named_months = set().union(*(months(v.text, v.language) for v in versions))
        for number in sorted(numbers(body), key=int):
            if number not in stated and not (int(number) in named_months and int(number) <= 12):
                return f"states {number}, which its passages do not"
        extra_months = months(body, language) - named_months
        if extra_months:
            return f"names month {min(extra_months)}, which its passages do not"
        entities = self.glossary.found(body, language)
        named = set().union(*(self.glossary.found(v.text, v.language) for v in versions))
        if entities - named:
            return f"names {sorted(entities - named)[0]}, which its passages do not"
        texts = [v.text.casefold() for v in versions]
        for address in _ADDRESS.findall(body):
            if not any(address.casefold().rstrip(".,;") in t for t in texts):
                return f"gives the address {address}, which its passages do not"
        if language in CASED_NAMES:
            glossary_words = {w.casefold() for e in entities for n in self.glossary.names[e].get(language, ())
                              for w in re.findall(r"\w+", n)}
            words = _CAPITALISED.findall(body)[1:]  # the first word is capitalised as a sentence start
            for word in words:
                if word[0].isupper() and word.casefold() not in glossary_words and \
                        not any(re.search(r"(?<!\w)" + re.escape(word.casefold()), t) for t in texts):
                    return f"names {word}, which its passages do not"
        return ""

    @staticmethod
    def _language(body: str, language: str) -> str:
        if has_language(body):
            found = detect_language(body, language)
            if found != language:
                return f"is in {found}, not {language}"
        return ""

    @staticmethod
    def disputed(checked: Sequence[Checked], listed: Sequence[Passage]) -> str:
        """'' when, for every figure that a cited passage gives (``Claim:``) and another listed passage
        gives differently, the answer cites that other value too; else the problem."""
        cited = {n for c in checked for n in c.sentence.cites}
        stated = {(name, value) for n in cited for name, value in listed[n - 1].claims}
        for name, value in sorted(stated):
            for n, passage in enumerate(listed, 1):
                other = dict(passage.claims).get(name)
                if other is not None and other != value and (name, other) not in stated:
                    return f"gives {value} for {name} but not {other} [{n}], which another passage gives"
        return ""


# --- the cut-off ------------------------------------------------------------------------------------


def grounding_file(model: str) -> Path:
    """Where the grounding cut-off of ``model`` is kept in the package: beside its calibration."""
    return calibration_file(model).with_suffix(".grounding.json")


def load_cutoff(model: str) -> float | None:
    """The fitted similarity cut-off of ``model`` (None: never fitted for it)."""
    path = grounding_file(model)
    if not path.is_file():
        return None
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["min_similarity"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"Cannot read the grounding cut-off {path}: {exc}. Run 'briefing-bot calibrate "
                          "--grounding'.") from None


KEEP_TRUE = 0.95  # the cut-off keeps at least this share of sentences stated by their passages


def fit_cutoff(positives: Iterable[float], negatives: Iterable[float], keep: float = KEEP_TRUE) -> tuple[float, dict]:
    """The cut-off between the similarities of sentences to their true passages (``positives``)
    and to wrong passages (``negatives``): the highest that keeps at least ``keep`` of the true
    pairs, so that it rejects as many wrong ones as it can while a right sentence is seldom
    withdrawn (numbers, names and citations are checked besides); with a report of how it does."""
    pos, neg = sorted(positives), sorted(negatives)
    if not pos or not neg:
        raise ValueError("fitting the grounding cut-off needs true and wrong pairs")
    threshold = pos[int((1.0 - keep) * len(pos))]  # at least ``keep`` of pos are >= it
    kept = sum(1 for v in pos if v >= threshold) / len(pos)
    rejected = sum(1 for v in neg if v < threshold) / len(neg)
    report = {"pairs": {"true": len(pos), "wrong": len(neg)}, "keep": keep, "true_kept": round(kept, 4),
              "wrong_rejected": round(rejected, 4), "balanced_accuracy": round((kept + rejected) / 2, 4)}
    return math.floor(threshold * 10_000) / 10_000, report  # rounded down: it keeps what it kept
