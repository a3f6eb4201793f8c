"""Operating points for the transformer tier's heads, from out-of-fold scores.

Used by ``scripts/train_transformer.py`` on the validation fold (posts the
shipped model never trained on). Plain Python, so it can be read and tested
without torch.

* ``offensive`` (the ``abuse_second_opinion`` rule): chosen together with the
  word-list rules, as the queue sees them: ``offensive`` is the best macro-F1 of
  "a rule fired or the score reached t" at precision >= 0.60;
  ``offensive_high_recall`` the highest t reaching recall 0.85.
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


def any_flag_points(gold: Sequence[int], scores: Sequence[float], rules: Sequence[bool]) -> dict:
    table = [(t, prf(gold, [r or s >= t for s, r in zip(scores, rules, strict=True)]))
             for t in candidates(scores)]
    balanced = max((row for row in table if row[1]["precision"] >= MIN_PRECISION_ANY),
                   key=lambda row: (row[1]["macro_f1"], row[0]), default=table[-1])
    high = max((row for row in table if row[1]["recall"] >= HIGH_RECALL),
               key=lambda row: row[0], default=table[0])
    return {"balanced": balanced, "high_recall": high,
            "rules_alone": prf(gold, list(rules))}


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


def choose_thresholds(fold, fold_texts: Sequence[str], scores: Sequence[dict[str, float]]) -> tuple[dict, dict]:
    """(thresholds per head, the out-of-fold metrics at each) for the manifest."""
    from bot.policy.evaluation import rule_flags
    from scripts.transformer_data import HEADS

    thresholds: dict[str, float] = {}
    metrics: dict[str, dict] = {}
    civil = [i for i, p in enumerate(fold) if all(v == 0 for v in p.labels)]
    known = [i for i, p in enumerate(fold) if p.labels[0] >= 0]
    rules = rule_flags([fold[i].text for i in known])
    points = any_flag_points([fold[i].labels[0] for i in known], [scores[i]["offensive"] for i in known], rules)
    thresholds["offensive"] = points["balanced"][0]
    thresholds["offensive_high_recall"] = points["high_recall"][0]
    metrics["offensive_with_rules"] = {"threshold": points["balanced"][0], **points["balanced"][1]}
    metrics["offensive_high_recall_with_rules"] = {"threshold": points["high_recall"][0],
                                                   **points["high_recall"][1]}
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
    return thresholds, metrics
