"""Score the bot on a question set (the JSON lines format of the development set)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BriefingBotError
from .language import ARABIC_DIGITS



def fold(text: str) -> str:
    """Text folded as the reviewers' scorer does before comparing (case, width, digits, harakat)."""
    text = unicodedata.normalize("NFKC", text or "").translate(ARABIC_DIGITS).casefold()
    return re.sub(r"\s+", " ", re.sub(r"[\u064B-\u0652\u0640]", "", text))


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def load_questions(path: Path) -> list[dict]:
    """Read a question set: one JSON object per line with id, lang, q, answerable, must, history."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise BriefingBotError(f"Cannot read the question set {path}: {exc}.") from None


def citation_problems(answer: dict) -> list[str]:
    """What is wrong with an answer's citations: markers naming no citation, quotes not verbatim."""
    problems = []
    numbers = {c.get("n") for c in answer.get("citations") or []}
    for marker in re.findall(r"\[(\d+)\]", answer.get("answer") or ""):
        if int(marker) not in numbers:
            problems.append(f"marker [{marker}] names no citation")
    if answer.get("answered") and not numbers:
        problems.append("answered without citations")
    for c in answer.get("citations") or []:
        if not c.get("quote") or fold(c["quote"]) not in fold(c.get("text") or ""):
            problems.append(f"citation {c.get('n')}: quote is not part of its passage")
    return problems


def judge(item: dict, answer: dict) -> tuple[bool, str]:
    """Whether an answer passes its question, and why not."""
    said = fold((answer.get("answer") or "") + " " + " ".join(c.get("quote") or "" for c in answer.get("citations") or []))
    if not item.get("answerable", True):
        return (not answer.get("answered"), "answered an out-of-scope question")
    missing = [g for g in item.get("must", []) if not any(fold(alt) in said for alt in g)]
    if not answer.get("answered"):
        return False, "declined"
    return (not missing, f"missing {missing}")


@dataclass
class Report:
    """Accuracy per language, decline accuracy, citation validity, how often answers were right per
    support badge (an out-of-scope question answered counts as wrong) and latency of a run."""

    by_language: dict[str, list[int]] = field(default_factory=dict)  # lang -> [passed, total]
    declines: list[int] = field(default_factory=lambda: [0, 0])
    citations: list[int] = field(default_factory=lambda: [0, 0])
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    supported: dict[str, list[int]] = field(default_factory=dict)  # badge -> [right, answered]

    def add(self, item: dict, answer: dict) -> None:
        ok, why = judge(item, answer)
        if item.get("answerable", True):
            row = self.by_language.setdefault(item.get("lang", "?"), [0, 0])
            row[0] += ok
            row[1] += 1
        else:
            self.declines[0] += ok
            self.declines[1] += 1
        if answer.get("answered"):
            badge = self.supported.setdefault(answer.get("supported") or "?", [0, 0])
            badge[0] += ok
            badge[1] += 1
            problems = citation_problems(answer)
            self.citations[0] += not problems
            self.citations[1] += 1
            if problems:
                self.failures.append(f"{item.get('id')}: {'; '.join(problems)}")
        if not ok:
            self.failures.append(f"{item.get('id')} ({item.get('lang')}) {item.get('q')!r}: {why}")
        total = (answer.get("timings_ms") or {}).get("total")
        if isinstance(total, (int, float)):
            self.latencies.append(float(total))

    @property
    def answer_accuracy(self) -> float:
        passed = sum(r[0] for r in self.by_language.values())
        total = sum(r[1] for r in self.by_language.values())
        return passed / total if total else 1.0

    @property
    def decline_accuracy(self) -> float:
        return self.declines[0] / self.declines[1] if self.declines[1] else 1.0

    @property
    def citation_validity(self) -> float:
        return self.citations[0] / self.citations[1] if self.citations[1] else 1.0

    def percentile(self, q: float) -> float | None:
        return percentile(self.latencies, q) if self.latencies else None

    def table(self) -> str:
        """The report as a Markdown table."""
        rows = ["| measure | value |", "|---|---|"]
        for lang, (passed, total) in sorted(self.by_language.items()):
            rows.append(f"| answer accuracy ({lang}) | {passed}/{total} |")
        p50, p95 = self.percentile(0.5), self.percentile(0.95)
        rows += [
            f"| answer accuracy (all) | {self.answer_accuracy:.3f} |",
            f"| decline accuracy | {self.decline_accuracy:.3f} ({self.declines[0]}/{self.declines[1]}) |",
            f"| citation validity | {self.citation_validity:.3f} |",
            *(f"| right when {badge} supported | {right / n:.3f} ({right}/{n}) |"
              for badge, (right, n) in sorted(self.supported.items(), key=lambda b: b[0] != "well")),
            f"| latency p50 / p95 (ms) | {p50 if p50 is not None else '-'} / {p95 if p95 is not None else '-'} |",
        ]
        return "\n".join(rows)
