"""Spam: signals add up; links, hashtags, phone numbers and shared petitions alone are not spam."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Author, Ground
from bot.policy.analysis import Analysis
from bot.policy.detectors.spam import spam
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item

RULES_ONLY = {"threshold": 3, "use_classifier": False}


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


@pytest.fixture(scope="module")
def full_engine():
    return load_engine()


def analysis(engine, text, ctx=None, author=None):
    return Analysis(text_item(text, author=author), ctx or example_context(), engine.lexicon)


# (text, spam?) with the statistical model on: what a clerk would see.
CASES = [
    ("Make $5000 a week from home!! DM me now bit.ly/cash-now crypto bonus", True),
    ("Check out my channel and subscribe please, new video every day!", True),
    ("Congratulations! You have won a £500 voucher. Claim your prize now: text WIN to 80085", True),
    ("Cheap followers, 50% off today only, visit my page", True),
    ("Please call me on 07700 900123 about the fence, I'm in all day", False),
    ("Report it here: https://www.gov.uk/report-pothole #potholes #Thornbury", False),
    ("Planning documents: https://planning.southglos.gov.uk/online-applications/P24/1234", False),
    ("Free entry to the summer fete on Saturday, raffle prizes donated by local shops!", False),
    ("The offer of help from the scouts was lovely, thank you all", False),
    ("My number is 01454 412999 if the clerk wants to ring about the flooding", False),
    ("#SaveOurLibrary #Thornbury sign the petition and come to the meeting", False),
]


@pytest.mark.parametrize(("text", "is_spam"), CASES)
def test_spam_as_the_clerk_sees_it(full_engine, text, is_spam):
    grounds = {f.ground for f in full_engine.evaluate(text_item(text), example_context())}
    assert (Ground.SPAM in grounds) is is_spam, grounds


def test_each_offer_word_and_phrase_adds_up(engine):
    one = spam(analysis(engine, "Is there a discount for pensioners at the pool?"), RULES_ONLY)
    assert one is None
    many = spam(analysis(engine, "Crypto bonus, guaranteed profit, click here"), RULES_ONLY)
    assert many is not None and many.detail.count("offer word") == 3 and "click here" in many.detail


def test_the_same_petition_from_several_accounts_is_not_spam(engine):
    ctx = replace(example_context(), same_text_authors=5)
    text = "I support the petition to keep the library open on Saturdays. Please reconsider."
    assert spam(analysis(engine, text, ctx), RULES_ONLY) is None


def test_the_same_text_with_an_outside_link_or_offer_counts(engine):
    ctx = replace(example_context(), same_text_authors=3)
    assert spam(analysis(engine, "Have a look at https://cheap-watches.example", ctx), RULES_ONLY)
    assert spam(analysis(engine, "Best deals and a discount for residents today", ctx), RULES_ONLY)
    trusted = "Consultation details at https://www.southglos.gov.uk/consult"
    assert spam(analysis(engine, trusted, ctx), RULES_ONLY) is None


def test_new_account_linking_to_official_sites_is_not_spam(engine):
    young = Author(remote_id="n", handle="new@x.social", created_at=datetime.now(UTC) - timedelta(days=1))
    official = analysis(engine, "See https://www.gov.uk/council-tax and https://www.nhs.uk/x",
                        author=young)
    assert spam(official, {**RULES_ONLY, "trusted_domains": ["nhs.uk"]}) is None
    shady = analysis(engine, "look https://bit.ly/abc", author=young)
    assert "day(s) old" in spam(shady, RULES_ONLY).detail
