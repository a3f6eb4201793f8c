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
- Civil kinds the threat rules read as threats: the council's vehicles or the council itself as
  "you" ("I know where you park your gritter lorry", "I know where you live, Thornbury Town
  Council"), the split reflexive ("before someone hurts them selves"), a quotation condemned or
  described as a message others sent ("'You'll regret this' is not feedback").
- Civil kinds the second opinions' target guard now stops: the only person is the author's own
  family, friend or neighbour, or the insult is said of their pet; a derogation of a group
  denied or support for its needs, with no form of hate in the post; a civic or natural
  consequence the council is warned of, with no word of harm.
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
    fired = rules_fired(text)
    if rule == "abuse_second_opinion":
        assert fired == [rule]
    else:  # the abuse second opinion may find it too (it runs first); the threat ground stays
        assert rule in fired and set(fired) <= {rule, "abuse_second_opinion"}


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
    got = grounds(text, hate=0.9, offensive=0.9)
    if Ground.HATE in expected:  # the abuse second opinion (it runs first) may find it too
        assert Ground.HATE in got and got <= {Ground.HATE, Ground.HARASSMENT}
    else:
        assert got == expected


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


RULES = load_engine(classifier=False)

# (breach, civil look-alike), rules only: the breach is a threat, the look-alike nothing.
THREAT_RULES = [
    ("I know where you park your car, Cllr Brown.",
     "I know where you park your gritter lorry, it's behind the depot and hasn't moved all week."),
    ("I know where you live, Cllr Brown.",
     "I know where you live, Thornbury Town Council: Castle Street, and I'll be there on Tuesday with my question."),
    ("Fix the swings or someone will hurt them, I swear.",
     "The swings are broken again and my daughter's hand got cut, fix them before someone hurts them selves."),
    ("You'll regret this, Cllr Brown.", "'You'll regret this' is not feedback, it's intimidation. Stop it."),
    ("My message to the clerk: 'you'll get what's coming'.",
     "Someone is sending the same 'you'll get what's coming' message to everyone who backs the scheme. Block them."),
    ("You'll regret this, clerk.", "The clerk keeps getting messages like 'you'll regret this'. Pack it in."),
]


@pytest.mark.parametrize(("breach", "civil"), THREAT_RULES)
def test_threat_rules_keep_the_breach_and_leave_the_look_alike(breach, civil):
    assert Ground.THREAT in {f.ground for f in judge(RULES, breach).findings}, breach
    assert judge(RULES, civil).findings == (), civil


# (breach, civil look-alike, scores): every head given high; the breach is flagged on the
# expected ground, the look-alike not at all.
GUARD = [
    ("Cllr Smith will have to be dragged to the quiz night, she'll grumble.",
     "I'll have to drag my neighbour to the quiz night, she'll grumble all the way.", Ground.THREAT),
    ("You are a complete moron, watch your kids near the pond.",
     "Our cat is a complete moron and fell in the pond. She's fine, but watch your kids near it.", Ground.HARASSMENT),
    ("Immigrants are not all thieves, but most of them are.",
     "Disabled people are not a burden. Accessible toilets are a basic need.", Ground.HATE),
    ("Disabled residents have waited long enough, time they were moved out of town.",
     "Disabled residents have waited long enough for a Changing Places toilet.", Ground.HATE),
    ("Pensioners are the problem with parking, every one of them.",
     "Pensioners aren't the problem with parking, the school run is.", Ground.HATE),
    ("Trans people are welcome to the new toilets, perverts the lot of them.",
     "Trans people are welcome at the youth club's new drop-in.", Ground.HATE),
    ("If the council won't fix the fence, we'll sort you out ourselves.",
     "If the council won't fix the fence, we'll do it ourselves and send you the bill.", Ground.THREAT),
    ("If you cut the Saturday collection you'll have a brick through your window.",
     "If you cut the Saturday collection you'll have foxes in every bin in town.", Ground.THREAT),
    ("If you close the library we'll make sure you regret it.",
     "If you close the library we'll take you to court.", Ground.THREAT),
]


@pytest.mark.parametrize(("breach", "civil", "ground"), GUARD)
def test_the_guard_stops_the_civil_kind_and_keeps_the_breach(breach, civil, ground):
    assert ground in grounds(breach, threat=0.95, hate=0.9, offensive=0.9), breach
    assert grounds(civil, threat=0.95, hate=0.9, offensive=0.9) == set(), civil


def test_the_oof_guard_mirrors_the_engine():
    """``scripts/transformer_oof.guard_flags`` (the thresholds' choice) reads the same guard."""
    from scripts.transformer_oof import guard_flags

    texts = [civil for _, civil, _ in GUARD] + [breach for breach, _, _ in GUARD]
    expected = [False] * len(GUARD) + [True] * len(GUARD)
    assert guard_flags(texts, head="offensive") == expected
