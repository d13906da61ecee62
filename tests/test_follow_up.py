"""Follow-ups: which questions are read with the one before, and the vector they are searched with."""

import numpy as np
import pytest

from briefing_bot.follow_up import CONTEXT_WEIGHT, is_follow_up, what_is_asked, with_context


@pytest.mark.parametrize("question, language", [
    ("Und wann war das?", "de"), ("E quando foi isso?", "pt"), ("E chi l'ha firmata?", "it"),
    ("En wie tekende daar?", "nl"), ("A kto ją podpisał?", "pl"), ("А хто її підписав?", "uk"),
    ("Peki Japonya adına kim katıldı?", "tr"), ("Lalu kapan itu terjadi?", "id"), ("और वह कब हुआ था?", "hi"),
    ("それはいつ決まりましたか？", "ja"), ("그럼 언제 서명했어요?", "ko"), ("وهل وقعت الهند على النص؟", "ar"),
    ("Vậy khi nào văn kiện có hiệu lực?", "vi"), ("And what did he say there?", "en"), ("那它什么时候生效？", "zh"),
])
def test_questions_that_refer_back_are_follow_ups_in_every_language(question, language):
    assert is_follow_up(question, language)


@pytest.mark.parametrize("question", ["وبأي صفة حضر المراسم؟", "فمتى تدخل حيز النفاذ؟", "وَماذا عن روسيا وموقفها؟"])
def test_arabic_and_or_so_written_on_the_question_word_opens_a_follow_up(question):
    """"and" (و) or "so" (ف) on any question word, with or without diacritics, as ``question_type`` reads it."""
    assert is_follow_up(question, "ar")


@pytest.mark.parametrize("question, language", [
    ("Och vad sa hon där?", "sv"), ("Og hvem underskrev for dem?", "da"), ("Og når trer den i kraft der?", "no"),
    ("Și când a intrat acesta în vigoare?", "ro"), ("A kdo ji podepsal?", "cs"), ("És ő mit mondott?", "hu"),
    ("Milloin se allekirjoitettiin?", "fi"), ("Και τι είπε εκεί;", "el"), ("А кога я подписаха там?", "bg"),
    ("و او چه گفت؟", "fa"), ("ומה היא אמרה שם?", "he"), ("แล้วรัสเซียล่ะ", "th"), ("Dan bila ia berkuat kuasa?", "ms"),
    ("А када ју је потписала?", "sr"), ("А кога таа стапи во сила?", "mk"), ("А калі яна ўступіць у сілу?", "be"),
    ("اور وہ کب نافذ ہوگا؟", "ur"),
])
def test_follow_ups_are_recognised_in_languages_beyond_the_issues_twelve(question, language):
    """Every language the detector returns in the Latin, Cyrillic, Greek, Hebrew, Arabic and Thai
    scripts (Swedish "Vad sa han om konventionen?" was searched without its earlier question)."""
    assert is_follow_up(question, language)


@pytest.mark.parametrize("question, language", [
    ("Wann tritt die Konvention in Kraft?", "de"), ("Können Sie mir sagen, wer unterzeichnet hat?", "de"),
    ("Gibt es eine Liste der Unterzeichnerstaaten?", "de"), ("Quando a convenção entra em vigor?", "pt"),
    ("Quale paese ha firmato per primo?", "it"), ("条約はいつ発効しますか？", "ja"), ("협약은 언제 발효되나요?", "ko"),
    ("ما هي الدول التي وقعت على الاتفاقية؟", "ar"), ("Who chaired the signing ceremony in Hanoi?", "en"),
    ("Vilka länder undertecknade konventionen i Hanoi?", "sv"), ("Hvornår træder konventionen i kraft?", "da"),
    ("Co je to Hanojská úmluva?", "cs"), ("Mikor lép hatályba az egyezmény?", "hu"),
    ("Πότε τίθεται σε ισχύ η σύμβαση;", "el"), ("อนุสัญญามีผลบังคับใช้เมื่อใด", "th"), ("מה זה אמנת האנוי?", "he"),
])
def test_questions_that_stand_alone_are_not(question, language):
    assert not is_follow_up(question, language)


@pytest.mark.parametrize("context, question, language, asked", [
    ("Did China sign in Hanoi?", "And Japan?", "en", ("yesno", {"sign"})),  # a bare follow-up: type and predicate
    ("Когда Китай подписал конвенцию?", "А Япония?", "ru", ("date", {"sign"})),
    ("O Brasil assinou em Hanói?", "E a Índia?", "pt", ("yesno", {"sign"})),
    ("브라질은 서명했나요?", "인도는요?", "ko", ("yesno", {"sign"})),
    ("ABD sözleşmeyi imzaladı mı?", "Peki Çin?", "tr", ("yesno", {"sign"})),
    ("Can states still sign after Hanoi?", "And when does that window close?", "en", ("date", {"sign"})),  # own type
    ("Did China sign in Hanoi?", "When was it adopted?", "en", ("date", {"adopt"})),  # its own predicate: all its own
    ("", "And Japan?", "en", ("yesno", set())),  # not a follow-up
])
def test_a_follow_up_without_a_predicate_asks_what_its_earlier_question_asked(context, question, language, asked):
    assert what_is_asked(question, context, language) == asked


def test_a_follow_up_is_searched_with_its_own_vector_leaning_towards_the_earlier_question():
    question, context = np.eye(3)[0], np.eye(3)[1]
    vector = np.array(with_context(question.tolist(), context.tolist()))
    assert np.isclose(np.linalg.norm(vector), 1.0)
    assert vector @ question > vector @ context > 0
    assert np.isclose((vector @ context) / (vector @ question), CONTEXT_WEIGHT)
    nothing = [0.0, 0.0, 0.0]  # the fake embedder's vector of a text without words ("0")
    assert with_context(nothing, nothing) == nothing


def test_the_pipeline_searches_a_follow_up_with_both_questions_vectors(pipeline):
    history = [{"role": "user", "content": "Who chaired the signing ceremony?"},
               {"role": "assistant", "content": "..."}]
    prepared = pipeline.prepare("And where was it held?", history)
    assert prepared.context == "Who chaired the signing ceremony?"
    own, earlier = pipeline.embedder.embed_queries(["And where was it held?", "Who chaired the signing ceremony?"])
    assert np.allclose(pipeline.vectors([prepared])[0], with_context(own, earlier))
    standalone = pipeline.prepare("Where was the signing ceremony held?")
    assert np.allclose(pipeline.vectors([standalone])[0], pipeline.embedder.embed_query(standalone.question))
