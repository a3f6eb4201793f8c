"""Each detector on its own: table-driven, with the cases that must not fire."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Author, Ground, Severity
from bot.policy.analysis import Analysis
from bot.policy.detectors.identity import close, handle_local, impersonation, repeat_offender
from bot.policy.detectors.personal_data import (
    email_address,
    home_address,
    national_insurance_number,
    phone_number,
)
from bot.policy.detectors.spam import off_topic_link, spam
from bot.policy.detectors.threats import threat_of_violence
from bot.policy.engine import PolicyEngine, load_engine
from bot.policy.evaluation import example_context, text_item


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


def analysis(engine, text, author=None, ctx=None, **fields):
    return Analysis(text_item(text, author=author, **fields), ctx or example_context(),
                    engine.lexicon)


THREATS = [
    "I'll kill you", "i will fucking kill you", "Someone should shoot the clerk",
    "I'm going to stab him", "hope you die", "I hope the clerk gets run over",
    "you should be hanged", "kill yourself", "kys", "I know where you live",
    "we know where your kids go to school", "watch your back", "I'll be waiting outside",
    "your house will burn", "deserves a bullet", "I'm gonna batter you",
    "I'll beat you up", "Hang them all.", "put a bullet in his head",
]
NOT_THREATS = [
    "this queue is killing me", "I could murder a curry", "I'll shoot you an email",
    "we smashed it", "kill two birds with one stone", "the plan should be shot down",
    "the charges will kill the high street", "my feet are killing me", "you killed it tonight",
    "I'd kill for a pint", "we will beat them at the quiz", "hang on a minute",
    "they should be voted out", "I'll hit you up later", "dressed to kill",
]


# Leetspeak and hidden letters are decoded before the threat patterns run.
LEET_THREATS = [
    "I'll k1ll you", "gonna h*rt you", "i will $tab you", "I'll sh00t the clerk",
    "I will h4rm you", "hope you d1e", "k!ll yourself", "I'll hurt you", "I'm g0nna k*ll you",
]
LEET_NOT_THREATS = [
    "it would hurt you to say thank you", "this queue is k1lling me", "I'd k1ll for a pint",
    "I'll sh00t you an email", "r3ady at 10am, k1ll the lights",
]


@pytest.mark.parametrize("text", LEET_THREATS)
def test_threats_in_leetspeak_fire(engine, text):
    assert threat_of_violence(analysis(engine, text), {}) is not None


@pytest.mark.parametrize("text", LEET_NOT_THREATS)
def test_idioms_in_leetspeak_do_not_fire(engine, text):
    assert threat_of_violence(analysis(engine, text), {}) is None


def test_a_leetspeak_threat_highlights_what_was_typed(engine):
    findings = engine.evaluate(text_item("ok I'll k1ll you!"), example_context())
    threat = next(f for f in findings if f.rule_id == "threat_of_violence")
    assert threat.spans[0].text == "I'll k1ll you"


@pytest.mark.parametrize("text", THREATS)
def test_threats_fire(engine, text):
    assert threat_of_violence(analysis(engine, text), {}) is not None


@pytest.mark.parametrize("text", NOT_THREATS)
def test_idioms_do_not_fire(engine, text):
    assert threat_of_violence(analysis(engine, text), {}) is None


@pytest.mark.parametrize(("text", "found"), [
    ("ring him on 07911 123456", True),
    ("call +44 7911 123456 now", True),
    ("her landline is 0117 496 0123", True),
    ("US number +1 415 555 2671", True),
    ("the office is on 01454 412103", False),   # the council's own
    ("free on 0800 123 4567", False),            # business number: spam rule's job
    ("meeting on 12/06/2024 at 19:30", False),
    # Ofcom's drama ranges are rejected as invalid by phonenumbers, but a clerk must see them.
    ("her mobile is 07700 900123", True),
    ("ring 01632 960123 and ask for Dave", True),
    ("his number: 020 7946 0123", True),
    ("(0117) 496 0123 is his landline", True),
    ("+44 (0)7700 900456 is hers", True),
    ("the council's 0300 123 4567 helpline", False),  # organisations' non-geographic
    ("planning ref P24/01234/F, 12 objections", False),
    ("budget of £1,234,567 for 2025", False),
])
def test_phone_numbers(engine, text, found):
    assert (phone_number(analysis(engine, text), {}) is not None) is found


@pytest.mark.parametrize(("text", "found"), [
    ("write to joe.bloggs@gmail.com", True),
    ("clerk@thornburytowncouncil.gov.uk", False),
    ("planning@southglos.gov.uk", False),
    ("ping @joe@mastodon.social", False),
])
def test_email_addresses(engine, text, found):
    assert (email_address(analysis(engine, text), {}) is not None) is found


@pytest.mark.parametrize(("text", "found"), [
    ("He lives at 12 Acacia Avenue", True),
    ("12 Acacia Avenue, BS35 2AB", True),
    ("her address is flat 3, 27 Mill Lane", True),
    ("The meeting is at 35 High Street", False),
    ("BS35 is a lovely area", False),
])
def test_home_addresses(engine, text, found):
    assert (home_address(analysis(engine, text), {}) is not None) is found


@pytest.mark.parametrize(("text", "found"), [
    ("AB 12 34 56 C", True), ("ab123456c", True),
    # By format, not validity: HMRC's example prefix and unallocated prefixes still show.
    ("QQ 12 34 56 C", True), ("GB 12 34 56 A", True), ("order AB123456", False),
    ("ticket AB 12 34 56", False), ("room 12 34 56 a", False),
])
def test_ni_numbers(engine, text, found):
    assert (national_insurance_number(analysis(engine, text), {}) is not None) is found


SPAM_PARAMS = {"threshold": 3, "use_classifier": False}


def test_spam_signals(engine):
    assert spam(analysis(engine, "Free crypto giveaway, DM me https://bit.ly/x"), SPAM_PARAMS)
    assert spam(analysis(engine, "Lovely photos of the carnival"), SPAM_PARAMS) is None


def test_same_text_from_several_accounts_is_spam(engine):
    ctx = replace(example_context(), same_text_authors=3)
    assert spam(analysis(engine, "Check out my page", ctx=ctx), SPAM_PARAMS) is not None


def test_new_account_posting_links(engine):
    young = Author(remote_id="n", handle="new@x.social",
                   created_at=datetime.now(UTC) - timedelta(days=1))
    a = analysis(engine, "look https://bit.ly/abc", author=young)
    assert "day(s) old" in spam(a, SPAM_PARAMS).detail


def test_off_topic_links(engine):
    ctx_text = "Road closures on the High Street for the carnival"
    off = analysis(engine, "see https://cheap-watches.example", context_text=ctx_text)
    assert off_topic_link(off, {}) is not None
    on = analysis(engine, "carnival route https://news.example/carnival", context_text=ctx_text)
    assert off_topic_link(on, {}) is None
    trusted = analysis(engine, "see https://www.southglos.gov.uk/roads", context_text=ctx_text)
    assert off_topic_link(trusted, {}) is None


@pytest.mark.parametrize(("display", "handle", "found"), [
    ("Thornbury Town Counci1", "thornburytc@evil.social", True),
    ("Thornbury Town Council", "thornbury@other.social", True),
    ("Thornbury Town Council", "thornburytc@mastodon.social", False),   # official
    ("Thornbury Runners", "runners@x.social", False),
    ("Jane", "jane@x.social", False),
    ("Thornbury Parish Council Official", "tpc@x.social", True),
])
def test_impersonation(engine, display, handle, found):
    author = Author(remote_id="x", handle=handle, display_name=display)
    assert (impersonation(analysis(engine, "hello", author=author), {}) is not None) is found


def test_handle_local_and_close():
    assert handle_local("@thornburytc@mastodon.social") == "thornburytc"
    assert handle_local("thornburytc.bsky.social") == "thornburytc"
    assert close("thornburytc", "thornburytcc", 2) and not close("abc", "xyz", 2)


def test_repeat_offender(engine):
    ctx = replace(example_context(), author_upheld_recent=3)
    assert repeat_offender(analysis(engine, "hi", ctx=ctx), {"threshold": 3}) is not None
    assert repeat_offender(analysis(engine, "hi"), {"threshold": 3}) is None
    assert engine.repeat_window_days == 90


def test_a_rule_that_raises_becomes_a_rule_error_finding(engine, monkeypatch, caplog):
    broken = PolicyEngine(engine.ruleset)
    rule, _, _ = broken._detectors[0]

    def explode(a, params):
        raise RuntimeError("boom")

    broken._detectors[0] = (rule, explode, lambda a, params: True)  # (rule, detector, gate)
    broken._build_plan()
    findings = broken.evaluate(text_item("hello"), example_context())
    assert [(f.rule_id, f.ground, f.severity) for f in findings] == [
        (rule.id, Ground.RULE_ERROR, Severity.MEDIUM)]
    assert "boom" in caplog.text


def test_a_gate_that_raises_also_becomes_a_rule_error_finding(engine, caplog):
    broken = PolicyEngine(engine.ruleset)
    rule, detect, _ = broken._detectors[0]

    def explode(a, params):
        raise RuntimeError("gate boom")

    broken._detectors[0] = (rule, detect, explode)
    broken._build_plan()
    findings = broken.evaluate(text_item("hello"), example_context())
    assert [(f.rule_id, f.ground) for f in findings] == [(rule.id, Ground.RULE_ERROR)]
    assert "gate boom" in caplog.text


def test_directed_swearing_is_harassment_general_swearing_is_obscene(engine):
    at_person = engine.evaluate(text_item("you are fucking useless"), example_context())
    general = engine.evaluate(text_item("fuck the roadworks and fuck this council"), example_context())
    # "fucking" as an intensifier at things is a civil complaint (round 6, test_round6_civil.py)
    at_things = engine.evaluate(text_item("fucking roadworks again"), example_context())
    assert {f.ground for f in at_person} == {Ground.HARASSMENT}
    assert {f.ground for f in general} == {Ground.OBSCENE}
    assert at_things == []


def test_findings_carry_clauses_spans_and_police_referral(engine):
    text = "I'll kill you, numpty"
    findings = {f.rule_id: f for f in engine.evaluate(text_item(text), example_context())}
    threat = findings["threat_of_violence"]
    assert threat.police_referral and threat.clauses == ()  # the neutral default policy: no clause numbers
    assert threat.spans[0].text == "I'll kill you"
    assert findings["insult"].spans[0].text == "numpty"


def test_evaluate_scored_gives_the_findings_and_the_classifier_score_in_one_pass():
    full = load_engine()
    item = text_item("go back to the sewer you crawled out of")
    findings, score = full.evaluate_scored(item, example_context())
    assert findings == full.evaluate(item, example_context())
    assert score == pytest.approx(full.score(item.text))
    assert 0.0 <= score <= 1.0
    assert load_engine(classifier=False).evaluate_scored(item, example_context())[1] is None


@pytest.mark.parametrize(("display", "handle", "text"), [
    ("Cllr Jane Smith", "@janesmith@mastodon.social", "Thanks all for coming to my surgery today."),
    ("Jane Smith, Thornbury councillor", "janesmith.bsky.social", "Signed, Cllr Smith"),
])
def test_a_councillors_own_account_is_not_impersonation(engine, display, handle, text):
    """council.personal_accounts: a known councillor's own account saying "Cllr" is not
    impersonation; the same name on any other account still is."""
    author = Author(remote_id="x", handle=handle, display_name=display)
    plain = example_context()
    assert impersonation(analysis(engine, text, author=author, ctx=plain), {}) is not None
    council = replace(plain.council, personal_accounts=("@JaneSmith@mastodon.social", "janesmith.bsky.social"))
    own = replace(plain, council=council)
    assert impersonation(analysis(engine, text, author=author, ctx=own), {}) is None
    stranger = Author(remote_id="y", handle="@janesmith@evil.example", display_name=display)
    assert impersonation(analysis(engine, text, author=stranger, ctx=own), {}) is not None


def test_personal_accounts_setting_is_read(tmp_path):
    import copy

    import yaml

    from bot.settings import load_settings
    from tests.support import BASE_CONFIG

    doc = copy.deepcopy(BASE_CONFIG)
    doc["council"]["personal_accounts"] = ["@janesmith@mastodon.social"]
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    settings = load_settings(config)
    assert tuple(settings.council.personal_accounts) == ("@janesmith@mastodon.social",)


_EXPLAIN = """
from bot.domain import Author
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item
engine = load_engine(classifier=False)
author = Author(remote_id="x", handle="thornburytc-official.bsky.social",
                display_name="Thornbury Town Council Official")
for f in engine.evaluate(text_item("Road closure notice for Saturday", author=author), example_context()):
    print(f.rule_id, f.explanation)
"""


def test_an_impersonation_explanation_does_not_depend_on_the_hash_seed():
    """The evidence keeps the explanation: the same post must get the same words in every process
    (the names were once tried in a set's order, which changes with PYTHONHASHSEED)."""
    from tests.support import outputs_under_hash_seeds

    outputs = outputs_under_hash_seeds(_EXPLAIN, 8)
    assert len(outputs) == 1
    assert "impersonat" in outputs.pop()
