"""How the transformer tier's operating points are chosen from out-of-fold scores
(scripts/transformer_thresholds.py; plain Python, no torch)."""

from __future__ import annotations

import pytest

from scripts.transformer_thresholds import (
    MAX_CIVIL_ALARMS_ANY,
    engine_civil_flags,
    joint_points,
    per_use_points,
    prf,
)


def fold(rows: list[tuple[str, int, float, bool]]) -> tuple[list, list, list, list, list]:
    """(gold, scores, rules, sources, civil) from (source, gold, score, rule fired) rows."""
    return ([r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows], [r[0] for r in rows],
            [r[0].startswith("corpus:") and not r[1] for r in rows])


# OLID-like posts need a low threshold (offensive posts score 0.4-0.6); a large
# Davidson-like source scores its offensive posts near 1 and its others near 0.4,
# so on the fold as a whole a high threshold looks best.
OLID = [("olid", 1, 0.55, False)] * 8 + [("olid", 1, 0.45, False)] * 4 + [("olid", 0, 0.2, False)] * 20
OTHER = [("davidson", 1, 0.95, False)] * 60 + [("davidson", 0, 0.42, False)] * 60
CORPUS = ([("corpus:breaches", 1, 0.7, False)] * 10 + [("corpus:civil", 0, 0.1, False)] * 49
          + [("corpus:civil", 0, 0.5, False)])


def test_the_offensive_point_is_chosen_on_the_service_sources_each_on_its_own():
    gold, scores, rules, sources, civil = fold(OLID + OTHER + CORPUS)
    points = per_use_points(gold, scores, rules, sources, civil)
    t = points["balanced"][0]
    assert 0.2 < t <= 0.45  # catches every OLID offensive post; a mixed fold would pick t > 0.42
    assert set(points["per_source"]) == {"olid", "corpus"}
    assert points["per_source"]["olid"]["recall"] == 1.0
    assert points["per_source"]["corpus"]["civil_alarm_rate"] <= MAX_CIVIL_ALARMS_ANY
    whole = prf(gold, [s >= t for s in scores])
    assert points["balanced"][1] == whole  # reported on the whole fold too


def test_civil_alarms_on_the_council_corpus_keep_the_threshold_up():
    # Two civil corpus posts of 50 at 0.5 (4% alarms): the point must stay above them
    # even though OLID alone would be served as well by 0.45.
    corpus = CORPUS[:-1] + [("corpus:civil", 0, 0.5, False)] * 2
    gold, scores, rules, sources, civil = fold(OLID + corpus)
    points = per_use_points(gold, scores, rules, sources, civil)
    assert points["balanced"][0] > 0.5
    assert points["per_source"]["corpus"]["civil_alarm_rate"] == 0.0


def test_a_rule_that_fired_counts_as_flagged():
    rows = OLID + [("olid", 1, 0.05, True)] * 3 + CORPUS
    gold, scores, rules, sources, civil = fold(rows)
    points = per_use_points(gold, scores, rules, sources, civil)
    assert points["per_source"]["olid"]["recall"] == 1.0
    assert points["rules_alone"]["recall"] > 0


def test_without_service_posts_in_the_fold_the_whole_fold_decides():
    gold, scores, rules, sources, civil = fold(OTHER)
    points = per_use_points(gold, scores, rules, sources, civil)
    assert points["per_source"] == {}
    assert 0.42 < points["balanced"][0] <= 0.95


# Joint choice: 50 civil corpus posts; post 0 scores high on offensive, post 1 on hate.
# Each head alone flags one of 50 (2%, within the limit), so choosing each head on
# its own (the old rule) keeps both low points and the queue gets 2 of 50 (4%).
def civil_posts(n: int = 50) -> list[dict[str, float]]:
    rows = [{"offensive": 0.1, "hate": 0.1, "threat": 0.1} for _ in range(n)]
    rows[0]["offensive"], rows[1]["hate"] = 0.6, 0.6
    return rows


OPTIONS = {"offensive": [(0.5, 0.90), (0.8, 0.80)], "hate": [(0.5, 0.90), (0.8, 0.85)],
           "threat": [(0.5, 0.70)]}


def test_the_heads_false_alarms_are_counted_together():
    scores = civil_posts()
    alone = {h: max(rows, key=lambda r: r[1])[0] for h, rows in OPTIONS.items()}
    assert alone == {"offensive": 0.5, "hate": 0.5, "threat": 0.5}  # what the per-head rule picks
    flagged = sum(1 for s in scores if any(s[h] >= t for h, t in alone.items()))
    assert flagged / len(scores) > MAX_CIVIL_ALARMS_ANY
    chosen, rate = joint_points(OPTIONS, [False] * 50, [True] * 50, scores)
    assert rate <= MAX_CIVIL_ALARMS_ANY
    assert chosen == {"offensive": 0.5, "hate": 0.8, "threat": 0.5}  # the cheaper head gives way


def test_a_civil_post_the_rules_flag_uses_up_the_limit():
    base = [False] * 50
    base[7] = True  # e.g. a phone number: one of 50 already
    chosen, rate = joint_points(OPTIONS, base, [True] * 50, civil_posts())
    assert chosen == {"offensive": 0.8, "hate": 0.8, "threat": 0.5}
    assert rate == 0.02


def test_posts_no_second_opinion_may_fire_on_do_not_count_and_slack_keeps_the_best_points():
    gate = [True] * 50
    gate[0] = gate[1] = False  # about things, not aimed at anyone
    chosen, rate = joint_points(OPTIONS, [False] * 50, gate, civil_posts())
    assert chosen == {"offensive": 0.5, "hate": 0.5, "threat": 0.5} and rate == 0.0


def test_when_nothing_meets_the_limit_the_fewest_alarms():
    base = [False] * 10 + [True, True] + [False] * 38  # 4% from the rules alone
    chosen, rate = joint_points(OPTIONS, base, [True] * 50, civil_posts())
    assert chosen == {"offensive": 0.8, "hate": 0.8, "threat": 0.5} and rate == 0.04


TEXTS = ["Text me on 07700900612 if you need a hand with the Christmas lights",
         "I hope the new chair has a thick skin, she'll need it for the car park debate.",
         "The potholes on Castle Street are a bloody disgrace",
         "Immigrants are a disease and this town should get rid of them.",
         "You are a useless idiot and everyone knows it",
         "When is the next parish council meeting?"]


@pytest.mark.parametrize("thresholds", [{"offensive": 0.5, "hate": 0.5, "threat": 0.5},
                                        {"offensive": 0.95, "hate": 0.3, "threat": 0.9}])
def test_base_gate_and_scores_reproduce_the_whole_engine(thresholds):
    from bot.policy.engine import PolicyEngine, load_engine
    from bot.policy.evaluation import example_context, text_item
    from bot.policy.transformer import load_shared

    model = load_shared()
    base, gate, scores = engine_civil_flags(TEXTS, model)
    assert base[0] and not base[1]  # the phone number is a rule's finding
    assert gate[1] and not gate[5]

    class At:
        meta = {**model.meta, "thresholds": {**model.meta["thresholds"], **thresholds}}

        def __getattr__(self, name):
            return getattr(model, name)

    engine = PolicyEngine(load_engine(classifier=False).ruleset, At())
    ctx = example_context()
    for i, text in enumerate(TEXTS):
        expected = base[i] or (gate[i] and any(scores[i][h] >= t for h, t in thresholds.items()))
        assert bool(engine.evaluate(text_item(text, i), ctx)) == expected, text
