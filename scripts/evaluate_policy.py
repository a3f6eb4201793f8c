#!/usr/bin/env python3
"""Measure the policy engine as the clerk sees it; prints Markdown tables for docs/policy.md.

    .venv/bin/python scripts/evaluate_policy.py             # tuning parts (what tuning may look at)
    .venv/bin/python scripts/evaluate_policy.py --heldout   # held-out parts (final figures only)
    .venv/bin/python scripts/evaluate_policy.py --fresh     # the fresh set (final figures only)
    .venv/bin/python scripts/evaluate_policy.py --fresh2    # the second fresh set (final figures only)
    .venv/bin/python scripts/evaluate_policy.py --fresh3    # the third fresh set (final figures only)
    .venv/bin/python scripts/evaluate_policy.py --fresh4    # the fourth fresh set (final figures only)
    .venv/bin/python scripts/evaluate_policy.py --fresh5    # the fifth fresh set (final figures only)
    .venv/bin/python scripts/evaluate_policy.py --retired --show  # fresh, fresh2, fresh3: retired to tuning
    .venv/bin/python scripts/evaluate_policy.py --sets corpus olid --rules-only

*Flagged* is any finding at all (what puts a post in the clerk's queue); *right
ground* means a finding on one of the grounds the set's label stands for. Sets:
the council corpora in tests/policy/corpus (civil and breaches; ``*.tune.yaml`` by
default, ``*.heldout.yaml`` with ``--heldout``, ``*.fresh.yaml`` with ``--fresh``: the
fresh set, written later by someone who had not seen the detectors, never split and
never tuned on; ``*.fresh2.yaml`` with ``--fresh2``: a second such set, written
blind later still; ``*.fresh3.yaml`` with ``--fresh3``: a third, written blind after
that by someone else again; ``*.fresh4.yaml`` with ``--fresh4``: a fourth, written blind in
session 6 by someone else again; ``*.fresh5.yaml`` with ``--fresh5``: a fifth, written blind in
session 7 by someone else again; ``--retired``: fresh, fresh2 and fresh3 together, retired to tuning
data in sessions 6 and 7 (``bot.policy.measure.RETIRED_PARTS``: ``--show`` allowed); with any of the blind
ones, the public sets give their held-out parts, as with ``--heldout``) and the public sets in
../shared/datasets, each split once into a training and a held-out part
(bot/policy/datasets.py: fixed seed, EDOS by its official split). Without
``--heldout`` the public rows are the training parts, on which the classifier was
trained (OLID, SMS, YouTube, Davidson): in-sample figures, for tuning only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.datasets import load_split  # noqa: E402
from bot.policy.evaluation import example_context, text_item  # noqa: E402
from bot.policy.lexicon import read_entries  # noqa: E402
from bot.policy.measure import (  # noqa: E402
    ABUSE,
    CORPUS_DIR,
    confusion,
    corpus_report,
    corpus_tables,
    judge_cases,
    judge_texts,
    load_corpus,
    part_files,
)
from bot.policy.rules import PACKAGE_DATA  # noqa: E402

CASES = Path(__file__).resolve().parents[1] / "tests" / "policy" / "council_cases.yaml"
HATE = frozenset({Ground.HATE})
# set name -> (what its positive label is, the grounds that are right for it)
PUBLIC_SETS: dict[str, tuple[str, frozenset[Ground]]] = {
    "olid": ("OLID offensive", ABUSE),
    "davidson": ("Davidson hate+offensive", ABUSE),
    "sms": ("SMS spam", frozenset({Ground.SPAM})),
    "youtube": ("YouTube spam", frozenset({Ground.SPAM})),
    "edos": ("EDOS sexism", frozenset({Ground.HATE, Ground.THREAT})),
    "stormfront": ("Stormfront hate", HATE),
    "toxigen": ("ToxiGen hate", HATE),
    "wikipedia": ("Wikipedia toxic", ABUSE),
}
ALARMS: dict[str, Counter[str]] = {}  # set -> grounds of the false alarms on its negatives
HEADER = ("| data set | n (pos.) | flagged P | flagged R | flagged F1 | macro-F1 | "
          "right-ground P | right-ground R | right-ground F1 | false alarms on negatives |")


def evaluate_public(engine, name: str, heldout: bool) -> list[str]:
    training, held = load_split(name)
    rows = held if heldout else training
    label, right = PUBLIC_SETS[name]
    found = judge_texts(engine, [e.text for e in rows])
    gold = [bool(e.label) for e in rows]
    flagged = confusion(gold, [bool(f) for f in found])
    grounded = confusion(gold, [bool(f & right) for f in found])
    lines = [f"| {label} | {len(rows)} ({sum(gold)}) | {flagged.precision:.3f} | {flagged.recall:.3f} | "
             f"{flagged.f1:.3f} | {flagged.macro_f1:.3f} | {grounded.precision:.3f} | "
             f"{grounded.recall:.3f} | {grounded.f1:.3f} | {flagged.false_alarm_rate:.1%} |"]
    alarms = Counter(str(g) for e, f in zip(rows, found, strict=True) if not e.label for g in f)
    ALARMS[label] = alarms
    if name == "davidson":
        hate = [f for e, f in zip(rows, found, strict=True) if e.detail == "hate"]
        lines.append(f"| Davidson hate class, hate ground | {len(hate)} | | "
                     f"{sum(1 for f in hate if f) / max(1, len(hate)):.3f} | | | | "
                     f"{sum(1 for f in hate if Ground.HATE in f) / max(1, len(hate)):.3f} | | |")
    return lines


def corpus_part(heldout: bool, fresh: bool, fresh2: bool = False, fresh3: bool = False,
                retired: bool = False, fresh4: bool = False, fresh5: bool = False) -> str:
    """The council corpus part to read: tune, heldout, fresh, fresh2, fresh3, fresh4, fresh5 or
    retired."""
    if retired:
        return "retired"
    if fresh5:
        return "fresh5"
    if fresh4:
        return "fresh4"
    if fresh3:
        return "fresh3"
    return "fresh2" if fresh2 else "fresh" if fresh else "heldout" if heldout else "tune"


def evaluate_corpora(engine, part: str, show: bool = False,
                     batches: list[int] | None = None) -> list[str]:
    files = part_files(part, CORPUS_DIR)
    if not files:
        return [f"No council corpus files (*.{part}.yaml) in {CORPUS_DIR}."]
    cases = [case for path in files for case in load_corpus(path)
             if not batches or case.batch in batches]
    report = corpus_report(cases, judge_cases(engine, cases))
    names = ", ".join(p.name for p in files)
    if batches:
        names += ", batch " + ", ".join(map(str, sorted(batches)))
    lines = corpus_tables(f"Council corpus, {part} part ({names})", report)
    if show and part in ("tune", "retired"):  # never for the held-out or blind fresh files
        lines += ["", f"Missed or on a wrong ground ({part} part):"]
        lines += [f"- [{c.ground}] {c.text!r}" for c in report.missed]
        lines += ["", f"Civil posts flagged ({part} part):"]
        lines += [f"- {sorted(map(str, f))} {c.text!r}" for c, f in report.false_alarms]
        lines += ["", f"Own contact details treated too harshly ({part} part):"]
        lines += [f"- {c.text!r}" for c in report.own_contact_harsh]
    return lines


def evaluate_cases(engine) -> list[str]:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    ctx = example_context()
    wrong = []
    for i, case in enumerate(cases):
        got = sorted({str(f.ground) for f in engine.evaluate(text_item(case["text"], i), ctx)})
        if got != sorted(case["grounds"]):
            wrong.append(f"- {case['text']!r}: expected {case['grounds']}, got {got}")
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
    parser = argparse.ArgumentParser(description="Measure the policy engine as the clerk sees it.")
    parser.add_argument("--rules", type=Path, default=None, help="rules file (default: config/rules.yaml)")
    parser.add_argument("--heldout", action="store_true",
                        help="the held-out parts (final figures; never tune on what this shows)")
    parser.add_argument("--fresh", action="store_true",
                        help="the council corpora's fresh files (*.fresh.yaml) instead of tune/held-out, "
                             "public sets' held-out parts (final figures; never tune on what this shows)")
    for name, which in (("fresh2", "second"), ("fresh3", "third"), ("fresh4", "fourth"),
                        ("fresh5", "fifth")):
        parser.add_argument(f"--{name}", action="store_true",
                            help=f"the council corpora's {which} fresh set (*.{name}.yaml), public sets' "
                                 "held-out parts (final figures; never tune on what this shows)")
    parser.add_argument("--retired", action="store_true",
                        help="the retired blind sets (fresh, fresh2 since session 6, fresh3 since session 7: "
                             "tuning data); "
                             "public sets' training parts, as by default")
    parser.add_argument("--rules-only", action="store_true", help="without the statistical model")
    parser.add_argument("--tier", choices=["standard", "transformer"], default=None,
                        help="which second opinion (default: the rules file's, else the transformer)")
    parser.add_argument("--show", action="store_true",
                        help="list the tuning part's misses and false alarms "
                             "(refused with --heldout, --fresh, --fresh2, --fresh3, --fresh4, --fresh5)")
    parser.add_argument("--batch", type=int, action="append", default=None, metavar="N",
                        help="only the council corpus posts of batch N (repeatable)")
    parser.add_argument("--sets", nargs="*", default=["corpus", *PUBLIC_SETS, "cases"],
                        choices=["corpus", *PUBLIC_SETS, "cases"])
    args = parser.parse_args()
    fresh_any = args.fresh or args.fresh2 or args.fresh3 or args.fresh4 or args.fresh5
    if args.show and (args.heldout or fresh_any):
        parser.error("--show lists posts for tuning; it is not available for the held-out or fresh files")
    if args.heldout + args.fresh + args.fresh2 + args.fresh3 + args.fresh4 + args.fresh5 > 1:
        parser.error("--fresh, --fresh2, --fresh3, --fresh4 and --fresh5 already use the public sets' "
                     "held-out parts; give one of --heldout, --fresh, --fresh2, --fresh3, --fresh4, --fresh5")
    if args.retired and (args.heldout or fresh_any):
        parser.error("--retired is a tuning part; it cannot be combined with --heldout or a fresh set")
    if args.batch and (fresh_any or args.retired):
        parser.error("the fresh files have no batches; --batch is for the split corpora")
    public_heldout = args.heldout or fresh_any
    engine = load_engine(path=args.rules, classifier=False if args.rules_only else None, tier=args.tier)
    part = ("fresh5 (council corpora) and held-out (public sets)" if args.fresh5
            else "fresh4 (council corpora) and held-out (public sets)" if args.fresh4
            else "fresh3 (council corpora) and held-out (public sets)" if args.fresh3
            else "fresh2 (council corpora) and held-out (public sets)" if args.fresh2
            else "fresh (council corpora) and held-out (public sets)" if args.fresh
            else "held-out" if args.heldout
            else "retired fresh, fresh2 and fresh3 (council corpora) and training (public sets)" if args.retired
            else "tuning (training)")
    model = ("rules only" if engine.classifier is None
             else f"rules + classifier ({getattr(engine.classifier, 'tier', 'standard')} tier)")
    print(f"## Evaluation, {part} parts, {model}\n")
    if "corpus" in args.sets:
        part_name = corpus_part(args.heldout, args.fresh, args.fresh2, args.fresh3, args.retired,
                                args.fresh4, args.fresh5)
        print("\n".join(evaluate_corpora(engine, part_name, args.show, args.batch)) + "\n")
    public = [s for s in args.sets if s in PUBLIC_SETS]
    if public:
        print(HEADER)
        print("|" + "---|" * HEADER.count(" | ") + "---|")
        for name in public:
            print("\n".join(evaluate_public(engine, name, public_heldout)), flush=True)
        print("\nFalse alarms on each set's negatives, by ground:\n")
        for label, alarms in ALARMS.items():
            shown = ", ".join(f"{g} {n}" for g, n in alarms.most_common()) or "none"
            print(f"- {label}: {shown}")
        print()
    if "cases" in args.sets:
        print("\n".join(evaluate_cases(load_engine(path=args.rules, classifier=False))))
        print("\n".join(evaluate_allow_list(engine)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
