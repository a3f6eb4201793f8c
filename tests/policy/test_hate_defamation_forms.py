"""Hate without slurs and accusations, by their general forms, each breach next to a
civil look-alike (rules only, the example council). Sentences not in the corpora."""

from __future__ import annotations

import pytest

from bot.domain import Ground
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

ENGINE = load_engine(classifier=False)


def grounds(text: str) -> set[Ground]:
    return {f.ground for f in ENGINE.evaluate(text_item(text), example_context())}


HATE = [
    # dehumanising simile / civil simile about things
    ("The Bulgarians moved in like rats and the street went downhill.",
     "The volunteers moved in like clockwork and the hall was ready by ten."),
    # invasion language / civil flooding
    ("Thornbury is being swamped by immigrants.", "Thornbury is being swamped by surface water again."),
    # a generalisation with a crime noun / a fact about an individual dealer
    ("Albanians are all drug dealers.", "Two drug dealers were arrested near the skate park."),
    # exclusion from roles / inclusion
    ("Lesbians shouldn't be working with children.", "Lesbians and gay men are welcome to join the choir."),
    # segregation
    ("Disabled kids should be kept out of the summer scheme.",
     "Disabled kids should be kept in mind when the summer scheme is planned."),
    # letting a group suffer
    ("Let the refugees starve, not our money.", "Let the refugees know the food bank opens on Friday."),
    # conspiracy about a religion
    ("Muslims always end up in charge of everything round here.",
     "Muslims from the mosque ended up helping at every flood clear-up."),
    # refusal to integrate
    ("Poles won't integrate, they never will.", "Poles and Brits mixed brilliantly at the food festival."),
]
DEFAMATION = [
    ("Cllr Brown pocketed the hall's bar takings.", "The bar takings at the hall went up this year."),
    ("Sarah Jones is a convicted embezzler, look it up.", "Who audits the clerk's accounts? Just asking how it works."),
    ("Jane Smith fixed the raffle so her sister won.", "The raffle was fixed for 3pm on Saturday."),
    ("The clerk was arrested for shoplifting at the Co-op.", "Someone was arrested for shoplifting at the Co-op."),
    ("Tom Brown got a police caution last year, ask him what for.",
     "The police gave a caution to drivers parking on the zigzags."),
    ("Our deputy clerk has been nicking stationery from the office for years.",
     "Whoever keeps nicking my newspaper, please stop, it's only 80p."),
]


@pytest.mark.parametrize(("breach", "civil"), HATE)
def test_hate_and_its_civil_look_alike(breach, civil):
    assert Ground.HATE in grounds(breach), breach
    assert grounds(civil) == set(), civil


@pytest.mark.parametrize(("breach", "civil"), DEFAMATION)
def test_accusation_and_its_civil_look_alike(breach, civil):
    assert Ground.DEFAMATION in grounds(breach), breach
    assert grounds(civil) == set(), civil


@pytest.mark.parametrize("text", [
    "A councillor was convicted of fraud somewhere in Devon. Could it happen here?",
    "The parking charges are a con and the precept is daylight robbery.",
])
def test_indefinite_people_and_things_are_not_accused(text):
    assert Ground.DEFAMATION not in grounds(text)
