"""Whatever the text, the engine answers: no crash, spans inside the original text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.policy import load_engine
from bot.policy.evaluation import example_context, text_item

ENGINE = load_engine()  # with the classifier, as in production
CTX = example_context()
# Any code point, including lone surrogates, controls, bidi and zero-width characters.
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=300)


def check(text: str) -> None:
    for finding in ENGINE.evaluate(text_item(text), CTX):
        for span in finding.spans:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start:span.end] == span.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_any_unicode_text(text):
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "idiot", "f*ck", "you", "07911 123456", "@a@b.c", "https://bit.ly/x", "Scunthorpe", "\u200b",
    "\u202e", "😀", "👍🏽", "\ud83d", "ꙮ", "مرحبا", "你好", "Здравствуйте", "i.d.i.o.t", " ", "\n",
    "kill", "BS35 2AB", "12 Mill Lane", "lives at", "ｆｕｃｋ",
]), max_size=40).map("".join))
def test_mixtures_of_tricky_pieces(text):
    check(text)


@pytest.mark.parametrize("text", [
    "Bonjour, la mairie est fermée aujourd'hui.", "Guten Tag, wann ist die Sitzung?",
    "Diolch yn fawr i'r cyngor tref", "ありがとうございます", "شكرا لكم", "🎉🎉🎉🇬🇧",
    "\ud800\udfff lone halves", "\x00\x01\x1b[31m", "",
])
def test_non_english_and_odd_texts_are_not_flagged(text):
    assert not [f for f in ENGINE.evaluate(text_item(text), CTX)
                if f.ground.value != "off_topic" and f.rule_id != "abuse_second_opinion"]


def test_a_100_kb_post():
    text = ("The parish council meeting discussed the village green. " * 2000)[:100_000]
    check(text + " you numpty 07911 123456")
    findings = ENGINE.evaluate(text_item(text + " you numpty"), CTX)
    assert any(f.rule_id == "insult" for f in findings)
