"""The second opinion's operating point and target gate, with the score given (no model).

It fires at or above its threshold, only on a post aimed at a person or group, never on
one reporting or condemning abuse; ``auto`` is the threshold the model file was trained with.
"""

from __future__ import annotations

import pytest

from bot.policy.analysis import Analysis
from bot.policy.detectors.statistical import abuse_classifier
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


def hit(engine, text: str, score: float, threshold: float = 0.73):
    a = Analysis(text_item(text), example_context(), engine.lexicon,
                 lambda norm, words: {"offensive": score, "spam": 0.0})
    return abuse_classifier(a, {"head": "offensive", "threshold": threshold})


# (text, aimed at someone?)
GATE = [
    ("you are a disgrace to this town", True),
    ("u r a waste of space", True),                       # text-speak is still second person
    ("@bob_smith what a pathetic excuse", True),
    ("Cllr Brown is a disgrace", True),
    ("the mayor should be ashamed of himself", True),
    ("This road is a disgrace and the resurfacing is pathetic", False),
    ("The precept rise is a farce, the budget is a circus", False),
    ("Bloody awful bin collection again, useless service", False),
    ("Someone called me a 'useless cow' at the bus stop. Please remove that comment.", False),
]


@pytest.mark.parametrize(("text", "aimed"), GATE)
def test_the_gate_needs_a_person_or_group(engine, text, aimed):
    assert (hit(engine, text, 0.95) is not None) is aimed


@pytest.mark.parametrize(("score", "fires"), [(0.95, True), (0.73, True), (0.729, False), (0.2, False)])
def test_it_fires_at_or_above_its_threshold(engine, score, fires):
    found = hit(engine, "you are a disgrace to this town", score)
    assert (found is not None) is fires
    if found is not None:
        assert f"{score:.2f}" in found.detail and "aimed at the person replied to" in found.detail


def test_auto_is_the_threshold_the_model_was_trained_with():
    full = load_engine()
    assert full.classifier is not None
    wanted = full.classifier.meta["thresholds"]["offensive"]
    rule = next(rule for rule, _, _ in full._detectors if rule.id == "abuse_second_opinion")
    assert rule.params["threshold"] == pytest.approx(wanted)
    spam_rule = next(rule for rule, _, _ in full._detectors if rule.detector == "spam")
    assert spam_rule.params["classifier_threshold"] == pytest.approx(full.classifier.meta["thresholds"]["spam"])
    # the graded points sit below the full-points threshold, highest first
    tiers = sorted(spam_rule.params["classifier_tiers"], key=lambda t: -t[0])
    assert all(t[0] < spam_rule.params["classifier_threshold"] and 0 < t[1] < 3 for t in tiers)
