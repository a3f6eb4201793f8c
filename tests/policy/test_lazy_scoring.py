"""The model runs only for posts a rule needs it for, with the same findings.

``PolicyEngine.evaluate_batch`` evaluates a poll's items one at a time when the second
opinion scores each post on its own (``scores_alone``), and the spam rule skips the
model when the cheap standard spam head already bounds the transformer tier's mean
below every score that could count (``Analysis.score_bound``). Both must change no
finding: compared here with the engine that scores every post first, and with the
model's score read by the spam rule on every post of the tune parts (a stand-in encoder
there; scripts/dump_findings.py compares the shipped model's findings on 8,269 posts).
"""

from __future__ import annotations

import hashlib
import math

import pytest

from bot.policy import load_engine
from bot.policy.analysis import Analysis
from bot.policy.detectors.spam import DEFAULT_POINTS, lowest_counting_score
from bot.policy.engine import PolicyEngine
from bot.policy.evaluation import example_context, text_item
from bot.policy.measure import load_corpus, part_files
from bot.policy.normalise import normalise
from bot.policy.transformer_tier import WithStandardSpam

CTX = example_context()


@pytest.fixture(scope="module")
def engine():
    return load_engine(tier="transformer")


class Counting:
    """Counts the posts the encoder scores (wraps the engine's ``scores_batch``)."""

    def __init__(self, engine, monkeypatch):
        self.posts = 0
        encoder = engine.classifier.transformer
        run = encoder.scores_batch

        def counted(texts):
            self.posts += len(texts)
            return run(texts)

        monkeypatch.setattr(encoder, "scores_batch", counted)


MIXED = [
    "The bins on Mill Lane have not been collected for three weeks.",  # about things: no model
    "You should be ashamed of yourselves, the lot of you",  # aimed at someone: the model
    "WIN a FREE iPhone!!! Click the link in my bio bit.ly/x",  # spam signals: the model
    "",
    "When is the next parish meeting? " * 40,  # longer than the model's 96 tokens
    "You should be ashamed of yourselves, the lot of you",  # the same text twice
    "Cllr Smith you are a disgrace and everyone knows it",
    "thanks for fixing the streetlight on Church Road, https://www.gov.uk/report-streetlight",
]


def pairs_of(texts):
    return [(text_item(t, i), CTX) for i, t in enumerate(texts)]


@pytest.mark.parametrize("texts", [MIXED, MIXED[:1], MIXED[1:2], [], list(reversed(MIXED))],
                         ids=["mixed", "one-without-model", "one-with-model", "empty", "reversed"])
def test_batch_equals_the_engine_that_scores_every_post_first(engine, texts):
    pairs = pairs_of(texts)
    assert engine.classifier.scores_alone
    lazy = engine.evaluate_batch(pairs)
    assert len(lazy) == len(texts)
    assert lazy == (engine._evaluate_scored_first(pairs) if pairs else [])
    assert lazy == [engine.evaluate(item, ctx) for item, ctx in pairs]


def test_batch_results_stay_in_the_items_order(engine):
    pairs = pairs_of(MIXED)
    by_item = {item.remote_id: engine.evaluate(item, ctx) for item, ctx in pairs}
    shuffled = [pairs[i] for i in (3, 0, 7, 2, 5, 1, 6, 4)]
    assert engine.evaluate_batch(shuffled) == [by_item[item.remote_id] for item, _ in shuffled]


def test_the_model_runs_only_for_posts_a_rule_needs_it_for(engine, monkeypatch):
    counting = Counting(engine, monkeypatch)
    engine.evaluate_batch(pairs_of(MIXED[:1] * 3))
    assert counting.posts == 0  # about things, no spam signal: no rule reads the model
    engine.evaluate_batch(pairs_of(MIXED[1:3]))
    assert counting.posts == 2  # aimed at someone; an offer with a shortened link
    engine.evaluate(text_item(MIXED[0]), CTX)
    assert counting.posts == 2


def test_a_batch_size_above_one_still_scores_the_poll_together(tmp_path, monkeypatch):
    """Posts run together score with their neighbours (one quantisation scale per run), so
    the engine keeps scoring the whole poll in one call there, as before."""
    import json
    from pathlib import Path

    rules = tmp_path / "rules.yaml"
    base = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"
    rules.write_text(json.dumps({"extends": str(base), "classifier": {"batch_size": 8}}), encoding="utf-8")
    grouped = load_engine(path=rules)
    assert not grouped.classifier.scores_alone
    counting = Counting(grouped, monkeypatch)
    pairs = pairs_of(MIXED)
    assert grouped.evaluate_batch(pairs) == grouped._evaluate_scored_first(pairs)
    assert counting.posts == 2 * len(MIXED)  # every post, in both calls


def test_score_bound_is_none_without_a_cheap_part_or_once_the_model_ran(engine):
    text = "WIN a FREE iPhone!!! Click the link in my bio bit.ly/x"
    plain = Analysis(text_item(text), CTX, engine.lexicon, lambda norm, words: {"spam": 0.5})
    assert plain.score_bound("spam") is None
    analysis = engine._run(text_item(MIXED[0]), CTX)[1]
    assert "scores" not in analysis.__dict__  # the model never ran for it
    bound = analysis.score_bound("spam")
    assert bound is not None and analysis.score_bound("offensive") is None
    analysis.scores  # noqa: B018 - runs the model
    assert analysis.score_bound("spam") is None
    assert analysis.scores["spam"] <= bound


@pytest.mark.parametrize("text", MIXED + ["Cheap loans, text LOAN to 07700 900123", "free free free £££"])
def test_the_bound_is_never_below_the_score(engine, text):
    classifier = engine.classifier
    ctext = engine.classifier_text(normalise(text))
    bounds, standard = classifier.bounds(ctext)
    scores = classifier.scores(ctext)
    assert scores["spam"] <= bounds["spam"]
    assert scores == classifier.scores(ctext, standard) == classifier.scores_batch([ctext])[0]
    assert 0.0 <= scores["spam_transformer"] <= 1.0


FULL = DEFAULT_POINTS["classifier"]


@pytest.mark.parametrize("params, worded, expected", [
    ({"classifier_threshold": 0.8, "classifier_tiers": [[0.65, 2], [0.45, 1]]}, True, 0.45),
    ({"classifier_threshold": 0.8, "classifier_tiers": [[0.65, 2], [0.45, 1]]}, False, 0.8),
    ({"classifier_threshold": 0.8}, True, 0.8),
    ({"classifier_threshold": 0.8, "classifier_tiers": [[0.6, 3], [0.45, 1]]}, False, 0.6),
    ({"classifier_threshold": 0.8, "classifier_tiers": [[0.5, 0]]}, True, 0.8),
    ({"classifier_threshold": 0.8, "points": {"classifier": 2}}, False, math.inf),
    ({"classifier_threshold": 0.8, "points": {"classifier": 2}}, True, 0.8),
    ({}, False, 0.9),
], ids=["worded", "not-worded", "no-tiers", "a-tier-counting-alone", "a-zero-tier",
        "full-points-below-3", "full-points-below-3-worded", "defaults"])
def test_lowest_counting_score(params, worded, expected):
    assert FULL == 3
    assert lowest_counting_score(params, worded) == expected


class FakeEncoder:
    """Stands in for the encoder: scores in [0, 1] fixed by each text's hash, a third of
    the spam scores at 1 (the bound itself) and a third at 0, so the claim "no spam score
    the encoder could give changes the finding" is tried at its edges on every post."""

    scores_alone = True

    def __init__(self, real):
        self.heads = real.heads
        self.meta = real.meta
        self.sha256 = real.sha256

    def scores_batch(self, texts):
        out = []
        for text in texts:
            digest = hashlib.sha256(text.encode("utf-8")).digest()
            scores = {head: digest[i] / 255 for i, head in enumerate(self.heads)}
            scores["spam"] = (1.0, 0.0, digest[31] / 255)[digest[30] % 3]
            out.append(scores)
        return out


def test_skipping_the_model_for_the_spam_rule_changes_no_finding(engine):
    """Every post of the tune parts, each evaluated twice with the same encoder scores: as shipped, and
    with the bound taken away (the spam rule then reads the encoder's score on every post)."""
    classifier = WithStandardSpam(FakeEncoder(engine.classifier.transformer), engine.classifier.spam)
    shipped, forced = PolicyEngine(engine.ruleset, classifier), PolicyEngine(engine.ruleset, classifier)
    forced._bounded = False
    cases = [c for path in part_files("tune") for c in load_corpus(path)]
    assert len(cases) > 1500
    skipped = 0
    for i, case in enumerate(cases):
        ctx = example_context(same_text_authors=int(case.context.get("same_text_authors", 0)))
        item = text_item(case.text, i)
        findings, analysis = shipped._run(item, ctx)
        skipped += "scores" not in analysis.__dict__ and "_bounds" in analysis.__dict__
        assert findings == forced._run(item, ctx)[0], case.text
    assert skipped > 100  # the bound decided for the spam rule on these posts
