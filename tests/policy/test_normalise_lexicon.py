"""Normalisation (with the map back to the original) and word-list matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.engine import load_engine
from bot.policy.lexicon import AllowList, Lexicon, read_entries, squeeze
from bot.policy.normalise import normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello", "hello"),
    ("ＩＤＩＯＴ", "idiot"),                    # full-width
    ("іdіоt", "idiot"),                         # Cyrillic look-alikes
    ("ιdιοτ", "idiot"),                         # Greek look-alikes
    ("𝐢𝐝𝐢𝐨𝐭", "idiot"),                        # mathematical bold
    ("idi\u200bot", "idiot"),                   # zero-width space
    ("id\u202eiot", "idiot"),                   # bidi override
    ("ìdíòt", "idiot"),                         # accents
    ("STRASSE", "strasse"),
    ("ᴍᴜᴘᴘᴇᴛ", "muppet"),                       # small capitals
])
def test_normalise(text, expected):
    assert normalise(text).text == expected


def test_original_span_maps_back_through_removed_and_expanded_characters():
    text = "you ｆ\u200bｕｃｋ off"
    norm = normalise(text)
    start = norm.text.index("fuck")
    span = norm.original_span(start, start + 4)
    assert span.text == "ｆ\u200bｕｃｋ"
    assert text[span.start:span.end] == span.text


def test_lone_surrogates_become_spaces():
    assert normalise("a\ud800b").text == "a b"


@pytest.fixture(scope="module")
def lexicon():
    return load_engine(classifier=False).lexicon


@pytest.mark.parametrize(("text", "word"), [
    ("numpty", "numpty"), ("NUMPTIES", "numpties"), ("numptyyyyy", "numptyyyyy"),
    ("n u m p t y", "numpty"), ("i.d.i.o.t", "idiot"), ("1d10t", "idiot"),
    ("f*ck", "f*ck"), ("sh!t", "shit"), ("b3llend", "bellend"), ("wazzzzock", "wazzzzock"),
    ("shiit", "shiit"), ("fuckwit", "fuckwit"), ("motherfucking", "motherfucking"),
    ("plonker", "plonker"), ("pillock", "pillock"), ("c**t", "c**t"), ("t w a t", "twat"),
    ("f.u.c.k", "fuck"), ("gobshite", "gobshite"), ("a$$", "ass"), ("A S S", "ass"),
    ("A-S-S", "ass"),
])
def test_obfuscated_words_match(lexicon, text, word):
    hits = lexicon.scan(normalise(text).text)
    assert [h.word for h in hits] == [word]


ALLOWED = [
    "Scunthorpe", "Clitheroe", "Lightwater", "Shitterton", "Penistone", "Cockermouth",
    "Cockfosters", "Bitchfield", "Twatt", "Penisarwaun", "saltwater", "meltwater", "assess",
    "cocktail", "cocktails", "therapist", "physiotherapist", "grape", "scrape", "peacock",
    "Hancock", "Hitchcock", "Babcock", "shuttlecock", "stopcock", "niggle", "sniggering",
    "retardant", "swanky", "Dickens", "cock-up", "blue tits", "spotted dick", "Pratts Bottom",
    "mishit", "Essex", "Sussex", "class", "passage", "Cockburnspath", "Cockington",
]


@pytest.mark.parametrize("word", ALLOWED)
def test_allow_list_words_do_not_match(lexicon, word):
    assert lexicon.scan(normalise(f"near {word} today").text) == []


def test_packaged_allow_list_is_real():
    from bot.policy.rules import PACKAGE_DATA

    assert len(read_entries((PACKAGE_DATA / "allowlist.txt").read_text())) >= 300


def test_council_allow_list_extends_matching():
    lexicon = Lexicon({"profanity": ["cock*"]}, AllowList(["cockerel*", "*water", "blue tit"]))
    assert lexicon.scan("the cockerels crowed") == []
    assert [h.word for h in lexicon.scan("cockhead")] == ["cockhead"]


def test_squeeze():
    assert squeeze("fuuuuck") == "fuck"


@pytest.mark.parametrize(("text", "decoded"), [
    ("i will k1ll you!", "i will kill you!"), ("gonna $tab u", "gonna stab u"),
    ("sh**t them", "shoot them"), ("@user 2024 hello", "@user 2024 hello"),
    ("h*rt", "hurt"), ("w*w", "w*w"),
])
def test_decode_leet_keeps_positions(text, decoded):
    from bot.policy.detectors.threats import VOCABULARY
    from bot.policy.leetspeak import decode_leet

    assert decode_leet(text, VOCABULARY) == decoded


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ak1l*$@!0 .h3rt", max_size=40))
def test_decode_leet_never_changes_the_length(text):
    from bot.policy.leetspeak import decode_leet

    assert len(decode_leet(text, frozenset({"kill", "hurt"}))) == len(text)


@pytest.mark.parametrize(("text", "flag"), [
    ("what a fuckwit", "STEM"), ("shiiiite", "LONG_RUN"), ("1d10t", "LEET_PAIR"),
    ("sh!t", "LEET_PAIR"), ("c@nt", "LEET_PAIR"), ("t w a t", "SPACED"), ("i.d.i.o.t", "SPACED"),
])
def test_the_prefilter_sees_each_dodge(text, flag):
    from bot.policy import lexicon as lx

    engine = load_engine(classifier=False)
    assert engine.lexicon.prefilter(text) & getattr(lx, flag)


def test_the_prefilter_is_quiet_on_ordinary_text():
    engine = load_engine(classifier=False)
    assert engine.lexicon.prefilter("thanks for fixing the bins on tuesday!") == 0


_MASKED = """
from bot.policy.engine import load_engine
from bot.policy.evaluation import judge
engine = load_engine(classifier=False)
for word in ("f*ck", "c**t", "tw*t", "f**k", "sh*t", "d*ck"):
    print(word, engine.lexicon.lookup(word))
print(judge(engine, "F*ck this council").as_dict()["rules"])
"""


def test_a_masked_word_is_read_the_same_way_in_every_process():
    """"f*ck" fits "feck" and "fuck": which one it was read as followed the order the word lists
    were read in, which changed with PYTHONHASHSEED ("F*ck this council" was obscene language in
    some processes and nothing in others). The most serious reading wins, in every process."""
    from tests.support import outputs_under_hash_seeds

    outputs = outputs_under_hash_seeds(_MASKED, 6)
    assert len(outputs) == 1
    readings = dict(line.split(" ", 1) for line in outputs.pop().splitlines()[:-1])
    assert readings["f*ck"] == readings["f**k"] == readings["c**t"] == readings["tw*t"] == "('profanity',)"
    assert readings["sh*t"] == "('profanity_mild',)"  # one word fits: it stays what it is


def test_the_most_serious_reading_of_a_masked_word_wins():
    lex = Lexicon({"mild": ["feck", "twit"], "strong": ["fuck", "twat"]}, AllowList(()), {"strong": 3, "mild": 1})
    assert lex.lookup("f*ck") == ("strong",) and lex.lookup("tw*t") == ("strong",)
    even = Lexicon({"b": ["feck"], "a": ["fuck"]}, AllowList(()))  # no weights: the first in the alphabet
    assert even.lookup("f*ck") == ("b",)  # "feck" < "fuck"


def test_a_starred_word_fitting_two_vocabulary_words_reads_the_same_in_every_process():
    """'b*rn' fits 'barn' and 'burn': the first alphabetically, whatever the hash seed."""
    from tests.support import outputs_under_hash_seeds

    code = ("from bot.policy.leetspeak import decode_leet; "
            "print(decode_leet('i will b*rn it', frozenset({'burn', 'barn', 'born', 'bern'})))")
    assert outputs_under_hash_seeds(code, 6) == {"i will barn it\n"}
