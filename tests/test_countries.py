"""The gazetteer of country names: which countries a question names, in its own language."""

from __future__ import annotations

from briefing_bot import countries
from briefing_bot.answer import Answerer
from briefing_bot.entities import Glossary, named


def test_countries_are_found_by_their_names_in_the_questions_language():
    assert countries.named("Did Germany sign?", "en") == {"DE"}
    assert countries.named("Hat Deutschland unterzeichnet?", "de") == {"DE"}
    assert countries.named("德国签署了吗？", "zh") == {"DE"}  # no spaces: anywhere
    assert countries.named("Подписала ли Германию... Германии", "ru") == {"DE"}  # inflected: from the stem
    assert countries.named("بالنسبة لألمانيا", "ar") == {"DE"}  # after a clitic
    assert countries.named("وقعت في نيويورك", "ar") == set()  # "نيوي" (Niue) inside a word is not a name
    assert countries.named("Did Niger or Nigeria sign?", "en") == {"NE", "NG"}  # the longest name first
    assert countries.named("Ý kiến của Việt Nam", "vi") == {"VN"}  # "Ý" (Italy) is too short to tell
    assert countries.named("Did Myanmar sign? Or Burma?", "en") == {"MM"}  # CLDR's "Myanmar (Burma)"


def test_colloquial_names_that_cldr_lacks_are_aliases():
    assert countries.named("Did Korea sign?", "en") == {"KR"}  # CLDR has "South Korea" only
    assert countries.named("한국은 서명했나요?", "ko") == {"KR"}
    assert countries.named("Has Turkey signed?", "en") == {"TR"}
    assert countries.named("Is turkey on the menu?", "en") == set()  # names are case-sensitive
    assert countries.named("Wer hat für die EU unterschrieben?", "de") == {"EU"}
    assert countries.named("EUR 5 million", "en") == set()  # an acronym is a whole word
    assert countries.named("La firma de Viet Nam", "es") == {"VN"}  # the UN's spelling, in every language


def test_a_union_covers_its_members():
    assert countries.unions({"DE"}) == {"EU"} and countries.unions({"KR"}) == set()
    assert countries.called("Union européenne", "fr") == {"EU"} and countries.called("Europe", "fr") == set()


def test_who_asked_about_a_state_wants_a_person_of_that_state():
    from briefing_bot.answer import Quote, answers_who
    from briefing_bot.selection import FEATURES
    from briefing_bot.types import Passage, Sentence

    def quote(text: str, fit: float) -> Quote:
        passage = Passage(passage_id="p", doc_id="d", index=0, text=text, language="en", group="g", title="t",
                          publisher="p", url="", published="2025")
        features = tuple(fit if name == "fits" else 0.0 for name in FEATURES)
        return Quote(passage, Sentence("s", "p", text, 0, len(text)), 0.5, features)

    gutsan = quote("Prosecutor General Alexander Gutsan signed for Russia in Hanoi.", 1.0)
    listed = quote("States that signed include China, Russia and France.", 0.3)
    assert answers_who(gutsan, {"RU"}) and not answers_who(gutsan, {"CN"})  # Russia's signatory is not China's
    assert not answers_who(listed, {"CN"})  # the states that signed are not who signed for China
    assert answers_who(listed, set())  # "Who signed?" names no state: the list answers it


def test_a_question_about_a_country_the_knowledge_never_names_has_no_answering_sentence():
    assert named({"country:KR"}, frozenset({"japan"}), {"japan": 1.0}) == (0.0, 1.0)
    assert named({"japan"}, frozenset({"japan"}), {"japan": 1.0}) == (1.0, 0.0)


def _answerer(knowledge: str) -> Answerer:
    """An answerer warmed up on one English passage ``knowledge``."""
    from types import SimpleNamespace

    from briefing_bot.types import Passage

    passage = Passage(passage_id="p", doc_id="d", index=0, text=knowledge, language="en", group="g", title="t",
                      publisher="p", url="", published="2025")
    retriever = SimpleNamespace(warm_up=lambda: None, versions={"g": [passage]}, passages={"p": passage})
    glossary = Glossary({"european-union": {"en": ("European Union",)},
                         "japan": {"en": ("Japan",), "fr": ("Japon",)}, "unodc": {"en": ("UNODC",)}})
    answerer = Answerer(retriever, None, glossary=glossary)
    answerer.warm_up()
    return answerer


def test_the_answerer_names_unknown_countries_and_members_by_their_union():
    answerer = _answerer("The European Union, Austria and Japan signed; UNODC was there.")
    assert answerer.places == {"EU": "european-union", "JP": "japan"}
    assert answerer.entities("Did Korea sign?", "en") == {"country:KR"}
    assert answerer.entities("Did Japan sign?", "en") == {"japan"}
    assert answerer.entities("Le Japon a-t-il signé ?", "fr") == {"japan"}
    assert answerer.entities("Podepsalo Japonsko?", "cs") == {"japan"}  # no Czech name in the glossary: CLDR's
    assert answerer.entities("Did Austria sign?", "en") == set()  # named, but the glossary has no entity for it
    assert answerer.entities("Did Germany sign?", "en") == {"european-union"}  # a member of a union it names
    assert answerer.entities("Đức có ký không?", "vi") == {"european-union"}  # CLDR: "Liên Minh Châu Âu"
    assert answerer.entities("Podepsalo Německo?", "cs") == {"european-union"}
    assert _answerer("Austria signed.").entities("Did Germany sign?", "en") == {"country:DE"}
