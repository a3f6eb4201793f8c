"""Spam signals as SMS and video-comment spam writes them, next to the ham that looks like it.

Self-promotion ("sub me", "follow me on instagram", "my new song"), charged texts and
premium-rate lines are commercial signals; a resident's "txt me", an ordinary phone number,
a 5-digit reference or "follow the link to the consultation" are not. A middling
statistical score counts only together with another signal.
"""

from __future__ import annotations

import importlib

import pytest

from bot.policy.analysis import Analysis
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

spam_module = importlib.import_module("bot.policy.detectors.spam")
RULES_ONLY = {"threshold": 3, "use_classifier": False}


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


def kinds(engine, text: str) -> list[str]:
    a = Analysis(text_item(text), example_context(), engine.lexicon)
    return [kind for kind, _ in spam_module._signals(a, RULES_ONLY)]


# (text, the signal kinds it must include, or (): no phrase or number signal, not spam)
SIGNALS = [
    ("Sub me if you like the song", ("spam_phrase",)),
    ("Follow me on Instagram, link in the comments", ("spam_phrase",)),
    ("Check me out, I'm all about gaming", ("spam_phrase",)),
    ("Nice song. See my new track", ("spam_phrase",)),
    ("Like 4 like, follow 4 follow", ("spam_phrase",)),
    ("Sorry for the spam but please watch my video", ("spam_phrase",)),
    ("Text RALLY to 61200 (25p) to enter", ("spam_phrase",)),
    ("For removal send STOP to 87239", ("spam_phrase",)),
    ("Ring 0906 123 4567 now, costs 20p/min", ("spam_phrase", "premium_number")),
    ("Call 09058094583 to book your time", ("premium_number",)),
    ("Dial 08712300220 to claim", ("premium_number",)),
    # ham look-alikes: nothing
    ("Hello, I've finished college now so txt me when you finish", ()),
    ("Please call me on 07700 900123 about the fence", ()),
    ("The council office is on 01454 412000, ask for the clerk", ()),
    ("My planning reference is 24/01234/FUL, case number 61200", ()),
    ("Follow the link to the consultation and add your comments", ()),
    ("I'll check with the clerk and add my name to the list", ()),
    ("We watched the new video of the bypass plans at the meeting", ()),
    ("Text me when the bin lorry has been, thanks", ()),
    ("Follow us on Facebook for the fete updates, and check us out at the Christmas market", ()),
]


def assert_signals(engine, text: str, expected: tuple[str, ...], strong: set[str]) -> None:
    """A breach shows its expected signals; a look-alike none of the ``strong`` ones and no spam
    finding (at most a lone offer word, which is never spam by itself)."""
    found = kinds(engine, text)
    if expected:
        assert set(expected) <= set(found), found
    else:
        assert not strong & set(found), found
        assert spam_module.spam(Analysis(text_item(text), example_context(), engine.lexicon),
                                RULES_ONLY) is None


@pytest.mark.parametrize(("text", "expected"), SIGNALS)
def test_spam_signals(engine, text, expected):
    assert_signals(engine, text, expected, {"spam_phrase", "premium_number"})


@pytest.mark.parametrize(("number", "premium"), [
    ("09058094583", True), ("0906 123 4567", True), ("0871 230 0220", True), ("0844 861 8585", True),
    ("07700 900123", False), ("01454 412000", False), ("0800 195 6669", False), ("0117 496 0123", False),
    ("0906 123 456", False),  # ten digits: not a whole number
])
def test_premium_numbers(number, premium):
    assert bool(spam_module.premium_numbers(f"ring {number} today")) is premium


TIERS = {"classifier_threshold": 0.84, "classifier_tiers": [[0.65, 2], [0.45, 1]]}


@pytest.mark.parametrize(("score", "points"), [
    (0.99, 3), (0.84, 3), (0.83, 2), (0.65, 2), (0.64, 1), (0.45, 1), (0.44, 0), (0.0, 0)])
def test_classifier_points_are_graded(score, points):
    assert spam_module.classifier_points(score, TIERS) == points


def test_classifier_points_without_tiers_are_all_or_nothing():
    assert spam_module.classifier_points(0.8, {"classifier_threshold": 0.84}) == 0
    assert spam_module.classifier_points(0.9, {"classifier_threshold": 0.84}) == 3


def test_a_middling_score_alone_is_not_spam_but_adds_up(engine):
    def verdict(text: str, score: float):
        a = Analysis(text_item(text), example_context(), engine.lexicon,
                     lambda norm, words: {"spam": score, "offensive": 0.0})
        return spam_module.spam(a, {"threshold": 3, **TIERS})

    assert verdict("Lovely day at the fete, well done everyone", 0.8) is None
    # the real NHS site is not a look-alike link, so a middling score has nothing to add up with
    assert verdict("Free flu jab info here https://www.nhs.uk/vaccinations/flu-vaccine/", 0.8) is None
    assert verdict("Book your jab at https://nhs-booking-uk.example/claim", 0.8) is not None
    # a shortened link (2 points) and a middling score do not add up: Twitter shortens every link
    assert verdict("Photo check for the bonfire night http://t.co/Hx1wghJAzy", 0.79) is None
    assert verdict("Photo check for the bonfire night http://t.co/Hx1wghJAzy", 0.9) is not None
    assert verdict("Sub me if you like the song", 0.3) is None   # a phrase alone: 2 points
    hit = verdict("Sub me if you like the song", 0.7)            # phrase 2 + middling score 2
    assert hit is not None and "statistical spam score of 0.70" in hit.detail


# Money-making, referral and sales forms that video-comment, SMS and today's social spam share,
# each beside the civil post that looks like it: (text, the signal kinds it must include, or ()).
SHARED_FORMS = [
    ("How To Make A Lot Of Money Fast, join my team", ("spam_phrase",)),
    ("Easy money!! I earn 4000 dollars a month from my phone", ("spam_phrase",)),
    ("Sign up with my referral link and we both get a bonus", ("spam_phrase",)),
    ("Use my code SAVE20 at checkout", ("spam_phrase",)),
    ("iPad 4 Price: $200, Galaxy S4 Price: $250", ("spam_phrase",)),
    ("Care to visit my blog? Loads of new designs", ("spam_phrase",)),
    ("Earn with me https://www.swagbucks.example/refer/Nonturtle02", ("referral_link",)),
    ("Join here http://hackfbaccount.example/?ref=4477063", ("referral_link",)),
    ("Elon is giving back! Send 0.1 ETH, get 1 ETH back", ("spam_phrase",)),
    # civil look-alikes
    ("I'll send 2 photos of the pothole to the clerk and get 1 back from the contractor", ()),
    ("The car park could make some money if the council charged at weekends", ()),
    ("The precept costs about 5 pounds a month more this year", ()),
    ("Our team at the food bank needs volunteers on Saturday", ()),
    ("I read your blog post about the bypass, very helpful", ()),
    ("The page is here https://www.facebook.com/ThornburyFete/?ref=bookmarks", ()),
    ("Minutes at https://www.thornbury.example/minutes?ref=newsletter", ()),
    ("The book is on https://www.amazon.co.uk/dp/B00MPPQHRI/ref=sr_1_7", ()),
]


@pytest.mark.parametrize(("text", "expected"), SHARED_FORMS)
def test_shared_spam_forms(engine, text, expected):
    assert_signals(engine, text, expected, {"spam_phrase", "referral_link", "premium_number"})


def _verdict(engine, text: str, score: float):
    a = Analysis(text_item(text), example_context(), engine.lexicon,
                 lambda norm, words: {"spam": score, "offensive": 0.0})
    return spam_module.spam(a, {"threshold": 3, **TIERS})


# A resident warning others about a scam quotes the scam's words: not spam, unless the post
# brings its own outside link or charged number. (text, score, spam?)
SCAM_WARNINGS = [
    ("Warning: people are getting messages saying 'claim your council tax rebate' with a link. "
     "It's a scam, don't click.", 0.95, False),
    ("Warning: scam texts are going round saying you owe council tax. Don't click the link, the "
     "council never texts for payment.", 0.95, False),
    ("Beware, phishing emails about parking fines: report it to https://www.ncsc.gov.uk", 0.95, False),
    # the scam itself, even when it calls itself a warning
    ("Warning: your council tax refund expires today, claim yours at https://council-refund.example",
     0.95, True),
    ("Beware of scams! Claim your prize safely: call 09061 234567 now", 0.5, True),
    ("This is not a scam!! Claim your prize now, text WIN to 80085", 0.5, True),
]


@pytest.mark.parametrize(("text", "score", "is_spam"), SCAM_WARNINGS)
def test_warnings_about_scams_are_not_spam(engine, text, score, is_spam):
    assert (_verdict(engine, text, score) is not None) is is_spam


def test_the_model_alone_does_not_make_a_post_with_only_official_links_spam(engine):
    # a high score is worth middling points when every link goes to an official or trusted site
    assert _verdict(engine, "Free flu jab info here https://www.nhs.uk/vaccinations/flu-vaccine/", 0.95) is None
    assert _verdict(engine, "Check your band at https://www.gov.uk/council-tax-bands", 0.99) is None
    # ... but it still adds up with what the post says, and an outside link keeps full points
    assert _verdict(engine, "Claim your refund now at https://www.gov.uk/claim-tax-refund", 0.7) is not None
    assert _verdict(engine, "Free flu jab info here https://flu-jabs.example/book", 0.95) is not None
    assert _verdict(engine, "Free flu jab info at the surgery on Saturday", 0.95) is not None


@pytest.mark.parametrize(("text", "is_spam"), [
    # "txt" is how friends write: with a middling score it no longer adds up to spam ...
    ("On the road so cant txt", False),
    ("Hello darlin ive finished college now so txt me when u finish if u can love Kate xxx", False),
    # ... while the charged text itself still does
    ("Txt WIN to 80085 for your chance to win a holiday", True),
])
def test_txt_alone_is_not_an_offer_word(engine, text, is_spam):
    assert (_verdict(engine, text, 0.7) is not None) is is_spam
