"""Round 5 structures: each breach form next to a civil look-alike (rules only, the
example council). Sentences written for this file, not taken from any corpus.

Threats: harm to a body part ("snap your neck", "punch his lights out", "knock your
block off"), tearing, stoning and setting alight, beating "the daylights out of",
"the whole council" as people, an order to line people up or tie them, passive
harm after being "taken out the back", vandalism of someone's car, "a visit from me
and the lads", "make you disappear"; sport and quiz sides ("kill them on Saturday")
and e-mail campaigns ("flood the councillors with emails") stay civil.

Harassment without a listed insult (``personal_attack``): a degrading description of
a person, mockery of their mind or looks said of them, telling them to disappear;
the same words about things, the author, their family or pets stay civil.
"""

from __future__ import annotations

import pytest

from bot.domain import Ground
from bot.policy.engine import load_engine
from bot.policy.evaluation import judge

ENGINE = load_engine(classifier=False)
UNGATED = load_engine(classifier=False, gates=False)


def grounds(text: str, engine=ENGINE) -> set[Ground]:
    return {Ground(g) for g in judge(engine, text).grounds}


THREAT = [
    # harm to a body part of the person / the same verb on a thing
    ("I'd happily wring your neck, Brown.", "I'd happily wring out the flags after the parade, Brown."),
    ("I'll snap your neck like a twig.", "I'll snap a photo of the lane for the parish magazine."),
    ("I'm going to punch your lights out, clerk.",
     "I'm going to switch your lights off at the pavilion, clerk, they're on all night."),
    ("I'll knock your block off if you say that again.", "I'll knock on your door if the parcel comes, Jane."),
    ("Someone should rip his head off.", "Someone should rip up those plans and start again."),
    ("I'll rip you to pieces, Smith.", "RIP to your dad, Tom, he will be missed at the bowls club."),
    ("Put Smith in the stocks and stone her.", "Put the stone bench back by the war memorial, please."),
    ("I'm going to set your car alight, Brown.", "I'm going to set your mind at rest, Brown: the car park stays."),
    ("I'll beat the living daylights out of you.", "The fireworks scared the living daylights out of my dog."),
    ("I'll wipe that smirk off your face, Cllr Smith.", "Wipe the benches down before the fete, volunteers."),
    ("I'll kick your teeth down your throat.", "Kick the ball down the field, kids, not at the windows."),
    ("i will fukin end u", "the meeting will end before u get there"),
    # the whole council as people; orders to line up, tie or round up people
    ("We should string the whole council up.", "We should string the bunting up across the whole high street."),
    ("Line the councillors up and shoot them.", "Line the chairs up for the councillors' photo."),
    # passive harm after being taken somewhere; vandalism of someone's car
    ("Brown should be taken out the back and shot.", "Brown should be taken out for a pint after all that work."),
    ("Brown's car is going to get keyed and then torched.", "Brown's car is going to get a new tyre at the garage."),
    ("Wait till your wife sees what happens to your garage.", "Wait till your wife sees the new garage doors, Tom."),
    # a visit from the lads; making someone disappear
    ("Cllr Brown will be getting a visit from me and my lads.",
     "Cllr Brown will be getting a visit from the Brownies at the surgery."),
    ("We're going to make you disappear, Jane.", "We're going to make the potholes disappear, Jane says."),
]

HARASSMENT = [
    # a degrading description of a person / of a thing
    ("You must be the stupidest councillor this town has ever had, Brown.",
     "That must be the stupidest roundabout this town has ever had."),
    ("Cllr Smith is the laziest woman I have ever met.", "I'm the laziest person in my house on a Sunday, ha."),
    ("What a spineless, two-faced excuse for a councillor you are.",
     "What a spineless decision from the planning committee."),
    ("Jane Smith, the most useless woman in Gloucestershire.",
     "The most useless bus service in Gloucestershire, the 84."),
    ("The clerk is a vile, nasty piece of work.", "My cat is a vile, nasty little creature when the vet comes."),
    # mockery of mind or looks said of the person / of a thing
    ("Tom Brown is about as much use as a chocolate teapot.",
     "Brown's plan is about as much use as a chocolate teapot."),
    ("You've got two brain cells and they're both fighting, Brown.",
     "The brain cells of the new bins are a sensor and a chip, Brown says."),
    ("Brown's got a face like a slapped arse.", "The bus shelter's got a face like a wet weekend in Weston."),
    # telling a person to disappear / a thing
    ("Crawl back under your rock, Smith.", "The hedgehog crawled back under the shed, Cllr Smith."),
    ("Cllr Brown should do everyone a favour and disappear.",
     "Cllr Brown should do everyone a favour and fix the lights."),
    ("Nobody would miss you if you left, Jane.", "Nobody would miss the old bus shelter, knock it down."),
]

THREAT_MEANS = [
    # poison in an animal's food, petrol through the door, a car tampered with / the same things civil
    ("Keep it up Brown and your dog will be eating rat poison by Friday.",
     "Keep it up Brown and the dog bin will be full by Friday."),
    ("Someone will put petrol through your letterbox one night, Smith.",
     "Someone will put a leaflet through your letterbox one night this week, Smith."),
    ("Shame if the councillor's wheel nuts got loosened, just saying.",
     "Shame the councillor's bike got a puncture on the cycle path."),
    ("I pray every night that Cllr Brown has a stroke.",
     "I pray every night for Cllr Brown, who had a stroke; get well soon."),
    ("A fiver to anyone who decks the councillor at the fete.",
     "A fiver to anyone who beats the councillor at the fete's tombola."),
    ("I'll be waiting by the school gates for your little girl, Jane.",
     "I'll be waiting by the school gates for the lollipop lady, Jane."),
    ("See you at the next council meeting with a can of petrol.", "See you at the next council meeting with a cake."),
    ("You won't make it to your car afterwards, Brown.", "You won't make it to the tip before it closes, Brown."),
]

OBSCENE = [
    # a sexual act wanted with a person / the same words civil
    ("I'd bend Cllr Smith over the council table.", "I'd bend over backwards to help Cllr Smith with the fete."),
    ("I'd shag the clerk given half a chance.", "I'd ask the clerk given half a chance."),
    ("I'd love to see the mayor naked.", "I'd love to see the mayor at the carol service."),
    ("Smith's a slag who sleeps with half the council.", "Smith sleeps with the window open, she told the WI."),
    ("Bet the clerk is a right goer in bed.", "Bet the clerk is in bed by nine after those meetings."),
]

DEFAMATION = [
    # public money taken for oneself, self-dealing, lying to an official body, paid to vote
    ("Cllr Brown spends the allotment rent on himself.",
     "Cllr Brown says the allotment rent is spent on the water troughs."),
    ("Jane Smith took the money from the hall fund.", "The council took the money for the hall from the reserves."),
    ("The clerk sold the council's land to her brother.",
     "The council sold the land by the brook to the Wildlife Trust."),
    ("Tom Brown lied to the auditors about the reserves.", "Can the auditors tell us about the reserves, Tom Brown?"),
    ("Cllr Smith was paid by the developers to vote yes.",
     "The developers paid for the new crossing, Cllr Smith says."),
    ("Brown was caught with cocaine at the Swan.", "A man was caught with cocaine at the Swan, the Gazette says."),
]

CIVIL = [
    "Cllr Brown should do us all a favour and resign over the lido.",
    "I'm the thickest person in my family when it comes to maths.",
    "My husband is the most useless man at DIY, bless him.",
    "We'll kill them on Saturday, come on the Town!",
    "To the account that messaged my son 'I'll stab you': the police have your details.",
    "You'll be sorry at the ballot box in May if the library shuts.",
    "It was a scam call about the bins. Hang up on them.",
    "Saw a cock pheasant on the cricket pitch this morning.",
    "We'll batter them in the derby, no doubt about it.",
    "I'll knock on your door if the parcel comes, Jane.",
    "We should flood the councillors with emails about the lido.",
    "I could murder a pint after that meeting.",
    "Someone's going to get hurt on that pavement, fix it.",
    "A man was charged with assault after the fight on the High Street.",
    "The new parking charges will kill the market.",
    "That pothole will break someone's ankle.",
]


# Each table with the ground its breaches must be found on (the civil look-alike: no finding).
BY_GROUND = ((Ground.THREAT, THREAT), (Ground.HARASSMENT, HARASSMENT), (Ground.THREAT, THREAT_MEANS),
             (Ground.OBSCENE, OBSCENE), (Ground.DEFAMATION, DEFAMATION))


@pytest.mark.parametrize(("ground", "breach", "civil"),
                         [(ground, breach, civil) for ground, pairs in BY_GROUND for breach, civil in pairs])
def test_breach_and_its_civil_look_alike(ground, breach, civil):
    assert ground in grounds(breach), breach
    assert grounds(civil) == set(), civil


@pytest.mark.parametrize("text", CIVIL)
def test_civil_look_alikes_stay_unflagged(text):
    assert grounds(text) == set(), text


def test_the_gates_hide_none_of_these_forms():
    for breach, civil in THREAT + HARASSMENT + THREAT_MEANS + OBSCENE + DEFAMATION:
        for text in (breach, civil):
            assert grounds(text) == grounds(text, UNGATED), text
