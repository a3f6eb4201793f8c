"""Each new detector with the civil look-alike next to each breach (rules only, example council)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Author, Ground
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

ENGINE = load_engine(classifier=False)


def grounds(text: str, author: Author | None = None) -> set[Ground]:
    return {f.ground for f in ENGINE.evaluate(text_item(text, author=author), example_context())}


# (ground, breach, civil look-alike)
PAIRS = [
    # hate without a slur
    (Ground.HATE, "Polish people are all thieves, lock up your tools.",
     "Polish people run the best deli on the High Street, lovely bread."),
    (Ground.HATE, "Refugees are vermin and the hotel should be shut.",
     "Refugees are not vermin, they are our neighbours. Shame on whoever wrote that leaflet."),
    (Ground.HATE, "No more Muslims in this town.", "No more potholes in this town, please!"),
    (Ground.HATE, "Send the immigrants back where they came from.",
     "Send the immigration advice leaflet to the library please."),
    (Ground.HATE, "Disabled people are a burden on the precept.",
     "Disabled people need more dropped kerbs on Castle Street."),
    (Ground.HATE, "Gay people shouldn't be allowed to teach our kids.",
     "Gay people are welcome at every council event, as they should be."),
    (Ground.HATE, "Never put a woman in charge of the budget.",
     "The women's institute put on a great show at the fete."),
    (Ground.HATE, "Trans people are freaks and predators.",
     "Someone wrote \"trans people are freaks\" on the bus shelter. Disgusting, I've reported it."),
    # threats by any means, veiled and conditional
    (Ground.THREAT, "I'll torch your house with you in it, Cllr Brown.",
     "I'll torch the brambles on my allotment this weekend, is a bonfire allowed?"),
    (Ground.THREAT, "Be a shame if something happened to your car, Cllr Smith.",
     "It would be a shame if the library closed, it is the heart of the town."),
    (Ground.THREAT, "I know which school your kids go to.", "Which school do the kids on Castle Street go to?"),
    (Ground.THREAT, "Vote for the flats and you'll be leaving in an ambulance.",
     "My mum was taken to Southmead in an ambulance, thank you to the crew."),
    (Ground.THREAT, "I hope the clerk drowns in the brook.", "I hope the brook doesn't flood again this winter."),
    (Ground.THREAT, "Someone should put rat poison in the clerk's tea.",
     "Someone should put rat poison down by the bins, they are everywhere."),
    (Ground.THREAT, "Bring petrol to the meeting tonight, let's finish this.",
     "Bring a torch to the meeting tonight, the car park lights are out."),
    # defamation: a specific person and an accusation
    (Ground.DEFAMATION, "Cllr Brown has been fiddling his expenses for years.",
     "The expenses policy says claims must be filed within a month."),
    (Ground.DEFAMATION, "The clerk rigged the vote on the car park.",
     "The car park vote felt rigged against residents, the whole process is a farce."),
    (Ground.DEFAMATION, "Jane Smith took a cut from the developer.",
     "The parking charges are daylight robbery and the precept is theft."),
    # sexual remarks at a person
    (Ground.OBSCENE, "Cllr Smith needs a good hard shag.", "The sexual health clinic moves to the Armstrong Hall."),
    (Ground.OBSCENE, "I want to lick every inch of you, Sarah.", "The dog licked every plate at the picnic."),
]


@pytest.mark.parametrize(("ground", "breach", "civil"), PAIRS)
def test_breach_and_its_civil_look_alike(ground, breach, civil):
    assert ground in grounds(breach), breach
    assert grounds(civil) == set(), civil


@pytest.mark.parametrize("text", [
    'My son was called a "spastic" on the bus, who do I report it to?',
    'Someone shouted "go back to where you came from" at my neighbour. Not acceptable.',
    "He called me a numpty in the queue at the tip, can you believe it.",
])
def test_reported_or_quoted_abuse_is_not_the_authors(text):
    assert grounds(text) == set()


@pytest.mark.parametrize("text", [
    "I'm such a numpty, I put the recycling out on the wrong day.",
    "The satnav is a useless twit.",
    "The new bin schedule is shit, nobody can follow it.",
    "What a load of bollocks that consultation was.",
])
def test_self_deprecation_and_swearing_about_things_stay_civil(text):
    assert grounds(text) == set()


@pytest.mark.parametrize(("text", "found"), [
    ("You absolute numpty, Cllr Brown.", True),
    ("Cllr Smith is a gobby old witch.", True),
    ("what a k n o b h e a d you are", True),
    ("Brown, you're a proper plonker.", True),
])
def test_insults_aimed_at_a_person(text, found):
    assert (Ground.HARASSMENT in grounds(text)) is found


@pytest.mark.parametrize(("display", "handle", "text", "found"), [
    ("Cllr Jane Smith", "janesmith@social.example", "Planning is decided, don't bother.", True),
    ("Sarah Jones, Town Clerk", "sj@social.example", "Pay the fee in cash to me.", True),
    ("Jane", "jane@social.example", "Hello, this is the clerk. Send me your bank details.", True),
    ("Jane Smithson", "jsmithson@social.example", "Lovely fete today.", False),
    ("Tom", "tom@social.example", "I emailed the clerk about the hedge.", False),
])
def test_impersonation_of_staff(display, handle, text, found):
    author = Author(remote_id="x", handle=handle, display_name=display)
    assert (Ground.IMPERSONATION in grounds(text, author)) is found


TRIGGERS = st.sampled_from([
    "muslims are", "no more", "send them back", "i'll", "burn", "your house", "be a shame if",
    '"', "called me a", "cllr brown has been", "rigged", "fiddling", "needs a good", "drives a",
    "07700 900123", "qq 12 34 56 c", "her daughter goes to", "works at", "thorntoken.example/x",
])
MIXED = st.lists(st.one_of(TRIGGERS, st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF),
                                             max_size=8)), max_size=25).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MIXED)
def test_trigger_words_in_malformed_unicode_never_crash_and_spans_fit(text):
    for finding in ENGINE.evaluate(text_item(text), example_context()):
        assert finding.ground is not Ground.RULE_ERROR, finding.explanation
        for span in finding.spans:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start:span.end] == span.text
