"""The countries a text names, in any language Babel's CLDR data knows (it ships in the package: no
network), plus the colloquial names CLDR lacks ("Korea", "Turkey"). A question about a country the
knowledge never names ("Did Korea sign?") is not answered by a sentence listing other signatories."""

from __future__ import annotations

import re
from functools import lru_cache

# names CLDR's territory names lack ("South Korea" is there, "Korea" is not; "EU"; the UN's "Viet Nam"), any language
ALIASES = {
    "KR": ("Korea", "Corée", "Corea", "Coreia", "Kore", "Корея", "Корее", "Кореи", "Корею", "كوريا", "韩国",
           "韓国", "한국", "Hàn Quốc", "Korei", "Koreę", "Korė"),
    "TR": ("Turkey", "Türkiye", "Turquie", "Turquía", "Turquia", "Turchia", "Türkei", "Turcja", "Turcji", "Turki",
           "Turkije", "Турци", "تركيا", "土耳其", "トルコ", "터키", "튀르키예", "Thổ Nhĩ Kỳ"),
    "EU": ("EU", "UE", "ЕС", "欧盟", "歐盟", "EU諸国"),
    "VN": ("Viet Nam", "Việt Nam", "Vietnam"),  # the UN's spelling, in every language's knowledge
    "CI": ("Ivory Coast",),
    "MM": ("Burma",),
}
_SPACELESS = {"zh", "ja", "th"}  # scripts without spaces: a name is matched anywhere
_INFLECTED = {"ru", "uk", "be", "pl", "cs", "sk", "bg", "sr", "hr", "sl", "lt", "lv", "fi", "et", "hu"}
_IGNORED = {"EZ", "UN", "QO", "XA", "XB", "ZZ"}  # groupings and pseudo-territories, not countries
# the European Union's member states: what the knowledge says of the EU's members ("Thirteen member
# states signed: ...") answers a question about any of them
UNIONS = {"EU": frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())}


def named(text: str, language: str) -> set[str]:
    """The countries (ISO codes) that ``text`` names in ``language`` or by a colloquial alias."""
    pattern, codes = _gazetteer(language)
    return {code for match in pattern.finditer(text) for code in codes[match.group("name")]}


def unions(codes: set[str] | frozenset[str]) -> set[str]:
    """The unions (``UNIONS``) that any of the countries ``codes`` belongs to."""
    return {union for union, members in UNIONS.items() if members & codes}


def called(name: str, language: str) -> frozenset[str]:
    """The countries whose name (or alias) in ``language`` is ``name``, as a whole."""
    return _gazetteer(language)[1].get(name, frozenset())


@lru_cache(maxsize=64)
def _gazetteer(language: str) -> tuple[re.Pattern, dict[str, frozenset[str]]]:
    """One pattern for every country name of ``language`` (the longest first: "Niger" is not
    found in "Nigeria"), and the countries each name names."""
    codes: dict[str, set[str]] = {}
    for code, aliases in ALIASES.items():
        for alias in aliases:
            codes.setdefault(alias, set()).add(code)
    for code, cldr in _territories(language).items():
        for form in _forms(cldr, language):
            codes.setdefault(form, set()).add(code)
    shortest = 2 if language in _SPACELESS | {"ko", "ar"} else 3
    names = sorted((n for n in codes if len(n) >= shortest or n.isupper()), key=len, reverse=True)
    if language == "ar":  # a whole word after a clitic: "لألمانيا" names Germany, "نيويورك" not Niue
        start, end = r"(?<![^\W_])(?:[وفبلك]|و[بل]|لل)?", r"(?![^\W_])"
    else:
        start, end = ("", "") if language in _SPACELESS else (r"(?<![^\W_])", "")
    alternatives = (re.escape(n) + (r"(?![^\W_])" if n.isupper() else "") for n in names)  # "EU" is not "EUR"
    return (re.compile(start + "(?P<name>" + "|".join(alternatives) + ")" + end),
            {n: frozenset(codes[n]) for n in names})


@lru_cache(maxsize=64)
def _territories(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError, TypeError):
        return {}
    return {code: cldr for code, cldr in territories.items()
            if len(code) == 2 and code.isalpha() and code not in _IGNORED}


def _forms(cldr: str, language: str) -> set[str]:
    """How a CLDR name is typed: "Myanmar (Burma)" as "Myanmar", "Congo - Kinshasa" as "Congo",
    an inflected language's "Германия" also from its stem ("Германии")."""
    cldr = re.sub(r"\s*[(（].*?[)）]", "", cldr).strip()
    forms = {cldr, cldr.split(" - ")[0].strip()}
    if language in _INFLECTED:
        forms |= {f[:-1] for f in forms if " " not in f and len(f) >= 5 and f[-1] in "аяьйоaeyo"}
    return forms
