"""Language detection, text normalisation and tokens for lexical matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SUPPORTED = ("en", "ar", "fr", "es", "ru", "zh", "vi")

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")  # to 0-9
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_AR_MARKS = re.compile(r"[\u064B-\u0652\u0670\u0640]")  # diacritics, dagger alef, tatweel
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

STOPWORDS = {
    "en": "a an and are as at be by can did do does for from has have how i in is it its of on or "
          "that the this to was were what when where which who whom why will with about me tell",
    "fr": "a au aux avec ce ces cette dans de des du elle en est et il la le les leur ou par pour "
          "qu que quel quelle quels qui quoi se sur un une où comment quand combien y",
    "es": "a al cómo cuál cuándo cuántos cuántas de del el en es está la las lo los por qué quién "
          "se su sus un una y o para con dónde",
    "ru": "а в во и к как какие какой кто ли на не о по с со что это чтобы когда где сколько",
    "ar": "في من على الى إلى عن ما ماذا متى اين أين كيف هل هو هي ذلك هذه هذا التي الذي و او أو مع كم",
    "vi": "là của và có những các được cho với trong khi nào bao nhiêu gì ai ở đâu thế như",
}
_STOP = {lang: set(words.split()) for lang, words in STOPWORDS.items()}


# Questions that ask for a number or a date, in the supported languages.
_WANTS_NUMBER = re.compile(r"\b(how many|how much|combien|cu[aá]nt[oa]s?|сколько|bao nhiêu|mấy)\b|多少|几个|几|كم",
                           re.IGNORECASE)
_WANTS_DATE = re.compile(r"\b(when|what date|which day|quand|quelle date|cu[aá]ndo|qu[eé] fecha|когда|"
                         r"khi nào|bao giờ|ngày nào|năm nào)\b|何时|什么时候|哪一天|哪天|哪年|متى|في أي تاريخ",
                         re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def answer_type(question: str) -> str:
    """'date', 'number' or '' : what kind of answer the question asks for."""
    if _WANTS_DATE.search(question):
        return "date"
    return "number" if _WANTS_NUMBER.search(question) else ""


def fits_type(sentence: str, wanted: str) -> bool:
    """Whether a sentence states what ``answer_type`` asked for (a year, or any number)."""
    if wanted == "date":
        return _YEAR.search(sentence) is not None
    return wanted == "number" and re.search(r"\d", sentence) is not None


def normalize(text: str) -> str:
    """Fold case, width, Arabic letter variants, diacritics and digits, for matching only."""
    text = unicodedata.normalize("NFKC", text).translate(ARABIC_DIGITS).casefold()
    return _AR_MARKS.sub("", text).translate(_AR_FOLD)


def tokens(text: str, language: str) -> list[str]:
    """Lexical tokens of ``text``: words without stopwords; Chinese as character bigrams."""
    norm = normalize(text)
    if language in ("zh", "ja"):
        chars = [c for c in norm if _CJK.match(c)]
        return [a + b for a, b in zip(chars, chars[1:])] + [w for w in _WORD.findall(norm) if not _CJK.match(w)]
    stop = _STOP.get(language, set())
    words = [w for w in _WORD.findall(norm) if w not in stop]
    if language == "ar":
        words = [_strip_arabic_prefix(w) for w in words]
    if language == "vi":  # Vietnamese words are often two syllables: add syllable bigrams
        words = words + [a + "_" + b for a, b in zip(words, words[1:])]
    return words


def _strip_arabic_prefix(word: str) -> str:
    for prefix in ("وال", "بال", "كال", "فال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix):]
    if word[:1] in "وب" and len(word) > 4:
        return word[1:]
    return word


_SCRIPTS = (  # (pattern, language): scripts that name the language outright
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (_CJK, "zh"),
    (re.compile(r"[پچژگک]"), "fa"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[іїєґІЇЄҐ]"), "uk"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[đĐơƠưƯăĂạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]"), "vi"),
)
_LATIN = ("en", "fr", "es", "de", "it", "pt")


@lru_cache(maxsize=1)
def _latin_detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in _LATIN]
    return (LanguageDetectorBuilder.from_languages(*languages)
            .with_preloaded_language_models().with_low_accuracy_mode().build())


def warm_up() -> None:
    """Load the language models now rather than on the first question."""
    _latin_detector()


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of ``text``'s language, or ``default`` when it cannot be told.

    The script decides where it names one language; Latin-script text goes to a small n-gram
    detector (lingua, low-accuracy mode: 25 MB instead of 200 MB, as accurate on questions).
    """
    for pattern, language in _SCRIPTS:
        if pattern.search(text):
            return language
    if not re.search(r"[^\W\d_]", text):
        return default
    found = _latin_detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else default
