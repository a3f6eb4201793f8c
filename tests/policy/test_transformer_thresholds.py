"""How the transformer tier's operating points are chosen from out-of-fold scores
(scripts/transformer_thresholds.py; plain Python, no torch)."""

from __future__ import annotations

from scripts.transformer_thresholds import MAX_CIVIL_ALARMS_ANY, per_use_points, prf


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
