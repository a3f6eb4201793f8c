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
* Then jointly (``joint_points``): ``offensive``, ``hate`` and ``threat`` all feed
  second-opinion rules, so their false alarms add up in the clerk's queue. Among
  each head's points meeting its own precision rule (the civil limits above are
  for each head alone), the combination with the best sum of the heads' criteria
  (mean per-source macro-F1 for ``offensive``, F1 for the others) such that the
  whole engine, every rule and all three second opinions together, flags at most
  2% of the corpora's civil fold posts. Where the limit already holds, this is
  the points each head's rule chose alone; where no combination meets it, the
  one flagging the fewest.
"""

from __future__ import annotations

from collections.abc import Sequence

MIN_PRECISION_ANY = 0.60
HIGH_RECALL = 0.85
MIN_PRECISION_GROUND = 0.70
MAX_CIVIL_ALARMS = 0.01
MAX_CIVIL_ALARMS_ANY = 0.02
JOINT_HEADS = ("offensive", "hate", "threat")  # the heads the second-opinion rules read
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


def any_flag_points(gold: Sequence[int], scores: Sequence[float], rules: Sequence[bool]) -> dict:
    table = [(t, prf(gold, [r or s >= t for s, r in zip(scores, rules, strict=True)]))
             for t in candidates(scores)]
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


def _mean_macro_f1(row: tuple) -> float:
    return sum(m["macro_f1"] for m in row[1].values()) / len(row[1])


def per_use_points(gold: Sequence[int], scores: Sequence[float], rules: Sequence[bool],
                   sources: Sequence[str], civil: Sequence[bool], at: float | None = None) -> dict:
    """``any_flag_points`` chosen on the service sources, each on its own (see the docstring).

    ``options``: (t, mean macro-F1) of every t meeting the precision rule, for
    ``joint_points``; ``at``: report that t (one of ``options``) instead of choosing.
    """
    groups = service_groups(sources, gold)
    if not groups:
        points = any_flag_points(gold, scores, rules)
        return {**points, "per_source": {},
                "options": [(t, m["macro_f1"]) for t, m in ((t, prf(gold, [r or s >= t for s, r in
                            zip(scores, rules, strict=True)])) for t in candidates(scores))
                            if m["precision"] >= MIN_PRECISION_ANY] or [(points["balanced"][0], 0.0)]}
    rows = sorted(j for g in groups.values() for j in g)
    civil_rows = [j for j in groups.get("corpus", []) if civil[j]]  # the council's own civil posts
    table = []
    grid = candidates([scores[j] for j in rows])
    if at is not None and at not in grid:
        grid = sorted({*grid, at})
    for t in grid:
        pred = [r or s >= t for s, r in zip(scores, rules, strict=True)]
        per = {name: prf([gold[j] for j in g], [pred[j] for j in g]) for name, g in groups.items()}
        alarms = sum(1 for j in civil_rows if pred[j]) / max(1, len(civil_rows))
        table.append((t, per, alarms, prf([gold[j] for j in rows], [pred[j] for j in rows])))
    precise = [row for row in table if all(m["precision"] >= MIN_PRECISION_ANY for m in row[1].values())]
    quiet = [row for row in precise if row[2] <= MAX_CIVIL_ALARMS_ANY] or precise or table[-1:]
    if at is not None:  # report a point chosen elsewhere (joint_points) the same way
        quiet = [row for row in table if row[0] == at]
    best = max(quiet, key=lambda row: (_mean_macro_f1(row), row[0]))
    high = max((row for row in table if row[3]["recall"] >= HIGH_RECALL), key=lambda row: row[0],
               default=table[0])
    return {"options": [(row[0], _mean_macro_f1(row)) for row in (precise or table[-1:])],
            "balanced": (best[0], prf(gold, [r or s >= best[0] for s, r in zip(scores, rules, strict=True)])),
            "high_recall": (high[0], prf(gold, [r or s >= high[0] for s, r in zip(scores, rules, strict=True)])),
            "rules_alone": prf(gold, list(rules)),
            "per_source": {name: {**m, "civil_alarm_rate": round(best[2], 4) if name == "corpus" else ""}
                           for name, m in best[1].items()}}


def ground_options(gold: Sequence[int], scores: Sequence[float], civil_scores: Sequence[float]) -> list:
    """(t, F1) of every t meeting ``ground_point``'s rule (else its fallback point alone)."""
    ok = [(t, m["f1"]) for t, m, alarms in _ground_table(gold, scores, civil_scores)
          if m["precision"] >= MIN_PRECISION_GROUND and alarms <= MAX_CIVIL_ALARMS]
    return ok or [(ground_point(gold, scores, civil_scores)[0], 0.0)]


def _ground_table(gold: Sequence[int], scores: Sequence[float], civil_scores: Sequence[float]) -> list:
    table = []
    for t in candidates(scores):
        alarms = sum(1 for s in civil_scores if s >= t) / max(1, len(civil_scores))
        table.append((t, prf(gold, [s >= t for s in scores]), round(alarms, 4)))
    return table


def ground_point(gold: Sequence[int], scores: Sequence[float], civil_scores: Sequence[float],
                 at: float | None = None) -> tuple:
    if at is not None:
        alarms = sum(1 for s in civil_scores if s >= at) / max(1, len(civil_scores))
        return at, prf(gold, [s >= at for s in scores]), round(alarms, 4)
    table = _ground_table(gold, scores, civil_scores)
    ok = [row for row in table if row[1]["precision"] >= MIN_PRECISION_GROUND and row[2] <= MAX_CIVIL_ALARMS]
    best = max(ok, key=lambda row: (row[1]["f1"], row[0]), default=None)
    if best is None:  # nothing meets both: the most cautious point that keeps civil posts quiet
        best = min((row for row in table if row[2] <= MAX_CIVIL_ALARMS), key=lambda row: row[0],
                   default=table[-1])
    return best


def joint_points(options: dict[str, Sequence[tuple[float, float]]], base: Sequence[bool],
                 gate: Sequence[bool], civil_scores: Sequence[dict[str, float]],
                 limit: float = MAX_CIVIL_ALARMS_ANY) -> tuple[dict[str, float], float]:
    """(a threshold per head, the corpora's civil alarm rate) under one joint civil limit.

    ``options``: per head, (t, criterion) of the points its own rule allows.
    For each of the corpora's civil fold posts: ``base``, the engine flags it with
    the heads' second opinions off; ``gate``, a second opinion may fire on it (it is
    aimed at someone, not reported speech); ``civil_scores``, the heads' scores.
    The engine then flags it when ``base``, or ``gate`` and some score >= its t.
    Best sum of criteria with alarms <= ``limit`` (ties: the higher thresholds);
    if none, the fewest alarms.
    """
    n = len(base)
    base_mask = sum(1 << j for j in range(n) if base[j])
    per_head: dict[str, dict[int, tuple[float, float]]] = {}
    for head, rows in options.items():
        best: dict[int, tuple[float, float]] = {}
        for t, crit in rows:  # per set of civil posts flagged: the best point flagging just those
            mask = sum(1 << j for j in range(n) if gate[j] and civil_scores[j][head] >= t)
            if mask not in best or (crit, t) > (best[mask][1], best[mask][0]):
                best[mask] = (t, crit)
        per_head[head] = best
    heads = list(per_head)
    combos: list[tuple[int, float, float, dict[str, float]]] = [(base_mask, 0.0, 0.0, {})]
    for head in heads:
        combos = [(mask | m, crit + c, total + t, {**chosen, head: t})
                  for mask, crit, total, chosen in combos for m, (t, c) in per_head[head].items()]
    rate = {id(c): bin(c[0]).count("1") / max(1, n) for c in combos}
    quiet = [c for c in combos if rate[id(c)] <= limit]
    best_combo = (max(quiet, key=lambda c: (round(c[1], 9), c[2])) if quiet else
                  min(combos, key=lambda c: (rate[id(c)], -c[1], -c[2])))
    return best_combo[3], round(rate[id(best_combo)], 4)


def engine_civil_flags(texts: Sequence[str], classifier,
                       heads: Sequence[str] = JOINT_HEADS) -> tuple[list[bool], list[bool],
                                                                    list[dict[str, float]]]:
    """(base, gate, scores) for ``joint_points``, from the whole engine on ``texts``.

    ``classifier``: the shipped model as loaded by the bot. ``base``: flagged by any
    rule with ``heads`` switched off (threshold 2); ``gate``: flagged with ``heads``
    at threshold 0 (so any of their rules that may fire, fires); ``scores``: what
    the engine's classifier text scores on ``heads``.
    """
    from bot.policy.engine import PolicyEngine, load_engine
    from bot.policy.evaluation import example_context, text_item

    class _At:  # the shipped model with other thresholds, for the rules' ``auto``
        def __init__(self, values: dict[str, float]):
            self.meta = {**classifier.meta, "thresholds": {**classifier.meta["thresholds"], **values}}

        def __getattr__(self, name: str):
            return getattr(classifier, name)

    ruleset = load_engine(classifier=False).ruleset
    ctx = example_context()
    flagged = {}
    for name, value in (("base", 2.0), ("gate", 0.0)):
        engine = PolicyEngine(ruleset, _At({h: value for h in heads}))
        flagged[name] = [bool(engine.evaluate(text_item(t, i), ctx)) for i, t in enumerate(texts)]
    engine = PolicyEngine(ruleset, classifier)
    scores = [{h: float(engine.score(t, h) or 0.0) for h in heads} for t in texts]
    return flagged["base"], flagged["gate"], scores


def choose_thresholds(fold, fold_texts: Sequence[str], scores: Sequence[dict[str, float]],
                      classifier=None) -> tuple[dict, dict]:
    """(thresholds per head, the out-of-fold metrics at each) for the manifest.

    With ``classifier`` (the shipped model), ``offensive``, ``hate`` and ``threat``
    are then chosen jointly (``joint_points``) on the corpora's civil fold posts.
    """
    from bot.policy.evaluation import rule_flags
    from scripts.transformer_data import HEADS

    thresholds: dict[str, float] = {}
    metrics: dict[str, dict] = {}
    civil = [i for i, p in enumerate(fold) if all(v == 0 for v in p.labels)]
    known = [i for i, p in enumerate(fold) if p.labels[0] >= 0]
    rules = rule_flags([fold[i].text for i in known])
    offensive = ([fold[i].labels[0] for i in known], [scores[i]["offensive"] for i in known], rules,
                 [fold[i].source for i in known], [all(v == 0 for v in fold[i].labels) for i in known])
    points = per_use_points(*offensive)
    options: dict[str, Sequence[tuple[float, float]]] = {"offensive": points["options"]}
    ground: dict[str, tuple] = {}
    for h, head in enumerate(HEADS):
        rows = [i for i, p in enumerate(fold) if p.labels[h] >= 0]
        gold = [fold[i].labels[h] for i in rows]
        if any(gold):
            ground[head] = (gold, [scores[i][head] for i in rows], [scores[i][head] for i in civil])
            if head != "offensive":  # offensive's options are the queue's (above)
                options[head] = ground_options(*ground[head])
    joint: dict[str, float] = {}
    corpus_civil = [i for i, p in enumerate(fold) if p.source == "corpus:civil"]
    if classifier is not None and corpus_civil:
        base, gate, civil_scores = engine_civil_flags([fold[i].text for i in corpus_civil], classifier)
        joint, rate = joint_points({h: options[h] for h in JOINT_HEADS if h in options}, base, gate,
                                   civil_scores)
        metrics["joint_civil_alarms (corpus, whole engine)"] = {
            "posts": len(corpus_civil), "rules_alone": sum(base), "rate": rate, **joint}
        if "offensive" in joint:
            points = per_use_points(*offensive, at=joint["offensive"])
    thresholds["offensive"] = points["balanced"][0]
    thresholds["offensive_high_recall"] = points["high_recall"][0]
    metrics["offensive_with_rules"] = {"threshold": points["balanced"][0], **points["balanced"][1]}
    metrics["offensive_high_recall_with_rules"] = {"threshold": points["high_recall"][0],
                                                   **points["high_recall"][1]}
    for name, m in points["per_source"].items():
        metrics[f"offensive_with_rules ({name})"] = {"threshold": points["balanced"][0], **m}
    metrics["rules_alone"] = points["rules_alone"]
    for head, (gold, head_scores, civil_head) in ground.items():
        t, m, alarms = ground_point(gold, head_scores, civil_head, at=joint.get(head) if head != "offensive"
                                    else None)
        metrics[head] = {"threshold": t, **m, "civil_alarm_rate": alarms,
                         "at_0.5": prf(gold, [s >= 0.5 for s in head_scores])}
        if head != "offensive":
            thresholds[head] = t
    return thresholds, metrics
