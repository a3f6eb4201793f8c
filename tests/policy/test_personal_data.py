"""Personal data by format, not validity, and a resident's own contact details."""

from __future__ import annotations

import pytest

from bot.domain import ActionKind, Ground, ItemKind, Severity
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


def personal(engine, text, kind=ItemKind.REPLY):
    return [f for f in engine.evaluate(text_item(text, kind=kind), example_context())
            if f.ground is Ground.PERSONAL_DATA]


# (breach, civil look-alike next to it)
PAIRS = [
    ("Cllr Brown drives a silver Audi, reg AB12 CDE", "A van, reg AB12 CDE, has been parked on the verge for weeks"),
    ("His car is the black Range Rover outside number 4", "The black Range Rover advert on the bus shelter is huge"),
    ("Her daughter goes to Castle School and walks home at 3.30", "The school run on Castle Street is chaos at 3.30"),
    ("Their kids play in the rec every evening on their own", "Kids play in the rec every evening, it's lovely"),
    ("She works at the Co-op on the High Street and finishes at 6pm", "The Co-op on the High Street closes at 6pm now"),
    ("He works at the garage on Bath Road, Saturdays 9 till 5", "I work at the garage on Bath Road on Saturdays"),
    ("Ring him on 07700 900123, he deserves the calls", "Ring 101 to report it, or 999 if it is an emergency"),
    ("Her NI number is QQ 12 34 56 C", "Form QQ12 on page 34 of the guide"),
]


@pytest.mark.parametrize(("breach", "civil"), PAIRS)
def test_personal_data_and_its_civil_look_alike(engine, breach, civil):
    assert personal(engine, breach), breach
    assert personal(engine, civil) == [], civil


@pytest.mark.parametrize("text", [
    "Please call me on 07700 900123 about the flooding, I have photos",
    "My email is jo.bloggs@example.com if the clerk wants the pictures",
    "I'm on 01454 412999 most evenings",
    "My name is Ann Jones, 07700 900456, please call me about the grave plot",
])
def test_own_contact_details_are_low_and_at_most_hidden(engine, text):
    (finding,) = personal(engine, text)
    assert finding.severity is Severity.LOW
    assert set(finding.proposed_actions) <= {ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE}
    assert not finding.police_referral


def test_own_contact_details_in_a_dm_are_not_flagged(engine):
    text = "My name is Ann Jones, 07700 900456, please call me about the grave plot"
    assert personal(engine, text, kind=ItemKind.DM) == []


def test_someone_elses_number_in_a_dm_still_is(engine):
    assert personal(engine, "her mobile is 07700 900123, give her hell", kind=ItemKind.DM)


def test_the_councils_own_contacts_are_not_personal_data(engine):
    assert personal(engine, "Call the office on 01454 412103 or email clerk@thornburytowncouncil.gov.uk") == []
