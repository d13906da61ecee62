"""Whether a question is a follow-up, to be read with the one before it ("And Russia?", "Und aus
welchem Land stammt sie?", "那美国呢？"): it refers back (a pronoun, "there", "this"), opens with
"and"/"what about", or has a word or two of its own."""

from __future__ import annotations

import numpy as np

from .language import tokens
from .predicates import predicates
from .question import opens_with_and, question_type

# A follow-up is searched for with its own vector plus this share of the earlier question's: of the
# training file's follow-ups, cross-validated, 0.623 were answered right with both questions embedded
# as one text, 0.552 / 0.639 / 0.665 / 0.626 / 0.629 with 0 / 0.25 / 0.5 / 0.7 / 1 (bench/follow_ups.py).
CONTEXT_WEIGHT = 0.5

# Words that refer back, or open a follow-up, per language (matched as whole words, case folded).
# Articles and words that open standalone questions are left out (German "es" in "gibt es", formal "Sie").
ANAPHORA = {
    "en": "it its it's he she they them their this that these those there him her and also",
    "fr": "il elle ils elles le la les lui leur y en cela ça celle celui et aussi",
    "es": "él ella ellos ellas lo la los las le les eso esa este esta allí y también",
    "ru": "он она оно они его её ее их это этот эта там и также а",
    "ar": "هم ذلك تلك هذا هذه هناك و",  # not هو/هي: "ما هي...؟" is "what is...?"
    "vi": "nó họ đó này ấy kia còn và vậy",
    "de": "er ihr ihm ihn ihnen ihre ihren sein seine dies diese dieser dieses dort dabei daran damit darüber "
          "davon dazu dafür und auch",
    "pt": "ele ela eles elas dele dela deles delas isso isto esse essa este esta lá e também",
    "it": "lui lei loro esso essa questo questa quello quella lì e anche",
    "nl": "hij zij hem haar hun dit dat deze daar en ook",
    "pl": "on ona ono oni one jego jej ich ten ta tam i także też a",
    "uk": "він вона воно вони його її їх це цей ця там і й також а",
    "tr": "o onu onun onlar bu bunu şu orada ve peki ya",
    "id": "dia ia mereka itu ini sana dan juga lalu kalau",
    "hi": "वह वे यह ये उसका उसकी उसके उनका उनकी उनके वहाँ और भी",
    "ko": "그 이",
    "sv": "han hon honom henne hans hennes dem deras där dit och också",  # not den/det/de: also articles
    "da": "han hun ham hende hans hendes dem deres dér og også",  # not der: also "that" (relative)
    "no": "han hun ham henne hans hennes dem deres der dit og også",
    "ro": "el ea ei ele lui lor acesta aceasta aceștia acestea acolo și",
    "cs": "on ona ono oni ony jeho její jejich ho ji jí tam a také",  # not to: "Co je to...?"
    "hu": "ő ők őt őket ott és is",  # not az: also the article
    "fi": "hän he se ne hänen heidän sen niiden siellä ja myös",
    "el": "αυτός αυτή αυτό αυτοί αυτές αυτά αυτού αυτής αυτών εκεί και επίσης",
    "bg": "той тя то те него нея тях това този тази там и също а",
    "sr": "он она оно они њега њу њих његов њен њихов тамо и такође а",  # not то: "Шта је то...?"
    "mk": "тој таа тоа тие него неа нив негов нејзин нивни таму и а",
    "be": "ён яна яно яны яго яе іх там і таксама а",  # not гэта: "Што гэта...?"
    "ur": "وہ یہ ان اس وہاں اور بھی",
    "fa": "او آنها آن این آنجا و همچنین",
    "he": "הוא היא הם הן אותו אותה שם גם",  # not זה: "מה זה...?" is "what is...?"
}
ANAPHORA["ms"] = ANAPHORA["id"]  # Malay refers back with Indonesian's words
_WORDS = {lang: set(words.split()) for lang, words in ANAPHORA.items()}
# Languages written without spaces between words (or with particles attached): matched anywhere.
_ANYWHERE = {
    "zh": ("它", "他", "她", "他们", "这", "那", "其", "该", "还"),
    "ja": ("それ", "その", "彼", "これ", "この", "そこ", "では", "じゃあ", "はどう", "も?", "も？"),
    "ko": ("그것", "그건", "그게", "그녀", "그들", "그분", "그러면", "그럼", "그리고", "거기", "이것", "은요", "는요"),
    "th": ("เขา", "มัน", "นั้น", "ล่ะ"),  # he/they, it, that, the "what about...?" particle
}


def is_follow_up(question: str, language: str) -> bool:
    """Whether ``question`` needs the one before it to be understood."""
    if any(marker in question for marker in _ANYWHERE.get(language, ())):
        return True
    if language == "ar" and opens_with_and(question):
        return True
    words = {w.casefold().strip("?!.,;:¿¡\"'«»") for w in question.split()}
    return bool(words & _WORDS.get(language, set())) or len(tokens(question, language)) <= 2


def what_is_asked(question: str, context: str, language: str) -> tuple[str, frozenset[str]]:
    """The type and predicates of ``question`` (``question.question_type``, ``predicates``); a
    follow-up of ``context`` (the earlier question) that states no predicate takes the earlier
    question's ("And Japan?" after "Did China sign?" asks whether Japan signed), and a bare one ("And
    Japan?", "E a Índia?": two words or fewer, no question word) its type too."""
    kind, asked = question_type(question), predicates(question, language)
    if not context or asked:
        return kind, asked
    if kind in ("", "yesno") and len(tokens(question, language)) <= 2:
        kind = question_type(context)
    return kind, predicates(context, language)


def with_context(question: list[float], context: list[float]) -> list[float]:
    """The search vector of a follow-up: its own, leaning towards the earlier question's (its own
    alone if the sum vanishes, as for an embedder that gives no vector to a text without words)."""
    vector = np.asarray(question) + CONTEXT_WEIGHT * np.asarray(context)
    norm = np.linalg.norm(vector)
    return (vector / norm).tolist() if norm > 0 else list(question)
