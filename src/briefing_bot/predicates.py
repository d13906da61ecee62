"""What a question or a sentence says was done: signing, attending, ratifying, entering into force...

"How many countries signed?" and "110 countries attended" share their words and their type (a
count of countries); only the predicate tells them apart, and the question may be in Korean while
the sentence is in English. ``predicates`` finds the treaty's predicates in a text, in the
languages the bot recognises, so that answer selection can compare them across languages
(``answer.Answerer.candidates``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .language import normalize

# Word starts for languages with spaces; anywhere for scripts without them (zh, ja, ko) and Arabic
# (prefixed articles and conjunctions). Patterns see ``language.normalize``d text.
_PREDICATES: dict[str, dict[str, str]] = {
    "sign": {
        "en": r"sign(?!if|al)|put (?:his|her|their|its) names? to", "fr": r"sign(?!if|al)", "es": r"firm[aóoe]|signatari", "pt": r"assin|signat[áa]ri", "it": r"firm[aoeò]",
        "de": r"unterzeich|unterschr|signat", "ru": r"подпис", "vi": r"(?<!thư )(?:ký|kí(?=\s))", "tr": r"imza",
        "id": r"tanda\s?tangan|penandatangan|menandatangan", "zh": r"签署|签字|签约|签了|签名",
        "ja": r"署名|調印", "ko": r"서명", "ar": r"وقع|توقيع|موقع",
        "nl": r"onderteken|(?:ge)?tekend|tekenen", "pl": r"podpis|sygnatariusz", "uk": r"підпис",
        "cs": r"podeps|podpis|signatář", "sv": r"underteckn|skrev under|skrivit under|signatär|signer",
        "ro": r"semn(?!ific|al)",
        "da": r"underskr|signat|signer", "no": r"undertegn|signat|signer|skrev under|skrevet under",
        "ms": r"tandatangan|menandatangan|penandatangan", "fi": r"allekirj", "hu": r"aláír|ír\w* alá",
        "el": r"υπογρ|υπέγρ|υπεγρ", "bg": r"подпис",
    },
    "attend": {
        "en": r"attend|particip|took part|take part", "fr": r"assist|particip|présents?\b|pris part|prendre part|prennent part",
        "es": r"asist|particip|tomaron parte|tomar parte",
        "pt": r"particip|compareceu|compareceram|tomaram parte", "it": r"partecip|presenti\b|preso parte", "de": r"teilgenommen|teilnahm|teilnehm|anwesend",
        "ru": r"присутств|участвова|(?<!— )(?<!-)участник|приня\w*\s+участи",  # not "государств-участников": parties
        "vi": r"tham dự|tham gia", "tr": r"kat[ıi]l", "id": r"hadir|berpartisipasi",
        "zh": r"出席|参加|参与|与会", "ja": r"出席|参加", "ko": r"참석|참가", "ar": r"حضر|حضور|شارك|مشارك",
        "nl": r"bijgewoond|aanwezig|deelgenomen|deelname|na(?:m|men) deel", "pl": r"uczestnic|udział|obecn(?!ie)",
        "uk": r"присутн|участь|участі|(?<!-)учасник", "cs": r"zúčastn|účast|přítomn",
        "sv": r"deltog|deltagit|deltar|närvar", "ro": r"particip|prezen[țţ]|luat parte",
        "da": r"deltog|deltaget|deltager|til stede", "no": r"deltok|deltatt|deltar|til stede",
        "ms": r"hadir|menyertai|mengambil bahagian", "fi": r"osallist|läsnä",
        "hu": r"részt vett|részt vesz|jelen volt|részvétel", "el": r"παρευρ|συμμετ|παρόντ",
        "bg": r"присъства|участва|участие",
    },
    "ratify": {
        "en": r"ratif", "fr": r"ratif", "es": r"ratific", "pt": r"ratific", "it": r"ratific", "de": r"ratifi",
        "ru": r"ратифи", "vi": r"phê chuẩn", "tr": r"onayla", "id": r"ratifik|meratifikasi", "zh": r"批准",
        "ja": r"批准", "ko": r"비준", "ar": r"تصديق|صادق",
        "nl": r"ratific|geratific", "pl": r"ratyfik", "uk": r"ратифік", "cs": r"ratifik", "sv": r"ratific",
        "ro": r"ratific",
        "da": r"ratifi[ck]", "no": r"ratifi[sk]", "ms": r"ratifik|meratifikasi", "fi": r"ratifioi", "hu": r"ratifik",
        "el": r"επικυρ", "bg": r"ратифи[цк]",
    },
    "in_force": {  # also becoming binding, which "a legally binding instrument" does not state
        "en": r"into force|take effect|takes effect|(?:become|becomes|be|is) (?:legally )?binding",
        "fr": r"en vigueur|(?:devien\S*|deviendra\S*|sera\S*|soit|est) (?:juridiquement )?contraignant",
        "es": r"en vigor|(?:será|es|sea|ser|vuelve|volverá) (?:jurídicamente )?vinculante",
        "pt": r"em vigor|vigência|(?:será|é|seja|ser|torna\w*) (?:juridicamente )?vincula",
        "it": r"in vigore|(?:sarà|è|sia|diventa\w*|diventerà) (?:giuridicamente )?vincolante",
        "de": r"in kraft", "ru": r"в силу|станет обязательн", "vi": r"hiệu lực", "tr": r"yürürlü",
        "id": r"berlaku|mengikat", "zh": r"生效", "ja": r"発効", "ko": r"발효", "ar": r"نفاذ|نافذ|حيز التنفيذ|سريان",
        "nl": r"in werking", "pl": r"w życie", "uk": r"чинност", "cs": r"v platnost", "sv": r"i kraft|ikraftträd",
        "ro": r"[îi]n vigoare",
        "da": r"i kraft|ikrafttræd", "no": r"i kraft|ikrafttred", "ms": r"berkuat ?kuasa|berlaku", "fi": r"voimaan", "hu": r"hatályba",
        "el": r"σε ισχύ", "bg": r"в сила",
    },
    "adopt": {
        "en": r"adopt", "fr": r"adopt", "es": r"adopt|aprob", "pt": r"adot|aprov", "it": r"adott|approv",
        "de": r"angenommen|verabschied|annahme", "ru": r"приня(?!\w*\s+участи)", "vi": r"thông qua", "tr": r"kabul",
        "id": r"diadopsi|mengadopsi|disahkan", "zh": r"通过", "ja": r"採択", "ko": r"채택", "ar": r"اعتمد|اعتماد",
        "nl": r"aangenomen|aanneming", "pl": r"przyję|uchwal", "uk": r"ухвал|прийня(?!\w*\s+участ)",
        "cs": r"přijat|přijal", "sv": r"antog|antag", "ro": r"adopt",
        "da": r"vedtag|vedtog", "no": r"vedta", "ms": r"diterima pakai|menerima pakai|diluluskan", "fi": r"hyväksy",
        "hu": r"elfogad", "el": r"υιοθ", "bg": r"приет",
    },
    "negotiate": {
        "en": r"negotiat|draft(?:ed|ing|ers?)\b|to draft", "fr": r"négoci|rédig", "es": r"negoci|redact", "pt": r"negoci|redig",
        "it": r"negozi|redatt", "de": r"verhandl|verhandel|ausgehandelt|entworfen|entwarf|entwerf", "ru": r"переговор|разработ",
        "vi": r"đàm phán|soạn thảo", "tr": r"müzakere|taslağını(?:\s+\S+){0,2}\s+hazırla", "id": r"negosiasi|merancang|perundingan",
        "zh": r"谈判|起草|拟订", "ja": r"交渉|起草", "ko": r"협상|기초한|기초했|초안을 작성|초안 작성", "ar": r"تفاوض|مفاوض|صياغة",
        "nl": r"onderhandel|opgesteld", "pl": r"negocj|opracow", "uk": r"переговор|розроб", "cs": r"vyjedn|vypracov",
        "sv": r"förhandl|utarbeta", "ro": r"negoci|elabor",
        "da": r"forhandl|udarbejd", "no": r"forhandl|utarbeid", "ms": r"rundingan|berunding", "fi": r"neuvottel",
        "hu": r"tárgyal", "el": r"διαπραγματ", "bg": r"преговор",
    },
    "hold": {  # an event held, taking place, hosted ("When did the ceremony take place?")
        "en": r"held|hold|took place|take place|takes place|taking place|hosted|hosting|hosts\b",
        "fr": r"eu lieu|aura lieu|a lieu|avoir lieu|tenue?s?\b(?! de| compte)|se tien|se tenir|déroulée?s?\b|se déroul|accueilli",
        "es": r"se celebr|celebrad|tuvo lugar|tendrá lugar|tiene lugar|se realiz|acogi|albergó",
        "pt": r"realizad|realizou|se realiz|aconteceu|acontece|ocorreu|teve lugar|sediou|sediad",
        "it": r"si è svolt|si svolg|si è tenut|si tiene|si terrà|ha avuto luogo|ospitat|ospitò",
        "de": r"fand(?:\s+\S+){0,5}\s+statt|stattgefunden|stattfinde|findet(?:\s+\S+){0,5}\s+statt|abgehalten|ausgerichtet|gastgeber",
        "ru": r"состоял(?!\w*\s+из)|прошла|прошли|прошел|прошёл|проходил|проводил|проведен|провела|принимающ",
        "vi": r"diễn ra|được tổ chức|tổ chức tại|đăng cai", "tr": r"yapıld|yapılaca|düzenlen|gerçekleş|ev sahipliği",
        "id": r"diadakan|berlangsung|digelar|diselenggarakan|tuan rumah", "zh": r"举行|举办|召开|舉行|舉辦|主办|东道",
        "ja": r"行われ|開催|開か|主催", "ko": r"열렸|열린|열리|개최|진행|주최", "ar": r"اقيم|يقام|تقام|انعقد|عقدت|عقد في|جرت|استضاف|احتضن",
        "nl": r"plaatsgevonden|(?:vond|vindt|vonden) (?:\S+ ){0,5}plaats|gehouden|gastheer|gastland",
        "pl": r"odby[łwl]|odbędzie|gospodarz", "uk": r"відбул|відбудеться|відбува|проведен|приймаюч",
        "cs": r"konal|koná|proběhl|hostil|hostitel", "sv": r"hölls|ägde rum|äger rum|värd(?:land|skap|en)?\b",
        "ro": r"avut loc|are loc|avea loc|desf[ăa][șş]ur|găzdu",
        "da": r"fandt (?:\S+ ){0,4}sted|finder (?:\S+ ){0,4}sted|afholdt|vært",
        "no": r"fant (?:\S+ ){0,4}sted|finner (?:\S+ ){0,4}sted|avholdt|vertskap|vertsland|vert\b", "ms": r"diadakan|berlangsung|tuan rumah",
        "fi": r"pidettiin|pidetään|järjest|isäntä", "hu": r"tartották|tartják|került sor|kerül sor|házigazda",
        "el": r"πραγματοποι|διεξ|φιλοξεν", "bg": r"проведе|състоя(?!ни)|домакин",  # not "състояние" (state)
    },
    "depositary": {
        "en": r"depositary", "fr": r"dépositaire", "es": r"depositari", "pt": r"depositári", "it": r"depositari",
        "de": r"verwahrer|depositar", "ru": r"депозитари", "vi": r"cơ quan lưu chiểu|bên lưu chiểu|lưu chiểu viên",
        "tr": r"depoziter|emanetçi|saklayıcı", "id": r"penyimpan|depositari", "zh": r"保存人|保管人|保存机关",
        "ja": r"寄託者|寄託先", "ko": r"수탁자|기탁자|기탁처", "ar": r"الوديع|وديع",
    },
    "hope": {  # hopes and expectations, not aims (Arabic: normalised letters, whole words)
        "en": r"hope|expect(?!ation)|wish", "fr": r"espér|espoir|attendu|souhait", "es": r"esper|previst[oa]s? que",
        "pt": r"esper|previst[oa]s? que", "it": r"sper|previst[oa] che", "de": r"hoff|erwart",
        "ru": r"надея|надежд|ожида|рассчитыва", "tr": r"umu|bekle",
        # scheduled is not hoped: "está previsto en Viena", "dự kiến diễn ra tại Viên" (as "is scheduled in Vienna")
        "vi": r"hy vọng|kỳ vọng|mong muốn|mong đợi|dự kiến(?! (?:sẽ )?(?:diễn ra|được tổ chức|tổ chức|họp))",
        "id": r"berharap|harapan|diharapkan",
        "zh": r"希望|期望|预计|預計|预期|預期", "ja": r"期待|望ん|見込", "ko": r"희망|기대|예상",
        "ar": r"(?<!\w)[وف]?(?:ال)?(?:[يتن]?امل|املت|امال|[يتن]توقع|متوقع)",
        "nl": r"hoop|verwacht", "pl": r"nadziej|oczekiw|spodziew", "uk": r"сподіва|надія|надію|очіку",
        "cs": r"doufá|doufal|naděj|očekáv", "sv": r"hopp|förvänt", "ro": r"spera|speră|speran[țţ]|a[șş]teapt",
        "da": r"håb|forvent", "no": r"håp|forvent", "ms": r"berharap|harapan", "fi": r"toivo|odote", "hu": r"remél",
        "el": r"ελπ|αναμέν", "bg": r"надя|надежд|очаква",
    },
}
# "The signing ceremony" names the event, not a signature: removed before the predicates are sought.
_CEREMONY = {
    "en": r"signing (?:ceremony|session|event)", "fr": r"cérémonie de (?:la )?signature", "es": r"ceremonia de (?:la )?firma",
    "pt": r"cerim[ôó]nia de assinatura", "it": r"cerimonia (?:di|della) firma", "de": r"unterzeichnungs\w*",
    "ru": r"церемони\w* подписания", "vi": r"lễ (?:mở )?ký", "tr": r"imza tören\w*", "id": r"upacara penandatanganan",
    "zh": r"签署仪式|签字仪式|签约仪式", "ja": r"署名式", "ko": r"서명식", "ar": r"(?:حفل|مراسم) (?:ال)?توقيع",
    "nl": r"ondertekeningsceremonie\w*", "pl": r"ceremoni\w* podpisania", "uk": r"церемоні\w* підписання",
    "cs": r"ceremoni\w* (?:podpisu|podepsání)|podpisov\w* ceremoni\w*", "sv": r"\w*ceremoni\w* för undertecknande\w*|underteckningsceremoni\w*",
    "ro": r"ceremoni\w* de semnare", "da": r"underskrivelsesceremoni\w*", "no": r"signeringsseremoni\w*|undertegningsseremoni\w*",
    "ms": r"majlis menandatangan\w*", "fi": r"allekirjoitusseremonia\w*", "hu": r"aláírási ceremónia\w*", "el": r"τελετή υπογραφής",
    "bg": r"церемони\w* по подписване",
}
_ANYWHERE = {"zh", "ja", "ko", "ar"}


@lru_cache(maxsize=None)
def _patterns(language: str) -> tuple[re.Pattern, tuple[tuple[str, re.Pattern], ...]]:
    start = "" if language in _ANYWHERE else r"(?<!\w)"
    return (re.compile(_CEREMONY.get(language, r"(?!)")),
            tuple((name, re.compile(start + f"(?:{by_language[language]})"))
                  for name, by_language in _PREDICATES.items() if language in by_language))


@lru_cache(maxsize=4096)
def predicates(text: str, language: str) -> frozenset[str]:
    """The predicates ``text`` (in ``language``) states; empty for a language without patterns."""
    ceremony, patterns = _patterns(language)
    norm = ceremony.sub(" ", normalize(text))
    return frozenset(name for name, pattern in patterns if pattern.search(norm))


def agreement(question: frozenset[str], sentence: frozenset[str]) -> tuple[float, float]:
    """(the share of the question's predicates that the sentence states, the share of the
    sentence's predicates that the question does not ask about: "hopes that many will sign" for
    "how many signed" is 0.5); (0, 0) for a question without any."""
    if not question:
        return 0.0, 0.0
    return len(question & sentence) / len(question), len(sentence - question) / len(sentence) if sentence else 0.0
