"""Round 7: personal data, spam, impersonation and off-topic posts by structure, each breach
next to the civil look-alike it must leave alone (rules only, the example council). Sentences
written for this file, not taken from any corpus.

- Personal data: e-mail addresses written out ("tom dot brown at example dot net"), postcodes by
  format (never-issued inward letters), a house number and street said of a person without a
  postcode ("the man who complained is Keith Dore, 8 Pear Tree Close"), an NI number said to be
  one whatever its last letter, someone else's sexual or mental health, routines with a time
  (a dog walk, a shift "6 till 2", "night shift"), whereabouts with an invitation to go and find
  the person ("tell him what you think"), a child dropped at a nursery, a plate beside a make,
  a freephone number said to be someone's personal line. Civil: events ("the market is at the
  square every Saturday": a thing, not a person, is somewhere at a time), the author's own details (at
  most a low finding proposing hide), the council's own address, shops' and halls' addresses,
  places where something happened, the author's own family, public services' numbers.
- Spam: demands for money or credentials with a link outside the trusted sites (parcel fees,
  fines, accounts "suspended in 24 hours"), deadlines and scarcity, crypto tickers and
  doubling, a compliment that turns into an advert. Civil: the same words with the real
  service's link, no link, or a warning about the scam.
- Impersonation: a council role with the town's name in the display name or handle, the town's
  name with "council", "Town clerk here." Civil: a resident of the same name, a residents'
  group, a club, a question about the clerk.
- Off-topic: with a thread, a post that shares nothing with it and is chit-chat put to
  everyone or a promotion. Civil: the same kind of post about the thread or the council's
  business, without a thread, and links to the local paper or the bus timetables.
"""

from __future__ import annotations

import pytest

from bot.domain import ActionKind, Author, Ground, ItemKind, Severity
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

ENGINE = load_engine(classifier=False)
UNGATED = load_engine(classifier=False, gates=False)
AT_MOST_HIDE = {ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE}


def findings(text: str, engine=ENGINE, author: tuple[str, str] | None = None, thread: str = "",
             kind: ItemKind = ItemKind.REPLY):
    who = Author(remote_id="r7", handle=author[1], display_name=author[0]) if author else None
    item = text_item(text, 7, author=who, kind=kind, context_text=thread)
    return engine.evaluate(item, example_context())


def grounds(text: str, **kw) -> set[Ground]:
    return {f.ground for f in findings(text, **kw)}


def civil_or_own(text: str, **kw) -> bool:
    """No finding, or only a low personal-data finding proposing at most hide (own details)."""
    return all(f.ground is Ground.PERSONAL_DATA and f.severity is Severity.LOW
               and set(f.proposed_actions) <= AT_MOST_HIDE for f in findings(text, **kw))


# (breach, civil look-alike)
PERSONAL_DATA = [
    ("Cllr Brown's private email is tom dot brown at example dot net, send him your views.",
     "The clerk's address is clerk at thornburytowncouncil dot gov dot uk if you want to object."),
    ("smith's home email: jane dot smith 1970 at example dot com. Go on.",
     "Email me at jane dot smith at example dot com if you want a lift to the meeting."),
    ("brown's other email is tbrown (at) example (dot) org, fill it up",
     "We meet at the hall at eight, see you there on the dot."),
    ("The objector lives at 12 Wyvern Hollow, BS35 9CV. Go and have a word.",
     "I live at 12 Wyvern Hollow, BS35 9CV, and the verge outside is churned up again."),
    ("The woman who reported my dog is Linda Marsh, 8 Pear Tree Close. Remember that name.",
     "The Swan Inn, 8 Pear Tree Close, is doing Christmas lunches again this year."),
    ("The family who objected to the mast are at 6 Mill Lane. Ring their bell.",
     "The pothole outside 6 Mill Lane is a foot deep and has been for a month."),
    ("For anyone wanting a word: Gordon Pike of 3 Heron Ridge did the fly-tipping.",
     "The food bank collection point is at 3 Heron Ridge this Saturday, thank you all."),
    ("Here's the NI number of the man who reported me: QQ 12 34 56 F.",
     "My parcel reference is QQ 12 34 56 F and it still hasn't arrived, is the depot open?"),
    ("Everyone should know the new caretaker has HIV. Parents deserve to know.",
     "My dad has dementia and the day centre at the hall has been a lifeline."),
    ("The clerk's been off with depression since June, her sister told everyone.",
     "I've been off with depression since June and the library's quiet room has helped."),
    ("Jane Smith walks her dog along the cycle path every morning at 6. Alone.",
     "My neighbour walks her dog along the cycle path every morning at 6 and picks up litter."),
    ("Tom Brown works at the depot on earlies, 6 till 2, if anyone fancies a chat.",
     "The tip is open 8 till 4 on weekdays and the depot 6 till 2."),
    ("The man who complained works at the airfield, hangar 2, night shift. His name's Rob Kerr.",
     "I work nights at the airfield and the street lights on my road are out again."),
    ("Cllr Brown's day job is at the vets on Bristol Road. Go and tell him what you think.",
     "Cllr Brown's surgery is at the library every Saturday, go and tell him what you think."),
    ("Cllr Smith's twins get dropped at the nursery on Mill Lane at 8 every day.",
     "My twins get dropped at the nursery on Mill Lane at 8 and the crossing there is lethal."),
    ("The Pearce boy gets the 4.10 bus from the Plain every day, thought people should know.",
     "The 4.10 bus from the Plain never turns up, the timetable is fiction."),
    ("clerks car is a red polo reg WU68 RQI keep an eye out",
     "A red Polo, WU68 RQI, has been parked on the verge by the rec for a week now."),
    ("The bloke who reported me is Alan Ford. Grey Astra, WU19 QXI.",
     "Grey Astra, WU19 QXI, abandoned in the station car park since Tuesday."),
    ("Cllr Brown is at the gym every morning at 7, easy to find.",
     "The market is at the square every Saturday morning, come early for the bread."),
    ("The warden who fined me is at the Red Lion every Friday night.",
     "The vaccine clinic is at the Armstrong Hall on Tuesday 9am-12."),
    ("His personal line is 0808 157 0249, call it till he answers.",
     "The Samaritans are free on 0808 157 0249 if anyone is struggling this winter."),
]

SPAM = [
    ("Royal Mail: your parcel could not be delivered. A £1.45 redelivery fee is due: "
     "https://rm-redeliver.example/track",
     "Royal Mail could not deliver my parcel again, the card says Tuesday. Useless."),
    ("Your parking permit has expired. Pay the £1.99 renewal now or face a £70 fine: "
     "https://permit-renewals.example/pay",
     "Residents' permits can be renewed on https://www.southglos.gov.uk/parking, mine expired last week."),
    ("Your account will be suspended in 24 hours. Appeal here: https://appeals-check.example/verify",
     "Beware: texts saying your account will be suspended in 24 hours with a link are a scam, don't click."),
    ("Take your reserves to the next level with $TOWNCOIN, the first token for local councils "
     "https://towncoin.example",
     "The tombola raised £300 for the hospice, thank you to everyone who bought a ticket."),
    ("Garden offices 20% off this month only, only 40 left, free delivery https://garden-pods.example",
     "Christmas market this weekend only, stalls on the High Street from 10 till 4."),
    ("Great post! btw for cheap car insurance quotes visit https://insure-4u.example",
     "Great post, thanks. The minutes are on https://www.thornburytowncouncil.gov.uk/minutes"),
    ("The government is giving out £400 grants to every household, apply here "
     "https://energy-grant-4u.example",
     "The community grants are open again, apply here: https://www.thornburytowncouncil.gov.uk/grants"),
    ("gain 1000 followers fast, follow me and i follow everyone back within the hour",
     "Follow us on Facebook for updates on the litter pick, we post the routes there."),
    ("Daily football betting tips, 95% win rate, join our channel t.me/sure_tips_uk",
     "Thornbury Town FC won 4-0 on Saturday, 100% record at home this season!"),
    ("Hello dear, I need a kind person to help me transfer £4.5 million. Please reply to me.",
     "The council holds £4.5 million in reserves according to the budget papers, please explain."),
    ("Stream every Premier League match free in HD, no subscription! https://freefooty-hd.example",
     "The Swan is showing every England match on the big screen this summer."),
    ("ETH airdrop live now, connect your wallet and receive 0.5 ETH free https://eth-drop.example",
     "Does anyone know if the wallet I lost by the war memorial has been handed in?"),
]

# (breach author, civil author, text)
IMPERSONATION = [
    (("Cllr Priya Mistry (Thornbury)", "priyamistry.bsky.social"),
     ("Priya Mistry", "priyamistry.bsky.social"),
     "I'm stepping down tonight, this council is a joke."),
    (("Thornbury Council", "thornbury-council-uk.bsky.social"),
     ("Thornbury Council Watch", "tbcouncilwatch.bsky.social"),
     "The toilets on the Plain will now cost £5 a visit, card only."),
    (("Town Clerk Sarah", "clerk-thornbury.bsky.social"),
     ("Sarah Clerkin", "sclerkin.bsky.social"),
     "Street party permits are £60 this year, details to follow."),
    (("Office of the Mayor of Thornbury", "mayorofthornbury.bsky.social"),
     ("Thornbury Rotary Club", "thornburyrotary.bsky.social"),
     "The mayor will attend events this year for a fee of £150."),
]

CONTENT_CLAIMS = [
    ("Town clerk here. Permits must be paid by bank transfer to my personal account.",
     "Is the town clerk here at the meeting tonight? I have a question about permits."),
    ("Mayor's office here: the mayor's fee for your event is £150 in advance.",
     "The mayor's office is here on the first floor, next to the chamber."),
]

CLOSURE = "Road closure: Castle Street will be closed on Sunday 6 December for resurfacing."
REMEMBRANCE = "Thank you to everyone who came to the Remembrance Sunday service."
# (breach, civil look-alike, thread of each)
OFF_TOPIC = [
    ("What's everyone's opinion on pineapple on pizza? Asking for a friend.",
     "What's everyone's opinion on the Castle Street closure? Sunday is market day.", CLOSURE),
    ("Personal trainer here, January bootcamp in Bristol, message me to book!",
     "Does anyone know if the closure affects the number 80 bus?", CLOSURE),
    ("Who else thinks the new series of Doctor Who is rubbish?",
     "Who else thinks the resurfacing should have been done in the summer?", CLOSURE),
    ("Selling my old PS4 with two controllers, £80 ono.",
     "Selling poppies at the door raised £400 for the Legion, well done all.", REMEMBRANCE),
    ("look at this cat playing piano lol https://clip-share.example/cat-piano",
     "Good write-up of the precept row in the Gazette https://www.gazetteseries.co.uk/news/", REMEMBRANCE),
]


@pytest.mark.parametrize(("breach", "civil"), PERSONAL_DATA)
def test_personal_data_caught_and_its_civil_look_alike_left_alone(breach, civil):
    assert Ground.PERSONAL_DATA in grounds(breach)
    assert civil_or_own(civil)


@pytest.mark.parametrize(("own", "theirs"), [
    ("lost my cat near the rec, txt me 07700 900371 if u see him pls",
     "that's the bloke who took my cat, txt him 07700 900371 and tell him what you think"),
    ("I should be glad to lend my photographs. I may be telephoned on 01632 960592 in the mornings.",
     "She may be telephoned on 01632 960592 in the mornings, give her an earful."),
])
def test_a_residents_own_number_is_at_most_hidden_anothers_is_not(own, theirs):
    mine = findings(own)
    assert mine and civil_or_own(own)
    assert any(f.ground is Ground.PERSONAL_DATA and f.severity is not Severity.LOW for f in findings(theirs))


def test_the_authors_own_spelled_email_is_at_most_hidden():
    found = findings("Email me at jane dot smith at example dot com if you want a lift.")
    assert [f.ground for f in found] == [Ground.PERSONAL_DATA]
    assert found[0].severity is Severity.LOW


@pytest.mark.parametrize(("breach", "civil"), SPAM)
def test_spam_caught_and_its_civil_look_alike_left_alone(breach, civil):
    assert Ground.SPAM in grounds(breach)
    assert Ground.SPAM not in grounds(civil)
    assert not grounds(civil)


@pytest.mark.parametrize(("breach", "civil", "text"), IMPERSONATION)
def test_impersonating_names_caught_and_look_alike_names_left_alone(breach, civil, text):
    assert Ground.IMPERSONATION in grounds(text, author=breach)
    assert Ground.IMPERSONATION not in grounds(text, author=civil)


@pytest.mark.parametrize(("breach", "civil"), CONTENT_CLAIMS)
def test_speaking_as_the_clerk_or_the_mayors_office(breach, civil):
    assert Ground.IMPERSONATION in grounds(breach)
    assert not grounds(civil)


@pytest.mark.parametrize(("breach", "civil", "thread"), OFF_TOPIC)
def test_off_topic_caught_and_on_topic_look_alike_left_alone(breach, civil, thread):
    assert Ground.OFF_TOPIC in grounds(breach, thread=thread)
    assert not grounds(civil, thread=thread)
    assert Ground.OFF_TOPIC not in grounds(breach)  # no thread: nothing is off topic


def test_the_gates_hide_none_of_these():
    cases = [(t, {}) for pair in PERSONAL_DATA + SPAM + CONTENT_CLAIMS for t in pair]
    cases += [(text, {"author": who}) for b, c, text in IMPERSONATION for who in (b, c)]
    cases += [(t, {"thread": thread}) for b, c, thread in OFF_TOPIC for t in (b, c)]
    for text, kw in cases:
        assert grounds(text, **kw) == grounds(text, engine=UNGATED, **kw), text
