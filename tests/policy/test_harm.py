"""Threats by structure (harm x target x intent), each breach next to its civil look-alike.

The sentences here are not in the corpora: they check the structure, not the
corpus's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.domain import Ground
from bot.policy.detectors.harm import structural_threat
from bot.policy.engine import load_engine
from bot.policy.evaluation import EXAMPLE_COUNCIL, example_context, text_item
from bot.policy.lexicon import WORD_RE
from bot.policy.normalise import normalise

ENGINE = load_engine(classifier=False)
PEOPLE = tuple(EXAMPLE_COUNCIL.people)


def found(text: str):
    return structural_threat(normalise(text).text, PEOPLE)


def grounds(text: str) -> set[Ground]:
    return {f.ground for f in ENGINE.evaluate(text_item(text), example_context())}


# (breach, civil look-alike): the same harm word, a thing or an idiom instead of a person.
PAIRS = [
    ("I'll poison your dog if it barks at me again.", "The council should poison the rats by the river."),
    ("Someone ought to drown the clerk in the mill pond.", "The rain will drown the mill pond's ducklings' nests."),
    ("Keep voting like that and I'll flood your kitchen.",
     "Keep the gullies clear or the storm will flood the kitchen."),
    ("Cllr Brown should be run off the road one night.", "Lorries keep getting run off the road at Tockington."),
    ("We're going to string the chairman up by his tie.", "We're going to string the bunting up by the war memorial."),
    ("hope ur kids end up in hospital", "hope the nurses on the children's ward end up with a pay rise"),
    ("Pass that budget and you'll never walk again.",
     "Pass the budget and you'll never walk to the bank again, they're closing it."),
    ("A bullet is what Jane Smith deserves.", "The bullet points in the agenda were hard to follow."),
    ("I'm going to torch the clerk's van.", "I'm going to torch the weeds on my drive, is that allowed?"),
    ("Your windows won't last the night, Brown.", "These cheap bulbs won't last the winter."),
    ("If you close the lido I'll hurt you.", "If you close the lido it will hurt families in the summer."),
    ("I know what time your daughter finishes netball, Tom.", "I know what time the netball finishes, it's 6."),
    ("Be a real pity if your tyres went flat every morning.", "Be a real pity if the market moved to Yate."),
    ("Next meeting I'm bringing a crowbar.", "Next meeting I'm bringing a cake for the volunteers."),
    ("You'd better hope nobody sets fire to your shed.", "You'd better hope the bonfire stays lit, it's freezing."),
]
IDIOMS = [
    "I could murder a pint after that meeting.",
    "My wife will kill me for staying out this late at the quiz.",
    "We beat them at the quiz, we'll beat them again at the fete.",
    "Someone's going to break their neck on those steps.",
    "The parking charges will kill this town.",
    "Knock 'em dead at the carol concert, choir!",
    "I'll be drowning my sorrows if the pub shuts.",
    "Fire up the urn, the coffee morning starts at 10.",
    "I know where you're coming from, but the bins really are a mess.",
]


@pytest.mark.parametrize(("breach", "civil"), PAIRS)
def test_threat_and_its_civil_look_alike(breach, civil):
    assert found(breach) is not None, breach
    assert Ground.THREAT in grounds(breach), breach
    assert found(civil) is None, civil
    assert Ground.THREAT not in grounds(civil), civil


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_are_not_threats(text):
    assert found(text) is None
    assert Ground.THREAT not in grounds(text)


def test_the_span_points_at_the_harm():
    text = "Carry on like this and I'll knife you, Brown."
    (start, end), kind = found(text)
    assert "knife you" in normalise(text).text[start:end]
    assert kind == "a conditional threat"


def test_the_gate_lets_every_structural_threat_through():
    """The engine runs the structural check only when the post has a gate word: every
    corpus post (tuning part) the check finds must have one, or the gate hides it."""
    from bot.policy.detectors.threats import STRUCTURE_WORDS

    corpus = Path(__file__).parent / "corpus"
    texts = [p["text"] for name in ("breaches.tune.yaml", "civil.tune.yaml")
             for p in yaml.safe_load((corpus / name).read_text(encoding="utf-8"))["posts"]]
    texts += [b for b, _ in PAIRS]
    for text in texts:
        norm = normalise(text).text
        if structural_threat(norm, PEOPLE) is not None:
            assert not frozenset(WORD_RE.findall(norm)).isdisjoint(STRUCTURE_WORDS), text
