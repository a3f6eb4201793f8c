"""Operating points for the transformer tier's heads, from out-of-fold scores.

Used by ``scripts/train_transformer.py`` on the validation fold (posts the
shipped model never trained on). Plain Python, so it can be read and tested
without torch.

* ``offensive`` (the ``abuse_second_opinion`` rule): chosen together with the
  word-list rules, as the queue sees them, on the fold's posts of the sources the
  service's posts resemble (``SERVICE_SOURCES``: OLID's replies and the council
  corpora), each source on its own: ``offensive`` is the t with the best mean
  macro-F1 of "a rule fired or the score reached t" over those sources, at
  precision >= 0.60 in each and at most 2% of the corpora's civil fold posts
  flagged (where some t allows it); ``offensive_high_recall`` the highest t
  reaching recall 0.85 on those sources together. (A single fold mixing every
  source gave a point that did not carry over to OLID: Davidson, Wikipedia and
  Stormfront outweighed it.) Without such posts in the fold, the whole fold.
* ``abuse``, ``threat``, ``hate``, ``obscene``, ``spam`` (second opinions on one
  ground): the best F1 at precision >= 0.70 that flags at most 1% of the fold's
  civil posts (every label 0).
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_PRECISION_ANY = 0.60
HIGH_RECALL = 0.85
MIN_PRECISION_GROUND = 0.70
MAX_CIVIL_ALARMS = 0.01
MAX_CIVIL_ALARMS_ANY = 0.02
SERVICE_SOURCES = {"olid": ("olid",), "corpus": ("corpus:",)}  # name -> source prefixes


def prf(gold: Sequence[int], pred: Sequence[bool]) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    tn = len(gold) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    neg_p = tn / (tn + fn) if tn + fn else 0.0
    neg_r = tn / (tn + fp) if tn + fp else 0.0
    neg_f1 = 2 * neg_p * neg_r / (neg_p + neg_r) if neg_p + neg_r else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "macro_f1": round((f1 + neg_f1) / 2, 4), "n": len(gold), "positives": tp + fn}


def candidates(scores: Sequence[float]) -> list[float]:
    grid = {round(0.02 * i, 2) for i in range(1, 50)}
    ordered = sorted(scores)
    grid |= {round(ordered[int(q * (len(ordered) - 1))], 4) for q in (i / 200 for i in range(1, 200))} \
        if ordered else set()
    return sorted(t for t in grid if 0.0 < t < 1.0)


def flags(scores: Sequence[float], rules: Sequence[bool], t: float,
          guard: Sequence[bool] | None = None) -> list[bool]:
    """What the queue sees: a rule fired, or the score reached ``t`` where the second opinion may
    fire at all (``guard``: the target guard passes; None: everywhere)."""
    guard = guard if guard is not None else [True] * len(scores)
    return [r or (s >= t and g) for s, r, g in zip(scores, rules, guard, strict=True)]


def any_flag_points(gold: Sequence[int], scores: Sequence[float], rules: Sequence[bool],
                    guard: Sequence[bool] | None = None) -> dict:
    table = [(t, prf(gold, flags(scores, rules, t, guard))) for t in candidates(scores)]
    balanced = max((row for row in table if row[1]["precision"] >= MIN_PRECISION_ANY),
                   key=lambda row: (row[1]["macro_f1"], row[0]), default=table[-1])
    high = max((row for row in table if row[1]["recall"] >= HIGH_RECALL),
               key=lambda row: row[0], default=table[0])
    return {"balanced": balanced, "high_recall": high,
            "rules_alone": prf(gold, list(rules))}


def service_groups(sources: Sequence[str], gold: Sequence[int]) -> dict[str, list[int]]:
    """Row indices per service source (only sources with both kinds of post)."""
    groups = {name: [j for j, s in enumerate(sources) if s.startswith(prefixes)]
              for name, prefixes in SERVICE_SOURCES.items()}
    return {name: rows for name, rows in groups.items()
            if any(gold[j] for j in rows) and not all(gold[j] for j in rows)}


def per_use_points(gold: Sequence[int], scores: Sequence[float], rules: Sequence[bool],
                   sources: Sequence[str], civil: Sequence[bool], guard: Sequence[bool] | None = None) -> dict:
    """``any_flag_points`` chosen on the service sources, each on its own (see the docstring).
    ``guard``: per post, may the second opinion fire at all (the engine's target guard)."""
    groups = service_groups(sources, gold)
    if not groups:
        return {**any_flag_points(gold, scores, rules, guard), "per_source": {}}
    rows = sorted(j for g in groups.values() for j in g)
    civil_rows = [j for j in groups.get("corpus", []) if civil[j]]  # the council's own civil posts
    table = []
    for t in candidates([scores[j] for j in rows]):
        pred = flags(scores, rules, t, guard)
        per = {name: prf([gold[j] for j in g], [pred[j] for j in g]) for name, g in groups.items()}
        alarms = sum(1 for j in civil_rows if pred[j]) / max(1, len(civil_rows))
        table.append((t, per, alarms, prf([gold[j] for j in rows], [pred[j] for j in rows])))
    precise = [row for row in table if all(m["precision"] >= MIN_PRECISION_ANY for m in row[1].values())]
    quiet = [row for row in precise if row[2] <= MAX_CIVIL_ALARMS_ANY] or precise or table[-1:]
    best = max(quiet, key=lambda row: (sum(m["macro_f1"] for m in row[1].values()) / len(row[1]), row[0]))
    high = max((row for row in table if row[3]["recall"] >= HIGH_RECALL), key=lambda row: row[0],
               default=table[0])
    return {"balanced": (best[0], prf(gold, flags(scores, rules, best[0], guard))),
            "high_recall": (high[0], prf(gold, flags(scores, rules, high[0], guard))),
            "rules_alone": prf(gold, list(rules)),
            "per_source": {name: {**m, "civil_alarm_rate": round(best[2], 4) if name == "corpus" else ""}
                           for name, m in best[1].items()}}


def ground_point(gold: Sequence[int], scores: Sequence[float], civil_scores: Sequence[float]) -> tuple:
    table = []
    for t in candidates(scores):
        alarms = sum(1 for s in civil_scores if s >= t) / max(1, len(civil_scores))
        table.append((t, prf(gold, [s >= t for s in scores]), round(alarms, 4)))
    ok = [row for row in table if row[1]["precision"] >= MIN_PRECISION_GROUND and row[2] <= MAX_CIVIL_ALARMS]
    best = max(ok, key=lambda row: (row[1]["f1"], row[0]), default=None)
    if best is None:  # nothing meets both: the most cautious point that keeps civil posts quiet
        best = min((row for row in table if row[2] <= MAX_CIVIL_ALARMS), key=lambda row: row[0],
                   default=table[-1])
    return best


def group_point(fold, scores: Sequence[dict[str, float]], names_group: Sequence[bool], top: float) -> tuple:
    """``hate_group``: the ``hate`` threshold for posts that name a protected group (and pass the
    second opinion's target guard; ``names_group``), at most ``top`` (the ``hate`` threshold, which
    applies to every other post). The best F1 of the two-level rule on the shared sets' hate
    sources (those with hateful posts) at precision >= 0.70 on every post with a hate label,
    flagging at most 1% of all civil posts and at most 1% of the council corpora's civil posts
    (or no more than ``top`` alone does). (t, metrics, civil alarm rate, corpus civil alarm rate)."""
    h = 3  # HEADS.index("hate")
    rows = [i for i, p in enumerate(fold) if p.labels[h] >= 0]
    hateful = {p.source for p in fold if p.labels[h] == 1 and not p.source.startswith("corpus:")}
    shared = [i for i in rows if fold[i].source in hateful]
    civil = [i for i, p in enumerate(fold) if all(v == 0 for v in p.labels)]
    corpus_civil = [i for i in civil if fold[i].source.startswith("corpus:")]

    def flagged(t: float) -> list[bool]:
        return [s["hate"] >= top or (g and s["hate"] >= t) for s, g in zip(scores, names_group, strict=True)]

    def rate(pred: list[bool], idx: list[int]) -> float:
        return round(sum(1 for i in idx if pred[i]) / max(1, len(idx)), 4)

    at_top = flagged(top)
    limit_all = max(MAX_CIVIL_ALARMS, rate(at_top, civil))
    limit_corpus = max(MAX_CIVIL_ALARMS, rate(at_top, corpus_civil))
    table = []
    for t in [x for x in candidates([scores[i]["hate"] for i in shared]) if x < top] + [top]:
        pred = flagged(t)
        overall = prf([fold[i].labels[h] for i in rows], [pred[i] for i in rows])
        table.append((t, prf([fold[i].labels[h] for i in shared], [pred[i] for i in shared]), overall,
                      rate(pred, civil), rate(pred, corpus_civil)))
    ok = [row for row in table if row[2]["precision"] >= MIN_PRECISION_GROUND
          and row[3] <= limit_all and row[4] <= limit_corpus]
    best = max(ok, key=lambda row: (row[1]["f1"], row[0]), default=table[-1])
    single = table[-1]  # ``top`` for every post: the one-level rule, for comparison
    return best[0], {**best[1], "all_hate_posts": best[2],
                     "one_level": {**single[1], "civil_alarm_rate": single[3],
                                   "corpus_civil_alarm_rate": single[4]}}, best[3], best[4]


def choose_thresholds(fold, fold_texts: Sequence[str], scores: Sequence[dict[str, float]],
                      names_group: Sequence[bool] | None = None,
                      guard: Sequence[bool] | None = None) -> tuple[dict, dict]:
    """(thresholds per head, the out-of-fold metrics at each) for the manifest. With
    ``names_group`` (per post: names a protected group and passes the target guard) also
    ``hate_group``, the hate rule's lower threshold for such posts (``group_point``). With
    ``guard`` (per post: the abuse second opinion's target guard passes), ``offensive`` is chosen
    on what the engine does: a score counts only where the guard lets the rule fire."""
    from bot.policy.evaluation import rule_flags
    from scripts.transformer_data import HEADS

    thresholds: dict[str, float] = {}
    metrics: dict[str, dict] = {}
    civil = [i for i, p in enumerate(fold) if all(v == 0 for v in p.labels)]
    known = [i for i, p in enumerate(fold) if p.labels[0] >= 0]
    rules = rule_flags([fold[i].text for i in known])
    points = per_use_points([fold[i].labels[0] for i in known], [scores[i]["offensive"] for i in known], rules,
                            [fold[i].source for i in known], [all(v == 0 for v in fold[i].labels) for i in known],
                            None if guard is None else [guard[i] for i in known])
    thresholds["offensive"] = points["balanced"][0]
    thresholds["offensive_high_recall"] = points["high_recall"][0]
    metrics["offensive_with_rules"] = {"threshold": points["balanced"][0], **points["balanced"][1]}
    metrics["offensive_high_recall_with_rules"] = {"threshold": points["high_recall"][0],
                                                   **points["high_recall"][1]}
    for name, m in points["per_source"].items():
        metrics[f"offensive_with_rules ({name})"] = {"threshold": points["balanced"][0], **m}
    metrics["rules_alone"] = points["rules_alone"]
    for h, head in enumerate(HEADS):
        rows = [i for i, p in enumerate(fold) if p.labels[h] >= 0]
        gold = [fold[i].labels[h] for i in rows]
        if not any(gold):
            continue
        t, m, alarms = ground_point(gold, [scores[i][head] for i in rows], [scores[i][head] for i in civil])
        metrics[head] = {"threshold": t, **m, "civil_alarm_rate": alarms,
                         "at_0.5": prf(gold, [scores[i][head] >= 0.5 for i in rows])}
        if head != "offensive":
            thresholds[head] = t
    if names_group is not None and "hate" in thresholds:
        t, m, alarms, corpus_alarms = group_point(fold, scores, names_group, thresholds["hate"])
        thresholds["hate_group"] = t
        metrics["hate_group"] = {"threshold": t, **m, "civil_alarm_rate": alarms,
                                 "corpus_civil_alarm_rate": corpus_alarms}
    return thresholds, metrics
