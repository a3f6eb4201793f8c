#!/usr/bin/env python3
"""Out-of-fold figures for the statistical second opinion, as the clerk's queue sees them.

``scripts/evaluate_policy.py`` scores the public training parts with the shipped
model, which was trained on them: its SMS, YouTube and OLID rows are in-sample. This
script gives the honest version for model selection: each post of the training parts
is scored by heads fitted on the other four folds (``train_classifier.oof_scores``,
the same fixed fold seed), those scores are given to the full rule engine, and the
queue's figures are counted for a range of thresholds.

    .venv/bin/python scripts/validate_classifier.py          # needs numpy, scipy, scikit-learn

Reads only the public sets' training parts and the council corpora's ``*.tune.yaml``
(posts not used in training, the breaches, are scored by heads fitted on everything).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.datasets import load_split  # noqa: E402
from bot.policy.engine import PolicyEngine  # noqa: E402
from bot.policy.evaluation import example_context, text_item  # noqa: E402
from bot.policy.measure import CORPUS_DIR, Case, case_item, load_corpus  # noqa: E402
from bot.policy.normalise import normalise  # noqa: E402
from scripts import train_classifier as tc  # noqa: E402

ABUSE_RULE = "abuse_second_opinion"
OFFENSIVE_C = 10.0  # the C the shipped offensive head was chosen with (meta "C")


def fitted_scores(head: str) -> dict[str, float]:
    """classifier text -> out-of-fold score (texts seen in training) for one head."""
    if head == "spam":
        texts, labels, _ = tc.spam_examples()
        data = tc.Data(texts, labels)
        data.drop = np.flatnonzero(np.isin(data.names, list(tc.STRUCTURAL)))
        oof = tc.oof_scores(data, tc.SPAM_C)
        full = tc.fit_head(data, np.arange(len(labels)), tc.SPAM_C)
    else:
        olid, _ = load_split("olid")
        texts, labels = [e.text for e in olid], [e.label for e in olid]
        data = tc.Data(texts, labels)
        oof = tc.oof_scores(data, OFFENSIVE_C)
        full = tc.fit_head(data, np.arange(len(labels)), OFFENSIVE_C)
    out: dict[str, float] = {}
    for key, s in zip(data.keys, oof, strict=True):
        out.setdefault(key, float(s))
    out["__full__"] = full  # type: ignore[assignment]
    out["__names__"] = data.names  # type: ignore[assignment]
    return out


def score_unseen(table: dict, key: str) -> float:
    cols, weights, bias = table["__full__"]
    names = table["__names__"]
    if "__lookup__" not in table:
        table["__lookup__"] = dict(zip(names[cols], weights, strict=True))
    from bot.policy.classifier import features

    feats = features(key)
    total = sum(table["__lookup__"].get(f, 0.0) for f in feats)
    return float(1 / (1 + np.exp(-(bias + total / np.sqrt(max(1, len(feats)))))))


def variant(engine: PolicyEngine, abuse_threshold: float) -> PolicyEngine:
    """The engine with the second opinion's threshold set to ``abuse_threshold``."""
    rules = [replace(r, params={**r.params, "threshold": abuse_threshold}) if r.id == ABUSE_RULE else r
             for r in engine.rules]
    return PolicyEngine(replace(engine.ruleset, rules=rules), engine.classifier)


def posts() -> list[tuple[str, list[tuple[str, int, Case | None]]]]:
    sets: list[tuple[str, list[tuple[str, int, Case | None]]]] = [
        (name, [(e.text, e.label, None) for e in load_split(name)[0]])
        for name in ("sms", "youtube", "olid", "davidson")]
    cases = [c for p in sorted(CORPUS_DIR.glob("*.tune.yaml")) for c in load_corpus(p)]
    sets.append(("corpus", [(c.text, int(bool(c.grounds)), c) for c in cases]))
    return sets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--abuse", type=float, nargs="*",
                        default=[0.5, 0.55, 0.6, 0.65, 0.7, 0.73, 0.75, 0.8])
    args = parser.parse_args()
    base = load_engine(tier="standard")  # this script validates the standard tier's model file
    assert base.classifier is not None, "the classifier is switched off in the rules file"
    print(f"shipped thresholds: {base.classifier.meta.get('thresholds')}")
    tables = {h: fitted_scores(h) for h in ("spam", "offensive")}
    sets = [(name, [(text, label, case, {h: lookup(tables[h], base.classifier_text(normalise(text)))
                                          for h in tables}) for text, label, case in rows])
            for name, rows in posts()]
    for t in args.abuse:
        engine = variant(base, t)
        print(f"\n## second opinion at {t}")
        for name, rows in sets:
            found = []
            for i, (text, _label, case, sc) in enumerate(rows):
                if case is not None:
                    item = case_item(case, i)
                    ctx = example_context(same_text_authors=int(case.context.get("same_text_authors", 0)))
                else:
                    item, ctx = text_item(text, i), example_context()
                found.append({f.ground for f in engine._run(item, ctx, sc)[0]})
            print(report(name, rows, found))
    return 0


def lookup(table: dict, key: str) -> float:
    return table[key] if key in table else score_unseen(table, key)


def report(name: str, rows: list, found: list[set]) -> str:
    y = np.array([r[1] for r in rows])
    f = np.array([bool(g) for g in found])
    alarms = Counter(str(g) for r, gs in zip(rows, found, strict=True) if not r[1] for g in gs)
    if name in ("sms", "youtube"):
        g = np.array([Ground.SPAM in x for x in found])
        return (f"- {name}: flagged {prf(y, f)}; spam ground {prf(y, g)}; "
                f"false alarms by ground {dict(alarms.most_common())}")
    if name != "corpus":
        return f"- {name}: flagged {prf(y, f)}; false alarms by ground {dict(alarms.most_common())}"
    civil = [gs for r, gs in zip(rows, found, strict=True) if not r[1] and not r[2].own_contact]
    breach = [(r[2], gs) for r, gs in zip(rows, found, strict=True) if r[1]]
    spam = [(c, gs) for c, gs in breach if Ground.SPAM in c.grounds]
    return (f"- corpus tune: civil false alarms {sum(map(bool, civil))}/{len(civil)} "
            f"({sum(map(bool, civil)) / len(civil):.2%}; by ground "
            f"{dict(Counter(str(g) for gs in civil for g in gs).most_common())}); breaches flagged "
            f"{sum(bool(gs) for _, gs in breach)}/{len(breach)}, right ground "
            f"{sum(bool(gs & c.grounds) for c, gs in breach)}; spam breaches on spam "
            f"{sum(Ground.SPAM in gs for _, gs in spam)}/{len(spam)}")


def prf(y: np.ndarray, f: np.ndarray) -> str:
    tp = float(np.sum(f & (y == 1)))
    p = tp / max(1.0, float(f.sum()))
    r = tp / max(1.0, float((y == 1).sum()))
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    tn = float(np.sum(~f & (y == 0)))
    pn = tn / max(1.0, float((~f).sum()))
    rn = tn / max(1.0, float((y == 0).sum()))
    fn1 = 2 * pn * rn / (pn + rn) if pn + rn else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f1:.3f} macro-F1 {(f1 + fn1) / 2:.3f}"


if __name__ == "__main__":
    sys.exit(main())
