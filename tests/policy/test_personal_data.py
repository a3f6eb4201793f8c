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


# (the author's own details, by the post's structure; someone else's look-alike next to it)
OWN_AND_THEIRS = [
    # a notice about the author's own find, no one else in it: no cue needed
    ("Found a silver locket by the war memorial, describe it and it's yours, 07700 900751.",
     "Found his wallet outside the Swan, his number is 07700 900746 if anyone knows him."),
    ("For sale: garden bench, £20 ono. 01632 960744 evenings.",
     "Selling Dave's old mower for him, 01632 960749."),
    ("Lost my car keys on a red lanyard near the Co-op, if you find them 07700 900742.",
     "Lost my car keys, the lad who found them is on 07700 900753."),
    # the first-person cue far before the number; "Mobile" alone is no one else's
    ("I'm Sue from Quarry Rise and I've been waiting three weeks for the pothole by my drive to be "
     "looked at, it's getting worse every day. Mobile 07700 900754.",
     "I've been waiting three weeks for the pothole by my drive and my neighbour Gary is fed up too. "
     "His mobile 07700 900755."),
    # an imperative "Email" as for phones
    ("Selling a child's car seat, barely used, £15. Email jo.seat@example.org.",
     "His home e-mail is pat.quarry@example.org, fill it up."),
    ("Still two places left on the litter pick. Contact pick.crew@example.net to join.",
     "Ring Dave's wife on 07700 900733 and tell her what you think."),
    # the author's own address, by "my address" / "I live at", in a post with no one else
    ("My address is 14 Quarry Rise, BS35 2XQ, the bin crew have missed us again.",
     "I've got her address: 14 Quarry Rise, BS35 2XQ."),
    ("Free to a good home: two guinea pigs with hutch. I live at 9 Orchard Mews, BS35 2XV.",
     "The bloke who keeps parking on the verge lives at 9 Orchard Mews, BS35 2XV."),
]


@pytest.mark.parametrize(("own", "theirs"), OWN_AND_THEIRS)
def test_own_details_by_structure_and_someone_elses_look_alike(engine, own, theirs):
    found = engine.evaluate(text_item(own), example_context())
    assert found, own
    for finding in found:
        assert finding.ground is Ground.PERSONAL_DATA, own
        assert finding.severity is Severity.LOW, own
        assert set(finding.proposed_actions) <= {ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE}, own
    assert personal(engine, own, kind=ItemKind.DM) == [], own
    found = personal(engine, theirs)
    assert found and all(f.severity > Severity.LOW for f in found), theirs
    assert personal(engine, theirs, kind=ItemKind.DM), theirs


def test_own_contact_details_in_a_dm_are_not_flagged(engine):
    text = "My name is Ann Jones, 07700 900456, please call me about the grave plot"
    assert personal(engine, text, kind=ItemKind.DM) == []


def test_someone_elses_number_in_a_dm_still_is(engine):
    assert personal(engine, "her mobile is 07700 900123, give her hell", kind=ItemKind.DM)


def test_the_councils_own_contacts_are_not_personal_data(engine):
    assert personal(engine, "Call the office on 01454 412103 or email clerk@thornburytowncouncil.gov.uk") == []
