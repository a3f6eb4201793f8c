"""Someone else's whereabouts with a time, and a resident's own contact details
(rules only, the example council). Sentences not in the corpora."""

from __future__ import annotations

import pytest

from bot.domain import ActionKind, Ground, Severity
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

ENGINE = load_engine(classifier=False)


def findings(text: str):
    return ENGINE.evaluate(text_item(text), example_context())


# (breach, civil look-alike)
WHEREABOUTS = [
    ("Tom Brown's lad is in Year 9 at Marlwood, his bus goes at 8.05.",
     "The Marlwood bus goes at 8.05, please keep the stop clear."),
    ("The clerk's husband works nights at the Filton depot this week.",
     "I work nights at the Filton depot this week, so no meeting for me."),
    ("Her daughter plays for the Alveston under-10s, Saturday mornings at 9.",
     "My daughter plays for the Alveston under-10s, Saturday mornings at 9."),
    ("Cllr Smith swims at the leisure centre every morning at 7.",
     "The leisure centre pool opens every morning at 7."),
]


@pytest.mark.parametrize(("breach", "civil"), WHEREABOUTS)
def test_someone_elses_whereabouts_and_a_civil_look_alike(breach, civil):
    assert Ground.PERSONAL_DATA in {f.ground for f in findings(breach)}, breach
    assert findings(civil) == [], civil


@pytest.mark.parametrize("text", [
    "Lost a black lab near the Plain, text 07700 900411 if you see him.",
    "For lifts to the hospital call Pat on 07700 900412.",
    "My email is jo.litterpick@example.org if you want to help on Sunday.",
])
def test_own_contact_details_are_low_and_hide_at_most(text):
    found = [f for f in findings(text) if f.ground is Ground.PERSONAL_DATA]
    assert found, text
    for f in found:
        assert f.severity is Severity.LOW
        assert set(f.proposed_actions) <= {ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE}


@pytest.mark.parametrize("text", [
    "Call him on 07700 900413 and tell him what you think of his vote.",
    "Ring Jane Smith on 07700 900414, she deserves to hear it.",
])
def test_someone_elses_number_is_not_the_authors(text):
    found = [f for f in findings(text) if f.ground is Ground.PERSONAL_DATA]
    assert found and all(f.severity > Severity.LOW for f in found), text
