"""Spam signals as SMS and video-comment spam writes them, next to the ham that looks like it.

Self-promotion ("sub me", "follow me on instagram", "my new song"), charged texts and
premium-rate lines are commercial signals; a resident's "txt me", an ordinary phone number,
a 5-digit reference or "follow the link to the consultation" are not. A middling
statistical score counts only together with another signal.
"""

from __future__ import annotations

import importlib

import pytest

from bot.policy.analysis import Analysis
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

spam_module = importlib.import_module("bot.policy.detectors.spam")
RULES_ONLY = {"threshold": 3, "use_classifier": False}


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


def kinds(engine, text: str) -> list[str]:
    a = Analysis(text_item(text), example_context(), engine.lexicon)
    return [kind for kind, _ in spam_module._signals(a, RULES_ONLY)]


# (text, the signal kinds it must include, or (): no phrase or number signal, not spam)
SIGNALS = [
    ("Sub me if you like the song", ("spam_phrase",)),
    ("Follow me on Instagram, link in the comments", ("spam_phrase",)),
    ("Check me out, I'm all about gaming", ("spam_phrase",)),
    ("Nice song. See my new track", ("spam_phrase",)),
    ("Like 4 like, follow 4 follow", ("spam_phrase",)),
    ("Sorry for the spam but please watch my video", ("spam_phrase",)),
    ("Text RALLY to 61200 (25p) to enter", ("spam_phrase",)),
    ("For removal send STOP to 87239", ("spam_phrase",)),
    ("Ring 0906 123 4567 now, costs 20p/min", ("spam_phrase", "premium_number")),
    ("Call 09058094583 to book your time", ("premium_number",)),
    ("Dial 08712300220 to claim", ("premium_number",)),
    # ham look-alikes: nothing
    ("Hello, I've finished college now so txt me when you finish", ()),
    ("Please call me on 07700 900123 about the fence", ()),
    ("The council office is on 01454 412000, ask for the clerk", ()),
    ("My planning reference is 24/01234/FUL, case number 61200", ()),
    ("Follow the link to the consultation and add your comments", ()),
    ("I'll check with the clerk and add my name to the list", ()),
    ("We watched the new video of the bypass plans at the meeting", ()),
    ("Text me when the bin lorry has been, thanks", ()),
    ("Follow us on Facebook for the fete updates, and check us out at the Christmas market", ()),
]


@pytest.mark.parametrize(("text", "expected"), SIGNALS)
def test_spam_signals(engine, text, expected):
    found = kinds(engine, text)
    if expected:
        assert set(expected) <= set(found), found
    else:  # at most a lone offer word ("txt"), which is never spam by itself
        assert not {"spam_phrase", "premium_number"} & set(found), found
        assert spam_module.spam(Analysis(text_item(text), example_context(), engine.lexicon),
                                RULES_ONLY) is None


@pytest.mark.parametrize(("number", "premium"), [
    ("09058094583", True), ("0906 123 4567", True), ("0871 230 0220", True), ("0844 861 8585", True),
    ("07700 900123", False), ("01454 412000", False), ("0800 195 6669", False), ("0117 496 0123", False),
    ("0906 123 456", False),  # ten digits: not a whole number
])
def test_premium_numbers(number, premium):
    assert bool(spam_module.premium_numbers(f"ring {number} today")) is premium


TIERS = {"classifier_threshold": 0.84, "classifier_tiers": [[0.65, 2], [0.45, 1]]}


@pytest.mark.parametrize(("score", "points"), [
    (0.99, 3), (0.84, 3), (0.83, 2), (0.65, 2), (0.64, 1), (0.45, 1), (0.44, 0), (0.0, 0)])
def test_classifier_points_are_graded(score, points):
    assert spam_module.classifier_points(score, TIERS) == points


def test_classifier_points_without_tiers_are_all_or_nothing():
    assert spam_module.classifier_points(0.8, {"classifier_threshold": 0.84}) == 0
    assert spam_module.classifier_points(0.9, {"classifier_threshold": 0.84}) == 3


def test_a_middling_score_alone_is_not_spam_but_adds_up(engine):
    def verdict(text: str, score: float):
        a = Analysis(text_item(text), example_context(), engine.lexicon,
                     lambda norm, words: {"spam": score, "offensive": 0.0})
        return spam_module.spam(a, {"threshold": 3, **TIERS})

    assert verdict("Lovely day at the fete, well done everyone", 0.8) is None
    # the real NHS site is not a look-alike link, so a middling score has nothing to add up with
    assert verdict("Free flu jab info here https://www.nhs.uk/vaccinations/flu-vaccine/", 0.8) is None
    assert verdict("Book your jab at https://nhs-booking-uk.example/claim", 0.8) is not None
    # a shortened link (2 points) and a middling score do not add up: Twitter shortens every link
    assert verdict("Photo check for the bonfire night http://t.co/Hx1wghJAzy", 0.79) is None
    assert verdict("Photo check for the bonfire night http://t.co/Hx1wghJAzy", 0.9) is not None
    assert verdict("Sub me if you like the song", 0.3) is None   # a phrase alone: 2 points
    hit = verdict("Sub me if you like the song", 0.7)            # phrase 2 + middling score 2
    assert hit is not None and "statistical spam score of 0.70" in hit.detail
