"""What journalists asked, for the press office (``briefing-bot stats``): the most asked questions,
the declined ones (what the knowledge is missing), and the questions by language and by day, from
the record the server keeps (see ``feedback.py``)."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .feedback import FeedbackStore, now_utc

_PUNCTUATION = "?!.,;:¿¡？！。，；：…\"'«»“”‘’ "


def question_key(question: str) -> str:
    """Questions that differ only in case, spacing, width or end punctuation count as one."""
    text = unicodedata.normalize("NFKC", question).casefold()
    return re.sub(r"\s+", " ", text).strip(_PUNCTUATION)


@dataclass
class Report:
    days: int
    asked: int = 0
    declined: int = 0
    most_asked: list[dict] = field(default_factory=list)  # question, asked, declined, languages
    most_declined: list[dict] = field(default_factory=list)
    by_language: list[dict] = field(default_factory=list)  # language, asked, declined
    by_day: list[dict] = field(default_factory=list)  # day, asked, declined

    def as_dict(self) -> dict:
        return {"days": self.days, "asked": self.asked, "declined": self.declined, "most_asked": self.most_asked,
                "most_declined": self.most_declined, "by_language": self.by_language, "by_day": self.by_day}

    def table(self) -> str:
        """The report as text tables."""
        lines = [f"Questions over the last {self.days} days: {self.asked} asked, {self.declined} declined."]

        def block(title: str, rows: list[dict], columns: list[tuple[str, str, int]]) -> None:
            lines.append(f"\n{title}")
            if not rows:
                lines.append("  (none)")
                return
            lines.append("  " + "  ".join(f"{label:<{width}}" if i == 0 else f"{label:>{width}}"
                                          for i, (_, label, width) in enumerate(columns)))
            for row in rows:
                cells = []
                for i, (key, _, width) in enumerate(columns):
                    value = str(row[key])
                    value = value if len(value) <= width else value[:width - 1] + "…"
                    cells.append(f"{value:<{width}}" if i == 0 else f"{value:>{width}}")
                lines.append("  " + "  ".join(cells))

        block("Most asked", self.most_asked,
              [("question", "question", 60), ("asked", "asked", 6), ("declined", "declined", 8), ("languages", "languages", 12)])
        block("Declined (what the knowledge is missing)", self.most_declined,
              [("question", "question", 60), ("declined", "declined", 8), ("languages", "languages", 12)])
        block("By language", self.by_language,
              [("language", "language", 8), ("asked", "asked", 6), ("declined", "declined", 8)])
        block("By day", self.by_day, [("day", "day", 10), ("asked", "asked", 6), ("declined", "declined", 8)])
        return "\n".join(lines)


def report(store: FeedbackStore, days: int = 30, top: int = 10, language: str | None = None) -> Report:
    """The report of the last ``days`` days (``language``: only questions in that language)."""
    since = now_utc(time.time() - days * 86400)
    rows = [r for r in store.questions(since) if language is None or r[1] == language]
    result = Report(days=days, asked=len(rows), declined=sum(1 for r in rows if not r[2]))
    groups: dict[str, dict] = {}
    languages: dict[str, Counter] = defaultdict(Counter)
    days_count: dict[str, Counter] = defaultdict(Counter)
    for question, lang, answered, _support, asked_at in rows:
        key = question_key(question)
        group = groups.setdefault(key, {"question": question.strip(), "asked": 0, "declined": 0, "languages": set()})
        group["asked"] += 1
        group["declined"] += 0 if answered else 1
        group["languages"].add(lang)
        languages[lang]["asked"] += 1
        languages[lang]["declined"] += 0 if answered else 1
        days_count[asked_at[:10]]["asked"] += 1
        days_count[asked_at[:10]]["declined"] += 0 if answered else 1
    ordered = sorted(groups.values(), key=lambda g: (-g["asked"], g["question"]))
    pretty = [{**g, "languages": ",".join(sorted(g["languages"]))} for g in ordered]
    result.most_asked = pretty[:top]
    result.most_declined = sorted((g for g in pretty if g["declined"]), key=lambda g: (-g["declined"], g["question"]))[:top]
    result.by_language = [{"language": lang, **counts} for lang, counts in
                          sorted(languages.items(), key=lambda item: (-item[1]["asked"], item[0]))]
    result.by_language = [{"language": r["language"], "asked": r.get("asked", 0), "declined": r.get("declined", 0)}
                          for r in result.by_language]
    result.by_day = [{"day": day, "asked": counts["asked"], "declined": counts["declined"]}
                     for day, counts in sorted(days_count.items())]
    return result
