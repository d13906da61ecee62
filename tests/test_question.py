"""Tests for briefing_bot.question: question kinds in 17 languages, head nouns, and sentence-form fits.

The questions are this file's own wording (not the evaluation sets under tests/data)."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from briefing_bot import question
from briefing_bot.question import QUESTION_TYPES, counts_what_is_asked, fits, head, names_a_time, question_type

QUESTIONS = [  # (language, question, expected question_type)
    # en
    ('en', 'How many countries signed the convention in Hanoi?', 'count'),
    ('en', 'How much time did the negotiations take?', 'count'),
    ('en', 'When was the convention adopted by the General Assembly?', 'date'),
    ('en', 'In what year will the treaty enter into force?', 'date'),
    ('en', 'Who chaired the signing ceremony?', 'person'),
    ('en', 'Which official signed for Russia?', 'person'),
    ('en', 'Do you know who signed first?', 'person'),
    ('en', 'Where was the signing ceremony held?', 'place'),
    ('en', 'Why did the United States not sign?', 'why'),
    ('en', 'Which countries did not sign in Hanoi?', 'list'),
    ('en', 'What crimes does the convention cover?', 'list'),
    ('en', 'List the EU member states that signed.', 'list'),
    ('en', 'Could you list the countries that signed?', 'list'),
    ('en', 'Did Viet Nam sign the convention?', 'yesno'),
    ('en', 'Is the convention already in force?', 'yesno'),
    ('en', 'Has any country ratified it yet?', 'yesno'),
    ('en', 'What is the Hanoi Convention?', ''),
    ('en', 'How does the convention protect human rights?', ''),
    ('en', 'Explain the role of UNODC.', ''),
    ('en', 'Can you tell me about the ceremony?', ''),
    ('en', 'What happens when the convention enters into force?', ''),
    ('en', 'Which article covers misuse of devices?', ''),
    ('en', 'What was the vote on resolution 74/247?', ''),
    ('en', 'On what date was the convention opened for signature?', 'date'),
    ('en', 'Until when does the convention remain open for signature?', 'date'),
    ('en', 'By whom was the Ad Hoc Committee chaired?', 'person'),
    ('en', 'Who are the critics of the convention?', 'person'),
    ('en', 'In which city was the convention signed?', 'place'),
    ('en', 'What is the reason the US did not sign?', 'why'),
    ('en', 'What were the main concerns of civil-society groups?', 'list'),
    ('en', 'Which EU member states signed in Hanoi?', 'list'),
    ('en', 'Name the offences established by the convention.', 'list'),
    ('en', 'Are journalists protected by the convention?', 'yesno'),
    ('en', 'Was Mexico among the signatories?', 'yesno'),
    ('en', 'Will the convention enter into force in 2027?', 'yesno'),
    ('en', 'How many instruments of ratification are needed?', 'count'),
    ('en', 'What is the number of signatories so far?', 'count'),
    ('en', 'Tell me about the Budapest Convention.', ''),
    ('en', 'What does Article 16 criminalise?', ''),
    ('en', 'When will it enter into force, and how many ratifications are needed?', 'count'),
    ('en', 'Why was Hanoi chosen?', 'why'),
    ('en', 'What role did Russia play?', ''),
    ('en', 'Which states voted against resolution 74/247?', 'list'),
    ('en', 'What safeguards does the convention contain?', 'list'),
    ('en', 'Is it true that the EU signed?', 'yesno'),
    ('en', 'Does the convention cover AI?', 'yesno'),
    ('en', 'Which country signed first?', ''),
    ('en', 'Tell me how many journalists covered the ceremony.', 'count'),
    ('en', 'Roughly how many delegates attended?', 'count'),
    ('en', 'What year was the Budapest Convention adopted?', 'date'),
    ('en', 'When exactly does signature close?', 'date'),
    ('en', 'Who signed on behalf of Viet Nam?', 'person'),
    ('en', 'Who is the executive director of UNODC?', 'person'),
    ('en', 'Where is the convention open for signature now?', 'place'),
    ('en', 'Why do human rights groups oppose the treaty?', 'why'),
    ('en', 'Which organisations criticised the convention?', 'list'),
    ('en', 'Name the six official languages of the convention.', 'list'),
    ('en', 'Has Japan signed the convention?', 'yesno'),
    ('en', 'Does the EU signature count toward entry into force?', 'yesno'),
    ('en', 'What is the theme of the ceremony?', ''),
    ('en', 'How will the convention be implemented?', ''),
    # fr
    ('fr', 'Combien de pays ont signé la convention ?', 'count'),
    ('fr', 'Quand la convention a-t-elle été adoptée ?', 'date'),
    ('fr', 'En quelle année la convention entrera-t-elle en vigueur ?', 'date'),
    ('fr', 'Qui a présidé la cérémonie de signature ?', 'person'),
    ('fr', "Où la cérémonie s'est-elle déroulée ?", 'place'),
    ('fr', "Pourquoi les États-Unis n'ont-ils pas signé ?", 'why'),
    ('fr', "Quels pays de l'Union européenne ont signé ?", 'list'),
    ('fr', 'Quelles infractions la convention couvre-t-elle ?', 'list'),
    ('fr', 'La Russie a-t-elle signé la convention ?', 'yesno'),
    ('fr', 'Est-ce que la convention protège les journalistes ?', 'yesno'),
    ('fr', "Qu'est-ce que la Convention de Hanoï ?", ''),
    ('fr', 'Comment la convention protège-t-elle les données personnelles ?', ''),
    ('fr', 'Quels sont les pays qui ont signé ?', 'list'),
    ('fr', 'À quelle date la convention a-t-elle été ouverte à la signature ?', 'date'),
    ('fr', 'Par qui le Comité spécial est-il présidé ?', 'person'),
    ('fr', 'Dans quelle ville la convention a-t-elle été signée ?', 'place'),
    ('fr', "Pour quelle raison le Mexique n'a-t-il pas signé ?", 'why'),
    ('fr', 'Quelles sont les préoccupations des ONG ?', 'list'),
    ('fr', 'Y a-t-il des garanties pour les droits humains ?', 'yesno'),
    ('fr', 'Le Canada a-t-il signé ?', 'yesno'),
    ('fr', "Le Japon ne l'a-t-il pas signée ?", 'yesno'),
    ('fr', "Que prévoit l'article 16 ?", ''),
    ('fr', "Combien d'États membres de l'UE ont signé ?", 'count'),
    ('fr', 'Combien de journalistes ont couvert la cérémonie ?', 'count'),
    ('fr', 'Depuis quand la convention est-elle ouverte à la signature ?', 'date'),
    ('fr', 'Qui est le dépositaire de la convention ?', 'person'),
    ('fr', 'Où se trouve le Centre national des congrès ?', 'place'),
    ('fr', 'Pourquoi la convention est-elle critiquée ?', 'why'),
    ('fr', 'Quelles organisations ont critiqué le texte ?', 'list'),
    ('fr', "L'Union européenne a-t-elle signé ?", 'yesno'),
    ('fr', 'Quel est le thème de la cérémonie ?', ''),
    # es
    ('es', '¿Cuántos países firmaron el convenio en Hanói?', 'count'),
    ('es', '¿Cuándo se abrió la convención a la firma?', 'date'),
    ('es', '¿En qué año se aprobó el texto?', 'date'),
    ('es', '¿Quién presidió la ceremonia?', 'person'),
    ('es', '¿Dónde se celebró la ceremonia de firma?', 'place'),
    ('es', '¿Por qué México no firmó?', 'why'),
    ('es', '¿Qué países de Europa firmaron?', 'list'),
    ('es', '¿Cuáles son los delitos que tipifica la convención?', 'list'),
    ('es', '¿Firmó Rusia la convención?', 'yesno'),
    ('es', '¿La convención ya está en vigor?', 'yesno'),
    ('es', '¿Qué es la Convención de Hanói?', ''),
    ('es', '¿Cómo se protegen los derechos humanos?', ''),
    ('es', '¿Hasta cuándo está abierta la firma?', 'date'),
    ('es', '¿Quiénes criticaron la convención?', 'person'),
    ('es', '¿En qué ciudad se firmó?', 'place'),
    ('es', '¿Cuál es la razón de las críticas?', 'why'),
    ('es', '¿Qué delitos abarca la convención?', 'list'),
    ('es', '¿Está España entre los firmantes?', 'yesno'),
    ('es', '¿Qué dice el artículo 16?', ''),
    ('es', '¿Cuántas ratificaciones se necesitan?', 'count'),
    ('es', 'Enumere los países que firmaron.', 'list'),
    ('es', '¿Cuántos periodistas cubrieron la ceremonia?', 'count'),
    ('es', '¿En qué fecha entra en vigor?', 'date'),
    ('es', '¿Quién es el depositario?', 'person'),
    ('es', '¿Dónde puede firmarse ahora la convención?', 'place'),
    ('es', '¿Por qué critican la convención las ONG?', 'why'),
    ('es', '¿Qué organizaciones criticaron el texto?', 'list'),
    ('es', '¿Ha firmado México?', 'yesno'),
    ('es', '¿Cuál es el lema de la ceremonia?', ''),
    # ru
    ('ru', 'Сколько стран подписали конвенцию?', 'count'),
    ('ru', 'Когда была принята конвенция?', 'date'),
    ('ru', 'В каком году конвенция вступит в силу?', 'date'),
    ('ru', 'Кто председательствовал на церемонии?', 'person'),
    ('ru', 'Где проходила церемония подписания?', 'place'),
    ('ru', 'Почему США не подписали конвенцию?', 'why'),
    ('ru', 'Какие страны ЕС подписали конвенцию?', 'list'),
    ('ru', 'Подписала ли Россия конвенцию?', 'yesno'),
    ('ru', 'Конвенция уже вступила в силу?', 'yesno'),
    ('ru', 'Что такое Ханойская конвенция?', ''),
    ('ru', 'Как конвенция защищает права человека?', ''),
    ('ru', 'С какого числа конвенция открыта для подписания?', 'date'),
    ('ru', 'Кем была предложена резолюция 74/247?', 'person'),
    ('ru', 'В каком городе прошла церемония?', 'place'),
    ('ru', 'По какой причине Мексика не подписала?', 'why'),
    ('ru', 'Каковы основные опасения правозащитников?', 'list'),
    ('ru', 'Есть ли в конвенции гарантии прав человека?', 'yesno'),
    ('ru', 'Что говорится в статье 16?', ''),
    ('ru', 'Сколько ратификаций нужно для вступления в силу?', 'count'),
    ('ru', 'Перечислите страны ЕС, подписавшие конвенцию.', 'list'),
    ('ru', 'Что произойдёт, когда конвенция вступит в силу?', ''),
    ('ru', 'Сколько журналистов освещали церемонию?', 'count'),
    ('ru', 'До какого числа открыта конвенция для подписания?', 'date'),
    ('ru', 'Кто является депозитарием конвенции?', 'person'),
    ('ru', 'Где сейчас можно подписать конвенцию?', 'place'),
    ('ru', 'Почему правозащитники критикуют конвенцию?', 'why'),
    ('ru', 'Какие организации раскритиковали текст?', 'list'),
    ('ru', 'Подписал ли Евросоюз конвенцию?', 'yesno'),
    ('ru', 'Какова тема церемонии?', ''),
    # zh
    ('zh', '有多少个国家签署了公约？', 'count'),
    ('zh', '公约是什么时候通过的？', 'date'),
    ('zh', '公约哪一年生效？', 'date'),
    ('zh', '谁主持了签字仪式？', 'person'),
    ('zh', '签字仪式在哪里举行？', 'place'),
    ('zh', '为什么美国没有签署？', 'why'),
    ('zh', '哪些国家签署了公约？', 'list'),
    ('zh', '俄罗斯签署公约了吗？', 'yesno'),
    ('zh', '公约是否已经生效？', 'yesno'),
    ('zh', '河内公约是什么？', ''),
    ('zh', '公约如何保护人权？', ''),
    ('zh', '公约什么时候生效？', 'date'),
    ('zh', '特设委员会主席是谁？', 'person'),
    ('zh', '公约在哪个城市签署？', 'place'),
    ('zh', '美国为何不签署？', 'why'),
    ('zh', '公约涵盖哪些罪行？', 'list'),
    ('zh', '欧盟签署了公约没有？', 'yesno'),
    ('zh', '第16条规定了什么？', ''),
    ('zh', '需要多少份批准书？', 'count'),
    ('zh', '有几个欧盟成员国签署了？', 'count'),
    ('zh', '有多少名记者报道了仪式？', 'count'),
    ('zh', '公约何时开放签署？', 'date'),
    ('zh', '公约的保存人是谁？', 'person'),
    ('zh', '现在在哪里可以签署公约？', 'place'),
    ('zh', '人权组织为什么批评公约？', 'why'),
    ('zh', '哪些组织批评了公约？', 'list'),
    ('zh', '日本签署了吗？', 'yesno'),
    ('zh', '仪式的主题是什么？', ''),
    # vi
    ('vi', 'Có bao nhiêu quốc gia đã ký Công ước?', 'count'),
    ('vi', 'Công ước được thông qua khi nào?', 'date'),
    ('vi', 'Công ước sẽ có hiệu lực vào năm nào?', 'date'),
    ('vi', 'Ai chủ trì lễ ký?', 'person'),
    ('vi', 'Lễ ký diễn ra ở đâu?', 'place'),
    ('vi', 'Tại sao Hoa Kỳ không ký?', 'why'),
    ('vi', 'Những nước nào đã ký Công ước?', 'list'),
    ('vi', 'Nga có ký Công ước không?', 'yesno'),
    ('vi', 'Công ước đã có hiệu lực chưa?', 'yesno'),
    ('vi', 'Công ước Hà Nội là gì?', ''),
    ('vi', 'Công ước bảo vệ quyền con người như thế nào?', ''),
    ('vi', 'Công ước mở ký đến bao giờ?', 'date'),
    ('vi', 'Ai là Tổng Thư ký Liên hợp quốc?', 'person'),
    ('vi', 'Lễ ký được tổ chức tại đâu?', 'place'),
    ('vi', 'Vì sao Mỹ không ký Công ước?', 'why'),
    ('vi', 'Công ước quy định những tội phạm nào?', 'list'),
    ('vi', 'Việt Nam có phải là nước đầu tiên ký không?', 'yesno'),
    ('vi', 'Điều 16 quy định gì?', ''),
    ('vi', 'Cần bao nhiêu văn kiện phê chuẩn?', 'count'),
    ('vi', 'Có mấy nước EU đã ký?', 'count'),
    ('vi', 'Công ước được ký vào ngày nào?', 'date'),
    ('vi', 'Bao nhiêu nhà báo đã đưa tin về lễ ký?', 'count'),
    ('vi', 'Khi nào Công ước có hiệu lực?', 'date'),
    ('vi', 'Ai là cơ quan lưu chiểu Công ước?', 'person'),
    ('vi', 'Hiện nay có thể ký Công ước ở đâu?', 'place'),
    ('vi', 'Vì sao các tổ chức nhân quyền phản đối Công ước?', 'why'),
    ('vi', 'Những tổ chức nào đã chỉ trích Công ước?', 'list'),
    ('vi', 'Nhật Bản đã ký Công ước chưa?', 'yesno'),
    ('vi', 'Chủ đề của lễ ký là gì?', ''),
    # ar
    ('ar', 'كم عدد الدول التي وقعت على الاتفاقية؟', 'count'),
    ('ar', 'متى اعتمدت الجمعية العامة الاتفاقية؟', 'date'),
    ('ar', 'في أي عام ستدخل الاتفاقية حيز النفاذ؟', 'date'),
    ('ar', 'من ترأس حفل التوقيع؟', 'person'),
    ('ar', 'أين أقيم حفل التوقيع؟', 'place'),
    ('ar', 'لماذا لم توقع الولايات المتحدة؟', 'why'),
    ('ar', 'ما هي الدول التي وقعت في هانوي؟', 'list'),
    ('ar', 'هل وقعت روسيا على الاتفاقية؟', 'yesno'),
    ('ar', 'ما هي اتفاقية هانوي؟', ''),
    ('ar', 'كيف تحمي الاتفاقية حقوق الإنسان؟', ''),
    ('ar', 'ما تاريخ فتح باب التوقيع على الاتفاقية؟', 'date'),
    ('ar', 'من هو الأمين العام للأمم المتحدة؟', 'person'),
    ('ar', 'في أي مدينة تم التوقيع؟', 'place'),
    ('ar', 'ما سبب رفض الولايات المتحدة التوقيع؟', 'why'),
    ('ar', 'ما الجرائم التي تشملها الاتفاقية؟', 'list'),
    ('ar', 'هل دخلت الاتفاقية حيز النفاذ؟', 'yesno'),
    ('ar', 'ماذا تنص المادة 16؟', ''),
    ('ar', 'كم صك تصديق يلزم لبدء النفاذ؟', 'count'),
    ('ar', 'كم صحفيا غطى الحفل؟', 'count'),
    ('ar', 'متى تدخل الاتفاقية حيز النفاذ؟', 'date'),
    ('ar', 'من هو الوديع للاتفاقية؟', 'person'),
    ('ar', 'أين يمكن التوقيع على الاتفاقية الآن؟', 'place'),
    ('ar', 'لماذا تنتقد منظمات حقوق الإنسان الاتفاقية؟', 'why'),
    ('ar', 'ما المنظمات التي انتقدت الاتفاقية؟', 'list'),
    ('ar', 'هل وقعت اليابان؟', 'yesno'),
    ('ar', 'ما هو شعار الحفل؟', ''),
    # de
    ('de', 'Wie viele Länder haben das Übereinkommen unterzeichnet?', 'count'),
    ('de', 'Wann wurde das Übereinkommen angenommen?', 'date'),
    ('de', 'Wer leitete die Zeremonie?', 'person'),
    ('de', 'Wo fand die Unterzeichnung statt?', 'place'),
    ('de', 'Warum hat Deutschland nicht unterzeichnet?', 'why'),
    ('de', 'Welche Länder haben unterzeichnet?', 'list'),
    ('de', 'Hat Russland das Übereinkommen unterzeichnet?', 'yesno'),
    ('de', 'Ist das Übereinkommen schon in Kraft?', 'yesno'),
    ('de', 'Was ist das Übereinkommen von Hanoi?', ''),
    ('de', 'Welche Rolle spielte Russland?', ''),
    ('de', 'Seit wann liegt das Übereinkommen zur Unterzeichnung auf?', 'date'),
    ('de', 'Von wem wurde die Resolution eingebracht?', 'person'),
    ('de', 'In welcher Stadt wurde unterzeichnet?', 'place'),
    ('de', 'Aus welchem Grund hat Mexiko nicht unterzeichnet?', 'why'),
    ('de', 'Welche Straftaten umfasst das Übereinkommen?', 'list'),
    ('de', 'Gibt es Schutzgarantien für Journalisten?', 'yesno'),
    ('de', 'Was regelt Artikel 16?', ''),
    ('de', 'Wie viele Ratifikationen sind nötig?', 'count'),
    ('de', 'Wie viele Journalisten berichteten?', 'count'),
    ('de', 'In welchem Jahr wurde das Übereinkommen angenommen?', 'date'),
    ('de', 'Wer ist der Verwahrer?', 'person'),
    ('de', 'Warum kritisieren Menschenrechtsgruppen den Vertrag?', 'why'),
    ('de', 'Welche Organisationen kritisierten den Text?', 'list'),
    ('de', 'Hat Japan unterzeichnet?', 'yesno'),
    # pt
    ('pt', 'Quantos países assinaram a convenção?', 'count'),
    ('pt', 'Quando a convenção foi adotada?', 'date'),
    ('pt', 'Quem presidiu a cerimônia?', 'person'),
    ('pt', 'Onde foi realizada a cerimônia de assinatura?', 'place'),
    ('pt', 'Por que os Estados Unidos não assinaram?', 'why'),
    ('pt', 'Quais países da União Europeia assinaram?', 'list'),
    ('pt', 'O Brasil assinou a convenção?', 'yesno'),
    ('pt', 'O que é a Convenção de Hanói?', ''),
    ('pt', 'Como a convenção protege os jornalistas?', ''),
    ('pt', 'Em que ano a convenção foi adotada?', 'date'),
    ('pt', 'Quem é o secretário-geral da ONU?', 'person'),
    ('pt', 'Em que cidade foi assinada a convenção?', 'place'),
    ('pt', 'Qual é o motivo das críticas?', 'why'),
    ('pt', 'Que crimes a convenção abrange?', 'list'),
    ('pt', 'A convenção já está em vigor?', 'yesno'),
    ('pt', 'Quantas ratificações são necessárias?', 'count'),
    ('pt', 'O que diz o artigo 16?', ''),
    ('pt', 'Quantos jornalistas cobriram a cerimônia?', 'count'),
    ('pt', 'Quando a convenção entra em vigor?', 'date'),
    ('pt', 'Quem assinou pelo Vietnã?', 'person'),
    ('pt', 'Onde a convenção pode ser assinada agora?', 'place'),
    ('pt', 'Quais organizações criticaram o texto?', 'list'),
    ('pt', 'O Japão assinou?', 'yesno'),
    # it
    ('it', 'Quanti paesi hanno firmato la convenzione?', 'count'),
    ('it', 'Quando è stata adottata la convenzione?', 'date'),
    ('it', 'Chi ha presieduto la cerimonia?', 'person'),
    ('it', 'Dove si è svolta la cerimonia di firma?', 'place'),
    ('it', 'Perché gli Stati Uniti non hanno firmato?', 'why'),
    ('it', 'Quali paesi hanno firmato a Hanoi?', 'list'),
    ('it', "L'Italia ha firmato la convenzione?", 'yesno'),
    ('it', "Che cos'è la Convenzione di Hanoi?", ''),
    ('it', 'Come funziona la cooperazione internazionale?', ''),
    ('it', 'In che anno è stata adottata la convenzione?', 'date'),
    ('it', 'Da chi è stato presieduto il comitato?', 'person'),
    ('it', 'In quale città è stata firmata?', 'place'),
    ('it', 'Per quale motivo gli Stati Uniti non hanno firmato?', 'why'),
    ('it', 'Quali reati copre la convenzione?', 'list'),
    ('it', 'La convenzione è già in vigore?', 'yesno'),
    ('it', 'Quante ratifiche servono?', 'count'),
    ('it', "Cosa prevede l'articolo 16?", ''),
    ('it', 'Quanti giornalisti hanno seguito la cerimonia?', 'count'),
    ('it', 'Chi è il depositario della convenzione?', 'person'),
    ('it', 'Dove si può firmare ora la convenzione?', 'place'),
    ('it', 'Quali organizzazioni hanno criticato il testo?', 'list'),
    ('it', 'Il Giappone ha firmato?', 'yesno'),
    # ja
    ('ja', '何カ国が条約に署名しましたか？', 'count'),
    ('ja', '署名国はいくつありますか？', 'count'),
    ('ja', '条約はいつ採択されましたか？', 'date'),
    ('ja', '誰が署名式の議長を務めましたか？', 'person'),
    ('ja', '署名式はどこで行われましたか？', 'place'),
    ('ja', 'なぜ日本は署名しなかったのですか？', 'why'),
    ('ja', 'どの国が条約に署名しましたか？', 'list'),
    ('ja', 'ロシアは条約に署名しましたか？', 'yesno'),
    ('ja', 'ハノイ条約とは何ですか？', ''),
    ('ja', '条約はどのように人権を守りますか？', ''),
    ('ja', '条約は何年に発効しますか？', 'date'),
    ('ja', '特別委員会の議長は誰ですか？', 'person'),
    ('ja', 'どの都市で署名されましたか？', 'place'),
    ('ja', 'アメリカが署名しなかった理由は何ですか？', 'why'),
    ('ja', '批准書はいくつ必要ですか？', 'count'),
    ('ja', 'EUは署名しましたか？', 'yesno'),
    ('ja', '第16条は何を定めていますか？', ''),
    ('ja', '何人の記者が式典を取材しましたか？', 'count'),
    ('ja', '条約はいつ発効しますか？', 'date'),
    ('ja', '条約の寄託者は誰ですか？', 'person'),
    ('ja', 'なぜ人権団体は条約を批判しているのですか？', 'why'),
    ('ja', '日本は署名しましたか？', 'yesno'),
    # ko
    ('ko', '몇 개국이 협약에 서명했나요?', 'count'),
    ('ko', '협약은 언제 채택되었나요?', 'date'),
    ('ko', '서명식은 누가 주재했나요?', 'person'),
    ('ko', '서명식은 어디에서 열렸나요?', 'place'),
    ('ko', '왜 미국은 서명하지 않았나요?', 'why'),
    ('ko', '어떤 나라들이 협약에 서명했나요?', 'list'),
    ('ko', '러시아는 협약에 서명했습니까?', 'yesno'),
    ('ko', '하노이 협약은 무엇입니까?', ''),
    ('ko', '협약은 인권을 어떻게 보호하나요?', ''),
    ('ko', '협약은 몇 년에 채택되었나요?', 'date'),
    ('ko', '특별위원회 의장은 누구입니까?', 'person'),
    ('ko', '어느 도시에서 서명되었나요?', 'place'),
    ('ko', '멕시코가 서명하지 않은 이유는 무엇인가요?', 'why'),
    ('ko', '어느 나라가 서명했나요?', 'list'),
    ('ko', '협약은 이미 발효되었나요?', 'yesno'),
    ('ko', '비준서는 몇 개가 필요합니까?', 'count'),
    ('ko', '제16조는 무엇을 규정하나요?', ''),
    ('ko', '몇 명의 기자가 취재했나요?', 'count'),
    ('ko', '협약은 언제 발효되나요?', 'date'),
    ('ko', '협약의 수탁자는 누구인가요?', 'person'),
    ('ko', '왜 인권 단체들은 협약을 비판하나요?', 'why'),
    ('ko', '일본은 서명했나요?', 'yesno'),
    # tr
    ('tr', 'Sözleşmeyi kaç ülke imzaladı?', 'count'),
    ('tr', 'Sözleşme ne zaman kabul edildi?', 'date'),
    ('tr', 'İmza törenine kim başkanlık etti?', 'person'),
    ('tr', 'İmza töreni nerede yapıldı?', 'place'),
    ('tr', 'ABD neden imzalamadı?', 'why'),
    ('tr', 'Hangi ülkeler sözleşmeyi imzaladı?', 'list'),
    ('tr', 'Rusya sözleşmeyi imzaladı mı?', 'yesno'),
    ('tr', 'Türkiye sözleşmeyi imzaladı mı?', 'yesno'),
    ('tr', 'Hanoi Sözleşmesi nedir?', ''),
    ('tr', 'Sözleşme insan haklarını nasıl koruyor?', ''),
    ('tr', 'Sözleşme hangi yıl kabul edildi?', 'date'),
    ('tr', "Özel Komite'nin başkanı kimdir?", 'person'),
    ('tr', 'Sözleşme hangi şehirde imzalandı?', 'place'),
    ('tr', 'Meksika niçin imzalamadı?', 'why'),
    ('tr', 'Sözleşme hangi suçları kapsıyor?', 'list'),
    ('tr', 'Sözleşme yürürlüğe girdi mi?', 'yesno'),
    ('tr', 'Kaç onay belgesi gerekiyor?', 'count'),
    ('tr', 'Madde 16 ne düzenliyor?', ''),
    ('tr', 'Kaç gazeteci töreni izledi?', 'count'),
    ('tr', 'Sözleşme ne zaman yürürlüğe girecek?', 'date'),
    ('tr', 'Sözleşmenin depoziteri kim?', 'person'),
    ('tr', 'Sözleşme şu anda nerede imzalanabilir?', 'place'),
    ('tr', 'Japonya imzaladı mı?', 'yesno'),
    # id
    ('id', 'Berapa negara yang menandatangani konvensi?', 'count'),
    ('id', 'Kapan konvensi ini diadopsi?', 'date'),
    ('id', 'Siapa yang memimpin upacara penandatanganan?', 'person'),
    ('id', 'Di mana upacara penandatanganan diadakan?', 'place'),
    ('id', 'Mengapa Amerika Serikat tidak menandatangani?', 'why'),
    ('id', 'Negara mana saja yang menandatangani konvensi?', 'list'),
    ('id', 'Apakah Indonesia menandatangani konvensi?', 'yesno'),
    ('id', 'Apa itu Konvensi Hanoi?', ''),
    ('id', 'Bagaimana konvensi melindungi hak asasi manusia?', ''),
    ('id', 'Tahun berapa konvensi diadopsi?', 'date'),
    ('id', 'Siapa Sekretaris Jenderal PBB?', 'person'),
    ('id', 'Di kota mana konvensi ditandatangani?', 'place'),
    ('id', 'Kenapa Meksiko tidak menandatangani?', 'why'),
    ('id', 'Kejahatan apa saja yang dicakup konvensi?', 'list'),
    ('id', 'Sudahkah konvensi berlaku?', 'yesno'),
    ('id', 'Berapa banyak ratifikasi yang diperlukan?', 'count'),
    ('id', 'Apa isi Pasal 16?', ''),
    ('id', 'Berapa wartawan yang meliput upacara?', 'count'),
    ('id', 'Kapan konvensi mulai berlaku?', 'date'),
    ('id', 'Siapa penyimpan konvensi?', 'person'),
    ('id', 'Mengapa kelompok HAM mengkritik konvensi?', 'why'),
    ('id', 'Apakah Jepang sudah menandatangani?', 'yesno'),
    # nl
    ('nl', 'Hoeveel landen hebben het verdrag getekend?', 'count'),
    ('nl', 'Wanneer werd het verdrag aangenomen?', 'date'),
    ('nl', 'Wie heeft de ceremonie voorgezeten?', 'person'),
    ('nl', 'Waar vond de ondertekening plaats?', 'place'),
    ('nl', 'Waarom tekende Nederland niet?', 'why'),
    ('nl', 'Welke landen hebben getekend?', 'list'),
    ('nl', 'Heeft België het verdrag getekend?', 'yesno'),
    ('nl', 'Wat is het Verdrag van Hanoi?', ''),
    # pl
    ('pl', 'Ile państw podpisało konwencję?', 'count'),
    ('pl', 'Kiedy przyjęto konwencję?', 'date'),
    ('pl', 'Kto przewodniczył ceremonii?', 'person'),
    ('pl', 'Gdzie odbyła się ceremonia?', 'place'),
    ('pl', 'Dlaczego USA nie podpisały konwencji?', 'why'),
    ('pl', 'Jakie państwa podpisały konwencję?', 'list'),
    ('pl', 'Czy Polska podpisała konwencję?', 'yesno'),
    ('pl', 'Co to jest konwencja hanojska?', ''),
    # uk
    ('uk', 'Скільки країн підписали конвенцію?', 'count'),
    ('uk', 'Коли була ухвалена конвенція?', 'date'),
    ('uk', 'Хто головував на церемонії?', 'person'),
    ('uk', 'Де відбулася церемонія підписання?', 'place'),
    ('uk', 'Чому США не підписали конвенцію?', 'why'),
    ('uk', 'Які країни підписали конвенцію?', 'list'),
    ('uk', 'Чи підписала Україна конвенцію?', 'yesno'),
    ('uk', 'Що таке Ганойська конвенція?', ''),
    # sv
    ('sv', 'Hur många länder undertecknade konventionen?', 'count'),
    ('sv', 'När träder konventionen i kraft?', 'date'),
    ('sv', 'Vem ledde ceremonin i Hanoi?', 'person'),
    ('sv', 'Var hölls ceremonin?', 'place'),
    ('sv', 'Varför skrev inte USA under?', 'why'),
    ('sv', 'Vilka länder undertecknade i Hanoi?', 'list'),
    ('sv', 'Har Sverige undertecknat konventionen?', 'yesno'),
    ('sv', 'Vad sa Guterres i Hanoi?', ''),
    # da
    ('da', 'Hvor mange lande underskrev konventionen?', 'count'),
    ('da', 'Hvornår træder konventionen i kraft?', 'date'),
    ('da', 'Hvem underskrev for Rusland?', 'person'),
    ('da', 'Hvor fandt ceremonien sted?', 'place'),
    ('da', 'Hvorfor kritiserer organisationer traktaten?', 'why'),
    ('da', 'Hvilke lande underskrev i Hanoi?', 'list'),
    ('da', 'Har Danmark underskrevet konventionen?', 'yesno'),
    ('da', 'Hvad siger artikel 6?', ''),
    # no
    ('no', 'Hvor mange land har signert konvensjonen?', 'count'),
    ('no', 'Når trer konvensjonen i kraft?', 'date'),
    ('no', 'Hvem ledet seremonien?', 'person'),
    ('no', 'Hvor ble seremonien holdt?', 'place'),
    ('no', 'Hvorfor er menneskerettighetsgrupper kritiske?', 'why'),
    ('no', 'Hvilke land signerte i Hanoi?', 'list'),
    ('no', 'Har Norge signert konvensjonen?', 'yesno'),
    ('no', 'Hva sa generalsekretæren?', ''),
    # ro
    ('ro', 'Câte țări au semnat convenția?', 'count'),
    ('ro', 'Când intră în vigoare convenția?', 'date'),
    ('ro', 'Cine a prezidat ceremonia?', 'person'),
    ('ro', 'Unde a avut loc ceremonia?', 'place'),
    ('ro', 'De ce nu a semnat SUA convenția?', 'why'),
    ('ro', 'Care sunt țările care au semnat?', 'list'),
    ('ro', 'A semnat România convenția?', 'yesno'),
    ('ro', 'Ce prevede articolul 6?', ''),
    # cs
    ('cs', 'Kolik zemí podepsalo úmluvu?', 'count'),
    ('cs', 'Kdy úmluva vstoupí v platnost?', 'date'),
    ('cs', 'Kdo předsedal ceremonii?', 'person'),
    ('cs', 'Kde se konal ceremoniál?', 'place'),
    ('cs', 'Proč USA úmluvu nepodepsaly?', 'why'),
    ('cs', 'Které země podepsaly úmluvu v Hanoji?', 'list'),
    ('cs', 'Podepsalo Česko úmluvu?', 'yesno'),
    ('cs', 'Co říká článek 6?', ''),
    # hu
    ('hu', 'Hány ország írta alá az egyezményt?', 'count'),
    ('hu', 'Mikor lép hatályba az egyezmény?', 'date'),
    ('hu', 'Ki elnökölt az ünnepségen?', 'person'),
    ('hu', 'Hol volt az aláírási ünnepség?', 'place'),
    ('hu', 'Miért nem írta alá az USA?', 'why'),
    ('hu', 'Melyek az aláíró országok?', 'list'),
    ('hu', 'Aláírta-e Magyarország az egyezményt?', 'yesno'),
    ('hu', 'Mit mondott Guterres Hanoiban?', ''),
    # fi
    ('fi', 'Kuinka monta maata allekirjoitti sopimuksen?', 'count'),
    ('fi', 'Milloin sopimus tulee voimaan?', 'date'),
    ('fi', 'Kuka johti seremoniaa?', 'person'),
    ('fi', 'Missä seremonia pidettiin?', 'place'),
    ('fi', 'Miksi Yhdysvallat ei allekirjoittanut?', 'why'),
    ('fi', 'Mitkä maat allekirjoittivat sopimuksen?', 'list'),
    ('fi', 'Allekirjoittiko Suomi sopimuksen?', 'yesno'),
    ('fi', 'Mitä artikla 6 sanoo?', ''),
    # el
    ('el', 'Πόσες χώρες υπέγραψαν τη σύμβαση;', 'count'),
    ('el', 'Πότε τίθεται σε ισχύ η σύμβαση;', 'date'),
    ('el', 'Ποιος υπέγραψε για τη Ρωσία;', 'person'),
    ('el', 'Πού έγινε η τελετή;', 'place'),
    ('el', 'Γιατί δεν υπέγραψαν οι ΗΠΑ;', 'why'),
    ('el', 'Ποιες χώρες υπέγραψαν στο Ανόι;', 'list'),
    ('el', 'Υπέγραψε η Ελλάδα τη σύμβαση;', 'yesno'),
    ('el', 'Τι λέει το άρθρο 6;', ''),
    # bg
    ('bg', 'Колко държави подписаха конвенцията?', 'count'),
    ('bg', 'Кога влиза в сила конвенцията?', 'date'),
    ('bg', 'Кой председателства церемонията?', 'person'),
    ('bg', 'Къде се проведе церемонията?', 'place'),
    ('bg', 'Защо САЩ не подписаха?', 'why'),
    ('bg', 'Кои държави подписаха в Ханой?', 'list'),
    ('bg', 'Подписа ли България конвенцията?', 'yesno'),
    ('bg', 'Какво казва член 6?', ''),
    # he
    ('he', 'כמה מדינות חתמו על האמנה?', 'count'),
    ('he', 'מתי האמנה נכנסת לתוקף?', 'date'),
    ('he', 'מי חתם בשם רוסיה?', 'person'),
    ('he', 'איפה התקיים הטקס?', 'place'),
    ('he', 'למה ארצות הברית לא חתמה?', 'why'),
    ('he', 'אילו מדינות חתמו בהאנוי?', 'list'),
    ('he', 'האם ישראל חתמה על האמנה?', 'yesno'),
    ('he', 'מה אומר סעיף 6?', ''),
    # fa
    ('fa', 'چند کشور در هانوی امضا کردند؟', 'count'),
    ('fa', 'کنوانسیون چه زمانی لازم‌الاجرا می‌شود؟', 'date'),
    ('fa', 'چه کسی ریاست مراسم را داشت؟', 'person'),
    ('fa', 'مراسم امضا کجا برگزار شد؟', 'place'),
    ('fa', 'چرا آمریکا امضا نکرد؟', 'why'),
    ('fa', 'کدام کشورها در هانوی امضا کردند؟', 'list'),
    ('fa', 'آیا ایران کنوانسیون را امضا کرد؟', 'yesno'),
    ('fa', 'گوترش در هانوی چه گفت؟', ''),
    # hi
    ('hi', 'हनोई में कितने देशों ने हस्ताक्षर किए?', 'count'),
    ('hi', 'यह संधि कब लागू होगी?', 'date'),
    ('hi', 'समारोह की अध्यक्षता किसने की?', 'person'),
    ('hi', 'समारोह कहाँ हुआ?', 'place'),
    ('hi', 'भारत ने हस्ताक्षर क्यों नहीं किए?', 'why'),
    ('hi', 'कौन से देशों ने हनोई में हस्ताक्षर किए?', 'list'),
    ('hi', 'क्या किसी देश ने अनुसमर्थन किया है?', 'yesno'),
    ('hi', 'गुटेरेस ने कैसे वर्णन किया?', ''),
    # th
    ('th', 'มีกี่ประเทศที่ลงนามในอนุสัญญา?', 'count'),
    ('th', 'อนุสัญญามีผลบังคับใช้เมื่อไร?', 'date'),
    ('th', 'ใครลงนามในอนุสัญญานี้?', 'person'),
    ('th', 'พิธีลงนามจัดขึ้นที่ไหน?', 'place'),
    ('th', 'ทำไมสหรัฐฯ ไม่ลงนาม?', 'why'),
    ('th', 'ประเทศไหนบ้างที่ลงนาม?', 'list'),
    ('th', 'ประเทศไทยลงนามอนุสัญญานี้หรือไม่', 'yesno'),
    ('th', 'อนุสัญญานี้คืออะไร?', ''),
]

HEADS = [  # (question, expected head)
    ("How many countries signed the convention in Hanoi?", "countries"),
    ("How many EU member states have signed?", "states"),
    ("Which countries did not sign in Hanoi?", "countries"),
    ("What were the main concerns of civil-society groups?", "concerns"),
    ("Combien de pays ont signé la convention ?", "pays"),
    ("Combien d'États membres de l'UE ont signé ?", "états"),
    ("Quels sont les pays qui ont signé ?", "pays"),
    ("¿Cuántos países firmaron el convenio?", "países"),
    ("¿Cuáles son los delitos que tipifica la convención?", "delitos"),
    ("Сколько стран подписали конвенцию?", "стран"),
    ("Какие страны ЕС подписали конвенцию?", "страны"),
    ("有多少个国家签署了公约？", "国家"),
    ("哪些国家签署了公约？", "国家"),
    ("Có bao nhiêu quốc gia đã ký Công ước?", "quốc gia"),
    ("Những nước nào đã ký Công ước?", "nước"),
    ("كم دولة وقعت على الاتفاقية؟", "دولة"),
    ("ما هي الدول التي وقعت في هانوي؟", "الدول"),
    ("Wie viele Länder haben unterzeichnet?", "länder"),
    ("Quantos países assinaram a convenção?", "países"),
    ("Quali paesi hanno firmato a Hanoi?", "paesi"),
    ("何カ国が条約に署名しましたか？", "国"),
    ("어떤 나라들이 협약에 서명했나요?", "나라"),
    ("Sözleşmeyi kaç ülke imzaladı?", "ülke"),
    ("Negara mana saja yang menandatangani konvensi?", "negara"),
    ("Who chaired the signing ceremony?", ""),  # not a count or list question
    ("When was the convention adopted?", ""),
]

FITS = [  # (question type, sentence, expected fits)
    ('count', 'Seventy-two signatories had signed by the end of November.', 1.0),
    ('count', 'Thirteen member states of the European Union signed in Hanoi.', 1.0),
    ('count', 'More than 400 journalists from 189 media outlets covered the event.', 1.0),
    ('count', 'Au total, 72 États et organisations ont signé la convention.', 1.0),
    ('count', 'La convención fue firmada por 65 países el primer día.', 1.0),
    ('count', 'Конвенцию подписали 65 государств.', 1.0),
    ('count', '首日共有65个国家签署了公约。', 1.0),
    ('count', 'Có 65 quốc gia đã ký Công ước trong ngày đầu tiên.', 1.0),
    ('count', 'وقعت 65 دولة على الاتفاقية في اليوم الأول.', 1.0),
    ('count', 'The convention was adopted on 24 December 2024.', 0.2),
    ('count', 'Article 65 governs entry into force.', 0.2),
    ('count', 'The convention was adopted by resolution 79/243.', 0.2),
    ('count', 'La convention a été adoptée le 24 décembre 2024.', 0.2),
    ('count', 'Статья 16 касается интимных изображений.', 0.2),
    ('count', '公约于2024年12月24日通过。', 0.2),
    ('count', 'Công ước được thông qua ngày 24 tháng 12 năm 2024.', 0.2),
    ('count', 'The ceremony was a milestone for multilateralism.', 0.0),
    ('count', 'Once the convention enters into force, states must comply.', 0.0),
    ('count', 'Due to concerns, some states did not sign.', 0.0),
    ('date', 'The convention was signed on 25 October 2025 in Hanoi.', 1.0),
    ('date', 'The session ran from 10 to 12 May 2021.', 1.0),
    ('date', 'La convention a été signée le 25 octobre 2025.', 1.0),
    ('date', 'La convención se firmó el 25 de octubre de 2025.', 1.0),
    ('date', 'Конвенция подписана 25 октября 2025 года.', 1.0),
    ('date', '公约于2025年10月25日签署。', 1.0),
    ('date', 'Công ước được ký ngày 25 tháng 10 năm 2025.', 1.0),
    ('date', 'وقعت الاتفاقية في 25 أكتوبر 2025.', 1.0),
    ('date', 'The Budapest Convention dates from 2001.', 0.8),
    ('date', 'Nothing in the convention may be interpreted as permitting repression.', 0.0),
    ('date', 'Civil-society groups urged states not to sign.', 0.0),
    ('person', 'Secretary-General Antonio Guterres opened the ceremony.', 1.0),
    ('person', 'وقّع المدعي العام ألكسندر غوتسان على الاتفاقية نيابةً عن روسيا.', 0.8),  # Arabic has no capitals: the title
    ('person', 'The committee was chaired by Faouzia Boumaiza-Mebarki of Algeria.', 1.0),
    ('person', 'Antonio Guterres a salué la signature.', 1.0),
    ('person', 'Антониу Гутерриш назвал конвенцию важной вехой.', 1.0),
    ('person', '安东尼奥·古特雷斯出席了仪式。', 1.0),
    ('person', 'Chủ tịch nước Lương Cường chủ trì buổi lễ.', 1.0),
    ('person', 'قال الأمين العام إن الاتفاقية مهمة.', 0.8),
    ('person', 'The president spoke at the opening session.', 0.8),
    ('person', 'The convention enters into force after 40 ratifications.', 0.0),
    ('person', 'The European Union and the United Nations welcomed the text.', 0.0),
    ('place', 'The ceremony took place in Hanoi.', 1.0),
    ('place', 'It was held at the National Convention Centre.', 1.0),
    ('place', "La cérémonie s'est tenue à Hanoï.", 1.0),
    ('place', 'La ceremonia se celebró en Hanói.', 1.0),
    ('place', 'Церемония прошла в Ханое.', 1.0),
    ('place', '签字仪式在河内举行。', 1.0),
    ('place', 'Lễ ký diễn ra tại Hà Nội.', 1.0),
    ('place', 'أقيم الحفل في هانوي.', 1.0),
    ('place', 'The convention was adopted without a vote.', 0.0),
    ('place', 'In October 2025 the convention opened for signature.', 0.0),
    ('place', 'Under Article 64, signature remains open.', 0.0),
    ('list', 'The convention covers illegal access, illegal interception, data interference and misuse of devices.',
     1.0),
    ('list', '签署国包括中国、俄罗斯、英国和法国。', 1.0),
    ('list', 'Конвенцию подписали Китай, Россия, Великобритания и Франция.', 1.0),
    ('list', 'وقعت الصين، وروسيا، والمملكة المتحدة، وفرنسا.', 1.0),
    ('list', 'Các nước ký gồm Trung Quốc, Nga, Anh và Pháp.', 1.0),
    ('list', 'Signatories include Austria, Belgium, Czechia, Greece and France.', 1.0),
    ('list', 'The convention was adopted in 2024.', 0.0),
    ('list', 'Russia and China signed.', 0.3),
    ('why', 'The session was postponed because of the COVID-19 pandemic.', 1.0),
    ('why', 'La session a été reportée en raison de la pandémie.', 1.0),
    ('why', 'La sesión se aplazó debido a la pandemia.', 1.0),
    ('why', 'Сессию перенесли из-за пандемии.', 1.0),
    ('why', '由于疫情，会议被推迟。', 1.0),
    ('why', 'Phiên họp bị hoãn vì đại dịch COVID-19.', 1.0),
    ('why', 'تم تأجيل الدورة بسبب الجائحة.', 1.0),
    ('why', 'Groups cited broad surveillance powers.', 0.8),
    ('why', 'The convention was adopted in 2024.', 0.0),
]


@pytest.mark.parametrize("language,text,expected", QUESTIONS, ids=[f"{q[0]}-{i}" for i, q in enumerate(QUESTIONS)])
def test_question_type(language, text, expected):
    assert question_type(text) == expected


def test_every_language_has_at_least_eight_questions_over_several_types():
    per_language = Counter(language for language, _, _ in QUESTIONS)
    languages = "en ar fr es ru zh vi de pt it ja ko tr id nl pl uk sv da no ro cs hu fi el bg he fa hi th".split()
    for language in languages:
        assert per_language[language] >= 8, language
        kinds = {kind for lang, _, kind in QUESTIONS if lang == language}
        assert kinds == set(QUESTION_TYPES), (language, kinds)


@pytest.mark.parametrize("text,expected", [
    ("When will it enter into force, and how many ratifications are needed?", "count"),  # count > date
    ("Who signed first, and when?", "date"),  # date > person
    ("Do you know who signed first?", "person"),  # person > yesno
    ("Which Russian official put his name to it?", "person"),  # a person noun after one adjective
    ("What is the official name of the convention?", ""),  # "official" is not the head here
    ("Which countries signed, and why did the US not?", "why"),  # why > list
    ("Could you list the countries that signed?", "list"),  # list > yesno
    ("Tell me which countries signed.", "list"),
    ("Number of signatories?", "count"),
    ("Date of entry into force?", "date"),
    ("And where was it signed?", "place"),
    ("وكم صحفيا غطى الحدث؟", "count"),  # Arabic "and" is a prefix: "and how many journalists...?"
    ("ومتى أقيم الحفل؟", "date"),
    ("وأين أقيم؟", "place"),
    ("وهل وقعت الصين؟", "yesno"),
    ("署名式の開催地を変えた修正案の文書番号は？", ""),  # "X は？" asks what X is
    ("インドは?", ""),  # or follows up; a Japanese yes/no question ends in か
    ("日本は署名しましたか？", "yesno"),
    ("Et sur les signatures, qu'a-t-il demandé aux États ?", ""),  # "qu'" before an inversion: what
    ("Est-il vrai qu'il a signé ?", "yesno"),
    ("", ""),
    ("   ", ""),
    ("Hanoi", ""),
])
def test_precedence_and_edge_cases(text, expected):
    assert question_type(text) == expected


@pytest.mark.parametrize("text", [
    "Из скольких статей состоит договор?",  # Russian and Ukrainian "how many" is inflected
    "Скольким странам нужно ратифицировать конвенцию?",
    "Сколькими голосами приняли резолюцию?",
    "З скількох статей складається конвенція?",
    "条約は何条から成りますか？",  # Japanese counters: articles, chapters
    "第2章には何項ありますか？",
    "Wie hoch ist die Zahl der Unterzeichner?",
])
def test_inflected_and_counter_forms_ask_for_a_count(text):
    assert question_type(text) == "count"


@pytest.mark.parametrize("sentence,expected", [
    ("对所通过案文的分析认为该公约共有68条，而条约汇编援引第64条。", 1.0),  # articles: 条 counts
    ("该公约通过的案文共分9章：第一章，总则。", 1.0),  # chapters: 章 counts, after a Chinese character too
    ("条约汇编援引关于签署的第64条。", 0.2),  # 第64条 is an article's number, not a count
])
def test_chinese_counters_of_articles_and_chapters_state_a_count(sentence, expected):
    assert fits(sentence, "count") == pytest.approx(expected)


@pytest.mark.parametrize("sentence,expected", [
    ("No instrument of ratification had been deposited by late November 2025.", 1.0),  # none is a count
    ("Selon la Collection des traités, aucun instrument de ratification n'avait été déposé.", 1.0),
    ("A finales de noviembre de 2025 no se había depositado ningún instrumento de ratificación.", 1.0),
    ("По состоянию на конец ноября 2025 года ни один документ о ратификации не был сдан на хранение.", 1.0),
    ("Tính đến cuối tháng 11 năm 2025, chưa có văn kiện phê chuẩn nào được nộp lưu chiểu.", 1.0),
    ("截至2025年11月下旬，尚无任何国家交存批准书。", 1.0),
    ("لم يكن قد أُودع أي صك تصديق حتى أواخر نوفمبر 2025.", 1.0),
    ("He said that no country should be left defenceless.", 0.0),  # a norm, not a count
    ("Aucune disposition de la convention ne peut être interprétée comme autorisant la suppression.", 0.0),
    ("La cifra corresponde a la sesión de firma, no al primer día.", 0.0),  # Spanish "no" is "not"
])
def test_a_statement_that_there_are_none_answers_how_many(sentence, expected):
    assert fits(sentence, "count") == pytest.approx(expected)


@pytest.mark.parametrize("question,sentence,expected", [
    ("这项条约一共包含几条条款？", "该公约的案文共分9章：第一章，总则。", False),
    ("这项条约一共包含几条条款？", "分析认为该公约共有68条，而条约汇编援引第64条。", True),
    ("这项条约一共包含几条条款？", "条约汇编援引关于签署的第64条。", False),  # an article's number, not a count
    ("这项条约一共包含几条条款？", "第十一条涉及滥用装置。", False),
    ("公约有幾章？", "该公约的案文共分九章。", True),
    ("この条約は何条ありますか？", "The convention has 68 articles.", True),  # another script: not judged here
    ("How many articles does it have?", "该公约的案文共分9章。", True),
])
def test_a_count_of_parts_of_a_text_needs_that_part_counted(question, sentence, expected):
    assert counts_what_is_asked(question, sentence) is expected


@pytest.mark.parametrize("text,expected", [
    ("What happens when the convention enters into force?", ""),  # "when" inside a clause is not a date question
    ("Что произойдёт, когда конвенция вступит в силу?", ""),
    ("Les pays qui ont signé sont-ils nombreux ?", "yesno"),  # relative "qui" is not "who"
    ("Does the convention cover AI?", "yesno"),  # "ai" is Vietnamese "who" only in Vietnamese
    ("Was ist das Übereinkommen von Hanoi?", ""),  # German "was" is "what", not English "was"
    ("Quant à la Russie, a-t-elle signé ?", "yesno"),  # French "quant à" is not Italian "quanti"
    ("Can you explain how the convention works?", ""),
    ("Which article covers misuse of devices?", ""),  # singular which-question
    ("De onde vem o nome Convenção de Hanói?", "place"),  # Portuguese "vem" (comes) is not Swedish "vem" (who)
    ("Ce traité a-t-il été signé par la Chine ?", "yesno"),  # French "ce" (this) is not Romanian "ce" (what)
    ("Hat China mit Russland unterzeichnet?", "yesno"),  # German "mit" (with) is not Hungarian "mit" (what)
    ("Do rights groups care about the convention?", "yesno"),  # English "care" is not Romanian "care" (which)
    ("Rusya sözleşmeyi imzaladı mı?", "yesno"),
])
def test_false_friends(text, expected):
    assert question_type(text) == expected


@pytest.mark.parametrize("text,expected", HEADS)
def test_head(text, expected):
    assert head(text) == expected


@pytest.mark.parametrize("qtype,sentence,expected", FITS)
def test_fits(qtype, sentence, expected):
    assert fits(sentence, qtype) == pytest.approx(expected)


@pytest.mark.parametrize("sentence", [  # Article 65 in the knowledge's languages: a time stated as a delay
    "The Convention against Cybercrime enters into force on the 90th day after the deposit of the 40th instrument.",
    "La Convention entre en vigueur le 90e jour suivant la date de dépôt du 40e instrument.",
    "La Convención entra en vigor el 90.º día después de la fecha en que se haya depositado el 40.º instrumento.",
    "Конвенция вступает в силу на 90-й день после сдачи на хранение 40-го документа.",
    "《公约》自第40份批准书交存之日后第90天起生效。",
    "Công ước có hiệu lực vào ngày thứ 90 sau ngày nộp lưu chiểu văn kiện thứ 40.",
    "يبدأ نفاذ الاتفاقية في اليوم الـ90 بعد تاريخ إيداع الصك الـ40.",
])
def test_a_delay_after_an_event_answers_when(sentence):
    assert fits(sentence, "date") == pytest.approx(0.8)


def test_a_number_of_days_without_an_event_is_no_date():
    assert fits("The two-day ceremony drew 110 delegations.", "date") == 0.0


def test_fits_yesno_other_and_unknown_types_accept_any_sentence():
    for sentence in ("Russia signed the convention.", "签字仪式在河内举行。", "", "?"):
        assert fits(sentence, "yesno") == 1.0
        assert fits(sentence, "") == 1.0
        assert fits(sentence, "no-such-type") == 1.0
    assert fits("", "count") == 0.0


def test_fits_is_within_bounds_and_prefers_the_right_form():
    number = "Thirteen member states of the European Union signed in Hanoi."
    year_only = "The convention was adopted in 2024."
    assert fits(number, "count") > fits(year_only, "count")
    assert fits(year_only, "date") > fits(number, "date")
    for qtype in QUESTION_TYPES:
        for sentence in (number, year_only):
            assert 0.0 <= fits(sentence, qtype) <= 1.0


def test_module_has_a_docstring_and_the_documented_types():
    assert question.__doc__ and "count" in question.__doc__
    assert QUESTION_TYPES == ("count", "date", "person", "place", "why", "list", "yesno", "")


def test_fast():
    """Well under a millisecond per call, without the caches (the goal is < 0.1 ms on an idle machine)."""
    plain_type = getattr(question_type, "__wrapped__", question_type)
    plain_fits = getattr(fits, "__wrapped__", fits)
    texts = [text for _, text, _ in QUESTIONS]
    sentences = [sentence for _, sentence, _ in FITS]
    start = time.process_time()
    for text in texts:
        plain_type(text)
    per_question = (time.process_time() - start) / len(texts)
    start = time.process_time()
    for qtype in ("count", "date", "person", "place", "list", "why"):
        for sentence in sentences:
            plain_fits(sentence, qtype)
    per_fit = (time.process_time() - start) / (6 * len(sentences))
    assert per_question < 0.001 and per_fit < 0.001, (per_question, per_fit)


@pytest.mark.parametrize("question, moment", [
    ("How many states signed the convention?", False),
    ("كم دولة وقّعت؟", False),
    ("有多少个国家签署了？", False),
    ("How many states signed on the first day?", True),
    ("How many states signed on 25 October?", True),
    ("Combien de pays ont signé le premier jour ?", True),
    ("Сколько стран подписали в первый день?", True),
    ("كم دولة وقعت في اليوم الأول؟", True),
    ("首日有多少国家签署？", True),
    ("How many countries signed in 2025?", True),
])
def test_a_question_names_a_moment_or_asks_for_the_latest(question, moment):
    assert names_a_time(question) is moment
