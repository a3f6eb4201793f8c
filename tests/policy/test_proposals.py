"""Proposals fit the item: quotes detach, DMs are not hidden, the second opinion never blocks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain import ActionKind, Ground, ItemKind, Platform, Severity
from bot.policy.engine import load_engine
from bot.policy.evaluation import example_context, text_item
from bot.policy.proposals import fit_actions

HIDE, DETACH, BLOCK, REPORT = (ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE, ActionKind.BLOCK,
                               ActionKind.REPORT)


@pytest.mark.parametrize(("kind", "platform", "meta", "expected"), [
    (ItemKind.REPLY, Platform.MASTODON, {}, (HIDE, BLOCK, REPORT)),
    (ItemKind.QUOTE, Platform.BLUESKY, {}, (DETACH, BLOCK, REPORT)),
    (ItemKind.DM, Platform.BLUESKY, {}, (BLOCK, REPORT)),
    (ItemKind.MENTION, Platform.SIMULATED, {}, (HIDE, BLOCK, REPORT)),
    (ItemKind.REPLY, Platform.BLUESKY, {"root_is_council": False}, (BLOCK, REPORT)),
    (ItemKind.REPLY, Platform.BLUESKY, {"root_is_council": True}, (HIDE, BLOCK, REPORT)),
])
def test_actions_fit_the_kind_of_item(kind, platform, meta, expected):
    item = text_item("x", kind=kind, meta=meta)
    assert fit_actions((HIDE, DETACH, BLOCK, REPORT), item, platform) == expected


@pytest.fixture(scope="module")
def engine():
    return load_engine()


def test_a_threatening_quote_proposes_detach_not_hide(engine):
    item = text_item("I'll kill you, I know where you live", kind=ItemKind.QUOTE)
    (threat,) = [f for f in engine.evaluate(item, example_context()) if f.ground is Ground.THREAT]
    assert DETACH in threat.proposed_actions and HIDE not in threat.proposed_actions


def test_a_threatening_dm_is_not_hidden(engine):
    item = text_item("I'll kill you, I know where you live", kind=ItemKind.DM)
    (threat,) = [f for f in engine.evaluate(item, example_context()) if f.ground is Ground.THREAT]
    assert threat.proposed_actions == (BLOCK, REPORT)


def test_a_classifier_only_finding_is_low_and_never_blocks_or_reports(engine):
    rule = next(r for r in engine.rules if r.id == "abuse_second_opinion")
    strict = replace(rule, actions=(HIDE, BLOCK, REPORT), params={**rule.params, "threshold": 0.0})
    engine2 = type(engine)(replace(engine.ruleset, rules=[strict]), engine.classifier)
    (finding,) = engine2.evaluate(text_item("you are such a disappointment"), example_context())
    assert finding.severity is Severity.LOW
    assert BLOCK not in finding.proposed_actions and REPORT not in finding.proposed_actions


@pytest.mark.parametrize("text", [
    "This road is a disgrace, the potholes are a joke and the resurfacing is pathetic",
    "The precept rise is scandalous, what a farce, the whole budget is a circus",
    "Bloody awful bin collection again, absolutely useless service",
])
def test_the_second_opinion_needs_a_person_or_group(engine, text):
    rule = next(r for r in engine.rules if r.id == "abuse_second_opinion")
    eager = replace(rule, params={**rule.params, "threshold": 0.0})
    engine2 = type(engine)(replace(engine.ruleset, rules=[eager]), engine.classifier)
    assert engine2.evaluate(text_item(text), example_context()) == []
    assert engine2.evaluate(text_item(text + ", Cllr Smith"), example_context())


def test_repeat_offender_only_adds_to_a_post_that_breaches(engine):
    ctx = replace(example_context(), author_upheld_recent=5)
    assert engine.evaluate(text_item("When is the next parish meeting please?"), ctx) == []
    grounds = {f.ground for f in engine.evaluate(text_item("You absolute bellend"), ctx)}
    assert Ground.REPEAT_OFFENDER in grounds
