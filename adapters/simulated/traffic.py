"""Scripted council traffic for the simulated platform: realistic, deterministic.

Most replies are civil (potholes, bins, planning, events, angry complaints about
things, links to official sites, a shared petition); a minority break the
policies on each ground, a few are DMs, and one account impersonates the council.
Civil posts must never reach the clerk's queue (``tests/test_demo.py`` checks).
Post ``n`` is a pure function of the seed and ``n``, so a restarted process sees
exactly the same platform.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

CIVIL = (
    "The pothole on Castle Street is getting worse, can someone from highways look at it?",
    "Thank you for organising the Christmas lights switch-on, the kids loved it!",
    "When is the next full council meeting? I'd like to speak about the parking on High Street.",
    "Are the bins being collected on Boxing Day this year?",
    "I strongly object to the planning application for 40 houses on Morton Way. Where do we send comments?",
    "Parking near the school at pick-up time is dangerous. Please can the council ask for enforcement?",
    "Great to see the allotments being tidied up. Any plots free next spring?",
    "The streetlight outside number 12 Gloucester Road has been out for two weeks.",
    "Why has the precept gone up again? I'd like to see the budget breakdown please.",
    "Is the library open on Saturday mornings now?",
    "Lovely photos of the market, Thornbury looks great.",
    "Frankly the state of the play park is a disgrace, the swings have been broken since August.",
    "Could the minutes of the planning committee be put on the website sooner?",
    "Will there be a Remembrance Sunday road closure again this year?",
    "Any update on the flooding by the river path? It was impassable again today.",
    "I'm fed up with dog fouling on the footpath to the leisure centre. More bins please!",
    "Who do I contact about the overgrown hedge blocking the pavement on Bath Road?",
    "Well done to the volunteers who cleared the litter from the brook.",
    "The speed of traffic on the A38 through the village is scary. Can we have a 20mph limit?",
    "Is the consultation on the neighbourhood plan still open?",
    # Strong words about things, sarcasm and hyperbole are civil complaints.
    "Absolutely scandalous that the library hours have been cut again. What a farce.",
    "The new car park charges are daylight robbery. Who on earth signed this off?",
    "The state of the roads is a joke, my tyre was wrecked in that pothole on Bath Road #potholes",
    "Oh brilliant, another consultation nobody will read. Bloody shambles.",
    # Links to official sites, and a petition several residents share word for word.
    "I support the petition to keep the Saturday market: https://petition.parliament.uk/petitions/700123",
    "Report potholes here, it does work: https://www.gov.uk/report-pothole",
    "Planning documents for Morton Way are on https://www.southglos.gov.uk/planning if anyone wants to object",
    # A resident reporting abuse they had, to condemn it.
    "Someone shouted abuse at my neighbour in the park yesterday. Reported to the police, not acceptable here.",
)

FLAGGED = (
    # (ground, text)
    ("harassment", "You're a complete numpty, Cllr Smith. Resign."),
    ("harassment", "What a bunch of useless plonkers running this council"),
    ("harassment", "@clerk you absolute idiot, do your job"),
    ("threat", "If Cllr Brown shows up at the meeting I will kill you, I know where you live"),
    ("threat", "Someone should burn your house down, see how you like it"),
    ("hate", "Send them all back, no more immigrants in our town, they're vermin"),
    ("obscene", "This is f***ing b*ll*cks, total sh1t"),
    ("personal_data", "Cllr Smith lives at 14 Acacia Avenue, BS35 2AB, ring her on 07700 900123"),
    ("spam", "Make $5000 a week from home!! DM me now bit.ly/cash-now crypto bonus"),
    ("spam", "Cheap Ray-Ban sunglasses 90% off at www.cheap-shades.example"),
    ("spam", "Check out my band's new video and subscribe to my channel https://youtu.be/xyz123"),
    ("defamation", "The clerk is stealing money from the precept, everyone knows it, fraud"),
)

DMS = (
    "Hello, I want to complain about my neighbour's bonfire, who do I speak to?",
    "Can you send me the form for an allotment application?",
    "My name is Ann Jones, 07700 900456, please call me about the grave plot",
    "Hi, is the hall available to hire on the 14th?",
)

RESIDENTS = (
    ("resident_ann", "Ann"), ("bob_thornbury", "Bob T"), ("carol.k", "Carol K"), ("dave1972", "Dave"),
    ("emma_walks", "Emma 🐕"), ("frank_b", "Frank Bishop"), ("gill.m", "Gill"), ("harry_ttc", "Harry"),
    ("isla_r", "Isla Reed"), ("jack_the_lad", "Jack"), ("kate_h", "Kate H"), ("liam.p", "Liam"),
    ("mo_khan", "Mo Khan"), ("nina.s", "Nina"), ("oliver_w", "Oliver W"), ("pat_allot", "Pat (allotments)"),
)
TROUBLEMAKERS = (("angry_andy", "Andy"), ("throwaway9912", "throwaway9912"), ("spamdeals_ltd", "Best Deals"))


@dataclass(frozen=True)
class ScriptedPost:
    n: int
    kind: str  # reply, mention, quote, dm
    ground: str  # "" when civil
    text: str
    handle: str
    display_name: str
    author_id: str
    is_bot: bool
    account_created: datetime
    created_at: datetime
    malformed: bool = False


EPOCH = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def scripted_post(seed: int, n: int, council_name: str) -> ScriptedPost:
    """Post number ``n`` of the script: a pure function of (seed, n)."""
    rng = random.Random(seed * 1_000_003 + n)
    created = EPOCH + timedelta(minutes=7 * n)
    roll = rng.random()
    if n % 37 == 36:
        return _impersonator(n, council_name, created)
    if n % 53 == 52:  # one malformed payload in every 53, as real platforms occasionally send
        handle, name = rng.choice(RESIDENTS)
        return _post(n, "reply", "", rng.choice(CIVIL), handle, name, created, rng, malformed=True)
    if roll < 0.14:
        text = rng.choice(DMS)
        handle, name = rng.choice(RESIDENTS)
        return _post(n, "dm", "", text, handle, name, created, rng)
    if roll < 0.36:
        ground, text = rng.choice(FLAGGED)
        handle, name = rng.choice(TROUBLEMAKERS if rng.random() < 0.6 else RESIDENTS)
        return _post(n, rng.choice(("reply", "reply", "mention", "quote")), ground, text, handle, name, created, rng)
    handle, name = rng.choice(RESIDENTS)
    return _post(n, rng.choice(("reply", "reply", "reply", "mention", "quote")), "", rng.choice(CIVIL),
                 handle, name, created, rng)


def _post(n: int, kind: str, ground: str, text: str, handle: str, name: str, created: datetime,
          rng: random.Random, malformed: bool = False) -> ScriptedPost:
    age_days = 3 if handle == "throwaway9912" else 200 + (zlib.crc32(handle.encode()) % 2000)
    return ScriptedPost(n, kind, ground, text, handle, name, author_id=f"user-{handle}",
                        is_bot=handle == "spamdeals_ltd", account_created=created - timedelta(days=age_days),
                        created_at=created, malformed=malformed)


def _impersonator(n: int, council_name: str, created: datetime) -> ScriptedPost:
    fake = council_name.replace("Council", "Counci1").replace(" (demo)", "")
    text = "Official notice: council tax refunds available, send your bank details by DM to claim."
    return ScriptedPost(n, "mention", "impersonation", text, "thornbury_town_counci1", fake,
                        author_id="user-thornbury_town_counci1", is_bot=False,
                        account_created=created - timedelta(days=2), created_at=created)
