"""What the bot says in its own words, per language (English where a language is missing).

Every table covers the same languages: the seven of the knowledge files (en ar fr es ru zh vi)
and others journalists ask in (de pt it ja ko tr id nl pl uk fa hi sv), whose answers quote the
English sources. Each template has English's placeholders; ``format_date`` writes a date the way
the language does (Babel's CLDR data, which ships inside the package: no network)."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

# code -> the language's own name (the page's language picker)
LANGUAGES = {
    "en": "English", "ar": "العربية", "fr": "Français", "es": "Español", "ru": "Русский", "zh": "中文",
    "vi": "Tiếng Việt", "de": "Deutsch", "pt": "Português", "it": "Italiano", "ja": "日本語", "ko": "한국어",
    "tr": "Türkçe", "id": "Bahasa Indonesia", "nl": "Nederlands", "pl": "Polski", "uk": "Українська",
    "fa": "فارسی", "hi": "हिन्दी", "sv": "Svenska",
}
RTL = {"ar", "fa", "he", "ur"}  # written right to left

DECLINE = {
    "en": "I'm sorry, the sources I work from do not answer this question, so I will not guess. You could ask, for example:",
    "ar": "عذرًا، لا تجيب المصادر التي أعتمد عليها عن هذا السؤال، ولن أخمّن. يمكنك أن تسأل مثلًا:",
    "fr": "Désolé, les sources dont je dispose ne répondent pas à cette question, et je préfère ne pas deviner. Vous pouvez par exemple demander :",
    "es": "Lo siento, las fuentes con las que trabajo no responden a esta pregunta, así que no voy a adivinar. Puede preguntar, por ejemplo:",
    "ru": "К сожалению, в моих источниках нет ответа на этот вопрос, и я не буду гадать. Вы можете спросить, например:",
    "zh": "抱歉，我所依据的资料没有回答这个问题，我不会猜测。您可以这样问：",
    "vi": "Xin lỗi, các nguồn tài liệu của tôi không trả lời câu hỏi này, nên tôi sẽ không phỏng đoán. Bạn có thể hỏi, ví dụ:",
    "de": "Entschuldigung, meine Quellen beantworten diese Frage nicht, und ich möchte nicht raten. Sie könnten zum Beispiel fragen:",
    "pt": "Desculpe, as fontes que utilizo não respondem a esta pergunta, por isso não vou tentar adivinhar. Você pode perguntar, por exemplo:",
    "it": "Mi dispiace, le fonti di cui dispongo non rispondono a questa domanda, quindi preferisco non fare ipotesi. Potrebbe chiedere, ad esempio:",
    "ja": "申し訳ありませんが、参照している資料にはこの質問への答えがないため、推測でお答えすることは控えます。例えば、次のようにお尋ねください：",
    "ko": "죄송합니다. 제가 참고하는 자료에는 이 질문에 대한 답이 없어 추측하지 않겠습니다. 예를 들어 이렇게 질문해 보세요:",
    "tr": "Üzgünüm, dayandığım kaynaklar bu soruyu yanıtlamıyor, bu yüzden tahminde bulunmayacağım. Örneğin şunları sorabilirsiniz:",
    "id": "Maaf, sumber yang saya gunakan tidak menjawab pertanyaan ini, jadi saya tidak akan menebak. Anda dapat bertanya, misalnya:",
    "nl": "Het spijt me, mijn bronnen geven geen antwoord op deze vraag, dus ik ga niet gissen. U kunt bijvoorbeeld vragen:",
    "pl": "Przepraszam, źródła, z których korzystam, nie odpowiadają na to pytanie, więc nie będę zgadywać. Można zapytać na przykład:",
    "uk": "Вибачте, у моїх джерелах немає відповіді на це запитання, тож я не буду вгадувати. Ви можете запитати, наприклад:",
    "fa": "متأسفم، منابعی که از آن‌ها استفاده می‌کنم به این پرسش پاسخ نمی‌دهند، بنابراین حدس نمی‌زنم. برای نمونه می‌توانید بپرسید:",
    "hi": "क्षमा करें, मेरे स्रोतों में इस प्रश्न का उत्तर नहीं है, इसलिए अनुमान लगाना उचित नहीं होगा। उदाहरण के लिए, आप पूछ सकते हैं:",
    "sv": "Tyvärr besvarar mina källor inte den här frågan, så jag tänker inte gissa. Du kan till exempel fråga:",
}

SUGGESTIONS = {  # topics, not questions: they must never be near copies of evaluation questions
    "en": ("Dates and venue of the Hanoi signing ceremony", "Signatories so far, with their dates",
           "Conditions for entry into force"),
    "ar": ("موعد حفل التوقيع في هانوي ومكانه", "عدد الموقّعين حتى الآن مع التواريخ", "شروط بدء نفاذ الاتفاقية"),
    "fr": ("Dates et lieu de la cérémonie de signature à Hanoï", "Les signataires à ce jour, avec leurs dates",
           "Conditions d'entrée en vigueur de la convention"),
    "es": ("Fechas y lugar de la ceremonia de firma en Hanói", "Los firmantes hasta la fecha, con sus fechas",
           "Condiciones para la entrada en vigor de la convención"),
    "ru": ("Даты и место церемонии подписания в Ханое", "Подписавшие на сегодня, с датами",
           "Условия вступления конвенции в силу"),
    "zh": ("河内签署仪式的日期与地点", "迄今的签署方数量及日期", "公约生效的条件"),
    "vi": ("Thời gian và địa điểm Lễ mở ký tại Hà Nội", "Số bên đã ký đến nay, kèm thời điểm",
           "Điều kiện để công ước có hiệu lực"),
    "de": ("Termin und Ort der Unterzeichnungszeremonie in Hanoi", "Die bisherigen Unterzeichner, mit Datum",
           "Voraussetzungen für das Inkrafttreten des Übereinkommens"),
    "pt": ("Datas e local da cerimônia de assinatura em Hanói", "Os signatários até agora, com as datas",
           "Condições para a entrada em vigor da convenção"),
    "it": ("Date e luogo della cerimonia della firma ad Hanoi", "I firmatari finora, con le date",
           "Condizioni per l'entrata in vigore della convenzione"),
    "ja": ("ハノイ署名式の日程と会場", "これまでの署名国・機関数と時点", "条約発効の条件"),
    "ko": ("하노이 서명식의 일정과 장소", "지금까지의 서명국 수와 기준일", "협약 발효 조건"),
    "tr": ("Hanoi imza töreninin tarihleri ve yeri", "Şimdiye kadarki imzacılar ve tarihleri",
           "Sözleşmenin yürürlüğe girme koşulları"),
    "id": ("Tanggal dan tempat upacara penandatanganan di Hanoi", "Para penanda tangan sejauh ini, beserta tanggalnya",
           "Syarat mulai berlakunya konvensi"),
    "nl": ("Data en locatie van de ondertekeningsceremonie in Hanoi", "De ondertekenaars tot nu toe, met data",
           "Voorwaarden voor de inwerkingtreding van het verdrag"),
    "pl": ("Termin i miejsce ceremonii podpisania w Hanoi", "Dotychczasowi sygnatariusze, z datami",
           "Warunki wejścia konwencji w życie"),
    "uk": ("Дати й місце церемонії підписання в Ханої", "Підписанти на сьогодні, з датами",
           "Умови набрання конвенцією чинності"),
    "fa": ("تاریخ و محل مراسم امضا در هانوی", "امضاکنندگان تاکنون، با تاریخ‌ها", "شرایط لازم‌الاجرا شدن کنوانسیون"),
    "hi": ("हनोई हस्ताक्षर समारोह की तिथियाँ और स्थान", "अब तक के हस्ताक्षरकर्ता, तिथियों सहित",
           "कन्वेंशन लागू होने की शर्तें"),
    "sv": ("Datum och plats för undertecknandeceremonin i Hanoi", "Undertecknarna hittills, med datum",
           "Villkor för konventionens ikraftträdande"),
}

# a figure the sources state differently
CONFLICT = {
    "en": "The sources disagree on this point: {values}.",
    "ar": "تختلف المصادر في هذه النقطة: {values}.",
    "fr": "Les sources divergent sur ce point : {values}.",
    "es": "Las fuentes no coinciden en este punto: {values}.",
    "ru": "Источники расходятся в этом вопросе: {values}.",
    "zh": "各来源对此说法不一：{values}。",
    "vi": "Các nguồn không thống nhất về điểm này: {values}.",
    "de": "Die Quellen widersprechen sich in diesem Punkt: {values}.",
    "pt": "As fontes divergem neste ponto: {values}.",
    "it": "Le fonti non concordano su questo punto: {values}.",
    "ja": "この点について、資料の記述は一致していません：{values}。",
    "ko": "이 점에 대해서는 자료마다 내용이 다릅니다: {values}.",
    "tr": "Kaynaklar bu konuda farklı bilgiler veriyor: {values}.",
    "id": "Sumber-sumber tidak sepakat mengenai hal ini: {values}.",
    "nl": "De bronnen zijn het op dit punt niet met elkaar eens: {values}.",
    "pl": "Źródła podają w tej kwestii różne informacje: {values}.",
    "uk": "Джерела розходяться в цьому питанні: {values}.",
    "fa": "منابع در این مورد با هم اختلاف دارند: {values}.",
    "hi": "इस बिंदु पर स्रोतों में मतभेद है: {values}।",
    "sv": "Källorna är inte överens på den här punkten: {values}.",
}

# appended after a quoted figure: {date} from format_date, {source} a publisher's name
AS_OF = {
    "en": "As of {date}, according to {source}.",
    "ar": "حتى {date}، بحسب {source}.",
    "fr": "Au {date}, selon {source}.",
    "es": "A fecha de {date}, según {source}.",
    "ru": "По состоянию на {date}; источник: {source}.",
    "zh": "数据截至{date}，来源：{source}。",
    "vi": "Tính đến {date}, theo {source}.",
    "de": "Stand: {date}, laut {source}.",
    "pt": "Dados de {date}, segundo {source}.",
    "it": "Dati aggiornati al {date}, secondo {source}.",
    "ja": "{source}によると、{date}時点の数値です。",
    "ko": "{source}에 따르면 {date} 기준입니다.",
    "tr": "{date} itibarıyla, {source} verilerine göre.",
    "id": "Per {date}, menurut {source}.",
    "nl": "Stand per {date}, volgens {source}.",
    "pl": "Stan na {date}; źródło: {source}.",
    "uk": "Станом на {date}; джерело: {source}.",
    "fa": "تا {date}، به گزارش {source}.",
    "hi": "{date} तक की स्थिति, {source} के अनुसार।",
    "sv": "Per {date}, enligt {source}.",
}

# a figure that changed: {values} joins AS_OF_VALUE items with "; "
UPDATED = {
    "en": "This figure has changed over time: {values}.",
    "ar": "تغيّر هذا الرقم مع مرور الوقت: {values}.",
    "fr": "Ce chiffre a évolué au fil du temps : {values}.",
    "es": "Esta cifra ha cambiado con el tiempo: {values}.",
    "ru": "Эта цифра со временем менялась: {values}.",
    "zh": "这一数字随时间有所变化：{values}。",
    "vi": "Con số này đã thay đổi theo thời gian: {values}.",
    "de": "Diese Zahl hat sich im Lauf der Zeit geändert: {values}.",
    "pt": "Este número mudou ao longo do tempo: {values}.",
    "it": "Questo dato è cambiato nel tempo: {values}.",
    "ja": "この数値は時期によって変化しています：{values}。",
    "ko": "이 수치는 시간이 지나면서 달라졌습니다: {values}.",
    "tr": "Bu rakam zaman içinde değişti: {values}.",
    "id": "Angka ini berubah dari waktu ke waktu: {values}.",
    "nl": "Dit cijfer is in de loop van de tijd veranderd: {values}.",
    "pl": "Ta liczba zmieniała się z czasem: {values}.",
    "uk": "Ця цифра з часом змінювалася: {values}.",
    "fa": "این رقم در طول زمان تغییر کرده است: {values}.",
    "hi": "यह आँकड़ा समय के साथ बदला है: {values}।",
    "sv": "Den här siffran har ändrats över tid: {values}.",
}

# one item of UPDATED's list, e.g. "73 as of 19 November 2025 [2]"
AS_OF_VALUE = {
    "en": "{value} as of {date} {citations}",
    "ar": "{value} حتى {date} {citations}",
    "fr": "{value} au {date} {citations}",
    "es": "{value} a fecha de {date} {citations}",
    "ru": "{value} по состоянию на {date} {citations}",
    "zh": "截至{date}为{value} {citations}",
    "vi": "{value} tính đến {date} {citations}",
    "de": "{value} (Stand: {date}) {citations}",
    "pt": "{value} em {date} {citations}",
    "it": "{value} al {date} {citations}",
    "ja": "{date}時点で{value} {citations}",
    "ko": "{date} 기준 {value} {citations}",
    "tr": "{date} itibarıyla {value} {citations}",
    "id": "{value} per {date} {citations}",
    "nl": "{value} per {date} {citations}",
    "pl": "{value} (stan na {date}) {citations}",
    "uk": "{value} станом на {date} {citations}",
    "fa": "{value} تا {date} {citations}",
    "hi": "{date} तक {value} {citations}",
    "sv": "{value} per {date} {citations}",
}

# sources that take sides: {values} like "critical [1]; supportive [2]" (words from SIDES)
VIEWS = {
    "en": "The sources report different views on this: {values}.",
    "ar": "تنقل المصادر آراء مختلفة في هذا الشأن: {values}.",
    "fr": "Les sources rapportent des points de vue différents à ce sujet : {values}.",
    "es": "Las fuentes recogen opiniones distintas sobre este tema: {values}.",
    "ru": "Источники приводят разные мнения по этому вопросу: {values}.",
    "zh": "各来源对此报道了不同的观点：{values}。",
    "vi": "Các nguồn đưa ra những quan điểm khác nhau về vấn đề này: {values}.",
    "de": "Die Quellen geben dazu unterschiedliche Standpunkte wieder: {values}.",
    "pt": "As fontes relatam opiniões diferentes sobre isso: {values}.",
    "it": "Le fonti riportano opinioni diverse su questo tema: {values}.",
    "ja": "この点については、資料によって異なる見解が示されています：{values}。",
    "ko": "이에 대해 자료마다 서로 다른 견해를 전하고 있습니다: {values}.",
    "tr": "Kaynaklar bu konuda farklı görüşlere yer veriyor: {values}.",
    "id": "Sumber-sumber memuat pandangan yang berbeda tentang hal ini: {values}.",
    "nl": "De bronnen geven hierover verschillende standpunten weer: {values}.",
    "pl": "Źródła przytaczają różne opinie w tej sprawie: {values}.",
    "uk": "Джерела наводять різні погляди на це питання: {values}.",
    "fa": "منابع دیدگاه‌های متفاوتی در این باره گزارش می‌کنند: {values}.",
    "hi": "इस विषय पर स्रोतों में अलग-अलग विचार दिए गए हैं: {values}।",
    "sv": "Källorna återger olika synpunkter på detta: {values}.",
}

# the side a source takes (agreeing with VIEWS' noun: a view, une opinion, мнение...)
SIDES = {
    "en": {"critical": "critical", "supportive": "supportive"},
    "ar": {"critical": "ناقد", "supportive": "مؤيد"},
    "fr": {"critical": "critique", "supportive": "favorable"},
    "es": {"critical": "crítica", "supportive": "favorable"},
    "ru": {"critical": "критическое", "supportive": "одобрительное"},
    "zh": {"critical": "批评", "supportive": "支持"},
    "vi": {"critical": "phê phán", "supportive": "ủng hộ"},
    "de": {"critical": "kritisch", "supportive": "befürwortend"},
    "pt": {"critical": "crítica", "supportive": "favorável"},
    "it": {"critical": "critica", "supportive": "favorevole"},
    "ja": {"critical": "批判的", "supportive": "肯定的"},
    "ko": {"critical": "비판", "supportive": "지지"},
    "tr": {"critical": "eleştirel", "supportive": "destekleyici"},
    "id": {"critical": "kritis", "supportive": "mendukung"},
    "nl": {"critical": "kritisch", "supportive": "positief"},
    "pl": {"critical": "krytyczna", "supportive": "przychylna"},
    "uk": {"critical": "критичний", "supportive": "схвальний"},
    "fa": {"critical": "انتقادی", "supportive": "موافق"},
    "hi": {"critical": "आलोचनात्मक", "supportive": "समर्थक"},
    "sv": {"critical": "kritisk", "supportive": "positiv"},
}

# shown when the question's language has no translation of the knowledge
QUOTED_IN_ENGLISH = {
    "en": "The sources are quoted in English.",
    "ar": "تُقتبس المصادر باللغة الإنجليزية.",
    "fr": "Les sources sont citées en anglais.",
    "es": "Las fuentes se citan en inglés.",
    "ru": "Источники цитируются на английском языке.",
    "zh": "所引资料为英文原文。",
    "vi": "Các nguồn được trích dẫn bằng tiếng Anh.",
    "de": "Die Quellen werden auf Englisch zitiert.",
    "pt": "As fontes são citadas em inglês.",
    "it": "Le fonti sono citate in inglese.",
    "ja": "資料は英語の原文のまま引用しています。",
    "ko": "자료는 영어 원문으로 인용합니다.",
    "tr": "Kaynaklar İngilizce olarak alıntılanmıştır.",
    "id": "Sumber dikutip dalam bahasa Inggris.",
    "nl": "De bronnen worden in het Engels geciteerd.",
    "pl": "Źródła są cytowane w języku angielskim.",
    "uk": "Джерела цитуються англійською мовою.",
    "fa": "منابع به زبان انگلیسی نقل شده‌اند.",
    "hi": "स्रोत अंग्रेज़ी में उद्धृत किए गए हैं।",
    "sv": "Källorna citeras på engelska.",
}

# how well the sources back an answer
SUPPORT = {
    "en": {"well": "well supported", "partly": "partly supported"},
    "ar": {"well": "مدعوم جيدًا", "partly": "مدعوم جزئيًا"},
    "fr": {"well": "bien étayé", "partly": "partiellement étayé"},
    "es": {"well": "bien respaldado", "partly": "parcialmente respaldado"},
    "ru": {"well": "хорошо подтверждено", "partly": "частично подтверждено"},
    "zh": {"well": "证据充分", "partly": "部分有据"},
    "vi": {"well": "có căn cứ đầy đủ", "partly": "có căn cứ một phần"},
    "de": {"well": "gut belegt", "partly": "teilweise belegt"},
    "pt": {"well": "bem fundamentado", "partly": "parcialmente fundamentado"},
    "it": {"well": "ben documentato", "partly": "parzialmente documentato"},
    "ja": {"well": "十分な裏付けあり", "partly": "一部裏付けあり"},
    "ko": {"well": "충분히 뒷받침됨", "partly": "부분적으로 뒷받침됨"},
    "tr": {"well": "iyi desteklenmiş", "partly": "kısmen desteklenmiş"},
    "id": {"well": "didukung kuat", "partly": "didukung sebagian"},
    "nl": {"well": "goed onderbouwd", "partly": "deels onderbouwd"},
    "pl": {"well": "dobrze udokumentowane", "partly": "częściowo udokumentowane"},
    "uk": {"well": "добре підтверджено", "partly": "частково підтверджено"},
    "fa": {"well": "کاملاً مستند", "partly": "تا حدی مستند"},
    "hi": {"well": "अच्छी तरह समर्थित", "partly": "आंशिक रूप से समर्थित"},
    "sv": {"well": "väl underbyggt", "partly": "delvis underbyggt"},
}

# the chat page's and the widget's words
LABELS = {
    "en": {
        "title": "Hanoi Convention briefing",
        "intro": "Ask about the UN Convention against Cybercrime and its Hanoi signing ceremony, in your language. "
                 "Every sentence of an answer quotes and cites a source.",
        "placeholder": "Ask a question…", "ask": "Ask", "suggested": "Suggested questions",
        "suggestions_in": "Suggestions in", "page_language": "Language", "sources": "Sources",
        "copy": "Copy the last answer with its sources", "answers": "Answers", "original": "original",
        "official": "official translation", "unofficial": "unofficial translation",
        "as_of": "as of {date}", "updated": "updated {date}",
        "document": "document", "language": "language", "published": "published", "publisher": "publisher",
        "passages": "passages",
        "widget_title": "Ask the press office", "note": "Answers quote and cite their sources.",
        "your_question": "Your question", "error": "Something went wrong.",
        "unreachable": "The service cannot be reached. Please try again.",
    },
    "ar": {
        "title": "إحاطة بشأن اتفاقية هانوي",
        "intro": "اسأل بلغتك عن اتفاقية الأمم المتحدة لمكافحة الجريمة السيبرانية وحفل توقيعها في هانوي. "
                 "كل جملة في الإجابة مقتبسة من مصدر مع الإشارة إليه.",
        "placeholder": "اطرح سؤالًا…", "ask": "اسأل", "suggested": "أسئلة مقترحة",
        "suggestions_in": "لغة الاقتراحات", "page_language": "اللغة", "sources": "المصادر",
        "copy": "نسخ الإجابة الأخيرة مع مصادرها", "answers": "الإجابات", "original": "الأصل",
        "official": "ترجمة رسمية", "unofficial": "ترجمة غير رسمية",
        "as_of": "حتى {date}", "updated": "حُدِّث في {date}",
        "document": "الوثيقة", "language": "اللغة", "published": "تاريخ النشر", "publisher": "الناشر",
        "passages": "المقاطع",
        "widget_title": "اسأل المكتب الصحفي", "note": "تقتبس الإجابات من مصادرها وتشير إليها.",
        "your_question": "سؤالك", "error": "حدث خطأ ما.",
        "unreachable": "تعذّر الوصول إلى الخدمة. يُرجى المحاولة مرة أخرى.",
    },
    "fr": {
        "title": "Point presse sur la Convention de Hanoï",
        "intro": "Posez vos questions sur la Convention des Nations Unies contre la cybercriminalité et sa cérémonie "
                 "de signature à Hanoï, dans votre langue. Chaque phrase d'une réponse cite une source et y renvoie.",
        "placeholder": "Posez une question…", "ask": "Envoyer", "suggested": "Questions suggérées",
        "suggestions_in": "Suggestions en", "page_language": "Langue", "sources": "Sources",
        "copy": "Copier la dernière réponse avec ses sources", "answers": "Réponses", "original": "original",
        "official": "traduction officielle", "unofficial": "traduction non officielle",
        "as_of": "au {date}", "updated": "mis à jour le {date}",
        "document": "document", "language": "langue", "published": "publication", "publisher": "éditeur",
        "passages": "passages",
        "widget_title": "Questions au service de presse", "note": "Les réponses citent leurs sources.",
        "your_question": "Votre question", "error": "Une erreur s'est produite.",
        "unreachable": "Le service est injoignable. Veuillez réessayer.",
    },
    "es": {
        "title": "Sesión informativa sobre la Convención de Hanói",
        "intro": "Pregunte en su idioma sobre la Convención de las Naciones Unidas contra la Ciberdelincuencia y su "
                 "ceremonia de firma en Hanói. Cada frase de una respuesta es una cita con su fuente.",
        "placeholder": "Escriba una pregunta…", "ask": "Preguntar", "suggested": "Preguntas sugeridas",
        "suggestions_in": "Sugerencias en", "page_language": "Idioma", "sources": "Fuentes",
        "copy": "Copiar la última respuesta con sus fuentes", "answers": "Respuestas", "original": "original",
        "official": "traducción oficial", "unofficial": "traducción no oficial",
        "as_of": "a fecha de {date}", "updated": "actualizado el {date}",
        "document": "documento", "language": "idioma", "published": "publicación", "publisher": "editor",
        "passages": "pasajes",
        "widget_title": "Pregunte a la oficina de prensa", "note": "Las respuestas citan sus fuentes.",
        "your_question": "Su pregunta", "error": "Se ha producido un error.",
        "unreachable": "No se puede acceder al servicio. Inténtelo de nuevo.",
    },
    "ru": {
        "title": "Брифинг по Ханойской конвенции",
        "intro": "Задайте на своём языке вопрос о Конвенции Организации Объединенных Наций против киберпреступности "
                 "и церемонии её подписания в Ханое. Каждое предложение ответа — цитата со ссылкой на источник.",
        "placeholder": "Задайте вопрос…", "ask": "Спросить", "suggested": "Примеры вопросов",
        "suggestions_in": "Язык подсказок", "page_language": "Язык", "sources": "Источники",
        "copy": "Скопировать последний ответ с источниками", "answers": "Ответы", "original": "оригинал",
        "official": "официальный перевод", "unofficial": "неофициальный перевод",
        "as_of": "по состоянию на {date}", "updated": "обновлено {date}",
        "document": "документ", "language": "язык", "published": "опубликовано", "publisher": "издатель",
        "passages": "фрагменты",
        "widget_title": "Вопрос пресс-службе", "note": "Ответы цитируют источники и ссылаются на них.",
        "your_question": "Ваш вопрос", "error": "Что-то пошло не так.",
        "unreachable": "Сервис недоступен. Попробуйте ещё раз.",
    },
    "zh": {
        "title": "河内公约新闻简报",
        "intro": "请用您的语言提问，了解《联合国打击网络犯罪公约》及其河内签署仪式。回答中的每一句话都引自来源并注明出处。",
        "placeholder": "请输入问题…", "ask": "提问", "suggested": "推荐问题",
        "suggestions_in": "推荐问题语言", "page_language": "语言", "sources": "来源",
        "copy": "复制最近一条回答及其来源", "answers": "回答", "original": "原文",
        "official": "官方译文", "unofficial": "非官方译文",
        "as_of": "截至{date}", "updated": "更新于{date}",
        "document": "文件", "language": "语言", "published": "发布日期", "publisher": "发布机构",
        "passages": "段落数",
        "widget_title": "向新闻办公室提问", "note": "回答均引用来源并注明出处。",
        "your_question": "您的问题", "error": "出错了。",
        "unreachable": "无法连接服务，请重试。",
    },
    "vi": {
        "title": "Thông tin báo chí về Công ước Hà Nội",
        "intro": "Hãy đặt câu hỏi bằng ngôn ngữ của bạn về Công ước của Liên hợp quốc về chống tội phạm mạng và lễ ký "
                 "tại Hà Nội. Mỗi câu trong câu trả lời đều trích dẫn và ghi rõ nguồn.",
        "placeholder": "Đặt câu hỏi…", "ask": "Hỏi", "suggested": "Câu hỏi gợi ý",
        "suggestions_in": "Ngôn ngữ gợi ý", "page_language": "Ngôn ngữ", "sources": "Nguồn",
        "copy": "Sao chép câu trả lời gần nhất kèm nguồn", "answers": "Câu trả lời", "original": "bản gốc",
        "official": "bản dịch chính thức", "unofficial": "bản dịch không chính thức",
        "as_of": "tính đến {date}", "updated": "cập nhật {date}",
        "document": "tài liệu", "language": "ngôn ngữ", "published": "ngày đăng", "publisher": "đơn vị phát hành",
        "passages": "đoạn",
        "widget_title": "Hỏi văn phòng báo chí", "note": "Câu trả lời trích dẫn và ghi rõ nguồn.",
        "your_question": "Câu hỏi của bạn", "error": "Đã xảy ra lỗi.",
        "unreachable": "Không thể kết nối đến dịch vụ. Vui lòng thử lại.",
    },
    "de": {
        "title": "Briefing zum Übereinkommen von Hanoi",
        "intro": "Stellen Sie in Ihrer Sprache Fragen zum Übereinkommen der Vereinten Nationen gegen Cyberkriminalität "
                 "und zur Unterzeichnungszeremonie in Hanoi. Jeder Satz einer Antwort ist ein Zitat mit Quellenangabe.",
        "placeholder": "Stellen Sie eine Frage…", "ask": "Frage stellen", "suggested": "Vorgeschlagene Fragen",
        "suggestions_in": "Vorschläge auf", "page_language": "Sprache", "sources": "Quellen",
        "copy": "Letzte Antwort mit Quellen kopieren", "answers": "Antworten", "original": "Original",
        "official": "offizielle Übersetzung", "unofficial": "inoffizielle Übersetzung",
        "as_of": "Stand: {date}", "updated": "aktualisiert am {date}",
        "document": "Dokument", "language": "Sprache", "published": "veröffentlicht", "publisher": "Herausgeber",
        "passages": "Abschnitte",
        "widget_title": "Fragen an die Pressestelle", "note": "Die Antworten zitieren ihre Quellen.",
        "your_question": "Ihre Frage", "error": "Etwas ist schiefgelaufen.",
        "unreachable": "Der Dienst ist nicht erreichbar. Bitte versuchen Sie es erneut.",
    },
    "pt": {
        "title": "Briefing sobre a Convenção de Hanói",
        "intro": "Pergunte no seu idioma sobre a Convenção das Nações Unidas contra o Crime Cibernético e a sua "
                 "cerimônia de assinatura em Hanói. Cada frase de uma resposta é uma citação com a sua fonte.",
        "placeholder": "Faça uma pergunta…", "ask": "Perguntar", "suggested": "Perguntas sugeridas",
        "suggestions_in": "Sugestões em", "page_language": "Idioma", "sources": "Fontes",
        "copy": "Copiar a última resposta com as fontes", "answers": "Respostas", "original": "original",
        "official": "tradução oficial", "unofficial": "tradução não oficial",
        "as_of": "em {date}", "updated": "atualizado em {date}",
        "document": "documento", "language": "idioma", "published": "publicação", "publisher": "editor",
        "passages": "trechos",
        "widget_title": "Pergunte à assessoria de imprensa", "note": "As respostas citam as suas fontes.",
        "your_question": "Sua pergunta", "error": "Algo deu errado.",
        "unreachable": "Não foi possível acessar o serviço. Tente novamente.",
    },
    "it": {
        "title": "Briefing sulla Convenzione di Hanoi",
        "intro": "Può fare domande nella sua lingua sulla Convenzione delle Nazioni Unite contro la criminalità "
                 "informatica e sulla cerimonia della firma a Hanoi. Ogni frase di una risposta cita una fonte.",
        "placeholder": "Scriva una domanda…", "ask": "Invia", "suggested": "Domande suggerite",
        "suggestions_in": "Suggerimenti in", "page_language": "Lingua", "sources": "Fonti",
        "copy": "Copia l'ultima risposta con le fonti", "answers": "Risposte", "original": "originale",
        "official": "traduzione ufficiale", "unofficial": "traduzione non ufficiale",
        "as_of": "al {date}", "updated": "aggiornato il {date}",
        "document": "documento", "language": "lingua", "published": "pubblicazione", "publisher": "editore",
        "passages": "passaggi",
        "widget_title": "Domande all'ufficio stampa", "note": "Le risposte citano le loro fonti.",
        "your_question": "La sua domanda", "error": "Si è verificato un errore.",
        "unreachable": "Il servizio non è raggiungibile. Riprovi più tardi.",
    },
    "ja": {
        "title": "ハノイ条約ブリーフィング",
        "intro": "国連サイバー犯罪条約とハノイでの署名式について、お使いの言語でご質問ください。回答の各文は資料からの引用で、出典を明記しています。",
        "placeholder": "質問を入力…", "ask": "質問する", "suggested": "質問の例",
        "suggestions_in": "質問例の言語", "page_language": "言語", "sources": "出典",
        "copy": "最新の回答を出典付きでコピー", "answers": "回答", "original": "原文",
        "official": "公式翻訳", "unofficial": "非公式翻訳",
        "as_of": "{date}時点", "updated": "{date}更新",
        "document": "文書", "language": "言語", "published": "公開日", "publisher": "発行元",
        "passages": "段落数",
        "widget_title": "報道担当への質問", "note": "回答は資料を引用し、出典を明記しています。",
        "your_question": "ご質問", "error": "エラーが発生しました。",
        "unreachable": "サービスに接続できません。もう一度お試しください。",
    },
    "ko": {
        "title": "하노이 협약 브리핑",
        "intro": "유엔 사이버범죄 협약과 하노이 서명식에 대해 사용하시는 언어로 질문해 주세요. 답변의 모든 문장은 출처를 인용하고 밝힙니다.",
        "placeholder": "질문을 입력하세요…", "ask": "질문하기", "suggested": "추천 질문",
        "suggestions_in": "추천 질문 언어", "page_language": "언어", "sources": "출처",
        "copy": "마지막 답변을 출처와 함께 복사", "answers": "답변", "original": "원문",
        "official": "공식 번역", "unofficial": "비공식 번역",
        "as_of": "{date} 기준", "updated": "{date} 업데이트",
        "document": "문서", "language": "언어", "published": "발행일", "publisher": "발행처",
        "passages": "단락 수",
        "widget_title": "공보실에 질문하기", "note": "답변은 출처를 인용하고 밝힙니다.",
        "your_question": "질문", "error": "문제가 발생했습니다.",
        "unreachable": "서비스에 연결할 수 없습니다. 다시 시도해 주세요.",
    },
    "tr": {
        "title": "Hanoi Sözleşmesi bilgilendirmesi",
        "intro": "Birleşmiş Milletler Siber Suçla Mücadele Sözleşmesi ve Hanoi'deki imza töreni hakkında kendi dilinizde "
                 "soru sorun. Yanıtlardaki her cümle, kaynağı belirtilmiş bir alıntıdır.",
        "placeholder": "Bir soru sorun…", "ask": "Sor", "suggested": "Önerilen sorular",
        "suggestions_in": "Öneri dili", "page_language": "Dil", "sources": "Kaynaklar",
        "copy": "Son yanıtı kaynaklarıyla birlikte kopyala", "answers": "Yanıtlar", "original": "orijinal",
        "official": "resmî çeviri", "unofficial": "resmî olmayan çeviri",
        "as_of": "{date} itibarıyla", "updated": "{date} tarihinde güncellendi",
        "document": "belge", "language": "dil", "published": "yayın tarihi", "publisher": "yayıncı",
        "passages": "bölüm",
        "widget_title": "Basın ofisine sorun", "note": "Yanıtlar kaynaklarından alıntı yapar ve kaynak gösterir.",
        "your_question": "Sorunuz", "error": "Bir sorun oluştu.",
        "unreachable": "Hizmete ulaşılamıyor. Lütfen tekrar deneyin.",
    },
    "id": {
        "title": "Pengarahan Konvensi Hanoi",
        "intro": "Ajukan pertanyaan dalam bahasa Anda tentang Konvensi PBB tentang Kejahatan Siber dan upacara "
                 "penandatanganannya di Hanoi. Setiap kalimat jawaban adalah kutipan yang menyebutkan sumbernya.",
        "placeholder": "Ajukan pertanyaan…", "ask": "Tanya", "suggested": "Pertanyaan yang disarankan",
        "suggestions_in": "Saran dalam bahasa", "page_language": "Bahasa", "sources": "Sumber",
        "copy": "Salin jawaban terakhir beserta sumbernya", "answers": "Jawaban", "original": "asli",
        "official": "terjemahan resmi", "unofficial": "terjemahan tidak resmi",
        "as_of": "per {date}", "updated": "diperbarui {date}",
        "document": "dokumen", "language": "bahasa", "published": "terbit", "publisher": "penerbit",
        "passages": "bagian",
        "widget_title": "Tanya kantor pers", "note": "Jawaban mengutip dan menyebutkan sumbernya.",
        "your_question": "Pertanyaan Anda", "error": "Terjadi kesalahan.",
        "unreachable": "Layanan tidak dapat dihubungi. Silakan coba lagi.",
    },
    "nl": {
        "title": "Briefing over het Verdrag van Hanoi",
        "intro": "Stel in uw eigen taal vragen over het VN-Verdrag tegen cybercriminaliteit en de "
                 "ondertekeningsceremonie in Hanoi. Elke zin van een antwoord is een citaat met bronvermelding.",
        "placeholder": "Stel een vraag…", "ask": "Vraag stellen", "suggested": "Voorgestelde vragen",
        "suggestions_in": "Suggesties in", "page_language": "Taal", "sources": "Bronnen",
        "copy": "Laatste antwoord met bronnen kopiëren", "answers": "Antwoorden", "original": "origineel",
        "official": "officiële vertaling", "unofficial": "niet-officiële vertaling",
        "as_of": "stand per {date}", "updated": "bijgewerkt op {date}",
        "document": "document", "language": "taal", "published": "gepubliceerd", "publisher": "uitgever",
        "passages": "passages",
        "widget_title": "Vragen aan de persdienst", "note": "De antwoorden citeren hun bronnen.",
        "your_question": "Uw vraag", "error": "Er is iets misgegaan.",
        "unreachable": "De dienst is niet bereikbaar. Probeer het opnieuw.",
    },
    "pl": {
        "title": "Briefing o Konwencji z Hanoi",
        "intro": "Zadaj w swoim języku pytanie o Konwencję Narodów Zjednoczonych przeciwko cyberprzestępczości i "
                 "ceremonię jej podpisania w Hanoi. Każde zdanie odpowiedzi to cytat ze wskazaniem źródła.",
        "placeholder": "Zadaj pytanie…", "ask": "Zapytaj", "suggested": "Przykładowe pytania",
        "suggestions_in": "Język podpowiedzi", "page_language": "Język", "sources": "Źródła",
        "copy": "Kopiuj ostatnią odpowiedź wraz ze źródłami", "answers": "Odpowiedzi", "original": "oryginał",
        "official": "tłumaczenie oficjalne", "unofficial": "tłumaczenie nieoficjalne",
        "as_of": "stan na {date}", "updated": "zaktualizowano {date}",
        "document": "dokument", "language": "język", "published": "data publikacji", "publisher": "wydawca",
        "passages": "fragmenty",
        "widget_title": "Pytania do biura prasowego", "note": "Odpowiedzi cytują źródła i je wskazują.",
        "your_question": "Twoje pytanie", "error": "Coś poszło nie tak.",
        "unreachable": "Usługa jest niedostępna. Spróbuj ponownie.",
    },
    "uk": {
        "title": "Брифінг щодо Ханойської конвенції",
        "intro": "Поставте своєю мовою запитання про Конвенцію ООН проти кіберзлочинності та церемонію її підписання "
                 "в Ханої. Кожне речення відповіді — цитата з посиланням на джерело.",
        "placeholder": "Поставте запитання…", "ask": "Запитати", "suggested": "Приклади запитань",
        "suggestions_in": "Мова підказок", "page_language": "Мова", "sources": "Джерела",
        "copy": "Скопіювати останню відповідь із джерелами", "answers": "Відповіді", "original": "оригінал",
        "official": "офіційний переклад", "unofficial": "неофіційний переклад",
        "as_of": "станом на {date}", "updated": "оновлено {date}",
        "document": "документ", "language": "мова", "published": "опубліковано", "publisher": "видавець",
        "passages": "фрагменти",
        "widget_title": "Запитання до пресслужби", "note": "Відповіді цитують джерела й посилаються на них.",
        "your_question": "Ваше запитання", "error": "Щось пішло не так.",
        "unreachable": "Сервіс недоступний. Спробуйте ще раз.",
    },
    "fa": {
        "title": "اطلاع‌رسانی دربارهٔ کنوانسیون هانوی",
        "intro": "دربارهٔ کنوانسیون سازمان ملل متحد برای مبارزه با جرایم سایبری و مراسم امضای آن در هانوی، به زبان خودتان "
                 "بپرسید. هر جملهٔ پاسخ از یک منبع نقل شده و منبع آن ذکر می‌شود.",
        "placeholder": "پرسش خود را بنویسید…", "ask": "بپرسید", "suggested": "پرسش‌های پیشنهادی",
        "suggestions_in": "زبان پیشنهادها", "page_language": "زبان", "sources": "منابع",
        "copy": "کپی آخرین پاسخ همراه با منابع", "answers": "پاسخ‌ها", "original": "متن اصلی",
        "official": "ترجمهٔ رسمی", "unofficial": "ترجمهٔ غیررسمی",
        "as_of": "تا {date}", "updated": "به‌روزشده در {date}",
        "document": "سند", "language": "زبان", "published": "تاریخ انتشار", "publisher": "ناشر",
        "passages": "بخش‌ها",
        "widget_title": "از دفتر مطبوعاتی بپرسید", "note": "پاسخ‌ها از منابع نقل می‌کنند و به آن‌ها ارجاع می‌دهند.",
        "your_question": "پرسش شما", "error": "مشکلی پیش آمد.",
        "unreachable": "دسترسی به سرویس ممکن نیست. لطفاً دوباره تلاش کنید.",
    },
    "hi": {
        "title": "हनोई कन्वेंशन ब्रीफ़िंग",
        "intro": "साइबर अपराध के विरुद्ध संयुक्त राष्ट्र कन्वेंशन और हनोई में उसके हस्ताक्षर समारोह के बारे में अपनी भाषा में "
                 "पूछें। उत्तर का हर वाक्य किसी स्रोत से उद्धृत है और उसका हवाला देता है।",
        "placeholder": "प्रश्न पूछें…", "ask": "पूछें", "suggested": "सुझाए गए प्रश्न",
        "suggestions_in": "सुझावों की भाषा", "page_language": "भाषा", "sources": "स्रोत",
        "copy": "अंतिम उत्तर को स्रोतों सहित कॉपी करें", "answers": "उत्तर", "original": "मूल",
        "official": "आधिकारिक अनुवाद", "unofficial": "अनौपचारिक अनुवाद",
        "as_of": "{date} तक", "updated": "{date} को अपडेट किया गया",
        "document": "दस्तावेज़", "language": "भाषा", "published": "प्रकाशन", "publisher": "प्रकाशक",
        "passages": "अंश",
        "widget_title": "प्रेस कार्यालय से पूछें", "note": "उत्तर अपने स्रोतों को उद्धृत करते हैं और उनका हवाला देते हैं।",
        "your_question": "आपका प्रश्न", "error": "कुछ गलत हो गया।",
        "unreachable": "सेवा से संपर्क नहीं हो पा रहा है। कृपया फिर से प्रयास करें।",
    },
    "sv": {
        "title": "Briefing om Hanoikonventionen",
        "intro": "Ställ frågor på ditt eget språk om FN:s konvention mot it-brottslighet och undertecknandeceremonin i "
                 "Hanoi. Varje mening i ett svar är ett citat med källhänvisning.",
        "placeholder": "Ställ en fråga…", "ask": "Fråga", "suggested": "Föreslagna frågor",
        "suggestions_in": "Förslag på", "page_language": "Språk", "sources": "Källor",
        "copy": "Kopiera det senaste svaret med källor", "answers": "Svar", "original": "original",
        "official": "officiell översättning", "unofficial": "inofficiell översättning",
        "as_of": "per {date}", "updated": "uppdaterad {date}",
        "document": "dokument", "language": "språk", "published": "publicerad", "publisher": "utgivare",
        "passages": "avsnitt",
        "widget_title": "Fråga pressavdelningen", "note": "Svaren citerar sina källor.",
        "your_question": "Din fråga", "error": "Något gick fel.",
        "unreachable": "Tjänsten kan inte nås. Försök igen.",
    },
}


def code(language: str | None) -> str:
    """The two-letter code of a language tag ("pt-BR", "zh_Hant" -> "pt", "zh"); "" for none."""
    return re.split(r"[-_]", (language or "").strip(), maxsplit=1)[0].lower()[:8]


def page_language(language: str | None) -> str:
    """A covered language for ``language`` (a tag such as "fr-CA"), else English."""
    found = code(language)
    return found if found in LANGUAGES else "en"


def say(table: dict[str, str | tuple[str, ...]], language: str):
    """The entry of ``table`` for ``language`` (a code or a tag like "fr-CA"), or the English one."""
    return table.get(language) or table.get(code(language)) or table["en"]


def side(name: str, language: str) -> str:
    """The word for a side ("critical", "supportive") in ``language``; English, else the name, where missing."""
    return say(SIDES, language).get(name) or SIDES["en"].get(name, name)


def support_label(level: str, language: str) -> str:
    """How well an answer is supported ("well", "partly") in ``language``, falling back to English."""
    return say(SUPPORT, language).get(level) or SUPPORT["en"].get(level, level)


def label(key: str, language: str) -> str:
    """A label of the page or the widget in ``language``, falling back to English (``KeyError`` if unknown)."""
    return say(LABELS, language).get(key) or LABELS["en"][key]


def labels(language: str) -> dict[str, str]:
    """Every label in ``language`` (English where one is missing), with the support badges
    (``support_well``, ``support_partly``)."""
    return {**{key: label(key, language) for key in LABELS["en"]},
            **{f"support_{level}": support_label(level, language) for level in SUPPORT["en"]}}


# the Babel locale for a language where its default is not the one wanted
_LOCALES = {"en": "en_GB", "zh": "zh_Hans"}
# a date pattern where the locale's long format is not the usual one in writing
_PATTERNS = {"vi": "'ngày' d 'tháng' M 'năm' y"}
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@lru_cache(maxsize=64)
def _locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en_GB")


def format_date(iso: str, language: str) -> str:
    """A date written out in ``language``: YYYY-MM-DD as "19 November 2025" ("19 novembre 2025",
    "2025年11月19日"), YYYY-MM as month and year, YYYY as the year; anything else unchanged."""
    text = (iso or "").strip()
    match = _ISO.fullmatch(text)
    if not match:
        return iso
    year, month, day = match.groups()
    try:
        when = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return iso
    from babel.dates import format_date as babel_date, format_skeleton

    locale = _locale(code(language) or "en")
    if day:
        return babel_date(when, _PATTERNS.get(str(locale.language), "long"), locale=locale)
    return format_skeleton("yMMMM" if month else "y", when, locale=locale)
