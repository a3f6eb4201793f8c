#!/usr/bin/env python3
"""Measure the policy engine on the held-out parts of ../shared/datasets and our own cases.

    .venv/bin/python scripts/evaluate_policy.py [--rules config/rules.yaml]

OLID: offensive vs not (a finding of hate, harassment, threat or obscene counts as
"offensive"). SMS: spam ground. Davidson: hate+offensive vs neither, and how much
of the hate class is caught. The held-out parts (20%, fixed seed) are never used
for training or tuning. Then the council case table and every allow-list entry.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.datasets import Example, load_split  # noqa: E402
from bot.policy.evaluation import ABUSE_GROUNDS, example_context, text_item  # noqa: E402
from bot.policy.lexicon import read_entries  # noqa: E402
from bot.policy.rules import DEFAULT_RULES_FILE, PACKAGE_DATA  # noqa: E402

CASES = Path(__file__).resolve().parents[1] / "tests" / "policy" / "council_cases.yaml"


def prf(gold: list[int], pred: list[bool]) -> dict[str, float]:
    def one(label: int) -> tuple[float, float, float]:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and int(p) == label)
        n_pred = sum(1 for p in pred if int(p) == label)
        n_gold = sum(1 for g in gold if g == label)
        precision, recall = tp / max(1, n_pred), tp / max(1, n_gold)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    p, r, f = one(1)
    return {"precision": p, "recall": r, "f1": f, "macro_f1": (f + one(0)[2]) / 2}


def grounds_of(engine, examples: list[Example]) -> list[set[Ground]]:
    ctx = example_context()
    return [{f.ground for f in engine.evaluate(text_item(e.text, i), ctx)}
            for i, e in enumerate(examples)]


def row(name: str, m: dict[str, float]) -> str:
    return (f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
            f"{m['macro_f1']:.3f} |")


def high_recall_engine(rules: Path | None):
    """The same rules with the classifier at its high-recall operating point."""
    base = (rules or DEFAULT_RULES_FILE).resolve()
    override = {"extends": str(base), "rules": [{
        "id": "abuse_second_opinion",
        "params": {"head": "offensive", "threshold": "auto-high-recall"},
    }]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rules.yaml"
        path.write_text(yaml.safe_dump(override), encoding="utf-8")
        return load_engine(path=path)


def evaluate_datasets(full, rules_only, high_recall) -> list[str]:
    out = ["| data set (held-out part) | precision | recall | F1 | macro-F1 |", "|---|---|---|---|---|"]
    _, olid = load_split("olid")
    gold = [e.label for e in olid]
    for label, engine in (("rules + classifier", full),
                          ("rules + classifier, high-recall threshold", high_recall),
                          ("rules only", rules_only)):
        found = grounds_of(engine, olid)
        out.append(row(f"OLID offensive, {label} (n={len(olid)})",
                       prf(gold, [bool(g & ABUSE_GROUNDS) for g in found])))
    _, sms = load_split("sms")
    found = grounds_of(full, sms)
    out.append(row(f"SMS spam, spam ground (n={len(sms)})",
                   prf([e.label for e in sms], [Ground.SPAM in g for g in found])))
    _, dav = load_split("davidson")
    found = grounds_of(full, dav)
    out.append(row(f"Davidson hate+offensive (n={len(dav)})",
                   prf([e.label for e in dav], [bool(g & ABUSE_GROUNDS) for g in found])))
    hate = [g for e, g in zip(dav, found, strict=True) if e.detail == "hate"]
    caught = sum(1 for g in hate if g & ABUSE_GROUNDS)
    as_hate = sum(1 for g in hate if Ground.HATE in g)
    out.append(f"\nDavidson hate class: {caught}/{len(hate)} flagged "
               f"({caught / max(1, len(hate)):.3f}), {as_hate} of them on the hate ground.")
    return out


def evaluate_cases(engine) -> list[str]:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    ctx = example_context()
    wrong = []
    for i, case in enumerate(cases):
        got = sorted({str(f.ground) for f in engine.evaluate(text_item(case["text"], i), ctx)})
        if got != sorted(case["grounds"]):
            wrong.append(f"  {case['text']!r}: expected {case['grounds']}, got {got}")
    lines = [f"Council cases: {len(cases) - len(wrong)}/{len(cases)} as expected "
             f"({sum(1 for c in cases if not c['grounds'])} must-not-flag cases)."]
    return lines + wrong


def evaluate_allow_list(engine) -> list[str]:
    entries = read_entries((PACKAGE_DATA / "allowlist.txt").read_text(encoding="utf-8"))
    words = [e.strip("*") for e in entries if not e.startswith("*")]
    ctx = example_context()
    alarms = [w for i, w in enumerate(words)
              if engine.evaluate(text_item(f"We had a lovely day in {w} with the family.", i), ctx)]
    return [f"Allow-list: {len(words)} entries tried in a sentence, {len(alarms)} false alarm(s)"
            + (": " + ", ".join(alarms) if alarms else ".")]


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the policy engine.")
    parser.add_argument("--rules", type=Path, default=None)
    args = parser.parse_args()
    full = load_engine(path=args.rules)
    rules_only = load_engine(path=args.rules, classifier=False)
    thresholds = full.classifier.meta.get("thresholds", {}) if full.classifier else {}
    print(f"classifier thresholds (chosen on the training part): {thresholds}")
    print("\n".join(evaluate_datasets(full, rules_only, high_recall_engine(args.rules))))
    print()
    print("\n".join(evaluate_cases(rules_only)))
    print("\n".join(evaluate_allow_list(full)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
