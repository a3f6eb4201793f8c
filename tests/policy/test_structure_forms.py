"""Round 4 structures: each breach form next to a civil look-alike (rules only, the
example council). Sentences written for this file, not taken from the corpora.

Threats without a harm word (veiled warnings, encounters, "your days are
numbered"), harm by other means (through a window, a pile of ashes, a spade across
the head); hate as a generalisation with any predicate of disgust or crime,
dehumanising verbs, exclusion ("don't belong here", "shouldn't get a penny");
defamation as rumour, insinuation, nouns of crime and deceit; UK insults; phone
numbers written in words; a councillor's public surgery is not their whereabouts.
"""

from __future__ import annotations

import pytest

from bot.domain import Ground, Severity
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

ENGINE = load_engine(classifier=False)
UNGATED = load_engine(classifier=False, gates=False)


def findings(text: str, engine=ENGINE):
    return engine.evaluate(text_item(text), example_context())


def grounds(text: str) -> set[Ground]:
    return {f.ground for f in findings(text)}


THREAT = [
    # veiled warning, no harm word / the same words about the weather
    ("Carry on like this, Brown, and you'll find out what happens to people who cross me.",
     "Carry on like this and you'll find out what happens to the river when the drains block."),
    ("I'd watch my back if I were you, Cllr Smith.",
     "I'd watch the forecast if I were you, the fete could be a washout."),
    ("Your days are numbered, Brown.", "Your days are numbered, pothole on Castle Street! The tarmac lorry is coming."),
    ("You'll get what's coming to you, Jane.", "Book now for what's coming to the Armstrong Hall this winter."),
    ("Watch yourself, clerk. I'm not joking any more.", "Watch yourself on the ice by the war memorial this morning."),
    # an encounter with a consequence / meeting someone
    ("Next time I see Tom Brown he's going to regret it.",
     "Next time I see Tom Brown I'll ask him about the bus shelter."),
    ("Sarah, you won't be so smug when I catch you in the car park.",
     "You won't be so smug when you see the new parking charges, Sarah, they're steep."),
    ("Just wait till I get my hands on that clerk.", "Can't wait to get my hands on the new recycling bins."),
    ("I'll be paying Sarah Jones a little visit at home.",
     "The Brownies are paying the care home a visit at Christmas."),
    ("I'm going to make sure Cllr Smith never feels safe in this town again.",
     "I'm going to make sure the school crossing is safe before the winter."),
    # harm by other means
    ("People like you end up in the river, Brown.",
     "People like you make this town, Brown, thanks for the litter pick."),
    ("One of these nights your windows are coming in, Brown.",
     "One of these nights the new windows are coming in at the pavilion, Brown says."),
    ("You'll be sorry when your house is a pile of ashes.",
     "You'll be sorry you missed the bonfire, it was brilliant."),
    ("If the car park closes I'll put Brown through the window of the chamber.",
     "If the car park closes I'll put a letter through the door of the chamber."),
    ("I swear I will end you, Tom Brown.", "I swear the meeting will end before you get there, Tom."),
    ("Say that to my face, Brown, and see if you can still walk after.",
     "Say that at the meeting, Brown, and see if the chamber agrees."),
    ("Dump my hedge cuttings again and your driver gets a shovel across the head.",
     "Dump the hedge cuttings by the gate and the driver gets them on Tuesday."),
    ("I know you lock up the pavilion alone on a Friday, Tom.",
     "I know the pavilion is locked up on a Friday, Tom, so we'll come Saturday."),
    ("Ah'll batter yer, Brown, mark my words.", "Ah'll be at the market Saturday, Brown, mark my words."),
    ("Keep pushing this, Brown, and you'll be sorry.",
     "Keep pushing for the crossing, Brown, you'll be sorry you didn't sooner!"),
    ("You won't be smiling when I'm finished with you, Sarah.",
     "You won't be smiling when you see the council tax bill, Sarah."),
    ("If the pool closes, I'm coming for Cllr Smith.", "If the pool closes, I'm writing to Cllr Smith."),
    ("I'll be at the back of the hall Tuesday, Smith, and I'll follow you home.",
     "I'll be at the back of the hall Tuesday, Smith, come and say hello."),
    ("One more word from you, Jane, and I'll knock your teeth out.",
     "One more word from you, Jane, and I'll knock the meeting on the head, it's late."),
    ("Wait for me after the meeting, Smith, and we'll see how tough you are.",
     "Wait for me after the meeting, Smith, and we'll see how the vote went."),
]

HATE = [
    ("The Romanians are infesting the high street.", "The pigeons are infesting the high street again."),
    ("Gay people are a bad influence on children and shouldn't be at the fete.",
     "Gay people are a big part of the fete committee this year."),
    ("Refugees are just here for the free money.", "Refugees are here for the welcome lunch on Sunday."),
    ("Disabled people are a waste of space and money.", "Disabled people are welcome at the library's quiet hour."),
    ("Jews run the council, always have.", "Volunteers run the café, always have."),
    ("Black people are more likely to be criminals, fact.", "Black History Month events are at the library, fact."),
    ("Immigrants bring nothing but crime and disease.", "Immigrants bring so much to the market, more stalls please."),
    ("Foreigners are stealing our houses and our jobs.", "Someone is stealing the plants from the planters."),
    ("The gays are grooming our kids with this library event.",
     "The gardeners are grooming the bowls green for the summer."),
    ("Muslims don't belong in this country.", "Muslims from the mosque were in the charity run."),
    ("Asylum seekers shouldn't be given a single penny of our money.",
     "Asylum seekers shouldn't be left waiting years for a decision."),
    ("Autistic people should be locked away, not in our schools.",
     "Autistic people should be asked about the quiet hour at the pool."),
    ("Disabled kids shouldn't be in normal classes dragging everyone else down.",
     "Disabled kids shouldn't have to wait a year for a school place."),
    ("Pensioners should hurry up and die and free up the houses.",
     "Pensioners should hurry up and book for the Christmas lunch, it's filling up."),
    ("Close the refugee hotel. Go home, the lot of you.", "Close the hall at six. Go home, the lot of you, and rest!"),
    ("Muslims are all extremists, every single one.", "Muslims are all invited to the interfaith supper."),
    ("Gypsies should be driven out of the town for good.",
     "Gypsies should be driven to the new site by the council bus."),
    ("Jews are behind all the money problems in this country.",
     "Volunteers are behind all the hanging baskets in town."),
]

DEFAMATION = [
    ("Cllr Brown is nothing but a common thief.", "The magpie is nothing but a common thief, it took my bottle top."),
    ("Jane Smith is a convicted drink driver.", "Jane Smith is a careful driver, she gave my mum a lift."),
    ("Smith defrauded the lottery fund, plain and simple.", "Smith applied to the lottery fund, plain and simple."),
    ("Sarah Jones swindled my nan out of her savings.", "Sarah Jones helped my nan sort out her savings account."),
    ("Tom Brown has had his hand in the till for years.",
     "Tom Brown has had his hand in the youth club for years, bless him."),
    ("The clerk doctored the minutes to cover up the vote.", "The clerk posted the minutes of the vote on Friday."),
    ("Cllr Brown cooked up the traffic survey to get his own road closed.",
     "Cllr Brown cooked a curry for the food bank fundraiser."),
    ("Jane Smith cheated her way onto the council with fake postal votes.",
     "Jane Smith cheated us out of a proper debate by closing the meeting early."),
    ("Word is the clerk has been taking cash from the developers.",
     "Word is the clerk has been taking calls from the developers about the footpath."),
    ("I've heard Cllr Smith was arrested last year for assault.",
     "I've heard Cllr Smith was at the station last year for the road safety day."),
    ("He did time for burglary, that Tom Brown, look it up.", "He did time in the army, that Tom Brown, look it up."),
    ("Cllr Brown's a wrong 'un, he was kicked out of the scouts for interfering with boys.",
     "Cllr Brown was kicked out of the pub quiz for shouting the answers."),
    ("How much did the developer pay you, Cllr Smith? We all know you were bought.",
     "How much did the developer pay for the land, Cllr Smith? It should be in the minutes."),
    ("Rumour has it Cllr Brown pays for his votes with free drink at the Swan.",
     "Rumour has it Cllr Brown pays for the quiz prizes himself, what a star."),
    ("Funny how Jane Smith's new kitchen appeared the same month the hall budget vanished.",
     "Funny how the hall budget vanished on consultants again, where are the accounts?"),
    ("Where did the playpark money go, Cllr Brown? Into your own pocket?",
     "Where did the playpark money go, Cllr Brown? Can we see the accounts?"),
    ("Jane Smith bribed her way onto the planning committee.",
     "Jane Smith worked her way onto the planning committee."),
    ("The clerk forged my signature on the allotment agreement.",
     "The clerk needed my signature on the allotment agreement."),
    ("The clerk has been cooking the accounts to hide what she spends.",
     "The clerk has been cooking for the lunch club."),
    ("Jane Smith was sacked from her last council for gross misconduct.",
     "Jane Smith was thanked by her last council for her service."),
]

HARASSMENT = [
    ("Cllr Brown is a proper numptie.", "I'm a proper numptie, I left my brolly at the meeting."),
    ("You absolute tosspot, Brown.", "Absolute tosspot of a day, the bins went out twice."),
    ("What a wet lettuce you are, Cllr Smith.", "The allotment's wet lettuce crop was a wash-out."),
    ("Brown's a melt, a muppet and a massive knobhead.", "The brown bin is a joke, never emptied."),
    ("Brown is a gobby little toad.", "The toad in the pond is a gobby little thing."),
    ("Everyone tell him what a useless prick he is, Brown deserves it.", "What a useless tool this parking app is."),
]

PERSONAL_DATA = [
    ("Cllr Smith's mobile is oh seven seven zero zero, nine double zero, four eight one. Tell her.",
     "I counted one two three four five six seven eight ducks on the pond."),
    ("Brown's home number is zero one six three two nine six zero one two three, ring him.",
     "We came first, second, third and fourth: one two three four in the quiz!"),
]

CIVIL_GUARDS = [
    "The man who screamed 'I'll have you sacked, you stupid bitch' at the car park attendant should be ashamed.",
    "The Gazette says the Rock Street burglary case has gone to the Crown Court. Let's not speculate.",
    "The sign for Cockshoot Lane has been nicked again.",
    "This effing contraflow has added forty minutes to my commute.",
    "Cllr Brown's surgery is at the library every Saturday at 10, pop along.",
    "Councillor Smith holds a drop-in at the Armstrong Hall every Friday at 2pm.",
    "Call the Swan on 01632 960123 to book for the quiz night.",
    "I'll be waiting outside the council offices on Thursday to hand in the petition.",
    "Keep ignoring the drains and see what happens to the high street when it rains.",
]


@pytest.mark.parametrize(("ground", "breach", "civil"), [
    *((Ground.THREAT, b, c) for b, c in THREAT),
    *((Ground.HATE, b, c) for b, c in HATE),
    *((Ground.DEFAMATION, b, c) for b, c in DEFAMATION),
    *((Ground.HARASSMENT, b, c) for b, c in HARASSMENT),
    *((Ground.PERSONAL_DATA, b, c) for b, c in PERSONAL_DATA),
])
def test_breach_and_its_civil_look_alike(ground, breach, civil):
    assert ground in grounds(breach), breach
    assert grounds(civil) == set(), civil


@pytest.mark.parametrize("text", CIVIL_GUARDS)
def test_civil_posts_that_used_to_trip_a_rule(text):
    assert grounds(text) == set(), text


def test_the_second_opinion_needs_a_person_not_a_thing_or_a_pet():
    """The guards in front of the classifier's second opinion (standard tier), each
    next to a post it must still reach."""
    from bot.policy.detectors.statistical import abuse_classifier
    from bot.policy.engine import load_engine as load

    engine = load(tier="standard")

    def second_opinion(text: str) -> bool:
        found = engine.evaluate(text_item(text), example_context())
        return any(f.rule_id == "abuse_second_opinion" for f in found)

    assert abuse_classifier is not None
    for civil in ("Our cat is a fat lazy slob and I love him.",
                  "I was a proper idiot and parked in the disabled bay by mistake.",
                  "Absolutely disgusted that the youth club funding was cut while the mayor's car stays."):
        assert not second_opinion(civil), civil
    assert second_opinion("My neighbour is a fat lazy slob and I hate him.")


def test_a_workplace_with_times_is_still_personal_data():
    found = findings("Brown's wife works at the dental surgery on Castle Street, Monday to Thursday 8.30 till 4.")
    assert any(f.ground is Ground.PERSONAL_DATA and f.severity >= Severity.MEDIUM for f in found)


ALL_TEXTS = [t for table in (THREAT, HATE, DEFAMATION, HARASSMENT, PERSONAL_DATA) for pair in table for t in pair]
ALL_TEXTS += CIVIL_GUARDS


def _key(found):
    return [(f.rule_id, f.ground, f.severity, tuple((s.start, s.end) for s in f.spans)) for f in found]


def test_the_pre_filters_hide_none_of_these_forms():
    """The gates and literal pre-filters change no finding on this file's sentences."""
    for text in ALL_TEXTS:
        assert _key(findings(text)) == _key(findings(text, UNGATED)), text
