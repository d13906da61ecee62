"""The glossary of named entities (``knowledge/entities.yaml``): how each language writes the names
of people, organisations and places, so that a translation can be checked to name the same ones,
and a sentence can be checked to name what a question asks about (in any language it lists)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ENTITIES_FILE = "entities.yaml"
_ANYWHERE = {"ar", "fa", "zh", "ja"}  # scripts where a name is matched anywhere (no word spaces, prefixes)


@dataclass(frozen=True)
class Glossary:
    """Entity id -> language -> the names (or stems) that language writes it with."""

    names: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def found(self, text: str, language: str) -> set[str]:
        """The entities ``text`` names, among those the glossary gives a name in ``language``."""
        return {entity for entity, by_language in self.names.items()
                if any(_mentions(text, name, language) for name in by_language.get(language, ()))}

    def difference(self, original: str, original_language: str, translated: str, language: str) -> str:
        """How the entities named by a translation differ from its original's ('' when they agree).

        Only entities with names in both languages are compared."""
        comparable = {e for e, by_language in self.names.items()
                      if by_language.get(original_language) and by_language.get(language)}
        expected = self.found(original, original_language) & comparable
        got = self.found(translated, language) & comparable
        missing = [f"lacks {e}" for e in sorted(expected - got)]
        extra = [f"adds {e}" for e in sorted(got - expected)]
        named = self.found(original, original_language) | self.found(translated, language)
        untranslatable = [f"no {lang} name for {e} in {ENTITIES_FILE}" for e in sorted(named - comparable)
                          for lang in (original_language, language) if not self.names[e].get(lang)]
        return "; ".join(missing + extra + untranslatable)


def rarity(named_by_group: list[set[str]]) -> dict[str, float]:
    """How much naming each entity tells: its inverse document frequency over the passage groups
    (``named_by_group``: the entities each group names), so that the knowledge's own subject
    ("Hanoi", in most passages) weighs little and a signatory named once weighs much."""
    n = len(named_by_group)
    return {e: math.log((n + 1) / (1 + sum(e in g for g in named_by_group)))
            for e in set().union(*named_by_group)} if n else {}


def named(question: set[str] | frozenset[str], sentence: frozenset[str],
          weight: dict[str, float]) -> tuple[float, float]:
    """(the share of the entities a question names that a sentence names too, the share it does
    not), each entity counted by its ``weight`` (``rarity``); (0, 0) for a question that names
    none. "Did Japan sign?" is answered by a sentence that names Japan. An entity without a weight
    is one the knowledge never names ("Did Korea sign?"): no sentence answers about it, (0, 1)."""
    if any(e not in weight for e in question):
        return 0.0, 1.0
    total = sum(weight[e] for e in question)
    if not total:
        return 0.0, 0.0
    share = sum(weight[e] for e in question & sentence) / total
    return share, 1.0 - share


def _mentions(text: str, name: str, language: str) -> bool:
    if language in _ANYWHERE:
        return name in text
    end = r"(?![^\W_])" if name.isupper() else ""  # an acronym is a whole word: "US" is not "USB"
    return re.search(r"(?<![^\W_])" + re.escape(name) + end, text) is not None


def load_glossary(path: Path) -> tuple[Glossary, list[str]]:
    """The glossary at ``path`` (empty when there is none), and the problems found in it."""
    if not path.is_file():
        return Glossary(), []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entities = data.get("entities") if isinstance(data, dict) else None
        if not isinstance(entities, dict):
            raise ValueError("it needs a mapping under 'entities'")
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        return Glossary(), [f"{path}: cannot be read ({exc})."]
    names: dict[str, dict[str, tuple[str, ...]]] = {}
    problems = []
    for entity, spec in entities.items():
        by_language = spec.get("names") if isinstance(spec, dict) else None
        if not isinstance(by_language, dict) or not all(
                isinstance(v, list) and v and all(isinstance(n, str) and n.strip() for n in v)
                for v in by_language.values()):
            problems.append(f"{path}: entity '{entity}' needs 'names': a list of names per language.")
            continue
        names[str(entity)] = {str(lang): tuple(n.strip() for n in v) for lang, v in by_language.items()}
    return Glossary(names), problems
