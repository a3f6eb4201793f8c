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


def test_civil_posts_the_target_guard_stops_do_not_keep_the_threshold_up():
    """The same two civil posts at 0.5, but about things (the guard stops the second opinion in
    the engine): they are no alarm, so OLID's point stands; where the guard passes they count."""
    corpus = CORPUS[:-1] + [("corpus:civil", 0, 0.5, False)] * 2
    gold, scores, rules, sources, civil = fold(OLID + corpus)
    guard = [True] * (len(gold) - 2) + [False, False]
    points = per_use_points(gold, scores, rules, sources, civil, guard)
    assert 0.2 < points["balanced"][0] <= 0.45
    assert points["per_source"]["corpus"]["civil_alarm_rate"] == 0.0
    assert per_use_points(gold, scores, rules, sources, civil, [True] * len(gold))["balanced"][0] > 0.5


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


# ---- the hate rule's second level (group_point) and the corpora's k-fold scores ----

from collections import Counter  # noqa: E402

import pytest  # noqa: E402

from scripts import transformer_oof  # noqa: E402
from scripts.transformer_data import Post, corpus_folds  # noqa: E402
from scripts.transformer_thresholds import MAX_CIVIL_ALARMS, group_point  # noqa: E402

HATE = (1, -1, -1, 1, -1, 0)
NOT_HATE = (0, -1, 0, 0, -1, 0)
CIVIL = (0, 0, 0, 0, 0, 0)


def hate_rows(civil_group_score: float) -> tuple[list[Post], list[dict[str, float]], list[bool]]:
    """Hateful posts naming a group score 0.6 (under the usual 0.8); civil corpus posts naming a
    group (debate on immigration) score ``civil_group_score``; the rest are quiet."""
    rows = ([("stormfront", HATE, 0.6, True)] * 20 + [("stormfront", HATE, 0.9, True)] * 10
            + [("stormfront", NOT_HATE, 0.3, True)] * 40 + [("stormfront", NOT_HATE, 0.6, False)] * 10
            + [("corpus:civil", CIVIL, civil_group_score, True)] * 10
            + [("corpus:civil", CIVIL, 0.1, False)] * 290 + [("olid", CIVIL, 0.1, False)] * 300)
    posts = [Post(f"post {i}", labels, source, "x") for i, (source, labels, _, _) in enumerate(rows)]
    return posts, [{"hate": r[2]} for r in rows], [r[3] for r in rows]


def test_the_lower_hate_threshold_catches_hate_naming_a_group():
    posts, scores, names_group = hate_rows(civil_group_score=0.2)
    t, metrics, alarms, corpus_alarms = group_point(posts, scores, names_group, top=0.8)
    assert 0.3 < t <= 0.6  # the 0.6 hateful posts that name a group; not the 0.6 posts that do not
    assert metrics["recall"] == 1.0 and metrics["one_level"]["recall"] == pytest.approx(1 / 3, abs=0.01)
    assert alarms <= MAX_CIVIL_ALARMS and corpus_alarms == 0.0


def test_civil_posts_naming_a_group_keep_the_lower_threshold_up():
    # Ten civil debate posts of 300 at 0.55 (3.3% of the corpus's civil posts): the lower
    # threshold must stay above them, though the hateful posts would want 0.55.
    posts, scores, names_group = hate_rows(civil_group_score=0.62)
    t, _metrics, _alarms, corpus_alarms = group_point(posts, scores, names_group, top=0.8)
    assert t > 0.62 and corpus_alarms <= MAX_CIVIL_ALARMS


def corpus(n_civil: int, n_hate: int, n_threat: int) -> list[Post]:
    return ([Post(f"civil {i}", CIVIL, "corpus:civil", "civil") for i in range(n_civil)]
            + [Post(f"hate {i}", HATE, "corpus:breaches", "hate") for i in range(n_hate)]
            + [Post(f"threat {i}", HATE, "corpus:breaches", "threat") for i in range(n_threat)])


def test_corpus_folds_are_stratified_balanced_and_fixed():
    posts = corpus(103, 41, 17)
    folds = corpus_folds(posts, 5)
    assert folds == corpus_folds(posts, 5) and folds != corpus_folds(posts, 5, seed=1)
    sizes = Counter(folds)
    assert set(sizes) == set(range(5)) and max(sizes.values()) - min(sizes.values()) <= 1
    for kind in ("civil", "hate", "threat"):
        per = Counter(f for p, f in zip(posts, folds, strict=True) if p.kind == kind)
        assert max(per.values()) - min(per.values()) <= 1, kind


def test_out_of_fold_scores_are_read_back_and_refused_when_the_posts_changed(tmp_path):
    posts = corpus(20, 6, 4)
    folds = corpus_folds(posts, 3)
    for k in range(3):
        mine = [(i, p) for i, p in enumerate(posts) if folds[i] == k]
        transformer_oof.write_fold(tmp_path, k, 3, [p for _, p in mine], [p.text for _, p in mine],
                                   [{"hate": i / 100} for i, _ in mine], {"model_sha256": f"m{k}"})
    headers, scores, shas = transformer_oof.read_folds(tmp_path, 3, posts, folds)
    assert [s["hate"] for s in scores] == [i / 100 for i in range(len(posts))]
    assert [h["model_sha256"] for h in headers] == ["m0", "m1", "m2"]
    assert shas[0] == transformer_oof.text_sha(posts[0].text)
    with pytest.raises(SystemExit, match="do not match"):  # a tune post added since
        transformer_oof.read_folds(tmp_path, 3, [*posts, Post("new", CIVIL, "corpus:civil", "civil")],
                                   [*folds, 0])
    with pytest.raises(SystemExit, match="do not match"):  # another fold assignment
        transformer_oof.read_folds(tmp_path, 3, posts, [(f + 1) % 3 for f in folds])
    with pytest.raises(SystemExit, match="fold 0 of 3, not 0 of 4"):  # another K
        transformer_oof.read_folds(tmp_path, 4, posts, folds)
    transformer_oof.fold_file(tmp_path, 2).unlink()
    with pytest.raises(SystemExit, match="missing"):
        transformer_oof.read_folds(tmp_path, 3, posts, folds)


def test_oof_alarms_counts_each_rule_and_what_only_it_flagged():
    """scripts/oof_alarms.py's table: own-contact posts left out, 'only' = the post's one rule."""
    from types import SimpleNamespace

    from scripts.oof_alarms import by_rule

    def case(grounds=(), own=False):
        return SimpleNamespace(grounds=frozenset(grounds), own_contact=own)

    def found(*rules):
        return tuple(SimpleNamespace(rule_id=r) for r in rules)

    cases = [case(), case(), case(own=True), case({"threat"}), case({"hate"})]
    results = [found("a", "b"), found("a", "a"), found("c"), found("b"), found()]
    counts = by_rule(cases, results)
    assert counts["civil"] == Counter({"a": 2, "b": 1})
    assert counts["civil_only"] == Counter({"a": 1})  # the second post: rule a twice is one rule
    assert counts["breach"] == Counter({"b": 1}) and counts["breach_only"] == Counter({"b": 1})
    assert "c" not in counts["civil"]  # own-contact posts are judged differently
