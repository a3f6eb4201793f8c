"""Round 7: the second opinions' ground and civil false alarms, by structure. Each case is a
sentence written for this file (not taken from any corpus), next to the breach it must still
catch. The second opinions run on given scores (no model), with the shipped rules file.

- The threat second opinion yields without a word of harm: the model's threat head also rises
  on insults, sexual remarks and exclusion. In a post with no word of violence or menace and
  no mention of the target's family or home, the ground an earlier rule found is the finding
  (no extra threat), and an insult no rule found, with no intent, condition or wish, is the
  abuse second opinion's (harassment). Threats with a harm or menace word, the target's family
  or home, or intent keep the threat ground.
- The hate second opinion yields without a group: in a post that names no group, the ground an
  earlier rule found is the finding, and an insult is the abuse second opinion's.
"""

from __future__ import annotations

import pytest

from bot.domain import Ground
from bot.policy.engine import PolicyEngine, load_engine
from bot.policy.evaluation import judge

HEADS = ("offensive", "abuse", "threat", "hate", "obscene", "spam")


class GivenScores:
    """A stand-in second opinion whose heads give the scores the test sets."""

    tier = "given"
    sha256 = "0" * 64
    spam_sha256 = None
    meta = {"thresholds": {"offensive": 0.58, "offensive_high_recall": 0.23, "abuse": 0.98, "threat": 0.76,
                           "hate": 0.85, "hate_group": 0.78, "obscene": 0.97, "spam": 0.9}}

    def __init__(self) -> None:
        self.now: dict[str, float] = {}

    def scores(self, text: str) -> dict[str, float]:
        return {head: self.now.get(head, 0.0) for head in HEADS}

    def scores_batch(self, texts: list[str]) -> list[dict[str, float]]:
        return [self.scores(t) for t in texts]


MODEL = GivenScores()
ENGINE = PolicyEngine(load_engine(classifier=False).ruleset, MODEL)
HIGH = {"threat": 0.95, "hate": 0.9, "offensive": 0.9}  # every head above its threshold


def rules_fired(text: str, **scores: float) -> list[str]:
    MODEL.now = scores or HIGH
    return [f.rule_id for f in judge(ENGINE, text).findings]


def grounds(text: str, **scores: float) -> set[Ground]:
    MODEL.now = scores or HIGH
    return {f.ground for f in judge(ENGINE, text).findings}


def test_auto_insult_threshold_is_the_abuse_rules_own():
    rule = next(rule for rule, _, _ in ENGINE._detectors if rule.id == "threat_second_opinion")
    assert rule.params["insult_threshold"] == pytest.approx(MODEL.meta["thresholds"]["offensive"])


# (post, the grounds with every head high): another rule's ground and no extra threat, beside
# the look-alike that keeps the threat second opinion (a harm or menace word, the target's
# family or home).
YIELDS_TO_ANOTHER_GROUND = [
    ("Cllr Brown, you're a useless plonker.", {Ground.HARASSMENT}),
    ("Deport every Polish family on the estate.", {Ground.HATE}),
    ("Cllr Brown you plonker, it'd be a pity if something went wrong for you.",
     {Ground.HARASSMENT, Ground.THREAT}),  # menace ("pity")
]

# No rule fires: an insult goes to the abuse second opinion; intent, menace or the target's
# family keep the threat ground.
INSULT_OR_THREAT = [
    ("Cllr Brown has the charm of a damp dishcloth.", "abuse_second_opinion"),
    ("Next time, Cllr Brown, you won't be so lucky.", "threat_second_opinion"),  # intent
    ("Cllr Brown, I know your daily routine now.", "threat_second_opinion"),  # menace
    ("Cllr Smith's daughter gets the school bus at eight, doesn't she.", "threat_second_opinion"),
]


@pytest.mark.parametrize(("text", "expected"), YIELDS_TO_ANOTHER_GROUND)
def test_threat_opinion_yields_to_another_ground_without_a_harm_word(text, expected):
    assert grounds(text) == expected


@pytest.mark.parametrize(("text", "rule"), INSULT_OR_THREAT)
def test_an_insult_alone_is_the_abuse_opinions_and_a_veiled_threat_keeps_its_ground(text, rule):
    assert rules_fired(text) == [rule]


def test_the_insult_yield_needs_the_abuse_score():
    """Below the abuse second opinion's threshold the threat second opinion keeps the post
    (flagged either way: the yield never drops a post from the queue)."""
    text = "Cllr Brown has the charm of a damp dishcloth."
    assert rules_fired(text, threat=0.95, offensive=0.5) == ["threat_second_opinion"]
    assert rules_fired(text, threat=0.95, offensive=0.6) == ["abuse_second_opinion"]


HATE_WITHOUT_GROUP = [
    ("Cllr Smith, you're a useless plonker.", {Ground.HARASSMENT}),
    ("The Polish lot on the estate, you know what they're like.", {Ground.HATE}),
    ("Cllr Smith is a total embarrassment to this town.", {Ground.HARASSMENT}),
    ("Those people from the travellers' site, you know what they're like.", {Ground.HATE}),
]


@pytest.mark.parametrize(("text", "expected"), HATE_WITHOUT_GROUP)
def test_hate_opinion_needs_a_group_to_take_the_post(text, expected):
    assert grounds(text, hate=0.9, offensive=0.9) == expected


def test_a_rules_file_without_the_yield_keeps_the_old_behaviour(tmp_path):
    from bot.policy.rules import DEFAULT_RULES_FILE

    local = tmp_path / "local.yaml"
    local.write_text(f"""
extends: {DEFAULT_RULES_FILE}
rules:
  - {{id: threat_second_opinion, params: {{head: threat, threshold: auto}}}}
""")
    engine = PolicyEngine(load_engine(path=local, classifier=False).ruleset, MODEL)
    MODEL.now = HIGH
    assert {f.ground for f in judge(engine, "Cllr Brown, you're a useless plonker.").findings} == {
        Ground.HARASSMENT, Ground.THREAT}
