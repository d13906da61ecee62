"""What a question asks for, and how well a sentence's form fits it: keyword and regex rules, no models.

``question_type(text)`` names the kind of answer a question wants: "count", "date", "person", "place",
"why", "list", "yesno" or "" (anything else: what / how / explain ...). It reads en ar fr es ru zh vi
de pt it ja ko tr id nl pl uk. When several kinds match, the first of count > date > person > place >
why > list > yesno wins. ``head(text)`` is a hint: the noun a count or list question is about
("How many countries signed?" -> "countries"), lower-cased. ``fits(sentence, qtype)`` scores 0..1
how well a sentence's *form* fits the kind (a number, a date, a name, a place, an enumeration, a
causal connective); it does not judge meaning. Each rule set is one compiled alternation, matched only
where a word starts (or digits follow a letter, or at a CJK, kana or Hangul character); results are
cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["QUESTION_TYPES", "question_type", "head", "fits"]

QUESTION_TYPES = ("count", "date", "person", "place", "why", "list", "yesno", "")

_AR_MARKS = re.compile(r"[\u064B-\u0652\u0670\u0640]")  # Arabic diacritics, dagger alef, tatweel
_FOLD_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "؟": "?", "،": ",", "؛": ";", "’": "'", "ʼ": "'",
    "İ": "i", **{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)},
}
_FOLD_RX = re.compile("[" + "".join(_FOLD_MAP) + "]")


def _fold(text: str) -> str:
    """NFKC; Arabic letter variants, Arabic digits, Arabic punctuation and curly apostrophes folded."""
    text = unicodedata.normalize("NFKC", text)
    return _FOLD_RX.sub(lambda m: _FOLD_MAP[m.group()], text) if _FOLD_RX.search(text) else text


def _norm(text: str, folded: bool = False) -> str:
    """_fold, then Arabic diacritics dropped and lower case: for matching only."""
    return _AR_MARKS.sub("", text if folded else _fold(text)).lower()


_LEAD = re.compile(r"^[\s¿¡\"'«»“”‘(\[\-–—•*>:]+")
_FILLER = re.compile(
    r"^(?:q|question|and|so|but|then|also|ok|okay|please|et|alors|mais|y|pues|entonces|e|allora|ma|"
    r"и|а|но|và|còn|und|dann|ve|peki|lalu|dan|jadi)\s*[,:]?\s+")


# Arabic writes "and" and "so" as prefixes: "وكم صحفيا...؟" is "and how many journalists...?"
_AR_AND = re.compile(r"^[وف](?=(?:ب?كم|متي|اين|لماذا|ماذا|ما|من|هل|ب?اي|كيف)\b)")


def opens_with_and(text: str) -> bool:
    """Whether an Arabic question opens with "and" or "so" written on its question word ("وماذا عن...؟")."""
    return bool(_AR_AND.match(_LEAD.sub("", _norm(text)).strip()))


def _prep(text: str) -> str:
    t = _AR_AND.sub("", _LEAD.sub("", _norm(text)).strip())
    for _ in range(2):
        t2 = _FILLER.sub("", t)
        if t2 == t:
            break
        t = _LEAD.sub("", t2)
    return t


_VI = re.compile(r"[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịĩọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹ]")
_TR = re.compile(r"[ışğçöü]")

# A word just before an English/Romance/German wh-word that keeps it interrogative ("do you know when").
_EMBED = (r"know|me|us|tell|ask|asked|wonder|exactly|idea|and|but|so|then|by|to|from|with|for|since|until|"
          r"of|about|explain|say|savoir|sait|sais|sait-on|dire|dites-moi|dis-moi|et|mais|depuis|jusqu'à|dès|"
          r"par|saber|sabe|sabes|dime|dígame|diga|y|e|pero|mas|desde|hasta|até|sai|sa|sapete|dimmi|ma|da|"
          r"weißt|wissen|sagen|und|aber|seit|bis")


def _after_embed(words: str) -> str:
    """``words`` right after an embedding word."""
    return rf"\b(?:{_EMBED})\s+(?:{words})\b"


def _wh(words: str) -> tuple[str, ...]:
    """A wh-word that asks: at the start, after an embedding word, or at the very end."""
    return (rf"^(?:{words})\b", rf"\b(?:{words})\s*[?.!]*\s*$", _after_embed(words))


# A rule matches only where a word starts, where digits follow a letter ("于2025年", "ال90"), or at a Thai,
# CJK, kana or Hangul character (no word starts inside Thai or CJK text).
_AT_START = r"(?:\b(?=\w)|(?<=[^\W\d])(?=\d)|(?=[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]))"


def _rules(*alternatives: str) -> re.Pattern:
    """One regex for a rule set: the first of the alternatives that matches, from where _AT_START allows."""
    return re.compile(_AT_START + "(?:" + "|".join(f"(?:{a})" for a in alternatives) + ")")


def _words(alternation: str, after: str = r"\b") -> str:
    """A word alternation as one rule: whole words (or followed by ``after``)."""
    return rf"\b(?:{alternation}){after}"


# ---------------------------------------------------------------- question kinds, by precedence
_DEV_END = r"(?![\u0900-\u097f])"  # the end of a Devanagari word (its vowel signs are not \w, so \b falls inside words)
_COUNT = (
    r"\bhow\s+(?:many|much|often|long|old)\b", r"\bwhat(?:'s|\s+is|\s+was|\s+are)?\s+(?:the\s+)?(?:total\s+)?"
    r"(?:number|percentage|proportion|share)\s+of\b", r"\bwhat\s+percentage\b",
    r"^(?:the\s+)?(?:total\s+)?number\s+of\b",
    r"^(?:le\s+)?nombre\s+(?:de|d')", r"^(?:el\s+)?número\s+de\b", r"^(?:o\s+)?número\s+de\b", r"^число\b",
    r"\bcombien\b", r"\bquel(?:le)?\s+(?:est\s+le\s+)?(?:nombre|pourcentage)\b",
    r"\bcuánt[oa]s?\b", r"^cuant[oa]s?\b", r"\bqué\s+cantidad\b", r"\bcuál\s+es\s+el\s+número\b",
    r"\bquant[oiae]s?\b", r"\bqual\s+(?:é\s+)?o\s+número\b", r"\bqual\s+è\s+il\s+numero\b",
    r"\bскольк(?:о|их|им|ими)\b", r"\bкакое\s+(?:количество|число)\b", r"\bкаково\s+(?:количество|число)\b",
    r"\bскільк(?:и|ох|ом|ома)\b",
    r"\bwie\s*viele?\b", r"\bwie\s+oft\b", r"\bwie\s+lange\b", r"\banzahl\b", r"\bzahl\s+der\b", r"\bhoeveel\b",
    r"\bkaç\b(?!\s+yılında)", r"\bne\s+kadar\b", r"\bsayısı\b",
    r"(?<!tahun )(?<!tanggal )(?<!bulan )(?<!hari )\bberapa\b", r"\bjumlah\b",
    r"(?<!ngày )(?<!năm )(?<!tháng )(?<!giờ )(?<!lúc )\bbao\s+nhiêu\b", r"\bbao\s+nhieu\b",
    r"\bmấy\b(?!\s+giờ)", r"\bsố\s+lượng\b", r"\btổng\s+số\b",
    r"\bب?كم\b", r"\b(?:ما|كم)\s+(?:هو\s+)?عدد\b",
    r"多少|多久|几(?=[个個家名位项項次种種国國年天份条條人十百千])|幾(?=[个個家名位项項次种種国國年天份条條人十百千])|数量|數量|总数",
    r"いくつ|いくら|どのくらい|どれくらい|どれぐらい|どのぐらい|どれだけ|何(?:カ国|か国|ヶ国|ケ国|箇国|人|件|回|個|種類|名|"
    r"時間|日間|年間|ヶ月|か月|カ月|週間|パーセント|割|倍|票|つ|条|章|項|度)",
    r"몇(?!몇)(?!\s*(?:년\s*(?:에|도)|월|일\s*에|시))|얼마",
    # Swedish, Danish, Norwegian, Romanian, Czech, Slovak, Serbian, Croatian, Hungarian, Finnish, Bulgarian,
    # Macedonian, Belarusian, Greek, Hebrew, Persian, Urdu, Hindi, Thai
    r"\bhur\s+(?:många|mycket|länge)\b", r"\bhvor\s+(?:mange|meget|mye|længe|lenge)\b", r"\bcâ(?:te|ți|ţi|t)\b",
    r"\bkolik(?:o|a|rát)?\b", r"\bkoľko\b", r"\bhány\w*", r"\bmennyi\w*", r"\bkuinka\s+(?:monta|moni|paljon|kauan)\b",
    r"\bmontako\b", r"\bpaljonko\b", r"\b(?:колко|колку|колико|колькі)\b", r"\bπ[οό]σ(?:οι|ες|α|ο|ος|η|ων|ους)\b",
    r"כמה", r"\bچند\b", r"\bچه\s+تعداد\b", r"\bکتن[ےیا]", rf"कितन[ेीा]{_DEV_END}", r"กี่|เท่าไร|เท่าไหร่",
)
_COUNT_PL = re.compile(r"\bile\b")  # Polish "how many"; Turkish "ile" is "with"
_DATE = (
    *_wh("when"), r"\b(?:what|which)\s+(?:date|year|day|month|time)\b", r"\b(?:since|until|till)\s+when\b",
    r"\bhow\s+soon\b", r"\b(?:what|which)\s+(?:is|was)\s+the\s+(?:date|deadline|year)\b",
    r"^(?:the\s+)?date\s+of\b", r"^(?:la\s+)?date\s+d", r"^(?:la\s+)?fecha\s+de\b", r"^дата\b",
    r"\bquel(?:le)?\s+(?:est|était|sera)\s+la\s+date\b", r"\bcuál\s+(?:es|fue|será)\s+la\s+fecha\b",
    r"\bqual\s+(?:é|foi|será|è|era|sarà)\s+(?:a|la)\s+data\b", r"\bwas\s+ist\s+das\s+datum\b",
    *_wh("quand"), r"\bquel(?:le)?s?\s+(?:date|année|jour|mois|an)\b", r"\ben\s+quelle\s+année\b",
    r"\bcuándo\b", r"^cuando\b", r"\bqué\s+(?:fecha|año|día|mes)\b",
    *_wh("quando"), r"\b(?:que|qual|quale|che)\s+(?:data|ano|dia|mês|anno|giorno|mese)\b", r"\bqual\s+a\s+data\b",
    r"(?<!,)(?<!, )\bкогда\b", r"\bкак\w*\s+(?:год|году|года|дат\w*|числа|день|дня|месяц\w*)\b",
    r"\b(?:с|до)\s+какого\b", r"\bв\s+какие\s+сроки\b", r"\bколи\b", r"\bякого\s+року\b",
    r"\bwann\b", r"\bwelche[mnrs]?\s+(?:jahr|datum|tag|monat)\w*", r"\bwanneer\b", r"\bwelk\s+jaar\b",
    r"\bwelke\s+datum\b", r"\bkiedy\b", r"\bw\s+którym\s+roku\b",
    r"\bne\s+zaman\b", r"\bhangi\s+(?:yıl|tarih|gün|ay)\w*", r"\bkaç\s+yılında\b", r"\bne\s+tarihte\b",
    r"\bkapan\b", r"\b(?:tahun|tanggal|bulan|hari)\s+(?:berapa|apa)\b",
    r"\bkhi\s+nào\b", r"(?<!đã )(?<!có )(?<!chưa )(?<!không )(?<!từng )\bbao\s+giờ\b", r"\blúc\s+nào\b",
    r"\b(?:năm|ngày|tháng|thời\s+điểm|thời\s+gian|hồi)\s+(?:nào|bao\s+nhiêu|mấy)\b", r"\bmấy\s+giờ\b",
    r"\bkhi\s+nao\b", r"\bbao\s+gio\b",
    r"\bمتي\b", r"\bفي\s+اي\s+(?:عام|سنة|سنه|تاريخ|يوم|شهر)\b", r"\b(?:ما|ما\s+هو)\s+تاريخ\b", r"\bاي\s+تاريخ\b",
    r"什么时候|什麼時候|甚麼時候|何时|何時|哪年|哪一年|哪天|哪一天|几月|幾月|几号|幾號|几日|何日|哪个月|什么日期|什么时间|哪个日期|日期是",
    r"いつ(?!も|か|でも)|何年(?!間)|何月|何日(?!間)|何時(?!間)|何曜日|日付",
    r"언제(?!나)|몇\s*년\s*(?:에|도)|몇\s*월|몇\s*일\s*에|며칠|날짜|어느\s*해",
    r"\bnär\b", r"\bhvornår\b", r"^når\b", r"\bcând\b", r"^cand\b", r"\bkdy\b", r"\bkedy\b", r"\bmikor\b",
    r"\bmilloin\b", r"\b(?:кога|када)\b", r"\bkada\b", r"^калі\b", r"\bπ[οό]τε\b", r"מתי",
    r"\bچه\s+(?:زمانی|وقت|تاریخی)", r"\bکب\b", rf"\bकब{_DEV_END}", r"เมื่อไร|เมื่อไหร่|เมื่อใด|วันไหน|วันที่เท่าไร",
)
_PERSON = (
    r"^(?:who|whom|whose|who's)\b", _after_embed("who|whom|whose"), r"\b(?:who|whom)\s*[?.!]*\s*$",
    r"\bwhom\b", r"\b(?:which|what)\s+(?:[a-z]+\s+)?(?:person|official|minister|leader|diplomat|president|ambassador|"
    r"representative|spokesperson|individual|secretary-general)\b",
    r"^(?:(?:à|a|par|de|pour|avec|chez)\s+)?qui\b", r"\bqui\s*[?.!]*\s*$", r"\bqui\s+est-ce\b",
    _after_embed("qui"),
    r"\bquién(?:es)?\b", r"^(?:(?:a|de|por|con|para)\s+)?quien(?:es)?\b", r"\bquem\b",
    r"(?<!,)(?<!, )\b(?:кто|кем|кому|кого|чей|чья|чьё|чьи)\b", r"\b(?:хто|кого|кому)\b",
    r"\b(?:wer|wen|wem|wessen)\b", r"^wie\s+(?:is|was|heeft|hebben|zijn|waren|ondertekende|tekende|leidde|werd)\b",
    r"\bdoor\s+wie\b", r"\bkto\b", r"\bsiapa\b",
    r"^(?:و|ف)?من\b(?!\s+(?:اين|بين|اجل|حيث|فضلك|المتوقع|المقرر|الممكن|المهم|قبل|بعد|خلال|جانب|ضمن))",
    r"\bمن\s+(?:هو|هي|هم|الذي|التي)\b", r"\bمن\s*\?\s*$",
    r"谁|誰(?!か|も|でも)|哪位|何人|什么人|だれ(?!か|も)|どなた|何者",
    r"누구(?!나|든)|누가|누군지",
    r"^(?:av\s+|för\s+|till\s+|med\s+)?vem\b", r"\bav\s+vem\b",  # Swedish, not Portuguese "vem" (comes)
    r"\bhvem\b", r"\bcine\b", r"\bkdo\b", r"^kik?\b", r"\bkicsoda\b", r"\b(?:kuka|ketkä|kenen|kenet)\b",
    r"\b(?:кой|коя|кој|која)\b", r"^(?:ко|ko|tko)\b", r"\bποι[οό][νς]\b", r"(?:^|\s)ו?מי\b", r"\bچه\s+کس", r"\bکیست\b",
    r"\bکون\b(?!\s+(?:سے|سی|سا)\b)", r"\bکس\s+نے\b", rf"कौन{_DEV_END}(?!\s*(?:से|सी|सा){_DEV_END})", rf"\bकिसने{_DEV_END}", r"ใคร",
)
_PERSON_VI = re.compile(r"\bai\b|\bngười\s+nào\b|\bvị\s+nào\b")
_PERSON_IT = re.compile(r"\bchi\b")  # Italian; "chi" is also a Vietnamese syllable
_PERSON_TR = re.compile(r"\bkim(?:ler|e|i|in|dir|di)?\b")
_PLACE = (
    *_wh("where"), r"\b(?:which|what)\s+(?:city|venue|place|location|town|capital|building|site)\b",
    r"\bin\s+(?:which|what)\s+(?:city|country|place|town)\b",
    r"^(?:d')?où\b", r"\b(?:d'|par\s+|jusqu')où\b", r"\boù\s*[?.!]*\s*$", _after_embed("où"),
    r"\bquel(?:le)?\s+(?:ville|lieu|endroit)\b", r"\bdans\s+quel(?:le)?\s+(?:ville|pays)\b",
    r"\bdónde\b", r"\badónde\b", r"^a?donde\b", r"\bqué\s+(?:ciudad|lugar|sitio)\b",
    r"\ben\s+qué\s+(?:ciudad|lugar|país)\b",
    *_wh("onde|aonde"), r"\b(?:de|para|por)\s+onde\b", r"\b(?:que|qual)\s+(?:cidade|local|lugar)\b", r"\bem\s+que\s+(?:cidade|local|país)\b",
    *_wh("dove"), r"\bdi\s+dove\b", r"\b(?:in\s+)?(?:che|quale)\s+(?:città|luogo)\b",
    r"(?<!,)(?<!, )\b(?:где|куда|откуда)\b", r"\bв\s+как\w+\s+(?:город\w*|стран\w*|мест\w*)", r"\bкакой\s+город\b",
    r"\b(?:де|куди|звідки)\b",
    r"(?<!,)(?<!, )\bwo(?:hin|her)?\b", r"\bwelche[mnrs]?\s+(?:stadt|ort)\b", r"\bwaar\b", r"\bgdzie\b",
    r"\bnere(?:de|ye|den|si)\b", r"\bhangi\s+(?:şehir|ülkede|yerde)\w*",
    r"\b(?:di|ke|dari)\s*mana\b", r"\bdi\s+kota\s+(?:mana|apa)\b",
    r"\bở\s+đâu\b", r"\btại\s+đâu\b", r"\bđâu\b", r"\b(?:nơi|thành\s+phố|địa\s+điểm|chỗ)\s+nào\b", r"\bo\s+dau\b",
    r"\bاين\b", r"\bفي\s+اي\s+(?:مدينة|مدينه|مكان|بلد)\b", r"\b(?:ما|ما\s+هو|ما\s+هي)\s+(?:مكان|المكان|المدينة)\b",
    r"哪里|哪裡|哪儿|哪兒|在哪|何地|何处|何處|什么地方|什麼地方|哪个城市|哪座城市|哪个地方|地点在",
    r"どこ(?!か|でも|も)|どちらで|どの(?:都市|場所|町)|場所は",
    r"어디(?!든|인가)|어느\s*(?:도시|곳|장소)|장소",
    r"\bvar\s+(?:hölls|höll|ägde|äger|skedde|sker|undertecknades|ligger|finns)\b", r"\bvarifrån\b",
    r"\bi\s+vilken\s+stad\b", r"\bhvor\b", r"\bunde\b", r"\bkde\b", r"\b(?:hol|hová|honnan)\b", r"\b(?:missä|mistä)\b",
    r"\b(?:къде|каде|где|дзе)\b", r"\b(?:gdje|gde)\b", r"\bπού\b", r"איפה|היכן", r"\bکجا", r"\bکہاں\b", rf"कहा[ँं]{_DEV_END}",
    r"ที่ไหน|ที่ใด",
)
_WHY = (
    *_wh("why"), r"\bfor\s+what\s+reason\b", r"\bhow\s+come\b", r"\bwhat\s+(?:caused|led\s+to|prompted)\b",
    r"\bwhat\s+(?:is|was|are|were)\s+the\s+(?:reasons?|causes?|rationale)\b",
    r"\bpourquoi\b", r"\bpour\s+quelle\s+raison\b",
    r"\bquel(?:le)?s?\s+(?:est|sont)\s+l[ae]s?\s+(?:raisons?|causes?|motifs?)\b",
    r"\bpor\s+qu[eé]\b", r"\bporqué\b", r"\bpor\s+quê\b", r"^porque\b", r"\bpara\s+qué\b", r"\bqué\s+motivo\b",
    r"\bcuál\s+es\s+(?:el\s+motivo|la\s+razón)\b", r"\bqual\s+(?:é\s+)?(?:o\s+motivo|a\s+razão)\b",
    r"\bpor\s+qual\s+motivo\b", *_wh("perché|perchè|perche"), r"\bper\s+quale\s+(?:motivo|ragione)\b",
    r"\bcome\s+mai\b", r"\bqual\s+è\s+il\s+motivo\b",
    r"\bпочему\b", r"\bзачем\b", r"\bотчего\b", r"\bпо\s+какой\s+причине\b", r"\bкакова\s+причина\b",
    r"\bиз-за\s+чего\b", r"\bчому\b", r"\bнавіщо\b",
    r"\bwarum\b", r"\bweshalb\b", r"\bwieso\b", r"\bweswegen\b", r"\baus\s+welchem\s+grund\b", r"\bwaarom\b",
    r"\bdlaczego\b", r"\bczemu\b", r"\bneden\b", r"\bniçin\b", r"\bniye\b",
    r"\bmengapa\b", r"\bkenapa\b", r"\bapa\s+(?:alasan|sebab)\b", r"\balasannya\b",
    r"\btại\s+sao\b", r"\bvì\s+sao\b", r"^sao\b", r"\blý\s+do\b", r"\bnguyên\s+nhân\b", r"\bđể\s+làm\s+gì\b",
    r"\btai\s+sao\b", r"\bvi\s+sao\b",
    r"\bلماذا\b", r"\b(?:ما|ما\s+هو|ما\s+هي)\s+(?:سبب|اسباب|السبب|الاسباب)\b", r"\bلاي\s+سبب\b",
    r"为什么|為什麼|为何|為何|何故|什么原因|什麼原因|原因是什么|为啥|怎么会",
    r"なぜ|どうして|なんで|何故|理由は|何のため", r"왜|어째서|이유",
    r"\bvarför\b", r"\bhvorfor\b", r"^de\s+ce\b", r"\bpentru\s+ce\b", r"\bproč\b", r"\bprečo\b", r"\bmiért\b",
    r"\bmiksi\b", r"\b(?:защо|зошто|зашто|чаму)\b", r"\bzašto\b", r"\bγιατί\b", r"למה|מדוע", r"\bچرا\b", r"\bکیوں\b",
    rf"क्यों{_DEV_END}", "ท\u0e4d\u0e32ไม",  # ทำไม as NFKC writes it
)

# list: explicit asks to enumerate, plural interrogatives; the English "which/what + plural" is in code
_LIST = (
    r"^(?:list|name|enumerate|identify|mention)\b", r"^give\s+(?:me\s+)?(?:a\s+)?list\b",
    r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:list|name|enumerate)\b", r"\blist\s+of\b",
    r"\bwhich\s+ones\b", r"\bwhat\s+(?:kinds|types|sorts)\s+of\b",
    r"\bquel(?:le)?s\b", r"\blesquel(?:le)?s\b", r"^(?:citez|énumérez|nommez|listez|cite|énumère)\b",
    r"\bla\s+liste\s+des\b",
    r"\bcuáles\b", r"^cuales\b", r"^(?:enumera|enumere|nombra|menciona|mencione|lista)\b", r"\blista\s+de\b",
    r"\bquais\b", r"\bquali\b", r"^(?:liste|elenca|elencate|indica)\b",
    r"\b(?:какие|каких|какими|каковы)\b", r"^(?:перечисл|назов|укажите)\w*", r"\b(?:які|яких|якими)\b",
    r"^(?:перелічіть|назвіть)\b", r"\b(?:jakie|jakich|które|których)\b", r"^wymie\w*",
    r"\bwelche\b(?!\s+\w*(?:ung|heit|keit|schaft|ion|tät|rolle|frage|stadt)\b)", r"^(?:nenne|nennen|liste|zähle)\b",
    r"\bwelke\b", r"^noem\b", r"\bhangi\w*", r"^(?:sırala|listele)\w*",
    r"\bmana\s+saja\b", r"\bapa\s+saja\b", r"^sebutkan\b",
    r"\b(?:những|các)\s+\S+(?:\s+\S+){0,3}\s+nào\b", r"\bnhững\s+gì\b", r"\bliệt\s+kê\b", r"\bkể\s+tên\b",
    r"\b(?:nhung|cac)\s+\S+(?:\s+\S+){0,3}\s+nao\b",
    r"^اذكر\b", r"\b(?:ما\s+هي|ما|اي)\s+(?:ال\w+ات|الدول|البلدان|الجرائم|التدابير|الاحكام|المخاوف|الفصول|المواد|"
    r"اللغات|الجهات|الاطراف|المنظمات|الحكومات|الانتقادات)\b",
    r"哪些|哪几|哪幾|列出|列举|列舉",
    r"どの(?!よう|くらい|ぐらい|程度|辺|時|年|日|月)|どちらの|挙げ|列挙|一覧",
    r"어떤|어느(?!\s*(?:해|날|도시|곳|장소))|나열|목록",
    r"\bvilka\b", r"\bhvilke\b", r"^care\s+(?:sunt|au|erau)\b", r"\bce\s+(?:țări|state|organizații|infracțiuni)\b",
    r"\b(?:které|kteří|ktoré|ktorí)\b", r"\bmelyek\b", r"\bmitkä\b", r"\b(?:кои|које|који|якія)\b", r"\b(?:koje|koji)\b",
    r"\b(?:ποιες|ποιοι|ποια)\b", r"אילו", r"\bکدام\s+\S+ها\b", r"\bکون\s+(?:سے|سی)\b", rf"कौन\s*(?:से|सी){_DEV_END}", rf"\bकिन{_DEV_END}",
    r"อะไรบ้าง|ไหนบ้าง",
)
_LIST_ES = re.compile(r"\bqué\s+(\w{4,})|(?:^|^(?:en|de|a|por|con|para|em|com)\s+)que\s+(\w{4,})")  # qué países
_LIST_IT = re.compile(r"^(?:(?:in|a|di|da|per|con)\s+)?che\s+\w{3,}i\b")  # che paesi
_WHICH_EN = re.compile(r"\b(which|what)\s+(?:(?:of\s+)?(?:the|these|those)\s+)?((?:[\w'-]+\s+){0,3}[\w'-]+)")
_WHAT_ARE_EN = re.compile(r"\bwhat\s+(?:are|were)\s+(?:the|some\s+of\s+the|its|their)\s+((?:[\w'-]+\s+){0,2}[\w'-]+)")

_EN_AUX = {"did", "do", "does", "is", "are", "was", "were", "has", "have", "had", "can", "could", "will",
           "would", "shall", "should", "may", "might", "must", "am", "isn't", "aren't", "wasn't", "weren't",
           "didn't", "doesn't", "don't", "hasn't", "haven't", "hadn't", "won't", "wouldn't", "can't",
           "cannot", "couldn't", "shouldn't", "not", "signed", "happened"}
_EN_MODIFIER = {"eu", "un", "member", "main", "key", "major", "other", "specific", "new", "human", "civil",
                "non-eu", "g7", "g20", "brics", "asean", "western", "latin", "few", "many", "several", "top",
                "leading", "most", "more", "exact", "big", "small", "first", "last", "non-state", "state",
                "security", "tech", "technology", "media", "news", "civil-society", "rights", "un's"}
_EN_NOT_PLURAL = {"is", "was", "has", "does", "this", "its", "us", "news", "status", "thus", "process",
                  "access", "across", "always", "less", "unless", "whereas", "means", "says", "happens",
                  "covers", "makes", "requires", "includes", "contains", "allows", "provides", "gives",
                  "defines", "protects", "establishes", "sets", "says", "seems", "lies", "goes", "comes",
                  "yes", "his", "hers", "plus", "bus", "gas", "basis", "analysis", "crisis", "thesis"}
_EN_PLURAL_IRREGULAR = {"people", "children", "women", "men", "criteria", "media", "staff", "police"}


def _en_plural(word: str) -> bool:
    if word in _EN_PLURAL_IRREGULAR:
        return True
    return (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s"))
            and word not in _EN_NOT_PLURAL)


def _en_plural_head(words: list[str]) -> str:
    """The plural noun among the first words after which/what, skipping modifiers; "" if singular."""
    for w in words:
        if w in _EN_AUX:
            return ""
        if _en_plural(w):
            return w
        if w in _EN_MODIFIER or w.endswith(("an", "al", "ic", "ive", "ous", "ern", "ish", "ese", "ary")):
            continue
        return ""
    return ""


def _list_en(t: str) -> bool:
    if "what" not in t and "which" not in t:
        return False
    m = _WHAT_ARE_EN.search(t)
    if m and _en_plural_head(m.group(1).split()):
        return True
    for m in _WHICH_EN.finditer(t):
        if _en_plural_head(m.group(2).split()):
            return True
    return False


_ES_NOT_NOUN = {"más", "mas", "pasa", "dices", "sabes", "piensas", "crees", "significa", "quieres", "dicen",
                "es", "cosas", "son", "fazes", "dizes", "achas"}


def _is_list(t: str) -> bool:
    if _list_en(t) or ("che" in t and _LIST_IT.search(t)):
        return True
    m = _LIST_ES.search(t) if "qu" in t else None
    word = m and (m.group(1) or m.group(2))
    return bool(word and word.endswith("s") and word not in _ES_NOT_NOUN)


# ---------------------------------------------------------------- yes/no
_OTHER = (  # wh-words of the "other" kind, and requests: a question with one of these is not yes/no
    r"\b(?:what|what's|whats|how|which|whom|whose|tell\s+me|explain|describe|summari[sz]e|define|outline|"
    r"elaborate|overview)\b",
    r"^(?:que|qu'|quoi)", r"\bqu'\w+-",  # "..., qu'a-t-il demandé ?": "qu'" before an inversion asks what
    r"\b(?:quoi|comment|quel|quelle|quels|quelles|lequel|laquelle|expliquez|explique|décrivez|"
    r"décris|parlez|parle-moi|dites-moi|dis-moi|présentez|résumez)\b", r"\bqu'est-ce\b",
    r"\b(?:qué|cómo|cuál|explica|describe|descríbeme|dime|háblame|cuéntame|resume)\b", r"^(?:que|como|cual)\b",
    r"\b(?:o\s+que|o\s+quê|qual|explique|descreva|fale|conte-me|resuma)\b",
    r"^(?:che|cosa|come|quale|cos'|com')", r"\b(?:che\s+cosa|cos'è|quale|spieg\w*|descriv\w*|dimmi|parlami|riassumi)\b",
    r"^was\b", r"\b(?:wie|welche[rsmn]?|erklär\w*|beschreib\w*|erzähl\w*)\b", r"\b(?:wat|hoe|welk)\b",
    r"\b(?:что|чем|чего|чему|как|какой|какая|какое|каков|какова|каково|каким|каком|расскаж\w*|объясн\w*|опиш\w*)\b",
    r"\b(?:що|як|який|яка|яке|co|jak|jaki|jaka)\b",
    r"什么|甚麼|什麼|怎么|怎麼|怎样|怎樣|如何|哪|啥|介绍|介紹|说明|說明|解释|解釋|讲讲|谈谈",
    r"何|なに|なん|どう|どんな|どの|どれ|どちら|教えて|説明",
    r"무엇|뭐|무슨|어떻게|어떤|어느|설명|알려",
    r"\b(?:nedir|neler|nelerdir|nasıl|hangi|açıkla\w*|anlat\w*)\b",
    r"\b(?:apa|bagaimana|mana|jelaskan|ceritakan)\b",
    r"\b(?:gì|nào|thế\s+nào|ra\s+sao|giải\s+thích|mô\s+tả)\b",
    r"\b(?:ما|ماذا|ماهي|كيف|اي|اشرح|صف)\b",
    r"\b(?:vad|hur|vilken|vilket|hvad|hva|hvordan|hvilken|hvilket)\b",
    r"^ce\s+(?:a|au|este|e|sunt|era|prevede|spune|înseamnă|face|s-a|va|vor|reprezintă|conține|cuprinde)\b", r"\bcum\b",
    r"^care\b", r"\b(?:jaký|jaká|jaké|který|která|čo|aký|aká|aké|ako)\b", r"^mi\s+az?\b", r"^mit\b",
    r"\b(?:milyen|melyik|hogyan|miről|mitä|mikä|miten|millainen|какво|какъв|каква|што|како|шта|šta|što|kako)\b",
    r"\b(?:τι|πώς|ποιο)\b", r"(?:^|\s)(?:מה|איך|כיצד|איזה|איזו)\b", r"\b(?:چه|چی|چطور|چگونه|کدام)\b", r"\b(?:کیسے|کس)\b",
    rf"\b(?:कैसे|किस){_DEV_END}", r"อะไร|อย่างไร|ยังไง|แบบไหน",
)
_YESNO = (  # markers that make a yes/no question whatever else it contains
    r"^(?:did|do|does|is|are|was|were|has|have|had|can|could|will|would|shall|should|may|might|must|am|"
    r"isn't|aren't|wasn't|weren't|didn't|doesn't|don't|hasn't|haven't|hadn't|won't|wouldn't|can't|cannot|"
    r"couldn't|shouldn't)\b",
    r"^est-ce\s+qu", r"^y\s+a-t-il\b",
    r"\bли\b", r"^чи\b", r"^czy\b",
    r"^ob\b", r"^(?:hat|haben|hatte|hatten|ist|sind|war|waren|wird|werden|wurde|wurden|kann|können|konnte|"
    r"darf|dürfen|muss|müssen|soll|sollen|sollte|gibt|gab|gilt|enthält|erlaubt|verbietet|schützt|deckt|"
    r"unterzeichnete|unterzeichneten|unterstützt|unterstützen)\b",
    r"^(?:heeft|hebben|zijn|waren|wordt|worden|werd|werden|kan|kunnen|mag|mogen|moet|moeten|zal|zullen|zou)\b",
    r"\bmı(?:dır|ydı|sın|yım|yız|ymış|lar)?\b", r"^apakah\b",
    r"\b(?:sudahkah|bisakah|adakah|benarkah|akankah|haruskah|dapatkah|perlukah|pernahkah|bolehkah|masihkah)\b",
    r"(?:không|chưa|chứ|hả|nhỉ)\s*[?.!]*\s*$", r"^có\s+phải\b", r"\bphải\s+không\b", r"\bđúng\s+không\b",
    r"\bhay\s+không\b", r"\bkhong\s*\?\s*$",
    r"^(?:و|ف)?هل\b", r"^اليس\b",
    r"吗|嗎|是否|有没有|有沒有|是不是|能否|可否|会不会|會不會|有无|有無",
    r"^آیا\b", r"^האם\b", rf"^क्या{_DEV_END}", r"^کیا\b", r"ไหม|หรือไม่|หรือเปล่า|มั้ย", r"\b[^\W\d_]+-e\b",
)
_YESNO_TR = re.compile(r"\b(?:mi|mu|mü)(?:dir|dur|dür|ydi|ydu|ydü|sin|sun|sün|yim|yum|yüm|yiz|yuz|yüz|ymiş|ymuş|"
                       r"ymüş|ler|lar)?\b")
_YESNO_SOFT = (  # markers that make a yes/no question only if no other question word is present
    r"(?:か|かな|かね)\s*[?]*\s*$",
    r"(?:나요|습니까|니까|까요|가요|는가|는지|나|죠|지요|어요|아요|에요|예요|었어|았어|냐|니)\s*[?]*\s*$",
)
_COUNT_, _DATE_, _PERSON_, _PLACE_, _WHY_, _LIST_, _YESNO_, _OTHER_, _SOFT_ = range(9)
_RULES = [_rules(*kind) for kind in (_COUNT, _DATE, _PERSON, _PLACE, _WHY, _LIST, _YESNO, _OTHER, _YESNO_SOFT)]
_REQUEST_EN = re.compile(r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:explain|describe|summari[sz]e|outline|"
                         r"elaborate|walk|give|provide|tell\s+me\s+(?:about|more))\b")
_GERMAN_WAS = re.compile(r"^was\s+(?:ist|sind|bedeutet|bedeuten|regelt|sagt|steht|passiert|enthält|macht|war|waren|"
                         r"hat|haben|wird|werden|kann|können|versteht|genau|beinhaltet|umfasst|sieht|sah|bringt)\b")
_FR_INVERSION = re.compile(r"\b\w+-(?:t-)?(?:il|elle|ils|elles|on)\b")  # a-t-elle, ont-ils, peut-on
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_GREEK = re.compile(r"[\u0370-\u03ff]")  # Greek asks with ";" (NFKC's form of the Greek question mark)
_OTHER_TR = re.compile(r"\bne\b")  # Turkish "what"; French "ne" is a negation


# Japanese "X は？" (X, then?) asks what X is, or is a follow-up ("インドは?"); a yes/no question ends in か.
_JA_TOPIC = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]は\s*[?]*\s*$")


def _is_yesno(t: str, best: int, tr: bool, raw: str) -> bool:
    if _REQUEST_EN.search(t) or _GERMAN_WAS.search(t) or _JA_TOPIC.search(t):
        return False
    if best == _YESNO_ or (tr and _YESNO_TR.search(t)):
        return True
    if best == _OTHER_ or (tr and _OTHER_TR.search(t)):
        return False
    if best == _SOFT_ or ("-" in t and _FR_INVERSION.search(t)):
        return True
    # Spanish, Italian, Portuguese, Russian ... : a question with no question word at all
    asks = "?" in t or "¿" in raw or (_HANGUL.search(t) is not None) or (t.endswith(";") and _GREEK.search(t) is not None)
    return asks and (len(t.split()) >= 2 or len(t) >= 5)


@lru_cache(maxsize=4096)
def question_type(text: str) -> str:
    """"count", "date", "person", "place", "why", "list", "yesno" or "" (other) for a question."""
    t = _prep(text or "")
    if not t:
        return ""
    best = next((tag for tag, rules in enumerate(_RULES) if rules.search(t)), len(_RULES))
    vi = _VI.search(t) is not None
    tr = _TR.search(t) is not None
    if best == _COUNT_ or (not tr and "ile" in t and _COUNT_PL.search(t)):
        return "count"
    if best == _DATE_:
        return "date"
    if (best == _PERSON_ or (vi and _PERSON_VI.search(t)) or (not vi and "chi" in t and _PERSON_IT.search(t))
            or ("kim" in t and (tr or re.search(r"\bkim\b", text)) and _PERSON_TR.search(t))):
        return "person"
    if best == _PLACE_:
        return "place"
    if best == _WHY_:
        return "why"
    if best == _LIST_ or _is_list(t):
        return "list"
    if _is_yesno(t, best, tr, text):
        return "yesno"
    return ""


# ---------------------------------------------------------------- head
_SKIP = {"de", "d'", "of", "the", "des", "les", "la", "le", "l'", "los", "las", "el", "i", "gli", "os", "as", "o",
         "a", "der", "die", "das", "den", "dem", "het", "van", "di", "dei", "delle", "degli", "del", "du", "sont",
         "are", "were", "is", "was", "son", "são", "sono", "sind", "zijn", "ont", "été", "han", "sido", "hanno",
         "banyak", "всего", "всех", "total", "en", "em", "in", "these", "those", "some", "all", "todos", "tous",
         "toutes", "alle", "all'", "e", "ال", "هي", "هو", "هم", "ما", "من", "ont-ils", "ont-elles", "é", "è", "ist",
         "más", "mais", "più", "mehr", "more", "عدد", "different", "différents", "différentes", "diferentes", "diversi"}
_KIND = {"types", "kinds", "sorts", "type", "kind", "tipos", "tipo", "genres", "sortes", "clases", "tipi", "виды",
         "типы", "arten", "soorten", "jenis", "türleri", "catégories", "categories", "categorías"}
_WORD_RX = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_HEAD_RULES = [  # (trigger, how to read what follows)
    (re.compile(r"\bhow\s+(?:many|much)\s+"), "en"), (re.compile(r"\bnumber\s+of\s+"), "en"),
    (re.compile(r"\b(?:which|what)\s+(?:of\s+)?"), "en"),
    (re.compile(r"^(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:list|name|enumerate|identify|mention)\s+"
                r"(?:all\s+)?"), "en"),
    (re.compile(r"\bcombien\s+(?:de\s+|d')?"), "w"), (re.compile(r"\bnombre\s+(?:de\s+|d')"), "w"),
    (re.compile(r"\b(?:quel|quelle)s\s+"), "w"), (re.compile(r"\blesquel(?:le)?s\s+"), "w"),
    (re.compile(r"\bcuánt[oa]s?\s+|^cuant[oa]s?\s+"), "w"), (re.compile(r"\bquant[oiae]s?\s+"), "w"),
    (re.compile(r"\bcuáles\s+|^cuales\s+|\bquais\s+|\bquali\s+"), "w"),
    (re.compile(r"\bqu[eé]\s+(?=\w{4,}s\b)"), "w"), (re.compile(r"^(?:(?:in|a|di)\s+)?che\s+(?=\w{3,}i\b)"), "w"),
    (re.compile(r"\bсколько\s+|\bскільки\s+"), "w"), (re.compile(r"\b(?:какие|каких|какими|які|яких)\s+"), "w"),
    (re.compile(r"\bwie\s*viele?\s+|\bhoeveel\s+|\banzahl\s+(?:der\s+)?"), "w"),
    (re.compile(r"\b(?:welche|welke)\s+"), "w"),
    (re.compile(r"\bile\s+|\b(?:jakie|które)\s+"), "w"), (re.compile(r"\bkaç\s+|\bhangi\s+"), "w"),
    (re.compile(r"\bberapa\s+"), "w"), (re.compile(r"\b(\w+)\s+mana\s+saja\b"), "before"),
    (re.compile(r"\bbao\s+nhiêu\s+|\bmấy\s+"), "vi"), (re.compile(r"\b(?:những|các)\s+(?=.*\bnào\b)"), "vi"),
    (re.compile(r"\bب?كم\s+|\bعدد\s+|\b(?:ما\s+هي|اي|ما)\s+(?=ال)"), "w"),
    (re.compile(r"多少个?|几[个個]?|幾[个個]?|哪些|哪几个?|哪幾個?"), "zh"),
    (re.compile(r"何(?=カ国|か国|ヶ国|ケ国|人|件|回|個|種類|名)|いくつの|どの|どちらの"), "ja"),
    (re.compile(r"([\u4e00-\u9fff\u30a0-\u30ffー]+)[はがを]?(?:いくつ|何(?:カ国|か国|ヶ国|人|件|個))"), "before"),
    (re.compile(r"몇\s*|어떤\s*|어느\s*"), "ko"),
]
_VI_STOP = {"đã", "sẽ", "được", "có", "là", "đang", "ký", "tham", "không", "trong", "tại", "ở", "và", "của", "đến",
            "mà", "thì", "nào", "bị", "cần", "phải", "vào", "trên", "dự"}
_ZH_STOP = set("签簽已在的是有参參出了将將会會被对對于於和与與批加都还還要曾")
_JA_RUN = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー]+")
_KO_COUNTER = {"개", "명", "번", "가지", "건", "차례", "곳"}
_KO_PARTICLE = re.compile(r"(?:들이|들은|들을|들의|들|에서|으로|이|가|은|는|을|를|의|에|과|와|도|로)$")


def _words_after(rest: str) -> list[str]:
    return [w for w in _WORD_RX.findall(rest)][:8]


def _head_from(kind: str, t: str, m: re.Match) -> str:
    rest = t[m.end():]
    if kind == "before":
        return m.group(1)
    if kind == "en":
        words = [w for w in _words_after(rest) if w not in {"the", "of", "all", "these", "those", "are", "were"}]
        h = _en_plural_head(words)
        if h or not words or words[0] in _EN_AUX or words[0].endswith("ed"):
            return h
        return words[0] if words[0] not in _EN_MODIFIER else ""
    if kind == "w":
        words = _words_after(rest)
        for i, w in enumerate(words):
            if w in _SKIP:
                continue
            if w in _KIND and i + 2 < len(words) and words[i + 1] in {"de", "of", "di", "von", "из", "d'"}:
                continue
            if w in {"de", "of", "di", "von", "из"}:
                continue
            return w
        return ""
    if kind == "vi":
        out = []
        for syl in rest.split():
            syl = syl.strip("?.,!")
            if not syl or syl in _VI_STOP or len(out) == 2:
                break
            out.append(syl)
        return " ".join(out)
    if kind == "zh":
        out = ""
        for ch in rest:
            if not ("\u4e00" <= ch <= "\u9fff") or ch in _ZH_STOP or len(out) == 3:
                break
            out += ch
        return out
    if kind == "ja":
        run = _JA_RUN.match(rest)
        if not run:
            return ""
        word = run.group(0)
        for counter in ("カ国", "か国", "ヶ国", "ケ国"):
            if word.startswith(counter):
                return "国"
        return word
    if kind == "ko":
        words = rest.split()
        if not words:
            return ""
        first = words[0].strip("?.!")
        if first in _KO_COUNTER and len(words) > 1:
            first = words[1].strip("?.!")
        return _KO_PARTICLE.sub("", first) if len(first) >= 3 else first
    return ""


def head(text: str) -> str:
    """The noun a count or list question is about, lower-cased ("How many countries ..." -> "countries"); else ""."""
    if question_type(text) not in ("count", "list"):
        return ""
    t = _prep(text)
    for rx, kind in _HEAD_RULES:
        for m in rx.finditer(t):
            h = _head_from(kind, t, m)
            if h:
                return h
    return ""


# ---------------------------------------------------------------- fits
_MONTHS = (r"january|february|april|june|july|august|september|october|november|december|"
           r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|"
           r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
           r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|gennaio|febbraio|aprile|maggio|"
           r"giugno|luglio|settembre|ottobre|dicembre|januar|februar|märz|juni|juli|oktober|dezember|"
           r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяею]|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|"
           r"декабр\w*|يناير|فبراير|مارس|ابريل|مايو|يونيو|يوليو|اغسطس|سبتمبر|اكتوبر|نوفمبر|ديسمبر|كانون|شباط|"
           r"اذار|نيسان|ايار|حزيران|تموز|ايلول|تشرين")
_MONTHS_DAY = _MONTHS + "|may|march"  # "may" and "march" count as months only next to a number
_MONTH = _rules(_words(_MONTHS))
_MAY_MARCH = re.compile(r"\b(?:May|March)\b")  # case-sensitive, on the raw sentence
_VI_MONTH = r"tháng\s+(?:\d{1,2}|một|hai|ba|tư|năm|sáu|bảy|tám|chín|mười(?:\s+một|\s+hai)?|giêng|chạp)\b"
_DATE_FULL = _rules(  # on normalised (lower-case) text
    rf"\b\d{{1,2}}(?:\s*(?:-|–|to|and|et|y|и|по|à|al|a|au|bis|e|و|الى)\s*\d{{1,2}})?(?:st|nd|rd|th|er)?\s+(?:de\s+)?"
    rf"(?:{_MONTHS_DAY})\b",
    _words(_MONTHS_DAY, after=r"\s+(?:de\s+)?(?:\d{1,2}\b|(?:19|20)\d\d)"),
    r"\b\d{4}-\d{2}-\d{2}\b", r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
    r"\d{2,4}\s*年\s*\d{1,2}\s*月", r"\d{1,2}\s*月\s*\d{1,2}\s*[日号號]", r"\d{4}\s*년\s*\d{1,2}\s*월",
    r"\d{1,2}\s*월\s*\d{1,2}\s*일",
    rf"\bngày\s+\d{{1,2}}(?:\s*(?:và|-|–|đến)\s*(?:ngày\s+)?\d{{1,2}})?(?:\s*/\s*\d{{1,2}}|\s+{_VI_MONTH})",
    rf"\b{_VI_MONTH}\s*(?:năm\s+|/\s*)?(?:19|20)\d\d")
_YEAR = _rules(r"(?<![\d/.,-])(?:19|20)\d\d(?![\d/])")
_MONTH_ONLY = _rules(rf"\b{_VI_MONTH}", r"(?<![个個\d])\d{1,2}\s*月", r"\d{1,2}\s*월")
_RELATIVE = _rules(_words(
    r"yesterday|today|tomorrow|recently|last\s+(?:year|month|week)|next\s+(?:year|month|week)|"
    r"this\s+(?:year|month|week)|hier|aujourd'hui|demain|récemment|ayer|hoy|mañana|recientemente|"
    r"вчера|сегодня|завтра|недавно|hôm\s+qua|hôm\s+nay|ngày\s+mai|gần\s+đây|امس|غدا|مؤخرا"),
    r"昨天|今天|明天|最近|去年|明年|今年")


# a time stated by a delay after an event ("on the 90th day after the deposit", "le 90e jour suivant",
# "через 90 дней", "交存之日后第90天"): what answers "when does it enter into force?"
_DELAY = _rules(
    r"\b\d+(?:st|nd|rd|th)?\s+(?:days?|weeks?|months?|years?)\s+(?:after|following|from)\b",
    r"\b\d+e?\s+(?:jours?|semaines?|mois|ans?)\s+(?:suivant|après)\b",
    r"\b\d+\.?[oº°]?\s+d[ií]as?\s+(?:después|siguientes?|tras|após|depois)\b",
    r"\b\d+[oº°]?\s+giorn[oi]\s+(?:dopo|successiv)", r"\b\d+\.?\s+tag\w*\s+nach\b",
    r"\b\d+(?:-?[йгм]|-?ый)?\s+(?:день|дня|дней|месяц\w*)\s+после\b", r"\bчерез\s+\d+\s+(?:дн|месяц)",
    r"\bngày\s+thứ\s+\d+\s+(?:sau|kể\s+từ)\b", r"\b\d+\s+ngày\s+sau\b",
    r"اليوم\s+(?:ال)?\d+\s+(?:بعد|من)", r"بعد\s+\d+\s+يوما?",
    r"第\s*\d+\s*[天日]", r"\d+\s*[天日]\s*(?:后|後|以内)", r"\d+\s*일\s*(?:후|뒤|째)")


def _date_fit(x: str, raw: str) -> float:
    if _DATE_FULL.search(x):
        return 1.0
    if (_YEAR.search(x) or _MONTH.search(x) or _MONTH_ONLY.search(x) or _DELAY.search(x)
            or (("May" in raw or "March" in raw) and _MAY_MARCH.search(raw))):
        return 0.8
    return 0.4 if _RELATIVE.search(x) else 0.0


# a day of an event named by its order ("the first day", "le deuxième jour", "首日"): with a date or a
# year, what makes a question ask about one moment rather than about today
_DAY_ORDINAL = _rules(
    r"\b(?:first|second|third|last|opening|closing)\s+day\b", r"\bday\s+(?:one|two|1|2)\b",
    r"\b(?:premier|première|deuxième|second|dernier)\s+jour\b", r"\bjour\s+(?:un|deux|1|2)\b",
    r"\b(?:primer|primera|segundo|segunda|último|última)\s+d[ií]a\b", r"\b(?:primeiro|segundo|último)\s+dia\b",
    r"\b(?:primo|secondo|ultimo)\s+giorno\b", r"\b(?:ersten|zweiten|letzten)\s+tag\b",
    r"\b(?:eerste|tweede|laatste)\s+dag\b", r"\b(?:pierwszego|drugiego|ostatniego)\s+dnia\b",
    r"(?:перв|втор|последн)\w*\s+д(?:ень|ня|ню)", r"\bngày\s+(?:đầu|thứ\s+hai|cuối|đầu\s+tiên)",
    r"اليوم\s+(?:الاول|الثاني|الاخير)", r"في\s+(?:اول|ثاني|اخر)\s+يوم",
    r"第[一二三]天|首日|头一天|頭一天|初日|最終日|첫날|둘째\s*날", r"\b(?:ilk|ikinci|son)\s+gün",
    r"\bhari\s+(?:pertama|kedua|terakhir)")


def names_a_time(text: str) -> bool:
    """Whether a question asks about one moment (a date, a month, a year, a day of the event), so
    that a figure as of that moment answers it rather than the latest one."""
    x = _norm(text)
    return _date_fit(x, text) > 0.0 or bool(_DAY_ORDINAL.search(x))


# A Chinese or Japanese count of parts of a text names them with a counter: articles (条), chapters (章),
# paragraphs (款), sections (节). "几条?" is not answered by "9章".
_TEXT_UNIT = str.maketrans("條節", "条节")
_ASKED_UNIT = re.compile(r"(?:多少|几|幾|何)\s*([条條章款节節])")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def counts_what_is_asked(question: str, sentence: str) -> bool:
    """False when a Chinese or Japanese question counts parts of a text (articles, chapters...) and a
    sentence written in Chinese characters states no count of that part; True otherwise (a sentence
    in another script is not judged here)."""
    asked = _ASKED_UNIT.search(question)
    if not asked or not _HAN.search(sentence):
        return True
    unit = asked.group(1).translate(_TEXT_UNIT)
    numeral = "一二三四五六七八九十百两兩"
    return bool(re.search(rf"(?<![第\d{numeral}])(?:\d+|[{numeral}]+)\s*{unit}", sentence.translate(_TEXT_UNIT)))


_NUM_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|"
    r"billions?|dozens?|deux|trois|quatre|cinq|sept|huit|neuf|onze|douze|treize|quatorze|quinze|seize|vingt|"
    r"trente|quarante|cinquante|soixante|cent|mille|douzaines?|centaines?|dos|tres|cuatro|cinco|seis|siete|ocho|"
    r"nueve|diez|doce|trece|catorce|quince|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|"
    r"noventa|cien|ciento|cientos|mil|docenas?|dois|duas|três|oito|nove|dez|vinte|trinta|quarenta|cinquenta|"
    r"tre|quattro|cinque|sei|sette|otto|dieci|venti|trenta|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|"
    r"zwölf|zwanzig|dreißig|hundert|tausend|два|две|двух|три|трёх|трех|четыре|четырёх|четырех|пять|пяти|шесть|"
    r"шести|семь|семи|восемь|восьми|девять|девяти|десять|десяти|одиннадцат\w*|двенадцат\w*|тринадцат\w*|"
    r"четырнадцат\w*|пятнадцат\w*|шестнадцат\w*|семнадцат\w*|восемнадцат\w*|девятнадцат\w*|двадцат\w*|"
    r"тридцат\w*|сорок\w*|пятьдесят|шестьдесят|семьдесят|восемьдесят|девяносто|сто|сотни|сотен|тысяч\w*|"
    r"миллион\w*|десятк\w*|hai|bốn|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|hàng\s+chục|hàng\s+trăm|"
    r"اثنان|اثنين|اثنتين|ثلاث|ثلاثة|اربع|اربعة|خمس|خمسة|ست|ستة|سبع|سبعة|ثماني|ثمانية|تسع|تسعة|عشر|عشرة|"
    r"عشرون|عشرين|ثلاثون|ثلاثين|اربعون|اربعين|مائة|مئة|مئات|الف|الاف|عشرات")
_NUM_WORD = _rules(_words(_NUM_WORDS))
_IS_NUM_WORD = re.compile(rf"(?:{_NUM_WORDS})")
_FOLLOW = re.compile(r"[\s-]+(?:of\s+|de\s+|d')?([^\W\d_]{2,})")
_ZH_NUM = re.compile(r"(?<![第\d两兩二三四五六七八九十百千万萬])(?:[两兩二三四五六七八九十百千万萬]+|\d+)多?\s*"
                     r"(?:个|個|名|位|项|項|国|國|家|次|种|種|份|人|座|条|條|章|款|节|節|篇|票|カ国|か国|ヶ国|件|개국|개|명|건|번)")
_ZH_YEARS = re.compile(r"(?<![\d第])\d{1,3}\s*(?:多)?\s*(?:年|个月|個月|天|小时|小時)(?!\s*\d{1,2}\s*月)")  # durations
_REF_NUMBER = r"\s+\d+(?:/\d+)*(?:\s*(?:\(\d+\)|,\s*\d+|و\s*\d+|(?:and|et|y|и|và)\s+\d+))*"
_REF = _rules(  # article / resolution / document numbers, codes like 74/247, 24/7, COVID-19
    _words(r"articles?|art\.|paragraphs?|para\.|chapters?|resolutions?|rules?|sections?|annex|"
            r"статья|статьи|статье|статьей|статей|пункт\w*|резолюци\w*|глав\w*|paragraphes?|résolutions?|"
            r"artículos?|párrafos?|resoluci[oó]n(?:es)?|capítulos?|artigos?|articol[oi]|điều|khoản|nghị\s+quyết|"
            r"chương|المادة|المواد|الفقرة|القرار|الفصل|مادة", after=_REF_NUMBER),
    r"\d+\s*(?:статьи|статьей|статье)", r"\b(?:ngày|tháng)\s+\d{1,2}\b", r"\d[\w.]*(?:/[\w.]+)+",
    r"(?<=[^\W\d_]-)\d+", r"第\s*\d+\s*[条條款章届屆次]", r"(?<![共有计計])\d+\s*[条條款]", r"\d+\s*조")
_DIGIT = re.compile(r"\d")
_NUM = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th|e|er|ème|º|ª|-?е|-?го|-?й)?(?!\w)")
_AFTER_NUM = re.compile(r"\s*(%|‰|percent|pour\s+cent|por\s+ciento|процент\w*)?(?:[\-–]?\s*([^\W\d_]+))?")
_AFTER_NUM_STOP = {"to", "and", "or", "in", "of", "from", "per", "on", "at", "by", "with", "for", "the", "a", "an",
                   "et", "à", "au", "ou", "de", "du", "des", "le", "la", "les", "y", "o", "al", "el", "en", "und",
                   "и", "в", "до", "по", "из", "на", "от", "с", "или", "và", "đến", "từ", "trong", "vào", "hoặc",
                   "و", "الى", "في", "من", "على", "bis", "zu", "e", "ed", "che", "que", "that", "was", "were", "is"}

# A count of none answers "how many?" too ("No instrument of ratification had been deposited"), unless
# it is a norm ("no country should be left defenceless", "aucune disposition ne peut...").
_ZERO = _rules(
    r"(?:^|(?<=[,;:]\s))no\s+[a-z]+\s+(?:of|has|have|had|was|were)\b", _words(
        r"none\s+of|not\s+a\s+single|not\s+one|zero|aucun|aucune|pas\s+un\s+seul|ning[uú]n|ninguna|nadie|"
        r"cero|ни\s+од(?:ин|на|но|ного|ной|ну)|chưa\s+có|không\s+có\s+[^.]{0,60}?\bnào"),
    r"\bلم\s[^.]{0,40}?\bاي\s", r"尚无|尚無|没有任何|沒有任何|无一|無一|未有任何")
_MODAL = _rules(_words(
    r"should|must|can|cannot|could|may|might|shall|ought|doit|doivent|devait|devrait|devraient|peut|peuvent|"
    r"pourrait|saurait|debe|deben|debería|deberían|debía|puede|pueden|podría|должн\w*|может|могут|сможет|"
    r"nên|phải|có\s+thể|يجب|ينبغي|يمكن"), r"应|應|不得|能够|能夠")


def _count_fit(x: str, raw: str) -> float:
    s = x
    best = 0.0
    if _DIGIT.search(s):
        spans = [m.span() for rules in (_DATE_FULL, _REF, _YEAR) for m in rules.finditer(x)]
        if spans:
            best = 0.2
            chars = list(s)
            for a, b in spans:
                chars[a:b] = " " * (b - a)
            s = "".join(chars)
        if _ZH_NUM.search(s) or _ZH_YEARS.search(s):
            return 1.0
        for m in _NUM.finditer(s):
            p = m.start()
            if p and (s[p - 1].isalnum() or s[p - 1] in "./_"):
                continue
            if s[m.end():m.end() + 2].lstrip()[:1] in ("年", "月", "日", "号", "號", "시", "월", "일"):
                continue
            after = _AFTER_NUM.match(s, m.end())
            word = after.group(2)
            if after.group(1) or (word and len(word) >= 2 and word not in _AFTER_NUM_STOP
                                  and not _MONTH.search(word)):
                return 1.0
            best = max(best, 0.7)
    elif _ZH_NUM.search(s):
        return 1.0
    for m in _NUM_WORD.finditer(x):
        follow = _FOLLOW.match(x, m.end())
        if follow and _IS_NUM_WORD.fullmatch(follow.group(1)):
            continue  # "twenty five states": judge by the last number word
        if follow and follow.group(1) not in _AFTER_NUM_STOP:
            return 1.0
        best = max(best, 0.7)
    if _ZERO.search(x) and not _MODAL.search(x):
        return 1.0
    return best


_TITLES = _rules(_words(
    r"secretary-general|secretary\s+general|president|vice-president|prime\s+minister|minister|ambassador|"
    r"director|director-general|executive\s+director|chair|chairman|chairwoman|chairperson|spokesperson|"
    r"spokesman|spokeswoman|prosecutor|commissioner|envoy|king|queen|mr|mrs|ms|dr|deputy|"
    r"secrétaire\s+général|secrétaire\s+générale|présidente?|ministre|ambassadeur|ambassadrice|directeur|"
    r"directrice|porte-parole|procureur|secretari[oa]\s+general|presidente|ministr[oa]|embajador[a]?|director[a]?|"
    r"portavoz|fiscal\s+general|embaixador[a]?|segretario\s+generale|ambasciatore|generalsekretär|präsident\w*|"
    r"botschafter\w*|генеральн\w+\s+секретар\w*|генсек\w*|президент\w*|министр\w*|посол|посла|послом|"
    r"директор\w*|председател\w*|генпрокурор\w*|прокурор\w*|tổng\s+thư\s+ký|chủ\s+tịch|bộ\s+trưởng|thứ\s+trưởng|"
    r"đại\s+sứ|giám\s+đốc|thủ\s+tướng|tổng\s+thống|viện\s+trưởng|đại\s+tướng|الامين\s+العام|الرئيس|رئيس|رئيسة|"
    r"وزير|الوزير|وزيرة|السفير|سفير|السفيرة|المدير|مدير|المديرة|النائب\s+العام|المدعي\s+العام|مدعي\s+عام|الجنرال|"
    r"جنرال|المتحدث"),
    r"秘书长|秘書長|主席|总统|總統|部长|部長|大使|执行主任|主任|总理|總理|总检察长|發言人|发言人|事務総長|大統領|大臣|"
    r"사무총장|대통령|장관|대사")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff]{1,6}[·・][\u4e00-\u9fff\u30a0-\u30ff]{1,6}")
# Capitalised words that are not (parts of) personal names: function words (exact) and the stems of
# organisation, place, title and month words (prefix; stems of 3 letters or fewer must match exactly).
_NOT_NAME_WORDS = set(
    "the a an in at on under by for of and to with from after before as this these that it its he she they "
    "while when where both other some all no not but also then there here what which who "
    "le la les l' un une des du de en au aux dans par pour sur avec selon ce cette ces il elle "
    "el los las del por según con sobre tras o os as um uma do da dos das no na nos nas lo gli di dei della "
    "nel nella der die das den dem des ein eine im am zum zur von und "
    "и в во на по с со к от для при после до этот эта это также "
    "theo tại ở của các những một và với trong sau khi ngày năm tháng "
    "ad hoc new nam sur est hà nội anh nga đức mỹ phi âu á bộ hội đại gia nước ủy ban hoa kỳ bản ấn độ "
    "pháp châu văn mr mrs ms dr вен вена вене вены".split())
_NOT_NAME_STEMS = tuple(
    "united unidas unies uniti unite nation nacion naçõ nazion conven committee comit assembl asamblea "
    "general europ union unión união council conseil consejo conselho consiglio office bureau oficina ufficio "
    "centre center centro national nacional nazional court organi agency agence agencia agenzia news watch "
    "foundation fondation fundaci access tech accord chamber commerce state estad états stati kingdom reino "
    "royaume republic républ repúbl minist department treaty tratado traité trattato collection session sesión "
    "conference conférence conferencia parties partes secretar chapter chapitre capítulo article artículo "
    "artigo articolo resolution résolution resolución viet việt york nueva nouvelle hanoi hanoï human rights "
    "droits derechos direitos diritti humanos humains international internacional internazional inter cyber "
    "crime budapest vienna vienne viena wien asia asie pacific pacifique pacífico africa afrique áfrica latin "
    "america amérique américa caribbean caraïbes caribe north south east west nord ouest norte electronic "
    "frontier prosecut procureur fiscal presid présid director directeur direct executive exécutif deputy "
    "adjoint foreign affaires asuntos relations public públic publique security sécurité seguridad segurança "
    "sicurezza people peuple pueblo army armée ejército newspaper journal diario press presse prensa ambassad "
    "embajad chair spokes police interpol brics microsoft meta google january february march april may june july "
    "august september october november december monday tuesday wednesday thursday friday saturday sunday "
    "block group global summit protocol legal affairs drug high commission alliance institut universit sign "
    "amnesty society société sociedad civil digital internet "
    "организац объедин наций нации генеральн ассамбле европ союз конвенц комитет совет нью-йорк ханой "
    "вьетнам российск федерац соединен штат управлен специальн международн права человек секретар президент "
    "министр посол директор председател прокурор женев будапешт "
    "công trung tâm quốc liên hợp tổng thư chủ tịch nhật thủ tướng phòng".split())


def _not_name(word: str) -> bool:
    low = word.lower()
    return low in _NOT_NAME_WORDS or low.startswith(_NOT_NAME_STEMS)


def _name_run(raw: str) -> bool:
    """Two or more capitalised words in a row (Latin or Cyrillic), none an organisation, place or title word."""
    run, prev_end = 0, None
    for m in _WORD_RX.finditer(raw):
        w = m.group(0)
        ok = len(w) > 1 and w[0].isupper() and not w.isupper() and not _not_name(w)
        contiguous = prev_end is not None and not raw[prev_end:m.start()].strip()
        prev_end = m.end()
        run = (run + 1 if contiguous else 1) if ok else 0
        if run >= 2:
            return True
    return False


def _person_fit(x: str, raw: str) -> float:
    if _name_run(raw) or (("·" in raw or "・" in raw) and _CJK_NAME.search(raw)):
        return 1.0
    if _TITLES.search(x):
        return 0.8
    return 0.3 if any(len(w) > 1 and w[0].isupper() and not w.isupper() and not _not_name(w)
                      for w in _WORD_RX.findall(raw)[1:]) else 0.0


_KNOWN_PLACES = _rules(_words(
    r"hanoi|hanoï|hà\s+nội|ha\s+noi|ханой\w*|هانوي|new\s+york|nueva\s+york|nova\s+iorque|нью-йорк\w*|نيويورك|"
    r"vienna|vienne|viena|wien|вен[аеуы]|فيينا|geneva|genève|ginebra|женев\w*|جنيف|budapest|будапешт\w*|بودابست|"
    r"paris|париж\w*|باريس|moscow|москв\w*|beijing|pékin|пекин\w*|viên|giơ-ne-vơ"),
    r"河内|河內|纽约|紐約|维也纳|維也納|日内瓦|日內瓦|布达佩斯|巴黎|北京|莫斯科|ハノイ|ニューヨーク|ウィーン|하노이|뉴욕")
_PLACE_PREP = _rules(  # on the raw sentence: a preposition, maybe an article, a capitalised word
    r"\b(?i:in|at|from|à|au|aux|dans|en|em|no|na|nel|nella|bei|im|a|tại|ở)\s+"
    r"(?:(?i:the|le|la|l'|el|los|las|o|a|il|lo|der|dem|den)\s+)?([A-ZÀ-ÖØ-ÞĐ][\w'-]*)",
    r"\b(?:[вВ]|[вВ]о|[нН]а|[иИ]з)\s+([А-ЯЁ][\w-]*)")
_PLACE_NOT = ("article", "artícul", "artigo", "articol", "chapter", "chapitre", "capítul", "paragraph",
              "resolution", "résolution", "resoluci", "convention", "convenci", "convenç", "convenzion", "treaty",
              "traité", "tratado", "annex", "protocol", "điều", "chương", "khoản", "công", "january", "february",
              "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
              "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre", "стать", "глав", "конвенц", "резолюц", "пункт",
              "организац", "генеральн", "совет", "комитет", "this", "its", "his", "her", "their", "our",
              "addition", "order", "particular", "english", "arabic", "french", "spanish", "russian",
              "chinese", "force", "favour", "favor", "first", "second", "third", "fourth", "fifth", "sixth",
              "premi", "deuxi", "troisi", "quatri", "primer", "segund", "tercer", "cuart", "перв", "втор",
              "трет", "четв", "committee", "comité", "comisión", "commission")
_PLACE_ZH = re.compile(r"(?:在|于|於)[\u4e00-\u9fff]{1,12}?(?:举行|舉行|举办|舉辦|召开|召開|签署|簽署|开放|開放|会议中心|會議中心)")
_PLACE_AR = _rules(r"\b(?:في|ب)\s*(?:مدينة|مدينه|مركز|العاصمة|هانوي|نيويورك|فيينا|جنيف|مقر)")
_ROMAN = re.compile(r"^[IVXLC]+$")


def _place_fit(x: str, raw: str) -> float:
    for m in _PLACE_PREP.finditer(raw):
        word = m.group(m.lastindex)
        if not word.lower().startswith(_PLACE_NOT) and not _ROMAN.match(word) and not word.isupper():
            return 1.0
    if _PLACE_ZH.search(x) or _PLACE_AR.search(x):
        return 1.0
    return 0.7 if _KNOWN_PLACES.search(x) else 0.0


_LIST_SEP = re.compile(r",(?<!\d,)|,(?!\d)|[，、;；]")
_CONJ = re.compile(r"(?:^|\s)(?:and|or|et|ou|y|e|o|u|и|или|và|hoặc|und|oder|ve|dan|atau)\s|和|及|与|與|或")
_CONJ_START = re.compile(r"^(?:(?:and|or|et|ou|y|e|o|u|и|или|và|hoặc|und|oder|ve|dan|atau)\s|و|和|及|与|與|以及|或)")


def _list_fit(x: str, raw: str) -> float:
    parts = [p.strip() for p in _LIST_SEP.split(x)]
    parts = [p for p in parts if p]
    items = len(parts)
    if items and not _CONJ_START.search(parts[-1]) and _CONJ.search(parts[-1]):
        items += 1
    if items >= 3:
        middle = parts[1:-1] or parts[:1]
        short = sum(1 for p in middle if len(p.split()) <= 8 and len(p) <= 60)
        return 1.0 if short * 2 >= len(middle) else 0.6
    return 0.3 if items == 2 else 0.0


_CAUSAL = (  # (connectives, weight), strongest first
    (_rules(_words(
        r"because|as\s+a\s+result|due\s+to|owing\s+to|therefore|hence|consequently|thanks\s+to|"
        r"parce\s+qu|à\s+cause|en\s+raison|du\s+fait|grâce\s+à|puisque|c'est\s+pourquoi|"
        r"porque|debido\s+a|ya\s+que|puesto\s+que|a\s+causa|por\s+lo\s+tanto|dado\s+que|por\s+eso|"
        r"pois|devido\s+a|já\s+que|uma\s+vez\s+que|por\s+causa|poiché|perché|a\s+causa\s+di|dato\s+che|"
        r"потому\s+что|так\s+как|поскольку|из-за|в\s+связи\s+с|вследствие|благодаря|поэтому|"
        r"в\s+результате|по\s+причине|vì|bởi\s+vì|vì\s+vậy|do\s+đó|nguyên\s+nhân|lý\s+do|weil|wegen|"
        r"aufgrund|deshalb|daher|لان|بسبب|نظرا|بفضل|لذلك|نتيجة"),
        r"因为|因為|由于|由於|因此|所以|鉴于|鑒於|原因|导致|導致|ので|때문"), 1.0),
    (_rules(_words(
        r"car|nên|cited|citing|cite|cites|invoquant|citando|ссылаясь|in\s+order\s+to|so\s+that|"
        r"afin\s+de|afin\s+qu|para\s+que|con\s+el\s+fin|чтобы|nhằm|من\s+اجل|بهدف|um\s+zu|"
        r"concerns?\s+over|over\s+concerns|amid"), r"为了|為了"), 0.8),
    (_rules(_words(
        r"since|after|following|given|après|suite\s+à|tras|después\s+de|после|sau\s+khi|để|بعد|حيث|nachdem"),
        r"之后|之後|以后|以後"), 0.5),
)


def _why_fit(x: str, raw: str) -> float:
    for rules, weight in _CAUSAL:
        if rules.search(x):
            return weight
    return 0.0


_FITS = {"count": _count_fit, "date": _date_fit, "person": _person_fit, "place": _place_fit, "list": _list_fit,
         "why": _why_fit}


@lru_cache(maxsize=16384)
def fits(sentence: str, qtype: str) -> float:
    """0..1: how well a sentence's form fits a question type (1.0 for "yesno", "" and unknown types)."""
    fit = _FITS.get(qtype)
    if fit is None:
        return 1.0
    if not sentence or not sentence.strip():
        return 0.0
    raw = _fold(sentence)
    return fit(_norm(raw, folded=True), raw)
