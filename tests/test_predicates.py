"""Predicates: what a question asks was done and what a sentence says was done, across languages."""

from __future__ import annotations

import pytest

from briefing_bot.predicates import agreement, predicates


@pytest.mark.parametrize("text, language", [
    ("How many countries signed the convention in Hanoi?", "en"),
    ("Combien de pays ont signé la convention ?", "fr"),
    ("¿Cuántos países firmaron la convención?", "es"),
    ("Quantos países assinaram a convenção?", "pt"),
    ("Wie viele Staaten haben unterzeichnet?", "de"),
    ("Сколько стран подписали конвенцию?", "ru"),
    ("Có bao nhiêu quốc gia đã ký công ước?", "vi"),
    ("Sözleşmeyi kaç ülke imzaladı?", "tr"),
    ("Berapa negara yang menandatangani konvensi?", "id"),
    ("有多少国家签署了公约？", "zh"),
    ("何か国が署名しましたか？", "ja"),
    ("몇 개국이 서명했나요?", "ko"),
    ("كم دولة وقعت على الاتفاقية؟", "ar"),
])
def test_signing_is_found_in_every_language(text, language):
    assert predicates(text, language) == {"sign"}


def test_the_signing_ceremony_names_an_event_not_a_signature():
    attended = "The Vietnam News Agency reported that about 110 countries attended the Hanoi signing ceremony."
    assert predicates(attended, "en") == {"attend"}
    assert predicates("أفادت وكالة أنباء فيتنام بأن نحو 110 دول حضرت حفل التوقيع في هانوي.", "ar") == {"attend"}
    assert predicates("Where was the signing ceremony held?", "en") == {"hold"}  # held, not signed


@pytest.mark.parametrize("text, language, found", [
    ("la Colección de Tratados registraba 72 signatarios", "es", {"sign"}),
    ("a Coleção de Tratados registava 72 signatários", "pt", {"sign"}),
    ("plus de 2 000 délégués avaient pris part à la cérémonie", "fr", {"attend"}),
    ("más de 2.000 delegados tomaron parte en la ceremonia", "es", {"attend"}),
    ("Which Russian official put his name to the treaty?", "en", {"sign"}),
])
def test_signatories_and_taking_part_are_predicates_too(text, language, found):
    assert predicates(text, language) == found


def test_agreement_tells_signed_from_attended_across_languages():
    asked = predicates("하노이에서 몇 개국이 협약에 서명했나요?", "ko")
    signed = predicates("After both days, the UN Treaty Collection listed 72 signatories.", "en")
    attended = predicates("About 110 countries attended the Hanoi signing ceremony.", "en")
    assert agreement(asked, signed) == (1.0, 0.0)
    assert agreement(asked, attended) == (0.0, 1.0)
    hoped = predicates("Viet Nam hopes many member states will sign the convention.", "en")
    assert agreement(asked, hoped) == (1.0, 0.5)
    assert agreement(frozenset(), attended) == (0.0, 0.0)  # a question without a predicate: no evidence
    assert predicates("Ratifizierung und Inkrafttreten", "xx") == frozenset()  # a language without patterns


@pytest.mark.parametrize("text, language, found", [
    ("ونأمل أن يجذب الحفل 40 دولة موقعة", "ar", {"hope", "sign"}),  # normalised: no hamza
    ("أملت فيتنام أن توقّع 40 دولة", "ar", {"hope", "sign"}),
    ("اتفاقية شاملة وكاملة", "ar", frozenset()),  # "comprehensive", "complete": not hopes
    ("Việt Nam mong muốn bao nhiêu quốc gia ký?", "vi", {"hope", "sign"}),
    ("Viet Nam hoped that at least 40 states would sign", "en", {"hope", "sign"}),
    ("able to meet the international community's expectations", "en", frozenset()),
])
def test_hopes_and_expectations_are_found(text, language, found):
    assert predicates(text, language) == found


@pytest.mark.parametrize("text, language", [
    ("When did the ceremony take place?", "en"),
    ("The signing ceremony was held on 25 and 26 October 2025 in Hanoi.", "en"),
    ("Où la cérémonie a-t-elle eu lieu ?", "fr"),
    ("La cérémonie s'est tenue au Centre national des conventions.", "fr"),
    ("¿Dónde se celebró la ceremonia?", "es"),
    ("Onde foi realizada a cerimônia?", "pt"),
    ("Dove si è svolta la cerimonia?", "it"),
    ("Wann fand die Zeremonie in Hanoi statt?", "de"),
    ("Церемония состоялась 25 и 26 октября.", "ru"),
    ("Buổi lễ diễn ra ở đâu?", "vi"),
    ("Tören nerede düzenlendi?", "tr"),
    ("Di mana upacara itu diadakan?", "id"),
    ("仪式在哪里举行？", "zh"),
    ("式典はどこで開催されましたか？", "ja"),
    ("행사는 어디에서 개최되었나요?", "ko"),
    ("أين أقيم الحفل؟", "ar"),
])
def test_an_event_held_is_found_in_every_language(text, language):
    assert predicates(text, language) == {"hold"}


@pytest.mark.parametrize("text, language", [
    ("Текст состоял из 9 глав.", "ru"),  # "consisted of", not "took place"
    ("Les États parties sont tenus de coopérer.", "fr"),  # "are bound to"
    ("As the host country, Viet Nam will be among the first to sign.", "en"),
])
def test_words_like_held_that_are_not_an_event_held(text, language):
    assert "hold" not in predicates(text, language)
