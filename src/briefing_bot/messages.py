"""What the bot says in its own words, per language (English where a language is missing)."""

from __future__ import annotations

DECLINE = {
    "en": "I'm sorry, the sources I work from do not answer this question, so I will not guess. You could ask, for example:",
    "ar": "عذرًا، لا تجيب المصادر التي أعتمد عليها عن هذا السؤال، ولن أخمّن. يمكنك أن تسأل مثلًا:",
    "fr": "Désolé, les sources dont je dispose ne répondent pas à cette question, et je préfère ne pas deviner. Vous pouvez par exemple demander :",
    "es": "Lo siento, las fuentes con las que trabajo no responden a esta pregunta, así que no voy a adivinar. Puede preguntar, por ejemplo:",
    "ru": "К сожалению, в моих источниках нет ответа на этот вопрос, и я не буду гадать. Вы можете спросить, например:",
    "zh": "抱歉，我所依据的资料没有回答这个问题，我不会猜测。您可以这样问：",
    "vi": "Xin lỗi, các nguồn tài liệu của tôi không trả lời câu hỏi này, nên tôi sẽ không phỏng đoán. Bạn có thể hỏi, ví dụ:",
}

SUGGESTIONS = {
    "en": ("When and where is the signing ceremony?", "How many countries signed the convention in Hanoi?",
           "When does the convention enter into force?"),
    "ar": ("متى وأين يقام حفل التوقيع؟", "كم عدد الدول التي وقعت على الاتفاقية في هانوي؟",
           "متى تدخل الاتفاقية حيز النفاذ؟"),
    "fr": ("Quand et où a lieu la cérémonie de signature ?", "Combien de pays ont signé la convention à Hanoï ?",
           "Quand la convention entre-t-elle en vigueur ?"),
    "es": ("¿Cuándo y dónde es la ceremonia de firma?", "¿Cuántos países firmaron la convención en Hanói?",
           "¿Cuándo entra en vigor la convención?"),
    "ru": ("Когда и где проходит церемония подписания?", "Сколько стран подписали конвенцию в Ханое?",
           "Когда конвенция вступает в силу?"),
    "zh": ("签署仪式在何时何地举行？", "有多少国家在河内签署了公约？", "公约何时生效？"),
    "vi": ("Lễ ký diễn ra khi nào và ở đâu?", "Bao nhiêu quốc gia đã ký công ước tại Hà Nội?",
           "Khi nào công ước có hiệu lực?"),
}

CONFLICT = {
    "en": "The sources disagree on this point: {values}.",
    "ar": "تختلف المصادر في هذه النقطة: {values}.",
    "fr": "Les sources divergent sur ce point : {values}.",
    "es": "Las fuentes no coinciden en este punto: {values}.",
    "ru": "Источники расходятся в этом вопросе: {values}.",
    "zh": "各来源对此说法不一：{values}。",
    "vi": "Các nguồn không thống nhất về điểm này: {values}.",
}


def say(table: dict[str, str | tuple[str, ...]], language: str):
    """The entry of ``table`` for ``language``, or the English one."""
    return table.get(language) or table["en"]
