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


def hate_hit(engine, text: str, score: float, threshold: float = 0.9, group_threshold: float | None = 0.5):
    a = Analysis(text_item(text), example_context(), engine.lexicon,
                 lambda norm, words: {"hate": score, "offensive": 0.0, "spam": 0.0})
    params = {"head": "hate", "threshold": threshold}
    if group_threshold is not None:
        params["group_threshold"] = group_threshold
    return abuse_classifier(a, params)


# The hate rule's two levels: the lower threshold only where the post names a protected
# group (the hate detectors' own terms) and the target guard passes. (text, fires at 0.6?)
TWO_LEVEL = [
    ("Muslims should all be sent back where they came from", True),
    ("He should be sent back where he came from", False),    # aimed at a person, no group named: 0.9 applies
    ("Travellers are ruining this town, every last one of them", True),
    ("The roadworks are ruining this town, every last one of them", False),  # about things
    ("Someone sprayed 'Muslims out' on the bus shelter, please remove it", False),  # reporting abuse
    ("Whoever wrote that about the Polish family on Castle Street: you're the disgrace", False),  # condemning
]


@pytest.mark.parametrize(("text", "fires"), TWO_LEVEL)
def test_the_lower_hate_threshold_needs_a_named_group_and_the_guard(engine, text, fires):
    assert (hate_hit(engine, text, 0.6) is not None) is fires
    assert hate_hit(engine, text, 0.6, group_threshold=None) is None  # one level: 0.9 for every post


@pytest.mark.parametrize(("text", "fires"), TWO_LEVEL)
def test_the_usual_hate_threshold_still_applies_to_every_post(engine, text, fires):
    guarded = text.startswith(("Someone sprayed", "Whoever wrote", "The roadworks"))
    assert (hate_hit(engine, text, 0.95) is not None) is (not guarded)


def test_group_threshold_auto_reads_hate_group_or_falls_back_to_hate():
    from dataclasses import replace

    from bot.policy.engine import _with_model_thresholds

    full = load_engine()
    rule = next(r for r in full.ruleset.rules if r.id == "hate_second_opinion")
    rule = replace(rule, params={**rule.params, "threshold": "auto", "group_threshold": "auto"})

    class Meta:
        def __init__(self, thresholds):
            self.meta = {"thresholds": thresholds}

    both = _with_model_thresholds(rule, Meta({"hate": 0.8, "hate_group": 0.55}))  # type: ignore[arg-type]
    assert (both.params["threshold"], both.params["group_threshold"]) == (0.8, 0.55)
    old = _with_model_thresholds(rule, Meta({"hate": 0.8}))  # type: ignore[arg-type]
    assert (old.params["threshold"], old.params["group_threshold"]) == (0.8, 0.8)
